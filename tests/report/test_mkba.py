"""The cost-benefit account on constructed runs whose net present value is worked out by
hand; every euro outcome is placed as an item or deliberately not."""

import math

import pandas as pd
import pytest

from model.records.outcomes import outcome
from model.report import mkba
from model.report.parameters import DEFAULTS, MkbaParameters


def runs(rows):
    return pd.DataFrame(rows)


def test_npv_by_hand_at_both_rates():
    # Two years, two replications. The scenario's care costs 100 more per year in rep 0 and
    # 300 more in rep 1 (so 200 a year on average; evenly by its series); its intakes take 10 family hours fewer in total
    # (spread evenly: no series); a one-off reorganisation of 1000 falls in year 2 by its
    # series, with 200 of paid hours on top.
    base = {"scenario": "base", "cost_eur_total": 1000.0, "hours_intake": 50.0,
            "reorganisation_cost_eur": 0.0}  # fmt: skip
    rows = [
        {**base, "replication": 0},
        {**base, "replication": 1},
        {"scenario": "new", "replication": 0, "cost_eur_total": 1200.0, "hours_intake": 40.0,
         "reorganisation_cost_eur": 1200.0,
         "reorganisation.cost_eur_by_item.organisation_created": 1000.0},
        {"scenario": "new", "replication": 1, "cost_eur_total": 1600.0, "hours_intake": 40.0,
         "reorganisation_cost_eur": 1200.0,
         "reorganisation.cost_eur_by_item.organisation_created": 1000.0},
    ]  # fmt: skip
    yearly = pd.DataFrame(
        [(s, r, y, 500.0, 0.0 if y == 0 or s == "base" else 1.0)
         for s in ("base", "new") for r in (0, 1) for y in (0, 1)],
        columns=["scenario", "replication", "year", "cost_eur", "reorganisation_cost_eur"],
    )  # fmt: skip
    acc = mkba.account(runs(rows), ["base", "new"], "base", 2.0, yearly)
    for rate in (0.0225, 0.03):
        d = 1 / (1 + rate)
        care = 200 * (1 + d)  # mean extra 400 over two years, 200 a year
        family = -10 * 14.0 / 2 * (1 + d)
        one_off = 1000 * d
        paid = 200 * d
        total = care + family + one_off + paid
        assert acc.value("new", "municipality", "care", rate).difference == pytest.approx(care)
        assert acc.value("new", "families", "family_time", rate).difference == pytest.approx(family)
        assert acc.value("new", "providers", "reorganisation_paid_hours", rate).difference == (
            pytest.approx(paid)
        )
        assert acc.value("new", "municipality", "total", rate).difference == pytest.approx(
            care + one_off
        )
        row = acc.value("new", rate=rate)
        assert row.difference == pytest.approx(total)
        # Two replications: the interval is the t-interval of the two paired differences.
        per_run = [100 * (1 + d) + family + one_off + paid, 300 * (1 + d) + family + one_off + paid]
        assert sum(per_run) / 2 == pytest.approx(total)
        sd = abs(per_run[1] - per_run[0]) / math.sqrt(2)
        half = 12.706204736 * sd / math.sqrt(2)  # t(0.975, 1 degree of freedom)
        assert row.ci_high - row.difference == pytest.approx(half, rel=1e-6)


