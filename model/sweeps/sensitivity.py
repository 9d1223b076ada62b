"""Sensitivity indices with confidence intervals (SALib): Morris or Sobol, per scenario and metric.

The indices are computed on the points' unit coordinates, with a point's outcome the
mean over its replications. Since every point uses the same seeds (common random
numbers), an elementary effect compares two points under the same luck.

- Morris: mu_star is the mean absolute change of a metric when a parameter moves over
  its whole range, one parameter at a time; sigma its spread (interactions,
  non-linearity). The interval is SALib's bootstrap interval of mu_star.
- Sobol: S1 the share of the metric's variance due to a parameter alone, ST including
  its interactions; intervals from SALib's bootstrap. Metrics that do not vary are left
  out (their shares are undefined).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from model.sweeps.samplers import Sample

RESAMPLES = 1000


def sensitivity_table(
    runs: pd.DataFrame,
    sample: Sample,
    scenarios: Sequence[str],
    metrics: Sequence[str],
    confidence: float,
    seed: int,
    levels: int,
    second_order: bool = False,
) -> pd.DataFrame | None:
    """Indices for every scenario and every metric that is finite at every point."""
    if sample.method not in ("morris", "sobol"):
        return None
    rows: list[dict] = []
    n = len(sample.points)
    for scenario in scenarios:
        means = runs[runs.scenario == scenario].groupby("point")[list(metrics)].mean()
        means = means.reindex(range(n))
        for metric in metrics:
            y = means[metric].to_numpy(dtype=float)
            if not np.all(np.isfinite(y)):
                continue
            if sample.method == "morris":
                rows += _morris(sample, y, scenario, metric, confidence, seed, levels)
            elif np.ptp(y) > 0:
                rows += _sobol(sample, y, scenario, metric, confidence, seed, second_order)
    return pd.DataFrame(rows)


def _morris(sample, y, scenario, metric, confidence, seed, levels) -> list[dict]:
    from SALib.analyze import morris

    r = morris.analyze(
        sample.problem,
        sample.unit,
        y,
        num_resamples=RESAMPLES,
        conf_level=confidence,
        num_levels=levels,
        seed=seed,
    )
    return [
        {
            **_row("morris", scenario, metric, name),
            **_with_ci("mu_star", r["mu_star"][i], r["mu_star_conf"][i]),
            "mu": r["mu"][i],
            "sigma": r["sigma"][i],
        }
        for i, name in enumerate(r["names"])
    ]


def _sobol(sample, y, scenario, metric, confidence, seed, second_order) -> list[dict]:
    from SALib.analyze import sobol

    r = sobol.analyze(
        sample.problem,
        y,
        calc_second_order=second_order,
        num_resamples=RESAMPLES,
        conf_level=confidence,
        seed=seed,
    )
    return [
        {
            **_row("sobol", scenario, metric, name),
            **_with_ci("S1", r["S1"][i], r["S1_conf"][i]),
            **_with_ci("ST", r["ST"][i], r["ST_conf"][i]),
        }
        for i, name in enumerate(sample.problem["names"])
    ]


def _row(method: str, scenario: str, metric: str, parameter: str) -> dict:
    return {"method": method, "scenario": scenario, "metric": metric, "parameter": parameter}


def _with_ci(index: str, value: float, half_width: float) -> dict:
    """SALib gives an interval as a half-width; tables give its two ends."""
    return {
        index: value,
        f"{index}_ci_low": value - half_width,
        f"{index}_ci_high": value + half_width,
    }


def sensitivity_figure(table: pd.DataFrame, metrics: Sequence[str], path) -> None:
    """One panel per metric: each parameter's index with its interval, per scenario."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    morris = table["method"].iloc[0] == "morris"
    index = "mu_star" if morris else "ST"
    metrics = [m for m in metrics if m in set(table["metric"])]
    if not metrics:
        return
    scenarios = list(dict.fromkeys(table["scenario"]))
    params = list(dict.fromkeys(table["parameter"]))
    height = 0.28 * len(params) * max(1, len(scenarios) / 2) + 1.5
    fig, axes = plt.subplots(1, len(metrics), figsize=(4.6 * len(metrics), height), squeeze=False)
    width = 0.8 / len(scenarios)
    for ax, metric in zip(axes[0], metrics, strict=True):
        for j, scenario in enumerate(scenarios):
            rows = table[(table.metric == metric) & (table.scenario == scenario)]
            rows = rows.set_index("parameter").reindex(params)
            y = np.arange(len(params)) + j * width
            lo = rows[index] - rows[f"{index}_ci_low"]
            hi = rows[f"{index}_ci_high"] - rows[index]
            ax.barh(y, rows[index], height=width, xerr=[lo, hi], capsize=2, label=scenario)
        ax.set_yticks(np.arange(len(params)) + 0.4 - width / 2, params, fontsize=7)
        ax.invert_yaxis()
        ax.set_title(metric, fontsize=9)
        ax.set_xlabel(
            "mu* (change over the whole range)" if morris else "total-order index ST",
            fontsize=8,
        )
    if len(scenarios) > 1:
        axes[0][-1].legend(fontsize=7)
    fig.suptitle(f"{'Morris' if morris else 'Sobol'} sensitivity, with confidence intervals")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
