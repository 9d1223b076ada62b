"""Every friction of a handover, one at a time, against the value worked out by hand.

The handover process is driven directly on a stub world (the narrow `Model` interface of
`processes/interface.py`): two or three organisations whose catchments and provinces are
chosen, a sender whose professional knows the receiver as well as the test says, and the
scenario's parameters set so that only the friction under test acts. Each expected value
is computed in the test from the parameters (the formulas of docs/model.md, "Signals,
triage and handover"), never by calling the code under test. Latencies are gamma draws
with the hand value as their mean, so means are checked within 3.9 standard errors;
information loss is a Bernoulli draw, checked within its binomial 99.99 % interval.
"""

from __future__ import annotations

import itertools
import math
from types import SimpleNamespace

import numpy as np
import pytest
from scipy import stats

from model.processes.handover import Handovers
from model.records.events import HandoverFlag, Kind
from model.scenario import load_scenario
from model.vocabulary import SHELTER, VT, WIJKTEAM, YOUTH, CasePhase, IntakeKind
from tests.conftest import DATA

# Hands the handlers stand-in objects: runs on the Python source (tests/conftest.py).
pytestmark = pytest.mark.pure_python

N = 4000  # handovers per setting
HOME = 4  # every family's municipality

# Only the friction under test acts: every other latency, loss and cost is zero.
QUIET = {
    "protocols.referral.transfer_latency_days": 10.0,
    "protocols.referral.municipal_decision": False,
    "protocols.referral.sender_admin_hours": 0.0,
    "protocols.referral.joint_contact_hours": 0.0,
    "handover.latency_shape": 4.0,
    "handover.region_border_latency_days": 0.0,
    "handover.province_border_latency_days": 0.0,
    "handover.region_border_info_loss_prob": 0.0,
    "handover.province_border_info_loss_prob": 0.0,
    "handover.info_loss_prob": 0.0,
    "handover.rule_book_info_loss_prob": 0.0,
    "handover.rule_book_crossing_admin_hours": 0.0,
    "handover.specialised_latency_days": 0.0,
    "handover.familiarity_cases_scale": 5.0,
    "handover.familiarity_latency_effect": 0.5,
    "handover.boundary_spanner_familiarity": 0.6,
    "workforce.turnover_per_year": 0.11,
}


def scenario(**changes):
    return load_scenario(DATA / "tiny.toml", {**QUIET, **changes})


def org(oid, domain, catchment, province=0, specialist=False):
    return SimpleNamespace(
        oid=oid, domain=domain, catchment_set=frozenset(catchment), province=province,
        specialist=specialist, buys_specialised=False, team_for=lambda family: None,
        column_cfgs={},
    )  # fmt: skip


class Log:
    def __init__(self):
        self.rows = []

    def record(self, t, kind, **fields):
        self.rows.append((kind, fields))

    def case_record(self, t, kind, case, **fields):
        self.rows.append((kind, fields))

    def need_record(self, t, kind, need, **fields):
        self.rows.append((kind, fields))


class World:
    """What `Handovers` asks of the model, and nothing more."""

    def __init__(self, sc, serving, books=None, seed=1):
        self.scenario = sc
        self.rng = np.random.default_rng(seed)
        self.log = Log()
        self._serving = serving  # domain -> organisation serving every municipality
        self.books = books or {}
        self.arrivals: list[tuple[float, object]] = []
        self._ids = itertools.count()
        self.elsewhere = None
        self.specialist_org = None

    def new_id(self, what):
        return next(self._ids)

    def serving(self, domain, municipality):
        assert municipality == HOME, "asked about another municipality than the family's"
        return self._serving[domain]

    def shelter_elsewhere(self, municipality):
        return self.elsewhere

    def specialist(self, domain):
        return self.specialist_org

    def book_of(self, o, municipality):
        assert municipality == HOME, "asked about another municipality than the family's"
        return self.books.get(o.oid, 0)

    def schedule(self, t, handler, obj):
        self.arrivals.append((t, obj))


def professional(pid=1, spanner=False):
    return SimpleNamespace(pid=pid, boundary_spanner=spanner)


