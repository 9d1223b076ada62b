"""A reorganisation's costs and lost hours from their formulas (docs/model.md, Reorganisation).

The tiny country is centralised on day 60 of its measured year, each friction switched on
alone. The expected figures come from the parameters and the new organisations' slots
(capacity) as staffed, by the formulas the documentation states, never from the records
the reorganisation wrote:
- contracting gap: every slot of a new organisation idle for the gap,
  slots x care hours a week x gap days / 7 (paid);
- vacancy: the leavers' slots empty until max(vacancy, gap) days, same form (unpaid), and
  EUR per leaver;
- learning: a share L of a team's slots withheld, falling linearly to zero over the
  learning days, stepped weekly: each week round(L (1 - week x 7 / days) x slots) slots;
- one-off euros per organisation created and dissolved, per professional moved.
"""

from __future__ import annotations

import pytest

from model.engine.simulation import SocialDomainModel
from model.records.events import Kind, LossReason, TransitionItem
from model.vocabulary import DOMAINS

# A case in wrap-up (the sender's paperwork after a handover) finishes where it is and holds
# a slot of the new organisation; without that paperwork no case is ever in wrap-up.
NO_WRAP_UP = {"protocols.referral.sender_admin_hours": 0.0,
              "handover.rule_book_crossing_admin_hours": 0.0}  # fmt: skip
# Cases in care move with their needs ("transfer"), so that no new slot is held for a
# predecessor's professional finishing a case (docs/model.md): every slot is the new one's.
FREE = {
    "cases_in_care": "transfer",
    "contracting_gap_days": 0.0,
    "productivity_loss_new_organisation": 0.0,
    "staff_leaving_share": 0.0,
    "vacancy_days": 0.0,
    "transfer_hours_per_case": 0.0,
    "cost_eur_per_organisation_created": 0.0,
    "cost_eur_per_organisation_dissolved": 0.0,
    "cost_eur_per_professional_moved": 0.0,
    "cost_eur_per_case_transferred": 0.0,
    "cost_eur_per_leaver": 0.0,
}


def reorganise(tiny, **friction):
    """The run, and the organisations the reorganisation created and dissolved."""
    sc = tiny.replace(years=1.0, **NO_WRAP_UP, reorganisation=[{"at_day": 60, "scheme": "centralised",
                                                  **FREE, **friction}])  # fmt: skip
    before = len(SocialDomainModel(sc, seed=3).orgs)
    model = SocialDomainModel(sc, seed=3).run()
    created = model.orgs[before:]
    dissolved = [o for o in model.orgs[:before] if not o.active]
    assert created and dissolved
    return model, created, dissolved


def records(model, kind, detail):
    a = model.log.arrays()
    rows = (a["kind"] == kind) & (a["detail"] == detail)
    return {int(o): (float(v), int(x)) for o, v, x in
            zip(a["org"][rows], a["value"][rows], a["aux"][rows], strict=True)}  # fmt: skip


def assert_same(got: dict, expected: dict) -> None:
    assert got.keys() == expected.keys()
    for k, (value, aux) in expected.items():
        assert got[k][0] == pytest.approx(value) and got[k][1] == aux, k


def load(model, org):
    return model.scenario.domains[DOMAINS[org.domain]].care_hours_per_week


def test_the_contracting_gap_idles_every_new_slot(tiny):
    model, created, _ = reorganise(tiny, contracting_gap_days=30.0)
    got = records(model, Kind.TRANSITION_HOURS, LossReason.CONTRACTING_GAP)
    expected = {o.oid: (o.capacity * load(model, o) * 30 / 7, 1) for o in created}
    assert_same(got, expected)


