"""The findings on the report's first page, each a sentence computed from the numbers.

A difference is called a difference only when its paired 95 % interval (scenario minus
baseline, run by run: `model.runs.statistics.paired_differences`) excludes zero; otherwise
the sentence says the scenarios do not differ measurably, and without an interval (fewer
than two replications) that they cannot be told apart. No finding is written by hand: the
headline outcomes are chosen below, and the words come from the catalogues.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

import pandas as pd

from model.records.outcomes import Direction, outcome
from model.report.i18n import Language
from model.report.units import amount

# The outcomes a council member asks about first, in this order (at most four, so that
# with the cost-benefit account's total the page holds five findings).
HEADLINE: tuple[str, ...] = (
    "signal_to_care_days_mean",
    "stories_told_per_family_mean",
    "unmet_need_share",
    "handover_delay_days_mean",
)


class Verdict(StrEnum):
    LOWER = "lower"
    HIGHER = "higher"
    SAME = "same"  # the interval holds zero
    UNKNOWN = "unknown"  # no interval: too few replications


def verdict(difference: float, ci_low: float, ci_high: float) -> Verdict:
    if not all(math.isfinite(x) for x in (difference, ci_low, ci_high)):
        return Verdict.UNKNOWN
    if ci_low > 0:
        return Verdict.HIGHER
    if ci_high < 0:
        return Verdict.LOWER
    return Verdict.SAME


@dataclass(frozen=True)
class Clause:
    scenario: str
    verdict: Verdict
    difference: float
    ci_low: float
    ci_high: float
    better: bool | None  # None: the outcome has no better direction, or no difference


@dataclass(frozen=True)
class Finding:
    metric: str  # an outcome's name, or "npv" for the account's total
    clauses: tuple[Clause, ...]


def clause(row, direction: Direction) -> Clause:
    v = verdict(row.difference, row.ci_low, row.ci_high)
    better = None
    if v in (Verdict.LOWER, Verdict.HIGHER) and direction is not Direction.NEITHER:
        better = (v is Verdict.LOWER) == (direction is Direction.LOWER)
    return Clause(row.scenario, v, row.difference, row.ci_low, row.ci_high, better)


def findings(differences: pd.DataFrame, metrics: tuple[str, ...] = HEADLINE) -> list[Finding]:
    """One finding per headline outcome present in `differences` (paired_differences'
    columns: scenario, metric, difference, ci_low, ci_high), a clause per scenario."""
    out = []
    for metric in metrics:
        rows = differences[differences.metric == metric]
        if rows.empty:
            continue
        direction = outcome(metric).direction
        out.append(Finding(metric, tuple(clause(r, direction) for r in rows.itertuples())))
    return out


def npv_finding(npv_total: pd.DataFrame) -> Finding:
    """The account's total at the main rate (rows: scenario, difference, ci_low, ci_high of
    the costs against the baseline): lower costs are better."""
    return Finding("npv", tuple(clause(r, Direction.LOWER) for r in npv_total.itertuples()))


def sentence(f: Finding, L: Language, baseline: str, rate: float | None = None) -> str:
    """The finding in words: the outcome's label, then a clause per scenario."""
    parts = []
    for c in f.clauses:
        if f.metric == "npv":
            key = {Verdict.LOWER: "finding.npv.saving", Verdict.HIGHER: "finding.npv.cost",
                   Verdict.SAME: "finding.npv.same", Verdict.UNKNOWN: "finding.unknown"}[c.verdict]  # fmt: skip
            unit = "EUR"
        else:
            key = f"finding.{c.verdict.value}"
            unit = outcome(f.metric).unit
        size, unit_text = amount(abs(c.difference), unit, L, difference=True)
        text = L(
            key,
            scenario=c.scenario,
            baseline=baseline,
            amount=size,
            unit=unit_text,
            low=amount(c.ci_low, unit, L, difference=True)[0],
            high=amount(c.ci_high, unit, L, difference=True)[0],
        )
        if c.better is not None:
            text += f" ({L('finding.better') if c.better else L('finding.worse')})"
        parts.append(text)
    if f.metric == "npv":
        label = L("finding.npv", baseline=baseline, rate=L.rate(rate or 0.0))
    else:
        label = L.get(f"metric.{f.metric}", outcome(f.metric).label)
    return f"{label[0].upper()}{label[1:]}: " + "; ".join(parts) + "."