def send_many(world, sender_org, receiver, prof=None, n=N, t=0.0, handovers=None, owed=0.0):
    """n handovers of one need each, every one from a family of its own (a second handover
    of the same family would join the first case), through `handovers` (a fresh process by
    default) from senders that already owe `owed` hours: the latencies, the receiving cases
    and the senders."""
    h = handovers or Handovers(world)
    prof = prof or professional()
    senders = []
    for i in range(n):
        fam = SimpleNamespace(id=i, municipality=HOME, open_cases=[])
        need = SimpleNamespace(id=i, severity=2, domain=receiver.domain)
        sender = SimpleNamespace(family=fam, org=sender_org, professional=prof, episode=i,
                                 extra_hours=owed)  # fmt: skip
        h.send(t, sender, [need], receiver)
        senders.append(sender)
    latencies = np.array([at - t for at, _ in world.arrivals])
    received = [c for _, c in world.arrivals]
    return latencies, received, senders


def assert_mean(latencies, expected, shape=4.0):
    """A gamma draw with mean L and shape k has standard deviation L / sqrt(k)."""
    se = expected / math.sqrt(shape) / math.sqrt(len(latencies))
    assert abs(latencies.mean() - expected) < 3.9 * se, (latencies.mean(), expected)


def assert_rate(hits, n, p):
    lo, hi = stats.binom.interval(0.9999, n, p)
    assert lo <= hits <= hi, (hits, n, p)


# ----------------------------------------------------------------------------- latency
@pytest.mark.parametrize(
    "catchments, provinces, region_days, province_days, expected, flags",
    [
        # nested catchments, one province: the transfer latency alone
        (({0, 1}, {0, 1, 2}), (0, 0), 6.0, 9.0, 10.0, 0),
        # catchments that do not nest: + the region border's 6 days
        (({0, 1}, {1, 2}), (0, 0), 6.0, 9.0, 16.0, HandoverFlag.REGION_BORDER),
        # nested, but in another province: + 9 days
        (({0, 1}, {0, 1, 2}), (0, 1), 6.0, 9.0, 19.0, HandoverFlag.PROVINCE_BORDER),
        # both borders: 10 + 6 + 9
        (({0, 1}, {1, 2}), (0, 1), 6.0, 9.0, 25.0,
         HandoverFlag.REGION_BORDER | HandoverFlag.PROVINCE_BORDER),
    ],
)  # fmt: skip
def test_latency_adds_each_border_crossed(catchments, provinces, region_days, province_days,
                                          expected, flags):  # fmt: skip
    sc = scenario(**{"handover.region_border_latency_days": region_days,
                     "handover.province_border_latency_days": province_days})  # fmt: skip
    a = org(0, WIJKTEAM, catchments[0], provinces[0])
    b = org(1, VT, catchments[1], provinces[1])
    world = World(sc, {VT: b})
    lat, received, _ = send_many(world, a, b)
    assert_mean(lat, expected)
    assert {c.border for c in received} == {int(flags)}


def test_familiarity_softens_the_transfer_by_half_and_a_border_wholly():
    """A boundary spanner knows every organisation at 0.6: the transfer latency shrinks by
    the effect 0.5 x 0.6 and the region border's 6 days by 0.6:
    10 (1 - 0.3) + 6 (1 - 0.6) = 7 + 2.4 = 9.4 days (without the spanner: 16)."""
    sc = scenario(**{"handover.region_border_latency_days": 6.0})
    a, b = org(0, WIJKTEAM, {0, 1}), org(1, VT, {1, 2})
    lat, received, _ = send_many(World(sc, {VT: b}), a, b, professional(spanner=True))
    assert_mean(lat, 9.4)
    assert {c.familiarity for c in received} == {0.6}


def test_familiarity_softens_a_province_border_wholly_too():
    """Nested catchments in two provinces, a spanner at 0.6: 10 (1 - 0.3) + 9 (1 - 0.6)
    = 10.6 days (without the spanner: 19)."""
    sc = scenario(**{"handover.province_border_latency_days": 9.0})
    a, b = org(0, WIJKTEAM, {0, 1}, 0), org(1, VT, {0, 1, 2}, 1)
    lat, _, _ = send_many(World(sc, {VT: b}), a, b, professional(spanner=True))
    assert_mean(lat, 10.6)


