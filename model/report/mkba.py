"""The social cost-benefit account (maatschappelijke kosten-batenanalyse, MKBA) of a
comparison: per stakeholder and per year, each scenario's costs against the baseline's on
the same families (common random numbers), discounted to a net present value.

Conventions (../shared/DESIGN.md, Cost-benefit conventions; docs/report.md):
- every cost item comes from a declared outcome (`model/records/outcomes.py`) through
  `ITEMS` below, the one place that says what is counted and who bears it; an outcome the
  runs do not have is left out and named, never guessed;
- a run's figure of the measured window is spread over its years by the monthly series
  named with the item (or evenly, when there is none); year t (0 = the first measured year)
  is discounted by 1 / (1 + r)^t, so the first year's flows count in full;
- the difference is taken run by run against the baseline's run of the same replication,
  and its mean and 95 % interval come from `model.runs.statistics`, as every other table's;
- a positive difference is an extra cost, a negative one a saving; the net present value
  is savings minus extra costs, so positive favours the scenario.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import pandas as pd

from model.records.outcomes import OUTCOMES, When, outcome
from model.report.parameters import DEFAULTS, MkbaParameters
from model.runs import statistics

YEAR_DAYS = 365.25


class Stakeholder(StrEnum):
    """Who bears a cost (the distribution table of an MKBA)."""

    MUNICIPALITY = "municipality"  # gemeente: commissions and pays the four domains
    PROVIDERS = "providers"  # care organisations (aanbieders)
    VEILIG_THUIS = "veilig_thuis"
    FAMILIES = "families"
    OTHERS = "others"  # police, schools, GPs: not priced in the model


class Price(StrEnum):
    """How an item's outcome becomes euros."""

    EUR = "eur"  # the outcome is in euros already
    FAMILY_HOUR = "family_hour"  # professional hours x family hours per hour x shadow price


@dataclass(frozen=True)
class CostItem:
    key: str  # names the item in the catalogues (mkba.item.<key>) and the CSV
    stakeholder: Stakeholder
    plus: tuple[str, ...]  # outcomes summed (a family with a placeholder stands for all)
    minus: tuple[str, ...] = ()  # outcomes subtracted (a breakdown already counted elsewhere)
    price: Price = Price.EUR
    series: str | None = None  # monthly column of a run's series that spreads it over years
    reorganisation: bool = False  # shown as its own line
    why: str = ""  # why this stakeholder bears it (docs/report.md repeats it)


# Veilig Thuis's parts of the cost of care and of the full cost: its own stakeholder, so
# they are taken out of the municipalities' and providers' lines.
VT_CARE = "by_domain.vt.cost_eur_total"
VT_FULL = "by_domain.vt.cost_eur_full"

ITEMS: tuple[CostItem, ...] = (
    CostItem(
        "care",
        Stakeholder.MUNICIPALITY,
        ("cost_eur_total",),
        minus=(VT_CARE,),
        series="cost_eur",
        why="Jeugdwet and Wmo 2015: municipalities commission and pay the care of the "
        "wijkteams, youth care and shelter (through the centrumgemeente) that is delivered; "
        "Veilig Thuis's part is its own line",
    ),
    CostItem(
        "family_time",
        Stakeholder.FAMILIES,
        ("hours_intake",),
        price=Price.FAMILY_HOUR,
        series="hours_intake",
        why="the family's hours at intakes, valued at the shadow price of informal care",
    ),
    CostItem(
        "idle_and_overhead",
        Stakeholder.PROVIDERS,
        ("cost_eur_full", VT_CARE),
        minus=("cost_eur_total", "cost_eur_governance", VT_FULL),
        series="cost_eur",
        why="paid hours not booked to a family (idle time of case-carrying staff) and "
        "management and back office: organisations pay their staff whether busy or not "
        "(DESIGN.md, How a scheme acts); Veilig Thuis's are its own line; spread over the "
        "years like the care cost",
    ),
    CostItem(
        "vt_care",
        Stakeholder.VEILIG_THUIS,
        (VT_CARE,),
        series="cost_eur",
        why="Veilig Thuis is one organisation per region that its municipalities must "
        "provide (Wmo 2015 art. 4.1.1); assumption: they fund it as a budget, not per case, "
        "so the hours it books to families fall on that budget, shown as its own "
        "stakeholder",
    ),
    CostItem(
        "vt_idle_and_overhead",
        Stakeholder.VEILIG_THUIS,
        (VT_FULL,),
        minus=(VT_CARE,),
        series="cost_eur",
        why="Veilig Thuis's paid hours not booked to a family and its management and back "
        "office, on the same budget",
    ),
    CostItem(
        "governance",
        Stakeholder.MUNICIPALITY,
        ("cost_eur_governance",),
        series="cost_eur",
        why="officials' and managers' hours in regional bodies (BZK 2020: 1,284 bodies, 33 "
        "per municipality); spread over the years like the care cost",
    ),
    CostItem(
        "reorganisation_one_off",
        Stakeholder.MUNICIPALITY,
        ("reorganisation.cost_eur_by_item.<item>",),
        series="reorganisation_cost_eur",
        reorganisation=True,
        why="assumption: the municipalities that decide a redraw pay for setting up and "
        "dissolving organisations, moves and training",
    ),
    CostItem(
        "reorganisation_paid_hours",
        Stakeholder.PROVIDERS,
        ("reorganisation_cost_eur",),
        minus=("reorganisation.cost_eur_by_item.<item>",),
        series="reorganisation_cost_eur",
        reorganisation=True,
        why="assumption: organisations keep paying staff whose hours go to the change "
        "(contracting gap, learning, transfer work) within fixed budgets",
    ),
)

