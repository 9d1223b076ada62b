"""Incidents, recurrences and report classes against their settings, on a stub world.

The escalation and signal processes are driven directly (the `Model` interface of
`processes/interface.py`) with an event queue of the test's own, so that each expected
value follows from the parameters alone: a Poisson count of incidents for a family at risk
for a known time, exponential waits to the first and second escalation, recurrence as a
binomial share with an exponential delay, and the class of each report of a scripted
family. Counts are checked within their 99.99 % intervals.
"""

from __future__ import annotations

import heapq
import itertools
import math
from types import SimpleNamespace

import numpy as np
import pytest
from scipy import stats

from model.processes.escalation import Escalation
from model.processes.signals import Signals
from model.records.events import EscalationCause, Kind, ReportType
from model.scenario import load_scenario
from model.vocabulary import VT, WIJKTEAM, YOUTH, NeedOutcome, NeedState
from tests.conftest import DATA

# Hands the handlers stand-in objects: runs on the Python source (tests/conftest.py).
pytestmark = pytest.mark.pure_python

RATES = (0.5, 1.0, 2.0)  # incidents a year while the worst need at risk is mild, moderate, severe


def scenario(**changes):
    return load_scenario(
        DATA / "tiny.toml",
        {"escalation.incident_rate_while_waiting_per_year": list(RATES), **changes},
    )


class World:
    """An event queue and the members the two processes ask for."""

    def __init__(self, sc, end_day, seed=3):
        self.scenario = sc
        self.end_day = end_day
        self.rng = np.random.default_rng(seed)
        self.queue: list = []
        self._tie = itertools.count()
        self.records: list[tuple[float, Kind, dict]] = []
        self.follow_ups: list[tuple[float, int]] = []
        self.signals_sent: list = []
        self.vt = SimpleNamespace(oid=1, domain=VT)
        self.wijkteam = SimpleNamespace(oid=0, domain=WIJKTEAM)
        self.log = self
        self.escalation = Escalation(self)
        self.signals = SimpleNamespace(follow_up=self._follow_up, signal=self._signal)
        self._ids = itertools.count(1000)

    # the log
    def need_record(self, t, kind, need, **fields):
        self.records.append((t, kind, {"need": need, **fields}))

    def record(self, t, kind, **fields):
        self.records.append((t, kind, fields))

    # the model
    def schedule(self, t, handler, obj):
        heapq.heappush(self.queue, (t, next(self._tie), handler, obj))

    def run(self):
        while self.queue:
            t, _, handler, obj = heapq.heappop(self.queue)
            handler(t, obj)

    def serving(self, domain, municipality):
        return self.vt if domain == VT else self.wijkteam

    def new_id(self, what):
        return next(self._ids)

    def new_need(self, t, fam, domain, severity, luck):
        return SimpleNamespace(id=next(self._ids), domain=domain, severity=severity,
                               state=NeedState.WAITING, incident_unit_exponential=None)  # fmt: skip

    def fresh_luck(self):
        return ()

    def _follow_up(self, t, fam, vt):
        self.follow_ups.append((t, fam.id))

    def _signal(self, t, fam, needs, via_vt):
        self.signals_sent.append((t, fam.id, needs, via_vt))


def a_need(state=NeedState.WAITING, domain=YOUTH, severity=2):
    return SimpleNamespace(state=state, domain=domain, severity=severity,
                           incident_unit_exponential=None)  # fmt: skip


def family(i, needs, safety=False, open_at=None):
    """A family; `open_at`, an organisation where it has a case open."""
    return SimpleNamespace(id=i, clock=0, needs=needs, safety=safety, municipality=0,
                           open_cases=[] if open_at is None else [SimpleNamespace(org=open_at)])  # fmt: skip


