"""The report of a journey (`sdsim journey`): one scripted family followed through schemes
and protocols, each combination in the same worlds around it.

The family's own luck is fixed (the median of every draw, or one draw from its own seed),
so the worlds are the only thing that varies between replications; a combination is set
against the baseline world by world (`model.runs.statistics.paired_differences`, paired on
the replication). A difference is called one only when that interval excludes zero, and it
concerns this family, not families in general; with one world there is no interval, and
the report says plainly that it tells one family's story. The table is journey_table.csv
as written; nothing in it is recomputed.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass

import numpy as np
import pandas as pd

from model.records.outcomes import Direction
from model.report import findings
from model.report.assumptions import describe, flatten
from model.report.data import JourneyResults, ReportError
from model.report.i18n import Language
from model.report.units import value_text
from model.runs import statistics

_L, _N = Direction.LOWER, Direction.NEITHER

# The columns of journey_table.csv (model/runs/journey.py): unit and which way is better
# for the family. A column not named here (a later addition) is shown with its own name.
COLUMNS: dict[str, tuple[str, Direction]] = {
    "days_until_all_help": ("days", _L),
    "needs_without_care": ("needs", _L),
    "stories_told": ("stories", _L),
    "intakes": ("intakes", _L),
    "handovers": ("handovers", _N),
    "organisations": ("organisations", _N),
    "regions": ("regions", _N),
    "border_crossings": ("crossings", _N),
    "province_crossings": ("crossings", _N),
    "placements_elsewhere": ("placements", _N),
    "information_lost": ("intakes", _L),
    "coordination_hours": ("hours", _N),
    "escalations": ("escalations", _L),
    "vt_reports": ("reports", _N),
    "waiting_days": ("days", _L),
    "world_signal_to_care_days_mean": ("days", _L),
}
DAYS_TO_CARE = "days_to_care: "  # a column per scripted need: "days_to_care: <who>"

# What the family asks first, in this order: when is all the help there, how often did we
# tell our story, how long did we wait in queues.
HEADLINE: tuple[str, ...] = ("days_until_all_help", "stories_told", "waiting_days")

LIMITS = ("journey_one_family", "journey_luck", "synthetic", "assumptions")
# Scenario keys that are bookkeeping, or the journey's own (shown as the family's script).
SKIP = {"name", "description", "seed", "scheme", "protocol", "journey"}


def combination(scheme: str, protocol: str) -> str:
    return f"{scheme}/{protocol}"


def combinations(results: JourneyResults) -> list[str]:
    """In the table's order (schemes, then protocols within each)."""
    t = results.table
    return [combination(s, p) for s, p in zip(t["scheme"], t["protocol"], strict=True)]


def default_baseline(results: JourneyResults) -> str:
    """The scenario's own scheme and protocol when followed, else the table's first row."""
    p = results.parameters
    own = combination(str(p.get("scheme")), str(p.get("protocol")))
    names = combinations(results)
    return own if own in names else names[0]


def runs_by_combination(results: JourneyResults) -> pd.DataFrame:
    r = results.runs
    return r.assign(scenario=[combination(s, p) for s, p in zip(r.scheme, r.protocol, strict=True)])


def columns(table: pd.DataFrame) -> list[str]:
    return [c for c in table.columns if c not in ("scheme", "protocol")]


def unit_of(column: str) -> str:
    if column.startswith(DAYS_TO_CARE):
        return "days"
    return COLUMNS.get(column, ("", _N))[0]


def direction_of(column: str) -> Direction:
    if column.startswith(DAYS_TO_CARE):
        return _L
    return COLUMNS.get(column, ("", _N))[1]


def label(column: str, L: Language) -> str:
    if column.startswith(DAYS_TO_CARE):
        return L("journey.col.days_to_care", who=column[len(DAYS_TO_CARE) :])
    return L.get(f"journey.col.{column}", column)


@dataclass(frozen=True)
class JourneyFinding:
    metric: str
    baseline_value: float  # the baseline's mean over the worlds
    clauses: tuple[findings.Clause, ...]
    values: dict[str, float]  # every combination's mean (for a story of one world)
    incomplete: dict[str, int]  # combinations with worlds that lack the figure: how many


