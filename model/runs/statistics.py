"""Statistics over replications: mean and t-interval, and paired differences against a
baseline. One implementation for every table (`compare`, `sweep`, `journey`,
`calibrate`, `validate`), so that a figure is computed the same way wherever it appears.

Runs are rows of a table (scenario, point, replication, seed, one column per metric).
Values that are not finite (a delay with no care, a recovery that never came) are left
out of a mean, and `n` says how many were counted.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import lru_cache

import numpy as np
import pandas as pd
from scipy import stats

SUMMARY_COLUMNS = ["mean", "ci_low", "ci_high", "n"]


@lru_cache(maxsize=1024)
def _t(confidence: float, dof: int) -> float:
    return float(stats.t.ppf(0.5 + confidence / 2, dof))


def mean_ci(x: np.ndarray, confidence: float = 0.95) -> tuple[float, float, float]:
    """Mean and the two ends of its t-interval, over the finite values; the interval is
    NaN below two values."""
    x = np.asarray(x, dtype=float)
    x = x[np.isfinite(x)]
    if len(x) == 0:
        return (math.nan,) * 3
    mean = float(x.mean())
    if len(x) < 2:
        return mean, math.nan, math.nan
    sem = float(x.std(ddof=1) / math.sqrt(len(x)))
    half = _t(confidence, len(x) - 1) * sem
    return mean, mean - half, mean + half


def summary_table(
    runs: pd.DataFrame, by: Sequence[str], metrics: Sequence[str], confidence: float = 0.95
) -> pd.DataFrame:
    """Per group (in order of appearance) and metric (in the given order): mean, interval
    and n. Long format: the `by` columns, metric, mean, ci_low, ci_high, n."""
    rows = []
    for group, part in runs.groupby(list(by), sort=False):
        keys = group if isinstance(group, tuple) else (group,)
        for metric in metrics:
            x = part[metric].to_numpy(dtype=float)
            mean, lo, hi = mean_ci(x, confidence)
            rows.append((*keys, metric, mean, lo, hi, int(np.isfinite(x).sum())))
    return pd.DataFrame(rows, columns=[*by, "metric", *SUMMARY_COLUMNS])


def paired_differences(
    runs: pd.DataFrame,
    scenarios: Sequence[str],
    baseline: str,
    metrics: Sequence[str],
    pair_on: Sequence[str] = ("replication",),
    by: Sequence[str] = (),
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Each scenario minus the baseline, run by run (rows matched on `pair_on`: the same
    replication, hence the same seed), per group of `by`: mean, interval and n of the
    differences. Long format: scenario, baseline, the `by` columns, metric, difference,
    ci_low, ci_high, n."""
    index = [*by, *pair_on]
    base = runs[runs.scenario == baseline].set_index(index)[list(metrics)]
    parts = []
    for name in scenarios:
        if name == baseline:
            continue
        other = runs[runs.scenario == name].set_index(index)[list(metrics)]
        diff = (other - base.reindex(other.index)).reset_index()
        diff.insert(0, "scenario", name)
        parts.append(diff)
    columns = ["scenario", "baseline", *by, "metric", "difference", "ci_low", "ci_high", "n"]
    if not parts:
        return pd.DataFrame(columns=columns)
    table = summary_table(
        pd.concat(parts, ignore_index=True), ["scenario", *by], metrics, confidence
    )
    table.insert(1, "baseline", baseline)
    return table.rename(columns={"mean": "difference"})[columns]


def means_of_all(frame: pd.DataFrame, by: Sequence[str], columns: Sequence[str]) -> pd.DataFrame:
    """Per group (in order of appearance), the mean of each column over every run: missing
    when a run is missing (a journey whose family got no care by the end in one world has no
    mean days to care). Wide format: the `by` columns, then the columns."""
    return (
        frame.groupby(list(by), sort=False)[list(columns)]
        .agg(lambda x: x.mean(skipna=False))
        .reset_index()
    )
