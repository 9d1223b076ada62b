"""Every cost item of a case recounted from the scenario's parameters.

One youth-care case and one shelter stay, on a stub world around a real organisation: the
records the care process writes (intake, registration, care, reporting, coordination,
travel, shelter days) must hold the hours and days the parameters give by hand, and
`row_cost_eur` must price them at the domain's hourly and day cost. (How the log's records
add up to the declared cost outcomes is checked by hand in test_outcomes_by_hand.py.)

The parameters, all set here:
    youth: care 4 h a week for 10 weeks (deterministic), reporting 10 % of care, intake 3 h
    (short 1 h), registration 2 h, 1 home visit a week, EUR 100 an hour
    shelter: 2 h a week for 3 weeks, EUR 90 an hour and EUR 150 a day
    coordination 0.5 h per other organisation per week, x 1.5 across a region border;
    travel at 30 km/h; the family lives 12 km from the team's seat
"""

from __future__ import annotations

from types import SimpleNamespace

import mesa
import numpy as np
import pytest

from model.agents.organisations import Organisation
from model.processes.care import Care
from model.records.events import RECORD, AdminReason, HandoverFlag, Kind
from model.records.metrics import RunInfo, row_cost_eur
from model.scenario import load_scenario
from model.vocabulary import DOMAINS, SHELTER, YOUTH, IntakeKind, NeedState
from tests.conftest import DATA

# Hands the handlers stand-in objects: runs on the Python source (tests/conftest.py).
pytestmark = pytest.mark.pure_python

PARAMS = {
    "domains.youth.care_hours_per_week": 4.0,
    "domains.youth.care_weeks_mean": [10.0, 10.0, 10.0],
    "domains.youth.care_distribution": "deterministic",
    "domains.youth.care_admin_share": 0.10,
    "domains.youth.intake_hours": 3.0,
    "domains.youth.short_intake_hours": 1.0,
    "domains.youth.registration_admin_hours": 2.0,
    "domains.youth.visits_per_week": 1.0,
    "domains.youth.hourly_cost_eur": 100.0,
    "domains.shelter.care_hours_per_week": 2.0,
    "domains.shelter.care_weeks_mean": [3.0, 3.0, 3.0],
    "domains.shelter.care_distribution": "deterministic",
    "domains.shelter.care_admin_share": 0.0,
    "domains.shelter.visits_per_week": 0.0,
    "domains.shelter.hourly_cost_eur": 90.0,
    "domains.shelter.day_cost_eur": 150.0,
    "workforce.coordination_hours_per_org_week": 0.5,
    "workforce.coordination_border_factor": 1.5,
    "workforce.travel_speed_kmh": 30.0,
}
KM = 12.0


class World:
    def __init__(self, sc):
        self.scenario = sc
        self.protocol = sc.active_protocol
        self.rows: list[tuple[float, Kind, dict]] = []
        self.log = self
        self.scheduled: list[tuple[float, object]] = []
        self.need_states = [10, 10, 10, 10]
        self.orgs = []
        crossing = {(0, 2): int(HandoverFlag.REGION_BORDER)}
        self.handovers = SimpleNamespace(border=lambda a, b: crossing.get((a.oid, b.oid), 0),
                                         learn=lambda *a: None)  # fmt: skip

    def case_record(self, t, kind, case, **fields):
        self.rows.append((t, kind, {"org": case.org.oid, **fields}))

    def schedule(self, t, handler, obj):
        self.scheduled.append((t, obj))

    def distance_km(self, municipality, seat):
        return KM


def organisation(sc, oid, domain):
    o = Organisation(mesa.Model(), oid, domain, 0, f"R{oid}", f"org {oid}", np.array([0]), 0, 0)
    o.set_work(sc.domains[DOMAINS[domain]], preventive_hours=0.0)
    return o


