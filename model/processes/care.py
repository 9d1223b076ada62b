"""Intake and care: how long they take, and why late care helps less.

Right after an incident a family is motivated to change; the motivation fades while it
waits (seed 004). Care that starts `delay` days after the incident succeeds with
probability p_severity * (floor + (1 - floor) * exp(-delay / decay)), and a family whose
motivation has faded may not show up at all.
"""

from __future__ import annotations

import math

from model.scenario import DomainConfig, FamilyConfig


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


class CareLength:
    """Length of care in one organisation's domain, from a need's pre-drawn quantile: the same
    need gets the same (relative) length of care under every scheme."""

    __slots__ = ("means", "kind", "sigma", "shift")

    def __init__(self, dom: DomainConfig) -> None:
        self.means = dom.care_weeks_mean
        self.kind = dom.care_distribution
        s2 = math.log1p(dom.care_weeks_cv**2)
        self.sigma = math.sqrt(s2)
        self.shift = -s2 / 2
        if self.kind == "lognormal" and dom.care_weeks_cv <= 0:
            self.kind = "deterministic"

    def weeks(self, severity: int, u: float, z: float) -> float:
        mean = self.means[severity - 1]
        if self.kind == "lognormal":
            return mean * math.exp(self.sigma * z + self.shift)
        if self.kind == "exponential":
            return -mean * math.log1p(-u)
        return mean


def intake_hours(dom: DomainConfig, kind: str) -> float:
    if kind == "full":
        return dom.intake_hours
    if kind == "short":
        return dom.short_intake_hours
    return 0.0
