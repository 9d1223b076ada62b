# Types for the compiled build (model/compiled.py); simulation.py is the source of behaviour.
cimport cython

from model.agents.families cimport Family, Need
from model.engine.calendar cimport Calendar

@cython.locals(n=Py_ssize_t, th=double, ta=double, inf=double)
cpdef Py_ssize_t _process(model, Calendar cal, double until) except -1
