"""The event calendar, and the model that builds the world and wires the processes to it."""
