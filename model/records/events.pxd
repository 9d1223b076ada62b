# Types for the compiled build (model/compiled.py); events.py is the source of behaviour.
# The record of a case or a need reads their fields, so the compiled log knows their typed
# classes (a compile-time declaration only: events.py never imports model.agents, and the
# import layers hold).
cimport cython

from model.agents.families cimport Family, Need
from model.agents.organisations cimport Case

cdef class EventLog:
    cdef readonly Py_ssize_t _n
    cdef readonly tuple _columns
    cdef readonly object _store
    cdef double[::1] _time
    cdef signed char[::1] _kind
    cdef int[::1] _family
    cdef int[::1] _need
    cdef int[::1] _episode
    cdef int[::1] _case
    cdef int[::1] _org
    cdef int[::1] _professional
    cdef int[::1] _municipality
    cdef signed char[::1] _domain
    cdef double[::1] _value
    cdef int[::1] _detail
    cdef int[::1] _aux

    cdef void _put_case(self, double time, signed char kind, Case case, int need, double value,
                        int detail, int aux) except *
    cdef void _put_need(self, double time, signed char kind, Need need, double value, int detail,
                        int aux, int case, int org) except *
    @cython.locals(i=Py_ssize_t)
    cdef void _put(self, double time, signed char kind, int family, int need, int episode,
                   int case, int org, int professional, int municipality, signed char domain,
                   double value, int detail, int aux) except *
