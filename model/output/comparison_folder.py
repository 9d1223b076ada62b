"""The results folder of a comparison (`sdsim compare`): the runs (as a sweep's store
keeps them), the tables, the monthly series and the figures, written whole or not at all."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from model.files import atomic_folder, manifest, write_json
from model.output.figures import compare_figures, reorganisation_figure
from model.scenario import Scenario
from model.sweeps.compare import Comparison, compare


def write_comparison(
    scenarios: Sequence[Scenario],
    texts: dict[str, str],
    replications: int,
    master_seed: int,
    workers: int,
    out: Path,
    command: str = "sdsim compare",
    note: Callable[[str], None] = lambda text: None,
    events: bool = False,
) -> Comparison:
    """Run the comparison into a hidden sibling of `out` and put it in place when complete
    (an interrupted comparison leaves the old folder as it was)."""
    with atomic_folder(out) as tmp:
        c = compare(scenarios, replications, master_seed, workers, tmp, command, note, events)
        write_json(
            tmp / "manifest.json",
            manifest(
                list(scenarios),
                c.seeds,
                texts,
                {
                    "master_seed": master_seed,
                    "replications": replications,
                    "common_random_numbers": True,
                },
            ),
        )
        c.table.to_csv(tmp / "comparison.csv", index=False)
        c.differences.to_csv(tmp / "differences.csv", index=False)
        c.runs.to_csv(tmp / "runs.csv", index=False)
        pd.concat([s.assign(scenario=n) for n, s in c.series.items()]).to_csv(
            tmp / "timeseries.csv", index=False
        )
        compare_figures(c.table, c.series, tmp / "figures")
        if any(s.reorganisation for s in scenarios):
            reorganisation_figure(
                c.series,
                recovery_marks(scenarios, c.runs, replications),
                tmp / "figures" / "compare_reorganisation.png",
            )
    return c


def recovery_marks(
    scenarios: Sequence[Scenario], runs: pd.DataFrame, replications: int
) -> dict[str, tuple[list[int], float, float]]:
    """Per reorganising scenario: its reorganisation days, the mean recovery days of the runs
    that recovered, and the share that did."""
    marks = {}
    for sc in scenarios:
        if sc.reorganisation:
            mine = runs[runs.scenario == sc.name]
            rec = mine.loc[mine["reorganisation_recovered"] == 1, "recovery_days"].to_numpy()
            mean = float(np.mean(rec)) if len(rec) else float("nan")
            marks[sc.name] = ([x.day() for x in sc.reorganisation], mean, len(rec) / replications)
    return marks
