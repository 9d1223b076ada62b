"""The parameters that matter most, from a sensitivity study: a sweep's sensitivity.csv
(Morris or Sobol, `model/sweeps/sensitivity.py`), in the report's folder or named with
`sdsim report --sensitivity SWEEP_FOLDER`.

The guidance for a cost-benefit analysis asks for the uncertainty of the parameters that
matter most; a screen says which those are, so the report lists them rather than the
parameters its scenarios happen to change. Each parameter's index is read as the table
holds it (Morris mu_star, Sobol ST), per key metric; the ranking puts them on one scale by
dividing each metric's indices by that metric's largest (mu_star is in the metric's own
unit), and ranks a parameter by the largest of its shares: a parameter that dominates one
key metric matters, whatever it does to the others.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from model.report.data import ReportError

# The figures a council asks about first (findings.HEADLINE's first two) and the full
# cost the account is built on: the metrics whose sensitivity ranks the parameters.
KEY_METRICS: tuple[str, ...] = (
    "signal_to_care_days_mean",
    "stories_told_per_family_mean",
    "cost_eur_full",
)
TOP = 8
INDEX = {"morris": "mu_star", "sobol": "ST"}


@dataclass
class Sensitivity:
    folder: Path
    method: str  # morris or sobol
    table: pd.DataFrame  # sensitivity.csv as written
    ranges: dict[str, tuple[float, float]] = field(default_factory=dict)  # swept, per parameter
    command: str = ""

    @property
    def index(self) -> str:
        return INDEX[self.method]

    @property
    def scenarios(self) -> list[str]:
        return list(dict.fromkeys(self.table["scenario"]))


def read_sensitivity(folder: Path | str, required: bool = False) -> Sensitivity | None:
    """The study in `folder`; None when it has none, unless `required` (the user named it)."""
    folder = Path(folder)
    path = folder / "sensitivity.csv"
    if not path.exists():
        if required:
            raise ReportError(
                f"report: --sensitivity {folder}: no sensitivity.csv; expected the folder of "
                "a Morris or Sobol sweep (sdsim sweep with [sampler] kind = morris or sobol)"
            )
        return None
    try:
        table = pd.read_csv(path)
    except (OSError, ValueError) as exc:
        raise ReportError(f"report: {path}: cannot be read ({exc})") from None
    needed = {"method", "scenario", "metric", "parameter"}
    methods = set(table["method"]) if "method" in table else set()
    if not needed <= set(table.columns) or len(methods) != 1 or not methods <= set(INDEX):
        raise ReportError(f"report: {path}: expected one method (morris or sobol) and the "
                          "columns method, scenario, metric, parameter")  # fmt: skip
    method = methods.pop()
    if INDEX[method] not in table:
        raise ReportError(f"report: {path}: no column {INDEX[method]}")
    ranges = {}
    if (folder / "points.csv").exists():
        points = pd.read_csv(folder / "points.csv")
        for p in dict.fromkeys(table["parameter"]):
            if p in points:
                v = pd.to_numeric(points[p], errors="coerce")
                if v.notna().any():
                    ranges[p] = (float(v.min()), float(v.max()))
    command = ""
    if (folder / "experiment.json").exists():
        try:
            command = json.loads((folder / "experiment.json").read_text()).get("command", "")
        except ValueError:
            command = ""
    return Sensitivity(folder, method, table, ranges, command)


def ranking(
    sens: Sensitivity, scenario: str, metrics: tuple[str, ...] = KEY_METRICS, top: int = TOP
) -> tuple[pd.DataFrame, list[str]]:
    """The `top` parameters for `scenario`, most important first: a row per parameter with
    its share (index / the metric's largest) and, per metric, the index and its interval
    ends. The metrics used (those of `metrics` the study has, else every metric it has)."""
    t = sens.table[sens.table["scenario"] == scenario]
    idx = sens.index
    used = [m for m in metrics if m in set(t["metric"])]
    if not used:
        used = list(dict.fromkeys(t["metric"]))
    shares = []
    for m in used:
        part = t[t["metric"] == m].set_index("parameter")[idx].astype(float)
        largest = part.max()
        shares.append(part / largest if largest > 0 else part * 0.0)
    share = pd.concat(shares, axis=1).max(axis=1).fillna(0.0)
    order = sorted(share.index, key=lambda p: (-share[p], p))[:top]
    rows = []
    for p in order:
        row = {"parameter": p, "share": float(share[p])}
        for m in used:
            r = t[(t["metric"] == m) & (t["parameter"] == p)]
            for col in (idx, f"{idx}_ci_low", f"{idx}_ci_high"):
                row[f"{m}|{col}"] = float(r[col].iloc[0]) if len(r) and col in r else float("nan")
        rows.append(row)
    return pd.DataFrame(rows), used


def scenario_of(sens: Sensitivity, wanted: list[str]) -> str:
    """The study's scenario the report is about: the first of `wanted` it has (the report's
    baseline first), else its own first."""
    return next((w for w in wanted if w in sens.scenarios), sens.scenarios[0])
