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


def _package(tmp_path: Path) -> tuple[Path, Path]:
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    source = pkg / "hot.py"
    source.write_text("WHERE = 'python'\n")
    (pkg / "hot.pxd").write_text("")
    ext = pkg / ("hot" + compiled._SUFFIXES[0])
    ext.write_bytes(b"not really an extension")
    return source, ext


def test_an_extension_older_than_its_source_is_not_used(tmp_path):
    source, ext = _package(tmp_path)
    old = time.time() - 100
    os.utime(ext, (old, old))
    finder = compiled._PurePythonFinder({"pkg.hot": source})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        spec = finder.find_spec("pkg.hot")
    assert spec is not None and spec.origin == str(source)
    assert finder.pure["pkg.hot"] == "source newer than the build"
    assert any("changed since it was compiled" in str(w.message) for w in caught)


def test_an_up_to_date_extension_is_left_to_python_s_import(tmp_path, monkeypatch):
    source, ext = _package(tmp_path)
    old = time.time() - 100
    os.utime(source, (old, old))
    os.utime(source.with_suffix(".pxd"), (old, old))
    monkeypatch.delenv(compiled.ENV_PURE, raising=False)
    finder = compiled._PurePythonFinder({"pkg.hot": source})
    assert finder.find_spec("pkg.hot") is None
    assert finder.find_spec("pkg.other") is None
    monkeypatch.setenv(compiled.ENV_PURE, "1")
    assert finder.find_spec("pkg.hot").origin == str(source)
    assert finder.pure["pkg.hot"] == "SDSIM_PURE_PYTHON is set"
