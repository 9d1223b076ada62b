"""Sums of many values, the way numpy adds them, without all the values in memory at once.

`x.sum()` of a float array is numpy's pairwise summation: it halves the array (rounded down
to a multiple of 8) until a part holds at most 128 values, adds those in eight lanes, and
adds the halves' sums back up the tree. The outcomes of a national run were sums over
arrays of the whole log; the log is now read a stretch at a time (store.py), and to keep
every figure the same bit for bit the stretches are leaves of that tree and their sums are
added in its order (tests/records/test_log_on_disk.py checks it against numpy).
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

# Values a leaf holds at most. Any size from numpy's block of 128 up gives the same sum:
# below it numpy adds in eight lanes, above it halves as here.
LEAF = 1 << 16


def _half(m: int) -> int:
    """Where numpy splits m values: half of them, rounded down to a multiple of 8."""
    half = m // 2
    return half - half % 8


def leaf_sum(offsets: np.ndarray, values: np.ndarray, size: int) -> float:
    """`x.sum()` of a leaf of `size` values that are zero but at `offsets`."""
    dense = np.zeros(size)
    dense[offsets] = values
    return dense.sum()


def pairwise_leaves(n: int) -> list[tuple[int, int]]:
    """The stretches [lo, hi) that numpy's pairwise summation of n values splits into
    (numpy/_core/src/umath/loops_utils.h.src: halves rounded down to a multiple of 8),
    taken down to stretches of at most LEAF values, left to right."""
    out: list[tuple[int, int]] = []

    def split(lo: int, m: int) -> None:
        if m <= LEAF:
            out.append((lo, lo + m))
            return
        half = _half(m)
        split(lo, half)
        split(lo + half, m - half)

    split(0, n)
    return out


def pairwise_combine(n: int, leaf_sums: Iterator[float]) -> float:
    """What `x.sum()` gives for n values, from the sums of its `pairwise_leaves` (each
    `x[lo:hi].sum()`, in order): the same additions in the same order, so bit for bit
    (tests/records/test_log_on_disk.py checks it against numpy)."""

    def combine(m: int) -> float:
        if m <= LEAF:
            return next(leaf_sums)
        half = _half(m)
        return combine(half) + combine(m - half)

    return float(combine(n))


def sparse_sum(positions: np.ndarray, values: np.ndarray, n: int) -> float:
    """`x.sum()` of n values that are zero but at `positions` (sorted, unique), bit for bit,
    without the n values in memory."""
    leaves = pairwise_leaves(n)
    cut = np.searchsorted(positions, [hi for _, hi in leaves])

    def leaf_sums() -> Iterator[float]:
        at = 0
        for (lo, hi), end in zip(leaves, cut, strict=True):
            yield leaf_sum(positions[at:end] - lo, values[at:end], hi - lo)
            at = end

    return pairwise_combine(n, leaf_sums())
