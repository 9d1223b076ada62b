"""Reorganisation: nothing lost or duplicated, costs that add up, and a fair counterfactual."""

import json
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from model.cli.main import main
from model.engine.simulation import SocialDomainModel
from model.records.events import Kind, TransitionItem
from model.records.metrics import frame
from model.runs.counterfactual import FIGURES, Profile, recovery, rolling_delay
from model.runs.run import run
from model.vocabulary import INCOME, WIJKTEAM, WMO, CasePhase
from tests.engine.test_invariants import check_families_accounted, check_hours

AT_DAY = 60  # of the measured period; tiny.toml warms up for 60 days


def reorganised(tiny, **change):
    return tiny.replace(years=1.0, reorganisation=[{"at_day": AT_DAY, **change}])


def test_no_reorganisation_means_zero_figures_and_no_counterfactual_run(tiny, monkeypatch):
    built = []
    original = SocialDomainModel.__init__

    def counting(self, *args, **kwargs):
        built.append(1)
        original(self, *args, **kwargs)

    monkeypatch.setattr(SocialDomainModel, "__init__", counting)
    result = run(tiny, 4)
    s = result.summary
    assert len(built) == 1
    assert all(s[k] == 0 for k in FIGURES if k != "reorganisation_recovered")
    assert s["reorganisation_recovered"] == 1
    # the total with the reorganisation, against the run's months added up (another path)
    assert s["cost_eur_incl_reorganisation"] == pytest.approx(result.timeseries["cost_eur"].sum())
    assert s["cost_eur_incl_reorganisation"] > 0
    assert (result.timeseries["reorganisation_cost_eur"] == 0).all()


def test_reorganising_to_the_scheme_in_force_changes_nothing(tiny):
    """No organisation is created or dissolved, no case moves: the very same run."""
    plain = SocialDomainModel(tiny.replace(years=1.0), seed=5).run()
    same = SocialDomainModel(reorganised(tiny, scheme="patchwork"), seed=5).run()
    assert same.log.records().tobytes() == plain.log.records().tobytes()
    s = run(reorganised(tiny, scheme="patchwork"), 5).summary
    assert s["reorganisation_cases_transferred"] == 0
    assert s["reorganisation_cost_eur"] == 0 and s["reorganisation_hours_lost"] == 0
    assert s["reorganisation_extra_intakes"] == 0 and s["reorganisation_extra_wait_days"] == 0
    assert s["recovery_days"] == 0 and s["reorganisation_recovered"] == 1


def test_the_counterfactual_is_the_same_run_until_the_reorganisation(tiny):
    sc = reorganised(tiny, scheme="centralised", protocol="warm")
    t1 = sc.warmup_days + AT_DAY
    with_it = SocialDomainModel(sc, seed=8).run().log.records()
    without = SocialDomainModel(sc.replace(reorganisation=[]), seed=8).run().log.records()
    before = with_it[with_it["time"] < t1]
    assert len(before) > 1000
    assert before.tobytes() == without[without["time"] < t1].tobytes()
    assert with_it.tobytes() != without.tobytes()


CASE_KINDS = [Kind.QUEUED, Kind.ASSIGNED, Kind.INTAKE, Kind.ADMIN, Kind.CARE_START,
              Kind.CARE_END, Kind.CLOSED, Kind.HANDOVER_RECEIVED, Kind.DROPOUT]  # fmt: skip


