"""Running the model: one run, and replications of several scenarios side by side.

As in EMA Workbench, a model run is a function from (scenario, seed) to outcomes;
how runs are spread over processes is a separate concern, and so is the analysis.
Replication seeds come from numpy's SeedSequence and the master seed, and are the same
for every scenario compared (common random numbers): scenario A and B with replication
r meet the same families with the same luck, so their difference is paired.
"""

from __future__ import annotations

import math
import multiprocessing as mp
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from model.engine.simulation import SocialDomainModel
from model.records.metrics import by_municipality, signal_to_care, summarise, timeseries
from model.runs.counterfactual import (
    counterfactual_key,
    counterfactual_of,
    measure,
    paired_figures,
    profile,
)
from model.scenario import Scenario
from model.world.geography import Geography, RegionSet


@dataclass
class RunResult:
    scenario: Scenario
    seed: int
    summary: dict
    timeseries: pd.DataFrame
    events: pd.DataFrame
    organisations: pd.DataFrame
    need_delays: pd.DataFrame
    wall_seconds: float
    events_processed: int
    geography_notes: tuple[str, ...]
    by_municipality: pd.DataFrame | None = None  # counts per home municipality, for maps
    geography: Geography | None = None
    regions: dict[str, RegionSet] | None = None
    recovery: pd.DataFrame | None = None  # daily rolling delay against the counterfactual


def simulate(scenario: Scenario, seed: int | None = None) -> RunResult:
    """One run with everything a results folder holds."""
    t0 = time.perf_counter()
    model = SocialDomainModel(scenario, seed=seed).run()
    info = model.run_info()
    arrays = model.log.arrays()
    summary = summarise(arrays, info)
    series = timeseries(arrays, info)
    recovery = measure(scenario, model.seed_used, arrays, info, summary, series)
    need_delays = signal_to_care(arrays, info)
    geo = model.geography
    per_mun = by_municipality(arrays, info, geo.n)
    per_mun.insert(0, "code", geo.codes)
    per_mun.insert(1, "name", geo.names)
    per_mun.insert(2, "province", [geo.province_names[p] for p in geo.province])
    orgs = model.organisation_table()
    events = model.log.to_frame(orgs, model.geography.codes)
    from model.records.metrics import (
        littles_law,  # L, lambda and W per organisation, for organisations.csv
    )

    orgs = orgs.merge(littles_law(arrays, info), on="org", how="left")
    wall = time.perf_counter() - t0
    summary["wall_seconds"] = wall
    summary["events_processed"] = model.events_processed
    return RunResult(
        scenario,
        model.seed_used,
        summary,
        series,
        events,
        orgs,
        need_delays,
        wall,
        model.events_processed,
        model.geography.notes,
        per_mun,
        geo,
        model.regions,
        recovery,
    )


def evaluate(scenario: Scenario, seed: int, pair: bool = True, keep_profile: bool = False) -> dict:
    """The model as a function: (scenario, seed) -> summary outcomes. Picklable, for pools.

    A reorganising scenario also runs its counterfactual, unless `pair` is off (then
    `keep_profile` keeps what `paired_figures` needs, under "profile").
    """
    model = SocialDomainModel(scenario, seed=seed).run()
    info = model.run_info()
    arrays = model.log.arrays()
    summary = summarise(arrays, info)
    summary["timeseries"] = timeseries(arrays, info)
    measure(scenario, seed, arrays, info, summary, summary["timeseries"], pair=pair)
    if keep_profile:
        summary["profile"] = profile(arrays, info)
    return summary


def run_scenarios(
    scenarios: Sequence[Scenario],
    seeds: Sequence[int],
    workers: int = 1,
    progress: Callable[[Iterable, int], Iterable] | None = None,
) -> list[list[dict]]:
    """Every scenario with every seed; results[i][r] is scenario i with seeds[r].

    A reorganising scenario is paired with its counterfactual: another scenario of the set
    when one is the same world without the reorganisation (then it is not run twice), or
    an extra run otherwise. `progress(iterable, total)` may wrap the runs (e.g. tqdm).
    """
    keys = [counterfactual_key(s) for s in scenarios]
    plain = {
        k: i for i, (s, k) in enumerate(zip(scenarios, keys, strict=True)) if not s.reorganisation
    }
    extra: dict[str, Scenario] = {}
    for s, k in zip(scenarios, keys, strict=True):
        if s.reorganisation and k not in plain and k not in extra:
            extra[k] = counterfactual_of(s)
    runs = [*scenarios, *extra.values()]
    tasks = [(sc, seed) for sc in runs for seed in seeds]
    fn = partial(evaluate, pair=False, keep_profile=True)
    wrap = None if progress is None else (lambda it: progress(it, len(tasks)))
    flat = run_many(tasks, workers, wrap, fn=fn)
    r = len(seeds)
    results = [flat[i * r : (i + 1) * r] for i in range(len(runs))]
    twin = {k: results[i] for k, i in plain.items()}
    twin.update({k: results[len(scenarios) + j] for j, k in enumerate(extra)})
    for s, k, res in zip(scenarios, keys, results, strict=False):
        if s.reorganisation:
            for run, cf in zip(res, twin[k], strict=True):
                run.update(paired_figures(run["profile"], cf["profile"], s))
    for res in results:
        for run in res:
            run.pop("profile", None)
    return results[: len(scenarios)]


