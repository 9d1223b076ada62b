"""The care process on a stub world: admission, first contact, triage, closing, and the
motivation window (late help succeeds less and loses more families, at the rate set).

Right after an incident a family is motivated; the motivation fades as exp(-delay / decay)
(seed 004). Care that starts `delay` days after the need arose succeeds with probability
p_severity x (floor + (1 - floor) exp(-delay / decay)), and at first contact a family
stays away with probability dropout_max x (1 - exp(-delay / decay)) (docs/model.md, "Care,
motivation and escalation").

For the window, thousands of cases whose needs arose at delays spread over eight months,
each with its own uniform luck: from the outcomes the test fits the decay by maximum
likelihood, with the success probabilities, floor and dropout ceiling as set, and checks
that the set decay lies inside the fit's 99 % likelihood interval and that the interval
is narrow enough to have caught a wrong one.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
from scipy import stats

from model.processes.care import Care
from model.records.events import Kind
from model.scenario import load_scenario
from model.vocabulary import (
    DOMAINS,
    SHELTER,
    VT,
    WIJKTEAM,
    YOUTH,
    CasePhase,
    IntakeKind,
    NeedOutcome,
    NeedState,
)
from tests.conftest import DATA

# Hands the handlers stand-in objects: runs on the Python source (tests/conftest.py).
pytestmark = pytest.mark.pure_python

DECAY, FLOOR, DROPOUT_MAX = 60.0, 0.3, 0.4
SUCCESS = (0.9, 0.8, 0.7)
N = 12000
GRID = np.arange(5.0, 400.0, 0.25)  # candidate decays, days


def scenario():
    return load_scenario(DATA / "tiny.toml", {
        "families.motivation_decay_days": DECAY, "families.motivation_floor": FLOOR,
        "families.dropout_max_share": DROPOUT_MAX,
        "domains.youth.success_probability": list(SUCCESS),
    })  # fmt: skip


class Recorder:
    def __init__(self):
        self.rows = []

    def case_record(self, t, kind, case, **fields):
        self.rows.append((kind, case, fields))


class StubCare(Care):
    """The care process up to the point under test; what follows is only noted."""

    def __init__(self, model):
        super().__init__(model)
        self.closed, self.intake_done, self.finished = [], [], []

    def close_need(self, t, need, outcome):
        need.outcome = outcome

    def on_close(self, t, case):
        self.closed.append(case)

    def on_intake_done(self, t, case):
        self.intake_done.append(case)

    def finish(self, t, case):
        self.finished.append(case)


def world():
    sc = scenario()
    m = SimpleNamespace(scenario=sc, log=Recorder(), protocol=sc.active_protocol)
    m.handovers = SimpleNamespace(onward=lambda t, case: [], learn=lambda *a: None)
    return m


def org(domain):
    cfg = scenario().domains[DOMAINS[domain]]
    return SimpleNamespace(domain=domain, cfg=cfg, care_cfg=[cfg] * len(DOMAINS),
                           intake_work={k: (0.0, 0.0) for k in IntakeKind},
                           team_for=lambda fam: "team")  # fmt: skip


def likelihood_interval(ll: np.ndarray) -> tuple[float, float]:
    """The decays whose log-likelihood lies within chi2(1, 0.99) / 2 of the best."""
    inside = GRID[2 * (ll.max() - ll) <= stats.chi2.ppf(0.99, 1)]
    return float(inside.min()), float(inside.max())


def queued_case(here, arose, dropout_uniform, *, need_id=1, queued_at=0.0, team="team",
                sender=None, resume_days=-1.0):  # fmt: skip
    """A case waiting at `here` for its first contact, with one need that arose on day
    `arose`; resume_days >= 0 marks care a reorganisation interrupted."""
    need = SimpleNamespace(id=need_id, arose=arose, dropout_uniform=dropout_uniform,
                           family=None, state=NeedState.WAITING, faces=0, stories=0)  # fmt: skip
    return SimpleNamespace(org=here, family=None, team=team, needs=[need], sender=sender,
                           resume_days=resume_days, queued_at=queued_at,
                           intake_kind=IntakeKind.FULL, info_lost=False)  # fmt: skip


def test_late_care_succeeds_less_at_the_set_decay():
    m = world()
    care = StubCare(m)
    youth = org(YOUTH)
    rng = np.random.default_rng(11)
    delays = rng.uniform(0.0, 240.0, N)
    severities = rng.integers(1, 4, N)
    cases = []
    for d, s in zip(delays, severities, strict=True):
        # handed over (a second face) and told once: neither continuity nor retelling acts
        need = SimpleNamespace(id=0, severity=int(s), arose=100.0, care_start=100.0 + d,
                               success_uniform=rng.random(), state=NeedState.IN_CARE,
                               domain=YOUTH, faces=2, stories=1)  # fmt: skip
        case = SimpleNamespace(org=youth, own=[need], later=[], family=None)
        care.on_care_end(400.0, case)
        cases.append(case)
    resolved = np.array([case.own[0].outcome == NeedOutcome.RESOLVED for case in cases])
    logged = [f["detail"] for k, _, f in m.log.rows if k == Kind.CARE_END]
    assert logged == resolved.astype(int).tolist()
    p_sev = np.array(SUCCESS)[severities - 1]
    p = p_sev[:, None] * (FLOOR + (1 - FLOOR) * np.exp(-delays[:, None] / GRID[None, :]))
    ll = (np.where(resolved[:, None], np.log(p), np.log1p(-p))).sum(axis=0)
    lo, hi = likelihood_interval(ll)
    assert lo <= DECAY <= hi, (lo, hi)
    assert hi - lo < 0.6 * DECAY  # narrow enough that a decay of 30 or 120 would fail
    # and in total as many as the probabilities at the set decay add up to
    p_set = p_sev * (FLOOR + (1 - FLOOR) * np.exp(-delays / DECAY))
    assert abs(resolved.sum() - p_set.sum()) < 4 * np.sqrt((p_set * (1 - p_set)).sum())
    # severity by severity, at its own success probability
    for sev in (1, 2, 3):
        mine = severities == sev
        q = p_set[mine]
        assert abs(resolved[mine].sum() - q.sum()) < 4 * np.sqrt((q * (1 - q)).sum()), sev
    # Late care still succeeds at the floor: of care after 200 days, p_sev x 0.3 (+ a trace)
    late = delays > 200
    expected = (p_sev[late] * (FLOOR + (1 - FLOOR) * np.exp(-delays[late] / DECAY))).sum()
    sd = np.sqrt((p_sev[late] * FLOOR * (1 - p_sev[late] * FLOOR)).sum())
    assert abs(resolved[late].sum() - expected) < 4 * sd


def _first_contacts(domain, resume_days=-1.0):
    m = world()
    care = StubCare(m)
    here = org(domain)
    rng = np.random.default_rng(12)
    delays = rng.uniform(0.0, 240.0, N)
    for i, d in enumerate(delays):
        case = queued_case(here, 500.0 - d, rng.random(), need_id=i, queued_at=500.0,
                           resume_days=resume_days)  # fmt: skip
        care.assign(500.0, case, SimpleNamespace(pid=1))
    dropped = np.array([c.needs[0].id for c in care.closed])
    return care, delays, np.isin(np.arange(N), dropped), m


def test_families_stay_away_more_the_longer_they_waited_at_the_set_decay():
    care, delays, dropped, m = _first_contacts(YOUTH)
    assert len(care.closed) + len(care.intake_done) == N
    assert sum(1 for k, *_ in m.log.rows if k == Kind.DROPOUT) == dropped.sum()
    assert all(c.needs[0].outcome == NeedOutcome.DROPPED for c in care.closed)
    p = DROPOUT_MAX * (1 - np.exp(-delays[:, None] / GRID[None, :]))
    p = np.clip(p, 1e-12, 1 - 1e-12)
    ll = (np.where(dropped[:, None], np.log(p), np.log1p(-p))).sum(axis=0)
    lo, hi = likelihood_interval(ll)
    assert lo <= DECAY <= hi, (lo, hi)
    assert hi - lo < 0.8 * DECAY
    # the ceiling: of those who waited over 200 days, about 0.4 x (1 - e^-3.3..4) stay away
    late = delays > 200
    q = DROPOUT_MAX * (1 - np.exp(-delays[late] / DECAY))
    assert abs(dropped[late].sum() - q.sum()) < 4 * np.sqrt((q * (1 - q)).sum())


@pytest.mark.parametrize("domain, resume_days", [(VT, -1.0), (YOUTH, 3.0)])
def test_veilig_thuis_and_resumed_care_never_lose_the_family(domain, resume_days):
    """Veilig Thuis must see every family; care a reorganisation interrupted resumes."""
    care, _, dropped, _ = _first_contacts(domain, resume_days)
    assert not dropped.any() and len(care.intake_done) == N


@pytest.mark.parametrize(
    "delay, uniform, drops",
    [
        (0.0, 1e-12, False),  # no wait, no lost motivation: nobody stays away
        (30.0, 0.4 * (1 - np.exp(-0.5)) - 1e-9, True),  # just below p(30) = 0.157
        (30.0, 0.4 * (1 - np.exp(-0.5)) + 1e-9, False),  # just above
    ],
)
def test_the_dropout_threshold_of_one_family(delay, uniform, drops):
    care = StubCare(world())
    case = queued_case(org(YOUTH), 100.0 - delay, uniform, queued_at=100.0)
    care.assign(100.0, case, SimpleNamespace(pid=1))
    assert (care.closed == [case]) is drops and (care.intake_done == [case]) is not drops


# ----------------------------------------------------------------------------- first contact
class Handovers:
    """A triage the test scripts: youth needs stay at youth care, others go to
    organisation 9; `urgent` needs leave at once, the rest after care."""

    def __init__(self):
        self.sent, self.learned = [], []
        self.to = SimpleNamespace(oid=9)

    def handled_here(self, org, need):
        return need.domain == org.domain

    def target(self, org, need, family):
        return self.to

    def leaves_now(self, org, need):
        return need.urgent

    def send(self, t, case, needs, target):
        self.sent.append((target.oid, [n.id for n in needs]))

    def learn(self, t, case, prof):
        self.learned.append(prof)

    def onward(self, t, case):
        return []


def first_contact(*, sender=None, sister=False):
    """A youth case queued on day 2 taking its first contact on day 10, in its own team or
    a sister's; an intake of 0.5 h and 0.25 h of registration."""
    m = world()
    m.handovers = Handovers()
    care = StubCare(m)
    youth = org(YOUTH)
    youth.intake_work = {k: (0.5, 0.25) for k in IntakeKind}
    youth.days_per_hour = 7 / 4
    own_team, other_team = "own", "sister"
    youth.team_for = lambda fam: own_team
    m.schedule = lambda t, handler, obj: care.intake_done.append((t, obj))
    case = queued_case(youth, 0.0, 0.99, queued_at=2.0, sender=sender,
                       team=other_team if sister else own_team)  # fmt: skip
    care.assign(10.0, case, SimpleNamespace(pid=1))
    return care, m, case