def case_at(o, needs, open_elsewhere=()):
    """A case at o, for a family with two cases open at each of `open_elsewhere` (an
    organisation counts once, however many of the family's cases it has)."""
    fam = SimpleNamespace(municipality=0, open_cases=[])
    team = SimpleNamespace(travel_per_week={}, seat=0)
    case = SimpleNamespace(org=o, family=fam, team=team, own=needs, needs=needs,
                           phase=None, id=1)  # fmt: skip
    fam.open_cases.append(case)
    for oid in open_elsewhere:
        fam.open_cases += [SimpleNamespace(org=SimpleNamespace(oid=oid)) for _ in range(2)]
    return case


def need(i, severity=2):
    return SimpleNamespace(id=i, severity=severity, preventive=False, care_length_quantile=0.5,
                           care_length_normal_score=0.0, state=NeedState.WAITING, domain=YOUTH,
                           faces=0, stories=0)  # fmt: skip


@pytest.fixture
def world():
    sc = load_scenario(DATA / "tiny.toml", PARAMS)
    w = World(sc)
    w.orgs = [organisation(sc, 0, YOUTH), organisation(sc, 1, YOUTH), organisation(sc, 2, YOUTH),
              organisation(sc, 3, SHELTER)]  # fmt: skip
    return w


def by_kind(rows, kind):
    return [f for _, k, f in rows if k == kind]


def test_care_reporting_coordination_and_travel_of_a_youth_case(world):
    """Two needs, 10 weeks at 4 h: 40 h of care, of which 10 % reporting (4 h), the other
    36 h split over the needs (18 h each, 70 days). Two other organisations, one across a
    region border: 0.5 x 2 x 10 x 1.5 = 15 h coordination. One visit a week, 2 x 12 km at
    30 km/h: 0.8 h a week, 8 h. The stay: 70 days + (15 + 8) h x 7/4 days an hour."""
    care = Care(world)
    case = case_at(world.orgs[0], [need(1), need(2)], open_elsewhere=(1, 2))
    care.start_care(50.0, case)
    starts = by_kind(world.rows, Kind.CARE_START)
    assert [(f["need"], f["value"], f["aux"]) for f in starts] == [(1, 18.0, 70), (2, 18.0, 70)]
    (reporting,) = by_kind(world.rows, Kind.ADMIN)
    assert reporting["value"] == pytest.approx(4.0)
    assert reporting["detail"] == AdminReason.REPORTING
    (coordination,) = by_kind(world.rows, Kind.COORDINATION)
    assert (coordination["value"], coordination["detail"]) == (pytest.approx(15.0), 2)
    (travel,) = by_kind(world.rows, Kind.TRAVEL)
    assert travel["value"] == pytest.approx(8.0)
    ((end, _),) = world.scheduled
    assert end == pytest.approx(50.0 + 70.0 + 23.0 * 7 / 4)
    # priced: (36 + 4 + 15 + 8) h x EUR 100 = EUR 6,300; youth care has no day cost
    assert cost(world) == pytest.approx(6300.0)


def test_coordination_without_a_border_and_without_partners(world):
    """Only organisation 1, no border: 0.5 x 1 x 10 = 5 h, times a protocol's coordination
    factor (2 here: 10 h); alone: none at all."""
    care = Care(world)
    care.start_care(0.0, case_at(world.orgs[0], [need(1)], open_elsewhere=(1,)))
    assert [f["value"] for f in by_kind(world.rows, Kind.COORDINATION)] == [pytest.approx(5.0)]
    world.rows.clear()
    world.protocol = world.scenario.replace(
        **{"protocols.referral.coordination_factor": 2.0}
    ).active_protocol
    care.start_care(0.0, case_at(world.orgs[0], [need(1)], open_elsewhere=(1,)))
    assert [f["value"] for f in by_kind(world.rows, Kind.COORDINATION)] == [pytest.approx(10.0)]
    world.rows.clear()
    care.start_care(0.0, case_at(world.orgs[0], [need(1)]))
    assert by_kind(world.rows, Kind.COORDINATION) == []