def test_leavers_leave_their_slots_empty_until_the_later_of_vacancy_and_gap(tiny):
    """Everyone leaves (share 1): every slot is vacant for max(90, 30) = 90 days, unpaid;
    no slot is left to wait for the contracting gap; EUR 2,000 per leaver."""
    model, created, _ = reorganise(tiny, staff_leaving_share=1.0, vacancy_days=90.0,
                                   contracting_gap_days=30.0, cost_eur_per_leaver=2000.0)  # fmt: skip
    vacancy = records(model, Kind.TRANSITION_HOURS, LossReason.VACANCY)
    assert_same(vacancy, {o.oid: (o.capacity * load(model, o) * 90 / 7, 0) for o in created})
    assert records(model, Kind.TRANSITION_HOURS, LossReason.CONTRACTING_GAP) == {}
    leavers = records(model, Kind.TRANSITION_COST, TransitionItem.LEAVERS)
    assert leavers == {o.oid: (2000.0 * len(o.professionals), len(o.professionals))
                       for o in created}  # fmt: skip


def test_learning_withholds_a_falling_share_of_slots_week_by_week(tiny):
    """L = 0.5 over 70 days: in week k (0..9) a team withholds round(0.5 (1 - k/10) x slots)
    slots, each a week of care hours."""
    model, created, _ = reorganise(tiny, productivity_loss_new_organisation=0.5,
                                   learning_days=70.0)  # fmt: skip
    a = model.log.arrays()
    rows = (a["kind"] == Kind.TRANSITION_HOURS) & (a["detail"] == LossReason.LEARNING)
    for o in created:
        mine = rows & (a["org"] == o.oid)
        weeks = [round(0.5 * (1 - k / 10) * team.capacity) for team in o.teams
                 for k in range(10)]  # fmt: skip
        assert a["value"][mine].sum() == pytest.approx(sum(weeks) * load(model, o)), o.oid
        assert (a["aux"][mine] == 1).all()  # paid
        assert mine.sum() == 10  # one booking a week
    t0 = model.measure_from + 60
    assert a["time"][rows].max() == pytest.approx(t0 + 70)


def test_one_off_euros_per_organisation_and_professional(tiny):
    model, created, dissolved = reorganise(
        tiny, cost_eur_per_organisation_created=50_000.0,
        cost_eur_per_organisation_dissolved=20_000.0, cost_eur_per_professional_moved=4_500.0,
    )  # fmt: skip
    assert records(model, Kind.TRANSITION_COST, TransitionItem.ORGANISATION_CREATED) == {
        o.oid: (50_000.0, 1) for o in created
    }
    assert records(model, Kind.TRANSITION_COST, TransitionItem.ORGANISATION_DISSOLVED) == {
        o.oid: (20_000.0, 1) for o in dissolved
    }
    moved = records(model, Kind.TRANSITION_COST, TransitionItem.PROFESSIONALS_MOVED)
    assert moved == {o.oid: (4_500.0 * len(o.professionals), len(o.professionals))
                     for o in dissolved if o.professionals}  # fmt: skip


def test_training_euros_and_hours_per_professional(tiny):
    """A new protocol trains every professional of every organisation active after the
    redraw, the new ones included: EUR 500 and 16 hours (paid) each, counted from the
    model's own organisations."""
    model, created, _ = reorganise(
        tiny, protocol="warm", cost_eur_per_professional_trained=500.0,
        training_hours_per_professional=16.0,
    )  # fmt: skip
    active = [o for o in model.orgs if o.active]
    assert set(created) <= set(active)
    assert_same(
        records(model, Kind.TRANSITION_COST, TransitionItem.TRAINING),
        {o.oid: (500.0 * len(o.professionals), len(o.professionals)) for o in active},
    )
    a = model.log.arrays()
    rows = (a["kind"] == Kind.TRANSITION_HOURS) & (a["detail"] == LossReason.TRAINING)
    hours = {int(o): float(v) for o, v in zip(a["org"][rows], a["value"][rows], strict=True)}
    assert hours == {o.oid: pytest.approx(16.0 * len(o.professionals)) for o in active}
    assert (a["aux"][rows] == 1).all()  # paid
    assert sum(len(o.professionals) for o in active) > 0
