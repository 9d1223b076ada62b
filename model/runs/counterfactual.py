"""Measuring a reorganisation against the same world without it.

The counterfactual is the same scenario without its `[[reorganisation]]` tables, run with
the same seed. Families come from a stream of their own and each need carries its own
luck (common random numbers), and the reorganisation draws from a stream of its own, so
the two runs are identical up to the first reorganisation's day, record for record (a
test checks this). From then on they go their own ways, and "extra" means a paired
difference: the reorganised run minus its counterfactual, from the first reorganisation
to the end. Such a difference holds the change's one-off disruption and its lasting
effect together (a better scheme can make it negative); replications average out the
noise of the runs' diverging paths.

Figures (added to summary.json; all zero, and no counterfactual run, without a
reorganisation):
- `reorganisation_cost_eur`: one-off costs (`transition_cost` records) plus the paid
  hours lost (`transition_hours` with aux = 1: contracting gap, learning, training,
  transfer work) at the hourly cost of the organisation's domain. Vacant posts are hours
  lost but not paid. Care costs stay in `cost_eur_total`; `cost_eur_incl_reorganisation`
  is their sum.
- `reorganisation_hours_lost`: every `transition_hours` record, paid or not.
- `reorganisation_cases_transferred`: distinct cases moved to another organisation.
- `reorganisation_extra_intakes`: `intake` records from the first reorganisation on,
  minus the counterfactual's (re-intakes of moved cases, and any change in intakes the
  new scheme or protocol brings).
- `reorganisation_extra_wait_days`: need-days of waiting from the first reorganisation
  on, minus the counterfactual's. A need waits from the moment it arises until its care
  starts or the family drops out; care interrupted by a transfer waits until it resumes.
- `recovery_days`: days from the first reorganisation until the rolling signal-to-care
  delay is back within tolerance of the counterfactual's: at most
  (1 + `recovery.tolerance_share`) times it, for `recovery.confirm_days` in a row. The
  rolling delay on day d is the mean signal-to-care delay of the needs that came to
  light in the `recovery.window_days` up to d (by the day they came to light, so that
  a disruption shows at once rather than when its delayed care finally starts; the
  trailing window adds up to its length of lag). The last window of the run is not
  judged: its families have not all been helped yet. Being better than the
  counterfactual counts as recovered. When it never is, `recovery_days` is null and
  `reorganisation_recovered` is 0.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from model.engine.simulation import SocialDomainModel
from model.records.events import LOSS_REASONS, TRANSITION_ITEMS, EventLog, Kind, TransitionItem
from model.records.metrics import (
    MONTH_DAYS,
    RunInfo,
    Source,
    columns,
    earliest,
    first_of,
    lookup,
    pick,
)
from model.records.outcomes import REORGANISATION
from model.records.sums import sparse_sum
from model.scenario import RecoveryConfig, Scenario
from model.vocabulary import CasePhase

# The figures this module adds to a summary, in order (declared in records/outcomes.py).
FIGURES: tuple[str, ...] = REORGANISATION


@dataclass
class Profile:
    """What the paired figures need from one run, per day since the start (warm-up included)."""

    cared: np.ndarray  # needs that came to light that day and had care by the end
    delay_sum: np.ndarray  # their signal-to-care days, summed
    intakes: np.ndarray
    waiting: np.ndarray  # need-days of waiting in that day

    def to_lists(self) -> dict[str, list[float]]:
        """For a run's JSON record (floats round-trip exactly)."""
        return {k: v.tolist() for k, v in vars(self).items()}

    @classmethod
    def from_lists(cls, data: Mapping[str, list[float]]) -> Profile:
        return cls(**{k: np.asarray(v, dtype=float) for k, v in data.items()})


def counterfactual_of(scenario: Scenario) -> Scenario:
    return scenario.replace(reorganisation=[])


def counterfactual_key(scenario: Scenario) -> str:
    """Scenarios with the same key are each other's counterfactual (names and seeds aside)."""
    dump = scenario.model_dump(
        mode="json", exclude={"name", "description", "seed", "reorganisation"}
    )
    return json.dumps(dump, sort_keys=True)


def first_day(scenario: Scenario) -> int:
    """The first reorganisation, in days since the start of the run (warm-up included)."""
    return int(round(scenario.warmup_days)) + scenario.reorganisation[0].day()


