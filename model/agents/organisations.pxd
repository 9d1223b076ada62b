# Types for the compiled build (model/compiled.py); organisations.py is the source of behaviour.

from model.agents.families cimport Family, Need

cdef class CareLength:
    cdef public object means
    cdef public object kind
    cdef public double sigma
    cdef public double shift

cdef class Team

cdef class Case:
    cdef public long id
    cdef public Family family
    cdef public object org
    cdef public Team team
    cdef public list needs
    cdef public object own
    cdef public object later
    cdef public long episode
    cdef public long priority
    cdef public double queued_at
    cdef public object professional
    cdef public object intake_kind
    cdef public bint info_lost
    cdef public object sender
    cdef public long border
    cdef public object phase
    cdef public double extra_hours
    cdef public double resume_days
    cdef public double familiarity

cdef class Team:
    cdef public object org
    cdef public long index
    cdef public object municipalities
    cdef public long seat
    cdef public double fte
    cdef public list professionals
    cdef public object free
    cdef public tuple queues
    cdef public dict travel_per_week
    cdef public tuple partners
