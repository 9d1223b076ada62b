# Types for the compiled build (model/compiled.py); signals.py is the source of behaviour.
from model.agents.families cimport Family, Need
from model.agents.organisations cimport Case

cdef class Signals:
    cdef public object model
    cdef public object log
