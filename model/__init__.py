"""sdsim: an agent-based model of regional schemes in the Dutch social domain."""

__version__ = "0.1.0"
