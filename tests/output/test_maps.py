"""A map shows each area's own value: a municipality its own, a region the mean over its
municipalities' families (not the mean of their means), and an area without families grey."""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from model.output import maps
from model.scenario import scenario_from_dict
from model.world.build import build_geography
from model.world.schemes import catchments


@pytest.fixture
def drawn(monkeypatch, tmp_path):
    """metric_map on the 2023 map with planted counts: the values each panel was coloured
    with, read back from the drawn patches, and the counts and regions."""
    sc = scenario_from_dict({"geography": "nl-2023"})
    geo = build_geography(sc, scaled=False)
    regions = catchments(geo, sc.scheme, sc.schemes)["youth"]
    i = np.arange(geo.n)
    # municipality i: i % 3 + 1 needs cared, each i days to care; the last has no needs
    cared = np.where(i == geo.n - 1, 0, i % 3 + 1)
    counts = pd.DataFrame(
        {
            "code": geo.codes,
            "families": cared,
            "needs": cared,
            "needs_cared": cared,
            "signal_to_care_days_sum": (cared * i).astype(float),
            "stories_told": cared,
            "border_crossings": 0,
            "province_crossings": 0,
            "placements_elsewhere": 0,
            "needs_uncared": 0,
        }
    )
    panels = []

    def keep(ax, geoms, values, norm, cmap, edge, lw):
        before = len(ax.collections)
        original(ax, geoms, values, norm, cmap, edge, lw)
        coloured, grey = ax.collections[before:]
        panels.append((np.asarray(coloured.get_array()), len(grey.get_paths())))

    original, close = maps._draw, plt.close
    monkeypatch.setattr(maps, "_draw", keep)
    monkeypatch.setattr(plt, "close", lambda fig: None)  # keep the figure to look at
    png = tmp_path / "map.png"
    assert maps.metric_map(
        geo, counts, regions, "youth", "signal_to_care_days_mean", png, "planted"
    )
    fig = plt.gcf()
    yield panels, fig, png, geo, regions, cared
    close(fig)


def test_each_municipality_and_region_is_coloured_by_its_own_mean(drawn):
    panels, _, png, geo, regions, cared = drawn
    (municipal, grey_m), (regional, grey_r) = panels
    # left: municipality i shows i days; the one without needs is grey, not coloured
    np.testing.assert_allclose(municipal, np.arange(geo.n - 1))
    assert grey_m == 1
    # right: a region shows sum(cared * i) / sum(cared) over its municipalities
    expected = []
    for r in range(len(regions)):
        members = np.flatnonzero(regions.member == r)
        expected.append((cared[members] * members).sum() / cared[members].sum())
    np.testing.assert_allclose(regional, expected)
    assert grey_r == 0
    assert png.stat().st_size > 10_000


def test_the_colour_scale_and_legend_come_from_the_values(drawn):
    panels, fig, *_ = drawn
    shown = np.concatenate([panels[0][0], panels[1][0]])  # both panels share one scale
    bar = fig.axes[-1]  # the colour bar
    low, high = bar.get_xlim()
    assert low == 0 and high == pytest.approx(np.percentile(shown, 98))
    assert bar.get_xlabel() == "signal to care, mean (days; grey: no families)"
