"""How a scheme acts (DESIGN.md): pooling, equal capacity, familiarity, placements, rule
books, governance and specialised care, each against an answer worked out by hand or by
queueing theory on a constructed world."""

from __future__ import annotations

import math
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from model.agents.organisations import allot
from model.checks.validation import erlang_c
from model.engine.simulation import SocialDomainModel
from model.records.events import Kind
from model.runs.run import finished_model
from model.runs.statistics import mean_ci
from model.scenario import load_scenario
from model.vocabulary import (
    COLUMN_DOMAINS,
    DOMAINS,
    SCHEMES,
    SHELTER,
    VT,
    WIJKTEAM,
    YOUTH,
    IntakeKind,
)

ROOT = Path(__file__).resolve().parents[2]
MMC = ROOT / "scenarios" / "validation" / "mmc.toml"
PATCHWORK = ROOT / "scenarios" / "patchwork.toml"


# ----------------------------------------------------------------------------- pooling
def _pool_scenario(pooling: str):
    """Four equal towns; families enter at a wijkteam with room for all (an M/M/inf, whose
    output is Poisson) and all go on to youth care: one organisation of four one-person
    teams, one per town. lambda = 0.486/day, mu = 1/7 a day, rho = 0.85 per professional."""
    lam = 0.85 * 4 / 7.0
    overrides = {
        "years": 30.0,
        "scheme": "centralised",
        "schemes.centralised_level": "national",
        "schemes.centralised.pooling": pooling,
        "synthetic.municipalities": 4,
        "synthetic.population_sigma": 0.0,
        "synthetic.youth_regions": 1,
        "synthetic.vt_regions": 1,
        "synthetic.shelter_regions": 1,
        "domains.wijkteam.incidence_per_1000_per_year": lam * 365 / 100.0,
        "domains.wijkteam.care_weeks_mean": [0.1, 0.1, 0.1],
        "domains.wijkteam.fte_per_100k": 1000.0,
        "domains.wijkteam.onward_referral": {"youth": 1.0},
        "domains.youth.care_weeks_mean": [1.0, 1.0, 1.0],
        "domains.youth.care_hours_per_week": 36.0,
        "domains.youth.fte_per_100k": 4.0,
        "domains.youth.team_fte": 1.0,
        "protocols.referral.transfer_latency_days": 0.0,
        "protocols.referral.municipal_decision": False,
    }
    return load_scenario(MMC, overrides), lam


def _youth_waits(pooling: str, seeds=range(1, 17)) -> tuple[list[float], float, SocialDomainModel]:
    sc, lam = _pool_scenario(pooling)
    means = []
    for seed in seeds:
        m = finished_model(sc, seed)
        a = m.log.arrays()
        got = (a["kind"] == Kind.ASSIGNED) & (a["domain"] == YOUTH) & (a["time"] >= m.measure_from)
        means.append(float(a["value"][got].mean()))
    return means, lam, m


def test_a_pooled_organisation_waits_as_erlang_c_and_separate_teams_as_mm1():
    mu = 1 / 7.0
    pooled, lam, m = _youth_waits("pooled")
    youth = [o for o in m.orgs if o.domain == YOUTH]
    assert len(youth) == 1 and len(youth[0].teams) == 4 and youth[0].capacity == 4
    expected_pooled = erlang_c(lam, mu, 4) / (4 * mu - lam)  # ~8.6 days
    mean, lo, hi = mean_ci(pooled, confidence=0.99)
    assert lo <= expected_pooled <= hi, (mean, lo, hi, expected_pooled)

    separate, _, _ = _youth_waits("local")
    rho = lam / 4 / mu
    expected_alone = rho / (mu - lam / 4)  # M/M/1 per town: ~40 days
    mean_s, lo_s, hi_s = mean_ci(separate, confidence=0.99)
    assert lo_s <= expected_alone <= hi_s, (mean_s, lo_s, hi_s, expected_alone)
    assert hi < lo_s  # pooling waits far less near saturation


