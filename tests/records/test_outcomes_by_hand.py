"""Every declared outcome on a log small enough to work out by hand.

Five families and five organisations, 200 days, the window from day 100. Each expected
value is derived in a comment from the records below, never from the code under test.
Family 0 came to light before the window (day 50): it must count in the window's counts
of things (its intake and care on days 110-150) but nowhere in the per-family means.

Organisations (hourly cost by domain: wijkteam 100, youth 120, vt 110, shelter 90 EUR;
shelter days 200 EUR):
    0 wijkteam GM0001    1 youth JR01    2 vt VR01    3 youth JR02    4 shelter VR01
(the shelter shares Veilig Thuis's region code, as aligned regions would).
"""

import math

import numpy as np
import pytest

from model.records import metrics
from model.records.events import (
    RECORD,
    HandoverFlag,
    Kind,
    LossReason,
    ReportType,
    StaffRole,
    TransitionItem,
)
from model.records.metrics import RunInfo, area_means, by_municipality, summarise
from model.records.outcomes import REORGANISATION, When, flat_names, outcome
from model.runs.counterfactual import measure, own_figures, paired_figures, profile
from model.scenario import load_scenario
from model.vocabulary import SHELTER, VT, WIJKTEAM, YOUTH, CasePhase
from tests.conftest import DATA

K = Kind
ORG_DOMAIN = np.array([WIJKTEAM, YOUTH, VT, YOUTH, SHELTER])
ORG_REGION = np.array(["GM0001", "JR01", "VR01", "JR02", "VR01"], dtype=object)
MUN = {0: 0, 1: 0, 2: 1, 3: 1, 4: 2}  # family -> home municipality


def info(measure_from=100.0, end_day=200.0) -> RunInfo:
    return RunInfo(
        measure_from=measure_from,
        end_day=end_day,
        org_domain=ORG_DOMAIN,
        org_region=ORG_REGION,
        hourly_cost_eur=np.array([100.0, 120.0, 110.0, 90.0, 75.0, 75.0]),
        day_cost_eur=np.array([0.0, 0.0, 0.0, 200.0, 0.0, 0.0]),
        fte_total=12.5,
    )


def log(rows) -> dict[str, np.ndarray]:
    """Rows (time, kind, family, need, episode, case, org, domain, value, detail, aux) as
    the event log's columns (EventLog.arrays()), ordered by time as the engine writes them."""
    out = np.zeros(len(rows), dtype=RECORD)
    for i, (t, kind, fam, need, ep, case, org, dom, value, detail, aux) in enumerate(rows):
        out[i] = (t, kind, fam, need, ep, case, org, -1, MUN.get(fam, -1), dom, value, detail, aux)
    out = out[np.argsort(out["time"], kind="stable")]
    return {name: out[name] for name in RECORD.names}