def test_a_shelter_stay_costs_its_days(world):
    """3 weeks at 2 h: 6 h of care and 21 days: 6 x 90 + 21 x 150 = EUR 3,690."""
    care = Care(world)
    care.start_care(0.0, case_at(world.orgs[3], [need(1, severity=3)]))
    (start,) = by_kind(world.rows, Kind.CARE_START)
    assert (start["value"], start["aux"]) == (pytest.approx(6.0), 21)
    assert by_kind(world.rows, Kind.TRAVEL) == [] and by_kind(world.rows, Kind.ADMIN) == []
    assert cost(world) == pytest.approx(6 * 90.0 + 21 * 150.0)


@pytest.mark.parametrize(
    "kind, intake, registration",
    [(IntakeKind.FULL, 3.0, 2.0), (IntakeKind.SHORT, 1.0, 2.0), (IntakeKind.NONE, 0.0, 0.0)],
)
def test_an_intake_and_its_registration(world, kind, intake, registration):
    """A full intake 3 h, a short one 1 h, each with 2 h of registration; none: nothing.
    The intake ends (3 + 2) x 7/4 days later; priced at EUR 100 an hour."""
    world.scenario = world.scenario.replace(**{"families.dropout_max_share": 0.0})
    care = Care(world)
    case = case_at(world.orgs[0], [need(1)])
    case.needs[0].arose = 0.0
    case.sender, case.resume_days, case.queued_at = None, -1.0, 0.0
    case.intake_kind, case.info_lost = kind, False
    case.team = SimpleNamespace(travel_per_week={}, seat=0)
    world.orgs[0].team_for = lambda fam: case.team
    done = []
    care.on_intake_done = lambda t, c: done.append(t)
    care.assign(10.0, case, SimpleNamespace(pid=1))
    intakes = by_kind(world.rows, Kind.INTAKE)
    admin = by_kind(world.rows, Kind.ADMIN)
    assert [f["value"] for f in intakes] == ([intake] if intake else [])
    if intake:
        assert intakes[0]["detail"] == (kind == IntakeKind.FULL)  # the story told
    assert [f["value"] for f in admin] == ([registration] if registration else [])
    if intake + registration:
        assert world.scheduled[0][0] == pytest.approx(10.0 + (intake + registration) * 7 / 4)
    else:
        assert done == [10.0]
    assert cost(world) == pytest.approx((intake + registration) * 100.0)


def cost(world) -> float:
    """The captured records through `row_cost_eur`, with the scenario's prices."""
    rows = np.zeros(len(world.rows), dtype=RECORD)
    for i, (t, kind, f) in enumerate(world.rows):
        rows[i]["time"], rows[i]["kind"], rows[i]["org"] = t, kind, f["org"]
        rows[i]["value"], rows[i]["aux"] = f.get("value", 0.0), f.get("aux", 0)
    c = {name: rows[name] for name in RECORD.names}
    sc = world.scenario
    info = RunInfo(measure_from=0.0, end_day=1000.0,
                   org_domain=np.array([o.domain for o in world.orgs]),
                   org_region=np.array([o.code for o in world.orgs], dtype=object),
                   hourly_cost_eur=np.array([sc.domains[d].hourly_cost_eur for d in DOMAINS]),
                   day_cost_eur=np.array([sc.domains[d].day_cost_eur for d in DOMAINS]),
                   fte_total=1.0)  # fmt: skip
    return float(row_cost_eur(c, info).sum())


def test_less_than_an_hour_is_recorded_too(world):
    """One week of care at 4 h: reporting 0.4 h, coordination with one partner 0.5 h,
    travel 1 visit x 2 x 12 km / 30 km/h = 0.8 h: each under an hour, each recorded."""
    sc = world.scenario.replace(**{"domains.youth.care_weeks_mean": [1.0, 1.0, 1.0]})
    world.scenario = sc
    world.orgs[0] = organisation(sc, 0, YOUTH)
    Care(world).start_care(0.0, case_at(world.orgs[0], [need(1)], open_elsewhere=(1,)))
    assert [f["value"] for f in by_kind(world.rows, Kind.ADMIN)] == [pytest.approx(0.4)]
    assert [f["value"] for f in by_kind(world.rows, Kind.COORDINATION)] == [pytest.approx(0.5)]
    assert [f["value"] for f in by_kind(world.rows, Kind.TRAVEL)] == [pytest.approx(0.8)]