def replication_seeds(master_seed: int, n: int) -> list[int]:
    """n independent 63-bit seeds from a master seed (numpy SeedSequence)."""
    children = np.random.SeedSequence(master_seed).spawn(n)
    return [int(c.generate_state(1, np.uint64)[0] >> np.uint64(1)) for c in children]


def run_many(
    tasks: Sequence[tuple[Scenario, int]],
    workers: int = 1,
    progress: Callable[[Iterable], Iterable] | None = None,
    fn: Callable[[Scenario, int], Any] = evaluate,
) -> list:
    """Apply `fn` (default: `evaluate`) to (scenario, seed) pairs, in order, on `workers`
    processes; `fn` must be a module-level function, so that it pickles.

    Results do not depend on the number of workers: each run's randomness comes from its
    own seed only.
    """
    wrap = progress or (lambda it: it)
    if workers <= 1 or len(tasks) <= 1:
        return [fn(sc, seed) for sc, seed in wrap(tasks)]
    ctx = mp.get_context("spawn")  # no inherited state; the same on every platform
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
        futures = [pool.submit(fn, sc, seed) for sc, seed in tasks]
        return [f.result() for f in wrap(futures_in_order(futures))]


def futures_in_order(futures):
    for f in futures:
        f.result()
        yield f


SCALAR = (int, float)


def comparison_table(
    names: Sequence[str], results: Sequence[Sequence[dict]], confidence: float = 0.95
) -> pd.DataFrame:
    """Mean and t-interval of every scalar metric, per scenario."""
    rows = []
    for name, runs in zip(names, results, strict=True):
        for metric in _scalar_metrics(runs[0]):
            x = np.array([r[metric] for r in runs], dtype=float)
            mean, lo, hi = mean_ci(x, confidence)
            rows.append(
                {
                    "scenario": name,
                    "metric": metric,
                    "mean": mean,
                    "ci_low": lo,
                    "ci_high": hi,
                    "n": int(np.isfinite(x).sum()),
                }
            )
    return pd.DataFrame(rows)


def paired_differences(
    names: Sequence[str],
    results: Sequence[Sequence[dict]],
    baseline: int = 0,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Each scenario minus the baseline, replication by replication (common random numbers)."""
    rows = []
    base = results[baseline]
    for name, runs in zip(names, results, strict=True):
        if runs is base:
            continue
        for metric in _scalar_metrics(runs[0]):
            d = np.array(
                [r[metric] - b[metric] for r, b in zip(runs, base, strict=True)], dtype=float
            )
            mean, lo, hi = mean_ci(d, confidence)
            rows.append(
                {
                    "scenario": name,
                    "baseline": names[baseline],
                    "metric": metric,
                    "difference": mean,
                    "ci_low": lo,
                    "ci_high": hi,
                    "n": int(np.isfinite(d).sum()),
                }
            )
    return pd.DataFrame(rows)


def _scalar_metrics(summary: dict) -> list[str]:
    return [
        k
        for k, v in summary.items()
        if isinstance(v, SCALAR)
        and not isinstance(v, bool)
        and k not in ("wall_seconds", "events_processed")
    ]


def mean_ci(x: np.ndarray, confidence: float = 0.95) -> tuple[float, float, float]:
    x = x[np.isfinite(x)]
    if len(x) == 0:
        return (math.nan,) * 3
    mean = float(x.mean())
    if len(x) < 2:
        return mean, math.nan, math.nan
    sem = float(x.std(ddof=1) / math.sqrt(len(x)))
    half = float(stats.t.ppf(0.5 + confidence / 2, len(x) - 1)) * sem
    return mean, mean - half, mean + half
