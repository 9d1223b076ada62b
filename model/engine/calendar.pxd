# Types for the compiled build (model/compiled.py); calendar.py is the source of behaviour.

cdef class Calendar:
    cdef public list today
    cdef public Py_ssize_t next
    cdef public list soon
    cdef public dict days
    cdef public long horizon
    cdef public long seq
    cdef public double end_day

    cpdef double first(self) except? -1.0
    cpdef tuple pop(self)