# ----------------------------------------------------------------------------- from one log
def profile(a: Source, info: RunInfo) -> Profile:
    n = int(np.ceil(info.end_day))

    def per_day(times: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
        day = np.clip(times.astype(np.int64), 0, n - 1)
        return np.bincount(day, weights=weights, minlength=n)[:n].astype(float)

    needs, arose = first_of(a, Kind.NEED, "need")
    started, t_start = first_of(a, Kind.CARE_START, "need")
    came = lookup(needs, arose, started)

    # Waiting intervals: from a need's rise to its care start or dropout (or the end), and
    # care interrupted by a transfer, from the move to its resumption (or the end).
    out = pick(a, [Kind.CARE_START, Kind.DROPOUT], ["need", "time"])
    left = lookup(*earliest(out["need"], out["time"]), needs)
    del out

    def key(rows: dict[str, np.ndarray]) -> np.ndarray:
        return rows["case"].astype(np.int64) * 2**31 + rows["need"]

    moved = pick(a, [Kind.TRANSFER], ["case", "need", "time", "aux"])
    moved = {k: v[moved["aux"] == CasePhase.CARE] for k, v in moved.items()}
    resumed = pick(a, [Kind.CARE_RESUMED], ["case", "need", "time"])
    back = lookup(*earliest(key(resumed), resumed["time"]), key(moved))
    begin = np.concatenate([arose, moved["time"]])
    end = np.concatenate([left, back])
    end = np.where(np.isnan(end), info.end_day, np.minimum(end, info.end_day))
    return Profile(
        cared=per_day(came),
        delay_sum=per_day(came, t_start - came),
        intakes=per_day(pick(a, [Kind.INTAKE], ["time"])["time"]),
        waiting=np.diff(_integral(begin, end, np.arange(n + 1, dtype=float))),
    )


def _integral(begin: np.ndarray, end: np.ndarray, x: np.ndarray) -> np.ndarray:
    """For each x, the total length of the intervals [begin, end) that lies before x."""
    b = np.sort(begin)
    e = np.sort(end)
    cb = np.concatenate([[0.0], np.cumsum(b)])
    ce = np.concatenate([[0.0], np.cumsum(e)])
    kb = np.searchsorted(b, x)
    ke = np.searchsorted(e, x)
    return (kb * x - cb[kb]) - (ke * x - ce[ke])


def transition_costs(a: Source, info: RunInfo) -> dict[str, np.ndarray]:
    """The records that cost a reorganisation money (time, row, euros): one-off euros, and
    paid hours lost at the domain's hourly cost."""
    r = pick(a, [Kind.TRANSITION_COST, Kind.TRANSITION_HOURS],
             ["row", "time", "kind", "org", "value", "aux"])  # fmt: skip
    one_off = r["kind"] == Kind.TRANSITION_COST
    paid = (r["kind"] == Kind.TRANSITION_HOURS) & (r["aux"] == 1)
    eur = np.zeros(len(one_off))
    eur[one_off] = r["value"][one_off]
    eur[paid] = r["value"][paid] * info.hourly_cost_eur[info.org_domain[r["org"][paid]]]
    return {"row": r["row"], "time": r["time"], "eur": eur}


def own_figures(a: Source, info: RunInfo, scenario: Scenario) -> dict:
    """The figures the reorganised run's own log gives, and a breakdown to check them by."""
    costs = pick(a, [Kind.TRANSITION_COST], ["value", "detail", "aux"])
    hours = pick(a, [Kind.TRANSITION_HOURS], ["value", "detail"])
    moved = pick(a, [Kind.TRANSFER], ["value", "aux"])
    items, reasons = len(TRANSITION_ITEMS), len(LOSS_REASONS)
    count = np.bincount(costs["detail"], weights=costs["aux"], minlength=items)
    eur = np.bincount(costs["detail"], weights=costs["value"], minlength=items)
    lost = np.bincount(hours["detail"], weights=hours["value"], minlength=reasons)
    spent = transition_costs(a, info)
    in_care = moved["aux"] == CasePhase.CARE
    return {
        # the sum over every record of the log, as one array of the log's length gave it
        "reorganisation_cost_eur": sparse_sum(spent["row"], spent["eur"], _log_length(a)),
        "reorganisation_hours_lost": float(hours["value"].sum()),
        "reorganisation_cases_transferred": len(np.unique(moved["value"])),
        "reorganisation": {
            "days": [r.day() for r in scenario.reorganisation],
            "organisations_created": int(count[TransitionItem.ORGANISATION_CREATED]),
            "organisations_dissolved": int(count[TransitionItem.ORGANISATION_DISSOLVED]),
            "professionals_moved": int(count[TransitionItem.PROFESSIONALS_MOVED]),
            "leavers": int(count[TransitionItem.LEAVERS]),
            "cases_transferred_in_care": len(np.unique(moved["value"][in_care])),
            "cost_eur_by_item": {item: float(eur[i]) for i, item in enumerate(TRANSITION_ITEMS)},
            "hours_lost_by_reason": {r: float(lost[i]) for i, r in enumerate(LOSS_REASONS)},
        },
    }


def _log_length(a: Source) -> int:
    return len(a) if isinstance(a, EventLog) else len(columns(a)["kind"])


def monthly_cost(a: Source, info: RunInfo, months: int) -> np.ndarray:
    """reorganisation_cost_eur per month of the measured period (for the timeseries)."""
    spent = transition_costs(a, info)
    idx = np.floor((spent["time"] - info.measure_from) / MONTH_DAYS).astype(np.int64)
    ok = (idx >= 0) & (idx < months) & (spent["eur"] != 0)
    return np.bincount(idx[ok], weights=spent["eur"][ok], minlength=months)[:months]


# ----------------------------------------------------------------------------- paired
def rolling_delay(p: Profile, window_days: float) -> np.ndarray:
    """Per day, the mean signal-to-care delay of the needs that came to light in the
    trailing window (those that had care by the end)."""
    w = max(1, int(round(window_days)))
    starts = np.concatenate([[0.0], np.cumsum(p.cared)])
    delays = np.concatenate([[0.0], np.cumsum(p.delay_sum)])
    hi = np.arange(1, len(p.cared) + 1)
    lo = np.maximum(hi - w, 0)
    n = starts[hi] - starts[lo]
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(n > 0, (delays[hi] - delays[lo]) / n, np.nan)


def recovery(
    reorganised: np.ndarray, counterfactual: np.ndarray, tolerance: float, confirm_days: float
) -> int | None:
    """The first day from which the reorganised series stays within the tolerance of the
    counterfactual for confirm_days in a row (within the series), or None.

    Both series start at the reorganisation. A day is within tolerance when the
    reorganised value is at most (1 + tolerance) x the counterfactual's (better counts as
    recovered); a missing reorganised value (nobody helped) is not, unless the
    counterfactual's is missing too. A first passage that must hold, rather than the last
    exit from the band: a random excursion late in a long run does not undo a recovery.
    """
    r = np.asarray(reorganised, dtype=float)
    c = np.asarray(counterfactual, dtype=float)
    inside = ~np.where(np.isnan(r), ~np.isnan(c), r > c * (1.0 + tolerance))
    need = max(1, int(np.ceil(confirm_days)))
    if len(inside) < need:
        return None
    runs = np.convolve(inside.astype(np.int64), np.ones(need, dtype=np.int64), mode="valid")
    ok = np.flatnonzero(runs == need)
    return int(ok[0]) if len(ok) else None


def paired_figures(run: Profile, cf: Profile, scenario: Scenario) -> dict:
    t1 = first_day(scenario)
    rc: RecoveryConfig = scenario.recovery
    judged = slice(t1, len(run.cared) - int(round(rc.window_days)))
    r = rolling_delay(run, rc.window_days)[judged]
    c = rolling_delay(cf, rc.window_days)[judged]
    day = recovery(r, c, rc.tolerance_share, rc.confirm_days)
    return {
        "reorganisation_extra_intakes": int(round(run.intakes[t1:].sum() - cf.intakes[t1:].sum())),
        "reorganisation_extra_wait_days": float(run.waiting[t1:].sum() - cf.waiting[t1:].sum()),
        "recovery_days": float("nan") if day is None else float(day),
        "reorganisation_recovered": int(day is not None),
    }


def recovery_table(run: Profile, cf: Profile, scenario: Scenario, info: RunInfo) -> pd.DataFrame:
    """The daily series recovery is read from, over the measured period (for a figure)."""
    rc = scenario.recovery
    judged = slice(int(np.ceil(info.measure_from)), len(run.cared) - int(round(rc.window_days)))
    r = rolling_delay(run, rc.window_days)[judged]
    c = rolling_delay(cf, rc.window_days)[judged]
    return pd.DataFrame(
        {
            "day": np.arange(len(r)),
            "signal_to_care_days_rolling": r,
            "counterfactual_days_rolling": c,
            "tolerance_limit_days": c * (1 + rc.tolerance_share),
        }
    )


def zero_figures() -> dict:
    out: dict = dict.fromkeys(FIGURES, 0)
    out["reorganisation_cost_eur"] = 0.0
    out["reorganisation_hours_lost"] = 0.0
    out["reorganisation_extra_wait_days"] = 0.0
    out["recovery_days"] = 0.0
    out["reorganisation_recovered"] = 1
    return out


# ----------------------------------------------------------------------------- one run
def measure(
    scenario: Scenario,
    seed: int,
    log: Source,
    info: RunInfo,
    summary: dict,
    series: pd.DataFrame,
    pair: bool = True,
) -> pd.DataFrame | None:
    """Add the reorganisation figures to a run's summary and its monthly cost to its series.

    With `pair`, run the counterfactual (same seed) for the paired figures and return the
    daily recovery table; without, the paired figures are left to the caller
    (`paired_figures`, e.g. when the counterfactual is another scenario of a comparison).
    """
    if not scenario.reorganisation:
        series["reorganisation_cost_eur"] = 0.0
        summary.update(zero_figures())
        summary["cost_eur_incl_reorganisation"] = summary["cost_eur_total"]
        return None
    series["reorganisation_cost_eur"] = monthly_cost(log, info, len(series))
    summary.update(own_figures(log, info, scenario))
    summary["cost_eur_incl_reorganisation"] = (
        summary["cost_eur_total"] + summary["reorganisation_cost_eur"]
    )
    if not pair:
        return None
    twin = SocialDomainModel(counterfactual_of(scenario), seed=seed).run()
    cf = profile(twin.log, twin.run_info())
    own = profile(log, info)
    summary.update(paired_figures(own, cf, scenario))
    return recovery_table(own, cf, scenario, info)
