"""The columns (issue 15) and the family's side of a handover, each on a constructed case
with its answer worked out by hand.

Columns: with `columns = "separate"` the Wmo and Work & Income teams are organisations of
their own, under rule books of their own, so a need of another column is a handover that
crosses rule books; with `"integrated"` the wijkteam is one social team that serves all
three columns with the columns' staff pooled, and no Wmo or Work & Income organisation
exists. The family's side: every story told again multiplies its motivation by
(1 - retelling loss); care by the first professional who took the need on is more likely
to succeed while that professional stays; a crisis shortens a handover's latency.
"""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
import pytest

from model.engine.simulation import SocialDomainModel
from model.processes.care import Care, dropout_probability, success_probability
from model.processes.handover import Handovers
from model.processes.signals import front_door
from model.records.events import HandoverFlag, Kind
from model.scenario import load_scenario
from model.vocabulary import DOMAINS, INCOME, VT, WIJKTEAM, WMO, YOUTH, IntakeKind, NeedState
from model.world.build import build_geography
from model.world.geography import municipal_regions
from model.world.schemes import catchments, rule_books
from tests.conftest import DATA


def tiny(**changes):
    return load_scenario(DATA / "tiny.toml", changes)


# ----------------------------------------------------------------------------- motivation
def test_each_story_told_again_takes_its_share_of_motivation():
    """Care at once (no fading), success 0.8, floor 0.4, a loss of 0.1 a story: after two
    stories told again motivation is 0.9^2 = 0.81, so p = 0.8 (0.4 + 0.6 x 0.81) = 0.7088;
    told once, p = 0.8. The dropout ceiling 0.25: 0.25 (1 - 0.9^3) = 0.06775 after three."""
    sc = tiny(**{"families.motivation_floor": 0.4, "families.retelling_motivation_loss": 0.1,
                 "families.dropout_max_share": 0.25})  # fmt: skip
    dom = sc.domains.wmo.model_copy(update={"success_probability": (0.8, 0.6, 0.5)})
    assert success_probability(dom, sc.families, 1, 0.0, retold=0) == pytest.approx(0.8)
    assert success_probability(dom, sc.families, 1, 0.0, retold=2) == pytest.approx(0.7088)
    assert dropout_probability(sc.families, 0.0, retold=0) == 0.0
    assert dropout_probability(sc.families, 0.0, retold=3) == pytest.approx(0.06775)


def test_one_face_raises_success_while_the_professional_stays():
    """A bonus of 0.1 with full continuity: 0.6 x 1.1 = 0.66; with a 0.89 chance that the
    professional stays, 0.6 x (1 + 0.1 x 0.89) = 0.6534; never above 1."""
    sc = tiny(**{"families.continuity_success_bonus": 0.1})
    dom = sc.domains.income.model_copy(update={"success_probability": (0.6, 0.6, 0.6)})
    fam = sc.families.model_copy(update={"motivation_floor": 1.0})
    assert success_probability(dom, fam, 2, 30.0, continuity=1.0) == pytest.approx(0.66)
    assert success_probability(dom, fam, 2, 30.0, continuity=0.89) == pytest.approx(0.6534)
    sure = dom.model_copy(update={"success_probability": (0.95, 0.95, 0.95)})
    fam_big = fam.model_copy(update={"continuity_success_bonus": 1.0})
    assert success_probability(sure, fam_big, 1, 0.0, continuity=1.0) == 1.0


class _Log:
    def __init__(self):
        self.rows = []

    def case_record(self, t, kind, case, **fields):
        self.rows.append((kind, fields))


class _Care(Care):
    def close_need(self, t, need, outcome):
        need.outcome = outcome

    def finish(self, t, case):
        pass


@pytest.mark.pure_python  # stand-in objects (tests/conftest.py)
@pytest.mark.parametrize(
    "faces, stories, expected",
    [
        # first professional, story told once, a year of care at 11 % turnover: the
        # professional stays with chance 0.89; p = 0.7 x (1 + 0.2 x 0.89) = 0.8246
        (1, 1, 0.7 * (1 + 0.2 * 0.89)),
        # a handover changed the professional: no bonus
        (2, 1, 0.7),
        # and the story was told a second time: x (0.4 + 0.6 x 0.8)
        (2, 2, 0.7 * (0.4 + 0.6 * 0.8)),
    ],
)
def test_care_end_uses_the_needs_faces_and_stories(faces, stories, expected):
    sc = tiny(**{"families.continuity_success_bonus": 0.2,
                 "families.retelling_motivation_loss": 0.2, "families.motivation_floor": 0.4,
                 "workforce.turnover_per_year": 0.11,
                 "domains.wmo.success_probability": [0.7, 0.7, 0.7]})  # fmt: skip
    m = SimpleNamespace(scenario=sc, log=_Log(), protocol=sc.active_protocol)
    m.handovers = SimpleNamespace(onward=lambda t, case: [])
    care = _Care(m)
    wmo_cfg = sc.domains.wmo
    org = SimpleNamespace(domain=WMO, care_cfg=[wmo_cfg] * len(DOMAINS))
    outcomes = []
    for below in (True, False):
        eps = -1e-9 if below else 1e-9
        need = SimpleNamespace(id=1, severity=2, arose=100.0, care_start=100.0, faces=faces,
                               stories=stories, domain=WMO, state=NeedState.IN_CARE,
                               success_uniform=expected + eps)  # fmt: skip
        case = SimpleNamespace(org=org, own=[need], later=[], family=None)
        care.on_care_end(465.0, case)  # 365 days of care
        outcomes.append(int(need.outcome))
    assert outcomes == [1, 2]  # resolved just below p, unresolved just above