def test_a_first_contact_records_the_wait_the_team_and_the_intake():
    """Queued on day 2, seen on day 10: 8 days waited, by the family's own team (0) or a
    sister team (1); an intake of 0.5 h and 0.25 h of registration end 0.75 x 7/4 days
    later; the sender's professional learns the receiver only when there is a sender."""
    care, m, case = first_contact()
    (assigned,) = [f for k, _, f in m.log.rows if k == Kind.ASSIGNED]
    assert (assigned["value"], assigned["aux"]) == (8.0, False)
    assert [f["value"] for k, _, f in m.log.rows if k == Kind.INTAKE] == [0.5]
    assert [f["value"] for k, _, f in m.log.rows if k == Kind.ADMIN] == [0.25]
    assert care.intake_done == [(pytest.approx(10 + 0.75 * 7 / 4), case)]
    assert m.handovers.learned == []
    _, m, _ = first_contact(sister=True, sender=SimpleNamespace())
    (assigned,) = [f for k, _, f in m.log.rows if k == Kind.ASSIGNED]
    assert assigned["aux"] is True and len(m.handovers.learned) == 1


def test_care_that_resumes_from_day_zero_is_not_a_new_dropout_risk():
    """resume_days 0 (resumed with no days left to wait) is a resumed case all the same."""
    care = StubCare(world())
    case = queued_case(org(YOUTH), 0.0, 0.0, resume_days=0.0)
    care.assign(200.0, case, SimpleNamespace(pid=1))
    assert care.closed == [] and care.intake_done == [case]


