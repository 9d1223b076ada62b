"""`sdsim sweep` end to end: the same tables whatever the engine, the worker count or a
kill and resume; analysis files that hold numbers; bad experiment files."""

import json
import os
import signal
import subprocess
import sys
import time
from functools import reduce
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from model.cli.main import main
from model.runs.run import replication_seeds
from model.sweeps.store import RUN_FILES, RunStore

DATA = Path(__file__).resolve().parents[1] / "data"
ROOT = Path(__file__).resolve().parents[2]

EXPERIMENT = DATA / "sweep_tiny.toml"
RUNS = 3 * 8 * 2
TABLES = (
    "points.csv",
    "runs.csv",
    "summary.csv",
    "differences.csv",
    "discovery.csv",
    "discovery_trajectory.csv",
)


def sweep(*args: str) -> int:
    return main(["sweep", *map(str, args)])


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> Path:
    """The tiny sweep, uninterrupted, in this process (--workers 1)."""
    out = tmp_path_factory.mktemp("sweep") / "reference"
    assert sweep(EXPERIMENT, "--workers", "1", "--out", out) == 0
    return out


def assert_same_tables(a: Path, b: Path) -> None:
    for name in TABLES:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


def finished_runs(out: Path) -> int:
    return RunStore(out).finished()


def test_two_workers_give_identical_tables(reference, tmp_path):
    assert sweep(EXPERIMENT, "--workers", "2", "--out", tmp_path / "two") == 0
    assert_same_tables(reference, tmp_path / "two")


def test_local_dask_cluster_gives_identical_tables(reference, tmp_path):
    out = tmp_path / "dask"
    assert sweep(EXPERIMENT, "--scheduler", "local", "--workers", "2", "--out", out) == 0
    assert_same_tables(reference, out)


# Loaded at start-up by the sweep under test and by each of its workers (through
# PYTHONPATH): a run that would start once HOLD_AT runs are on disk blocks instead, until
# the file RELEASE exists (never, here). The sweep is then stopped, not raced: a kill or a
# Ctrl-C lands while runs are held, whatever the speed of the machine.
HOLD = """
import os
if os.environ.get("SDSIM_TEST_HOLD_AT"):
    import time
    from pathlib import Path

    from model.sweeps import tasks
    from model.sweeps.store import RunStore

    run, store = tasks.run, RunStore(os.environ["SDSIM_TEST_OUT"])
    hold_at, release = int(os.environ["SDSIM_TEST_HOLD_AT"]), Path(os.environ["SDSIM_TEST_RELEASE"])

    def held(*args, **kwargs):
        if store.finished() >= hold_at:
            Path(os.environ["SDSIM_TEST_OUT"] + ".held").touch()
            while not release.exists():
                time.sleep(0.01)
        return run(*args, **kwargs)

    tasks.run = held
"""


def _start(out: Path, hold_at: int, *extra: str) -> subprocess.Popen:
    """The sweep in a subprocess whose runs are held once hold_at runs are on disk."""
    hook = out.parent / "hook"
    hook.mkdir(exist_ok=True)
    (hook / "sitecustomize.py").write_text(HOLD)
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(hook), str(ROOT), os.environ.get("PYTHONPATH", "")]),
        "SDSIM_TEST_OUT": str(out),
        "SDSIM_TEST_HOLD_AT": str(hold_at),
        "SDSIM_TEST_RELEASE": str(out.parent / "release"),
    }
    _held(out).unlink(missing_ok=True)
    return subprocess.Popen(
        [sys.executable, "-m", "model", "sweep", str(EXPERIMENT), "--out", str(out), *extra],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group: the kill reaches its workers too
    )


def _held(out: Path) -> Path:
    return out.parent / f"{out.name}.held"


def _wait_until_held(proc: subprocess.Popen, out: Path) -> None:
    """Until a run is held (its mark appears), or the sweep ended (then it failed or
    finished early: the assertion says which). Waiting is on events, never a deadline."""
    while not _held(out).exists():
        try:
            proc.wait(timeout=0.02)
        except subprocess.TimeoutExpired:
            continue
        raise AssertionError(f"the sweep ended before it held a run: {proc.stderr.read()}")


