"""A finding calls a difference a difference only when its paired 95 % interval excludes
zero; the sentence flips with the interval, in both languages."""

import math

import pandas as pd
import pytest

from model.report.findings import Verdict, findings, npv_finding, sentence, verdict
from model.report.i18n import Language


def table(diff, lo, hi, metric="signal_to_care_days_mean"):
    return pd.DataFrame(
        [("cooperating", "patchwork", metric, diff, lo, hi, 5)],
        columns=["scenario", "baseline", "metric", "difference", "ci_low", "ci_high", "n"],
    )


@pytest.mark.parametrize(
    "diff, lo, hi, expected",
    [
        (-4.0, -6.0, -2.0, Verdict.LOWER),
        (4.0, 2.0, 6.0, Verdict.HIGHER),
        (-1.0, -3.0, 1.0, Verdict.SAME),
        (0.5, -0.1, 1.1, Verdict.SAME),
        (-1.0, math.nan, math.nan, Verdict.UNKNOWN),
    ],
)
def test_verdict_follows_the_interval(diff, lo, hi, expected):
    assert verdict(diff, lo, hi) is expected


def test_a_difference_whose_interval_excludes_zero_is_called_one():
    (f,) = findings(table(-9.99, -11.7, -8.32))
    en = sentence(f, Language("en"), "patchwork")
    assert en == (
        "Signal to care, mean: cooperating is 9.99 days lower than patchwork "
        "(95 % interval of the difference -11.7 to -8.32) (better)."
    )
    nl = sentence(f, Language("nl"), "patchwork")
    assert nl.startswith("Van signaal tot zorg, gemiddeld: cooperating ligt 9,99 dagen lager")
    assert "(beter)" in nl and "-11,7 tot -8,32" in nl


def test_an_interval_holding_zero_is_no_measurable_difference():
    (f,) = findings(table(-0.4, -1.2, 0.4))
    en = sentence(f, Language("en"), "patchwork")
    assert "cooperating does not differ measurably from patchwork" in en
    assert "lower" not in en and "better" not in en
    assert "verschilt niet meetbaar" in sentence(f, Language("nl"), "patchwork")


def test_higher_is_worse_for_a_lower_is_better_outcome_and_shares_in_points():
    (f,) = findings(table(0.105, 0.1, 0.11, metric="unmet_need_share"))
    en = sentence(f, Language("en"), "patchwork")
    assert "10.5 percentage points higher" in en and "(worse)" in en


def test_too_few_replications_say_so():
    (f,) = findings(table(-1.0, math.nan, math.nan))
    assert "too few replications" in sentence(f, Language("en"), "patchwork")


def test_the_cost_finding_speaks_of_savings_and_extra_costs():
    saving = npv_finding(table(-1000.0, -1500.0, -500.0, metric="npv"))
    extra = npv_finding(table(3_104_006.0, 2_842_150.0, 3_365_863.0, metric="npv"))
    same = npv_finding(table(100.0, -50.0, 250.0, metric="npv"))
    L = Language("nl")
    assert "bespaart €\xa01.000" in sentence(saving, L, "patchwork", rate=0.0225)
    assert "kost €\xa03.104.006 meer" in sentence(extra, L, "patchwork", rate=0.0225)
    assert "2,25 %" in sentence(extra, L, "patchwork", rate=0.0225)
    assert "niet meetbaar" in sentence(same, L, "patchwork", rate=0.0225)