@pytest.mark.parametrize("policy", ["continue", "transfer"])
def test_no_family_is_lost_or_duplicated_in_a_transfer(tiny, policy):
    """Every case open at a dissolved organisation on the day is, from the log, exactly one
    of: moved as it was, closed and reopened at the successor, or finished where it was."""
    sc = reorganised(tiny, scheme="centralised", cases_in_care=policy)
    model = SocialDomainModel(sc, seed=3).run()
    check_families_accounted(model)
    check_hours(model)
    t1 = sc.warmup_days + AT_DAY
    dead = {o.oid for o in model.orgs if not o.active}
    assert dead and len(model.orgs) > len(dead)
    df = frame(model.log.arrays())
    at_case = df[df.kind.isin([int(k) for k in CASE_KINDS])][["time", "kind", "case", "org"]]
    sent = df[df.kind == Kind.HANDOVER_SENT]  # the receiving case and, in detail, its org
    history = pd.concat([at_case, sent.assign(org=sent["detail"])[at_case.columns]])
    before = history[history.time < t1].sort_values("time", kind="stable")
    closed_before = set(before.loc[before.kind == Kind.CLOSED, "case"])
    last_org = before.groupby("case")["org"].last()
    open_at_dead = {c for c, o in last_org.items() if o in dead and c not in closed_before}
    assert len(open_at_dead) > 10

    moves = df[df.kind == Kind.TRANSFER]
    assert (moves.time == t1).all()
    old_id = moves["value"].astype(int)
    as_is = set(moves.loc[old_id == moves["case"], "case"])
    reopened = set(old_id[old_id != moves["case"]])
    after = history[history.time >= t1]
    finished_there = {c for c in open_at_dead - as_is - reopened
                      if set(after.loc[after.case == c, "org"]) <= dead}  # fmt: skip
    assert as_is | reopened | finished_there == open_at_dead  # nothing lost
    met = set(before.loc[before.kind == Kind.ASSIGNED, "case"])
    assert open_at_dead - met <= as_is  # whoever still waited moved, nobody was dropped
    assert not (as_is & reopened) and not ((as_is | reopened) & finished_there)  # nor doubled
    assert as_is and finished_there
    for case in as_is:  # a moved case lives on at the one organisation it moved to
        assert set(after.loc[after.case == case, "org"]) <= set(
            moves.loc[moves.case == case, "org"]
        )
    closed_on_the_day = set(after.loc[(after.kind == Kind.CLOSED) & (after.time == t1), "case"])
    assert reopened <= closed_on_the_day
    # No need ends twice, and every need of a reopened case is carried on by its new case.
    assert df[df.kind == Kind.CARE_END]["need"].value_counts().max() == 1
    if policy == "transfer":
        assert reopened
        assert set(moves.loc[moves.aux == CasePhase.CARE, "need"]) <= set(
            df.loc[df.kind == Kind.CARE_START, "need"]
        )
        new_cases = set(moves.loc[old_id != moves["case"], "case"])
        assert not new_cases & set(before["case"])  # fresh cases, opened on the day
        # Under the referral protocol a reopened case means telling the story again.
        intakes = df[(df.kind == Kind.INTAKE) & df.case.isin(new_cases)]
        assert len(intakes) > 0 and (intakes["detail"] == 1).all()
        resumed = df[df.kind == Kind.CARE_RESUMED]
        assert len(resumed) > 0 and (resumed["value"] > 0).all()
    else:
        assert not reopened
        assert set(moves["aux"]) <= {CasePhase.TRANSIT, CasePhase.QUEUED}
    assert CasePhase.INTAKE not in set(moves["aux"]) or policy == "transfer"


def test_costs_and_hours_add_up_from_the_log(tiny_path, tmp_path):
    """summary.json against events.parquet and organisations.csv, by hand."""
    path = tmp_path / "reorg.toml"
    path.write_text(
        tiny_path.read_text().replace("years = 0.5", "years = 1.0")
        + '\n[[reorganisation]]\nat_day = 60\nscheme = "aligned"\nprotocol = "warm"\n'
    )
    out = tmp_path / "res"
    assert main(["run", str(path), "--out", str(out), "--seed", "2"]) == 0
    s = json.loads((out / "summary.json").read_text())
    ev = pd.read_parquet(out / "events.parquet")
    orgs = pd.read_csv(out / "organisations.csv")
    costs = ev[ev.kind == "transition_cost"]
    hours = ev[ev.kind == "transition_hours"]
    hourly = {"wijkteam": 75.0, "youth": 90.0, "vt": 85.0, "shelter": 80.0, "wmo": 75.0,
              "income": 75.0}  # fmt: skip
    paid = hours[hours.aux == 1]
    expected = (
        costs["value"].sum() + (paid["value"] * paid["domain"].map(hourly).astype(float)).sum()
    )
    assert s["reorganisation_cost_eur"] == pytest.approx(expected)
    assert s["reorganisation_hours_lost"] == pytest.approx(hours["value"].sum())
    moved = ev[ev.kind == "transfer"]
    assert s["reorganisation_cases_transferred"] == moved["value"].nunique() > 0
    dissolved = orgs[~orgs["active"]]
    detail = s["reorganisation"]
    assert detail["organisations_dissolved"] == len(dissolved) > 0
    assert detail["professionals_moved"] == dissolved["professionals"].sum()
    assert (
        detail["cost_eur_by_item"]["professionals_moved"] == 4500 * dissolved["professionals"].sum()
    )
    # training per professional: from the model's own organisations in
    # test_reorganisation_costs.py::test_training_euros_and_hours_per_professional
    ts = pd.read_csv(out / "timeseries.csv")
    assert ts["reorganisation_cost_eur"].sum() == pytest.approx(s["reorganisation_cost_eur"])
    # the total with the reorganisation, against the months added up (another path)
    assert s["cost_eur_incl_reorganisation"] == pytest.approx(
        ts["cost_eur"].sum() + ts["reorganisation_cost_eur"].sum()
    )
    rec = pd.read_csv(out / "reorganisation_recovery.csv")
    assert rec["day"].min() == 0 and rec["signal_to_care_days_rolling"].notna().all()
    assert s["recovery_days"] == recovered_on(rec, AT_DAY, tolerance=0.05, confirm=182)
    assert (out / "figures" / "reorganisation.png").exists()


