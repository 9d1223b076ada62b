"""The run store: one file per finished run, so a crash loses only the runs in flight.

    OUT/experiment.json                     what was swept (and its fingerprint)
    OUT/runs/<scenario>/p000012-r0003.json  one finished run: its outcomes and seed
    OUT/runs/<scenario>/p000012-r0003.events.parquet   its event log, when asked for

A run's file is written whole or not at all (`atomic_write`), and its presence is the
only sign that the run is done: resuming means running every planned run whose file is
missing. Nothing else is kept in memory between runs.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, NamedTuple

from model.files import atomic_write, json_text
from model.scenario import ScenarioError

# `path` names a run p{point:06d}-r{replication:04d}; its event log adds .events.parquet.
RUN_FILES = "*/p*-r*.json"  # one per finished run: p<point>-r<replication>.json
_EVENTS_NAME = re.compile(r"p(\d+)-r(\d+)\.events\.parquet")


class RunKey(NamedTuple):
    scenario: str
    point: int
    replication: int


class RunStore:
    def __init__(self, root: str | Path):
        self.root = Path(root)
        self.runs = self.root / "runs"

    # ------------------------------------------------------------------ the folder
    def open(self, fingerprint: str, manifest: dict[str, Any], resume: bool) -> int:
        """Start a new sweep folder, or check that `--resume` continues the same sweep.

        Returns how many run files are already there.
        """
        meta = self.root / "experiment.json"
        if meta.exists():
            if not resume:
                raise ScenarioError(
                    f"{self.root}: holds a sweep already; add --resume to finish it, "
                    "or choose another --out"
                )
            stored = json.loads(meta.read_text(encoding="utf-8")).get("fingerprint")
            if stored != fingerprint:
                raise ScenarioError(
                    f"{self.root}: was swept from a different experiment (its scenarios, "
                    "parameter points, seeds or replications differ); choose another --out"
                )
        elif self.root.exists() and any(self.root.iterdir()):
            raise ScenarioError(
                f"{self.root}: exists and is not a sweep folder; choose another --out"
            )
        else:
            self.root.mkdir(parents=True, exist_ok=True)
            atomic_write(meta, json_text({**manifest, "fingerprint": fingerprint}))
        self.runs.mkdir(exist_ok=True)
        self._remove_partial_files()
        return self.finished()

    def finished(self) -> int:
        """Runs written whole. pathlib's glob matches hidden names too, so the pattern names
        the run files alone and never counts a `.tmp` file a killed writer left behind."""
        return sum(1 for _ in self.runs.glob(RUN_FILES))

    def _remove_partial_files(self) -> None:
        """Hidden temporary files of runs that were being written when the sweep died."""
        for tmp in self.runs.glob("*/.*.tmp-*"):
            tmp.unlink(missing_ok=True)

    # ------------------------------------------------------------------ runs
    def path(self, key: RunKey) -> Path:
        return self.runs / key.scenario / f"p{key.point:06d}-r{key.replication:04d}.json"

    def events_path(self, key: RunKey) -> Path:
        return self.path(key).with_suffix(".events.parquet")

    def event_logs(self) -> Iterator[tuple[RunKey, Path]]:
        """Every event log the store kept, with its run's key (read back from `path`'s name)."""
        for path in sorted(self.runs.glob("*/*.events.parquet")):
            m = _EVENTS_NAME.fullmatch(path.name)
            if m is not None:
                yield RunKey(path.parent.name, int(m.group(1)), int(m.group(2))), path

    def has(self, key: RunKey) -> bool:
        return self.path(key).exists()

    def missing(self, keys: Iterable[RunKey]) -> Iterator[RunKey]:
        return (k for k in keys if not self.has(k))

    def write(self, record: dict[str, Any], events: bytes | None = None) -> None:
        """Store one finished run; its event log first, so the record is the last word."""
        key = RunKey(*record["key"])
        path = self.path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        if events is not None:
            atomic_write(self.events_path(key), events)
        atomic_write(path, json_text(record, indent=None))

    def read(self, key: RunKey) -> dict[str, Any]:
        record = json.loads(self.path(key).read_text(encoding="utf-8"))
        record["metrics"] = {k: _number(v) for k, v in record["metrics"].items()}
        return record


def _number(v: Any) -> float | int:
    """JSON keeps NaN as null; read it back as NaN."""
    return math.nan if v is None else v
