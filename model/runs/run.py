"""One run: (scenario, seed) -> a typed result. Every command that runs the model runs it
through `run()`: `sdsim run` asks for the detail a results folder holds, sweeps and
comparisons for the outcomes only.

As in EMA Workbench, a model run is a function from parameters to outcomes; where runs
happen (here, a process pool, a Dask cluster) is `model/sweeps/evaluators.py`, and the
statistics over replications are `statistics.py`. Replication seeds come from numpy's
SeedSequence and a master seed, the same for every scenario compared (common random
numbers): scenario A and B with replication r meet the same families with the same luck,
so their difference is paired.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from model.engine.simulation import SocialDomainModel
from model.records.events import EventLog
from model.records.metrics import (
    by_municipality,
    littles_law,
    signal_to_care,
    summarise,
    timeseries,
)
from model.runs.counterfactual import Profile, measure, profile
from model.scenario import Scenario
from model.world.geography import Geography, RegionSet


@dataclass
class RunResult:
    """What one run gives. `summary` holds every outcome (scalars, and the nested
    `by_domain` and `reorganisation` tables); the detail fields are filled with
    `run(..., detail=True)` only, since the event log of a national run is large."""

    scenario: Scenario
    seed: int
    summary: dict
    timeseries: pd.DataFrame
    wall_seconds: float
    events_processed: int
    geography_notes: tuple[str, ...]
    profile: Profile | None = None  # for pairing with a counterfactual run elsewhere
    # detail
    log: EventLog | None = None  # the event log; `events` labels it, `write_events` writes it
    organisations: pd.DataFrame | None = None  # with L, lambda and W (Little's law) per row
    need_delays: pd.DataFrame | None = None  # signal-to-care per need
    by_municipality: pd.DataFrame | None = None  # counts per home municipality, for maps
    geography: Geography | None = None
    regions: dict[str, RegionSet] | None = None
    recovery: pd.DataFrame | None = None  # daily rolling delay against the counterfactual

    @property
    def events(self) -> pd.DataFrame:
        """The event log as a labelled table (`EventLog.to_frame`): a copy of the whole log,
        built on each call; a national run's is several GB, so files are written from the log
        itself by `write_events`."""
        return self._kept_log().to_frame(self.organisation_names, self.geography.codes)

    @property
    def organisation_names(self) -> pd.DataFrame:
        return self.organisations[["name", "region"]]

    def write_events(self, target, fmt: str = "parquet") -> None:
        """The labelled log to `target` (a path, or a binary file for parquet) as parquet or
        gzipped CSV, a slice at a time."""
        log = self._kept_log()
        write = log.write_parquet if fmt == "parquet" else log.write_csv
        write(target, self.organisation_names, self.geography.codes)

    def _kept_log(self) -> EventLog:
        if self.log is None:
            raise ValueError("the event log is kept by run(..., detail=True) only")
        return self.log


def finished_model(
    scenario: Scenario,
    seed: int | None = None,
    prepare: Callable[[SocialDomainModel], None] | None = None,
) -> SocialDomainModel:
    """The model after its run, for measurements that need more than the outcomes (the
    checks, a scripted family's journey); `prepare(model)` runs before the clock starts."""
    model = SocialDomainModel(scenario, seed=seed)
    if prepare is not None:
        prepare(model)
    return model.run()


def run(
    scenario: Scenario,
    seed: int | None = None,
    *,
    detail: bool = False,
    pair: bool = True,
    keep_profile: bool = False,
) -> RunResult:
    """Run the model once and compute its outcomes from the event log.

    A reorganising scenario also runs its counterfactual (the same world without the
    reorganisation, same seed) for the paired figures, unless `pair` is off: then the
    caller pairs it with a run it has (`keep_profile` keeps what that needs).
    """
    t0 = time.perf_counter()
    model = finished_model(scenario, seed)
    seed = model.seed_used
    info = model.run_info()
    log, geo, regions = model.log, model.geography, model.regions
    events_processed = model.events_processed
    orgs = model.organisation_table() if detail else None
    # The outcomes come from the log alone, which is on disk; each reads the kinds of
    # record it needs. The model's state (families, cases, queues, the clock) is let go
    # first, and its reference cycles collected (docs/performance.md).
    del model
    gc.collect()
    little = littles_law(log, info) if detail else None  # for summarise and the organisations
    summary = summarise(log, info, little)
    series = timeseries(log, info)
    recovery = measure(scenario, seed, log, info, summary, series, pair=pair)
    result = RunResult(
        scenario=scenario,
        seed=seed,
        summary=summary,
        timeseries=series,
        wall_seconds=0.0,
        events_processed=events_processed,
        geography_notes=geo.notes,
        profile=profile(log, info) if keep_profile else None,
    )
    if detail:
        per_mun = by_municipality(log, info, geo.n)
        per_mun.insert(0, "code", geo.codes)
        per_mun.insert(1, "name", geo.names)
        per_mun.insert(2, "province", [geo.province_names[p] for p in geo.province])
        result.log = log
        result.organisations = orgs.merge(little, on="org", how="left")
        result.need_delays = signal_to_care(log, info)
        result.by_municipality = per_mun
        result.geography = geo
        result.regions = regions
        result.recovery = recovery
    result.wall_seconds = time.perf_counter() - t0
    return result


def replication_seeds(master_seed: int, n: int) -> list[int]:
    """n independent 63-bit seeds from a master seed (numpy SeedSequence); the first k of
    n are the seeds of k replications, so a sweep may add replications later."""
    children = np.random.SeedSequence(master_seed).spawn(n)
    return [int(c.generate_state(1, np.uint64)[0] >> np.uint64(1)) for c in children]