def test_recovery_days_are_the_daily_table_counted_by_hand(tiny_path, tmp_path):
    """Every municipality made to run every domain, without a better protocol, and a tight
    tolerance: this run is back within 2 % only 149 days after the reorganisation (not on
    its first day, as above). A redraw to aligned regions, the case before issue 15's
    calibration of Work & Income, no longer recovers within 2 % inside the year."""
    path = tmp_path / "reorg.toml"
    path.write_text(
        tiny_path.read_text().replace("years = 0.5", "years = 1.0")
        + "\n[recovery]\ntolerance_share = 0.02\nconfirm_days = 60\n"
        + '\n[[reorganisation]]\nat_day = 60\nscheme = "decentralised"\n'
    )
    out = tmp_path / "res"
    assert main(["run", str(path), "--out", str(out), "--seed", "2"]) == 0
    s = json.loads((out / "summary.json").read_text())
    rec = pd.read_csv(out / "reorganisation_recovery.csv")
    assert s["recovery_days"] == recovered_on(rec, AT_DAY, tolerance=0.02, confirm=60) > 0


def recovered_on(rec: pd.DataFrame, at_day: int, tolerance: float, confirm: int) -> float:
    """recovery_days by its definition (docs/outcomes.md), counted day by day from the
    daily table: the first day after the reorganisation from which the rolling delay stays
    at most (1 + tolerance) x the counterfactual's for `confirm` days in a row."""
    r = rec["signal_to_care_days_rolling"].to_numpy()[at_day:]
    c = rec["counterfactual_days_rolling"].to_numpy()[at_day:]
    streak = 0
    for day in range(len(r)):
        within = r[day] <= c[day] * (1 + tolerance) or (np.isnan(r[day]) and np.isnan(c[day]))
        streak = streak + 1 if within else 0
        if streak == confirm:
            return float(day - confirm + 1)
    return math.nan


def test_a_frictionless_redraw_costs_nothing(tiny):
    free = {
        "contracting_gap_days": 0,
        "productivity_loss_new_organisation": 0,
        "staff_leaving_share": 0,
        "transfer_hours_per_case": 0,
        "cost_eur_per_organisation_created": 0,
        "cost_eur_per_organisation_dissolved": 0,
        "cost_eur_per_professional_moved": 0,
        "cost_eur_per_case_transferred": 0,
    }
    s = run(reorganised(tiny, scheme="centralised", **free), 6).summary
    assert s["reorganisation_cases_transferred"] > 0
    assert s["reorganisation_cost_eur"] == 0 and s["reorganisation_hours_lost"] == 0
    full = run(reorganised(tiny, scheme="centralised"), 6).summary
    assert full["reorganisation_hours_lost"] > 0 and full["reorganisation_cost_eur"] > 0


def test_compare_reuses_a_scenario_as_counterfactual(tiny, tmp_path):
    """In a comparison the world without the reorganisation is run once (another scenario
    of the set when one is that world, a hidden counterfactual otherwise), and the paired
    figures are the same as a single run's, which runs its counterfactual itself."""
    from model.sweeps.compare import compare

    base = tiny.replace(years=1.0)
    reorg = reorganised(tiny, scheme="aligned").replace(name="reorg")
    both = compare([base, reorg], 2, 7, 1, tmp_path / "both")
    assert sorted(p.name for p in (tmp_path / "both" / "runs").iterdir()) == ["reorg", base.name]
    alone = compare([reorg], 2, 7, 1, tmp_path / "alone")
    assert sorted(p.name for p in (tmp_path / "alone" / "runs").iterdir()) == [
        "reorg",
        "reorg.counterfactual",
    ]
    single = run(reorg, both.seeds[1]).summary
    mine = both.runs[both.runs.scenario == "reorg"].iloc[1]
    lone = alone.runs.iloc[1]
    for k in FIGURES:
        assert mine[k] == lone[k] == pytest.approx(single[k], nan_ok=True), k
    assert list(alone.runs.scenario.unique()) == ["reorg"]  # the hidden run is in no table


