"""Where the event log's records live once packed: on disk, one file per kind of record.

A national five-year run makes about 100 million records, 5.3 GB at 54 bytes each; held in
memory they were most of the run's peak (docs/performance.md). So the log moves its
records here as it goes: each kind to a file of its own, in log order, every record with
its position in the log. Then
- the run's memory does not grow with its log;
- an outcome reads the kinds of record it needs, and of them the columns it needs
  (`select`), never the whole log at once;
- the log in its own order (events.parquet, `EventLog.arrays()`) is put together again a
  stretch at a time, by position (`span`).

The files are anonymous temporary files (in `TMPDIR`, without a name on Linux): they go
when the log goes, and nothing is left on disk even when the process is killed. A log
holds one open file per kind it has seen (at most 21), so a notebook that keeps many
detailed runs alive keeps that many files open.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Sequence

import numpy as np

# Rows read from a file at a time: 16 MB of records, so a selection's temporaries stay small
# beside what it returns.
_READ_ROWS = 1 << 18


class KindFiles:
    """Records of a structured dtype with a `kind` column, appended a block at a time and
    kept per kind on disk. A block is split by kind (stably: log order within a kind) and
    each part appended to its kind's file with a `row` column, the record's position in
    the log. Per block the store remembers where it starts in the log and in each file, so
    that any stretch of the log can be read back without reading the rest."""

    def __init__(self, record: np.dtype, n_kinds: int) -> None:
        self.record = record
        self.row_dtype = np.dtype(record.descr + [("row", "<i8")])
        assert self.row_dtype.fields["row"][1] == record.itemsize  # a row is a record, then `row`
        self._item = np.dtype((np.void, record.itemsize))  # a whole record, as opaque bytes
        self.n_kinds = n_kinds
        self.n = 0  # records stored
        self.counts = np.zeros(n_kinds, dtype=np.int64)  # per kind
        # Per block: its first row in the log, the counts per kind before it, and its last
        # time; in arrays that grow by doubling. Not lists of small objects: made through
        # the run, one every flush, they would each pin an arena of the allocator full of the
        # model's short-lived objects, and the run's memory would not come back once the
        # model is gone.
        self._blocks = 0
        self._block_rows = np.zeros(64, dtype=np.int64)
        self._block_counts = np.zeros((64, n_kinds), dtype=np.int64)
        self._block_last_time = np.zeros(64)
        self._files: list = [None] * n_kinds  # opened with the kind's first record

    # ------------------------------------------------------------------------ writing
    def append(self, block: np.ndarray) -> None:
        """Store a block of records (in log order) after those stored so far."""
        n = len(block)
        if not n:
            return
        if block.dtype != self.record:
            raise TypeError(f"records of dtype {block.dtype}, expected {self.record}")
        order = np.argsort(block["kind"], kind="stable")
        rows = np.empty(n, dtype=self.row_dtype)
        self._records(rows)[...] = self._records(block)[order]
        rows["row"] = order + self.n
        bounds = np.searchsorted(rows["kind"], np.arange(self.n_kinds + 1), side="left")
        if self._blocks == len(self._block_rows):
            self._block_rows = np.concatenate([self._block_rows, self._block_rows])
            self._block_counts = np.concatenate([self._block_counts, self._block_counts])
            self._block_last_time = np.concatenate([self._block_last_time] * 2)
        b = self._blocks
        self._block_rows[b], self._block_counts[b] = self.n, self.counts
        self._block_last_time[b] = block["time"][-1]
        self._blocks += 1
        for k in np.flatnonzero(np.diff(bounds)):
            rows[bounds[k] : bounds[k + 1]].tofile(self._file(int(k)))
        self.counts += np.diff(bounds)
        self.n += n

    def _records(self, a: np.ndarray) -> np.ndarray:
        """The record in each element of a contiguous array of records or of rows (whose
        first bytes are the record, in the same layout), as one opaque item: a view through
        which whole records move at once, five times faster than column by column (which
        cost 4 % of a run's CPU at each flush, docs/performance.md)."""
        return np.ndarray(len(a), self._item, a, strides=(a.dtype.itemsize,))

    def _file(self, kind: int):
        f = self._files[kind]
        if f is None:
            f = self._files[kind] = tempfile.TemporaryFile(prefix="sdsim-log-", buffering=0)
        return f

    # ------------------------------------------------------------------------ reading
    def select(
        self, kinds: Iterable[int], names: Sequence[str], since: float | None = None
    ) -> dict[str, np.ndarray]:
        """Columns `names` (and `row`, if asked) of the records of these kinds, in log
        order; with `since`, only those whose time is at least `since`."""
        wanted = sorted({int(k) for k in kinds})
        with_row = "row" in names or len(wanted) > 1  # to merge kinds in log order
        columns = list(dict.fromkeys([*names, "row"] if with_row else names))
        parts = [self._read_kind(k, columns, since) for k in wanted if self.counts[k]]
        parts = [p for p in parts if len(p[columns[0]])]
        if not parts:
            return {name: np.empty(0, dtype=self.row_dtype[name]) for name in names}
        if len(parts) == 1:
            out = parts[0]
        else:
            out = {name: np.concatenate([p[name] for p in parts]) for name in columns}
            order = np.argsort(out["row"], kind="stable")
            out = {name: column[order] for name, column in out.items()}
        return {name: out[name] for name in names}

    def _read_kind(self, kind: int, columns: Sequence[str], since: float | None) -> dict:
        """Columns of one kind's records, read a chunk at a time straight into their place
        (not gathered in pieces and joined, which held every column twice at the end)."""
        total = int(self.counts[kind])
        out = {name: np.empty(total, dtype=self.row_dtype[name]) for name in columns}
        filled = 0
        for start in range(0, total, _READ_ROWS):
            chunk = self._read_rows(kind, start, min(total, start + _READ_ROWS))
            if since is None:
                n = len(chunk)
                for name in columns:
                    out[name][filled : filled + n] = chunk[name]
            else:  # the columns asked for, of the records kept (not whole records)
                keep = chunk["time"] >= since
                n = int(np.count_nonzero(keep))
                for name in columns:
                    np.compress(keep, chunk[name], out=out[name][filled : filled + n])
            filled += n
        if filled < total:  # some were before `since`: shrink each column where it lies
            for name in columns:  # (no view of them exists yet, so no check of references)
                out[name].resize(filled, refcheck=False)
        return out

    def _read_rows(self, kind: int, start: int, stop: int) -> np.ndarray:
        out = np.empty(max(stop - start, 0), dtype=self.row_dtype)
        if not len(out):
            return out
        buffer = out.view(np.uint8)
        fd, at, done = self._files[kind].fileno(), start * self.row_dtype.itemsize, 0
        while done < len(buffer):  # a read may return less than asked (over 2 GB, say)
            got = os.preadv(fd, [buffer[done:]], at + done)
            if got <= 0:
                raise OSError(f"event log: kind {kind} ends before row {stop}")
            done += got
        return out

    def span(self, start: int, stop: int) -> np.ndarray:
        """The records at positions [start, stop) of the log, in log order (`record`
        dtype): every position in the stretch holds one record, so each goes to its place."""
        start, stop = max(start, 0), min(stop, self.n)
        out = np.empty(max(stop - start, 0), dtype=self.record)
        records = self._records(out)
        for part in self._parts(start, stop, range(self.n_kinds)):
            inside = (part["row"] >= start) & (part["row"] < stop)
            records[part["row"][inside] - start] = self._records(part)[inside]
        return out

    def span_rows(self, start: int, stop: int, kinds: Iterable[int]) -> dict[str, np.ndarray]:
        """The columns of the records of these kinds at positions [start, stop), with their
        `row`, in log order."""
        start, stop = max(start, 0), min(stop, self.n)
        parts = self._parts(start, stop, sorted({int(k) for k in kinds}))
        rows = np.concatenate(parts) if parts else np.empty(0, dtype=self.row_dtype)
        order = np.argsort(rows["row"], kind="stable")
        row = rows["row"][order]
        order = order[(row >= start) & (row < stop)]
        return {name: rows[name][order] for name in self.row_dtype.names}

    def _parts(self, start: int, stop: int, kinds: Iterable[int]) -> list[np.ndarray]:
        """Per kind, its records in the blocks that hold positions [start, stop)."""
        if stop <= start:
            return []
        rows_at = self._block_rows[: self._blocks]
        first = int(np.searchsorted(rows_at, start, side="right")) - 1
        last = int(np.searchsorted(rows_at, stop, side="left"))
        lo = self._block_counts[first]
        hi = self._block_counts[last] if last < self._blocks else self.counts
        return [self._read_rows(k, int(lo[k]), int(hi[k])) for k in kinds if hi[k] > lo[k]]

    def first_row_at(self, time: float) -> int:
        """The position of the first record at or after `time`, for a log in time order."""
        block = int(np.searchsorted(self._block_last_time[: self._blocks], time, side="left"))
        if block == self._blocks:
            return self.n
        start = int(self._block_rows[block])
        stop = int(self._block_rows[block + 1]) if block + 1 < self._blocks else self.n
        return start + int(np.searchsorted(self.span(start, stop)["time"], time))