@pytest.mark.parametrize("severity", [1, 2, 3])
def test_incidents_during_an_investigation_come_at_the_severity_rate(severity):
    """A family whose Veilig Thuis need is under investigation (at risk, never
    waiting, so it does not escalate) has incidents as a Poisson process at the rate of its
    severity: 1,000 families for two years expect 1,000 x 2 x rate incidents, each a
    follow-up report on the open case."""
    years, n = 2.0, 1000
    world = World(scenario(), end_day=365 * years)
    for i in range(n):
        need = a_need(NeedState.IN_CARE, VT, severity)
        world.escalation.watch(0.0, family(i, [need], safety=True, open_at=world.vt))
    world.run()
    expected = n * years * RATES[severity - 1]
    lo, hi = stats.poisson.interval(0.9999, expected)
    assert lo <= len(world.follow_ups) <= hi, (len(world.follow_ups), expected)
    assert all(t < world.end_day for t, _ in world.follow_ups)
    assert not [r for r in world.records if r[1] == Kind.ESCALATION]  # nothing was waiting


def test_a_waiting_need_worsens_at_each_incident_at_the_rate_of_its_severity():
    """A mild need waits for ever: its first escalation (to moderate) comes after an
    exponential wait of mean 365 / 0.5 = 730 days, its second (to severe) 365 / 1.0 = 365
    days later; then it cannot worsen further and no record follows."""
    n = 4000
    world = World(scenario(), end_day=1e9)
    needs = []
    for i in range(n):
        need = a_need(NeedState.WAITING, YOUTH, 1)
        needs.append(need)
        world.escalation.watch(0.0, family(i, [need]))
    # run until every need is severe, then stop the (endless) clocks
    while world.queue and len(world.records) < 2 * n:  # two escalations a need
        t, _, handler, obj = heapq.heappop(world.queue)
        handler(t, obj)
    first, second = {}, {}
    for t, kind, f in world.records:
        assert kind == Kind.ESCALATION and f["aux"] == EscalationCause.WAITING
        (first if f["detail"] == 2 else second)[id(f["need"])] = t
    assert len(first) == len(second) == n
    gaps1 = np.array(list(first.values()))
    gaps2 = np.array([second[k] - first[k] for k in first])
    for gaps, mean in ((gaps1, 730.0), (gaps2, 365.0)):
        # the mean of n exponentials: mean +- 3.9 mean / sqrt(n)
        assert abs(gaps.mean() - mean) < 3.9 * mean / math.sqrt(n), (gaps.mean(), mean)


def test_no_incident_without_a_need_at_risk_and_none_after_the_run():
    """A unit exponential of 1 at the moderate rate 1/yr puts the incident on day 365: not
    at all in a run that ends on day 200, exactly on day 365 in one that ends on day 400
    (armed on day 60, since it lies further ahead than that). A family with nothing at risk
    gets no clock."""
    world = World(scenario(), end_day=200.0)
    done = a_need(NeedState.DONE, YOUTH, 3)
    world.escalation.watch(0.0, family(0, [done]))
    assert world.queue == []
    # in care is not at risk, unless it is Veilig Thuis's investigation
    in_care = a_need(NeedState.IN_CARE, YOUTH, 3)
    world.escalation.watch(0.0, family(0, [in_care]), unit_exponential=0.1)
    assert world.queue == []

    world.escalation.watch(0.0, family(1, [a_need()]), unit_exponential=1.0)
    assert world.queue == []
    world = World(scenario(), end_day=400.0)
    world.escalation.watch(0.0, family(2, [a_need()]), unit_exponential=1.0)
    assert [t for t, *_ in world.queue] == [60.0]  # the day it is armed
    world.run()
    ((t, kind, f),) = world.records[:1]
    assert (t, kind, f["detail"]) == (pytest.approx(365.0), Kind.ESCALATION, 3)
    assert world.escalation._pending == {}


def test_an_incident_in_a_family_with_a_safety_problem_is_reported():
    """No Veilig Thuis case open: a new safety need of the worst severity at risk is
    signalled via Veilig Thuis; with a case open: a follow-up on it."""
    world = World(scenario(), end_day=1e9)
    waiting = a_need(NeedState.WAITING, YOUTH, 2)
    fam = family(0, [waiting], safety=True)
    world.escalation.on_incident(5.0, (fam, fam.clock))
    ((t, fam_id, needs, via_vt),) = world.signals_sent
    assert (t, fam_id, via_vt) == (5.0, 0, True)
    assert needs[0].domain == VT and needs[0].severity == 3  # worsened by the incident first
    other = family(1, [waiting], safety=True, open_at=world.vt)
    world.escalation.on_incident(6.0, (other, other.clock))
    assert world.follow_ups == [(6.0, 1)]
    stale = family(2, [waiting], safety=True)
    world.escalation.on_incident(7.0, (stale, stale.clock - 1))  # the clock was restarted
    assert len(world.signals_sent) == 1


