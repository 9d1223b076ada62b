"""Which runs a sweep consists of: scenarios x parameter points x replications, and their seeds.

Seeds are parameters like any other: replication r of every scenario at every point runs
with seed r of the master seed's SeedSequence (`runner.replication_seeds`), whatever the
engine, the worker count or the order in which runs finish. So every difference between
two scenarios, or two points, is paired (common random numbers).

Replications until a target CI width are planned in rounds: every point starts with
`min`; after a round has finished *completely*, each point whose CI half-width of the
named metric is still too wide for some scenario gets `step` more replications (for every
scenario, to keep the pairs), up to `max`. A round's decision reads only runs of earlier
rounds, whose results depend on their seeds alone, so the set of runs, and every table,
is the same on one worker or many, on a pool or on Dask, interrupted and resumed or not.

A reorganising scenario is paired with its counterfactual, the same world without the
reorganisation: another scenario of the design when one is exactly that (then it is not
run twice), or a hidden scenario `<name>.counterfactual` otherwise. Both runs keep their
daily profile, and `read()` adds the paired figures when a run is read back.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterator
from functools import lru_cache

import numpy as np

from model.files import json_text
from model.runs.counterfactual import Profile, counterfactual_key, counterfactual_of, paired_figures
from model.runs.run import replication_seeds
from model.runs.statistics import mean_ci
from model.scenario import Scenario, ScenarioError
from model.sweeps.design import Design
from model.sweeps.samplers import Sample
from model.sweeps.store import RunKey, RunStore
from model.sweeps.tasks import Task


class Plan:
    def __init__(self, design: Design, sample: Sample):
        self.design = design
        self.sample = sample
        self.reps_spec = design.replications
        self.seeds = replication_seeds(design.spec.master_seed, self.reps_spec.cap)
        first = self.reps_spec.n if self.reps_spec.n is not None else self.reps_spec.min
        self.replications = np.full(len(sample.points), first, dtype=int)
        self._metric_cache: dict[RunKey, float] = {}
        self.twins, self.hidden = _twins(design.scenarios)

    @property
    def scenario_names(self) -> list[str]:
        return list(self.design.scenarios)

    @property
    def n_points(self) -> int:
        return len(self.sample.points)

    # ------------------------------------------------------------------ runs
    def keys(self) -> Iterator[RunKey]:
        """Every planned run, in table order: scenario, point, replication."""
        for name in self.scenario_names:
            for point in range(self.n_points):
                for r in range(self.replications[point]):
                    yield RunKey(name, point, r)

    def execution_order(self) -> Iterator[RunKey]:
        """Point by point, every scenario of a replication together: pairs complete early.
        Hidden counterfactuals included."""
        names = [*self.scenario_names, *self.hidden]
        for point in range(self.n_points):
            for r in range(self.replications[point]):
                for name in names:
                    yield RunKey(name, point, r)

    def task(self, key: RunKey) -> Task:
        out = self.design.spec.outputs
        paired = key.scenario in self.twins
        return Task(
            key=tuple(key),
            scenario=self._scenario(key.scenario, key.point),
            seed=self.seeds[key.replication],
            keep_timeseries=out.timeseries,
            keep_events=out.events,
            pair=not paired,
            keep_profile=paired or key.scenario in self.twins.values(),
        )

    def read(self, store: RunStore, key: RunKey) -> dict:
        """A run's record as stored, its metrics with the paired figures of a reorganisation
        added (from its twin's run, which has the same point and replication)."""
        record = store.read(key)
        twin = self.twins.get(key.scenario)
        if twin is not None:
            other = store.read(RunKey(twin, key.point, key.replication))
            own, cf = Profile.from_lists(record["profile"]), Profile.from_lists(other["profile"])
            scenario = self._scenario(key.scenario, key.point)
            record["metrics"].update(paired_figures(own, cf, scenario))
        return record

    def point_values(self, point: int) -> dict:
        row = self.sample.points.iloc[point]
        return {p: (v.item() if isinstance(v, np.generic) else v) for p, v in row.items()}

    @lru_cache(maxsize=256)  # noqa: B019 - one plan per sweep; bounded
    def _scenario(self, name: str, point: int) -> Scenario:
        base = self.design.scenarios.get(name) or self.hidden[name]
        values = self.point_values(point)
        if not values:
            return base
        try:
            return base.replace(**values)
        except ScenarioError as exc:  # each value was valid alone, this combination is not
            why = str(exc).removeprefix("<scenario>: ")
            raise ScenarioError(
                f"{self.design.path}: point {point} {values} of scenario {name}: {why}"
            ) from None

    # ------------------------------------------------------------------ rounds
    def rounds(self, store: RunStore) -> Iterator[list[RunKey]]:
        """Yield each round's missing runs; the caller runs them before asking for the next."""
        while True:
            yield [k for k in self.execution_order() if not store.has(k)]
            if not self.reps_spec.adaptive or not self._extend(store):
                return

    def _extend(self, store: RunStore) -> bool:
        """Give more replications to every point whose CI is still too wide; any left?"""
        spec = self.reps_spec
        confidence = self.design.spec.analysis.confidence
        grew = False
        for point in range(self.n_points):
            n = self.replications[point]
            if n >= spec.max:
                continue
            for name in self.scenario_names:
                x = np.array([self._metric(store, RunKey(name, point, r)) for r in range(n)])
                if not self.narrow_enough(x, confidence):
                    self.replications[point] = min(n + spec.step, spec.max)
                    grew = True
                    break
        return grew

    def narrow_enough(self, x: np.ndarray, confidence: float) -> bool:
        mean, lo, hi = mean_ci(x, confidence)
        if math.isnan(lo):
            return False  # fewer than two finite values: no interval yet
        half = (hi - lo) / 2
        spec = self.reps_spec
        target = spec.target_half_width
        if target is None:
            target = spec.relative_half_width * abs(mean)
        return half <= target

    def _metric(self, store: RunStore, key: RunKey) -> float:
        if key not in self._metric_cache:
            self._metric_cache[key] = float(self.read(store, key)["metrics"][self.reps_spec.metric])
        return self._metric_cache[key]

    # ------------------------------------------------------------------ identity
    def fingerprint(self) -> str:
        """What decides the runs; a store made from another fingerprint is not resumed."""
        spec = self.design.spec
        what = {
            "scenarios": {n: s.model_dump(mode="json") for n, s in self.design.scenarios.items()},
            "points": self.sample.points.to_dict(orient="list"),
            "sampler": spec.sampler.model_dump(mode="json"),
            "master_seed": spec.master_seed,
            "replications": self.reps_spec.model_dump(mode="json"),
            "confidence": spec.analysis.confidence if self.reps_spec.adaptive else None,
            "outputs": spec.outputs.model_dump(mode="json"),
        }
        return hashlib.sha256(json_text(what, indent=None).encode("utf-8")).hexdigest()


def _twins(scenarios: dict[str, Scenario]) -> tuple[dict[str, str], dict[str, Scenario]]:
    """Per reorganising scenario, the name of its counterfactual; and the counterfactuals
    that are not in the design (run as hidden scenarios)."""
    plain = {counterfactual_key(s): n for n, s in scenarios.items() if not s.reorganisation}
    twins: dict[str, str] = {}
    hidden: dict[str, Scenario] = {}
    for name, s in scenarios.items():
        if not s.reorganisation:
            continue
        key = counterfactual_key(s)
        if key not in plain:
            twin = f"{name}.counterfactual"
            hidden[twin] = counterfactual_of(s).replace(name=twin)
            plain[key] = twin
        twins[name] = plain[key]
    return twins, hidden