def test_bad_reorganisation_gives_one_line(tmp_path, capsys):
    path = tmp_path / "bad.toml"
    path.write_text('years = 2\n[[reorganisation]]\nat_year = 3\nscheme = "aligned"\n')
    assert main(["run", str(path)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "reorganisation" in err and "before its end" in err
    path.write_text("[[reorganisation]]\nat_year = 1\n")
    assert main(["run", str(path)]) == 2
    assert "scheme" in capsys.readouterr().err


# ----------------------------------------------------------------------------- recovery
def test_recovery_of_a_constructed_series():
    base = np.full(400, 30.0)
    shock = base.copy()
    shock[:50] = 40.0  # 33 % above for 50 days, then back within 5 %
    shock[50:120] = 31.0
    assert recovery(shock, base, 0.05, 91) == 50
    assert recovery(base * 0.8, base, 0.05, 91) == 0  # better is recovered
    assert recovery(base * 1.06, base, 0.05, 91) is None  # never within
    late = base.copy()
    late[:350] = 40.0
    assert recovery(late, base, 0.05, 91) is None  # back, but not for long enough
    assert recovery(late, base, 0.05, 50) == 350
    blip = shock.copy()
    blip[200] = 45.0  # an excursion after the recovery has held does not undo it
    assert recovery(blip, base, 0.05, 91) == 50
    blip[100] = 45.0  # one before it has held restarts the count
    assert recovery(blip, base, 0.05, 91) == 101
    gap = base.copy()
    gap[10:20] = np.nan  # nobody helped at all: not recovered then
    assert recovery(gap, base, 0.05, 91) == 20
    assert recovery(gap, gap, 0.05, 91) == 0


def test_rolling_delay_of_a_constructed_profile():
    n = 10
    starts = np.zeros(n)
    delays = np.zeros(n)
    starts[[2, 5]] = [2, 1]  # needs that came to light on days 2 and 5
    delays[[2, 5]] = [10.0, 40.0]  # the first two waited 5 days each, the third 40
    p = Profile(starts, delays, np.zeros(n), np.zeros(n))
    r = rolling_delay(p, 3)
    assert math.isnan(r[0]) and r[2] == 5 and r[4] == 5
    assert r[5] == 40 and r[7] == 40 and math.isnan(r[8])
    assert rolling_delay(p, 10)[9] == pytest.approx(50 / 3)


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    start=st.sampled_from(["patchwork", "centralised", "decentralised", "aligned"]),
    to=st.sampled_from(["patchwork", "centralised", "decentralised", "aligned", None]),
    protocol=st.sampled_from(["referral", "warm", "integrated", None]),
    policy=st.sampled_from(["continue", "transfer"]),
    gap=st.sampled_from([0.0, 20.0]),
    then=st.sampled_from([None, "patchwork", "centralised", "aligned"]),
    merge=st.booleans(),
    seed=st.integers(0, 2**32),
)
def test_invariants_hold_through_any_reorganisation(
    tiny, start, to, protocol, policy, gap, then, merge, seed
):
    if to is None and protocol is None and not merge:
        to = "aligned"
    change = {"cases_in_care": policy, "contracting_gap_days": gap}
    if merge:  # the columns' teams become one social team
        change["columns"] = "integrated"
    if to is not None:
        change["scheme"] = to
    if protocol is not None:
        change["protocol"] = protocol
    sc = reorganised(tiny, **change).replace(scheme=start, years=0.6)
    if then is not None:  # a second one while the first is still settling
        second = {"at_day": AT_DAY + 45, "scheme": then, "cases_in_care": policy}
        sc = sc.replace(reorganisation=[sc.reorganisation[0].model_dump(), second])
    model = SocialDomainModel(sc, seed=seed).run()
    check_families_accounted(model)
    check_hours(model)
    a = model.log.arrays()
    assert np.bincount(a["need"][a["kind"] == Kind.CARE_END]).max(initial=0) <= 1


def test_waiting_need_days_by_hand(tiny):
    """The need-days behind reorganisation_extra_wait_days, recomputed from the log with
    pandas: from a need's rise to its first care start or dropout (or the end), plus care
    interrupted by a transfer until it resumes."""
    from model.runs.counterfactual import profile

    sc = reorganised(tiny, scheme="centralised", cases_in_care="transfer")
    model = SocialDomainModel(sc, seed=9).run()
    a = model.log.arrays()
    end = model.end_day
    df = frame(a)
    arose = df[df.kind == Kind.NEED].groupby("need")["time"].min()
    left = df[df.kind.isin([Kind.CARE_START, Kind.DROPOUT])].groupby("need")["time"].min()
    waited = (left.reindex(arose.index).fillna(end).clip(upper=end) - arose).sum()
    in_care = (df.kind == Kind.TRANSFER) & (df.aux == CasePhase.CARE)
    moved = df[in_care].set_index(["case", "need"])["time"]
    back = df[df.kind == Kind.CARE_RESUMED].set_index(["case", "need"])["time"]
    interrupted = (back.reindex(moved.index).fillna(end) - moved).sum()
    assert interrupted > 0
    assert profile(a, model.run_info()).waiting.sum() == pytest.approx(waited + interrupted)


@pytest.mark.parametrize("policy", ["continue", "transfer"])
def test_merging_the_columns_makes_one_social_team_per_municipality(tiny, policy):
    """Ontschotting as a reorganisation: every wijkteam, Wmo and Work & Income team is
    dissolved, one social team per municipality takes their staff together and their
    cases, and no need is handed over to a Wmo or Work & Income team afterwards."""
    sc = reorganised(tiny, columns="integrated", cases_in_care=policy)
    model = SocialDomainModel(sc, seed=3).run()
    check_families_accounted(model)
    check_hours(model)
    day = model.measure_from + AT_DAY
    n_mun = len(model.geography.population)
    columns = (WIJKTEAM, WMO, INCOME)
    old = [o for o in model.orgs if o.domain in columns and not o.active]
    new = [o for o in model.orgs if o.domain in columns and o.active and not o.specialist]
    assert len(old) == 3 * n_mun and {o.domain for o in old} == set(columns)
    assert len(new) == n_mun and {o.domain for o in new} == {WIJKTEAM}
    assert model.columns == "integrated" and model.merged_domains == {WMO, INCOME}
    # The social team's staff: the three columns' FTE per 100k together (the same rule as a
    # run that starts integrated).
    start = SocialDomainModel(tiny.replace(years=1.0, columns="integrated"), seed=3)
    fte = {o.catchment_set: o.fte for o in start.orgs if o.domain == WIJKTEAM and not o.specialist}
    assert {o.catchment_set: o.fte for o in new} == pytest.approx(fte)
    assert all(set(o.column_cfgs) == {WMO, INCOME} for o in new)
    assert (model.rule_book[WMO] == model.rule_book[WIJKTEAM]).all()
    a = model.log.arrays()
    kind, t = a["kind"], a["time"]
    # Costs: 3 organisations dissolved and 1 created per municipality.
    cost = kind == Kind.TRANSITION_COST
    items = a["detail"][cost]
    assert (items == TransitionItem.ORGANISATION_DISSOLVED).sum() == 3 * n_mun
    assert (items == TransitionItem.ORGANISATION_CREATED).sum() == n_mun
    # After the day no handover goes to a Wmo or Work & Income team, and every case still
    # open there moved to a social team (transfer) or finishes where it is (continue).
    org_domain = np.array([o.domain for o in model.orgs])
    sent = (kind == Kind.HANDOVER_SENT) & (t >= day)
    assert not np.isin(org_domain[a["detail"][sent]], [WMO, INCOME]).any()
    moved = (kind == Kind.TRANSFER) & np.isin(org_domain[np.maximum(a["detail"], 0)], [WMO, INCOME])
    assert moved.any()
    assert (org_domain[a["org"][moved]] == WIJKTEAM).all()
    # A dissolved team takes no new family: its queue moved with the rest.
    first = (kind == Kind.ASSIGNED) & (t >= day)
    assert first.sum() > 100
    assert not np.isin(org_domain[a["org"][first]], [WMO, INCOME]).any()
