"""Markdown tables of where each scheme wins and loses, at each staffing level, from the
folder of `sdsim sweep experiments/utilisation.toml`.

    python experiments/scheme_tradeoffs.py results/utilisation [METRIC ...]

Scenarios are named "<scheme>-<staffing_factor>". For every staffing level and metric: the
patchwork mean, then each other scheme's paired difference from patchwork at the same
staffing (replication by replication: common random numbers) with its 95 % interval, and
a * where the interval excludes zero. Used for docs/schemes.md.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

from model.runs.statistics import mean_ci

DEFAULT_METRICS = (
    "signal_to_care_days_mean",
    "by_domain.vt.signal_to_care_days_mean",
    "by_domain.youth.signal_to_care_days_mean",
    "unmet_need_share",
    "stories_told_per_family_mean",
    "idle_hours_share",
    "hours_governance",
    "cost_eur_full",
)
BASE = "patchwork"


def fmt(x: float) -> str:
    if not np.isfinite(x):
        return "n/a"
    if abs(x) >= 1000:
        return f"{x:,.0f}"
    if abs(x) >= 10:
        return f"{x:.1f}"
    return f"{x:.3f}"


def tables(folder: Path, metrics: list[str]) -> str:
    runs = pd.read_csv(folder / "runs.csv")
    runs["scheme"] = runs["scenario"].str.rsplit("-", n=1).str[0]
    runs["staffing"] = runs["scenario"].str.rsplit("-", n=1).str[1].astype(float)
    schemes = [s for s in dict.fromkeys(runs["scheme"]) if s != BASE]
    out = []
    for staffing, level in runs.groupby("staffing", sort=True):
        by = {s: g.set_index("replication") for s, g in level.groupby("scheme")}
        n = len(by[BASE])
        out.append(f"\n**staffing x {staffing:g}** ({n} replications each)\n")
        out.append(f"| metric | {BASE} | " + " | ".join(f"{s} − {BASE}" for s in schemes) + " |")
        out.append("|---" * (len(schemes) + 2) + "|")
        for m in metrics:
            base = by[BASE][m]
            cells = []
            for s in schemes:
                d = (by[s][m] - base).dropna()
                mean, lo, hi = mean_ci(d.to_numpy())
                star = "*" if np.isfinite(lo) and (lo > 0 or hi < 0) else ""
                cells.append(f"{fmt(mean)}{star} [{fmt(lo)}, {fmt(hi)}]")
            out.append(f"| {m} | {fmt(float(base.mean()))} | " + " | ".join(cells) + " |")
    return "\n".join(out) + "\n"


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("folder", type=Path)
    p.add_argument("metrics", nargs="*", default=list(DEFAULT_METRICS))
    a = p.parse_args()
    print(tables(a.folder, a.metrics))


if __name__ == "__main__":
    main()