# fmt: off
ROWS = [
    # t    kind                  fam need ep case org dom  value det aux
    # family 0: first signal before the window; not measured
    (50,  K.SIGNAL,             0, -1, 0, 0, 0, 0,    0.0, 0, 0),
    (50,  K.NEED,               0,  0, 0, 0, 0, 1,    0.0, 2, 0),
    (50,  K.QUEUED,             0, -1, 0, 0, 0, 0,    0.0, 2, 0),
    (55,  K.ASSIGNED,           0, -1, 0, 0, 0, 0,    5.0, 0, 0),
    (55,  K.INTAKE,             0, -1, 0, 0, 0, 0,    2.0, 1, 0),  # before the window
    (60,  K.HANDOVER_SENT,      0, -1, 0, 1, 0, 0,    1.0, 1, 0),  # before the window
    (61,  K.HANDOVER_RECEIVED,  0, -1, 0, 1, 1, 1,    0.0, 0, HandoverFlag.REGION_BORDER),
    (61,  K.QUEUED,             0, -1, 0, 1, 1, 1,    0.0, 2, 0),
    (61,  K.CLOSED,             0, -1, 0, 0, 0, 0,    0.0, 0, 0),
    (70,  K.ASSIGNED,           0, -1, 0, 1, 1, 1,    9.0, 0, 0),
    (110, K.INTAKE,             0, -1, 0, 1, 1, 1,    1.5, 1, 1),  # information lost
    (120, K.CARE_START,         0,  0, 0, 1, 1, 1,   10.0, 0, 0),
    (150, K.CARE_END,           0,  0, 0, 1, 1, 1,    0.0, 1, 0),  # resolved
    (150, K.CLOSED,             0, -1, 0, 1, 1, 1,    0.0, 0, 0),
    # family 1: wijkteam, then youth care across a region and province border
    (105, K.SIGNAL,             1, -1, 1, 2, 0, 0,    0.0, 0, 0),
    (105, K.NEED,               1,  1, 1, 2, 0, 0,    0.0, 1, 0),
    (105, K.QUEUED,             1, -1, 1, 2, 0, 0,    0.0, 1, 0),
    (107, K.ASSIGNED,           1, -1, 1, 2, 0, 0,    2.0, 0, 0),
    (107, K.INTAKE,             1, -1, 1, 2, 0, 0,    2.0, 1, 0),  # story told, 1st of episode 1
    (107, K.ADMIN,              1, -1, 1, 2, 0, 0,    1.0, 0, 0),
    (108, K.NEED,               1,  2, 1, 2, 0, 1,    0.0, 2, 0),
    (110, K.HANDOVER_SENT,      1, -1, 1, 3, 0, 0,    2.0, 3, 0),
    (112, K.HANDOVER_RECEIVED,  1, -1, 1, 3, 3, 1,    0.0, 0, HandoverFlag.REGION_BORDER | HandoverFlag.PROVINCE_BORDER),
    (112, K.QUEUED,             1, -1, 1, 3, 3, 1,    0.0, 2, 0),
    (120, K.ASSIGNED,           1, -1, 1, 3, 3, 1,    8.0, 0, 0),
    (120, K.INTAKE,             1, -1, 1, 3, 3, 1,    3.0, 1, 0),  # story told again: redundant
    (121, K.INTAKE,             1, -1, 1, 3, 3, 1,    1.0, 0, 0),  # short intake
    (125, K.CARE_START,         1,  2, 1, 3, 3, 1,   20.0, 0, 0),
    (130, K.CARE_START,         1,  1, 1, 2, 0, 0,    4.0, 0, 0),
    (135, K.HANDOVER_SENT,      1, -1, 1, 3, 0, 0,    0.0, 3, 0),  # joins case 3, answered at 120
    (135, K.HANDOVER_RECEIVED,  1, -1, 1, 3, 3, 1,    0.0, 0, HandoverFlag.REGION_BORDER),
    (140, K.COORDINATION,       1, -1, 1, 2, 0, 0,    0.5, 1, 0),
    (140, K.TRAVEL,             1, -1, 1, 3, 3, 1,    1.0, 0, 0),
    (160, K.CARE_END,           1,  2, 1, 3, 3, 1,    0.0, 0, 0),  # not resolved
    (170, K.CLOSED,             1, -1, 1, 3, 3, 1,    0.0, 0, 0),
    # family 2: a first report to Veilig Thuis, escalates while waiting, drops out
    (130, K.SIGNAL,             2, -1, 2, 4, 2, 2,    0.0, 1, ReportType.FIRST),
    (130, K.NEED,               2,  3, 2, 4, 2, 2,    0.0, 2, 0),
    (130, K.QUEUED,             2, -1, 2, 4, 2, 2,    0.0, 2, 0),
    (140, K.ESCALATION,         2,  3, 2, -1, -1, 2,  0.0, 3, 1),
    (150, K.ASSIGNED,           2, -1, 2, 4, 2, 2,   20.0, 0, 0),
    (150, K.INTAKE,             2, -1, 2, 4, 2, 2,    2.0, 1, 0),
    (155, K.QUEUED,             2, -1, 2, 8, 4, 3,    0.0, 2, 0),  # shelter, same region code
    (155, K.ASSIGNED,           2, -1, 2, 8, 4, 3,    0.0, 0, 0),
    (160, K.SIGNAL,             2, -1, 2, 4, 2, 2,    0.0, 1, ReportType.FOLLOW_UP),
    (165, K.DROPOUT,            2,  3, 2, 4, 2, 2,    0.0, 0, 0),
    (165, K.CLOSED,             2, -1, 2, 4, 2, 2,    0.0, 0, 0),
    (165, K.CLOSED,             2, -1, 2, 8, 4, 3,    0.0, 0, 0),
    # family 3: a repeat report, placed in a shelter elsewhere; nobody takes it by the end
    (180, K.SIGNAL,             3, -1, 3, 5, 2, 2,    0.0, 1, ReportType.REPEAT),
    (180, K.NEED,               3,  4, 3, 5, 2, 3,    0.0, 3, 0),
    (181, K.HANDOVER_SENT,      3, -1, 3, 6, 2, 2,    1.0, 4, 0),
    (182, K.HANDOVER_RECEIVED,  3, -1, 3, 6, 4, 3,    0.0, 2, HandoverFlag.REGION_BORDER | HandoverFlag.PLACED_ELSEWHERE),
    (182, K.QUEUED,             3, -1, 3, 6, 4, 3,    0.0, 3, 0),
    # family 4: shelter with planned shelter days
    (140, K.SIGNAL,             4, -1, 4, 7, 4, 3,    0.0, 0, 0),
    (140, K.NEED,               4,  5, 4, 7, 4, 3,    0.0, 2, 0),
    (140, K.QUEUED,             4, -1, 4, 7, 4, 3,    0.0, 2, 0),
    (141, K.ASSIGNED,           4, -1, 4, 7, 4, 3,    1.0, 0, 0),
    (141, K.INTAKE,             4, -1, 4, 7, 4, 3,    1.0, 1, 0),
    (142, K.CARE_START,         4,  5, 4, 7, 4, 3,    5.0, 0, 10),  # 10 shelter days
    (190, K.CARE_END,           4,  5, 4, 7, 4, 3,    0.0, 1, 0),
    (190, K.CLOSED,             4, -1, 4, 7, 4, 3,    0.0, 0, 0),
]
# fmt: on


