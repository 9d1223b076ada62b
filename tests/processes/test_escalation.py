"""Escalation stays bounded: reports about a family do not breed reports."""

import numpy as np
from scipy import stats

from model.engine.simulation import SocialDomainModel
from model.records.events import VT_REPORTS, EscalationCause, Kind, ReportType


def test_understaffed_veilig_thuis_does_not_run_away(tiny):
    """With Veilig Thuis at a third of its staff its queue grows; reports grow with the
    queue (linearly), not with themselves (exponentially), as a per-need clock once made
    them do (7 thousand to 874 thousand reports a year)."""
    sc = tiny.replace(years=4.0, warmup_days=0.0, **{"domains.vt.fte_per_100k": 4.5})
    a = SocialDomainModel(sc).run().log.arrays()
    year = (a["time"] // 365).astype(int)
    vt = (a["kind"] == Kind.SIGNAL) & np.isin(a["aux"], VT_REPORTS)
    per_year = np.bincount(year[vt], minlength=4)[:4]
    assert per_year[3] > 0
    assert per_year[3] < 1.6 * per_year[2] and per_year[2] < 1.6 * per_year[1], per_year
    # A report about a family Veilig Thuis already has makes no new need.
    follow_ups = vt & (a["aux"] == ReportType.FOLLOW_UP) & (a["need"] == -1)
    assert follow_ups.sum() > 0


def test_incidents_come_from_one_clock_per_family(tiny):
    """Escalations while waiting arrive per family at most at the highest incident rate."""
    sc = tiny.replace(years=2.0, warmup_days=0.0)
    model = SocialDomainModel(sc).run()
    a = model.log.arrays()
    waiting_escalations = (a["kind"] == Kind.ESCALATION) & (a["aux"] == EscalationCause.WAITING)
    # Incidents (distinct family and time) per family never exceed rate x horizon by far.
    fam_time = np.unique(
        np.stack([a["family"][waiting_escalations], a["time"][waiting_escalations]]), axis=1
    )
    per_family = np.bincount(fam_time[0].astype(int))
    max_rate = max(sc.escalation.incident_rate_while_waiting_per_year)
    # A family at risk all the time at the highest rate has Poisson(rate x years)
    # incidents; over every family (Bonferroni), none exceeds its 1 - 0.001 / n quantile.
    # (The rates themselves are checked against their settings in test_escalation_rates.py.)
    families = len(np.unique(a["family"][a["family"] >= 0]))
    bound = stats.poisson.ppf(1 - 0.001 / families, max_rate * sc.years)
    assert 0 < per_family.max() <= bound, (per_family.max(), bound)