@pytest.mark.parametrize(
    "outcome, preventive, p",
    [
        (NeedOutcome.RESOLVED, False, 0.2),
        (NeedOutcome.UNRESOLVED, False, 0.5),
        (NeedOutcome.DROPPED, False, 0.7),
        (NeedOutcome.RESOLVED, True, 0.2 * (1 - 0.4)),
    ],
)
def test_needs_come_back_at_the_rate_of_their_outcome(outcome, preventive, p):
    """Recurrence after success 0.2, failure 0.5, dropout 0.7, less by the preventive effect
    0.4 after preventive support; the delay is exponential with mean 240 days."""
    sc = scenario(**{"escalation.recurrence_after_success": 0.2,
                     "escalation.recurrence_after_failure": 0.5,
                     "escalation.recurrence_after_dropout": 0.7,
                     "escalation.preventive_effect": 0.4,
                     "escalation.recurrence_mean_days": 240.0})  # fmt: skip
    world = World(sc, end_day=1e9)
    rng = np.random.default_rng(5)
    n = 4000
    for _ in range(n):
        need = SimpleNamespace(outcome=outcome, preventive=preventive,
                               recurrence_uniform=rng.random(),
                               recurrence_unit_exponential=rng.exponential())  # fmt: skip
        world.escalation.on_need_closed(100.0, need)
    lo, hi = stats.binom.interval(0.9999, n, p)
    assert lo <= len(world.queue) <= hi, (len(world.queue), n * p)
    delays = np.array([t - 100.0 for t, *_ in world.queue])
    assert abs(delays.mean() - 240.0) < 3.9 * 240.0 / math.sqrt(len(delays))


@pytest.mark.parametrize(
    "outcome, before, after, escalated",
    [(NeedOutcome.RESOLVED, 2, 2, False), (NeedOutcome.UNRESOLVED, 2, 3, True),
     (NeedOutcome.DROPPED, 1, 2, True), (NeedOutcome.UNRESOLVED, 3, 3, False)],
)  # fmt: skip
def test_a_need_that_comes_back_unresolved_is_one_step_more_severe(outcome, before, after,
                                                                     escalated):  # fmt: skip
    world = World(scenario(**{"families.vt_entry_share": 0.0}), end_day=1e9)
    fam = family(0, [])
    old = SimpleNamespace(family=fam, outcome=outcome, severity=before, domain=YOUTH)
    world.escalation.on_recurrence(10.0, old)
    ((_, _, (need,), via_vt),) = world.signals_sent
    assert need.severity == after and need.domain == YOUTH and via_vt is False
    recorded = [f for _, k, f in world.records if k == Kind.ESCALATION]
    assert len(recorded) == escalated
    if escalated:
        assert recorded[0]["aux"] == EscalationCause.RECURRENCE and recorded[0]["detail"] == after


def test_a_safety_need_that_comes_back_is_reported_at_the_entry_share():
    """A Veilig Thuis need comes back through Veilig Thuis with probability
    vt_entry_share (0.3 here), otherwise at the wijkteam."""
    world = World(scenario(**{"families.vt_entry_share": 0.3}), end_day=1e9)
    n = 4000
    for i in range(n):
        old = SimpleNamespace(family=family(i, []), outcome=NeedOutcome.RESOLVED, severity=1,
                              domain=VT)  # fmt: skip
        world.escalation.on_recurrence(1.0, old)
    via_vt = sum(s[3] for s in world.signals_sent)
    lo, hi = stats.binom.interval(0.9999, n, 0.3)
    assert lo <= via_vt <= hi


