"""Calibration: the model's figures per measured year, checked by hand against the log."""

import json

import numpy as np
import pytest
from scipy import stats

from model.checks.calibration import TARGETS, YOUNG_SHARE, measure
from model.cli.main import main
from model.engine.simulation import SocialDomainModel
from model.records.metrics import summarise
from model.runs.run import replication_seeds


def test_figures_match_the_log_counted_by_hand(tiny):
    sc = tiny.replace(years=1.0)
    fig = measure(sc, 5)
    assert set(fig) == {t.key for t in TARGETS} and all(len(v) == 1 for v in fig.values())
    model = SocialDomainModel(sc, seed=5).run()
    a, info = model.log.arrays(), model.run_info()
    summary = summarise(a, info)  # the same one-year window
    pop = model.geography.population.sum()
    assert fig["vt_reports_per_1000"][0] == summary["vt_reports"] / pop * 1000
    assert fig["repeat_report_share"][0] == summary["repeat_report_share"]
    assert fig["follow_up_report_share"][0] == summary["follow_up_report_share"]
    # Young people in youth care: youth needs whose care overlaps the measured year.
    ev = model.log.to_frame(model.organisation_table())
    youth_needs = set(ev.loc[(ev.kind == "need") & (ev.domain == "youth"), "need"])
    start = ev[(ev.kind == "care_start") & ev.need.isin(youth_needs)].set_index("need")
    end = ev[ev.kind == "care_end"].set_index("need")["time"]
    stop = end.reindex(start.index).fillna(np.inf)
    y0, y1 = info.measure_from, info.measure_from + 365
    users = start[(start.time < y1) & (stop >= y0)]
    assert len(users) > 100
    assert fig["youth_care_share"][0] == len(users) / (pop * YOUNG_SHARE)
    at_wijkteam = (users.domain == "wijkteam").mean()  # the care_start's domain is its org's
    assert np.isclose(fig["wijkteam_share_of_youth_care"][0], at_wijkteam)
    assert 0 < at_wijkteam < 1
    # Work & Income: its needs arising in the year; the queue days of first contacts there.
    in_year = (ev.time >= y0) & (ev.time < y1)
    requests = ((ev.kind == "need") & (ev.domain == "income") & in_year).sum()
    assert requests > 10
    assert fig["debt_help_requests_per_1000"][0] == requests / pop * 1000
    first_talks = ev[(ev.kind == "assigned") & (ev.domain == "income") & in_year]
    assert len(first_talks) > 10
    assert np.isclose(fig["debt_help_wait_days"][0], first_talks.value.mean())
    # Households in youth care that also have Wmo or Work & Income care in the year.
    need_family = ev[ev.kind == "need"].set_index("need")
    cared = ev[ev.kind == "care_start"].set_index("need")
    cared = cared.assign(
        stop=end.reindex(cared.index).fillna(np.inf).to_numpy(),
        need_domain=need_family.domain.reindex(cared.index).to_numpy(),
    )
    cared = cared[(cared.time < y1) & (cared.stop >= y0)]
    households = {d: set(cared.family[cared.need_domain == d]) for d in ("youth", "wmo", "income")}
    for key, other in (
        ("youth_households_with_wmo_share", "wmo"),
        ("youth_households_with_income_share", "income"),
    ):
        both = len(households["youth"] & households[other])
        assert both > 0
        assert np.isclose(fig[key][0], both / len(households["youth"]))


def test_calibrate_command_reports_every_target_and_changes_nothing(tiny, tiny_path, capsys):
    before = tiny_path.read_text()
    args = ["calibrate", str(tiny_path), "--replications", "2", "--years", "1", "--workers", "1"]
    assert main([*args, "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["target"] for r in rows] == [t.key for t in TARGETS]
    # The figure and its interval, recomputed from the two replications' own measurements
    # (each checked against the log above): mean +- t(0.975, 1) x sd / sqrt(2).
    sc = tiny.replace(years=1.0)
    per_run = [measure(sc, s) for s in replication_seeds(sc.seed, 2)]
    intervals = 0
    for r in rows:
        x = np.array([np.nanmean(m[r["target"]]) for m in per_run])
        half = stats.t.ppf(0.975, 1) * x.std(ddof=1) / np.sqrt(2)
        assert r["model"] == pytest.approx(x.mean(), nan_ok=True)
        if np.isfinite(half):
            assert (r["ci_low"], r["ci_high"]) == pytest.approx((x.mean() - half, x.mean() + half))
            intervals += 1
        assert r["inside"] == (r["tolerance_low"] <= r["model"] <= r["tolerance_high"])
        assert r["source"] and r["knobs"]
    assert intervals >= len(rows) - 1  # every figure the tiny country has cases for
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "young people in youth care in a year" in out and "targets inside their tolerance" in out
    assert tiny_path.read_text() == before
    assert main([*args[:-4], "--years", "0.5"]) == 2
    assert "at least 1" in capsys.readouterr().err