def test_familiarity_grows_with_joint_cases_and_fades_with_turnover():
    """Five joint cases at a scale of 5 give f = 1 - e^-1 = 0.632. A year later, with 11 %
    of colleagues gone, 5 x 0.89 = 4.45 cases are remembered: f = 1 - e^-0.89 = 0.589.
    The transfer latency then is 10 (1 - 0.5 f)."""
    sc = scenario()
    a, b = org(0, WIJKTEAM, {0, 1}), org(1, VT, {0, 1, 2})
    prof = professional(pid=7)
    for t, f in ((0.0, 1 - math.exp(-1.0)), (365.0, 1 - math.exp(-0.89))):
        world = World(sc, {VT: b})
        h = Handovers(world)
        h.joint[(7, 1)] = (5.0, 0.0)
        assert h.familiarity(t, prof, b) == pytest.approx(f, rel=1e-9)
        # a spanner's floor of 0.6 lifts the thinner one only
        assert h.familiarity(t, professional(7, spanner=True), b) == pytest.approx(max(f, 0.6))
    world = World(sc, {VT: b})
    h = Handovers(world)
    h.joint[(7, 1)] = (5.0, 0.0)
    lat, _, _ = send_many(world, a, b, prof, handovers=h)
    assert_mean(lat, 10 * (1 - 0.5 * (1 - math.exp(-1.0))))


def test_a_joint_case_teaches_both_sides_once():
    """After one joint case the sender (professional 10, of organisation 0) knows the
    receiving organisation 1 as 1 case, and the receiver (professional 20) organisation 0:
    f = 1 - e^(-1/5) = 0.181 each way; a second adds one more. A reorganisation forgets
    what the professionals it moves knew, and what anyone knew of the organisations it
    dissolves."""
    sc = scenario()
    a, b = org(0, WIJKTEAM, {0}), org(1, VT, {0})
    h = Handovers(World(sc, {VT: b}))
    sender_prof, receiver_prof = professional(10), professional(20)
    sender = SimpleNamespace(org=a, professional=sender_prof)
    case = SimpleNamespace(sender=sender, org=b)
    h.learn(10.0, case, receiver_prof)
    assert h.familiarity(10.0, sender_prof, b) == pytest.approx(1 - math.exp(-0.2))
    assert h.familiarity(10.0, receiver_prof, a) == pytest.approx(1 - math.exp(-0.2))
    assert h.familiarity(10.0, receiver_prof, b) == 0.0
    h.learn(10.0, case, receiver_prof)
    assert h.familiarity(10.0, sender_prof, b) == pytest.approx(1 - math.exp(-0.4))
    # a case that came from no one, or from no professional, teaches nothing
    h.learn(10.0, SimpleNamespace(sender=None, org=b), receiver_prof)
    h.learn(10.0, SimpleNamespace(sender=SimpleNamespace(org=a, professional=None), org=b),
            receiver_prof)  # fmt: skip
    assert h.familiarity(10.0, receiver_prof, a) == pytest.approx(1 - math.exp(-0.4))
    h.forget(pids={10})
    assert h.familiarity(10.0, sender_prof, b) == 0.0
    assert h.familiarity(10.0, receiver_prof, a) == pytest.approx(1 - math.exp(-0.4))
    h.learn(10.0, case, receiver_prof)
    h.forget(oids={0})  # organisation 0 dissolved: nobody knows it any more
    assert h.familiarity(10.0, receiver_prof, a) == 0.0
    assert h.familiarity(10.0, sender_prof, b) == pytest.approx(1 - math.exp(-0.2))


def test_the_municipal_decision_and_a_specialist_add_their_own_days():
    """Into youth care with the municipality deciding: 10 + 14 (decision_latency_days);
    to a supra-regional specialist: + specialised_latency_days 20; to Veilig Thuis neither."""
    sc = scenario(**{"protocols.referral.municipal_decision": True,
                     "domains.youth.decision_latency_days": 14.0,
                     "handover.specialised_latency_days": 20.0})  # fmt: skip
    a = org(0, WIJKTEAM, {0, 1})
    youth = org(1, YOUTH, {0, 1, 2})
    lat, received, _ = send_many(World(sc, {YOUTH: youth}), a, youth)
    assert_mean(lat, 24.0)
    vt = org(2, VT, {0, 1, 2})
    lat, _, _ = send_many(World(sc, {VT: vt}), a, vt)
    assert_mean(lat, 10.0)
    spec = org(3, YOUTH, {0, 1, 2}, specialist=True)
    world = World(sc, {YOUTH: youth})
    lat, received, _ = send_many(world, a, spec)
    assert_mean(lat, 10 + 14 + 20)
    # the specialist is not the family's serving organisation: placed elsewhere too
    assert {c.border for c in received} == {
        int(HandoverFlag.SPECIALIST | HandoverFlag.PLACED_ELSEWHERE)
    }
    # one whose catchment does not nest with the sender's: the border is kept as well
    far = org(4, YOUTH, {2, 3}, specialist=True)
    _, received, _ = send_many(World(sc, {YOUTH: youth}), a, far, n=5)
    assert {c.border for c in received} == {
        int(HandoverFlag.SPECIALIST | HandoverFlag.PLACED_ELSEWHERE | HandoverFlag.REGION_BORDER)
    }