@pytest.fixture(scope="module")
def s() -> dict:
    return summarise(log(ROWS), info())


def test_the_hand_log_gives_every_declared_outcome_of_summarise(s):
    """So that the tests below cover all of them (the reorganisation's come further down)."""
    computed = [
        n
        for k, v in s.items()
        for n in (
            [f"{k}.{d}.{m}" for d, per in v.items() for m in per] if k == "by_domain" else [k]
        )
    ]
    later = (*REORGANISATION, "cost_eur_incl_reorganisation")
    assert computed == [n for n in flat_names() if n not in later]


def test_volumes_and_the_window(s):
    # families whose first signal is in [100, 200): 1 (105), 2 (130), 3 (180), 4 (140);
    # family 0 (day 50) is not measured
    assert s["families"] == 4
    # need records from day 100: needs 1 (105), 2 (108), 3 (130), 4 (180), 5 (140); not 0 (50)
    assert s["needs"] == 5
    # signals from day 100: 105, 130, 160, 180, 140; not family 0's at 50
    assert s["signals"] == 5
    # handovers sent from day 100: 110, 135, 181; not family 0's at 60
    assert s["handovers"] == 3


def test_delays(s):
    # handovers in the window: 110 -> case 3, first assigned 120: 10 days; 135 -> case 3,
    # assigned at 120 already: -15, clipped to 0; 181 -> case 6, never assigned: left out
    assert s["handovers_unanswered"] == 1
    assert s["handover_delay_days_mean"] == pytest.approx(5.0)  # (10 + 0) / 2
    assert s["handover_delay_days_p50"] == pytest.approx(5.0)
    assert s["handover_delay_days_p90"] == pytest.approx(9.0)  # 0 + 0.9 x (10 - 0)
    # needs in the window with care: 1 (105 -> 130: 25), 2 (108 -> 125: 17), 5 (140 -> 142:
    # 2); needs 3 (dropout) and 4 (waiting) have none; need 0 arose before the window
    assert s["signal_to_care_days_mean"] == pytest.approx(44 / 3)  # (25 + 17 + 2) / 3
    assert s["signal_to_care_days_p50"] == pytest.approx(17.0)
    assert s["signal_to_care_days_p90"] == pytest.approx(23.4)  # 17 + 0.8 x (25 - 17)


def test_intakes_and_stories(s):
    # intakes of measured families, at any time: family 1 three (107 full, 120 full, 121
    # short), family 2 one (150), family 4 one (141); family 0's two are not counted
    assert s["intakes_per_family_mean"] == pytest.approx(5 / 4)
    # full ones: 107, 120, 150, 141
    assert s["stories_told_per_family_mean"] == pytest.approx(4 / 4)
    # episode 1 has two full intakes (107, 120): one redundant; episodes 2 and 4 one each;
    # family 0's episode 0 also has two (55, 110), but family 0 is not measured
    assert s["redundant_intakes"] == 1
    assert s["redundant_intakes_per_family_mean"] == pytest.approx(1 / 4)
    # intakes in the window with information lost (aux 1): family 0's at 110, of every family
    assert s["information_lost"] == 1


def test_organisations_regions_and_borders(s):
    # assigned at: family 1 orgs 0 and 3 (regions GM0001, JR02), family 2 orgs 2 and 4
    # (both region VR01), family 4 org 4 (VR01), family 3 none: 5 pairs, 4 region pairs
    assert s["organisations_per_family_mean"] == pytest.approx(5 / 4)
    assert s["regions_per_family_mean"] == pytest.approx(4 / 4)
    # received in the window: 112 (region and province border), 135 (region border), 182
    # (region border, but placed elsewhere on purpose); family 0's at 61 is before it
    assert s["border_crossings"] == 2
    assert s["province_crossings"] == 1
    assert s["placements_elsewhere"] == 1


