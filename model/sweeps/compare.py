"""`sdsim compare`: scenarios side by side with common random numbers, as a sweep without
parameters. The runs go through the same plan, pool and store as any sweep (a reorganising
scenario is paired with its counterfactual the same way), and the tables come from the same
statistics; only the tables' shape is the comparison's own (no parameter points, and the
nested per-domain figures left to `summary.json` of single runs).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from model.runs import statistics
from model.scenario import Scenario
from model.sweeps import analysis
from model.sweeps.design import Design, ExperimentFile, Outputs, Replications
from model.sweeps.plan import Plan
from model.sweeps.store import RunStore
from model.sweeps.sweep import execute, plan_of


@dataclass
class Comparison:
    names: list[str]
    seeds: list[int]
    table: pd.DataFrame  # per scenario and metric: mean, ci_low, ci_high, n
    differences: pd.DataFrame  # each scenario minus the first, paired by replication
    runs: pd.DataFrame  # one row per run: scenario, replication, seed, every metric
    series: dict[str, pd.DataFrame]  # per scenario, the monthly series averaged over runs


def design_of(
    scenarios: Sequence[Scenario],
    replications: int,
    master_seed: int,
    command: str,
    events: bool = False,
) -> Design:
    """The experiment a comparison is: these scenarios, no parameters, n replications; with
    `events`, each run keeps its event log (for `sdsim export` and `sdsim process`)."""
    spec = ExperimentFile(
        name="comparison",
        master_seed=master_seed,
        replications=replications,
        outputs=Outputs(timeseries=True, events=events),
    )
    return Design(
        name="comparison",
        path=Path("sdsim-compare"),
        text=command,
        spec=spec,
        scenarios={s.name: s for s in scenarios},
        parameters={},
        replications=Replications(n=replications),
        baseline=scenarios[0].name,
    )


def compare(
    scenarios: Sequence[Scenario],
    replications: int,
    master_seed: int,
    workers: int,
    folder: Path,
    command: str = "sdsim compare",
    note: Callable[[str], None] = lambda text: None,
    events: bool = False,
) -> Comparison:
    """Run every scenario `replications` times into `folder`/runs and tabulate them."""
    design = design_of(scenarios, replications, master_seed, command, events)
    plan = plan_of(design)
    store = RunStore(folder)
    execute(plan, store, {"command": command}, workers, note=note)
    return tabulate(plan, store)


def tabulate(plan: Plan, store: RunStore) -> Comparison:
    names = plan.scenario_names
    runs = analysis.runs_table(plan, store).drop(columns="point")
    metrics = [c for c in analysis.metric_columns(runs) if "." not in c]
    runs = runs[["scenario", "replication", "seed", *metrics]]
    n = int(plan.replications[0])
    groups = ((s, 0, n) for s in names)
    series = analysis.timeseries_table(store, groups).drop(columns="point")
    return Comparison(
        names=names,
        seeds=plan.seeds[:n],
        table=statistics.summary_table(runs, ["scenario"], metrics),
        differences=statistics.paired_differences(runs, names, names[0], metrics),
        runs=runs,
        series={
            s: part.drop(columns="scenario").reset_index(drop=True)
            for s, part in series.groupby("scenario", sort=False)
        },
    )