# ----------------------------------------------------------------------------- capacity
def test_allot_keeps_the_rounded_total_and_gives_everyone_a_slot():
    assert allot(np.array([1.4, 1.4, 1.2])).tolist() == [2, 1, 1]  # 4 = round(4.0)
    assert allot(np.array([0.2, 5.0]), 5).tolist() == [1, 5]  # nobody is left with none
    assert allot(np.array([2.5, 2.5])).sum() == 5


def test_equal_fte_gives_equal_capacity_in_every_scheme():
    caps = {}
    for scheme in SCHEMES:
        m = SocialDomainModel(load_scenario(PATCHWORK, {"scheme": scheme}), 1)
        caps[scheme] = [
            sum(o.capacity for o in m.orgs if o.domain == d) for d in range(len(DOMAINS))
        ]
        fte = [sum(o.fte for o in m.orgs if o.domain == d) for d in range(len(DOMAINS))]
        hours = m.workforce.weekly_hours_per_fte
        for d in range(len(DOMAINS)):
            load = m.dom[d].care_hours_per_week
            # capacity is the domain's FTE in slots, rounded once (plus a slot for any
            # organisation whose share rounds to none)
            assert abs(caps[scheme][d] - fte[d] * hours / load) <= 1 + sum(
                1 for o in m.orgs if o.domain == d and o.fte * hours / load < 0.5
            )
    for d, name in enumerate(DOMAINS):
        values = [caps[s][d] for s in SCHEMES]
        assert max(values) - min(values) <= 2, (name, caps)


# ----------------------------------------------------------------------------- familiarity
def _handovers(turnover=0.11, scale=5.0):
    from model.processes.handover import Handovers

    sc = load_scenario(
        PATCHWORK,
        {"workforce.turnover_per_year": turnover, "handover.familiarity_cases_scale": scale},
    )
    return Handovers(SimpleNamespace(scenario=sc))


def _joint_case(sender_pid: int, sender_org: int, receiver_org: int):
    sender = SimpleNamespace(professional=SimpleNamespace(pid=sender_pid),
                             org=SimpleNamespace(oid=sender_org))  # fmt: skip
    return SimpleNamespace(sender=sender, org=SimpleNamespace(oid=receiver_org))


@pytest.mark.pure_python  # stand-in objects (tests/conftest.py)
def test_familiarity_rises_with_shared_cases_and_fades_with_turnover():
    ho = _handovers(turnover=0.2, scale=5.0)
    p = SimpleNamespace(pid=7, boundary_spanner=False)
    receiver_org = SimpleNamespace(oid=3)
    receiver = SimpleNamespace(pid=9)
    assert ho.familiarity(0.0, p, receiver_org) == 0.0
    for _ in range(5):
        ho.learn(0.0, _joint_case(7, 1, 3), receiver)
    assert ho.familiarity(0.0, p, receiver_org) == pytest.approx(1 - math.exp(-1))
    # a year later a fifth of the people have left: 5 cases are remembered as 4
    assert ho.familiarity(365.0, p, receiver_org) == pytest.approx(1 - math.exp(-4 / 5))
    # the receiver learned the sender's organisation as well
    assert ho.joint_cases(0.0, 9, 1) == pytest.approx(5.0)
    # a boundary spanner knows every organisation at least this well
    spanner = SimpleNamespace(pid=8, boundary_spanner=True)
    assert ho.familiarity(0.0, spanner, receiver_org) == ho.cfg.boundary_spanner_familiarity