def triage(needs, *, preventive=False, domain=YOUTH, resume_days=-1.0):
    sc = scenario().replace(**{"escalation.preventive_support": preventive})
    m = SimpleNamespace(scenario=sc, log=Recorder(), protocol=sc.active_protocol,
                        handovers=Handovers())  # fmt: skip
    m.reorganiser = SimpleNamespace(resume_care=lambda t, c: resumed.append(c))
    resumed, started = [], []
    care = StubCare(m)
    care.start_care = lambda t, c: started.append(c)
    case = SimpleNamespace(org=SimpleNamespace(domain=domain), family=None, needs=needs, own=[],
                           later=[], resume_days=resume_days)  # fmt: skip
    Care.on_intake_done(care, 5.0, case)  # the real triage, not the stub's note
    return case, m.handovers.sent, started, care.finished, resumed


def need_of(i, domain, severity=2, urgent=False, state=NeedState.WAITING):
    return SimpleNamespace(id=i, domain=domain, severity=severity, urgent=urgent, state=state,
                           preventive=False)  # fmt: skip


def test_triage_keeps_its_own_needs_and_hands_over_the_rest_now_or_after_care():
    """Two youth needs stay (one already closed is skipped), an urgent VT need leaves at
    once, a shelter need after care; care starts."""
    needs = [need_of(1, YOUTH), need_of(5, YOUTH, state=NeedState.DONE),
             need_of(2, VT, urgent=True), need_of(3, SHELTER), need_of(4, YOUTH)]  # fmt: skip
    case, sent, started, finished, _ = triage(needs)
    assert [n.id for n in case.own] == [1, 4]
    assert [(n.id, to.oid) for n, to in case.later] == [(3, 9)]
    assert sent == [(9, [2])] and started == [case] and finished == []


