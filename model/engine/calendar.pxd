# Types for the compiled build (model/compiled.py); calendar.py is the source of behaviour.

cdef class Calendar:
    cdef public list heap
    cdef public dict days
    cdef public long horizon
    cdef public long seq
    cdef public double end_day