def test_familiarity_shortens_every_handover_not_only_across_borders():
    """Same region, same rule book: the latency of a handover between organisations that
    know each other is transfer latency x (1 - effect x familiarity), on every handover."""
    sc = load_scenario(
        PATCHWORK,
        {
            "years": 0.5,
            "warmup_days": 200,
            "handover.latency_shape": 1000.0,
            "handover.crisis_latency_factor": 1.0,  # familiarity alone
            "scheme": "centralised",
        },
    )
    m = finished_model(sc, 3)
    a = m.log.arrays()
    sent = a["kind"] == Kind.HANDOVER_SENT
    received = a["kind"] == Kind.HANDOVER_RECEIVED
    fam_of = dict(zip(a["case"][received].tolist(), a["value"][received].tolist(), strict=True))
    flags_of = dict(zip(a["case"][received].tolist(), a["aux"][received].tolist(), strict=True))
    cfg, proto = sc.handover, sc.active_protocol
    checked = 0
    for case, latency, to in zip(a["case"][sent].tolist(), a["value"][sent].tolist(),
                                 a["detail"][sent].tolist(), strict=True):  # fmt: skip
        decides = sc.domains[DOMAINS[m.orgs[to].domain]].decision_latency_days > 0
        if case not in fam_of or flags_of[case] or decides or latency == 0:
            continue
        f = fam_of[case]
        expected = proto.transfer_latency_days * (1 - cfg.familiarity_latency_effect * f)
        assert latency == pytest.approx(expected, rel=0.15)  # gamma, shape 1000: sd 3 %
        checked += 1
    assert checked > 100
    assert np.mean(list(fam_of.values())) > 0.3  # organisations get to know each other


# ----------------------------------------------------------------------------- placements
@pytest.mark.pure_python  # stand-in objects (tests/conftest.py)
def test_shelters_are_staffed_for_the_women_placed_there_and_spread_them_over_their_teams():
    # without specialised shelter, whose share small shelters would pass on
    m = SocialDomainModel(load_scenario(PATCHWORK, {"domains.shelter.specialised_share": 0.0}), 1)
    geo = m.geography
    share = m.dom[SHELTER].placement_outside_region_share
    rate = m.dom[SHELTER].fte_per_100k
    shelters = [o for o in m.orgs_by_domain[SHELTER]]
    inflow = {o.oid: 0.0 for o in shelters}
    for mun in range(geo.n):
        inflow[m.shelter_elsewhere(mun).oid] += share * geo.population[mun]
    for o in shelters:
        own = float(geo.population[o.catchment].sum())
        assert o.fte == pytest.approx(rate * (own * (1 - share) + inflow[o.oid]) / 1e5)
    total = sum(o.fte for o in shelters)
    assert total == pytest.approx(rate * geo.population.sum() / 1e5)
    # placements from outside a catchment land on teams in proportion to their FTE
    big = max(shelters, key=lambda o: len(o.teams))
    outside = next(mun for mun in range(geo.n) if mun not in big.catchment_set)
    counts = np.zeros(len(big.teams))
    for i in range(20_000):
        counts[big.team_for(SimpleNamespace(id=i, municipality=outside)).index] += 1
    shares = np.array([t.fte for t in big.teams]) / big.fte
    assert np.allclose(counts / counts.sum(), shares, atol=0.01)
    assert all(t.fte > 0 and t.capacity > 0 for o in shelters for t in o.teams)


# ----------------------------------------------------------------------------- rule books
def test_administration_grows_with_the_rule_books_an_organisation_works_under():
    g = 0.1
    municipal = SocialDomainModel(
        load_scenario(PATCHWORK, {"workforce.rule_book_admin_growth": g}), 1
    )
    regional = SocialDomainModel(
        load_scenario(PATCHWORK, {"workforce.rule_book_admin_growth": g,
                                  "schemes.patchwork.rule_books": "region"}), 1)  # fmt: skip
    youth = municipal.dom[YOUTH]
    for m_org, r_org in zip(municipal.orgs_by_domain[YOUTH], regional.orgs_by_domain[YOUTH],
                            strict=True):  # fmt: skip
        n = len(m_org.catchment)
        assert m_org.rule_books == n and r_org.rule_books == 1
        factor = 1 + g * math.log(n)
        assert m_org.intake_work[IntakeKind.FULL][1] == pytest.approx(
            youth.registration_admin_hours * factor
        )
        assert m_org.reporting_share == pytest.approx(min(youth.care_admin_share * factor, 0.9))
        assert r_org.intake_work[IntakeKind.FULL][1] == pytest.approx(
            youth.registration_admin_hours
        )
    # Veilig Thuis always works under its region's rule book
    assert all(o.rule_books == 1 for o in municipal.orgs_by_domain[VT])


