"""One run: a scenario and a seed to a RunResult; statistics over replications; the counterfactual of a reorganisation; a scripted family's journey."""