def test_veilig_thuis_bears_its_own_domain_cost_by_hand():
    # One year, two replications, undiscounted in year 1 (factor 1). Cost of care 10,000 of
    # which Veilig Thuis 1,000 in the baseline; the scenario's care 10,600 of which Veilig
    # Thuis 1,500 (rep 0) and 1,700 (rep 1). Full cost 16,000 and 17,000, governance 500 in
    # both; Veilig Thuis's full cost 2,500 in the baseline, 2,600 and 3,000 in the scenario.
    def row(s, r, total, vt, full, vt_full):
        return {"scenario": s, "replication": r, "cost_eur_total": total,
                "cost_eur_full": full, "cost_eur_governance": 500.0,
                mkba.VT_CARE: vt, mkba.VT_FULL: vt_full}  # fmt: skip

    rows = [
        row("base", 0, 10_000.0, 1_000.0, 16_000.0, 2_500.0),
        row("base", 1, 10_000.0, 1_000.0, 16_000.0, 2_500.0),
        row("new", 0, 10_600.0, 1_500.0, 17_000.0, 2_600.0),
        row("new", 1, 10_600.0, 1_700.0, 17_000.0, 3_000.0),
    ]
    acc = mkba.account(pd.DataFrame(rows), ["base", "new"], "base", 1.0)
    # Veilig Thuis, booked hours: +500 and +700, mean +600
    assert acc.value("new", "veilig_thuis", "vt_care").difference == pytest.approx(600.0)
    # its idle and overhead: base 2,500 - 1,000 = 1,500; new 1,100 and 1,300: -400, -200
    assert acc.value("new", "veilig_thuis", "vt_idle_and_overhead").difference == (
        pytest.approx(-300.0)
    )
    assert acc.value("new", "veilig_thuis").difference == pytest.approx(300.0)
    # municipalities' care without Veilig Thuis: base 9,000; new 9,100 and 8,900: mean 0
    assert acc.value("new", "municipality", "care").difference == pytest.approx(0.0)
    # providers: full - care - governance - Veilig Thuis's idle: base 16,000 - 10,000 - 500
    # - 1,500 = 4,000; new 17,000 - 10,600 - 500 - 1,100 = 4,800 and - 1,300 = 4,600
    assert acc.value("new", "providers", "idle_and_overhead").difference == pytest.approx(700.0)
    # everything: the full cost rose by 1,000 in both replications
    assert acc.value("new").difference == pytest.approx(1_000.0)
    assert acc.value("new").ci_low == pytest.approx(1_000.0)


def test_first_year_counts_in_full_and_a_part_year_is_weighted():
    assert list(mkba.year_weights(2.5)) == [1.0, 1.0, 0.5]
    assert list(mkba.year_weights(0.5)) == [0.5]
    assert mkba.discount_factors(3, 0.0225)[0] == 1.0
    assert mkba.discount_factors(3, 0.0225)[2] == pytest.approx(1 / 1.0225**2)


def test_an_item_the_runs_lack_is_left_out_and_named():
    rows = [{"scenario": s, "replication": r, "cost_eur_total": 10.0}
            for s in ("a", "b") for r in (0, 1)]  # fmt: skip
    acc = mkba.account(pd.DataFrame(rows), ["a", "b"], "a", 1.0)
    # reorganisation_cost_eur is in every summary, so its absence leaves the paid hours out;
    # the one-off breakdown only reorganising runs report counts 0.
    # Veilig Thuis's lines are made of its part alone: an older folder without the split
    # leaves them out, while the care line (the total less that part) stays whole.
    assert [i.key for i in acc.absent] == [
        "family_time",
        "idle_and_overhead",
        "vt_care",
        "vt_idle_and_overhead",
        "governance",
        "reorganisation_paid_hours",
    ]
    # No run reorganises: the one-off line is left out rather than shown as zeros.
    assert [i.key for i in acc.items] == ["care"]
    assert acc.value("b").difference == 0.0


def test_every_euro_outcome_is_an_item_or_deliberately_not():
    placed = {n for item in mkba.ITEMS for n in (*item.plus, *item.minus)}
    placed |= {outcome(n).name for item in mkba.ITEMS for n in (*item.plus, *item.minus)}
    for name in mkba.euro_outcomes():
        assert name in placed or name in mkba.NOT_ITEMS, (
            f"{name} is in euros: add it to mkba.ITEMS (with who bears it) or NOT_ITEMS"
        )
    for item in mkba.ITEMS:
        for name in (*item.plus, *item.minus):
            outcome(name)  # declared (raises otherwise)


def test_parameters_are_validated():
    assert DEFAULTS.discount_rate == 0.0225 and DEFAULTS.sensitivity_rate == 0.03
    with pytest.raises(ValueError):
        MkbaParameters(discount_rate=-0.01)
    for _name, _value, unit, source in DEFAULTS.describe():
        assert unit and source