# Outcomes in euros that are no cost item, and why: the test that every euro outcome is
# placed reads this, so a new one (overhead, governance...) fails until it is placed here
# or in ITEMS.
NOT_ITEMS: dict[str, str] = {
    "cost_eur_per_family": "care cost per family: a ratio of the item `care`",
    "cost_eur_incl_reorganisation": "the sum of `care` and the reorganisation items",
}

# Effects the account lists beside the euros, without a price (present ones only).
UNPRICED: tuple[str, ...] = (
    "stories_told_per_family_mean",
    "redundant_intakes_per_family_mean",
    "signal_to_care_days_mean",
    "unmet_need_share",
    "escalations",
    "vt_reports",
)

TOTAL = "total"


def names_of(patterns: Sequence[str]) -> tuple[str, ...]:
    """Flat outcome names of item patterns (a family expanded); undeclared names kept as they
    are, so that a renamed outcome shows as absent rather than failing the report."""
    out: list[str] = []
    for p in patterns:
        try:
            o = outcome(p)
        except KeyError:
            out.append(p)
            continue
        out += list(o.names()) if p == o.name else [p]
    return tuple(out)


def _only_when_reorganising(name: str) -> bool:
    try:
        return outcome(name).when is When.REORGANISING
    except KeyError:
        return False


def _a_breakdown(name: str) -> bool:
    """A part of a total that older folders lack (a domain's cost, a reorganisation's
    item): absent, it counts 0 beside the total, so an item built on the total stays as it
    was and only the items made of the parts alone are left out."""
    try:
        o = outcome(name)
    except KeyError:
        return False
    return o.when is When.REORGANISING or o.group == "by_domain"


def item_values(
    item: CostItem, runs: pd.DataFrame, params: MkbaParameters = DEFAULTS
) -> pd.Series | None:
    """The item in euros per run, over the whole window; None when the runs lack it. A
    breakdown that only some runs report (a reorganisation's items, a domain's part in an
    older folder) counts 0 in the others."""
    total = pd.Series(0.0, index=runs.index)
    found = False
    for sign, patterns in ((1.0, item.plus), (-1.0, item.minus)):
        for name in names_of(patterns):
            if name in runs:
                total += sign * runs[name].astype(float).fillna(0.0)
                found = found or sign > 0
            elif not _a_breakdown(name) and sign > 0:
                return None
    if not found and not any(_only_when_reorganising(n) for n in names_of(item.plus)):
        return None
    if item.price is Price.FAMILY_HOUR:
        total *= params.family_hours_per_intake_hour * params.family_hour_eur
    return total


def year_weights(years: float) -> np.ndarray:
    """The length of each measured year, as a share of a full year ([1, 1, 0.5] for 2.5)."""
    n = max(1, math.ceil(years - 1e-9))
    return np.array([min(1.0, years - t) for t in range(n)])


def discount_factors(n_years: int, rate: float) -> np.ndarray:
    return 1.0 / (1.0 + rate) ** np.arange(n_years)


def spread(
    values: pd.Series,
    runs: pd.DataFrame,
    yearly: pd.DataFrame | None,
    series: str | None,
    weights: np.ndarray,
) -> np.ndarray:
    """Per run (rows of `runs`) and year: the run's total split by its own series' shares
    of each year, or by the years' lengths when the run has no such series (or it is all
    zero while the total is not: costs outside the series' months fall in year 0 then)."""
    n = len(weights)
    out = np.outer(values.to_numpy(dtype=float), weights / weights.sum())
    if yearly is None or series is None or series not in yearly:
        return out
    table = yearly.pivot_table(
        index=["scenario", "replication"], columns="year", values=series, aggfunc="sum"
    ).reindex(columns=range(n), fill_value=0.0)
    for i, (s, r) in enumerate(zip(runs["scenario"], runs["replication"], strict=True)):
        if (s, r) not in table.index:
            continue
        shares = table.loc[(s, r)].to_numpy(dtype=float)
        shares = np.nan_to_num(shares)
        if shares.sum() > 0:
            out[i] = values.iloc[i] * shares / shares.sum()
        elif values.iloc[i] != 0:
            out[i] = 0.0
            out[i, 0] = values.iloc[i]
    return out


