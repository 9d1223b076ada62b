# Types for the compiled build (model/compiled.py); events.py is the source of behaviour.
# The record of a case or a need reads their fields, so the compiled log knows their typed
# classes (a compile-time declaration only: events.py never imports model.agents, and the
# import layers hold).
from model.agents.families cimport Family, Need
from model.agents.organisations cimport Case

cpdef bytes _pack_case(double time, kind, Case case, need, double value, detail, aux)
cpdef bytes _pack_need(double time, kind, Need need, double value, detail, aux, case, org)
