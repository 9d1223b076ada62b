"""Markdown table of paired differences from a `sdsim compare` results folder.

    python experiments/differences_table.py FOLDER [--baseline NAME] [--only NAME]... METRIC ...

One row per metric: the baseline's mean, then each other scenario's difference from it
with its 95 % confidence interval, replication by replication (common random numbers),
computed from the folder's runs.csv. The baseline defaults to the first scenario of the
comparison; --only keeps some of the others. A metric may be an expression of runs.csv
columns, e.g. "vt_reports * repeat_report_share" (the number of repeat reports). Used to write docs/hypotheses.md from the folders its commands produce.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

from model.runs.statistics import mean_ci


def fmt(x: float) -> str:
    if abs(x) >= 1000:
        return f"{x:,.0f}"
    if abs(x) >= 10:
        return f"{x:.1f}"
    return f"{x:.3f}"


def table(
    folder: Path, metrics: list[str], baseline: str | None = None, only: list[str] | None = None
) -> str:
    runs = pd.read_csv(folder / "runs.csv")
    names = list(dict.fromkeys(runs["scenario"]))
    baseline = baseline or names[0]
    others = [n for n in names if n != baseline and (not only or n in only)]
    by = {n: runs[runs["scenario"] == n].set_index("replication") for n in names}
    lines = [
        f"| metric | {baseline} (mean) | " + " | ".join(f"{s} − {baseline}" for s in others) + " |",
        "|---|---|" + "---|" * len(others),
    ]
    for m in metrics:
        base = by[baseline].eval(m)
        cells = []
        for s in others:
            diff, lo, hi = mean_ci((by[s].eval(m) - base).to_numpy(dtype=float))
            cells.append(f"{fmt(diff)} [{fmt(lo)}, {fmt(hi)}]")
        lines.append(f"| `{m}` | {fmt(float(np.mean(base)))} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("folder", type=Path)
    p.add_argument("metrics", nargs="+")
    p.add_argument("--baseline")
    p.add_argument("--only", action="append", help="a scenario to show (repeatable)")
    args = p.parse_args()
    print(table(args.folder, args.metrics, args.baseline, args.only))