@pytest.mark.pure_python  # stand-in objects (tests/conftest.py)
def test_a_first_contact_counts_the_face_and_a_full_intake_counts_the_story():
    sc = tiny(**{"families.dropout_max_share": 0.0})
    m = SimpleNamespace(scenario=sc, log=_Log(), protocol=sc.active_protocol,
                        schedule=lambda *a: None)  # fmt: skip
    m.handovers = SimpleNamespace(learn=lambda *a: None)
    care = Care(m)
    care.on_intake_done = lambda t, case: None
    org = SimpleNamespace(domain=WMO, intake_work={k: (1.0, 0.0) for k in IntakeKind},
                          days_per_hour=1.0, team_for=lambda fam: "team")  # fmt: skip
    for kind, stories in ((IntakeKind.FULL, 1), (IntakeKind.SHORT, 0)):
        needs = [SimpleNamespace(id=i, arose=0.0, dropout_uniform=0.5, faces=0, stories=0)
                 for i in range(2)]  # fmt: skip
        case = SimpleNamespace(org=org, family=None, team="team", needs=needs, sender=None,
                               resume_days=-1.0, queued_at=0.0, intake_kind=kind,
                               info_lost=False)  # fmt: skip
        care.assign(1.0, case, SimpleNamespace(pid=1))
        assert [(n.faces, n.stories) for n in needs] == [(1, stories)] * 2


# ----------------------------------------------------------------------------- urgency
class _World:
    def __init__(self, sc, receiver):
        self.scenario = sc
        self.rng = np.random.default_rng(3)
        self.log = SimpleNamespace(record=lambda *a, **k: None,
                                   case_record=lambda *a, **k: None)  # fmt: skip
        self.receiver = receiver
        self.arrivals = []
        self.n = 0

    def new_id(self, what):
        self.n += 1
        return self.n

    def serving(self, domain, municipality):
        return self.receiver

    def book_of(self, org, municipality):
        return 0

    def schedule(self, t, handler, obj):
        self.arrivals.append(t)


def _mean_latency(severity, receiver_domain, n=3000, **changes):
    sc = tiny(**{"protocols.referral.transfer_latency_days": 10.0,
                 "protocols.referral.sender_admin_hours": 0.0,
                 "handover.latency_shape": 4.0, "handover.info_loss_prob": 0.0,
                 "handover.rule_book_info_loss_prob": 0.0, **changes})  # fmt: skip
    sender_org = SimpleNamespace(oid=0, domain=WIJKTEAM, catchment_set=frozenset({0}),
                                 province=0, specialist=False)  # fmt: skip
    receiver = SimpleNamespace(oid=1, domain=receiver_domain, catchment_set=frozenset({0}),
                               province=0, specialist=False, team_for=lambda fam: None)  # fmt: skip
    world = _World(sc, receiver)
    h = Handovers(world)
    for i in range(n):
        fam = SimpleNamespace(id=i, municipality=0, open_cases=[])
        sender = SimpleNamespace(family=fam, org=sender_org, episode=i, extra_hours=0.0,
                                 professional=SimpleNamespace(pid=1, boundary_spanner=False))  # fmt: skip
        h.send(0.0, sender, [SimpleNamespace(id=i, severity=severity, domain=receiver_domain)],
               receiver)  # fmt: skip
    lat = np.array(world.arrivals)
    return lat.mean(), lat.std() / math.sqrt(n)


@pytest.mark.pure_python  # stand-in objects (tests/conftest.py)
@pytest.mark.parametrize(
    "severity, domain, expected",
    [
        (2, VT, 10.0),  # no decision for Veilig Thuis: the transfer alone
        (3, VT, 5.0),  # a crisis: 10 x 0.5
        (2, WMO, 24.0),  # a Wmo decision of 14 days: 10 + 14
        (3, INCOME, 12.0),  # a crisis at Work & Income: (10 + 14) x 0.5
    ],
)
def test_a_crisis_shortens_the_handover_and_columns_wait_for_a_decision(severity, domain,
                                                                         expected):  # fmt: skip
    mean, se = _mean_latency(severity, domain, **{"handover.crisis_latency_factor": 0.5,
                                                  "domains.wmo.decision_latency_days": 14.0,
                                                  "domains.income.decision_latency_days": 14.0})  # fmt: skip
    assert abs(mean - expected) < 4 * se, (mean, expected)