# ----------------------------------------------------------------------------- information loss
@pytest.mark.parametrize(
    "books, catchments, provinces, spanner, p",
    [
        ((0, 0), ({0}, {0}), (0, 0), False, 0.10),  # any handover: 0.10
        ((0, 1), ({0}, {0}), (0, 0), False, 0.25),  # + another rule book 0.15
        ((0, 1), ({0, 1}, {1, 2}), (0, 1), False, 0.40),  # + region 0.05 + province 0.10
        ((0, 1), ({0, 1}, {1, 2}), (0, 1), True, 0.40 * (1 - 0.6)),  # a spanner: x (1 - f)
    ],
)
def test_information_is_lost_at_the_summed_rate_less_familiarity(books, catchments, provinces,
                                                                 spanner, p):  # fmt: skip
    sc = scenario(**{"protocol": "warm", "protocols.warm.transfer_latency_days": 1.0,
                     "protocols.warm.sender_admin_hours": 0.0,
                     "protocols.warm.joint_contact_hours": 0.0,
                     "handover.info_loss_prob": 0.10, "handover.rule_book_info_loss_prob": 0.15,
                     "handover.region_border_info_loss_prob": 0.05,
                     "handover.province_border_info_loss_prob": 0.10})  # fmt: skip
    a = org(0, WIJKTEAM, catchments[0], provinces[0])
    b = org(1, VT, catchments[1], provinces[1])
    world = World(sc, {VT: b}, books={0: books[0], 1: books[1]})
    _, received, _ = send_many(world, a, b, professional(spanner=spanner))
    lost = sum(c.info_lost for c in received)
    assert_rate(lost, N, p)
    # lost information means the family tells its story again; otherwise the warm short intake
    assert all((c.intake_kind == IntakeKind.FULL) == c.info_lost for c in received)
    assert any(c.intake_kind == IntakeKind.SHORT for c in received)
    crossing = books[0] != books[1]
    assert all(bool(c.border & HandoverFlag.RULE_BOOK) == crossing for c in received)


def test_the_loss_chance_is_capped_at_one():
    """0.6 + 0.6 would be 1.2: every handover loses its information, none more than once;
    a spanner (f = 0.6) then takes 0.6 off the capped 1, not off 1.2: 0.4."""
    sc = scenario(**{"handover.info_loss_prob": 0.6, "handover.rule_book_info_loss_prob": 0.6})
    a, b = org(0, WIJKTEAM, {0}), org(1, VT, {0})
    _, received, _ = send_many(World(sc, {VT: b}, books={1: 1}), a, b, n=200)
    assert all(c.info_lost for c in received)
    world = World(sc, {VT: b}, books={1: 1})
    _, received, _ = send_many(world, a, b, professional(spanner=True))
    assert_rate(sum(c.info_lost for c in received), N, 0.4)