def test_hours_and_cost(s):
    # in the window, by activity (org's domain):
    #   intake: 1.5 (110, youth) + 2 (107, wijkteam) + 3 + 1 (120, 121, youth) + 2 (150, vt)
    #           + 1 (141, shelter) = 10.5; family 0's 2 hours at 55 are before the window
    #   administration: 1 (wijkteam); care (planned): 10 + 20 (youth) + 4 (wijkteam) + 5
    #   (shelter) = 39; coordination: 0.5 (wijkteam); travel: 1 (youth)
    assert s["hours_intake"] == pytest.approx(10.5)
    assert s["hours_administration"] == pytest.approx(1.0)
    assert s["hours_care"] == pytest.approx(39.0)
    assert s["hours_coordination"] == pytest.approx(0.5)
    assert s["hours_travel"] == pytest.approx(1.0)
    assert s["hours_total"] == pytest.approx(52.0)  # 10.5 + 1 + 39 + 0.5 + 1
    assert s["coordination_hours"] == pytest.approx(0.5)
    assert s["admin_hours_share"] == pytest.approx(1 / 52)
    # youth 1.5 + 10 + 3 + 1 + 20 + 1 = 36.5 h x 120 = 4380; wijkteam 2 + 1 + 4 + 0.5 =
    # 7.5 h x 100 = 750; vt 2 h x 110 = 220; shelter 1 + 5 = 6 h x 90 = 540; 10 shelter
    # days x 200 = 2000: 7890
    assert s["cost_eur_total"] == pytest.approx(7890.0)
    assert s["cost_eur_per_family"] == pytest.approx(7890 / 4)
    assert s["fte_total"] == 12.5


def test_escalations_and_report_shares(s):
    assert s["escalations"] == 1  # need 3 at 140
    # reports to Veilig Thuis in the window: 130 first, 160 follow-up, 180 repeat
    assert s["vt_reports"] == 3
    assert s["repeat_report_share"] == pytest.approx(1 / 3)
    assert s["follow_up_report_share"] == pytest.approx(1 / 3)


def test_unmet_need_dropouts_and_success(s):
    assert s["dropouts"] == 1  # need 3
    assert s["unmet_need_share"] == pytest.approx(2 / 5)  # needs 3 and 4 of the 5
    # care ended in the window: 150 resolved (family 0's: every family), 160 not, 190 resolved
    assert s["care_success_share"] == pytest.approx(2 / 3)


def test_per_domain(s):
    d = s["by_domain"]
    # handovers to: org 3 (youth) at 110 and 135, org 4 (shelter) at 181 (unanswered)
    assert [d[k]["handovers_in"] for k in ("wijkteam", "youth", "vt", "shelter")] == [0, 2, 0, 1]
    assert d["youth"]["handover_delay_days_mean"] == pytest.approx(5.0)  # (10 + 0) / 2
    assert math.isnan(d["shelter"]["handover_delay_days_mean"])  # none answered
    assert math.isnan(d["wijkteam"]["handover_delay_days_mean"])  # none sent
    # needs: wijkteam 1 (25 days), youth 2 (17), vt 3 (dropout), shelter 4 (waiting), 5 (2)
    assert [d[k]["needs"] for k in ("wijkteam", "youth", "vt", "shelter")] == [1, 1, 1, 2]
    assert d["wijkteam"]["signal_to_care_days_mean"] == pytest.approx(25.0)
    assert d["youth"]["signal_to_care_days_p90"] == pytest.approx(17.0)
    assert d["shelter"]["signal_to_care_days_mean"] == pytest.approx(2.0)
    assert math.isnan(d["vt"]["signal_to_care_days_mean"])
    assert math.isnan(d["vt"]["signal_to_care_days_p90"])
    assert d["vt"]["unmet_need_share"] == 1.0
    assert d["shelter"]["unmet_need_share"] == pytest.approx(0.5)
    assert d["youth"]["unmet_need_share"] == 0.0


def test_cost_by_domain(s):
    # as in test_hours_and_cost, each record's euros at its organisation's domain:
    # wijkteam 7.5 h x 100 = 750; youth 36.5 h x 120 = 4380; vt 2 h x 110 = 220 (the
    # intake at 150); shelter 6 h x 90 + 10 days x 200 = 2540
    d = s["by_domain"]
    parts = [d[k]["cost_eur_total"] for k in ("wijkteam", "youth", "vt", "shelter")]
    assert parts == pytest.approx([750.0, 4380.0, 220.0, 2540.0])
    assert sum(parts) == pytest.approx(s["cost_eur_total"])  # 7890


