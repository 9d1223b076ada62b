"""How far the model can be trusted: queueing theory in degenerate settings (validation.py) and Dutch figures (calibration.py)."""
