"""Parameter points: full-factorial grid, Latin hypercube, Sobol (Saltelli) and Morris.

Every sampler first draws points in the unit cube (scipy.stats.qmc for the Latin
hypercube, SALib for Saltelli and Morris) and then maps each coordinate through its
parameter's distribution (inverse CDF) or onto its list of values. The unit points are
kept: the sensitivity analyses are computed on them, so indices are per whole range of a
parameter and do not depend on its unit. Same specification and seed, same points.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats
from scipy.stats import qmc

from model.sweeps.design import ParameterSpec, SamplerSpec


@dataclass(frozen=True)
class Sample:
    points: pd.DataFrame  # one row per point (index "point"), one column per parameter
    unit: np.ndarray | None  # the same points in the unit cube (None for a grid)
    method: str

    @property
    def problem(self) -> dict:
        """SALib's description of the (unit) space."""
        names = list(self.points.columns)
        return {"num_vars": len(names), "names": names, "bounds": [[0.0, 1.0]] * len(names)}


def sample(parameters: dict[str, ParameterSpec], spec: SamplerSpec, seed: int) -> Sample:
    names = list(parameters)
    kind = "sobol" if spec.kind == "saltelli" else spec.kind
    if kind == "grid":
        return _grid(parameters)
    d = len(names)
    problem = {"num_vars": d, "names": names, "bounds": [[0.0, 1.0]] * d}
    if kind == "lhs":
        unit = qmc.LatinHypercube(d=d, rng=np.random.default_rng(seed)).random(spec.n)
    elif kind == "sobol":
        from SALib.sample import sobol

        unit = sobol.sample(problem, spec.n, calc_second_order=spec.second_order, seed=seed)
    elif kind == "morris":
        from SALib.sample import morris

        unit = morris.sample(problem, spec.n, num_levels=spec.levels, seed=seed)
    else:  # pragma: no cover - the design's Literal rules it out
        raise ValueError(kind)
    columns = {p: to_values(parameters[p], unit[:, j]) for j, p in enumerate(names)}
    return Sample(_frame(columns, len(unit)), unit, kind)


def to_values(spec: ParameterSpec, u: np.ndarray) -> list:
    """Map unit coordinates onto a parameter: its list of values, or its distribution."""
    u = np.clip(np.asarray(u, dtype=float), 0.0, 1.0)
    if spec.categorical:
        k = len(spec.values)
        return [spec.values[i] for i in np.minimum((u * k).astype(int), k - 1)]
    lo, hi = spec.low, spec.high
    if spec.integer and spec.distribution == "uniform":
        # every integer of [lo, hi] gets the same share of the unit interval
        return [int(v) for v in np.minimum(np.floor(lo + u * (hi - lo + 1)), hi)]
    if spec.distribution == "uniform":
        x = lo + u * (hi - lo)
    elif spec.distribution == "loguniform":
        x = np.exp(np.log(lo) + u * (np.log(hi) - np.log(lo)))
    else:
        c = (spec.mode - lo) / (hi - lo)
        x = stats.triang(c, loc=lo, scale=hi - lo).ppf(u)
    if spec.integer:
        return [int(v) for v in np.rint(x)]
    return [float(v) for v in x]


def _grid(parameters: dict[str, ParameterSpec]) -> Sample:
    axes = []
    for spec in parameters.values():
        if spec.categorical:
            axes.append(list(spec.values))
        else:
            values = to_values(spec, np.linspace(0.0, 1.0, spec.levels))
            axes.append(list(dict.fromkeys(values)))  # integers may coincide
    n = int(np.prod([len(a) for a in axes])) if axes else 1
    columns: dict[str, list] = {p: [] for p in parameters}
    for combo in itertools.product(*axes):
        for p, v in zip(parameters, combo, strict=True):
            columns[p].append(v)
    return Sample(_frame(columns, n), None, "grid")


def _frame(columns: dict[str, list], n: int) -> pd.DataFrame:
    return pd.DataFrame(
        {p: pd.Series(v, dtype=object if _mixed(v) else None) for p, v in columns.items()},
        index=pd.RangeIndex(n, name="point"),
    )


def _mixed(values: list) -> bool:
    return not all(isinstance(v, int | float) and not isinstance(v, bool) for v in values)