def journey_findings(
    runs: pd.DataFrame, names: list[str], baseline: str, metrics: tuple[str, ...] = HEADLINE
) -> list[JourneyFinding]:
    """Per headline figure present in `runs` (a row per combination and world, its name in
    `scenario`): each other combination against the baseline, world by world."""
    others = [n for n in names if n != baseline]
    out = []
    for m in metrics:
        if m not in runs:
            continue
        diffs = statistics.paired_differences(runs, names, baseline, [m]) if others else None
        clauses = ()
        if diffs is not None:
            clauses = tuple(findings.clause(r, direction_of(m)) for r in diffs.itertuples())
        means = runs.groupby("scenario", sort=False)[m].agg(lambda x: x.mean(skipna=False))
        lacking = runs[runs[m].isna()].groupby("scenario").size()
        out.append(
            JourneyFinding(
                m,
                float(means[baseline]),
                clauses,
                {n: float(means[n]) for n in names},
                {n: int(k) for n, k in lacking.items()},
            )
        )
    return out


def sentence(f: JourneyFinding, L: Language, baseline: str, worlds: int, names: dict) -> str:
    """The finding in words: the figure and the baseline's value, then the combinations
    grouped by verdict (lower, higher, not measurably different, no interval)."""
    unit = L.get(f"unit.{unit_of(f.metric)}", unit_of(f.metric))
    head = L("journey.finding.head", label=label(f.metric, L), baseline=names[baseline],
             value=_number(f.baseline_value, L), unit=unit)  # fmt: skip
    if worlds < 2:
        values = "; ".join(f"{names[n]} {_number(v, L)}" for n, v in f.values.items())
        return f"{head[0].upper()}{head[1:]}: {L('journey.finding.story', values=values)}."
    groups: dict[findings.Verdict, list[str]] = {v: [] for v in findings.Verdict}
    better: dict[findings.Verdict, bool | None] = {}
    for c in f.clauses:
        if c.verdict in (findings.Verdict.LOWER, findings.Verdict.HIGHER):
            text = L("journey.finding.item", name=names[c.scenario],
                     amount=_number(c.difference, L, signed=True),
                     low=_number(c.ci_low, L, signed=True),
                     high=_number(c.ci_high, L, signed=True))  # fmt: skip
            better[c.verdict] = c.better
        else:
            text = names[c.scenario]
        groups[c.verdict].append(text)
    parts = []
    for verdict, items in groups.items():
        if not items:
            continue
        part = L(f"journey.finding.{verdict.value}", list="; ".join(items))
        if better.get(verdict) is not None:
            part = f"{L('finding.better') if better[verdict] else L('finding.worse')}: {part}"
        parts.append(f"{part[0].upper()}{part[1:]}.")
    text = f"{head[0].upper()}{head[1:]}. " + " ".join(parts)
    if f.incomplete:
        lacking = "; ".join(f"{names[n]} {k}" for n, k in f.incomplete.items())
        text += " " + L("journey.finding.incomplete", list=lacking, worlds=worlds)
    return text


def _number(x: float, L: Language, signed: bool = False) -> str:
    if x is None or not math.isfinite(x):
        return L("misc.na")
    text = L.number(x)
    return f"+{text}" if signed and x > 0 else text


def scenario_settings(text: str) -> list[tuple[str, object]]:
    """The parameters the scenario file sets (dotted path, value), the journey's own and
    bookkeeping apart: what a journey's assumptions list when there is no sensitivity
    study (a journey changes nothing else between its combinations)."""
    try:
        tree = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return []
    return [(k, v) for k, v in flatten(tree).items() if k.split(".")[0] not in SKIP]


def settings_table(results: JourneyResults, L: Language) -> list[dict]:
    rows = []
    for path, value in scenario_settings(results.text):
        unit, source = describe(path)
        rows.append({"path": path, "value": value_text(value, L), "unit": unit,
                     "source": source})  # fmt: skip
    return rows


def table_rows(results: JourneyResults, L: Language) -> list[dict]:
    """The journey table turned: a row per figure, a column per combination; each cell the
    CSV's value, unrounded in `data-value`."""
    t = results.table
    names = combinations(results)
    rows = []
    for col in columns(t):
        unit = unit_of(col)
        cells = [(float(v), _number(float(v), L)) for v in t[col].to_numpy(dtype=float)]
        rows.append({"column": col, "label": label(col, L), "unit": L.get(f"unit.{unit}", unit),
                     "cells": list(zip(names, cells, strict=True))})  # fmt: skip
    return rows


