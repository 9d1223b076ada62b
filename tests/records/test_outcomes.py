"""The declared outcomes (model/records/outcomes.py) against what the model computes.

A run's summary must hold exactly the declared keys, in the declared order (the order
fixes the columns of runs.csv), and the tables the CLI prints must stay as they were.
What each outcome's value is, is checked on a log worked out by hand in
test_outcomes_by_hand.py.
"""

import re

import numpy as np
import pandas as pd
import pytest

from model.records.events import Kind
from model.records.outcomes import (
    AREA_MEAN_NAMES,
    AREA_MEANS,
    KEY_TABLE,
    MACHINE,
    OUTCOMES,
    REORGANISATION,
    REORGANISATION_ROWS,
    Direction,
    When,
    flat_names,
    outcome,
)
from model.runs.run import run
from model.vocabulary import DOMAINS


def leaves(summary: dict, prefix: str = "") -> list[str]:
    """Every key of a summary down to its leaves, nested ones dotted; frames left out (they
    are written to their own files, not to summary.json)."""
    out = []
    for k, v in summary.items():
        if isinstance(v, dict):
            out += leaves(v, f"{prefix}{k}.")
        elif not isinstance(v, pd.DataFrame):
            out.append(prefix + k)
    return out


def top_level(names) -> list[str]:
    return list(dict.fromkeys(n.split(".")[0] for n in names))


@pytest.fixture(scope="module")
def plain_run():
    from model.scenario import load_scenario
    from tests.conftest import DATA

    return run(load_scenario(DATA / "tiny.toml"), 3, detail=True)


@pytest.fixture(scope="module")
def reorganising_run():
    from model.scenario import load_scenario
    from tests.conftest import DATA

    tiny = load_scenario(DATA / "tiny.toml")
    sc = tiny.replace(reorganisation=[{"at_day": 60, "scheme": "centralised"}])
    return run(sc, 3)


def test_a_run_computes_exactly_the_declared_outcomes_in_their_order(plain_run):
    computed = leaves(plain_run.summary)
    declared = list(flat_names())
    assert set(computed) - set(declared) == set(), "computed but not declared"
    assert set(declared) - set(computed) == set(), "declared but not computed"
    assert computed == declared  # the order too: it fixes the columns of runs.csv


def test_the_domains_costs_add_up_to_the_totals_on_a_run(plain_run):
    s = plain_run.summary
    parts = [s["by_domain"][d] for d in DOMAINS]
    assert sum(p["cost_eur_total"] for p in parts) == pytest.approx(s["cost_eur_total"], rel=1e-12)
    full = s["cost_eur_full"] - s["cost_eur_governance"]
    assert sum(p["cost_eur_full"] for p in parts) == pytest.approx(full, rel=1e-12)
    assert all(p["cost_eur_total"] > 0 for p in parts)  # every domain worked in the window
    assert all(p["cost_eur_full"] >= p["cost_eur_total"] for p in parts)


def test_a_reorganising_run_computes_exactly_the_declared_outcomes(reorganising_run):
    summary = reorganising_run.summary
    assert summary["reorganisation_cases_transferred"] > 0  # it did reorganise
    # Sets, not order: a reorganising run's summary puts the breakdown and
    # cost_eur_incl_reorganisation between its own figures and the paired ones
    # (counterfactual.measure), unlike the declared order a plain run follows.
    computed = set(leaves(summary))
    declared = set(flat_names(reorganising=True, lists=True))
    assert computed - declared == set(), "computed but not declared"
    assert declared - computed == set(), "declared but not computed"
    assert all(k in summary for k in REORGANISATION)
    assert isinstance(summary["reorganisation"]["days"], list)
    assert not outcome("reorganisation.days").scalar


def test_the_sweeps_know_exactly_the_scalar_outcomes_of_every_run(plain_run):
    from model.sweeps.tasks import flat_metrics, metric_names

    assert metric_names() == set(flat_metrics(plain_run.summary)) == set(flat_names())


def test_the_machine_figures_are_declared_as_such(plain_run, tmp_path):
    """summary.json of `sdsim run` adds them; they are no outcomes."""
    import json

    from model.output.run_folder import write_run

    write_run(plain_run, tmp_path / "out", "")
    written = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert list(written) == [*top_level(flat_names()), *MACHINE]