def test_a_half_written_run_is_not_counted_as_finished(tmp_path):
    """A killed writer leaves `.p…json.tmp-PID.json` behind; pathlib's glob sees hidden files,
    so counting them would report runs that a resume then deletes (CI caught this once)."""
    folder = tmp_path / "runs" / "patchwork"
    folder.mkdir(parents=True)
    (folder / ".p000000-r0000.json.tmp-4242.json").write_text("{")
    (folder / "p000000-r0001.json").write_text("{}")
    assert RunStore(tmp_path).finished() == 1


def test_killed_and_interrupted_sweep_resumes_to_identical_tables(reference, tmp_path):
    out = tmp_path / "killed"
    proc = _start(out, 6, "--workers", "2")
    _wait_until_held(proc, out)
    os.killpg(proc.pid, signal.SIGKILL)  # the sweep and its pool, as a crash would
    proc.communicate()
    killed = finished_runs(out)
    # 6 on disk when the first run was held; at most one more per worker was under way
    assert 6 <= killed <= 6 + 2 * 2
    for f in (out / "runs").glob(RUN_FILES):  # whatever was left on disk is whole
        assert json.loads(f.read_text())["metrics"]["families"] > 0
    assert not (out / "summary.csv").exists()
    # what a writer killed in mid-write leaves: not a finished run, and gone after a resume
    folder = out / "runs" / "patchwork"
    runs = {f"p{p:06d}-r{r:04d}.json" for p in range(8) for r in range(2)}
    missing = sorted(runs - {f.name for f in folder.glob("p*-r*.json")})[0]
    partial = folder / f".{missing}.tmp-4242.json"
    partial.write_text('{"key": [')
    assert finished_runs(out) == killed

    proc = _start(out, killed + 4, "--workers", "1", "--resume")  # Ctrl-C this time
    _wait_until_held(proc, out)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate()
    assert proc.returncode == 130
    assert "--resume" in err.splitlines()[-1] and "Traceback" not in err
    assert finished_runs(out) == killed + 4  # one worker: held at exactly that count
    assert not partial.exists()

    assert sweep(EXPERIMENT, "--workers", "2", "--out", out, "--resume") == 0
    assert finished_runs(out) == RUNS
    assert_same_tables(reference, out)


def test_resume_refuses_another_experiment_and_a_rerun_needs_resume(reference, tmp_path, capsys):
    assert sweep(EXPERIMENT, "--out", reference, "--workers", "1") == 2
    assert "--resume" in capsys.readouterr().err
    other = tmp_path / "other.toml"
    other.write_text(
        EXPERIMENT.read_text()
        .replace("master_seed = 11", "master_seed = 12")
        .replace('file = "tiny.toml"', f'file = "{DATA / "tiny.toml"}"')
    )
    assert sweep(other, "--out", reference, "--resume", "--workers", "1") == 2
    assert "different experiment" in capsys.readouterr().err


def test_analysis_files_hold_finite_values_and_pair_the_runs(reference):
    for name in (*TABLES, "discovery.txt", "figures/discovery.png"):
        assert (reference / name).stat().st_size > 0, name
    runs = pd.read_csv(reference / "runs.csv")
    assert len(runs) == RUNS
    # Seeds are parameters: replication r has the same seed in every scenario and point.
    assert set(runs.groupby("replication")["seed"].nunique()) == {1}
    seeds = runs.groupby("replication")["seed"].first().tolist()
    assert seeds == replication_seeds(11, 2)
    summary = pd.read_csv(reference / "summary.csv")
    key = summary[summary.metric.isin(["signal_to_care_days_mean", "cost_eur_per_family"])]
    assert len(key) == 3 * 8 * 2
    assert np.isfinite(key[["mean", "ci_low", "ci_high"]].to_numpy()).all()
    diffs = pd.read_csv(reference / "differences.csv")
    assert set(diffs.scenario) == {"patchwork", "cooperating"} and set(diffs.baseline) == {
        "centralised"
    }
    # Common random numbers: at the same point and seed every scheme meets the same families.
    families = diffs[diffs.metric == "families"]
    assert (families.difference == 0).all() and (families.ci_high == 0).all()
    stories = diffs[
        (diffs.metric == "stories_told_per_family_mean") & (diffs.scenario == "cooperating")
    ]
    assert (stories.difference < 0).all()  # one intake, fewer stories: everywhere
    box = pd.read_csv(reference / "discovery.csv")
    assert len(box) >= 1 and np.isfinite(box[["low", "high", "qp_value"]].to_numpy()).all()
    trajectory = pd.read_csv(reference / "discovery_trajectory.csv")
    assert np.isfinite(trajectory.to_numpy()).all()
    assert trajectory["mass"].is_monotonic_decreasing


