"""Every metric, computed from the event log alone.

Their names, units, directions and one-line definitions are declared in outcomes.py
(and docs/outcomes.md is generated from there); a test holds this module to that list.

What counts (so that each figure can be checked by hand against events.parquet):
- the measured window is [warm-up, end); counts of things (signals, handovers, hours,
  escalations, reports) are records whose time falls in it;
- measured needs arose in the window; measured families had their first signal in it,
  and everything that happened to them until the end counts for the per-family means;
- handover delay: from `handover_sent` to the first `assigned` of the receiving case
  (0 when the needs joined a case that already had a professional); handovers still
  unanswered at the end are left out and counted in `handovers_unanswered`;
- signal to care: from a need's `need` record to its `care_start`; needs without care
  are left out and counted in `unmet_need_share` (dropped out, or still waiting);
- border crossings: handovers between organisations whose catchments do not nest;
  deliberate placements outside the home region (shelter, for safety) are counted apart
  as `placements_elsewhere`;
- stories told: full intakes; redundant intakes: full intakes beyond the first in an
  episode (a signal and the handovers that follow from it);
- cost: hours (intake, administration, care, coordination, travel) at the hourly cost
  of the organisation's domain, plus planned care days at the domain's day cost;
- Little's law, per organisation, two ways. A case is at an organisation from `queued`
  (or the `transfer` that moved it there while it waited) to `closed` (or the transfer
  that moved it away). In the finite window [start, end) of length T: L is the
  time-average number of cases there, counted from the events alone (each arrival adds a
  case until the end of the window, each departure takes one away); lambda is every case
  present at some moment of the window, per day; W is the mean time each of them spent
  inside the window. Then L = lambda W exactly on a consistent log (Kim and Whitt 2013),
  so `littles_law_max_rel_error`, the largest |L - lambda W| / L over organisations with a
  case present, checks the log's bookkeeping and is zero up to rounding (1e-12 or so).
  The steady-state form sets L against lambda' W', with lambda' the cases that closed in
  the window per day and W' their whole stay, time before the window included:
  `littles_law_steady_state_max_rel_error` is the largest |L - lambda' W'| / L over
  organisations with at least LITTLE_MIN_CLOSED closed cases (NaN when there are none).
  It equals (A(end) - A(start)) / (T L), where A(s) is the summed age of the cases open at
  s: small in steady state, large when the window is short for the stays or queues grow.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from model.records import sums
from model.records.events import (
    HOURS_KINDS,
    VT_REPORTS,
    EventLog,
    HandoverFlag,
    Kind,
    ReportType,
    StaffRole,
)
from model.records.outcomes import AREA_MEANS
from model.vocabulary import DOMAINS, CasePhase

MONTH_DAYS = 365.25 / 12
# Closed cases in the window for an organisation's L = lambda W to count. The edge noise of
# the relative error is about sqrt(2 W / (n T)) for n closed cases of mean stay W in a window
# T: under 5 % for n >= 300 and W <= T / 4. Smaller organisations are left out.
LITTLE_MIN_CLOSED = 300
QUEUED_PHASE = int(CasePhase.QUEUED)  # a transfer's aux: the case was waiting
# Rows a whole-log computation takes at a time, so its temporaries stay small (docs/performance.md).
_BLOCK_ROWS = 1 << 20
# Keys `lookup` finds at a time: its temporaries (some 25 bytes a key) stay a few MB.
_LOOKUP_ROWS = 1 << 18
# What a metric reads: the run's log (on disk), or its columns in memory (a test's log).
Source = EventLog | Mapping[str, np.ndarray] | pd.DataFrame


@dataclass(frozen=True)
class RunInfo:
    """What metrics need besides the log: the window and the organisations' tables."""

    measure_from: float
    end_day: float
    org_domain: np.ndarray  # domain code per org id
    org_region: np.ndarray  # region code (str) per org id
    hourly_cost_eur: np.ndarray  # per domain
    day_cost_eur: np.ndarray  # per domain
    fte_total: float
    weekly_hours_per_fte: float = 36.0
    governance_hourly_cost_eur: float = 0.0


def _percentiles(x: np.ndarray) -> tuple[float, float, float]:
    if len(x) == 0:
        return (float("nan"),) * 3
    return float(np.mean(x)), float(np.percentile(x, 50)), float(np.percentile(x, 90))


def frame(a: Mapping[str, np.ndarray]) -> pd.DataFrame:
    return pd.DataFrame({k: v for k, v in a.items()})


def columns(a: Mapping[str, np.ndarray] | pd.DataFrame) -> dict[str, np.ndarray]:
    """The log's columns as numpy arrays (no copies), from the arrays or a DataFrame."""
    return {k: np.asarray(a[k]) for k in a.keys()}


