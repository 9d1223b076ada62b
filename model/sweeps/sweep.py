"""A sweep: design -> points -> plan -> runs (into the store) -> analysis (from the store).

Each finished run is written to disk the moment it arrives, and nothing of it is kept;
Ctrl-C or a kill loses only the runs in flight, and a resumed sweep runs what is missing.
`sdsim compare` is a sweep without parameters (`compare.py`); `sdsim sweep` reads the
design from an experiment file. Printing is the command line's business: this module
reports through the `note` callback and its return values.
"""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from tqdm import tqdm

from model.files import atomic_folder, atomic_write, manifest
from model.scenario import ScenarioError
from model.sweeps import analysis
from model.sweeps.design import Design
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


def plan_of(design: Design) -> Plan:
    return Plan(design, sample(design.parameters, design.spec.sampler, design.sampler_seed))


def execute(
    plan: Plan,
    store: RunStore,
    manifest_extra: dict,
    workers: int,
    scheduler: str | None = None,
    resume: bool = False,
    note: Callable[[str], None] = lambda text: None,
) -> None:
    """Run every planned run that the store is missing, round by round. Raises
    KeyboardInterrupt (finished runs are kept) or RunFailed."""
    evaluator = make_evaluator(workers, scheduler)
    design = plan.design
    with unlosable_ctrl_c(), evaluator:
        found = store.open(plan.fingerprint(), _manifest(design, plan, manifest_extra), resume)
        note(
            f"{design.name}: {len(design.scenarios)} scenario(s) x {plan.n_points} point(s) "
            f"x {_replications(design)}, on {evaluator.describe()}"
            + (f"; {found} run(s) already in {store.root}/" if found else "")
        )
        for i, missing in enumerate(plan.rounds(store)):
            _run_round(evaluator, plan, store, missing, i)


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


def _run_round(evaluator, plan: Plan, store: RunStore, missing, i: int) -> None:
    if not missing:
        return
    label = f"round {i + 1}" if plan.reps_spec.adaptive else "runs"
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


def _manifest(design: Design, plan: Plan, extra: dict) -> dict:
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
            **extra,
        },
    )


@dataclass
class Analysis:
    """What `write_analysis` wrote, and what a command may print of it."""

    written: list[str]
    summary: pd.DataFrame
    replications: int  # at point 0
    discovery: str | None = None
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)


def write_analysis(plan: Plan, store: RunStore, out: Path) -> Analysis:
    """Every table and figure of a sweep, from the store; each file written whole or not
    at all."""
    design = plan.design
    spec = design.spec
    confidence = spec.analysis.confidence
    names = list(design.scenarios)
    runs = analysis.runs_table(plan, store)
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
    return Analysis(
        written=[*tables, *(["discovery.txt"] if found else []), "figures/"],
        summary=summary,
        replications=int(plan.replications[0]),
        discovery=found.sentence if found is not None else None,
        tables=tables,
    )
