"""Queueing theory in a degenerate setting: one organisation, c professionals with one case
each, Poisson arrivals, exponential care, nothing else. The mean wait must be Erlang C's."""

import math

import numpy as np

from model.config import scenario_from_dict
from model.engine import SocialDomainModel
from model.events import Kind


def erlang_c_wait(lam: float, mu: float, c: int) -> float:
    a = lam / mu
    rho = a / c
    top = a**c / math.factorial(c) / (1 - rho)
    p_wait = top / (sum(a**k / math.factorial(k) for k in range(c)) + top)
    return p_wait / (c * mu - lam)


def mmc_scenario(lam_per_day: float, mean_days: float, c: int, seed: int, years: float = 3.0):
    pop = 100_000
    off = {"incidence_per_1000_per_year": 0.0}
    return scenario_from_dict(
        {
            "name": "mmc",
            "seed": seed,
            "years": years,
            "warmup_days": 90,
            "scheme": "decentralised",
            "synthetic": {
                "municipalities": 1,
                "population": pop,
                "provinces": 1,
                "youth_regions": 1,
                "vt_regions": 1,
                "shelter_regions": 1,
            },
            "domains": {
                "wijkteam": {
                    "incidence_per_1000_per_year": lam_per_day * 365 * 1000 / pop,
                    "severity_shares": [1.0, 0.0, 0.0],
                    "intake_hours": 0.0,
                    "registration_admin_hours": 0.0,
                    "care_hours_per_week": 36.0,
                    "care_admin_share": 0.0,
                    "care_distribution": "exponential",
                    "care_weeks_mean": [mean_days / 7, 1.0, 1.0],
                    "visits_per_week": 0.0,
                    "fte_per_100k": float(c),
                    "team_fte": 1000.0,
                },
                "youth": off,
                "vt": off,
                "shelter": off,
            },
            "families": {"dropout_max_share": 0.0},
            "escalation": {
                "incident_rate_while_waiting_per_year": [0.0, 0.0, 0.0],
                "recurrence_after_success": 0.0,
                "recurrence_after_failure": 0.0,
                "recurrence_after_dropout": 0.0,
            },
            "workforce": {"coordination_hours_per_org_week": 0.0},
        }
    )


def test_mmc_mean_wait_matches_erlang_c():
    lam, mean_days, c = 3.0, 7.0, 25
    expected = erlang_c_wait(lam, 1 / mean_days, c)
    means = []
    for seed in range(4):
        model = SocialDomainModel(mmc_scenario(lam, mean_days, c, seed)).run()
        a = model.log.arrays()
        assert len(model.orgs_by_domain[0]) == 1 and model.orgs_by_domain[0][0].capacity == c
        sel = (a["kind"] == Kind.ASSIGNED) & (a["time"] >= model.measure_from)
        means.append(a["value"][sel].mean())
    means = np.array(means)
    se = means.std(ddof=1) / math.sqrt(len(means))
    assert abs(means.mean() - expected) < max(3 * se, 0.05 * expected), (means, expected)


def test_mmc_arrival_rate_is_as_configured():
    lam = 3.0
    model = SocialDomainModel(mmc_scenario(lam, 7.0, 25, seed=9, years=2.0)).run()
    a = model.log.arrays()
    days = model.end_day
    n = (a["kind"] == Kind.SIGNAL).sum()
    assert abs(n / days - lam) < 4 * math.sqrt(lam * days) / days