# ----------------------------------------------------------------------------- columns
@pytest.mark.pure_python  # stand-in objects (tests/conftest.py)
def test_the_front_door_is_the_wijkteam_unless_every_need_is_wmo_or_income():
    def needs(*domains):
        return [SimpleNamespace(domain=d) for d in domains]

    assert front_door(needs(YOUTH, WMO)) == WIJKTEAM
    assert front_door(needs(VT)) == WIJKTEAM  # reports come via_vt; the rest to the wijkteam
    assert front_door(needs(WMO, INCOME)) == WMO
    assert front_door(needs(INCOME)) == INCOME


def test_columns_follow_the_scheme_when_separate_and_stay_local_when_integrated():
    sc = tiny()
    geo = build_geography(sc)
    local = municipal_regions(geo)
    n = len(local)
    separate = catchments(geo, "centralised", sc.schemes, "separate")
    integrated = catchments(geo, "centralised", sc.schemes, "integrated")
    assert len(separate["wmo"]) == len(separate["youth"]) < n  # provinces, like youth care
    assert len(integrated["wmo"]) == len(integrated["income"]) == n
    today = catchments(geo, "patchwork", sc.schemes, "separate")
    assert len(today["wmo"]) == len(today["income"]) == n  # municipal today


def test_separate_columns_have_rule_books_of_their_own():
    sc = tiny()
    geo = build_geography(sc)
    regions = catchments(geo, "patchwork", sc.schemes, "separate")
    books = rule_books(regions, sc.scheme_rules, "separate")
    assert not set(books[WMO]) & set(books[WIJKTEAM])
    assert not set(books[INCOME]) & set(books[WMO])
    one = rule_books(catchments(geo, "patchwork", sc.schemes, "integrated"), sc.scheme_rules,
                     "integrated")  # fmt: skip
    assert (one[WMO] == one[WIJKTEAM]).all() and (one[INCOME] == one[WIJKTEAM]).all()
    # the other domains' books do not change with the columns
    for d in (WIJKTEAM, YOUTH, VT):
        assert (one[d] == books[d]).all()


@pytest.mark.pure_python  # stand-in objects (tests/conftest.py)
def test_integrated_columns_are_one_social_team_with_the_pooled_staff():
    """No Wmo or Work & Income organisations; the wijkteam serves their needs, with
    44 + 20 + 20 = 84 FTE per 100,000 (the defaults), at their own care length."""
    sep = SocialDomainModel(tiny(columns="separate"))
    one = SocialDomainModel(tiny(columns="integrated"))
    assert one.orgs_by_domain[WMO] == [] and one.orgs_by_domain[INCOME] == []
    assert all(len(sep.orgs_by_domain[d]) == 16 for d in (WIJKTEAM, WMO, INCOME))
    fte = {d: sum(o.fte for o in sep.orgs_by_domain[d]) for d in (WIJKTEAM, WMO, INCOME)}
    assert sum(o.fte for o in one.orgs_by_domain[WIJKTEAM]) == pytest.approx(sum(fte.values()))
    assert fte[WMO] == pytest.approx(80_000 * 20 / 1e5)
    team = one.orgs_by_domain[WIJKTEAM][0]
    assert one.serving(WMO, 0) is one.serving(INCOME, 0) is one.serving(WIJKTEAM, 0)
    need = SimpleNamespace(domain=WMO, severity=3)
    assert one.handovers.handled_here(team, need)
    assert not sep.handovers.handled_here(sep.orgs_by_domain[WIJKTEAM][0], need)
    assert team.care_cfg[WMO] is one.dom[WMO] and team.care_cfg[YOUTH] is one.dom[WIJKTEAM]
    assert team.care_lengths[INCOME].means == one.dom[INCOME].care_weeks_mean


def _handovers_to(model, domains):
    a = model.log.arrays()
    org_domain = np.array([o.domain for o in model.orgs])
    sent = a["kind"] == Kind.HANDOVER_SENT
    return np.isin(org_domain[a["detail"][sent].astype(int)], domains).sum()


def test_a_need_of_another_column_is_a_handover_only_when_the_columns_are_separate():
    """Same families, same luck: separate columns hand needs to the Wmo and Work & Income
    teams and cross rule books doing so; one social team never does."""
    sep = SocialDomainModel(tiny(columns="separate")).run()
    one = SocialDomainModel(tiny(columns="integrated")).run()
    assert _handovers_to(sep, [WMO, INCOME]) > 50
    assert _handovers_to(one, [WMO, INCOME]) == 0
    a = sep.log.arrays()
    org_domain = np.array([o.domain for o in sep.orgs])
    received = a["kind"] == Kind.HANDOVER_RECEIVED
    from_wijkteam = org_domain[a["detail"][received].astype(int)] == WIJKTEAM
    to_wmo = org_domain[a["org"][received]] == WMO
    flags = a["aux"][received][from_wijkteam & to_wmo].astype(int)
    assert len(flags) > 0 and (flags & int(HandoverFlag.RULE_BOOK)).all()
