"""Compiles the hot path (the modules with a `.pxd` beside them) with Cython; everything
else about the package is in pyproject.toml.

The `.py` files are the source either way (Cython's pure Python mode): the `.pxd` only adds
types. Where the build cannot compile (no C compiler, `SDSIM_PURE_BUILD=1`), the package is
installed as pure Python, with a warning, and runs the same, more slowly
(docs/performance.md, model/compiled.py).
"""

import os
import sys
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

ROOT = Path(__file__).resolve().parent


class OptionalBuildExt(build_ext):
    """A failed compilation leaves the pure-Python package, which gives the same results."""

    def finalize_options(self):
        super().finalize_options()
        if self.parallel is None:  # the C compiler on every core (2 minutes instead of 3 on 2)
            self.parallel = os.cpu_count() or 1

    def run(self):
        try:
            super().run()
        except Exception as exc:  # noqa: BLE001 - any compiler failure
            print(
                f"sdsim: could not compile the hot path ({exc}); installing it as Python",
                file=sys.stderr,
            )

    def build_extension(self, ext):
        try:
            super().build_extension(ext)
        except Exception as exc:  # noqa: BLE001
            print(
                f"sdsim: could not compile {ext.name} ({exc}); it runs as Python", file=sys.stderr
            )


def extensions():
    if os.environ.get("SDSIM_PURE_BUILD", "").strip() not in ("", "0"):
        return []
    try:
        from Cython.Build import cythonize
    except ImportError:  # a build without its build requirements (--no-build-isolation)
        print("sdsim: Cython is not installed; installing the hot path as Python", file=sys.stderr)
        return []

    sources = sorted(
        p.with_suffix(".py").relative_to(ROOT)
        for p in (ROOT / "model").rglob("*.pxd")
        if p.with_suffix(".py").exists()
    )
    return cythonize(
        [
            # No fused multiply-add (which -march=native could bring): each operation is
            # rounded as Python rounds it, so both builds give the same numbers bit for bit.
            Extension(
                ".".join(s.with_suffix("").parts),
                [str(s)],
                extra_compile_args=["-ffp-contract=off"],
            )
            for s in sources
        ],
        language_level=3,
        quiet=True,
        nthreads=os.cpu_count() or 1,  # Cython's translation on every core too
        # Python's division and modulo, with their checks for zero.
        compiler_directives={"cdivision": False},
    )


setup(ext_modules=extensions(), cmdclass={"build_ext": OptionalBuildExt})
