"""The event log on disk gives back what was recorded, and the outcomes read from it are the
outcomes computed from its columns in memory, bit for bit (docs/performance.md: the log
went to disk to save memory, not to change a figure)."""

import gc
import math
import weakref
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from model.records import sums
from model.records.events import RECORD, EventLog, Kind
from model.records.metrics import (
    by_municipality,
    littles_law,
    signal_to_care,
    summarise,
    timeseries,
)
from model.records.sums import pairwise_combine, pairwise_leaves, sparse_sum
from model.runs.counterfactual import monthly_cost, own_figures, profile
from model.runs.run import finished_model
from model.scenario import load_scenario
from tests.conftest import DATA

ROOT = DATA.parents[1]


# ----------------------------------------------------------------------------- the sums
@pytest.mark.parametrize("n", [0, 1, 7, 8, 9, 127, 128, 129, 1000, 65_536, 65_537, 300_001])
def test_pairwise_leaves_give_numpys_sum(n):
    """`x.sum()` of a float array is numpy's pairwise summation; put together from the
    sums of its leaves it is the same number, so the log need not be one array to be
    summed as one."""
    x = np.random.default_rng(n).exponential(1e5, n) * (1 + 1e-9)
    leaves = pairwise_leaves(n)
    assert leaves[0][0] == 0 and leaves[-1][1] == n
    assert all(a[1] == b[0] for a, b in zip(leaves, leaves[1:], strict=False))
    assert pairwise_combine(n, iter(x[lo:hi].sum() for lo, hi in leaves)) == float(x.sum())


@settings(max_examples=60)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(0, 3000), share=st.floats(0, 1))
def test_a_sparse_sum_is_the_sum_of_the_whole_array(seed, n, share):
    old = sums.LEAF
    sums.LEAF = 128  # the smallest leaf that keeps numpy's order: many leaves
    try:
        rng = np.random.default_rng(seed)
        x = np.where(rng.random(n) < share, rng.exponential(1e4, n), 0.0)
        pos = np.flatnonzero(x)
        assert sparse_sum(pos, x[pos], n) == float(x.sum())
    finally:
        sums.LEAF = old


# ----------------------------------------------------------------------------- the store
def random_log(seed: int, n: int, flush_share: float = 0.02) -> tuple[EventLog, np.ndarray]:
    """n records of random kinds in time order, flushed to disk in uneven blocks."""
    rng = np.random.default_rng(seed)
    log = EventLog()
    t = np.sort(rng.uniform(0, 100, n))
    kinds = rng.integers(0, len(Kind), n)
    for i in range(n):
        log.record(float(t[i]), Kind(int(kinds[i])), family=i, need=int(rng.integers(-1, 9)),
                   value=float(rng.random()), aux=int(rng.integers(0, 4)))  # fmt: skip
        if rng.random() < flush_share:
            log._flush()
    return log, kinds


@settings(max_examples=25)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(0, 600))
def test_the_log_on_disk_gives_back_what_was_recorded(seed, n):
    log, kinds = random_log(seed, n)
    assert len(log) == n
    a = log.arrays()
    assert (a["family"] == np.arange(n)).all() and (a["kind"] == kinds).all()
    records = log.records()
    for name in RECORD.names:
        assert (records[name] == a[name]).all()
    start = n // 3
    assert (log.since(start)["family"] == np.arange(start, n)).all()
    # a selection is the mask of the columns: the same rows, in log order
    rng = np.random.default_rng(seed)
    chosen = rng.choice(len(Kind), size=3, replace=False)
    since = float(rng.uniform(0, 100))
    got = log.select(chosen, ["row", "time", "value", "need"], since=since)
    mask = np.isin(a["kind"], chosen) & (a["time"] >= since)
    assert (got["row"] == np.flatnonzero(mask)).all()
    for name in ("time", "value", "need"):
        assert got[name].tobytes() == a[name][mask].tobytes()
    assert log.first_row_at(since) == int(np.searchsorted(a["time"], since))
    lo, hi = sorted(rng.integers(0, n + 1, 2))
    part = log.stretch(int(lo), int(hi), chosen)
    assert (part["row"] == np.flatnonzero(np.isin(a["kind"][lo:hi], chosen)) + lo).all()


