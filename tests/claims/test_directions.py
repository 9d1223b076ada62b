"""The directions of effect the design predicts, each on the same seed (paired)."""

import pytest

from model.runs.run import run


@pytest.fixture(scope="module")
def runs():
    from model.scenario import load_scenario
    from tests.conftest import DATA

    base = load_scenario(DATA / "tiny.toml").replace(years=1.0, **{"synthetic.population": 150_000})
    out = {}
    for name, change in {
        "patchwork": {},
        "warm": {"protocol": "warm"},
        "cooperating": {"protocol": "integrated"},
        "aligned": {"scheme": "aligned"},
        "aligned_integrated": {"scheme": "aligned", "protocol": "integrated"},
        "centralised": {"scheme": "centralised"},
        "decentralised": {"scheme": "decentralised"},
    }.items():
        out[name] = run(base.replace(**change), 3).summary
    return out


def test_integrated_protocol_means_fewer_stories_than_referral(runs):
    assert (
        runs["cooperating"]["stories_told_per_family_mean"]
        < runs["patchwork"]["stories_told_per_family_mean"]
    )
    assert runs["cooperating"]["redundant_intakes"] < runs["patchwork"]["redundant_intakes"]


def test_warm_handover_lies_between(runs):
    p, w, c = (runs[k]["handover_delay_days_mean"] for k in ("patchwork", "warm", "cooperating"))
    assert c < w < p
    assert (
        runs["warm"]["stories_told_per_family_mean"]
        < runs["patchwork"]["stories_told_per_family_mean"]
    )


def test_integrated_brings_care_sooner(runs):
    assert (
        runs["cooperating"]["signal_to_care_days_mean"]
        < runs["patchwork"]["signal_to_care_days_mean"]
    )


def test_aligned_regions_cross_fewer_borders_than_patchwork(runs):
    assert runs["patchwork"]["border_crossings"] > 0
    assert runs["aligned"]["border_crossings"] < runs["patchwork"]["border_crossings"]
    assert runs["aligned_integrated"]["border_crossings"] < runs["cooperating"]["border_crossings"]


def test_one_organisation_per_municipality_means_one_region_per_family(runs):
    """Only deliberate shelter placements elsewhere take a family outside its municipality."""
    d = runs["decentralised"]
    assert d["regions_per_family_mean"] - 1.0 <= d["placements_elsewhere"] / d["families"] + 1e-9
    assert d["regions_per_family_mean"] < runs["patchwork"]["regions_per_family_mean"]
    assert d["border_crossings"] == 0
    assert runs["centralised"]["border_crossings"] == 0


def test_decentralising_costs_staff(runs):
    """Every municipality needs a minimum staff in every domain."""
    assert runs["decentralised"]["fte_total"] > runs["patchwork"]["fte_total"]