def test_full_cost_by_domain_leaves_governance_to_no_domain():
    # Paid staff on top of the log (FTE x 36 / 7 hours a day, over the window's days after
    # the record): vt 1.4 FTE casework from day 0: 1.4 x 36 / 7 x 100 = 720 h x 110 = 79,200;
    # youth 0.7 FTE overhead from day 150: 0.7 x 36 / 7 x 50 = 180 h x 120 = 21,600; shelter
    # 0.7 FTE casework from day 0: 360 h x 90 = 32,400, plus its 10 planned days x 200 = 2000;
    # a governance month of 10 h at 50 = 500 (no domain's); wijkteam nothing.
    staff = [
        (0, K.STAFFING, -1, -1, -1, -1, 2, 2, 1.4, 0, 1),
        (0, K.STAFFING, -1, -1, -1, -1, 4, 3, 0.7, 0, 1),
        (150, K.STAFFING, -1, -1, -1, -1, 1, 1, 0.7, 1, 1),
        (120, K.GOVERNANCE, -1, -1, -1, -1, 0, 0, 10.0, 3, 7),
    ]
    run_info = RunInfo(**{**info().__dict__, "governance_hourly_cost_eur": 50.0})
    full = summarise(log(ROWS + staff), run_info)
    d = full["by_domain"]
    parts = [d[k]["cost_eur_full"] for k in ("wijkteam", "youth", "vt", "shelter")]
    assert parts == pytest.approx([0.0, 21_600.0, 79_200.0, 34_400.0])
    assert full["cost_eur_governance"] == pytest.approx(500.0)
    assert full["cost_eur_full"] == pytest.approx(135_700.0)  # 135,200 + 500
    assert sum(parts) == pytest.approx(full["cost_eur_full"] - full["cost_eur_governance"])
    # staffing and governance records cost nothing in the cost of care
    assert [d[k]["cost_eur_total"] for k in ("wijkteam", "youth", "vt", "shelter")] == (
        pytest.approx([750.0, 4380.0, 220.0, 2540.0])
    )


def test_littles_law_check(s, monkeypatch):
    # A case is at an org from queued to closed; window [100, 200), 100 days.
    #   org 0: case 2, 105 -> open: 95 days inside, nothing closed in the window
    #   org 1: case 1, 61 -> 150: 50 days inside, closed in the window, stay 89
    #   org 2: case 4, 130 -> 165: 35 and 35;  org 3: case 3, 112 -> 170: 58 and 58
    #   org 4: case 8, 155 -> 165: 10 and 10; case 7, 140 -> 190: 50 and 50; case 6,
    #          182 -> open: 18 inside, not closed.
    # Finite window: L x window = 95, 50, 35, 58, 78 (10 + 50 + 18); cases present 1, 1, 1,
    # 1, 3; their mean time inside 95, 50, 35, 58, 26: lambda W x window = L x window.
    assert s["littles_law_organisations"] == 5
    assert s["littles_law_max_rel_error"] == 0.0
    table = metrics.littles_law(log(ROWS), info())
    assert list(table["cases_present"]) == [1, 1, 1, 1, 3]
    assert list(table["days_inside_mean"]) == [95.0, 50.0, 35.0, 58.0, 26.0]
    np.testing.assert_allclose(table["cases_mean"], [0.95, 0.50, 0.35, 0.58, 0.78])
    # Steady state: no organisation has 300 closed cases
    assert s["littles_law_steady_state_organisations"] == 0
    assert math.isnan(s["littles_law_steady_state_max_rel_error"])
    # lambda W x window with lambda the closed ones and W their whole stay: org 1 89, org 2
    # 35, org 3 58, org 4 10 + 50 = 60. |L - lambda W| / L: org 1 |50 - 89| / 50 = 0.78;
    # orgs 2, 3: 0; org 4 18 / 78
    monkeypatch.setattr(metrics, "LITTLE_MIN_CLOSED", 2)
    two = summarise(log(ROWS), info())
    assert two["littles_law_steady_state_organisations"] == 1  # org 4, the only one with 2
    assert two["littles_law_steady_state_max_rel_error"] == pytest.approx(18 / 78)
    monkeypatch.setattr(metrics, "LITTLE_MIN_CLOSED", 1)
    one = summarise(log(ROWS), info())
    assert one["littles_law_steady_state_organisations"] == 4
    assert one["littles_law_steady_state_max_rel_error"] == pytest.approx(0.78)