def test_a_handover_into_another_rule_book_costs_extra_paperwork():
    sc = load_scenario(PATCHWORK, {"years": 0.5, "warmup_days": 200})
    m = finished_model(sc, 2)
    a = m.log.arrays()
    retyping = (a["kind"] == Kind.ADMIN) & (a["detail"] == 1)
    values = set(np.round(a["value"][retyping], 9).tolist())
    base = sc.active_protocol.sender_admin_hours
    assert values == {base, base + sc.handover.rule_book_crossing_admin_hours}
    # and only a handover between a Veilig Thuis region and a municipality's rules, or
    # between two of the municipality's separate columns, crosses
    received = a["kind"] == Kind.HANDOVER_RECEIVED
    crossed = (a["aux"][received] & 8) > 0
    senders = a["detail"][received][crossed]
    domains = {
        (m.orgs[s].domain, int(d))
        for s, d in zip(senders, a["domain"][received][crossed], strict=True)
    }
    column = {d: c for c, ds in COLUMN_DOMAINS.items() for d in ds}
    assert all(
        VT in pair or SHELTER in pair or column[pair[0]] != column[pair[1]] for pair in domains
    )


# ----------------------------------------------------------------------------- governance
def test_governance_hours_are_the_bodies_hours_by_hand():
    sc = load_scenario(PATCHWORK, {"years": 1.0, "warmup_days": 100})
    m = finished_model(sc, 1)
    g = sc.governance
    expected_month = sum(g.hours_per_body_year + g.hours_per_member_year * len(b.members)
                         for b in m.bodies) / 12  # fmt: skip
    # bodies by hand: every youth, VT and shelter region of more than one municipality
    n_bodies = sum(
        1
        for d in ("youth", "vt", "shelter")
        for r in range(len(m.regions[d]))
        if len(m.regions[d].municipalities_of(r)) > 1
    )
    assert len(m.bodies) == n_bodies
    a = m.log.arrays()
    gov = (a["kind"] == Kind.GOVERNANCE) & (a["time"] >= m.measure_from)
    months = len(np.unique(a["time"][gov]))
    assert months == 12
    assert a["value"][gov].sum() == pytest.approx(expected_month * 12)
    # aligned regions are shared by every domain: one body each
    aligned = SocialDomainModel(load_scenario(PATCHWORK, {"scheme": "aligned"}), 1)
    assert len(aligned.bodies) == sum(
        1 for r in range(len(aligned.regions["vt"]))
        if len(aligned.regions["vt"].municipalities_of(r)) > 1
    )  # fmt: skip
    assert SocialDomainModel(load_scenario(PATCHWORK, {"scheme": "decentralised"}), 1).bodies == []


# ----------------------------------------------------------------------------- specialised
@pytest.mark.pure_python  # stand-in objects (tests/conftest.py)
def test_small_organisations_buy_specialised_care_from_the_supra_regional_provider():
    m = SocialDomainModel(load_scenario(PATCHWORK, {"scheme": "decentralised"}), 1)
    supra = m.specialist(YOUTH)
    assert supra is not None and supra.specialist
    share = m.dom[YOUTH].specialised_share * (1 - m.dom[YOUTH].severity_shares[0])
    small = [o for o in m.orgs_by_domain[YOUTH] if o.buys_specialised]
    assert small and supra.fte == pytest.approx(sum(o.fte for o in small) * share / (1 - share))
    org = small[0]
    fam = SimpleNamespace(municipality=int(org.catchment[0]), placement_uniform=0.99)
    tail = 1 - m.dom[YOUTH].specialised_share
    wijkteam = m.serving(WIJKTEAM, fam.municipality)

    def need(severity, quantile):
        return SimpleNamespace(domain=YOUTH, severity=severity, care_length_quantile=quantile)

    assert m.handovers.target(wijkteam, need(3, tail + 0.01), fam) is supra
    assert m.handovers.target(wijkteam, need(1, 0.999), fam) is org  # mild: never specialised
    assert m.handovers.target(wijkteam, need(2, tail - 0.01), fam) is org
    # under today's regions the large ones keep it themselves
    p = SocialDomainModel(load_scenario(PATCHWORK), 1)
    big = [o for o in p.orgs_by_domain[YOUTH] if not o.buys_specialised]
    assert big
