"""Results folders: written completely elsewhere, then moved into place.

An existing results folder is never left half-overwritten: everything is written to a
hidden sibling folder, and only when it is complete does it replace the old one (two
renames on the same file system). Every folder carries a manifest: the scenario text,
the resolved parameters, the seed, package versions and the git commit.

This module sits at the bottom of the layers, beside the vocabulary: the sweeps' run
store and the results folders of `model/output/` both write through it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import math
import os
import platform
import shutil
import subprocess
import sys
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path

import numpy as np

from model import compiled

PACKAGES = (
    "sdsim",
    "mesa",
    "numpy",
    "scipy",
    "pandas",
    "pydantic",
    "matplotlib",
    "pyarrow",
    "shapely",
    "tqdm",
    "salib",
    "prim",
    "dask",
    "distributed",
)


@contextlib.contextmanager
def atomic_folder(target: Path) -> Iterator[Path]:
    """Yield a fresh temporary folder; on success it replaces `target` whole."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.parent / f".{target.name}.tmp-{os.getpid()}"
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir()
    try:
        yield tmp
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    old = target.parent / f".{target.name}.old-{os.getpid()}"
    if target.exists():
        os.replace(target, old)
    os.replace(tmp, target)
    if old.exists():
        shutil.rmtree(old, ignore_errors=True)


def write_json(path: Path, data) -> None:
    path.write_text(json_text(data), encoding="utf-8")


def json_text(data, indent: int | None = 2) -> str:
    """Standard JSON (NaN as null, numpy scalars as plain numbers); floats round-trip exactly."""
    return json.dumps(_clean(data), indent=indent, sort_keys=False) + "\n"


def atomic_write(path: Path, data: str | bytes) -> None:
    """Write one file whole or not at all: a hidden sibling, flushed to disk, then renamed.

    A crash or a kill leaves either the old file, or the new one, or a hidden `.tmp` file
    that the next writer ignores; never a truncated file under the real name.
    """
    raw = data.encode("utf-8") if isinstance(data, str) else data
    with atomic_path(path) as tmp, open(tmp, "wb") as fh:
        fh.write(raw)
        fh.flush()
        os.fsync(fh.fileno())


@contextlib.contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """A hidden sibling to write `path` through, for writers that want a file name (pm4py's);
    renamed into place when the block ends, removed when it fails. It keeps the suffix, from
    which some writers choose their format."""
    path = Path(path)
    tmp = path.parent / f".{path.name}.tmp-{os.getpid()}{path.suffix}"
    try:
        yield tmp
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    os.replace(tmp, path)


def _clean(x):
    """JSON has no NaN or numpy types: NaN becomes null, numpy scalars plain numbers."""
    if isinstance(x, dict):
        return {str(k): _clean(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [_clean(v) for v in x]
    if isinstance(x, np.generic):
        x = x.item()
    if isinstance(x, float) and not math.isfinite(x):
        return None
    return x


def package_versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def git_commit() -> dict[str, str | bool | None]:
    root = Path(__file__).resolve().parent.parent
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout.strip()
        dirty = bool(
            subprocess.run(
                ["git", "status", "--porcelain", "--untracked-files=no"],
                cwd=root,
                capture_output=True,
                text=True,
                timeout=10,
            ).stdout.strip()
        )
        return {"commit": commit, "dirty": dirty}
    except (OSError, subprocess.SubprocessError):
        return {"commit": None, "dirty": None}


def manifest(scenarios, seeds, scenario_texts: dict[str, str], extra: dict | None = None) -> dict:
    return {
        "created_utc": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "command": " ".join([Path(sys.argv[0]).name, *sys.argv[1:]]),
        "seeds": list(seeds),
        "scenarios": {
            sc.name: {
                "text": scenario_texts.get(sc.name, ""),
                "parameters": sc.model_dump(mode="json"),
            }
            for sc in scenarios
        },
        "packages": package_versions(),
        "git": git_commit(),
        # Which modules of the hot path ran compiled; either way the results are the same
        # (tests/engine/test_compiled.py), only the time differs.
        "compiled": compiled.status(),
        **(extra or {}),
    }
