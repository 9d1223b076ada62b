"""The compiled hot path: which modules run as Cython extensions, and the way back to Python.

The handlers, the agents they touch, the calendar and the log are plain Python; a module
with a `.pxd` file beside it is also compiled by `pip install` (setup.py, Cython's "pure
Python mode"). The `.pxd` declares the per-case objects (Family, Need, Case, Team) as
typed classes, so the handlers reach their fields as C struct members instead of looking
names up; the `.py` stays the only source of behaviour, and both builds give the same
results bit for bit (tests/engine/test_compiled.py).

An extension module would shadow its `.py` from then on, which would make an edit to the
source silently do nothing. So this finder, installed by `model/__init__.py`, imports the
plain module instead when
- `SDSIM_PURE_PYTHON=1` is set (to test, debug or profile the Python source), or
- any compiled module is not built, or its `.py` or `.pxd` is newer than its extension
  (edited or checked out since the build; `make compile` builds it again), with one warning
  naming the modules. All or none: the modules share typed classes.

`status()` says which modules run compiled; every results folder's manifest records it.
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import os
import sys
import warnings
from pathlib import Path

ENV_PURE = "SDSIM_PURE_PYTHON"
_ROOT = Path(__file__).resolve().parent
_SUFFIXES = tuple(importlib.machinery.EXTENSION_SUFFIXES)


def compiled_sources(root: Path = _ROOT) -> list[Path]:
    """The `.py` files that are compiled: those with a `.pxd` beside them (setup.py builds
    exactly these)."""
    return sorted(
        p.with_suffix(".py") for p in root.rglob("*.pxd") if p.with_suffix(".py").exists()
    )


def module_name(source: Path, root: Path = _ROOT) -> str:
    rel = source.resolve().relative_to(root.parent).with_suffix("")
    return ".".join(rel.parts)


def pure_requested() -> bool:
    return os.environ.get(ENV_PURE, "").strip() not in ("", "0")


def runs_compiled() -> bool:
    """Whether this process imports the compiled build (every module built and up to date,
    and pure Python not asked for)."""
    sources = compiled_sources()
    return bool(sources) and not pure_requested() and _unusable(sources)[0] is None


def _unusable(sources) -> tuple[str | None, list[Path]]:
    """Why the build of these sources cannot be used (None: it can), and the sources newer
    than their build. All or none: the modules share typed classes (a Case compiled in one
    is read as a struct by another)."""
    built = [(s, _extension(s)) for s in sources]
    if any(e is None for _, e in built):
        return "not built", []
    stale = [s for s, e in built if _stale(s, e)]
    return ("source newer than the build" if stale else None), stale


def _extension(source: Path) -> Path | None:
    for suffix in _SUFFIXES:
        ext = source.with_name(source.stem + suffix)
        if ext.exists():
            return ext
    return None


def _stale(source: Path, ext: Path) -> bool:
    built = ext.stat().st_mtime
    pxd = source.with_suffix(".pxd")
    return source.stat().st_mtime > built or (pxd.exists() and pxd.stat().st_mtime > built)


class _PurePythonFinder:
    """Imports the `.py` of the compiled modules when asked for pure Python, or when any of
    them is not built or older than its source (`_unusable`); otherwise leaves the import to
    Python."""

    def __init__(self, modules: dict[str, Path]) -> None:
        self.modules = modules
        self.pure: dict[str, str] = {}  # module -> why it runs as Python
        self._why: str | None = None  # why the whole hot path runs as Python (None: it doesn't)
        self._checked = False

    def _whole_build(self) -> str | None:
        if not self._checked:
            self._checked = True
            self._why, stale = _unusable(self.modules.values())
            if stale:
                warnings.warn(
                    f"{', '.join(map(str, stale))} changed since the hot path was compiled: "
                    "running it as Python (`make compile` builds it again)",
                    stacklevel=3,
                )
        return self._why

    def find_spec(self, name, path=None, target=None):
        source = self.modules.get(name)
        if source is None:
            return None
        why = f"{ENV_PURE} is set" if pure_requested() else self._whole_build()
        if why is None:
            return None
        self.pure[name] = why
        return importlib.util.spec_from_file_location(name, source)


_finder: _PurePythonFinder | None = None


def install() -> None:
    """Put the finder first on the import path (once)."""
    global _finder
    if _finder is None:
        _finder = _PurePythonFinder({module_name(p): p for p in compiled_sources()})
        sys.meta_path.insert(0, _finder)


def status() -> dict[str, str]:
    """For each module that can be compiled: 'compiled', or why it runs as Python (only
    modules imported so far are known; the rest say 'not imported')."""
    out = {}
    for name in sorted(_finder.modules if _finder else {}):
        mod = sys.modules.get(name)
        if mod is None:
            out[name] = "not imported"
        elif (getattr(mod, "__file__", "") or "").endswith(_SUFFIXES):
            out[name] = "compiled"
        else:
            out[name] = "python: " + (_finder.pure.get(name, "unknown") if _finder else "unknown")
    return out
