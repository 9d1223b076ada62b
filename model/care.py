"""Intake and care: how long they take, and why late care helps less.

Right after an incident a family is motivated to change; the motivation fades while it
waits (seed 004). Care that starts `delay` days after the incident succeeds with
probability p_severity * (floor + (1 - floor) * exp(-delay / decay)), and a family whose
motivation has faded may not show up at all.
"""

from __future__ import annotations

import math

from scipy.special import ndtri

from .config import DomainConfig, FamilyConfig


def motivation(delay_days: float, decay_days: float) -> float:
    return math.exp(-max(delay_days, 0.0) / decay_days)


def success_probability(
    dom: DomainConfig, fam: FamilyConfig, severity: int, delay_days: float
) -> float:
    m = motivation(delay_days, fam.motivation_decay_days)
    return dom.success_probability[severity - 1] * (
        fam.motivation_floor + (1 - fam.motivation_floor) * m
    )


def dropout_probability(fam: FamilyConfig, delay_days: float) -> float:
    return fam.dropout_max_share * (1 - motivation(delay_days, fam.motivation_decay_days))


def care_weeks(dom: DomainConfig, severity: int, u: float) -> float:
    """The u-quantile of the care-length distribution: the same u gives the same family the
    same (relative) length of care under every scheme."""
    mean = dom.care_weeks_mean[severity - 1]
    if mean <= 0 or dom.care_distribution == "deterministic":
        return mean
    if dom.care_distribution == "exponential":
        return -mean * math.log1p(-u)
    cv = dom.care_weeks_cv
    if cv <= 0:
        return mean
    s2 = math.log1p(cv * cv)
    return mean * math.exp(math.sqrt(s2) * float(ndtri(u)) - s2 / 2)


def intake_hours(dom: DomainConfig, kind: str) -> float:
    if kind == "full":
        return dom.intake_hours
    if kind == "short":
        return dom.short_intake_hours
    return 0.0