def pick(
    a: Source, kinds: Iterable[int], names: Sequence[str], *, since: float | None = None
) -> dict[str, np.ndarray]:
    """Columns `names` of the records of these kinds, in log order; with `since`, of those
    at or after that time. `row` is a record's position in the log.

    Every metric reads the log through this, and only the kinds and columns it needs: a
    national five-year log has some 100 million records and stays on disk (EventLog.select
    reads it kind by kind); a log in memory (a test's, built by hand) is masked instead.
    Either way the same records come out in the same order, so sums over them are the same
    numbers."""
    if isinstance(a, EventLog):
        return a.select(kinds, names, since=since)
    c = columns(a)
    mask = np.isin(c["kind"], [int(k) for k in kinds])
    if since is not None:
        mask &= c["time"] >= since
    return {name: np.flatnonzero(mask) if name == "row" else c[name][mask] for name in names}


def measured_tail(c: Mapping[str, np.ndarray], info: RunInfo) -> dict[str, np.ndarray]:
    """The records of the measured window, as views: the log is in time order (the engine
    records at the clock's time; tests/engine/test_invariants.py checks it), so they are its
    tail. The same rows in the same order as a mask `time >= measure_from` picks; a log out
    of time order (put together by hand, say) gets the copies."""
    t = c["time"]
    if not _in_time_order(t):
        rows = t >= info.measure_from
        return {k: v[rows] for k, v in c.items()}
    start = int(np.searchsorted(t, info.measure_from, side="left"))
    return {k: v[start:] for k, v in c.items()}


def _in_time_order(t: np.ndarray) -> bool:
    for start in range(0, len(t), _BLOCK_ROWS):  # blocks overlap by one row
        block = t[start : start + _BLOCK_ROWS + 1]
        if (block[1:] < block[:-1]).any():
            return False
    return True