def test_triage_with_nothing_of_its_own_hands_everything_over_at_once():
    case, sent, started, finished, _ = triage([need_of(2, VT), need_of(3, SHELTER)])
    assert sent == [(9, [2, 3])] and not case.later and started == [] and finished == [case]


@pytest.mark.parametrize(
    "preventive, domain, severity, marked",
    [(True, WIJKTEAM, 1, True), (True, WIJKTEAM, 2, False), (False, WIJKTEAM, 1, False),
     (True, YOUTH, 1, False)],
)  # fmt: skip
def test_only_the_wijkteam_gives_preventive_support_and_only_to_mild_needs(preventive, domain,
                                                                           severity, marked):  # fmt: skip
    case, *_ = triage([need_of(1, domain, severity)], preventive=preventive, domain=domain)
    assert [n.preventive for n in case.own] == [marked]


@pytest.mark.parametrize("resume_days", [0.0, 3.0])
def test_care_a_reorganisation_interrupted_resumes_without_triage(resume_days):
    case, sent, started, _, resumed = triage([need_of(2, VT, urgent=True)],
                                             resume_days=resume_days)  # fmt: skip
    assert resumed == [case] and sent == [] and started == []


def test_a_case_goes_to_a_free_professional_or_waits_in_the_queue():
    """Admitted on day 3: with a professional free (here or near) first contact is at once;
    with none the case joins the team's queue."""
    for free in (SimpleNamespace(pid=7), None):
        m = world()
        care = StubCare(m)
        queue, seen = [], []
        team = SimpleNamespace(take_free_here_or_near=lambda case, p=free: p,
                               enqueue=queue.append)  # fmt: skip
        care.assign = lambda t, case, prof, seen=seen: seen.append((t, prof))
        case = SimpleNamespace(team=team, needs=[SimpleNamespace(id=1)], priority=2)
        care.admit(3.0, case)
        assert case.queued_at == 3.0
        assert (seen, queue) == (([(3.0, free)], []) if free else ([], [case]))


# ----------------------------------------------------------------------------- closing
def closing_world():
    m = world()
    m.scheduled, m.closed_needs, m.need_states = [], [], [0, 5, 0]
    m.schedule = lambda t, handler, obj: m.scheduled.append((t, handler, obj))
    m.escalation = SimpleNamespace(on_need_closed=lambda t, n: m.closed_needs.append(n.id))
    m.reorganiser = SimpleNamespace(wound_down=lambda t, c: m.wound_down.append(c))
    m.wound_down = []
    return m


