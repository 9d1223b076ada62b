"""The family from Hattem, the scripted-family mechanism, and maps from the event log."""

import json

import numpy as np
import pandas as pd
import pytest

from model.cli.main import main
from model.engine.simulation import SocialDomainModel
from model.records.events import HandoverFlag, Kind
from model.records.metrics import area_means, by_municipality, summarise
from model.runs.journey import script
from model.scenario import load_scenario

PIETER = "scenarios/pieter.toml"
SMALL = {"population_scale": 0.01, "warmup_days": 30.0, "years": 0.4}


@pytest.fixture(scope="module")
def pieter():
    return load_scenario(PIETER, SMALL)


def _arrivals(model, skip: int | None) -> list[tuple]:
    """(time, municipality, domain, severity) of every family's needs at its first signal."""
    a = model.log.arrays()
    need = a["kind"] == Kind.NEED
    first = {}
    for t, f in zip(
        a["time"][a["kind"] == Kind.SIGNAL], a["family"][a["kind"] == Kind.SIGNAL], strict=True
    ):
        first.setdefault(int(f), float(t))
    return sorted(
        (float(t), int(m), int(d), int(s))
        for t, f, m, d, s in zip(
            a["time"][need],
            a["family"][need],
            a["municipality"][need],
            a["domain"][need],
            a["detail"][need],
            strict=True,
        )
        if int(f) != skip and first.get(int(f)) == float(t)
    )


def test_scripted_family_meets_the_four_regions_and_leaves_the_others_untouched(pieter):
    plain = SocialDomainModel(pieter, seed=5).run()
    model = SocialDomainModel(pieter, seed=5)
    fam = script(model, pieter)
    model.run()
    assert _arrivals(model, fam.id) == _arrivals(plain, None)  # same families, same luck
    a = model.log.arrays()
    mine = a["family"] == fam.id
    assert (a["municipality"][mine] == model.geography.index_of("Hattem")).all()
    orgs = model.organisation_table()
    met = set(orgs.loc[a["org"][mine & (a["kind"] == Kind.ASSIGNED)], "region"])
    assert {"GM0244", "JZ17", "VT14", "SH0193"} <= met  # wijkteam, youth, VT, shelter in Zwolle
    placed = a["aux"][mine & (a["kind"] == Kind.HANDOVER_RECEIVED)] & HandoverFlag.PLACED_ELSEWHERE
    assert placed.any()  # the mother was placed outside the home region
    first_signal = a["time"][mine & (a["kind"] == Kind.SIGNAL)].min()
    assert first_signal == pieter.warmup_days + pieter.journey.start_day


def test_the_family_is_the_same_in_every_scheme(pieter):
    """Its own needs arrive at the same days with the same severities whatever the scheme."""
    seen = []
    for scheme in ("patchwork", "decentralised"):
        sc = pieter.replace(scheme=scheme)
        model = SocialDomainModel(sc, seed=5)
        fam = script(model, sc)
        model.run()
        a = model.log.arrays()
        mine = (a["family"] == fam.id) & (a["kind"] == Kind.NEED)
        seen.append(
            list(
                zip(a["time"][mine][:4], a["domain"][mine][:4], a["detail"][mine][:4], strict=True)
            )
        )
    assert seen[0] == seen[1]