# ----------------------------------------------------------------------------- the sender's hours
@pytest.mark.parametrize(
    "admin_hours, joint_hours, crossing_hours",
    [(1.5, 2.0, 0.75), (0.5, 0.5, 0.25), (0.0, 0.0, 0.0)],
)
def test_the_sender_pays_its_paperwork_and_the_joint_contact(admin_hours, joint_hours,
                                                            crossing_hours):  # fmt: skip
    """Warm protocol, sender_admin_hours 1.5, joint_contact_hours 2, a crossing into another
    rule book + 0.75: the sender logs 2.25 h of re-typing and 2 h of coordination with one
    other organisation, and owes 4.25 h more after its care (on top of the 1 h it already
    owed); without the crossing 1.5 + 2 = 3.5 h. Small amounts count as well; nothing is
    logged when nothing is owed."""
    sc = scenario(**{"protocol": "warm", "protocols.warm.sender_admin_hours": admin_hours,
                     "protocols.warm.joint_contact_hours": joint_hours,
                     "handover.rule_book_crossing_admin_hours": crossing_hours})  # fmt: skip
    a, b = org(0, WIJKTEAM, {0}), org(1, VT, {0})
    for books, admin in (({1: 1}, admin_hours + crossing_hours), ({}, admin_hours)):
        world = World(sc, {VT: b}, books=books)
        _, _, senders = send_many(world, a, b, n=3, owed=1.0)
        assert [s.extra_hours for s in senders] == pytest.approx([1.0 + admin + joint_hours] * 3)
        admin_rows = [f["value"] for k, f in world.log.rows if k == Kind.ADMIN]
        coordination = [(f["value"], f["detail"]) for k, f in world.log.rows
                        if k == Kind.COORDINATION]  # fmt: skip
        assert admin_rows == ([pytest.approx(admin)] * 3 if admin else [])
        assert coordination == ([(joint_hours, 1)] * 3 if joint_hours else [])


class Draws:
    """A random generator that hands out the draws the test names, in order, and has no
    gamma: a latency drawn where none is due fails the test."""

    def __init__(self, *values):
        self.values = list(values)

    def random(self):
        return self.values.pop(0)


def test_nothing_is_drawn_where_nothing_can_happen():
    """No latency and no chance of loss: no random draw at all (every draw would shift the
    streams of the rest of the run), the case arrives at once and loses nothing."""
    sc = scenario(**{"protocols.referral.transfer_latency_days": 0.0})
    a, b = org(0, WIJKTEAM, {0}), org(1, VT, {0})
    world = World(sc, {VT: b})
    world.rng = Draws()
    lat, received, _ = send_many(world, a, b, n=3)
    assert lat.tolist() == [0.0] * 3 and not any(c.info_lost for c in received)


@pytest.mark.parametrize("draw, lost", [(0.25 - 1e-12, True), (0.25, False)])
def test_information_is_lost_below_the_chance_only(draw, lost):
    """Chance 0.25 (a handover's 0.25, no latency): a draw below it loses, a draw of it does
    not."""
    sc = scenario(**{"protocols.referral.transfer_latency_days": 0.0,
                     "handover.info_loss_prob": 0.25})  # fmt: skip
    a, b = org(0, WIJKTEAM, {0}), org(1, VT, {0})
    world = World(sc, {VT: b})
    world.rng = Draws(draw)
    _, received, _ = send_many(world, a, b, n=1)
    assert received[0].info_lost is lost


def test_a_short_latency_is_drawn_too():
    """Half a day of transfer: gamma-distributed like any other (shape 4: standard
    deviation 0.25 days), not a fixed half day."""
    sc = scenario(**{"protocols.referral.transfer_latency_days": 0.5})
    a, b = org(0, WIJKTEAM, {0}), org(1, VT, {0, 1})
    lat, received, _ = send_many(World(sc, {VT: b}), a, b)
    assert_mean(lat, 0.5)
    assert lat.std() == pytest.approx(0.25, rel=0.1)
    assert not any(c.info_lost for c in received)  # no chance of loss was set


def test_a_need_for_an_organisation_already_handling_the_family_joins_its_case():
    """No second case, no latency, no paperwork: the need joins the case still on its way,
    which takes on the more severe priority."""
    sc = scenario(**{"protocols.referral.sender_admin_hours": 1.0})
    a, b = org(0, WIJKTEAM, {0}), org(1, VT, {0})
    world = World(sc, {VT: b})
    h = Handovers(world)
    fam = SimpleNamespace(id=0, municipality=HOME, open_cases=[])
    sender = SimpleNamespace(family=fam, org=a, professional=professional(), episode=0,
                             extra_hours=0.0)  # fmt: skip
    h.send(0.0, sender, [SimpleNamespace(id=1, severity=1, domain=VT)], b)
    h.send(1.0, sender, [SimpleNamespace(id=2, severity=3, domain=VT)], b)
    assert len(world.arrivals) == 1
    case = world.arrivals[0][1]
    assert [n.id for n in case.needs] == [1, 2] and case.priority == 3
    assert sender.extra_hours == 1.0
    sent = [f for k, f in world.log.rows if k == Kind.HANDOVER_SENT]
    assert [f["value"] for f in sent][1] == 0.0
    case.phase = CasePhase.INTAKE  # still in intake: joins
    h.send(2.0, sender, [SimpleNamespace(id=3, severity=1, domain=VT)], b)
    assert len(world.arrivals) == 1 and len(case.needs) == 3
    case.phase = CasePhase.CARE  # triaged already: a case of its own
    h.send(3.0, sender, [SimpleNamespace(id=4, severity=1, domain=VT)], b)
    assert len(world.arrivals) == 2 and len(case.needs) == 3


