"""The results folder of one run (`sdsim run`): manifest, summary, series, organisations,
the event log, figures and maps, written whole or not at all."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from model.files import atomic_folder, manifest, write_json
from model.output.figures import recovery_figure, run_figures
from model.output.maps import metric_map
from model.records.metrics import AREA_MEANS, area_means
from model.runs.run import RunResult

# The maps a run's folder gets: (metric per municipality, file stem).
RUN_MAPS: tuple[tuple[str, str], ...] = (
    ("signal_to_care_days_mean", "signal_to_care"),
    ("border_crossings_per_100_families", "border_crossings"),
)


def municipal_table(result: RunResult) -> pd.DataFrame:
    """Counts per home municipality and the means derived from them (metrics.AREA_MEANS)."""
    t = result.by_municipality
    means = area_means(t, np.arange(len(t)), len(t))
    return t.join(means[list(AREA_MEANS)])


def write_run(result: RunResult, out: Path, scenario_text: str, events: str = "parquet") -> None:
    """Everything `sdsim run` keeps; `result` must come from `run(..., detail=True)`."""
    scenario, seed = result.scenario, result.seed
    summary = {
        **result.summary,
        "wall_seconds": result.wall_seconds,
        "events_processed": result.events_processed,
    }
    with atomic_folder(out) as tmp:
        write_json(
            tmp / "manifest.json",
            manifest(
                [scenario],
                [seed],
                {scenario.name: scenario_text},
                {
                    "geography": {"notes": list(result.geography_notes)},
                    "wall_seconds": result.wall_seconds,
                    "events_processed": result.events_processed,
                },
            ),
        )
        write_json(tmp / "summary.json", summary)
        result.timeseries.to_csv(tmp / "timeseries.csv", index=False)
        result.organisations.to_csv(tmp / "organisations.csv", index=False)
        if events == "parquet":
            result.write_events(tmp / "events.parquet")
        else:
            result.write_events(tmp / "events.csv.gz", "csv")
        run_figures(result.need_delays, result.timeseries, summary, tmp / "figures", scenario.name)
        municipal_table(result).to_csv(tmp / "municipalities.csv", index=False)
        for metric, stem in RUN_MAPS:
            metric_map(
                result.geography,
                result.by_municipality,
                result.regions["youth"],
                "youth",
                metric,
                tmp / "figures" / f"map_{stem}.png",
                f"{scenario.name}: {scenario.scheme} scheme, {scenario.protocol} protocol, seed {seed}",
            )
        if result.recovery is not None:
            result.recovery.to_csv(tmp / "reorganisation_recovery.csv", index=False)
            days = [r.day() for r in scenario.reorganisation]
            recovery_figure(result.recovery, days, summary["recovery_days"],
                            tmp / "figures" / "reorganisation.png")  # fmt: skip
