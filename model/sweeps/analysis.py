"""Tables from the run store: every run, and per scenario and point the mean and CI of
every metric, and paired differences against the baseline.

Everything here is read back from the store's files, in a fixed order (scenario, point,
replication), so the tables are byte for byte the same however the runs were made.
Only scalar outcomes are held in memory (one row per run); time series are read one
(scenario, point) at a time.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from model.runs import statistics
from model.sweeps.plan import Plan
from model.sweeps.store import RunKey, RunStore

ID_COLUMNS = ["scenario", "point", "replication", "seed"]


def runs_table(plan: Plan, store: RunStore) -> pd.DataFrame:
    """One row per planned run: its identity, seed and every scalar metric (with the paired
    figures of a reorganisation)."""
    rows = []
    for key in plan.keys():
        record = plan.read(store, key)
        rows.append({**key._asdict(), "seed": record["seed"], **record["metrics"]})
    return pd.DataFrame(rows)


def metric_columns(runs: pd.DataFrame) -> list[str]:
    return [c for c in runs.columns if c not in ID_COLUMNS]


def summary_table(runs: pd.DataFrame, confidence: float) -> pd.DataFrame:
    """Per scenario and point: mean, t-interval and n of every metric."""
    return statistics.summary_table(runs, ["scenario", "point"], metric_columns(runs), confidence)


def differences_table(
    runs: pd.DataFrame, scenarios: Sequence[str], baseline: str, confidence: float
) -> pd.DataFrame:
    """Each scenario minus the baseline, replication by replication, at every point."""
    return statistics.paired_differences(
        runs, scenarios, baseline, metric_columns(runs), ["replication"], ["point"], confidence
    )


def points_table(points: pd.DataFrame, replications: np.ndarray) -> pd.DataFrame:
    table = points.reset_index()
    table["replications"] = replications
    return table


def timeseries_table(store: RunStore, groups: Iterable[tuple[str, int, int]]) -> pd.DataFrame:
    """Monthly series averaged over replications, per scenario and point (on request)."""
    parts = []
    for scenario, point, n in groups:
        frames = [
            pd.DataFrame(store.read(RunKey(scenario, point, r))["timeseries"]) for r in range(n)
        ]
        mean = pd.concat(frames).groupby("month", as_index=False).mean()
        mean.insert(0, "point", point)
        mean.insert(0, "scenario", scenario)
        parts.append(mean)
    return pd.concat(parts, ignore_index=True)


def scenario_figure(summary: pd.DataFrame, metrics: Sequence[str], path) -> None:
    """Bars with 95 % intervals per scenario, for a design with a single parameter point."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    height = 0.3 * summary["scenario"].nunique() + 1.5
    fig, axes = plt.subplots(1, len(metrics), figsize=(4.2 * len(metrics), height))
    axes = np.atleast_1d(axes)
    for ax, metric in zip(axes, metrics, strict=True):
        rows = summary[(summary.metric == metric) & (summary.point == 0)]
        y = np.arange(len(rows))
        err = np.vstack([rows["mean"] - rows["ci_low"], rows["ci_high"] - rows["mean"]])
        ax.barh(y, rows["mean"], xerr=np.nan_to_num(err), color="#4c78a8", capsize=2)
        ax.set_yticks(y, rows["scenario"], fontsize=8)
        ax.invert_yaxis()
        ax.set_title(metric, fontsize=9)
    fig.suptitle("mean and confidence interval per scenario", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