# ----------------------------------------------------------------------------- triage and route
@pytest.mark.parametrize(
    "mandate, preventive, severity, here",
    [(1, False, 1, True), (1, False, 2, False), (2, False, 2, True), (2, False, 3, False),
     (0, False, 1, False), (0, True, 1, True), (0, True, 2, False)],
)  # fmt: skip
def test_the_wijkteam_keeps_youth_needs_within_its_mandate(mandate, preventive, severity, here):
    sc = scenario(**{"domains.wijkteam.youth_mandate_max_severity": mandate,
                     "escalation.preventive_support": preventive})  # fmt: skip
    h = Handovers(World(sc, {}))
    wijkteam, youth = org(0, WIJKTEAM, {0}), org(1, YOUTH, {0})
    need = SimpleNamespace(domain=YOUTH, severity=severity)
    assert h.handled_here(wijkteam, need) is here
    assert h.handled_here(youth, need) is True  # its own domain
    assert h.handled_here(org(2, VT, {0}), need) is False  # never another's


@pytest.mark.parametrize(
    "protocol, after_care, domain, severity, now",
    [
        ("referral", True, YOUTH, 2, False),  # waits for the sender's care
        ("referral", False, YOUTH, 2, True),  # this domain hands over at intake
        ("referral", True, YOUTH, 3, True),  # severe: at once
        ("referral", True, SHELTER, 1, True),  # shelter: at once
        ("integrated", True, YOUTH, 2, True),  # planned in parallel
    ],
)
def test_handover_at_intake_or_after_care(protocol, after_care, domain, severity, now):
    sc = scenario(**{"protocol": protocol, "domains.wijkteam.hands_over_after_care": after_care})
    assert sc.active_protocol.handover_after_intake == (protocol == "integrated")
    h = Handovers(World(sc, {}))
    need = SimpleNamespace(domain=domain, severity=severity)
    assert h.leaves_now(org(0, WIJKTEAM, {0}), need) is now


def test_the_route_of_a_need():
    """From Veilig Thuis a moderate youth need goes back to the wijkteam (cold referral),
    a severe one straight to youth care (child protection), and under a protocol of direct
    referral every one straight on; a shelter need goes elsewhere when the family's draw
    falls below the share placed out of region; a specialised need of an organisation that
    buys specialised care goes to the supra-regional provider."""
    sc = scenario(**{"domains.shelter.placement_outside_region_share": 0.5,
                     "domains.youth.specialised_share": 0.25})  # fmt: skip
    wijkteam, youth, shelter = org(0, WIJKTEAM, {0}), org(1, YOUTH, {0}), org(2, SHELTER, {0})
    vt = org(3, VT, {0})
    world = World(sc, {WIJKTEAM: wijkteam, YOUTH: youth, SHELTER: shelter, VT: vt})
    world.elsewhere = org(4, SHELTER, {5})
    world.specialist_org = org(5, YOUTH, {0}, specialist=True)
    h = Handovers(world)
    fam = SimpleNamespace(municipality=HOME, placement_uniform=0.3)

    def need(domain, severity, q=0.5):
        return SimpleNamespace(domain=domain, severity=severity, care_length_quantile=q)

    assert h.target(vt, need(YOUTH, 2), fam) is wijkteam
    assert h.target(vt, need(YOUTH, 3), fam) is youth
    assert h.target(wijkteam, need(YOUTH, 2), fam) is youth
    assert h.target(wijkteam, need(SHELTER, 2), fam) is world.elsewhere
    assert (
        h.target(
            wijkteam, need(SHELTER, 2), SimpleNamespace(municipality=HOME, placement_uniform=0.7)
        )
        is shelter
    )
    youth.buys_specialised = True
    # specialised: moderate or severe, care length in the top 25 % (quantile >= 0.75)
    assert h.target(wijkteam, need(YOUTH, 2, q=0.8), fam) is world.specialist_org
    assert h.target(wijkteam, need(YOUTH, 2, q=0.7), fam) is youth
    assert h.target(wijkteam, need(YOUTH, 1, q=0.9), fam) is youth
    direct = Handovers(World(scenario(protocol="integrated"), world._serving))
    assert direct.protocol.direct_referral
    assert direct.target(vt, need(YOUTH, 2), fam) is youth