def _t_interval(x: np.ndarray) -> tuple[float, float, float]:
    """Mean and 95 % t-interval, written out here rather than taken from the package."""
    n = len(x)
    half = stats.t.ppf(0.975, n - 1) * np.std(x, ddof=1) / np.sqrt(n)
    return float(np.mean(x)), float(np.mean(x) - half), float(np.mean(x) + half)


def test_summary_and_differences_are_the_runs_recomputed(reference):
    """Every row of summary.csv and differences.csv, recomputed from runs.csv: the mean over
    replications with its t-interval, and the difference from the baseline paired by point
    and replication (the same seed: the same families)."""
    runs = pd.read_csv(reference / "runs.csv")
    summary = pd.read_csv(reference / "summary.csv")
    checked = 0
    for (scenario, point), group in runs.groupby(["scenario", "point"]):
        rows = summary[(summary.scenario == scenario) & (summary.point == point)]
        for row in rows.itertuples():
            x = group[row.metric].to_numpy(dtype=float)
            if not np.isfinite(x).all():
                continue
            assert (row.mean, row.ci_low, row.ci_high) == pytest.approx(_t_interval(x)), row
            assert row.n == len(x)
            checked += 1
    assert checked > 0.9 * len(summary)
    diffs = pd.read_csv(reference / "differences.csv")
    base = runs[runs.scenario == "centralised"].set_index(["point", "replication"])
    checked = 0
    for row in diffs.itertuples():
        other = runs[runs.scenario == row.scenario].set_index(["point", "replication"])
        d = (other[row.metric] - base[row.metric]).xs(row.point, level="point").to_numpy(float)
        if not np.isfinite(d).all():
            continue
        assert (row.difference, row.ci_low, row.ci_high) == pytest.approx(_t_interval(d)), row
        checked += 1
    assert checked > 0.5 * len(diffs)


MORRIS = """
name = "morris_tiny"
master_seed = 5
[set]
years = 0.25
warmup_days = 30
[scenarios.patchwork]
file = "{tiny}"
[parameters]
"domains.youth.fte_per_100k" = {{ low = 40, high = 90 }}
"handover.region_border_latency_days" = {{ low = 0, high = 30 }}
"domains.shelter.day_cost_eur" = {{ low = 50, high = 150 }}
[sampler]
kind = "morris"
n = 4
levels = 4
[outputs]
timeseries = true
events = true
"""


def test_morris_indices_with_intervals_a_figure_and_kept_outputs(tmp_path):
    exp = tmp_path / "morris.toml"
    exp.write_text(MORRIS.format(tiny=DATA / "tiny.toml"))
    out = tmp_path / "out"
    assert sweep(exp, "--workers", "2", "--out", out) == 0
    table = pd.read_csv(out / "sensitivity.csv")
    assert (out / "figures" / "sensitivity.png").stat().st_size > 0
    assert len(pd.read_csv(out / "points.csv")) == 4 * (3 + 1)
    cols = ["mu_star", "mu_star_ci_low", "mu_star_ci_high", "mu", "sigma"]
    assert np.isfinite(table[cols].to_numpy()).all()
    idx = table.set_index(["metric", "parameter"])["mu_star"]
    ci = table.set_index(["metric", "parameter"])[["mu_star_ci_low", "mu_star_ci_high"]]
    # no effect: an interval of nothing; the cost's clear effect: an interval above zero
    assert tuple(ci.loc[("signal_to_care_days_mean", "domains.shelter.day_cost_eur")]) == (0, 0)
    assert ci.loc[("cost_eur_per_family", "domains.shelter.day_cost_eur")].min() > 0
    # The shelter's day cost moves the cost and nothing that families go through.
    assert idx[("signal_to_care_days_mean", "domains.shelter.day_cost_eur")] == 0
    assert idx[("cost_eur_per_family", "domains.shelter.day_cost_eur")] > 0
    assert idx[("signal_to_care_days_mean", "domains.youth.fte_per_100k")] > 0
    # Kept on request: every run's event log, and the monthly series per point.
    assert len(list((out / "runs" / "patchwork").glob("*.events.parquet"))) == 16
    log = pd.read_parquet(next((out / "runs" / "patchwork").glob("*.events.parquet")))
    assert {"time", "kind", "family"} <= set(log.columns) and len(log) > 100
    series = pd.read_csv(out / "timeseries.csv")
    assert len(series) == 16 * 3 and set(series.point) == set(range(16))


