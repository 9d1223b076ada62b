"""sdsim: an agent-based model of regional schemes in the Dutch social domain."""

from model import compiled

__version__ = "0.1.0"

# Before any other module of the package is imported: a compiled module whose source has
# changed since its build, or every one under SDSIM_PURE_PYTHON=1, is imported as Python.
compiled.install()
