"""The app's model: its live figures, computed step by step from the records each step
adds, equal those `records/metrics.py` computes from the whole log over the same window;
side by side, two runs meet the same families; stepped to the end, it gives the numbers
the CLI's run gives for the same scenario and seed."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from model.app.appmodel import AppModel, app_scenario
from model.app.live import ACTIVITIES, ROLLING_DAYS
from model.records.events import HOURS_KINDS, Kind
from model.records.metrics import signal_to_care, summarise
from model.records.outcomes import MACHINE
from model.runs.run import run
from model.vocabulary import DOMAINS

SHORT = {"warmup_days": 60.0, "years": 0.5}


@pytest.fixture(scope="module")
def stepped(request):
    """The tiny country, two runs side by side, 90 days after a 60-day warm-up."""
    from tests.conftest import DATA

    app = AppModel(app_scenario(DATA / "tiny.toml", SHORT), other={"protocol": "integrated"})
    for _ in range(90):
        app.step()
    return app


def _equal(a, b, key: str) -> None:
    if isinstance(a, dict):
        assert a.keys() == b.keys(), key
        for k in a:
            _equal(a[k], b[k], f"{key}.{k}")
    elif isinstance(a, float):
        assert _same(a, b), key
    else:
        assert a == b, key


def _same(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


@pytest.mark.parametrize("which", ["a", "b"])
def test_live_figures_equal_the_metrics_over_the_same_window(stepped, which):
    run_ = getattr(stepped, which)
    model, live = run_.model, run_.live
    info = dataclasses.replace(model.run_info(), end_day=model.now)  # the window so far
    log = model.log.arrays()
    summary = summarise(log, info)
    now = live.figures()
    for key in (
        "families",
        "signal_to_care_days_mean",
        "stories_told_per_family_mean",
        "cost_eur_total",
        "cost_eur_per_family",
        *(f"hours_{a}" for a in ACTIVITIES),
    ):
        assert _same(now[key], summary[key]), key
    assert now["families"] > 0 and not math.isnan(now["signal_to_care_days_mean"])

    # Needs waiting: the unmet needs of signal_to_care (whole run) that did not drop out.
    sc = signal_to_care(log, dataclasses.replace(info, measure_from=0.0))
    waiting = sc[sc["care_start"].isna() & ~sc["dropped"]]
    for code, d in enumerate(DOMAINS):
        assert now[f"needs_waiting_{d}"] == (waiting["domain"] == code).sum(), d

    # Rolling: the care that started in the last ROLLING_DAYS days.
    recent = sc[sc["care_start"] >= model.now - ROLLING_DAYS]
    assert _same(now["signal_to_care_days_rolling"], float(recent["delay"].mean()))
    t, kind, value = log["time"], log["kind"], log["value"]
    for k, name in HOURS_KINDS.items():
        mask = (kind == k) & (t >= model.now - ROLLING_DAYS)
        assert _same(now[f"hours_{name}_rolling"], float(value[mask].sum())), name

    # Every measured family is in the histogram of stories told.
    assert live.stories_histogram().sum() == summary["families"]


def test_the_series_has_a_row_per_day_after_the_warm_up(stepped):
    series = stepped.a.live.series
    assert series["day"] == [float(d) for d in range(1, 91)]
    assert {len(v) for v in series.values()} == {90}


def test_side_by_side_the_same_families_meet_two_protocols(stepped):
    a, b = stepped.a.model, stepped.b.model
    assert a.seed_used == b.seed_used and a.protocol is not b.protocol
    arrivals = []
    for m in (a, b):
        log = m.log.arrays()
        signal = log["kind"] == Kind.SIGNAL
        fams, at = np.unique(log["family"][signal], return_index=True)
        arrivals.append((fams, log["time"][signal][at], log["municipality"][signal][at]))
    # Each family's first signal: who, when and where, the same in both runs.
    n = min(len(arrivals[0][0]), len(arrivals[1][0]))
    assert n > 100
    for x, y in zip(*arrivals, strict=True):
        np.testing.assert_array_equal(x[:n], y[:n])
    assert stepped.a.live.follow == stepped.b.live.follow is not None
    assert len(stepped.a.live.family()) and len(stepped.b.live.family())
    # ... and the two systems treat them differently.
    assert stepped.a.live.figures()["cost_eur_total"] != stepped.b.live.figures()["cost_eur_total"]


def test_stepped_to_the_end_it_gives_the_clis_numbers(tiny_path):
    scenario = app_scenario(tiny_path, SHORT)
    app = AppModel(scenario)
    while app.running:
        app.step()
    model = app.a.model
    assert model.now == model.end_day
    mine = summarise(model.log.arrays(), model.run_info())
    cli = run(scenario, scenario.seed).summary
    compared = [k for k in mine if k not in MACHINE]
    assert len(compared) > 40
    for key in compared:
        _equal(mine[key], cli[key], key)
    live = app.a.live.figures()
    assert _same(live["signal_to_care_days_mean"], cli["signal_to_care_days_mean"])
    assert _same(live["stories_told_per_family_mean"], cli["stories_told_per_family_mean"])
    assert _same(live["cost_eur_per_family"], cli["cost_eur_per_family"])


def test_a_scripted_family_is_the_one_followed(tiny_path):
    journey = {
        "journey.municipality": "GM0003",
        "journey.start_day": 1,
        "journey.signals": [
            {"day": 0, "entry": "wijkteam", "source": "school",
             "needs": [{"domain": "youth", "severity": 2}, {"domain": "wijkteam", "severity": 1}]},
        ],
    }  # fmt: skip
    app = AppModel(app_scenario(tiny_path, {**SHORT, **journey}))
    for _ in range(30):
        app.step()
    assert app.a.scripted is not None and app.a.live.follow == app.a.scripted.id
    records = app.a.live.family()
    assert set(records["family"]) == {app.a.scripted.id}
    assert (records["kind"] == Kind.NEED).sum() >= 2