def test_area_means():
    t = by_municipality(log(ROWS), info(), 3)
    per_mun = area_means(t, np.arange(3), 3)
    # measured families at home: municipality 0 family 1, 1 families 2 and 3, 2 family 4
    # border crossings (not placements): family 1's two (municipality 0); province: one
    np.testing.assert_allclose(per_mun["border_crossings_per_100_families"], [200.0, 0, 0])
    np.testing.assert_allclose(per_mun["province_crossings_per_100_families"], [100.0, 0, 0])
    # needs in the window by municipality: 0: needs 1, 2 (25 + 17 days), 1: needs 3, 4 (no
    # care), 2: need 5 (2 days)
    np.testing.assert_allclose(per_mun["signal_to_care_days_mean"], [21.0, np.nan, 2.0])
    np.testing.assert_allclose(per_mun["unmet_need_share"], [0.0, 1.0, 0.0])
    # stories: municipality 0 two (family 1), 1 one (family 2), 2 one (family 4)
    np.testing.assert_allclose(per_mun["stories_told_per_family_mean"], [2.0, 0.5, 1.0])
    # all in one area: the run's own figures (2 crossings / 4 families x 100)
    whole = area_means(t, np.zeros(3, dtype=int), 1).iloc[0]
    assert whole["border_crossings_per_100_families"] == pytest.approx(50.0)
    assert whole["signal_to_care_days_mean"] == pytest.approx(44 / 3)
    assert whole["unmet_need_share"] == pytest.approx(2 / 5)
    # two areas, municipalities {0, 1} and {2}: families 1-3 and family 4
    two = area_means(t, np.array([0, 0, 1]), 2)
    np.testing.assert_allclose(two["border_crossings_per_100_families"], [200 / 3, 0.0])
    np.testing.assert_allclose(two["signal_to_care_days_mean"], [21.0, 2.0])  # (25 + 17) / 2
    np.testing.assert_allclose(two["unmet_need_share"], [0.5, 0.0])  # needs 3, 4 of 1-4
    np.testing.assert_allclose(two["stories_told_per_family_mean"], [1.0, 1.0])  # (2 + 1) / 3
    assert outcome("border_crossings_per_100_families").when is When.AREA


# ----------------------------------------------------------------------------- reorganisation
# A reorganised run and its counterfactual, 220 days, the window from day 100; the
# reorganisation at day 20 of the window, so day 120. Both are the same until then: need
# A arises at 110 and has care at 115 (5 days), an intake at 112. Afterwards:
#   counterfactual: need B arises at 130, care at 132 (2 days), intake 131; need D arises
#                   at 150, care at 152 (2 days)
#   reorganised:    need A's case (10, in care) moves to case 11 at 125 and resumes at 128;
#                   case 12 (two needs, queued) moves too; need B has care only at 140
#                   (10 days), intakes at 131 and 141 (again after the move); need D as in
#                   the counterfactual. One-off costs, a contracting gap and a vacancy.
A, B, D, Q1, Q2 = 20, 21, 22, 23, 24  # need ids


def _reorg_rows(reorganised: bool):
    # t    kind              fam need ep case org dom  value det aux
    rows = [
        (110, K.NEED, 10, A, 10, 10, 1, 1, 0.0, 1, 0),
        (112, K.INTAKE, 10, -1, 10, 10, 1, 1, 1.0, 1, 0),
        (115, K.CARE_START, 10, A, 10, 10, 1, 1, 0.0, 0, 0),
        (130, K.NEED, 11, B, 11, 13, 1, 1, 0.0, 1, 0),
        (131, K.INTAKE, 11, -1, 11, 13, 1, 1, 1.0, 1, 0),
        (150, K.NEED, 12, D, 12, 14, 1, 1, 0.0, 1, 0),
        (152, K.CARE_START, 12, D, 12, 14, 1, 1, 0.0, 0, 0),
    ]
    if not reorganised:
        return rows + [(132, K.CARE_START, 11, B, 11, 13, 1, 1, 0.0, 0, 0)]
    # fmt: off
    return rows + [
        (120, K.TRANSITION_COST, -1, -1, -1, -1, 3, 1, 5000.0, TransitionItem.ORGANISATION_CREATED, 1),
        (120, K.TRANSITION_COST, -1, -1, -1, -1, 3, 1, 3000.0, TransitionItem.PROFESSIONALS_MOVED, 4),
        (120, K.TRANSITION_COST, -1, -1, -1, -1, 1, 1, 0.0, TransitionItem.LEAVERS, 1),
        (121, K.TRANSITION_HOURS, -1, -1, -1, -1, 1, 1, 10.0, LossReason.CONTRACTING_GAP, 1),  # paid
        (122, K.TRANSITION_HOURS, -1, -1, -1, -1, 1, 1, 6.0, LossReason.VACANCY, 0),  # not paid
        (125, K.TRANSFER, 10, A, 10, 11, 3, 1, 10.0, 1, CasePhase.CARE),
        (125, K.TRANSFER, 13, Q1, 13, 12, 3, 1, 12.0, 1, CasePhase.QUEUED),
        (125, K.TRANSFER, 13, Q2, 13, 12, 3, 1, 12.0, 1, CasePhase.QUEUED),
        (128, K.CARE_RESUMED, 10, A, 10, 11, 3, 1, 3.0, 0, 0),
        (140, K.CARE_START, 11, B, 11, 13, 1, 1, 0.0, 0, 0),
        (141, K.INTAKE, 11, -1, 11, 13, 1, 1, 1.0, 1, 0),
    ]
    # fmt: on