def test_journey_command_on_a_short_horizon(tmp_path, capsys):
    out = tmp_path / "pieter"
    args = ["journey", PIETER, "--replications", "2", "--workers", "1", "--out", str(out)]
    args += [f"--set={k}={v}" for k, v in SMALL.items()]
    args += ['--set=journey.schemes=["patchwork", "decentralised"]']
    assert main(args) == 0
    text = capsys.readouterr().out
    assert "Pieter (15)" in text and "mother" in text and "sister" in text
    table = pd.read_csv(out / "journey_table.csv")
    assert len(table) == 2 * 3  # two schemes, three protocols
    runs = pd.read_csv(out / "journey_runs.csv")
    assert len(runs) == 2 * 3 * 2 and runs["seed"].nunique() == 2  # the same worlds for all
    assert (runs["organisations"] >= 4).all()  # wijkteam, youth, Veilig Thuis, shelter
    # under decentralised every domain is Hattem's own, bar the shelter elsewhere
    assert (runs.loc[runs["scheme"] == "decentralised", "regions"] == 2).all()
    assert (runs.loc[runs["scheme"] == "patchwork", "regions"] == 4).all()
    # stories told, from the log: full intakes of the family in that run
    events = pd.read_csv(out / "journey_events.csv")
    r = runs.iloc[0]
    mine = events[
        (events.scheme == r.scheme)
        & (events.protocol == r.protocol)
        & (events.replication == r.replication)
    ]
    assert r["stories_told"] == ((mine.kind == "intake") & (mine.detail == 1)).sum()
    # a cold referral makes the family tell its story more often than integrated care
    mean = table.set_index(["scheme", "protocol"])["stories_told"]
    assert mean[("patchwork", "referral")] > mean[("patchwork", "integrated")]
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["journey"]["replications"] == 2
    assert any("ASSUMPTION" in n for n in manifest["geography"]["notes"])
    assert sorted(p.name for p in (out / "figures").iterdir()) == [
        "journey_summary.png",
        "timeline_decentralised.png",
        "timeline_patchwork.png",
    ]


def test_journey_needs_a_scripted_family_in_its_geography(tiny_path, tmp_path, capsys):
    assert main(["journey", str(tiny_path), "--out", str(tmp_path / "x")]) == 2
    assert "journey.signals: no scripted family" in capsys.readouterr().err
    assert (
        main(["journey", PIETER, "--set", "geography=synthetic", "--out", str(tmp_path / "x")]) == 2
    )
    assert "journey.municipality: no municipality 'GM0244'" in capsys.readouterr().err
    assert not (tmp_path / "x").exists()


# ----------------------------------------------------------------------------- maps
def test_municipal_counts_add_up_to_the_summary(tiny):
    model = SocialDomainModel(tiny).run()
    a, info = model.log.arrays(), model.run_info()
    s = summarise(a, info)
    c = by_municipality(a, info, model.geography.n)
    assert c["families"].sum() == s["families"]
    assert c["needs"].sum() == s["needs"]
    assert c["border_crossings"].sum() == s["border_crossings"]
    assert c["province_crossings"].sum() == s["province_crossings"]
    assert c["placements_elsewhere"].sum() == s["placements_elsewhere"]
    whole = area_means(c, np.zeros(model.geography.n, dtype=int), 1).iloc[0]
    assert whole["signal_to_care_days_mean"] == pytest.approx(s["signal_to_care_days_mean"])
    assert whole["stories_told_per_family_mean"] == pytest.approx(s["stories_told_per_family_mean"])
    assert whole["unmet_need_share"] == pytest.approx(s["unmet_need_share"])


def test_run_on_the_real_map_draws_maps_and_sdsim_map_redraws(tmp_path):
    out = tmp_path / "nl"
    args = ["run", "scenarios/national.toml", "--out", str(out), "--events", "csv"]
    args += ["--set=population_scale=0.01", "--set=warmup_days=30", "--years=0.2"]
    assert main(args) == 0
    counts = pd.read_csv(out / "municipalities.csv")
    assert len(counts) == 342 and counts.loc[counts.code == "GM0244", "name"].item() == "Hattem"
    summary = json.loads((out / "summary.json").read_text())
    assert counts["families"].sum() == summary["families"]
    assert {"map_signal_to_care.png", "map_border_crossings.png"} <= {
        p.name for p in (out / "figures").iterdir()
    }
    png = tmp_path / "vt.png"
    assert (
        main(
            ["map", str(out), "--metric", "unmet_need_share", "--regions", "vt", "--out", str(png)]
        )
        == 0
    )
    assert png.stat().st_size > 10_000