def script(results: JourneyResults, L: Language) -> list[str]:
    """The family's scripted signals, one line each."""
    lines = []
    for s in results.journey.get("signals", []):
        needs = []
        for n in s.get("needs", []):
            domain = str(n.get("domain"))
            needs.append(L("journey.need", who=n.get("who") or L.get(f"domain.{domain}", domain),
                           domain=L.get(f"domain.{domain}", domain),
                           severity=n.get("severity")))  # fmt: skip
        needs = "; ".join(needs)
        lines.append(L("journey.signal", day=value_text(s.get("day"), L),
                       entry=L.get(f"domain.{s.get('entry')}", str(s.get("entry"))),
                       source=L.get(f"source.{s.get('source')}", str(s.get("source"))),
                       needs=needs))  # fmt: skip
    return lines


def build_context(results: JourneyResults, L: Language, baseline: str | None) -> dict:
    """Everything the journey template shows, formatted."""
    names = combinations(results)
    baseline = baseline or default_baseline(results)
    if baseline not in names:
        raise ReportError(
            f"report: --baseline {baseline!r}: not a scheme/protocol of the journey "
            f"({', '.join(names)})"
        )
    t = results.table
    schemes = list(dict.fromkeys(t["scheme"]))
    words = {
        combination(s, p): f"{s} / {p}" for s, p in zip(t["scheme"], t["protocol"], strict=True)
    }
    worlds = results.replications
    runs = runs_by_combination(results)
    found = journey_findings(runs, names, baseline)
    j = results.journey
    header = [{"scheme": s, "words": L.get(f"scheme.{s}", s),
               "span": int((t["scheme"] == s).sum())} for s in schemes]  # fmt: skip
    protocols = [{"name": p, "words": L.get(f"protocol.{p}", p)} for p in t["protocol"]]
    figures = []
    for path in results.figures:
        if path.stem.startswith("timeline_"):
            scheme = path.stem[len("timeline_") :]
            alt = L("figure.journey_timeline", scheme=L.get(f"scheme.{scheme}", scheme))
        else:
            key = f"figure.{path.stem}"
            alt = L(key) if L.has(key) else L("figure.other", name=path.stem)
        figures.append((path, alt))
    luck = j.get("luck", "median")
    return {
        "label": j.get("label") or results.name,
        "question": L(
            "journey.question",
            label=j.get("label") or results.name,
            municipality=j.get("municipality", ""),
            n=len(names),
            schemes=len(schemes),
            protocols=len(set(t["protocol"])),
        ),  # fmt: skip
        "family": L(
            "journey.family",
            adults=j.get("adults", ""),
            children=j.get("children", ""),
            start=value_text(j.get("start_day"), L),
            luck=L(f"journey.luck.{luck}") if L.has(f"journey.luck.{luck}") else luck,
        ),  # fmt: skip
        "signals": script(results, L),
        "method": L("journey.method", worlds=worlds, n=len(names), baseline=words[baseline])
        if worlds > 1
        else L("journey.method_one", n=len(names)),
        "findings": [sentence(f, L, baseline, worlds, words) for f in found],
        "names": names,
        "baseline": baseline,
        "header": header,
        "protocols": protocols,
        "rows": table_rows(results, L),
        "figures": figures,
        "limits": [L(f"limits.{k}") for k in LIMITS],
        "notes": list((results.manifest.get("geography") or {}).get("notes", [])),
        "worlds": worlds,
    }


def check_numbers(results: JourneyResults) -> None:
    """A table whose rows do not match its runs is not reported (it would contradict
    itself): every combination of the table has runs."""
    names = set(runs_by_combination(results)["scenario"])
    if not set(combinations(results)) <= names:
        raise ReportError(f"report: {results.folder}: journey_runs.csv lacks combinations")
    if np.isnan(results.table[columns(results.table)].to_numpy(dtype=float)).all():
        raise ReportError(f"report: {results.folder}: journey_table.csv holds no figures")
