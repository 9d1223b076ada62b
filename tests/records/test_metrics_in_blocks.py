"""The metrics that work on a national log a block of rows at a time, or on its measured tail
as views, give the numbers the whole-log formulas gave, bit for bit (docs/performance.md:
they were rewritten to save memory, not to change a figure)."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from model.records import metrics, sums
from model.records.events import HOURS_KINDS, RECORD, EventLog, Kind
from model.records.metrics import (
    MONTH_DAYS,
    RunInfo,
    measured_tail,
    row_cost_eur,
    window_cost,
)

INFO = RunInfo(
    measure_from=100.0,
    end_day=100.0 + 7 * MONTH_DAYS,
    org_domain=np.array([0, 1, 2, 3, 1]),
    org_region=np.array(["A", "A", "B", "C", "B"]),
    hourly_cost_eur=np.array([81.5, 97.25, 77.0, 120.125]),
    day_cost_eur=np.array([0.0, 0.0, 0.0, 185.0]),
    fte_total=10.0,
)


def a_log(rng: np.random.Generator, n: int, in_order: bool = True) -> dict[str, np.ndarray]:
    """n records of every kind with awkward values (hours with many digits, shelter days)."""
    t = rng.uniform(0.0, INFO.end_day + 3.0, n)
    if in_order:
        t.sort()
    c = {name: np.zeros(n, dtype=RECORD[name]) for name in RECORD.names}
    c["time"] = t
    c["kind"] = rng.integers(0, len(Kind), n).astype("i1")
    c["org"] = rng.integers(-1, len(INFO.org_domain), n).astype("i4")
    c["value"] = rng.exponential(3.0, n) * (1 + 1e-9 * rng.standard_normal(n))
    c["aux"] = rng.integers(0, 40, n).astype("i4")
    c["family"] = rng.integers(-1, 50, n).astype("i4")
    return c


def whole_log_row_cost(c: dict, info: RunInfo) -> np.ndarray:
    """The formula as it was, over the whole log at once."""
    kind = c["kind"]
    dom = info.org_domain[c["org"]]
    hours = np.isin(kind, [int(k) for k in HOURS_KINDS])
    out = np.where(hours, c["value"] * info.hourly_cost_eur[dom], 0.0)
    care = kind == Kind.CARE_START
    out[care] += c["aux"][care] * info.day_cost_eur[info.org_domain[c["org"][care]]]
    return out


def whole_log_monthly(times: np.ndarray, weights: np.ndarray, months: int) -> np.ndarray:
    idx = np.floor((times - INFO.measure_from) / MONTH_DAYS).astype(np.int64)
    ok = (idx >= 0) & (idx < months)
    return np.bincount(idx[ok], weights=weights[ok], minlength=months)[:months]


@pytest.fixture
def small_blocks(monkeypatch):
    monkeypatch.setattr(metrics, "_BLOCK_ROWS", 97)  # many blocks, none aligned to a month


@given(seed=st.integers(0, 2**32 - 1), n=st.integers(0, 700))
def test_row_costs_by_block_are_the_whole_log_formula(seed, n):
    old = metrics._BLOCK_ROWS
    metrics._BLOCK_ROWS = 97
    try:
        c = a_log(np.random.default_rng(seed), n)
        assert row_cost_eur(c, INFO).tobytes() == whole_log_row_cost(c, INFO).tobytes()
    finally:
        metrics._BLOCK_ROWS = old


def as_event_log(c: dict[str, np.ndarray]) -> EventLog:
    """The same records written through an EventLog, flushed to disk in uneven blocks."""
    log = EventLog()
    for i in range(len(c["time"])):
        log.record(*(c[name][i].item() for name in ("time", "kind")),
                   **{name: c[name][i].item() for name in RECORD.names[2:]})  # fmt: skip
        if i % 89 == 0:
            log._flush()
    return log


@given(seed=st.integers(0, 2**32 - 1), n=st.integers(0, 700))
def test_window_cost_adds_up_as_the_whole_window_arrays_did(seed, n):
    """The window's cost, read a stretch at a time (from columns in memory, or from the log
    on disk), is what the sums over one array of every record's cost gave: the total as
    numpy's pairwise `sum`, per domain and per month as bincounts in log order. Otherwise
    cost_eur_total and the monthly cost in timeseries.csv would change in their last
    digits."""
    old = metrics._STRETCH_ROWS, sums.LEAF
    metrics._STRETCH_ROWS, sums.LEAF = 300, 128  # many leaves, several a stretch
    try:
        c = a_log(np.random.default_rng(seed), n)
        tail = measured_tail(c, INFO)
        w = row_cost_eur(tail, INFO)
        booked = w != 0
        by_domain = np.bincount(INFO.org_domain[tail["org"][booked]], weights=w[booked],
                                minlength=len(INFO.hourly_cost_eur)).astype(float)  # fmt: skip
        monthly = whole_log_monthly(c["time"], row_cost_eur(c, INFO), 7)
        for source in (c, as_event_log(c)):
            got = window_cost(source, INFO, 7)
            assert got.total == float(w.sum())
            assert got.by_domain.tobytes() == by_domain.tobytes()
            assert got.monthly.tobytes() == monthly.tobytes()
    finally:
        metrics._STRETCH_ROWS, sums.LEAF = old


def test_the_measured_tail_is_the_window_as_views(small_blocks):
    c = a_log(np.random.default_rng(3), 1000)
    tail = measured_tail(c, INFO)
    rows = c["time"] >= INFO.measure_from
    for name in RECORD.names:
        assert np.shares_memory(tail[name], c[name])  # no copy of a national column
        assert (tail[name] == c[name][rows]).all()


def test_a_log_out_of_time_order_gets_the_window_rows_copied(small_blocks):
    c = a_log(np.random.default_rng(4), 1000, in_order=False)
    tail = measured_tail(c, INFO)
    rows = c["time"] >= INFO.measure_from
    assert len(tail["time"]) == rows.sum() < 1000
    for name in RECORD.names:
        assert (tail[name] == c[name][rows]).all()
    # one step back in time at a block's edge is found too
    d = a_log(np.random.default_rng(5), 1000)
    d["time"][97], d["time"][96] = d["time"][96], d["time"][97] + 1e-9
    assert not metrics._in_time_order(d["time"]) and metrics._in_time_order(c["time"][:0])