ADAPTIVE = """
name = "adaptive_tiny"
master_seed = 3
[set]
years = 0.25
warmup_days = 30
[scenarios.patchwork]
file = "{tiny}"
[scenarios.cooperating]
file = "{tiny}"
set = {{ protocol = "integrated" }}
[parameters]
"domains.youth.fte_per_100k" = {{ values = [40, 60, 90] }}
[replications]
metric = "signal_to_care_days_mean"
target_half_width = {target}
min = 2
step = 2
max = 8
"""


def test_replications_until_a_target_ci_width_are_deterministic(tmp_path):
    exp = tmp_path / "adaptive.toml"
    target = 1.5
    exp.write_text(ADAPTIVE.format(tiny=DATA / "tiny.toml", target=target))
    assert sweep(exp, "--workers", "1", "--out", tmp_path / "one") == 0
    assert sweep(exp, "--workers", "2", "--out", tmp_path / "two") == 0
    for name in ("points.csv", "runs.csv", "summary.csv", "differences.csv"):
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes()
    points = pd.read_csv(tmp_path / "one" / "points.csv")
    assert points.replications.between(2, 8).all() and points.replications.max() > 2
    summary = pd.read_csv(tmp_path / "one" / "summary.csv")
    s2c = summary[summary.metric == "signal_to_care_days_mean"].merge(points, on="point")
    half = (s2c.ci_high - s2c.ci_low) / 2
    # A point stops below its maximum only when every scenario's interval is narrow enough.
    stopped = s2c.replications < 8
    assert (half[stopped] <= target).all()
    assert (s2c.n == s2c.replications).all()


