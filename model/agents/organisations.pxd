# Types for the compiled build (model/compiled.py); organisations.py is the source of behaviour.

from model.agents.families cimport Family, Need

cdef class CareLength:
    cdef public object means
    cdef public object kind
    cdef public double sigma
    cdef public double shift

cdef class Team
cdef class OrganisationCore
cdef class ProfessionalCore

cdef class Case:
    cdef public long id
    cdef public Family family
    cdef public OrganisationCore org
    cdef public Team team
    cdef public list needs
    cdef public object own
    cdef public object later
    cdef public long episode
    cdef public long priority
    cdef public double queued_at
    cdef public ProfessionalCore professional
    cdef public object intake_kind
    cdef public bint info_lost
    cdef public object sender
    cdef public long border
    cdef public object phase
    cdef public double extra_hours
    cdef public double resume_days
    cdef public double familiarity

cdef class Team:
    cdef public OrganisationCore org
    cdef public long index
    cdef public object municipalities
    cdef public long seat
    cdef public double fte
    cdef public list professionals
    cdef public object free
    cdef public tuple queues
    cdef public dict travel_per_week
    cdef public tuple partners

cdef class OrganisationCore:
    cdef public long oid
    cdef public long domain
    cdef public long province
    cdef public object catchment_set
    cdef public list teams
    cdef public dict team_of
    cdef public object team_cum_fte
    cdef public object cfg
    cdef public dict column_cfgs
    cdef public bint active
    cdef public bint specialist
    cdef public bint buys_specialised
    cdef public double load
    cdef public double days_per_hour
    cdef public dict intake_work
    cdef public double reporting_share
    cdef public list care_lengths
    cdef public list care_cfg
    cdef public double preventive_weeks

cdef class ProfessionalCore:
    cdef public Team team
    cdef public OrganisationCore org
    cdef public long pid
    cdef public long slots
    cdef public long cases
    cdef public bint boundary_spanner
