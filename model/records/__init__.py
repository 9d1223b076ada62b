"""The event log (one record per thing that happens) and every outcome, declared once and computed from the log."""