def test_reorganisation_figures():
    scenario = load_scenario(DATA / "tiny.toml").replace(
        warmup_days=100,
        reorganisation=[{"at_day": 20, "scheme": "centralised"}],
        **{"recovery.window_days": 30, "recovery.confirm_days": 12},
    )
    i = info(100.0, 220.0)
    run, cf = log(_reorg_rows(True)), log(_reorg_rows(False))
    s = summarise(run, i)
    series = metrics.timeseries(run, i)
    measure(scenario, 1, run, i, s, series, pair=False)  # as run_scenarios pairs them
    s.update(paired_figures(profile(run, i), profile(cf, i), scenario))

    # 5000 + 3000 + 0 one-off, and 10 paid hours x 120 (youth, org 1); the vacancy is unpaid
    assert s["reorganisation_cost_eur"] == pytest.approx(9200.0)
    assert s["reorganisation_hours_lost"] == pytest.approx(16.0)  # 10 + 6
    assert s["reorganisation_cases_transferred"] == 2  # cases 10 and 12 (12 for two needs)
    # intakes from day 120: reorganised 131 and 141, counterfactual 131
    assert s["reorganisation_extra_intakes"] == 1
    # waiting from day 120: reorganised B 130-140 (10) + A's interrupted care 125-128 (3)
    # + D 150-152 (2) = 15; counterfactual B 130-132 (2) + D (2) = 4
    assert s["reorganisation_extra_wait_days"] == pytest.approx(11.0)
    # Rolling delay over the needs that came to light in the 30 days up to each day, judged
    # on days 120 to 189 (220 - 30): 120-129 only A (5 and 5): within; 130-139 A and B
    # (7.5 against 3.5) and 140-159 B, or B and D (10 or 6 against 2): outside; from 160
    # only D (2 and 2), and from 180 nobody in either: within through 189. The first 12 days
    # in a row within start at day 160, 40 days after the reorganisation (the 10 days from
    # 120 are too few).
    assert s["recovery_days"] == 40.0
    assert s["reorganisation_recovered"] == 1
    # care hours: the intakes in the window, 3 x 1 h x 120 (youth) = 360
    assert s["cost_eur_incl_reorganisation"] == pytest.approx(360.0 + 9200.0)
    r = s["reorganisation"]
    assert r["days"] == [20]
    assert (r["organisations_created"], r["organisations_dissolved"]) == (1, 0)
    assert (r["professionals_moved"], r["leavers"]) == (4, 1)
    assert r["cases_transferred_in_care"] == 1  # case 10
    assert r["cost_eur_by_item"]["organisation_created"] == 5000.0
    assert r["cases_transferred_in_care"] == 1  # case 10, in care; case 12 was queued
    # one more case in care, moved with two needs: 2 cases in care, 3 cases in all
    more = log([*_reorg_rows(True),
                (126, K.TRANSFER, 14, 30, 14, 15, 3, 1, 14.0, 1, CasePhase.CARE),
                (126, K.TRANSFER, 14, 31, 14, 15, 3, 1, 14.0, 1, CasePhase.CARE)])  # fmt: skip
    figures = own_figures(more, i, scenario)
    assert figures["reorganisation"]["cases_transferred_in_care"] == 2
    assert figures["reorganisation_cases_transferred"] == 3
    assert r["cost_eur_by_item"]["professionals_moved"] == 3000.0
    assert r["hours_lost_by_reason"] == pytest.approx(
        {"contracting_gap": 10.0, "vacancy": 6.0, "learning": 0.0, "training": 0.0, "transfer": 0.0}
    )


