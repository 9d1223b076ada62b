# Types for the compiled build (model/compiled.py); escalation.py is the source of behaviour.
from model.agents.families cimport Family, Need

cdef class Escalation:
    cdef public object model
    cdef public object cfg
    cdef public list rate_per_day
    cdef public dict _pending