@dataclass
class Account:
    """The account of one comparison: `npv` (per scenario, stakeholder and item, at each
    rate: the mean difference against the baseline, its interval and n; rows with item
    `total` sum a stakeholder, stakeholder `total` everything), `yearly` (per scenario,
    year, stakeholder and item: the mean undiscounted difference), the items found and
    those the runs lack."""

    baseline: str
    rates: tuple[float, float]
    npv: pd.DataFrame
    yearly: pd.DataFrame
    items: tuple[CostItem, ...]
    absent: tuple[CostItem, ...]

    def value(self, scenario: str, stakeholder: str = TOTAL, item: str = TOTAL,
              rate: float | None = None) -> pd.Series:  # fmt: skip
        """One row of `npv` (difference, ci_low, ci_high, n)."""
        rate = self.rates[0] if rate is None else rate
        t = self.npv
        row = t[(t.scenario == scenario) & (t.stakeholder == stakeholder) & (t["item"] == item)
                & np.isclose(t.rate, rate)]  # fmt: skip
        return row.iloc[0]


def account(
    runs: pd.DataFrame,
    scenarios: Sequence[str],
    baseline: str,
    years: float,
    yearly: pd.DataFrame | None = None,
    params: MkbaParameters = DEFAULTS,
    items: Sequence[CostItem] = ITEMS,
) -> Account:
    """The account of `runs` (one row per run: scenario, replication, the flat outcomes),
    over `years` measured years; `yearly` holds each run's monthly series summed per year
    (scenario, replication, year, one column per series), when the folder has them."""
    weights = year_weights(years)
    rates = (params.discount_rate, params.sensitivity_rate)
    runs = runs.reset_index(drop=True)
    found, absent = [], []
    per_year: dict[str, np.ndarray] = {}
    for item in items:
        values = item_values(item, runs, params)
        if values is None:
            absent.append(item)
            continue
        if item.reorganisation and not values.any():
            continue  # no scenario reorganises: no line of zeros
        found.append(item)
        per_year[item.key] = spread(values, runs, yearly, item.series, weights)
    keys = ["scenario", "replication"]
    npv_rows = []
    for rate in rates:
        factors = discount_factors(len(weights), rate)
        cols = {}
        for item in found:
            cols[(item.stakeholder.value, item.key)] = per_year[item.key] @ factors
        for sh in Stakeholder:
            mine = [v for (s, _), v in cols.items() if s == sh.value]
            if mine:
                cols[(sh.value, TOTAL)] = np.sum(mine, axis=0)
        cols[(TOTAL, TOTAL)] = (
            np.sum([v for (s, k), v in cols.items() if k != TOTAL], axis=0)
            if found
            else np.zeros(len(runs))
        )
        names = {c: f"{c[0]}|{c[1]}" for c in cols}
        table = runs[keys].assign(**{names[c]: v for c, v in cols.items()})
        diff = statistics.paired_differences(table, scenarios, baseline, list(names.values()))
        split = diff["metric"].str.split("|", expand=True)
        diff = diff.assign(stakeholder=split[0], item=split[1], rate=rate)
        npv_rows.append(diff[["scenario", "baseline", "rate", "stakeholder", "item",
                              "difference", "ci_low", "ci_high", "n"]])  # fmt: skip
    npv = pd.concat(npv_rows, ignore_index=True) if npv_rows else pd.DataFrame()
    yearly_rows = []
    for t in range(len(weights)):
        year_cols = {f"{item.stakeholder.value}|{item.key}": per_year[item.key][:, t]
                     for item in found}  # fmt: skip
        if not year_cols:
            break
        table = runs[keys].assign(**year_cols)
        diff = statistics.paired_differences(table, scenarios, baseline, list(year_cols))
        split = diff["metric"].str.split("|", expand=True)
        yearly_rows.append(
            diff.assign(year=t + 1, stakeholder=split[0], item=split[1])[
                [
                    "scenario",
                    "baseline",
                    "year",
                    "stakeholder",
                    "item",
                    "difference",
                    "ci_low",
                    "ci_high",
                    "n",
                ]
            ]  # fmt: skip
        )
    yearly_table = pd.concat(yearly_rows, ignore_index=True) if yearly_rows else pd.DataFrame()
    return Account(baseline, rates, npv, yearly_table, tuple(found), tuple(absent))


def euro_outcomes() -> tuple[str, ...]:
    """Every declared outcome in euros (scalar, in a summary): what ITEMS and NOT_ITEMS
    must place between them."""
    return tuple(
        o.name
        for o in OUTCOMES
        if o.unit.startswith("EUR") and o.scalar and o.when in (When.ALWAYS, When.REORGANISING)
    )