def test_scheme_figures_by_hand():
    """Paid staff, the sister-team share, familiarity, rule books and governance.

    Staff (FTE x 36 / 7 hours a day over the window's days after the record, end day 200):
      vt (org 2) casework 1.4 from day 0 (1 rule book), + 0.1 from day 160 (now 3 rule
        books: the last record counts): 720 + 0.1 x 36/7 x 40 = 740.571 h at EUR 110
      shelter (org 4) casework 0.7 from 0: 360 h at EUR 90; + 0.7 on the last day: 0 h
      youth (org 3) casework 0.7 from 0 and -0.7 from 170 (5 rule books): 360 - 108 = 252 h
        at EUR 120; no longer paid at the end, so not counted for rule books
      youth (org 1) overhead 0.7 from 150: 180 h at EUR 120
    casework 1,352.571 h, overhead 180 h. Booked hours: the hand log's 52 + 2 h of
    administration on day 100 (the window's first day) + 0.01 h (EUR 1) on day 101.
    Idle share 1 - 54.01 / 1,352.571. Rule books of the organisations paid at the end:
    vt 3, shelter 1: mean 2.
    Assigned in the window: five of the hand log and one by a sister team: 1/6.
    Handovers received in the window: the log's three at familiarity 0 and one at 0.6 into
    another rule book and to a specialist: familiarity 0.15, crossings 1/4, specialised 1.
    Governance: body 7 with 10 h on day 100 and 6 h on day 150, body 8 with 4 h on day
    150: 20 h at EUR 50; 2 bodies in the last month.
    Full cost: 740.571 x 110 + 360 x 90 + 252 x 120 + 180 x 120 + 10 shelter days x 200
    + 20 x 50 = 81,462.857 + 32,400 + 30,240 + 21,600 + 2,000 + 1,000 = 168,702.857.
    """
    cw, oh = StaffRole.CASEWORK, StaffRole.OVERHEAD
    extra = [
        (0, K.STAFFING, -1, -1, -1, -1, 2, 2, 1.4, cw, 1),
        (160, K.STAFFING, -1, -1, -1, -1, 2, 2, 0.1, cw, 3),
        (0, K.STAFFING, -1, -1, -1, -1, 4, 3, 0.7, cw, 1),
        (200, K.STAFFING, -1, -1, -1, -1, 4, 3, 0.7, cw, 1),
        (0, K.STAFFING, -1, -1, -1, -1, 3, 1, 0.7, cw, 5),
        (170, K.STAFFING, -1, -1, -1, -1, 3, 1, -0.7, cw, 5),
        (150, K.STAFFING, -1, -1, -1, -1, 1, 1, 0.7, oh, 1),
        (100, K.ADMIN, 1, -1, 1, 2, 0, 0, 2.0, 0, 0),
        (101, K.ADMIN, 1, -1, 1, 2, 0, 0, 0.01, 0, 0),
        (130, K.ASSIGNED, 1, -1, 1, 9, 3, 1, 3.0, 0, 1),
        (113, K.HANDOVER_RECEIVED, 1, -1, 1, 9, 3, 1, 0.6, 0,
         HandoverFlag.RULE_BOOK | HandoverFlag.SPECIALIST),
        (100, K.GOVERNANCE, -1, -1, -1, -1, 0, 0, 10.0, 3, 7),
        (150, K.GOVERNANCE, -1, -1, -1, -1, 0, 0, 6.0, 3, 7),
        (150, K.GOVERNANCE, -1, -1, -1, -1, 0, 0, 4.0, 2, 8),
    ]  # fmt: skip
    run_info = RunInfo(**{**info().__dict__, "governance_hourly_cost_eur": 50.0})
    s = summarise(log(ROWS + extra), run_info)
    casework = 720 + 0.1 * 36 / 7 * 40 + 360 + 252
    assert s["paid_hours_casework"] == pytest.approx(casework)
    assert s["paid_hours_overhead"] == pytest.approx(180.0)
    assert s["hours_total"] == pytest.approx(54.01)
    assert s["idle_hours_share"] == pytest.approx(1 - 54.01 / casework)
    assert s["rule_books_per_organisation_mean"] == pytest.approx(2.0)
    assert s["sister_team_share"] == pytest.approx(1 / 6)
    assert s["familiarity_at_handover_mean"] == pytest.approx(0.15)
    assert s["rule_book_crossing_share"] == pytest.approx(0.25)
    assert s["specialised_handovers"] == 1
    assert s["hours_governance"] == pytest.approx(20.0)
    assert s["cost_eur_governance"] == pytest.approx(1000.0)
    assert s["governance_bodies"] == 2
    full = (720 + 0.1 * 36 / 7 * 40) * 110 + 360 * 90 + 252 * 120 + 180 * 120 + 2000 + 1000
    assert s["cost_eur_full"] == pytest.approx(full)
    # the cost of care by domain: the hand log's, plus wijkteam's 2.01 h (EUR 201)
    d = s["by_domain"]
    assert [d[k]["cost_eur_total"] for k in ("wijkteam", "youth", "vt", "shelter")] == (
        pytest.approx([951.0, 4380.0, 220.0, 2540.0])
    )


def test_scheme_figures_without_anything_to_measure_are_not_numbers():
    """No staff, no first contact, no handover: the shares and means are NaN, not 0."""
    s = metrics.scheme_figures(log([(150, K.SIGNAL, 0, -1, 0, 0, 0, 0, 0.0, 0, 0)]), info(), 0.0)
    for name in ("idle_hours_share", "sister_team_share", "familiarity_at_handover_mean",
                 "rule_book_crossing_share", "rule_books_per_organisation_mean"):  # fmt: skip
        assert math.isnan(s[name]), name
    assert s["paid_hours_casework"] == 0 and s["governance_bodies"] == 0
