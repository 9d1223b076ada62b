"""Samplers and sensitivity indices on known functions, without running the model."""

import numpy as np
import pandas as pd
import pytest

from model.sweeps.design import ParameterSpec, SamplerSpec
from model.sweeps.samplers import sample, to_values
from model.sweeps.sensitivity import sensitivity_table

PARAMS = {
    "a": ParameterSpec(low=0, high=10),
    "b": ParameterSpec(low=1, high=100, distribution="loguniform"),
    "c": ParameterSpec(values=["referral", "warm", "integrated"]),
}


def test_latin_hypercube_puts_one_point_in_every_stratum():
    s = sample(PARAMS, SamplerSpec(kind="lhs", n=20), seed=3)
    assert len(s.points) == 20 and s.unit.shape == (20, 3)
    for j in range(3):
        strata = np.floor(s.unit[:, j] * 20).astype(int)
        assert sorted(strata) == list(range(20))
    assert s.points["a"].between(0, 10).all() and s.points["b"].between(1, 100).all()
    assert set(s.points["c"]) == {"referral", "warm", "integrated"}
    again = sample(PARAMS, SamplerSpec(kind="lhs", n=20), seed=3)
    assert again.points.equals(s.points)
    assert not sample(PARAMS, SamplerSpec(kind="lhs", n=20), seed=4).points.equals(s.points)


def test_grid_is_the_full_product_of_values_and_levels():
    params = {
        "x": ParameterSpec(low=0, high=1, levels=3),
        "n": ParameterSpec(low=1, high=3, levels=5, integer=True),  # integers coincide
        "c": ParameterSpec(values=[True, False]),
    }
    s = sample(params, SamplerSpec(kind="grid"), seed=1)
    assert s.unit is None and len(s.points) == 3 * 3 * 2
    assert sorted(set(s.points["x"])) == [0.0, 0.5, 1.0]
    assert sorted(set(s.points["n"])) == [1, 2, 3]
    assert len(s.points.drop_duplicates()) == len(s.points)
    assert len(sample({}, SamplerSpec(kind="grid"), seed=1).points) == 1


def test_distributions_map_the_unit_interval():
    u = np.array([0.0, 0.5, 1.0])
    log = ParameterSpec(low=1, high=100, distribution="loguniform")
    assert np.allclose(to_values(log, u), [1, 10, 100])
    tri = ParameterSpec(low=0, high=10, distribution="triangular", mode=10)
    assert np.allclose(to_values(tri, u), [0, 10 * np.sqrt(0.5), 10])
    # every integer of [2, 4] gets a third of the unit interval
    ints = to_values(ParameterSpec(low=2, high=4, integer=True), np.linspace(0, 1, 301))
    assert {v: ints.count(v) for v in set(ints)} == {2: 100, 3: 100, 4: 101}


def test_morris_and_sobol_designs_have_their_shapes():
    morris = sample(PARAMS, SamplerSpec(kind="morris", n=5, levels=4), seed=2)
    assert len(morris.points) == 5 * (3 + 1)
    # one parameter moves at a time along a trajectory
    steps = np.abs(np.diff(morris.unit.reshape(5, 4, 3), axis=1)) > 0
    assert (steps.sum(axis=2) == 1).all()
    sobol = sample(PARAMS, SamplerSpec(kind="sobol", n=8), seed=2)
    assert len(sobol.points) == 8 * (3 + 2)


def test_sobol_indices_recover_a_linear_function():
    """y = 4 a + b on the unit cube: S1 = 16/17 and 1/17, c has no effect."""
    params = {k: ParameterSpec(low=0, high=1) for k in "abc"}
    s = sample(params, SamplerSpec(kind="sobol", n=512), seed=1)
    y = 4 * s.unit[:, 0] + s.unit[:, 1]
    runs = pd.DataFrame({"scenario": "x", "point": range(len(y)), "replication": 0, "y": y})
    table = sensitivity_table(runs, s, ["x"], ["y"], 0.95, seed=1, levels=4).set_index("parameter")
    assert abs(table.loc["a", "S1"] - 16 / 17) < 0.05 and abs(table.loc["b", "S1"] - 1 / 17) < 0.03
    assert abs(table.loc["c", "ST"]) < 0.01
    # the bootstrap intervals cover the true indices, and are not so wide as to cover anything
    for name, true in (("a", 16 / 17), ("b", 1 / 17), ("c", 0.0)):
        assert table.loc[name, "S1_ci_low"] <= true <= table.loc[name, "S1_ci_high"], name
    assert (table.S1_ci_high - table.S1_ci_low).max() < 0.3


def test_morris_mu_star_ranks_parameters_by_effect():
    params = {k: ParameterSpec(low=0, high=1) for k in "abc"}
    s = sample(params, SamplerSpec(kind="morris", n=10, levels=4), seed=1)
    y = 3 * s.unit[:, 0] + s.unit[:, 1] ** 2
    runs = pd.DataFrame({"scenario": "x", "point": range(len(y)), "replication": 0, "y": y})
    table = sensitivity_table(runs, s, ["x"], ["y"], 0.95, seed=1, levels=4).set_index("parameter")
    assert np.isclose(table.loc["a", "mu_star"], 3) and table.loc["c", "mu_star"] == 0
    assert 0 < table.loc["b", "mu_star"] < 3


def test_prim_recovers_a_planted_box():
    """Scenario B beats A (lower is better) exactly where a in [0.2, 0.6] and b >= 0.5, on
    2,000 uniform points; c does nothing. The box found must be that box, within the
    spacing of the points, leave c unrestricted, and hold only winning points."""
    from model.sweeps.design import DiscoverySpec
    from model.sweeps.discovery import discover

    rng = np.random.default_rng(4)
    n = 2000
    points = pd.DataFrame(rng.random((n, 3)), columns=["a", "b", "c"])
    inside = points.a.between(0.2, 0.6) & (points.b >= 0.5)
    rows = []
    for scenario, y in (("A", np.ones(n)), ("B", np.where(inside, 0.0, 2.0))):
        rows.append(pd.DataFrame({"scenario": scenario, "point": range(n), "replication": 0,
                                  "y": y}))  # fmt: skip
    runs = pd.concat(rows, ignore_index=True)
    found = discover(
        runs, points, DiscoverySpec(scenario="B", metric="y", density_min=1.0), baseline="A"
    )
    box = found.limits.set_index("parameter")
    assert set(box.index) == {"a", "b"}, found.sentence
    assert box.loc["a", "low"] == pytest.approx(0.2, abs=0.03)
    assert box.loc["a", "high"] == pytest.approx(0.6, abs=0.03)
    assert box.loc["b", "low"] == pytest.approx(0.5, abs=0.03)
    step = found.trajectory.loc[found.chosen]
    assert step["density"] == 1.0 and step["coverage"] > 0.9
