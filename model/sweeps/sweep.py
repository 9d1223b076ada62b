"""`sdsim sweep`: design -> points -> plan -> runs (into the store) -> analysis (from the store).

Each finished run is written to disk the moment it arrives, and nothing of it is kept;
Ctrl-C or a kill loses only the runs in flight, and `--resume` runs what is missing.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from contextlib import contextmanager
from pathlib import Path

from tqdm import tqdm

from model.output.folders import atomic_folder, atomic_write, manifest
from model.scenario import ScenarioError
from model.sweeps import analysis
from model.sweeps.design import Design, load_experiment
from model.sweeps.discovery import discover, discovery_figure
from model.sweeps.evaluators import make_evaluator
from model.sweeps.plan import Plan
from model.sweeps.samplers import sample
from model.sweeps.sensitivity import sensitivity_figure, sensitivity_table
from model.sweeps.store import RunStore
from model.sweeps.tasks import run_task


class RunFailed(Exception):
    """A run raised inside the model: finished runs stay, --resume retries the rest."""


_ctrl_c = threading.Event()


@contextmanager
def unlosable_ctrl_c():
    """Ctrl-C interrupts at once as usual, and is also remembered until the next finished
    run. Python reports an interrupt that lands inside a weak-reference callback or a
    finaliser (garbage collection runs Mesa's) as "ignored" and drops it; the sweep would
    then run to its end."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum, frame):
        _ctrl_c.set()
        raise KeyboardInterrupt

    _ctrl_c.clear()
    previous = signal.signal(signal.SIGINT, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def cmd_sweep(args: argparse.Namespace) -> int:
    if args.workers < 0:
        raise ScenarioError(f"--workers {args.workers}: must be 0 (all cores) or more")
    design = load_experiment(args.experiment)
    points = sample(design.parameters, design.spec.sampler, design.sampler_seed)
    plan = Plan(design, points)
    out = Path(args.out) if args.out else Path("results") / design.name
    store = RunStore(out)
    evaluator = make_evaluator(args.workers, args.scheduler)
    try:
        with unlosable_ctrl_c(), evaluator:
            found = store.open(plan.fingerprint(), _manifest(design, plan), args.resume)
            print(
                f"{design.name}: {len(design.scenarios)} scenario(s) x {plan.n_points} point(s) "
                f"x {_replications(design)}, on {evaluator.describe()}"
                + (f"; {found} run(s) already in {out}/" if found else ""),
                file=sys.stderr,
            )
            for i, missing in enumerate(plan.rounds(store)):
                _run_round(evaluator, plan, store, missing, i, design)
    except KeyboardInterrupt:
        done = sum(1 for _ in store.runs.glob("*/*.json"))
        print(
            f"sdsim: interrupted; the {done} finished run(s) are kept in {out}/; "
            f"`sdsim sweep {args.experiment} --out {out} --resume` runs the rest",
            file=sys.stderr,
        )
        return 130
    except RunFailed as exc:
        print(f"sdsim: error: {exc}", file=sys.stderr)
        return 1
    written = write_analysis(design, plan, store, out)
    print(f"results in {out}/: {', '.join(written)}")
    return 0


def _replications(design: Design) -> str:
    r = design.replications
    if not r.adaptive:
        return f"{r.n} replication(s)"
    goal = (
        f"+-{r.target_half_width:g}"
        if r.target_half_width is not None
        else f"+-{r.relative_half_width:.0%}"
    )
    return f"{r.min}..{r.max} replications (until {r.metric} {goal})"


def _run_round(evaluator, plan: Plan, store: RunStore, missing, i: int, design: Design) -> None:
    if not missing:
        return
    label = f"round {i + 1}" if design.replications.adaptive else "runs"
    tasks = (plan.task(k) for k in missing)
    with tqdm(total=len(missing), desc=label, unit="run", file=sys.stderr, smoothing=0.1) as bar:
        try:
            for _task, (record, events) in evaluator.imap_unordered(run_task, tasks):
                store.write(record, events)
                bar.update()
                if _ctrl_c.is_set():
                    raise KeyboardInterrupt
        except (KeyboardInterrupt, ScenarioError):
            raise
        except Exception as exc:  # a model error in a run, or a lost worker
            raise RunFailed(
                f"a run failed ({type(exc).__name__}: {exc}); finished runs are kept in "
                f"{store.root}/, --resume retries the rest"
            ) from exc


def _manifest(design: Design, plan: Plan) -> dict:
    return manifest(
        list(design.scenarios.values()),
        plan.seeds,
        {},
        {
            "experiment": {"file": str(design.path), "text": design.text},
            "sampler": design.spec.sampler.model_dump(mode="json"),
            "points": plan.n_points,
            "master_seed": design.spec.master_seed,
            "common_random_numbers": True,
        },
    )


def write_analysis(design: Design, plan: Plan, store: RunStore, out: Path) -> list[str]:
    """Every table and figure, from the store; each file written whole or not at all."""
    spec = design.spec
    confidence = spec.analysis.confidence
    names = list(design.scenarios)
    runs = analysis.runs_table(store, plan.keys())
    summary = analysis.summary_table(runs, confidence)
    tables = {
        "points.csv": analysis.points_table(plan.sample.points, plan.replications),
        "runs.csv": runs,
        "summary.csv": summary,
    }
    if len(names) > 1:
        tables["differences.csv"] = analysis.differences_table(
            runs, names, design.baseline, confidence
        )
    sens = sensitivity_table(
        runs,
        plan.sample,
        names,
        analysis.metric_columns(runs),
        confidence,
        design.sampler_seed,
        spec.sampler.levels,
        spec.sampler.second_order,
    )
    if sens is not None:
        tables["sensitivity.csv"] = sens
    found = None
    if spec.discovery is not None:
        found = discover(
            runs, plan.sample.points, spec.discovery, spec.discovery.baseline or design.baseline
        )
        tables["discovery.csv"] = found.limits
        if found.trajectory is not None:
            tables["discovery_trajectory.csv"] = found.trajectory
        atomic_write(out / "discovery.txt", found.sentence + "\n")
        print(found.sentence)
    if spec.outputs.timeseries:
        groups = ((s, p, int(plan.replications[p])) for s in names for p in range(plan.n_points))
        tables["timeseries.csv"] = analysis.timeseries_table(store, groups)
    for name, table in tables.items():
        atomic_write(out / name, table.to_csv(index=False))
    with atomic_folder(out / "figures") as tmp:
        if plan.n_points == 1:
            analysis.scenario_figure(summary, spec.analysis.metrics, tmp / "scenarios.png")
        if sens is not None and len(sens):
            sensitivity_figure(sens, spec.analysis.metrics, tmp / "sensitivity.png")
        if found is not None and found.trajectory is not None:
            discovery_figure(found, tmp / "discovery.png")
    if plan.n_points == 1:
        _print_table(summary, names, plan)
    return [*tables, *(["discovery.txt"] if found else []), "figures/"]


def _print_table(summary, names, plan: Plan) -> None:
    from model.output.tables import print_table

    n = int(plan.replications[0])
    print_table(summary[summary.point == 0], names, n)