# ----------------------------------------------------------------------------- report classes
class SignalWorld(World):
    """Signals writes cases and hands them to care; the test only reads the log."""

    def __init__(self, sc):
        super().__init__(sc, end_day=1e9)
        self.care = SimpleNamespace(admit=lambda t, case: None)
        self.stream = SimpleNamespace(source_of=lambda u, via_vt: 1)
        self.escalation = SimpleNamespace(watch=lambda t, fam, u=None: None)
        self.vt.team_for = self.wijkteam.team_for = lambda fam: None


def test_reports_about_a_scripted_family_are_first_repeat_and_follow_up():
    """Day 1: the family's first report (never known). Day 2: another while that case is
    open: a follow-up. Day 3, the case closed: a repeat report (known before). Day 4: a
    signal at the wijkteam is no report to Veilig Thuis at all."""
    world = SignalWorld(scenario())
    s = Signals(world)
    fam = SimpleNamespace(id=9, municipality=0, open_cases=[], known_to_vt=False, safety=False)

    def need(domain):
        return SimpleNamespace(id=next(world._ids), domain=domain, severity=2,
                               incident_unit_exponential=None)  # fmt: skip

    s.signal(1.0, fam, [need(VT)], via_vt=True)
    s.signal(2.0, fam, [need(VT)], via_vt=True)
    fam.open_cases.clear()
    s.signal(3.0, fam, [need(VT)], via_vt=True)
    s.signal(4.0, fam, [need(YOUTH)], via_vt=False)
    reports = [f["aux"] for _, k, f in world.records if k == Kind.SIGNAL]
    assert reports == [ReportType.FIRST, ReportType.FOLLOW_UP, ReportType.REPEAT,
                       ReportType.NOT_VT]  # fmt: skip
    assert fam.safety and fam.known_to_vt
    # the follow-up joined the open case rather than opening a second one
    assert [len(c.needs) for c in fam.open_cases if c.org is world.vt] == [1]


def test_incident_clocks_at_their_boundaries():
    """The unit exponential x 365 / rate (moderate: 1 a year) gives the incident's day.
    - From day 100, 30 days ahead: scheduled at once for day 130 (not deferred).
    - Exactly at the end of the run (day 365 of a 365-day run): never.
    - Two far clocks of one family (the second restarts the first): when they are armed
      on day 60, only the newer one is scheduled."""
    world = World(scenario(), end_day=1000.0)

    world.escalation.watch(100.0, family(0, [a_need()]), unit_exponential=30 / 365)
    ((t, _, handler, _),) = world.queue
    assert t == pytest.approx(130.0) and handler == world.escalation.on_incident
    end = World(scenario(), end_day=365.0)
    end.escalation.watch(0.0, family(1, [a_need()]), unit_exponential=1.0)
    assert end.queue == []
    two = World(scenario(), end_day=1000.0)
    fam = family(2, [a_need()])
    two.escalation.watch(0.0, fam, unit_exponential=200 / 365)
    two.escalation.watch(0.0, fam, unit_exponential=300 / 365)
    ((day, _, arm, what),) = two.queue  # one arming event on day 60 for both
    two.queue.clear()
    arm(day, what)
    assert [(round(t), h) for t, _, h, _ in two.queue] == [(300, two.escalation.on_incident)]


def test_a_draw_equal_to_the_chance_is_no_recurrence_and_no_report_via_veilig_thuis():
    sc = scenario(**{"escalation.recurrence_after_success": 0.2, "families.vt_entry_share": 0.3})
    world = World(sc, end_day=1e9)
    need = SimpleNamespace(outcome=NeedOutcome.RESOLVED, preventive=False,
                           recurrence_uniform=0.2, recurrence_unit_exponential=1.0)  # fmt: skip
    world.escalation.on_need_closed(0.0, need)
    assert world.queue == []
    world.rng = SimpleNamespace(random=lambda: 0.3)
    old = SimpleNamespace(family=family(0, []), outcome=NeedOutcome.RESOLVED, severity=1,
                          domain=VT)  # fmt: skip
    world.escalation.on_recurrence(1.0, old)
    assert world.signals_sent[0][3] is False