def earliest(keys: np.ndarray, times: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sorted unique keys and the earliest time of each: the first of each key once sorted
    by key and time (what `np.unique(..., return_index=True)` of the sorted keys picks,
    without sorting them again)."""
    order = np.lexsort((times, keys))
    ordered = keys[order]
    first = np.ones(len(ordered), dtype=bool)
    np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
    return ordered[first], times[order[first]]


def lookup(uniq: np.ndarray, values: np.ndarray, query: np.ndarray) -> np.ndarray:
    """values[key] for each query key (uniq sorted); NaN where a key is absent. A block of
    queries at a time, so that its temporaries stay small beside a national log's queries."""
    out = np.full(len(query), np.nan)
    if not len(uniq):
        return out
    last = len(uniq) - 1
    for lo in range(0, len(query), _LOOKUP_ROWS):
        q = query[lo : lo + _LOOKUP_ROWS]
        pos = np.searchsorted(uniq, q)
        np.minimum(pos, last, out=pos)
        found = uniq[pos] == q
        out[lo : lo + len(q)][found] = values[pos[found]]
    return out


def among(ids: np.ndarray, members: np.ndarray) -> np.ndarray:
    """Which of `ids` are among `members` (ids >= 0; -1, none, is never a member)."""
    flag = np.zeros(int(max(ids.max(initial=-1), members.max(initial=-1))) + 2, dtype=bool)
    flag[members] = True
    return flag[ids]


def first_of(a: Source, kind: Kind, key: str) -> tuple[np.ndarray, np.ndarray]:
    """The keys (sorted) of the records of one kind and the earliest time of each: when
    each need arose, first had care, when each case was first taken on."""
    rows = pick(a, [kind], [key, "time"])
    return earliest(rows[key], rows["time"])


def handover_delays(a: Source, info: RunInfo) -> pd.DataFrame:
    sent = pick(a, [Kind.HANDOVER_SENT], ["time", "case", "detail"], since=info.measure_from)
    uniq, first = first_of(a, Kind.ASSIGNED, "case")
    out = pd.DataFrame(sent)
    out["assigned"] = lookup(uniq, first, out["case"].to_numpy())
    out["delay"] = (out["assigned"] - out["time"]).clip(lower=0)
    out["domain"] = info.org_domain[out["detail"].to_numpy()]
    return out


def signal_to_care(a: Source, info: RunInfo) -> pd.DataFrame:
    arose = pick(a, [Kind.NEED], ["time", "need", "domain"], since=info.measure_from)
    uniq, first = first_of(a, Kind.CARE_START, "need")
    out = pd.DataFrame(arose)
    need = out["need"].to_numpy()
    out["care_start"] = lookup(uniq, first, need)
    out["delay"] = out["care_start"] - out["time"]
    out["dropped"] = np.isin(need, pick(a, [Kind.DROPOUT], ["need"])["need"])
    return out


_STAY_COLUMNS = ["case", "org", "time"]


def stays(
    a: Source, moves: tuple[np.ndarray, ...], n_orgs: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every case's stay at an organisation: (org, start, end), end inf while still there;
    from the log's `queued` and `closed` records and its `_moves`.

    A stay starts with `queued`, or with the `transfer` of a case waiting in a queue (moved
    as it is to the new organisation; one record per need, one move per case and time), and
    ends with `closed`, or with that transfer at the organisation it left. A case id stays
    at one organisation at a time, so (case, org) names a stay: the key case * n_orgs + org,
    with n_orgs above every organisation's id.

    The ends are found first and each array is let go once used: a national five-year log
    has some ten million stays, and this was the peak of a run's outcomes
    (docs/performance.md)."""
    m_case, m_time, m_to, m_from = moves
    i64 = np.int64
    closed = pick(a, [Kind.CLOSED], _STAY_COLUMNS)
    e_key = np.concatenate([closed["case"], m_case], dtype=i64)
    e_key *= n_orgs
    e_key += np.concatenate([closed["org"], m_from], dtype=i64)
    e_time = np.concatenate([closed["time"], m_time])
    del closed
    ends = earliest(e_key, e_time)
    del e_key, e_time
    queued = pick(a, [Kind.QUEUED], _STAY_COLUMNS)
    s_org = np.concatenate([queued["org"], m_to], dtype=i64)
    s_key = np.concatenate([queued["case"], m_case], dtype=i64)
    s_key *= n_orgs
    s_key += s_org
    start = np.concatenate([queued["time"], m_time])
    del queued
    end = lookup(*ends, s_key)
    del ends, s_key
    end[np.isnan(end)] = np.inf
    return s_org, start, end


def littles_law(a: Source, info: RunInfo) -> pd.DataFrame:
    """Little's law per organisation over the measured window, two ways (definitions above):
    in its finite-window form, which holds exactly on a consistent log (a check of the
    log's bookkeeping), and in its steady-state form (a check that the window is long
    enough for the stays and the queues are not drifting)."""
    moves = _moves(a)
    s, e = info.measure_from, info.end_day
    window = e - s
    n_orgs = len(info.org_domain)
    org, start, end = stays(a, moves, n_orgs)
    inside = np.minimum(end, e)
    inside -= np.maximum(start, s)
    np.clip(inside, 0.0, None, out=inside)
    present = (start < e) & (end > s)
    time_inside = np.bincount(org, weights=inside, minlength=n_orgs)
    del inside
    n_present = np.bincount(org[present], minlength=n_orgs)
    del present
    left = (end >= s) & (end < e)
    n_closed = np.bincount(org[left], minlength=n_orgs)
    stay_sum = np.bincount(org[left], weights=(end - start)[left], minlength=n_orgs)
    del org, start, end, left
    # The same area from the events alone: each start adds, each end removes, one case
    # from then to the end of the window.
    joined = pick(a, [Kind.QUEUED], ["org", "time"])
    counted = np.bincount(joined["org"], weights=e - np.clip(joined["time"], s, e),
                          minlength=n_orgs).astype(float)  # fmt: skip
    del joined
    left_ = pick(a, [Kind.CLOSED], ["org", "time"])
    counted -= np.bincount(left_["org"], weights=e - np.clip(left_["time"], s, e),
                           minlength=n_orgs)  # fmt: skip
    del left_
    counted += _moved_area(moves, s, e, n_orgs)
    with np.errstate(invalid="ignore", divide="ignore"):
        return pd.DataFrame(
            {
                "org": np.arange(n_orgs),
                "cases_mean": time_inside / window,
                "cases_present": n_present,
                "present_per_day": n_present / window,
                "days_inside_mean": time_inside / n_present,
                "littles_law_rel_error": np.abs(counted - time_inside) / counted,
                "closed_per_day": n_closed / window,
                "stay_days_mean": stay_sum / n_closed,
                "cases_closed": n_closed,
                "littles_law_steady_state_rel_error": np.abs(time_inside - stay_sum) / time_inside,
            }
        )


def _moves(a: Source) -> tuple[np.ndarray, ...]:
    """Queued cases a reorganisation moved as they were: case, time, to, from (one each)."""
    t = pick(a, [Kind.TRANSFER], ["case", "time", "org", "detail", "aux"])
    moved = t["aux"] == QUEUED_PHASE
    cols = (t["case"][moved], t["time"][moved], t["org"][moved], t["detail"][moved])
    moves = np.unique(np.stack(cols, axis=1), axis=0)
    i64 = np.int64
    return moves[:, 0].astype(i64), moves[:, 1], moves[:, 2].astype(i64), moves[:, 3].astype(i64)


def _moved_area(moves: tuple[np.ndarray, ...], s: float, e: float, n_orgs: int) -> np.ndarray:
    """What the moves of queued cases (`_moves`) add to each organisation's area: from the
    move to the end of the window at the new one, minus the same at the one it left."""
    _, when, to, came_from = moves
    rest = e - np.clip(when, s, e)
    return np.bincount(to, weights=rest, minlength=n_orgs) - np.bincount(
        came_from, weights=rest, minlength=n_orgs
    )


def measured_families(a: Source, info: RunInfo) -> np.ndarray:
    """Families whose first signal fell in the window (sorted ids); `among(families, it)`
    tells which records are theirs."""
    sig = pick(a, [Kind.SIGNAL], ["family", "time"])
    fams, first = earliest(sig["family"], sig["time"])
    return fams[first >= info.measure_from]


def row_cost_eur(c: Mapping[str, np.ndarray], info: RunInfo) -> np.ndarray:
    """What each record costs: hours at the hourly cost of the organisation's domain, and
    planned care days at its day cost (shelter); zero for records of other kinds.

    Computed a block of rows at a time, on the rows that cost something: over the whole log
    at once, the masks, indices, domains and hourly costs were some 20 bytes a record more."""
    kind = c["kind"]
    out = np.zeros(len(kind))
    hours_kinds = [int(k) for k in HOURS_KINDS]
    for start in range(0, len(kind), _BLOCK_ROWS):
        block = kind[start : start + _BLOCK_ROWS]
        hours = np.flatnonzero(np.isin(block, hours_kinds)) + start
        out[hours] = c["value"][hours] * info.hourly_cost_eur[info.org_domain[c["org"][hours]]]
        care = np.flatnonzero(block == Kind.CARE_START) + start
        out[care] += care_days_eur(c, info, care)
    return out


def care_days_eur(c: Mapping[str, np.ndarray], info: RunInfo, rows: np.ndarray) -> np.ndarray:
    """What the planned care days of some `care_start` records cost (aux x the day cost of
    the organisation's domain: shelter)."""
    return c["aux"][rows] * info.day_cost_eur[info.org_domain[c["org"][rows]]]


# ----------------------------------------------------------------------------- cost in log order
@dataclass
class WindowCost:
    """The window's cost (hours and care days, `row_cost_eur`), added up in log order the
    way the whole-window arrays were: its total as `costs.sum()`, per domain of the booking
    organisation as `np.bincount`, and per month as sequential sums."""

    total: float
    by_domain: np.ndarray
    monthly: np.ndarray


def window_cost(a: Source, info: RunInfo, months: int = 0) -> WindowCost:
    """The measured window's cost, a stretch of the log at a time: the window of a national
    five-year run holds some 60 million records, and its costs as one array were 0.5 GB.

    Each stretch is a leaf of numpy's pairwise summation (`pairwise_leaves`), so the total is
    what the sum of one array of every record's cost gave; per domain and per month the
    running sums carry from stretch to stretch, adding in log order as before."""
    if isinstance(a, EventLog):
        first = a.first_row_at(info.measure_from)
        n = len(a) - first

        def stretch(lo: int, hi: int) -> tuple[np.ndarray, dict]:
            r = a.stretch(first + lo, first + hi, HOURS_KINDS)
            return r["row"] - first - lo, {name: r[name] for name in _COST_COLUMNS}

    else:
        tail = measured_tail(columns(a), info)
        n = len(tail["time"])

        def stretch(lo: int, hi: int) -> tuple[np.ndarray, dict]:
            part = {name: tail[name][lo:hi] for name in ("kind", *_COST_COLUMNS)}
            rows = np.flatnonzero(np.isin(part["kind"], [int(k) for k in HOURS_KINDS]))
            return rows, {name: part[name][rows] for name in _COST_COLUMNS}

    n_domains = len(info.hourly_cost_eur)
    by_domain = np.zeros(n_domains)
    monthly = np.zeros(months)
    bins_d, bins_m = np.arange(n_domains), np.arange(months)
    batches = _batches(sums.pairwise_leaves(n))

    def leaf_sums() -> Iterator[float]:
        nonlocal by_domain, monthly
        for lo, hi, leaves in batches:
            at, r = stretch(lo, hi)
            eur = r["value"] * info.hourly_cost_eur[info.org_domain[r["org"]]]
            care = r["kind"] == Kind.CARE_START
            eur[care] += care_days_eur(r, info, care)
            booked = eur != 0  # zero-cost rows may have no organisation (org -1)
            dom = info.org_domain[r["org"][booked]]
            by_domain = _carry(by_domain, bins_d, dom, eur[booked])
            if months:
                idx = np.floor((r["time"] - info.measure_from) / MONTH_DAYS).astype(np.int64)
                ok = (idx >= 0) & (idx < months)
                monthly = _carry(monthly, bins_m, idx[ok], eur[ok])
            for leaf_lo, leaf_hi in leaves:
                inside = (at >= leaf_lo - lo) & (at < leaf_hi - lo)
                yield sums.leaf_sum(at[inside] - (leaf_lo - lo), eur[inside], leaf_hi - leaf_lo)

    total = sums.pairwise_combine(n, leaf_sums())
    return WindowCost(total, by_domain, monthly)


_COST_COLUMNS = ("kind", "time", "org", "value", "aux")
_STRETCH_ROWS = 1 << 18  # positions of the log `window_cost` reads at a time


def _batches(leaves: list[tuple[int, int]]) -> list[tuple[int, int, list[tuple[int, int]]]]:
    """Consecutive leaves grouped into stretches of about _STRETCH_ROWS, read at once."""
    out: list[tuple[int, int, list[tuple[int, int]]]] = []
    for lo, hi in leaves:
        if out and hi - out[-1][0] <= _STRETCH_ROWS:
            out[-1] = (out[-1][0], hi, [*out[-1][2], (lo, hi)])
        else:
            out.append((lo, hi, [(lo, hi)]))
    return out


def _carry(acc: np.ndarray, bins: np.ndarray, idx: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """acc plus the weights added one by one, in order, to their bins: `np.bincount` with
    acc as the first weights (0 + acc is exact), so running sums over stretches of the log
    are the sums over the whole of it."""
    return np.bincount(np.concatenate([bins, idx]), weights=np.concatenate([acc, weights]),
                       minlength=len(bins)).astype(float)  # fmt: skip


def cost_by_domain(a: Source, info: RunInfo) -> np.ndarray:
    """Per domain (DOMAINS order): its part of `cost_eur_full` without governance
    (officials' hours belong to no domain); its part of `cost_eur_total` is
    `window_cost(...).by_domain`. Each record's euros go to the domain of the organisation
    that booked or paid them, with the same factors as the totals, so the parts add up to
    the totals: Veilig Thuis can then be priced apart."""
    n = len(info.hourly_cost_eur)
    hours, staffing = paid_hours(a, info)
    paid_eur = hours * info.hourly_cost_eur[info.org_domain[staffing["org"]]]
    care = pick(a, [Kind.CARE_START], ["org", "aux"], since=info.measure_from)
    return np.bincount(info.org_domain[staffing["org"]], weights=paid_eur, minlength=n).astype(
        float
    ) + np.bincount(
        info.org_domain[care["org"]], weights=care_days_eur(care, info, slice(None)), minlength=n
    ).astype(float)


def paid_hours(a: Source, info: RunInfo) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """The window's paid hours of each `staffing` record (FTE x weekly hours / 7 x the days
    of the window it is in force), and the records (time, org, value, detail, aux)."""
    staffing = pick(a, [Kind.STAFFING], ["time", "org", "value", "detail", "aux"])
    start = np.maximum(staffing["time"], info.measure_from)
    days = np.maximum(info.end_day - start, 0.0)
    return staffing["value"] * info.weekly_hours_per_fte / 7.0 * days, staffing


def scheme_figures(a: Source, info: RunInfo, hours_total: float) -> dict:
    """What the scheme does to staff, handovers and governance (the `scheme` group and the
    full cost)."""
    s = info.measure_from
    hours, staffing = paid_hours(a, info)
    role = staffing["detail"]
    dom = info.org_domain[staffing["org"]]
    casework = float(hours[role == StaffRole.CASEWORK].sum())
    overhead = float(hours[role == StaffRole.OVERHEAD].sum())
    care = pick(a, [Kind.CARE_START], ["org", "aux"], since=s)
    care_days = float(care_days_eur(care, info, slice(None)).sum())
    gov = pick(a, [Kind.GOVERNANCE], ["time", "value", "aux"])
    gov_hours = float(gov["value"][gov["time"] >= s].sum())
    gov_cost = gov_hours * info.governance_hourly_cost_eur
    full = float((hours * info.hourly_cost_eur[dom]).sum()) + care_days + gov_cost
    assigned = pick(a, [Kind.ASSIGNED], ["aux"], since=s)["aux"]
    received = pick(a, [Kind.HANDOVER_RECEIVED], ["value", "aux"], since=s)
    flags = received["aux"]
    nan = float("nan")
    # Rule books: each organisation's last casework record, over those still paid.
    case_rows = role == StaffRole.CASEWORK
    orgs = staffing["org"][case_rows]
    net = np.bincount(orgs, weights=staffing["value"][case_rows], minlength=len(info.org_domain))
    last_books = np.zeros(len(info.org_domain))
    last_books[orgs] = staffing["aux"][case_rows]  # in time order: the last one stays
    paid = net > 1e-9
    months = gov["time"]
    last_month = months == months.max() if len(months) else np.zeros(0, dtype=bool)
    return {
        "paid_hours_casework": casework,
        "idle_hours_share": 1 - hours_total / casework if casework > 0 else nan,
        "paid_hours_overhead": overhead,
        "hours_governance": gov_hours,
        "cost_eur_full": full,
        "cost_eur_governance": gov_cost,
        "sister_team_share": float(assigned.mean()) if len(assigned) else nan,
        "familiarity_at_handover_mean": float(received["value"].mean()) if len(flags) else nan,
        "rule_book_crossing_share": float(((flags & HandoverFlag.RULE_BOOK) > 0).mean())
        if len(flags)
        else nan,
        "rule_books_per_organisation_mean": float(last_books[paid].mean()) if paid.any() else nan,
        "specialised_handovers": int(((flags & HandoverFlag.SPECIALIST) > 0).sum()),
        "governance_bodies": len(np.unique(gov["aux"][last_month])),
    }


def summarise(
    a: Source, info: RunInfo, little: pd.DataFrame | None = None
) -> dict[str, float | int | dict]:
    """Every scalar outcome (outcomes.py) and the per-domain table; `little`, the
    `littles_law` table when the caller has it already (a run's organisations use it too)."""
    # Each count reads the kinds it needs over the window and drops them before the next
    # (a national five-year log has some 100 million records, and stays on disk).
    s = info.measure_from
    measured = measured_families(a, info)
    n_fam = len(measured)

    ho = handover_delays(a, info)
    answered = ho.dropna(subset=["assigned"])
    h_mean, h_p50, h_p90 = _percentiles(answered["delay"].to_numpy())
    sc = signal_to_care(a, info)
    cared = sc.dropna(subset=["care_start"])
    s_mean, s_p50, s_p90 = _percentiles(cared["delay"].to_numpy())
    flow = _flow_by_domain(ho, sc)
    n_handovers, n_unanswered = len(ho), int(ho["assigned"].isna().sum())
    n_needs, n_dropouts = len(sc), int(sc["dropped"].sum())
    n_uncared = int(sc["care_start"].isna().sum())
    del ho, answered, sc, cared  # tables of a row per handover and need: let go early

    intake = pick(a, [Kind.INTAKE], ["family", "detail", "aux", "episode"], since=s)
    of_measured = among(intake["family"], measured)
    n_intakes = int(of_measured.sum())
    stories = of_measured & (intake["detail"] == 1)
    n_stories = int(stories.sum())
    _, per_episode = np.unique(intake["episode"][stories], return_counts=True)
    redundant = int((per_episode - 1).sum())
    n_lost = int((intake["aux"] == 1).sum())
    del intake, of_measured, stories
    met = pick(a, [Kind.ASSIGNED], ["family", "org"], since=s)
    theirs = among(met["family"], measured)
    met = {k: v[theirs].astype(np.int64) for k, v in met.items()}
    met_family, met_org = met["family"], met["org"]
    del met
    n_orgs = len(info.org_domain)
    org_pairs = len(np.unique(met_family * n_orgs + met_org))
    _, region_code = np.unique(info.org_region, return_inverse=True)
    region_pairs = len(np.unique(met_family * n_orgs + region_code[met_org]))
    del met_family, met_org

    flags = pick(a, [Kind.HANDOVER_RECEIVED], ["aux"], since=s)["aux"]
    placed = (flags & HandoverFlag.PLACED_ELSEWHERE) > 0  # deliberate (safety), not misalignment
    hours = {name: float(pick(a, [k], ["value"], since=s)["value"].sum())
             for k, name in HOURS_KINDS.items()}  # fmt: skip
    total_hours = sum(hours.values())

    report = pick(a, [Kind.SIGNAL], ["aux"], since=s)["aux"]
    n_signals = len(report)
    vt = np.isin(report, VT_REPORTS)
    n_vt = int(vt.sum())
    n_repeat = (vt & (report == ReportType.REPEAT)).sum()
    n_follow_up = (vt & (report == ReportType.FOLLOW_UP)).sum()
    del report, vt
    n_escalations = len(pick(a, [Kind.ESCALATION], ["aux"], since=s)["aux"])
    success = pick(a, [Kind.CARE_END], ["detail"], since=s)["detail"]

    cost = window_cost(a, info)

    nan = float("nan")
    summary: dict[str, float | int | dict] = {
        "families": n_fam,
        "needs": n_needs,
        "signals": n_signals,
        "handovers": n_handovers,
        "handovers_unanswered": n_unanswered,
        "handover_delay_days_mean": h_mean,
        "handover_delay_days_p50": h_p50,
        "handover_delay_days_p90": h_p90,
        "signal_to_care_days_mean": s_mean,
        "signal_to_care_days_p50": s_p50,
        "signal_to_care_days_p90": s_p90,
        "intakes_per_family_mean": n_intakes / n_fam if n_fam else nan,
        "stories_told_per_family_mean": n_stories / n_fam if n_fam else nan,
        "redundant_intakes": redundant,
        "redundant_intakes_per_family_mean": redundant / n_fam if n_fam else nan,
        "organisations_per_family_mean": org_pairs / n_fam if n_fam else nan,
        "regions_per_family_mean": region_pairs / n_fam if n_fam else nan,
        "border_crossings": int((((flags & HandoverFlag.REGION_BORDER) > 0) & ~placed).sum()),
        "province_crossings": int((((flags & HandoverFlag.PROVINCE_BORDER) > 0) & ~placed).sum()),
        "placements_elsewhere": int(placed.sum()),
        "information_lost": n_lost,
        "coordination_hours": hours["coordination"],
        "admin_hours_share": hours["administration"] / total_hours if total_hours else nan,
        "hours_total": total_hours,
        **{f"hours_{name}": v for name, v in hours.items()},
        "escalations": n_escalations,
        "vt_reports": n_vt,
        "repeat_report_share": float(n_repeat / n_vt) if n_vt else nan,
        "follow_up_report_share": float(n_follow_up / n_vt) if n_vt else nan,
        "dropouts": n_dropouts,
        "unmet_need_share": float(n_uncared / n_needs) if n_needs else nan,
        "care_success_share": float(success.mean()) if len(success) else nan,
        "cost_eur_total": cost.total,
        "cost_eur_per_family": cost.total / n_fam if n_fam else nan,
        "fte_total": info.fte_total,
        **scheme_figures(a, info, total_hours),
    }
    if little is None:
        little = littles_law(a, info)
    present = little[little["cases_present"] > 0]
    summary["littles_law_max_rel_error"] = (
        float(present["littles_law_rel_error"].max()) if len(present) else nan
    )
    summary["littles_law_organisations"] = len(present)
    counted = little[little["cases_closed"] >= LITTLE_MIN_CLOSED]
    summary["littles_law_steady_state_max_rel_error"] = (
        float(counted["littles_law_steady_state_rel_error"].max()) if len(counted) else nan
    )
    summary["littles_law_steady_state_organisations"] = len(counted)
    summary["by_domain"] = _by_domain(flow, cost.by_domain, cost_by_domain(a, info))
    return summary


def _flow_by_domain(ho: pd.DataFrame, sc: pd.DataFrame) -> dict[str, dict[str, float]]:
    """Per domain: handovers into it and needs in it, with their delays (`by_domain`, the
    costs are added last)."""
    out = {}
    for code, name in enumerate(DOMAINS):
        h = ho[(ho["domain"] == code)].dropna(subset=["assigned"])["delay"].to_numpy()
        s = sc[sc["domain"] == code]
        d = s.dropna(subset=["care_start"])["delay"].to_numpy()
        out[name] = {
            "handovers_in": int((ho["domain"] == code).sum()),
            "handover_delay_days_mean": _percentiles(h)[0],
            "needs": len(s),
            "signal_to_care_days_mean": _percentiles(d)[0],
            "signal_to_care_days_p90": _percentiles(d)[2],
            "unmet_need_share": float(s["care_start"].isna().mean()) if len(s) else float("nan"),
        }
    return out


def _by_domain(
    flow: dict[str, dict[str, float]], cost_total: np.ndarray, cost_full: np.ndarray
) -> dict[str, dict[str, float]]:
    for code, name in enumerate(DOMAINS):
        flow[name]["cost_eur_total"] = float(cost_total[code])
        flow[name]["cost_eur_full"] = float(cost_full[code])
    return flow


def timeseries(a: Source, info: RunInfo) -> pd.DataFrame:
    """Monthly figures over the measured window (month 0 starts when the warm-up ends)."""
    n_months = max(1, int(np.ceil((info.end_day - info.measure_from) / MONTH_DAYS - 1e-9)))
    edges = info.measure_from + MONTH_DAYS * np.arange(n_months + 1)

    def per_month(times: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
        month = times - info.measure_from  # computed in place: a kind can have millions
        month /= MONTH_DAYS
        np.floor(month, out=month)
        idx = month.astype(np.int64)
        del month
        ok = (idx >= 0) & (idx < n_months)
        w = None if weights is None else weights[ok]
        return np.bincount(idx[ok], weights=w, minlength=n_months)[:n_months]

    # Records of the window only, for what is counted or summed per month: those before it
    # fall in no month (t < measure_from exactly when t - measure_from < 0), so reading them
    # would only take memory.
    s = info.measure_from

    def count(kind: Kind) -> np.ndarray:
        return per_month(pick(a, [kind], ["time"], since=s)["time"])

    out = pd.DataFrame({"month": np.arange(n_months), "day_start": edges[:-1] - info.measure_from})
    out["signals"] = count(Kind.SIGNAL)
    out["needs"] = count(Kind.NEED)
    out["handovers"] = count(Kind.HANDOVER_SENT)
    out["care_starts"] = count(Kind.CARE_START)
    out["escalations"] = count(Kind.ESCALATION)
    signals = pick(a, [Kind.SIGNAL], ["time", "aux"], since=s)
    out["vt_reports"] = per_month(signals["time"][np.isin(signals["aux"], VT_REPORTS)])
    out["repeat_reports"] = per_month(signals["time"][signals["aux"] == ReportType.REPEAT])
    del signals

    # Signal-to-care delay of the care that started each month (each need's first start).
    needs, arose = first_of(a, Kind.NEED, "need")
    started, t_start = first_of(a, Kind.CARE_START, "need")
    delay = t_start - lookup(needs, arose, started)
    del needs, started
    total = per_month(t_start, delay)
    del delay
    with np.errstate(invalid="ignore", divide="ignore"):
        out["signal_to_care_days_mean"] = total / out["care_starts"].to_numpy()

    # Needs waiting at each month's end: arisen, not yet in care, not dropped out.
    t_left = np.concatenate([t_start, pick(a, [Kind.DROPOUT], ["time"])["time"]])
    del t_start
    t_left.sort()
    arose.sort()
    month_ends = edges[1:]
    out["needs_waiting"] = np.searchsorted(arose, month_ends, side="left") - np.searchsorted(
        t_left, month_ends, side="left"
    )
    del arose, t_left

    for k, name in HOURS_KINDS.items():
        rows = pick(a, [k], ["time", "value"], since=s)
        out[f"hours_{name}"] = per_month(rows["time"], rows["value"])
        del rows  # before the next kind's are read
    out["cost_eur"] = window_cost(a, info, n_months).monthly
    return out


def family_states(a: dict[str, np.ndarray]) -> pd.Series:
    """Each family's state at the end, from the log: in_care, waiting or done."""
    df = frame(a)
    kind = df["kind"]
    needs = df[kind == Kind.NEED][["family", "need"]]
    started = set(df.loc[kind == Kind.CARE_START, "need"].tolist())
    ended = set(df.loc[kind.isin([Kind.CARE_END, Kind.DROPOUT]), "need"].tolist())
    state = np.where(needs["need"].isin(ended), 2, np.where(needs["need"].isin(started), 1, 0))
    per = pd.DataFrame({"family": needs["family"].to_numpy(), "state": state})
    agg = per.groupby("family")["state"].agg(
        lambda s: "in_care" if (s == 1).any() else ("waiting" if (s == 0).any() else "done")
    )
    return agg


# ----------------------------------------------------------------------------- per area
# Means per area (municipality or region) as (numerator, denominator, factor) of the
# counts `by_municipality` returns, so that any grouping of municipalities gets the same
# definitions: sum the counts over the area, then divide. They are declared with the
# other outcomes (records/outcomes.py, imported above as AREA_MEANS).


def by_municipality(a: Source, info: RunInfo, n: int) -> pd.DataFrame:
    """Counts per home municipality (the families'), with the definitions of `summarise`:
    measured families, needs that arose in the window (and their days to care), stories
    told by measured families, and handovers in the window across a region or province
    border (deliberate placements elsewhere apart)."""
    measured = measured_families(a, info)
    sig = pick(a, [Kind.SIGNAL], ["family", "municipality"])
    fams, where = np.unique(sig["family"], return_index=True)
    home_of_measured = sig["municipality"][where][np.isin(fams, measured)]
    del sig, fams, where
    sc = signal_to_care(a, info)
    arisen = pick(a, [Kind.NEED], ["need", "municipality"])
    needs, home = np.unique(arisen["need"], return_index=True)
    sc_mun = arisen["municipality"][home][np.searchsorted(needs, sc["need"].to_numpy())].astype(
        np.int64
    )
    del arisen, needs, home
    cared = sc["care_start"].notna().to_numpy()
    intake = pick(a, [Kind.INTAKE], ["family", "municipality", "detail"])
    told = among(intake["family"], measured) & (intake["detail"] == 1)
    received = pick(a, [Kind.HANDOVER_RECEIVED], ["municipality", "aux"], since=info.measure_from)
    mun, aux = received["municipality"], received["aux"]
    placed = (aux & HandoverFlag.PLACED_ELSEWHERE) > 0

    def count(municipalities: np.ndarray) -> np.ndarray:
        return np.bincount(municipalities, minlength=n)[:n]

    out = pd.DataFrame(
        {
            "families": np.bincount(home_of_measured, minlength=n)[:n],
            "needs": np.bincount(sc_mun, minlength=n)[:n],
            "needs_cared": np.bincount(sc_mun[cared], minlength=n)[:n],
            "signal_to_care_days_sum": np.bincount(
                sc_mun[cared], weights=sc["delay"].to_numpy()[cared], minlength=n
            )[:n],
            "stories_told": count(intake["municipality"][told]),
            "border_crossings": count(mun[((aux & HandoverFlag.REGION_BORDER) > 0) & ~placed]),
            "province_crossings": count(mun[((aux & HandoverFlag.PROVINCE_BORDER) > 0) & ~placed]),
            "placements_elsewhere": count(mun[placed]),
        }
    )
    out["needs_uncared"] = out["needs"] - out["needs_cared"]
    return out.astype({col: np.int64 for col in out.columns if col != "signal_to_care_days_sum"})


def area_means(counts: pd.DataFrame, member: np.ndarray, n_areas: int) -> pd.DataFrame:
    """Sum municipal counts over areas (member[i] = area of municipality i) and derive the
    AREA_MEANS; an area without a denominator gets NaN."""
    numeric = counts.select_dtypes("number")
    summed = numeric.groupby(np.asarray(member)).sum().reindex(range(n_areas), fill_value=0)
    for name, (num, den, factor) in AREA_MEANS.items():
        d = summed[den].to_numpy(dtype=float)
        with np.errstate(invalid="ignore", divide="ignore"):
            summed[name] = np.where(d > 0, factor * summed[num].to_numpy() / d, np.nan)
    return summed
