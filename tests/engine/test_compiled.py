"""The compiled hot path (model/compiled.py, setup.py): it is what runs, it gives the same
results bit for bit as the pure-Python source, and an edited source is never shadowed by
an old build."""

import json
import os
import subprocess
import sys
import time
import warnings
from pathlib import Path

import pytest

from model import compiled

ROOT = Path(__file__).resolve().parents[2]
CHOSEN_PYTHON = any(
    os.environ.get(v, "").strip() not in ("", "0")
    for v in ("SDSIM_PURE_PYTHON", "SDSIM_PURE_BUILD")
)


def test_the_hot_path_is_the_modules_with_a_pxd():
    names = [compiled.module_name(p) for p in compiled.compiled_sources()]
    assert "model.processes.care" in names and "model.agents.organisations" in names
    assert all(n.startswith("model.") for n in names)


@pytest.mark.skipif(CHOSEN_PYTHON, reason="pure Python asked for (SDSIM_PURE_PYTHON/_BUILD)")
def test_the_hot_path_runs_compiled():
    """`make` installs the package compiled; a build that silently failed would make every
    run several times slower than docs/performance.md says."""
    import model.engine.simulation  # noqa: F401 - imports every compiled module

    status = compiled.status()
    assert status and all(v == "compiled" for v in status.values()), (
        f"{status}: `make compile` builds them"
    )


def _run(scenario: str, out: Path, pure: bool, *extra: str) -> None:
    env = {**os.environ, "SDSIM_PURE_PYTHON": "1" if pure else "0"}
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    subprocess.run(
        [sys.executable, "-m", "model", "run", scenario, "--out", str(out), *extra],
        cwd=ROOT, env=env, check=True, capture_output=True, timeout=600,
    )  # fmt: skip


@pytest.mark.parametrize(
    "scenario, extra",
    [
        ("tests/data/tiny.toml", ("--seed", "5")),
        ("scenarios/reorganise_centralised.toml", ("--set", "population_scale=0.05")),
    ],
)
def test_compiled_and_pure_python_give_the_same_results(tmp_path, scenario, extra):
    """The pure-Python path stays tested: the same run both ways, byte for byte (the log, the
    tables) and the summary but for its wall time and the build it records."""
    _run(scenario, tmp_path / "pure", True, *extra)
    _run(scenario, tmp_path / "compiled", False, *extra)
    files = sorted(
        p.name for p in (tmp_path / "pure").iterdir() if p.suffix in (".parquet", ".csv")
    )
    assert "events.parquet" in files
    for name in files:
        assert (tmp_path / "pure" / name).read_bytes() == (
            tmp_path / "compiled" / name
        ).read_bytes(), name
    summaries = [
        json.loads((tmp_path / d / "summary.json").read_text()) for d in ("pure", "compiled")
    ]
    for s in summaries:
        s.pop("wall_seconds", None)
    assert summaries[0] == summaries[1]
    manifests = [
        json.loads((tmp_path / d / "manifest.json").read_text()) for d in ("pure", "compiled")
    ]
    assert set(manifests[0]["compiled"].values()) == {"python: SDSIM_PURE_PYTHON is set"}
    if not CHOSEN_PYTHON:
        assert set(manifests[1]["compiled"].values()) == {"compiled"}


def _package(tmp_path: Path) -> dict[str, Path]:
    """Two modules with a .pxd and an 'extension' each, all built a while ago."""
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    old = time.time() - 100
    sources = {}
    for name in ("hot", "warm"):
        source = pkg / f"{name}.py"
        source.write_text("WHERE = 'python'\n")
        (pkg / f"{name}.pxd").write_text("")
        (pkg / (name + compiled._SUFFIXES[0])).write_bytes(b"not really an extension")
        for f in (source, source.with_suffix(".pxd")):
            os.utime(f, (old - 10, old - 10))
        os.utime(pkg / (name + compiled._SUFFIXES[0]), (old, old))
        sources[f"pkg.{name}"] = source
    return sources


def test_an_up_to_date_build_is_left_to_python_s_import(tmp_path, monkeypatch):
    monkeypatch.delenv(compiled.ENV_PURE, raising=False)
    finder = compiled._PurePythonFinder(_package(tmp_path))
    assert finder.find_spec("pkg.hot") is None and finder.find_spec("pkg.warm") is None
    assert finder.find_spec("pkg.other") is None  # not a compiled module: not its business
    monkeypatch.setenv(compiled.ENV_PURE, "1")
    assert finder.find_spec("pkg.hot").origin == str(tmp_path / "pkg" / "hot.py")
    assert finder.pure["pkg.hot"] == "SDSIM_PURE_PYTHON is set"


@pytest.mark.parametrize("edited", ["warm.py", "warm.pxd"])
def test_one_edited_module_makes_the_whole_hot_path_python(tmp_path, monkeypatch, edited):
    """The compiled modules share typed classes, so a build is used whole or not at all."""
    monkeypatch.delenv(compiled.ENV_PURE, raising=False)
    sources = _package(tmp_path)
    os.utime(tmp_path / "pkg" / edited)  # now: newer than its build
    finder = compiled._PurePythonFinder(sources)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        hot, warm = finder.find_spec("pkg.hot"), finder.find_spec("pkg.warm")
    assert hot.origin == str(sources["pkg.hot"]) and warm.origin == str(sources["pkg.warm"])
    assert finder.pure == dict.fromkeys(sources, "source newer than the build")
    assert len(caught) == 1 and "warm.py changed since the hot path was compiled" in str(
        caught[0].message
    )


def test_a_module_not_built_makes_the_whole_hot_path_python(tmp_path, monkeypatch):
    monkeypatch.delenv(compiled.ENV_PURE, raising=False)
    sources = _package(tmp_path)
    (tmp_path / "pkg" / ("warm" + compiled._SUFFIXES[0])).unlink()
    finder = compiled._PurePythonFinder(sources)
    assert finder.find_spec("pkg.hot").origin == str(sources["pkg.hot"])
    assert finder.pure["pkg.hot"] == "not built"
