"""What a report reads from a results folder: a comparison's (`sdsim compare`, or a sweep
of scenarios without parameters: the tables as written, every run's full figures and
monthly series (`runs/`), the manifest, the figures and any process maps (`sdsim process`))
or a journey's (`sdsim journey`: the family's table, its runs per world, the manifest and
the figures).

Nothing is recomputed that a table already holds: the side-by-side means are
comparison.csv's; paired differences against another baseline and the account come from
the runs through `model.runs.statistics`.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from model.report.mkba import YEAR_DAYS
from model.scenario import ScenarioError


class ReportError(ScenarioError):
    """Bad input to `sdsim report`: one line, exit code 2 (as a bad scenario)."""


@dataclass
class Results:
    folder: Path
    manifest: dict
    names: list[str]  # scenarios, in the comparison's order (the first is its baseline)
    comparison: pd.DataFrame  # comparison.csv: scenario, metric, mean, ci_low, ci_high, n
    runs: pd.DataFrame  # one row per run: scenario, replication, seed, every flat figure
    yearly: pd.DataFrame | None  # scenario, replication, year, the monthly series summed
    years: float  # measured years (the longest scenario's)
    baseline: str  # the one the folder's differences.csv is against (a sweep names its own)
    figures: list[Path] = field(default_factory=list)
    process_maps: dict[str, Path] = field(default_factory=dict)
    maps: list[Path] = field(default_factory=list)

    def parameters(self, scenario: str) -> dict:
        return self.manifest["scenarios"][scenario]["parameters"]


def _read_json(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ReportError(f"report: {path}: cannot be read ({exc.__class__.__name__})") from None


@dataclass
class JourneyResults:
    """A journey's folder: one scripted family through schemes and protocols, each
    combination in the same worlds (replications) around it."""

    folder: Path
    manifest: dict
    name: str  # the scenario's
    parameters: dict  # the scenario's, as run (scheme and protocol are the journey's own)
    text: str  # the scenario file as written
    table: pd.DataFrame  # journey_table.csv: scheme, protocol, the family's mean figures
    runs: pd.DataFrame  # journey_runs.csv: scheme, protocol, replication, seed, figures
    figures: list[Path] = field(default_factory=list)

    @property
    def journey(self) -> dict:
        return self.parameters.get("journey", {})

    @property
    def replications(self) -> int:
        return int(self.runs["replication"].nunique())


def read_folder(folder: Path | str) -> Results | JourneyResults:
    """A comparison's or a journey's folder, whichever it is."""
    folder = Path(folder)
    if folder.is_dir() and (folder / "journey_table.csv").exists():
        return read_journey(folder)
    return read_results(folder)


def read_journey(folder: Path | str) -> JourneyResults:
    folder = Path(folder)
    needed = [folder / n for n in ("journey_table.csv", "journey_runs.csv", "manifest.json")]
    missing = [p.name for p in needed if not p.exists()]
    if missing:
        raise ReportError(
            f"report: {folder}: a journey's folder without {', '.join(missing)}; expected "
            "the folder of `sdsim journey`"
        )
    manifest = _read_json(folder / "manifest.json")
    try:
        table = pd.read_csv(folder / "journey_table.csv")
        runs = pd.read_csv(folder / "journey_runs.csv")
    except (OSError, ValueError) as exc:
        raise ReportError(f"report: {folder}: a journey table cannot be read ({exc})") from None
    keys = {"scheme", "protocol"}
    if not keys <= set(table.columns) or not {*keys, "replication"} <= set(runs.columns):
        raise ReportError(
            f"report: {folder}: expected scheme and protocol columns in journey_table.csv "
            "and journey_runs.csv"
        )
    scenarios = manifest.get("scenarios") or {}
    if len(scenarios) != 1:
        raise ReportError(f"report: {folder}/manifest.json: expected the journey's one scenario")
    name, about = next(iter(scenarios.items()))
    return JourneyResults(
        folder,
        manifest,
        name,
        about.get("parameters", {}),
        about.get("text", ""),
        table,
        runs,
        sorted((folder / "figures").glob("*.png")),
    )


def read_results(folder: Path | str) -> Results:
    folder = Path(folder)
    if not folder.is_dir():
        raise ReportError(f"report: {folder}: no such folder (expected a comparison's results)")
    if (folder / "journey_table.csv").exists():
        raise ReportError(f"report: {folder}: a journey's folder (read_folder reads either)")
    # A comparison writes comparison.csv and manifest.json; a sweep summary.csv and
    # experiment.json, with the same scenarios, seeds, versions and commit in it.
    table = folder / "comparison.csv"
    if not table.exists():
        table = folder / "summary.csv"
    about = folder / "manifest.json"
    if not about.exists():
        about = folder / "experiment.json"
    if not table.exists() or not about.exists():
        raise ReportError(
            f"report: {folder}: no comparison.csv and manifest.json; expected the folder of "
            "`sdsim compare` (or of a sweep of scenarios)"
        )
    manifest = _read_json(about)
    try:
        comparison = pd.read_csv(table)
    except (OSError, ValueError) as exc:
        raise ReportError(f"report: {table}: cannot be read ({exc})") from None
    if "point" in comparison and comparison["point"].nunique() > 1:
        raise ReportError(
            f"report: {folder}: a sweep over parameter points; the report compares scenarios "
            "(one point each); a Morris or Sobol sweep's folder goes to --sensitivity"
        )
    needed = {"scenario", "metric", "mean", "ci_low", "ci_high", "n"}
    if not needed <= set(comparison.columns):
        raise ReportError(f"report: {table}: expected the columns {', '.join(sorted(needed))}")
    names = list(dict.fromkeys(comparison["scenario"]))
    scenarios = manifest.get("scenarios", {})
    missing = [n for n in names if n not in scenarios]
    if missing:
        raise ReportError(f"report: {folder}/manifest.json: no scenario {missing[0]!r}")
    runs, yearly = _read_runs(folder, names)
    years = max(float(scenarios[n]["parameters"].get("years", 1.0)) for n in names)
    figures = sorted((folder / "figures").glob("*.png"))
    process = {
        n: folder / "process" / f"process_map_{n.replace('/', '_')}.png"
        for n in names
        if (folder / "process" / f"process_map_{n.replace('/', '_')}.png").exists()
    }
    baseline = names[0]
    if (folder / "differences.csv").exists():
        named = pd.read_csv(folder / "differences.csv", usecols=["baseline"])["baseline"]
        if len(named) and named.iloc[0] in names:
            baseline = str(named.iloc[0])
    return Results(
        folder, manifest, names, comparison, runs, yearly, years, baseline, figures, process
    )


def _read_runs(folder: Path, names: list[str]) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """Every run's figures and its monthly series summed per measured year. runs.csv is the
    table of record (the plan completes a reorganising run's paired figures there); the
    breakdowns it leaves out (nested figures, by item) come from the run files in runs/."""
    rows, yearly = [], []
    for name in names:
        for path in sorted((folder / "runs" / name).glob("p*-r*.json")):
            record = _read_json(path)
            key = record.get("key", [name, 0, 0])
            row = {"scenario": name, "replication": int(key[-1]), "seed": record.get("seed")}
            row.update(_flat(record.get("metrics", {})))
            rows.append(row)
            series = record.get("timeseries")
            if series and "day_start" in series:
                s = pd.DataFrame(series)
                s["year"] = (s["day_start"] // YEAR_DAYS).astype(int)
                s = s.drop(columns=[c for c in ("month", "day_start") if c in s])
                s = s.apply(pd.to_numeric, errors="coerce").groupby("year").sum().reset_index()
                yearly.append(s.assign(scenario=name, replication=row["replication"]))
    yearly_table = pd.concat(yearly, ignore_index=True) if yearly else None
    if (folder / "runs.csv").exists():
        try:
            table = pd.read_csv(folder / "runs.csv")
        except (OSError, ValueError) as exc:
            raise ReportError(f"report: {folder}/runs.csv: cannot be read ({exc})") from None
        if "point" in table:
            table = table.drop(columns="point")
        if rows:
            files = pd.DataFrame(rows)
            extra = [c for c in files.columns if c not in table.columns]
            keys = ["scenario", "replication"]
            table = table.merge(files[keys + extra], on=keys, how="left")
        return table, yearly_table
    if rows:
        return pd.DataFrame(rows), yearly_table
    raise ReportError(f"report: {folder}: neither runs/ nor runs.csv; the runs are needed")


def _flat(metrics: dict, prefix: str = "") -> dict:
    out = {}
    for k, v in metrics.items():
        if isinstance(v, dict):
            out.update(_flat(v, f"{prefix}{k}."))
        elif isinstance(v, int | float) or v is None:
            out[f"{prefix}{k}"] = math.nan if v is None else v
    return out
