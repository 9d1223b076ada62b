# Types for the compiled build (model/compiled.py); care.py is the source of behaviour.
from model.agents.families cimport Need
from model.agents.organisations cimport Case, Team

cdef class Care:
    cdef public object model
    cdef public object log
    cdef public object fam_cfg
    cdef public object workforce
    cdef public bint preventive
    cdef public double coordination_per_org_week
    cdef public double coordination_border
    cdef public double leave_per_day
    cdef public bint continuity_bonus