# ----------------------------------------------------------------------------- boundaries
def test_the_boundaries_of_placement_and_specialisation():
    """A placement goes elsewhere when the family's draw lies *below* the share (a draw equal
    to it stays); a need is specialised from the quantile 1 - specialised_share *on*."""
    sc = scenario(**{"domains.shelter.placement_outside_region_share": 0.5,
                     "domains.youth.specialised_share": 0.25})  # fmt: skip
    shelter, youth = org(0, SHELTER, {0}), org(1, YOUTH, {0})
    world = World(sc, {SHELTER: shelter, YOUTH: youth})
    world.elsewhere = org(2, SHELTER, {5})
    h = Handovers(world)
    need = SimpleNamespace(domain=SHELTER, severity=2, care_length_quantile=0.1)
    at_share = SimpleNamespace(municipality=HOME, placement_uniform=0.5)
    assert h.target(org(3, WIJKTEAM, {0}), need, at_share) is shelter
    assert h.specialised(SimpleNamespace(domain=YOUTH, severity=2, care_length_quantile=0.75))
    assert not h.specialised(SimpleNamespace(domain=YOUTH, severity=2,
                                             care_length_quantile=0.7499))  # fmt: skip


def test_onward_referral_draws_once_per_need_and_never_in_a_domain_that_does_not_refer():
    """The wijkteam refers on to youth care with probability 0.4 (cumulative: youth from 0
    to 0.4, nothing above). Two needs cared for: a draw of 0.9 finds nothing for the first,
    0.1 finds a youth need for the second (the first finding nothing must not stop the
    second). Youth care refers on nowhere: no draw at all, so the random streams of a
    scenario without onward referral stay as they were."""
    sc = scenario(**{"domains.wijkteam.onward_referral": {"youth": 0.4}})
    wijkteam, youth = org(0, WIJKTEAM, {0}), org(1, YOUTH, {0})
    world = World(sc, {YOUTH: youth, WIJKTEAM: wijkteam})
    world.rng = Draws(0.9, 0.1)
    found = []
    world.new_need = lambda t, fam, domain, severity, luck: found.append(
        (domain, severity)) or SimpleNamespace(id=len(found), domain=domain, severity=severity,
                                               incident_unit_exponential=None)  # fmt: skip
    world.fresh_luck = lambda: ()
    world.escalation = SimpleNamespace(watch=lambda *a: None)
    h = Handovers(world)
    fam = SimpleNamespace(id=0, municipality=HOME)
    case = SimpleNamespace(org=wijkteam, family=fam, episode=3, id=5,
                           own=[SimpleNamespace(severity=1), SimpleNamespace(severity=2)])  # fmt: skip
    out = h.onward(0.0, case)
    assert found == [(YOUTH, 2)]
    assert [(n.domain, to) for n, to in out] == [(YOUTH, youth)] and out[0][0].episode == 3
    assert world.rng.values == []
    assert h.onward(0.0, SimpleNamespace(org=youth, family=fam, own=case.own)) == []
    assert h.onward_cum[YOUTH] is None


def test_borders_are_remembered_per_pair_of_organisations():
    """Each pair has its own borders, the same both ways: a and b do not nest (a region
    border), a and c nest but lie in two provinces, b and b nest (no border)."""
    h = Handovers(World(scenario(), {}))
    a, b, c = org(0, WIJKTEAM, {0, 1}), org(1, VT, {1, 2}), org(2, VT, {0, 1, 3}, province=1)
    for _ in range(2):  # computed, then remembered
        assert h.border(a, b) == h.border(b, a) == HandoverFlag.REGION_BORDER
        assert h.border(a, c) == h.border(c, a) == HandoverFlag.PROVINCE_BORDER
        assert h.border(b, b) == 0