@pytest.mark.parametrize("extra, closes_at", [(2.0, 10 + 2 * 7 / 4), (0.5, 10 + 0.5 * 7 / 4)])
def test_the_paperwork_after_care_delays_the_closing(extra, closes_at):
    """A professional who owes 2 h (or half an hour) at 4 h of care a week closes the case
    2 x 7/4 days later; owing nothing, at once."""
    m = closing_world()
    care, closed = Care(m), []
    care.on_close = lambda t, c: closed.append(t)
    case = SimpleNamespace(extra_hours=extra, org=SimpleNamespace(days_per_hour=7 / 4))
    care.finish(10.0, case)
    ((t, handler, what),) = m.scheduled
    assert (t, what) == (pytest.approx(closes_at), case) and handler is care.on_close
    assert closed == []
    case.extra_hours = 0.0
    care.finish(10.0, case)
    assert closed == [10.0]


def test_closing_frees_the_professional_for_the_next_in_the_queue():
    """The case leaves the family's open cases (the organisation's entry goes when it is
    the last), the professional is released, and the next case in the queue gets its
    first contact at once; a dissolved organisation then winds down."""
    m = closing_world()
    care = StubCareAssign(m)
    queue = [SimpleNamespace(name="next")]
    log = []
    team = SimpleNamespace(release=lambda p: log.append(("release", p)),
                           next_case=lambda: queue.pop() if queue else None,
                           take_free=lambda: "free professional")  # fmt: skip
    org_ = SimpleNamespace(oid=3, active=True)
    other = SimpleNamespace()
    fam = SimpleNamespace(open_cases=[other])
    case = SimpleNamespace(org=org_, professional="p", family=fam, needs=[SimpleNamespace(id=1)],
                           team=team, phase=None)  # fmt: skip
    fam.open_cases.append(case)
    Care.on_close(care, 20.0, case)
    assert case.phase == CasePhase.CLOSED and fam.open_cases == [other]
    assert log == [("release", "p")] and care.assigned == [(20.0, "next", "free professional")]
    assert [k for k, *_ in m.log.rows] == [Kind.CLOSED] and m.wound_down == []
    org_.active = False  # dissolved: the queue is empty now, and it winds down
    second = SimpleNamespace(org=org_, professional="q", family=fam, team=team, phase=None,
                             needs=[SimpleNamespace(id=2)])  # fmt: skip
    third = SimpleNamespace(org=org_)
    fam.open_cases += [second, third]
    Care.on_close(care, 21.0, second)
    assert fam.open_cases == [other, third] and len(care.assigned) == 1
    assert m.wound_down == [second]


def test_a_closed_need_leaves_the_family_with_its_outcome():
    m = closing_world()
    n = SimpleNamespace(id=8, state=NeedState.IN_CARE, family=None)
    n.family = SimpleNamespace(needs=[n, SimpleNamespace(id=9)])
    Care(m).close_need(30.0, n, NeedOutcome.UNRESOLVED)
    assert (n.state, n.outcome) == (NeedState.DONE, NeedOutcome.UNRESOLVED)
    assert [x.id for x in n.family.needs] == [9] and m.closed_needs == [8]
    assert m.need_states[NeedState.IN_CARE] == 4 and m.need_states[NeedState.DONE] == 1


def test_after_care_only_needs_still_waiting_are_handed_over():
    """Two needs were to follow care to organisation 9: one still waits and goes, the other
    was taken care of meanwhile and stays."""
    m = world()
    m.handovers = Handovers()
    care = StubCare(m)
    waiting = SimpleNamespace(id=1, state=NeedState.WAITING)
    done = SimpleNamespace(id=2, state=NeedState.DONE)
    case = SimpleNamespace(org=org(YOUTH), own=[], later=[(done, m.handovers.to),
                                                           (waiting, m.handovers.to)])  # fmt: skip
    care.on_care_end(50.0, case)
    assert m.handovers.sent == [(9, [1])] and care.finished == [case]


class StubCareAssign(Care):
    def __init__(self, model):
        super().__init__(model)
        self.assigned = []

    def assign(self, t, case, prof):
        self.assigned.append((t, case.name, prof))