def test_many_small_blocks_are_found_again():
    """A block per record (the app flushes every frame): the index of blocks grows past its
    first size and still finds every stretch."""
    log, kinds = random_log(7, 300, flush_share=1.0)
    assert log._store._blocks == 300
    a = log.arrays()
    assert (a["family"] == np.arange(300)).all() and (a["kind"] == kinds).all()
    assert (log.stretch(100, 250, range(len(Kind)))["row"] == np.arange(100, 250)).all()
    for t in (0.0, 33.3, 99.9, 200.0):
        assert log.first_row_at(t) == int(np.searchsorted(a["time"], t))


def test_the_log_on_disk_has_no_name_and_is_closed_when_it_goes():
    """Anonymous files: nothing is left behind, even by a process that is killed."""
    log, _ = random_log(1, 200)
    files = [weakref.ref(f) for f in log._store._files if f is not None]
    # no name (Linux: O_TMPFILE), or a name already removed (elsewhere)
    names = [f().name for f in files]
    assert names and all(isinstance(n, int) or not Path(n).exists() for n in names)
    del log
    gc.collect()
    assert all(f() is None for f in files)  # freed, and so closed


# ----------------------------------------------------------------------------- a real run
@pytest.fixture(scope="module")
def reorganised():
    """A small country that reorganises (transfers, transition costs, counterfactual
    profile): every kind of record the outcomes read."""
    tiny = load_scenario(DATA / "tiny.toml")
    change = load_scenario(ROOT / "scenarios/reorganise_centralised.toml").reorganisation[0]
    scenario = tiny.model_copy(
        update={"reorganisation": [change.model_copy(update={"at_year": 0.2})]}
    )
    model = finished_model(scenario, seed=5)
    return model.log, model.run_info(), model.geography.n, scenario


def same(x, y) -> bool:
    if isinstance(x, dict):
        return x.keys() == y.keys() and all(same(x[k], y[k]) for k in x)
    if isinstance(x, float) and math.isnan(x):
        return isinstance(y, float) and math.isnan(y)
    return x == y and type(x) is type(y)


def test_outcomes_from_the_log_on_disk_are_those_from_its_columns(reorganised):
    log, info, n, scenario = reorganised
    a = log.arrays()
    assert (a["kind"] == Kind.TRANSFER).any() and (a["kind"] == Kind.TRANSITION_COST).any()
    assert same(summarise(log, info), summarise(a, info))
    pd.testing.assert_frame_equal(timeseries(log, info), timeseries(a, info), check_exact=True)
    pd.testing.assert_frame_equal(
        by_municipality(log, info, n), by_municipality(a, info, n), check_exact=True
    )
    pd.testing.assert_frame_equal(littles_law(log, info), littles_law(a, info), check_exact=True)
    pd.testing.assert_frame_equal(
        signal_to_care(log, info), signal_to_care(a, info), check_exact=True
    )
    assert same(own_figures(log, info, scenario), own_figures(a, info, scenario))
    assert monthly_cost(log, info, 7).tobytes() == monthly_cost(a, info, 7).tobytes()
    p, q = profile(log, info), profile(a, info)
    for field in ("cared", "delay_sum", "intakes", "waiting"):
        assert getattr(p, field).tobytes() == getattr(q, field).tobytes()


def test_outcomes_do_not_depend_on_how_much_is_read_or_looked_up_at_once(reorganised, monkeypatch):
    """A kind's records are read from disk a chunk at a time, straight into their columns
    (those before a `since` left out chunk by chunk), and keys are looked up a block at a
    time, so that a national run's outcomes stay small (docs/performance.md). With tiny
    chunks and blocks (many of each, most cut across), every figure is the same bit for bit."""
    from model.records import metrics, store

    log, info, n, _ = reorganised

    def outcomes():
        return (
            summarise(log, info),
            [f(log, info) for f in (timeseries, littles_law, signal_to_care)],
            by_municipality(log, info, n),
        )

    whole, frames, per_mun = outcomes()
    monkeypatch.setattr(store, "_READ_ROWS", 7)
    monkeypatch.setattr(metrics, "_BLOCK_ROWS", 5)
    monkeypatch.setattr(metrics, "_LOOKUP_ROWS", 3)
    small, small_frames, small_per_mun = outcomes()
    assert same(whole, small)
    for x, y in zip([*frames, per_mun], [*small_frames, small_per_mun], strict=True):
        pd.testing.assert_frame_equal(x, y, check_exact=True)
