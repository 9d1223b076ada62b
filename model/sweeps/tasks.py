"""One run as a worker does it: a task -> a flat, JSON-ready record of outcomes.

This is the only module of the sweep that calls the model. It is a plain top-level
function of picklable arguments, so a process pool and a Dask worker run it alike; it
returns what the parent writes, and writes nothing itself (a worker on a cluster need not
share the parent's disk).
"""

from __future__ import annotations

import io
import time
from dataclasses import dataclass
from typing import Any

import numpy as np

from model.records.outcomes import flat_names
from model.runs.run import run
from model.scenario import Scenario


@dataclass(frozen=True)
class Task:
    key: tuple
    scenario: Scenario
    seed: int
    keep_timeseries: bool = False
    keep_events: bool = False
    # A reorganising run is paired with its counterfactual: in the same task (`pair`), or
    # with another run of the plan whose profile is kept (`keep_profile`).
    pair: bool = True
    keep_profile: bool = False


def run_task(task: Task) -> tuple[dict[str, Any], bytes | None]:
    """Run the model once; return its record and, on request, its event log as parquet."""
    t0 = time.perf_counter()
    result = run(
        task.scenario,
        task.seed,
        detail=task.keep_events,
        pair=task.pair,
        keep_profile=task.keep_profile,
    )
    events = None
    if task.keep_events:
        buffer = io.BytesIO()
        result.write_events(buffer)
        events = buffer.getvalue()
    record: dict[str, Any] = {
        "key": list(task.key),
        "seed": task.seed,
        "metrics": flat_metrics(result.summary),
        "wall_seconds": time.perf_counter() - t0,
    }
    if task.keep_timeseries:
        record["timeseries"] = result.timeseries.to_dict(orient="list")
    if result.profile is not None:
        record["profile"] = result.profile.to_lists()
    return record, events


def flat_metrics(summary: dict[str, Any]) -> dict[str, float | int]:
    """Scalar outcomes, nested ones by dotted name (by_domain.youth.signal_to_care_days_mean)."""
    out: dict[str, float | int] = {}
    for key, value in summary.items():
        if isinstance(value, dict):
            out.update({f"{key}.{k}": v for k, v in flat_metrics(value).items()})
        elif isinstance(value, bool | np.bool_):
            out[key] = int(value)
        elif isinstance(value, int | float | np.integer | np.floating):
            out[key] = value.item() if isinstance(value, np.generic) else value
    return out


def metric_names() -> frozenset[str]:
    """The metrics every run reports, as declared in model/records/outcomes.py."""
    return frozenset(flat_names())
