"""Behaviour: signals, care, handover, escalation and reorganisation, each owning its event handlers; they reach the model through interface.py."""