def test_the_area_means_are_computed_per_municipality(plain_run):
    from model.records.metrics import area_means

    t = plain_run.by_municipality
    means = area_means(t, np.arange(len(t)), len(t))
    assert set(AREA_MEANS) <= set(means.columns)
    for name, mean in AREA_MEANS.items():
        assert {mean.numerator, mean.denominator} <= set(t.columns), name
        o = outcome(name)
        assert o.area == mean and (o.when is When.AREA) == (name not in plain_run.summary)


def test_the_tables_are_those_the_command_line_printed_before():
    """The CLI reads these; they must not change by being declared (issue 10 added the
    paid idle time and the full cost, which a scheme's comparison needs)."""
    assert KEY_TABLE == (
        "families",
        "handovers",
        "handover_delay_days_mean",
        "handover_delay_days_p90",
        "signal_to_care_days_mean",
        "signal_to_care_days_p90",
        "stories_told_per_family_mean",
        "redundant_intakes_per_family_mean",
        "organisations_per_family_mean",
        "regions_per_family_mean",
        "border_crossings",
        "coordination_hours",
        "admin_hours_share",
        "escalations",
        "repeat_report_share",
        "unmet_need_share",
        "cost_eur_per_family",
        "idle_hours_share",
        "cost_eur_full",
        "littles_law_max_rel_error",
    )
    assert AREA_MEAN_NAMES == (
        "signal_to_care_days_mean",
        "stories_told_per_family_mean",
        "border_crossings_per_100_families",
        "province_crossings_per_100_families",
        "unmet_need_share",
    )
    assert REORGANISATION == (
        "reorganisation_cost_eur",
        "reorganisation_hours_lost",
        "reorganisation_cases_transferred",
        "reorganisation_extra_intakes",
        "reorganisation_extra_wait_days",
        "recovery_days",
        "reorganisation_recovered",
    )
    assert REORGANISATION_ROWS == (
        *REORGANISATION,
        "cost_eur_total",
        "cost_eur_incl_reorganisation",
    )
    from model.records import metrics
    from model.runs import counterfactual

    assert metrics.AREA_MEANS is AREA_MEANS and counterfactual.FIGURES == REORGANISATION


KINDS = {k.name.lower() for k in Kind}


@pytest.mark.parametrize("o", OUTCOMES, ids=lambda o: o.name)
def test_every_declaration_is_complete_and_names_real_event_kinds(o):
    assert o.unit and o.label and o.meaning.endswith(".") and o.computed.endswith(".")
    assert isinstance(o.direction, Direction)
    quoted = set(re.findall(r"`([a-z_0-9]+)`", o.computed))
    declared = {n for x in OUTCOMES for n in (x.name, *x.names())}
    unknown = quoted - KINDS - declared
    assert not unknown, f"{o.name}: neither an event kind nor an outcome: {unknown}"
    if "not from the log" not in o.computed.lower():
        assert quoted & KINDS, f"{o.name}: names no event kind"


def test_outcome_finds_a_family_member_and_refuses_the_unknown():
    assert outcome("by_domain.youth.needs").name == "by_domain.<domain>.needs"
    assert outcome("reorganisation.cost_eur_by_item.training").unit == "EUR"
    with pytest.raises(KeyError, match="no declared outcome"):
        outcome("nonsense")


def test_the_map_legend_comes_from_the_declaration():
    from model.output.maps import legend

    assert legend("border_crossings_per_100_families") == (
        "handovers across a region border (per 100 families; grey: no families)"
    )


def test_outcome_document_is_up_to_date():
    """docs/outcomes.md is generated from the declarations; regenerate with
    `python -m model.records.outcomedoc > docs/outcomes.md` (or `sdsim outcomes`)."""
    from model.records.outcomedoc import render
    from tests.conftest import ROOT

    assert (ROOT / "docs" / "outcomes.md").read_text(encoding="utf-8") == render(), (
        "docs/outcomes.md is stale: run `python -m model.records.outcomedoc > docs/outcomes.md`"
    )