BAD = {
    "unknown key": ('colour = "red"', "colour: unknown key (allowed: analysis, baseline"),
    "missing scenario file": (
        '[scenarios.a]\nfile = "nowhere.toml"',
        "scenarios.a.file: ",
    ),
    "bad scenario change": (
        '[scenarios.a]\nfile = "{tiny}"\nset = {{ domains.youth.intake_minutes = 3 }}',
        "scenarios.a: domains.youth.intake_minutes: unknown key",
    ),
    "unknown parameter": (
        '{a}[parameters]\n"domains.youth.intake_minutes" = {{ low = 1, high = 2 }}',
        "parameters.domains.youth.intake_minutes: unknown parameter (allowed at 'intake_minutes'",
    ),
    "low above high": (
        '{a}[parameters]\n"handover.region_border_latency_days" = {{ low = 9, high = 2 }}',
        "parameters.handover.region_border_latency_days: low (9.0) must be below high (2.0)",
    ),
    "value out of range": (
        '{a}[parameters]\n"domains.youth.fte_per_100k" = {{ low = -5, high = 2 }}\n[sampler]\nkind = "lhs"\nn = 4',
        "parameters.domains.youth.fte_per_100k: -5.0 is not allowed (scenario a): domains.youth.fte_per_100k: Input should be greater than or equal to 0",
    ),
    "range on a choice": (
        "{a}[parameters]\nscheme = {{ low = 0, high = 1 }}",
        "parameters.scheme: not a number; give values = [...]",
    ),
    "unknown sampler": ('{a}[sampler]\nkind = "halton"', "sampler.kind: Input should be 'grid'"),
    "morris without n": (
        '{a}[parameters]\nyears = {{ low = 0.1, high = 0.2 }}\n[sampler]\nkind = "morris"',
        "sampler: sampler 'morris' needs n",
    ),
    "sobol not a power of two": (
        '{a}[parameters]\nyears = {{ low = 0.1, high = 0.2 }}\n[sampler]\nkind = "sobol"\nn = 10',
        "sampler: sobol needs n a power of 2",
    ),
    "grid range without levels": (
        "{a}[parameters]\nyears = {{ low = 0.1, high = 0.2 }}",
        "parameters.years: a range in a grid needs levels",
    ),
    "unknown metric": (
        '{a}[replications]\nmetric = "happiness"\ntarget_half_width = 1',
        "replications.metric: unknown metric 'happiness' (allowed: admin_hours_share",
    ),
    "unknown baseline": (
        'baseline = "nope"\n{a}',
        "baseline: unknown scenario 'nope' (allowed: a)",
    ),
    "discovery without parameters": (
        '{a}[scenarios.b]\nfile = "{tiny}"\n[discovery]\nscenario = "b"\nmetric = "families"',
        "discovery: needs [parameters]",
    ),
    "zero replications": ("replications = 0\n{a}", "replications: must be between 1 and 100000"),
    "not TOML": ("name = ", "not valid TOML"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_experiment_files_give_one_line(case, tmp_path, capsys):
    text, expected = BAD[case]
    tiny = DATA / "tiny.toml"
    scenario_a = f'[scenarios.a]\nfile = "{tiny}"\n'
    path = tmp_path / "bad.toml"
    path.write_text(text.format(a=scenario_a, tiny=tiny))
    assert sweep(path, "--out", tmp_path / "out", "--workers", "1") == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith(f"sdsim: error: {path}: ")
    assert expected in err, err
    assert not (tmp_path / "out").exists()


def test_a_worker_frees_each_finished_model(tiny):
    """A sweep's worker runs model after model: none may stay in memory (Mesa 3.3 kept them)."""
    import gc

    from mesa import Agent

    from model.engine.simulation import SocialDomainModel
    from model.runs.run import run

    def alive() -> int:
        gc.collect()
        return sum(isinstance(o, SocialDomainModel) for o in gc.get_objects())

    before, numbered = alive(), len(Agent._ids)
    for seed in (1, 2):
        run(tiny, seed)
        run(tiny, seed, detail=True)
    assert alive() == before and len(Agent._ids) == numbered


def _mark_when_released(path: str) -> None:
    """A run: `quick` ones are done at once; the others block until the file `release`
    beside them exists, then leave their mark."""
    mark = Path(path)
    if mark.suffix != ".quick":
        while not (mark.parent / "release").exists():
            time.sleep(0.01)
    mark.touch()


def test_an_interrupted_pool_stops_the_runs_in_flight(tmp_path):
    """Ctrl-C must not wait for runs that take minutes: the workers are stopped, so the
    runs in flight never finish, even once they could (each leaves a mark when done); the
    quick one did."""
    from model.sweeps.evaluators import PoolEvaluator

    marks = [str(tmp_path / f"run{i}.{kind}") for i, kind in enumerate(("quick", "held", "held"))]
    with pytest.raises(KeyboardInterrupt), PoolEvaluator(2) as pool:
        results = pool.imap_unordered(_mark_when_released, marks)
        next(results)
        workers = list(pool.pool._processes.values())
        raise KeyboardInterrupt
    assert not any(w.is_alive() for w in workers)
    (tmp_path / "release").touch()  # a worker left running would now finish its run
    for w in workers:
        w.join()
    assert [Path(m).exists() for m in marks] == [True, False, False]


def test_the_next_run_frees_a_finished_model_without_anyone_collecting(tiny):
    """A sweep's worker runs model after model; each must be freed once done, or the
    worker grows by a whole model a run (the paused collector once let that happen)."""
    import weakref

    from model.engine.simulation import SocialDomainModel

    first = SocialDomainModel(tiny, seed=1).run()
    gone = weakref.ref(first)
    del first
    SocialDomainModel(tiny, seed=2).run()
    assert gone() is None


@pytest.mark.parametrize(
    "path", sorted((ROOT / "experiments").glob("*.toml")), ids=lambda p: p.name
)
def test_shipped_experiments_load_and_screen_around_the_defaults(path):
    """A shipped experiment must load; a screening range must contain the default it
    screens around (the sensitivity ranges once lagged behind a recalibration)."""
    from model.sweeps.design import load_experiment

    design = load_experiment(path)
    for name, spec in design.parameters.items():
        if spec.low is None:
            continue
        for scenario in design.scenarios.values():
            value = reduce(lambda node, key: node[key], name.split("."), scenario.model_dump())
            assert spec.low <= value <= spec.high, (path.name, name, value)
