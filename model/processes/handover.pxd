# Types for the compiled build (model/compiled.py); handover.py is the source of behaviour.
from model.agents.families cimport Family, Need
from model.agents.organisations cimport Case

cdef class Handovers:
    cdef public object model
    cdef public object protocol
    cdef public object cfg
    cdef public list domains
    cdef public object wijkteam_mandate
    cdef public bint preventive
    cdef public dict joint
    cdef public double fade_per_day
    cdef public list specialised_from
    cdef public dict _border
    cdef public list onward_cum
