# Types for the compiled build (model/compiled.py); simulation.py is the source of behaviour.
from model.agents.families cimport Family, Need
from model.engine.calendar cimport Calendar
