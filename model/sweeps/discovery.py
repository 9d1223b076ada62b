"""Scenario discovery with PRIM: in which parameter ranges does one scenario beat another?

A point is a case of interest when the mean paired difference (scenario minus baseline,
replication by replication) of the metric is better by more than the margin. PRIM
(Friedman and Fisher 1999) peels the parameter space down to a box that holds mostly
such points. We use the `prim` package: EMA Workbench's implementation, taken out on its
own (Project-Platypus/PRIM), which needs nothing the model does not already install,
where EMA Workbench itself would bring scikit-learn, statsmodels, seaborn and
platypus-opt. Of the peeling trajectory we keep the box with the most coverage among
those with at least `density_min` density (else the densest), and report all of it.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from model.sweeps.design import DiscoverySpec


@dataclass(frozen=True)
class Discovery:
    sentence: str
    limits: pd.DataFrame  # the chosen box: parameter, low, high, values, qp_value
    trajectory: pd.DataFrame | None  # coverage, density, mass, restricted dims per step
    chosen: int | None


def discover(
    runs: pd.DataFrame, points: pd.DataFrame, spec: DiscoverySpec, baseline: str
) -> Discovery:
    index = ["point", "replication"]
    a = runs[runs.scenario == spec.scenario].set_index(index)[spec.metric]
    b = runs[runs.scenario == baseline].set_index(index)[spec.metric]
    diff = (a - b.reindex(a.index)).groupby(level="point").mean().dropna()
    better = diff < -spec.margin if spec.better == "lower" else diff > spec.margin
    x = points.loc[diff.index].reset_index(drop=True)
    k, n = int(better.sum()), len(better)
    what = (
        f"{spec.scenario} beats {baseline} on {spec.metric} ({spec.better} is better"
        + (f", by more than {spec.margin:g}" if spec.margin else "")
        + f") at {k} of {n} parameter points"
    )
    empty = pd.DataFrame(columns=["parameter", "low", "high", "values", "qp_value"])
    if k == 0 or k == n:
        return Discovery(what + ": no box to find.", empty, None, None)
    import prim

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pandas deprecations inside prim
        finder = prim.Prim(x, better.to_numpy(), peel_alpha=spec.peel_alpha, mass_min=spec.mass_min)
        box = finder.find_box()
        trajectory = box.peeling_trajectory.astype(float).reset_index(drop=True)
        dense = trajectory[trajectory["density"] >= spec.density_min]
        chosen = int(dense["coverage"].idxmax() if len(dense) else trajectory["density"].idxmax())
        box.select(chosen)
        raw = box.limits
    limits = _limits(raw, x)
    step = trajectory.loc[chosen]
    ranges = "; ".join(
        f"{r.parameter} in [{r.low:.4g}, {r.high:.4g}]"
        if r.values == ""
        else f"{r.parameter} in {{{r.values}}}"
        for r in limits.itertuples()
    )
    sentence = (
        f"{what}. Box: {ranges or 'the whole space'}; there it wins at {step['density']:.0%} "
        f"of the points, and the box holds {step['coverage']:.0%} of all winning points "
        f"({step['mass']:.0%} of the space)."
    )
    trajectory = trajectory.rename(columns={"res dim": "restricted_dims"})
    trajectory.insert(0, "step", range(len(trajectory)))
    return Discovery(sentence, limits, trajectory, chosen)


def _limits(raw: pd.DataFrame, x: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for name, row in raw.iterrows():
        lo, hi = row["min"], row["max"]
        if isinstance(lo, set | frozenset):  # a categorical parameter: the values kept
            kept = sorted(lo, key=str)
            rows.append(
                {"parameter": name, "low": np.nan, "high": np.nan,
                 "values": " ".join(map(str, kept)), "qp_value": row["qp values"]}
            )  # fmt: skip
        else:
            rows.append(
                {"parameter": name, "low": float(lo), "high": float(hi), "values": "",
                 "qp_value": float(row["qp values"])}
            )  # fmt: skip
    return pd.DataFrame(rows, columns=["parameter", "low", "high", "values", "qp_value"])


def discovery_figure(found: Discovery, path) -> None:
    """PRIM's trade-off: coverage against density along the peeling trajectory."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    t = found.trajectory
    fig, ax = plt.subplots(figsize=(5.5, 4.2))
    points = ax.scatter(t["coverage"], t["density"], c=t["restricted_dims"], cmap="viridis")
    ax.plot(t["coverage"], t["density"], color="0.7", lw=0.8, zorder=0)
    c = t.loc[found.chosen]
    ax.scatter([c["coverage"]], [c["density"]], s=160, facecolors="none", edgecolors="red")
    fig.colorbar(points, ax=ax, label="restricted dimensions")
    ax.set_xlabel("coverage (share of winning points inside the box)")
    ax.set_ylabel("density (share of points in the box that win)")
    ax.set_title("PRIM peeling trajectory (circle: the box reported)", fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
