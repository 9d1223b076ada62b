# Types for the compiled build (model/compiled.py); families.py is the source of behaviour.

cdef class Family

cdef class Need:
    cdef public long id
    cdef public Family family
    cdef public long domain
    cdef public long severity
    cdef public double arose
    cdef public long episode
    cdef public object state
    cdef public object outcome
    cdef public object luck
    cdef public double care_start
    cdef public bint preventive
    cdef public long stories
    cdef public long faces

cdef class Family:
    cdef public long id
    cdef public long municipality
    cdef public long adults
    cdef public long children
    cdef public list open_cases
    cdef public bint known_to_vt
    cdef public bint safety
    cdef public double placement_uniform
    cdef public list needs
    cdef public long clock
