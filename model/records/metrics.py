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

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from model.records.events import (
    HOURS_KINDS,
    VT_REPORTS,
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
    """The log's columns as numpy arrays (no copies), from the arrays or a DataFrame.

    Metrics work on these with boolean masks and only ever copy the small subsets they
    need: a national run's log has tens of millions of records, and DataFrame copies of it
    took most of 16 GB."""
    return {k: np.asarray(a[k]) for k in a.keys()}


def measured_tail(c: Mapping[str, np.ndarray], info: RunInfo) -> dict[str, np.ndarray]:
    """The records of the measured window, as views: the log is in time order (the engine
    records at the clock's time; tests/engine/test_invariants.py checks it), so they are its
    tail. The same rows in the same order as a mask `time >= measure_from` picks, without
    copying them (a copy of one float column is 0.6 GB for a national five-year run); a
    log out of time order gets the copies."""
    t = c["time"]
    if not _in_time_order(t):  # a log put together by hand, say: copy the rows out
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
    """Sorted unique keys and the earliest time of each."""
    order = np.lexsort((times, keys))
    uniq, first = np.unique(keys[order], return_index=True)
    return uniq, times[order][first]


def lookup(uniq: np.ndarray, values: np.ndarray, query: np.ndarray) -> np.ndarray:
    """values[key] for each query key (uniq sorted); NaN where a key is absent."""
    pos = np.clip(np.searchsorted(uniq, query), 0, max(len(uniq) - 1, 0))
    found = (uniq[pos] == query) if len(uniq) else np.zeros(len(query), dtype=bool)
    out = np.full(len(query), np.nan)
    out[found] = values[pos[found]]
    return out


def handover_delays(a: Mapping[str, np.ndarray] | pd.DataFrame, info: RunInfo) -> pd.DataFrame:
    c = columns(a)
    kind, t = c["kind"], c["time"]
    sent = (kind == Kind.HANDOVER_SENT) & (t >= info.measure_from)
    asg = kind == Kind.ASSIGNED
    uniq, first = earliest(c["case"][asg], t[asg])
    out = pd.DataFrame({"time": t[sent], "case": c["case"][sent], "detail": c["detail"][sent]})
    out["assigned"] = lookup(uniq, first, out["case"].to_numpy())
    out["delay"] = (out["assigned"] - out["time"]).clip(lower=0)
    out["domain"] = info.org_domain[out["detail"].to_numpy()]
    return out


def signal_to_care(a: Mapping[str, np.ndarray] | pd.DataFrame, info: RunInfo) -> pd.DataFrame:
    c = columns(a)
    kind, t = c["kind"], c["time"]
    arose = (kind == Kind.NEED) & (t >= info.measure_from)
    start = kind == Kind.CARE_START
    uniq, first = earliest(c["need"][start], t[start])
    out = pd.DataFrame({"time": t[arose], "need": c["need"][arose], "domain": c["domain"][arose]})
    need = out["need"].to_numpy()
    out["care_start"] = lookup(uniq, first, need)
    out["delay"] = out["care_start"] - out["time"]
    out["dropped"] = np.isin(need, c["need"][kind == Kind.DROPOUT])
    return out


def stays(
    c: Mapping[str, np.ndarray], moves: tuple[np.ndarray, ...]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every case's stay at an organisation: (org, start, end), end inf while still there;
    `moves` are the log's `_moves`.

    A stay starts with `queued`, or with the `transfer` of a case waiting in a queue (moved
    as it is to the new organisation; one record per need, one move per case and time), and
    ends with `closed`, or with that transfer at the organisation it left. A case id stays
    at one organisation at a time, so (case, org) names a stay."""
    kind, t, case, org = c["kind"], c["time"], c["case"], c["org"]
    queued = kind == Kind.QUEUED
    closed = kind == Kind.CLOSED
    m_case, m_time, m_to, m_from = moves
    n_orgs = int(max(org.max(initial=-1), m_from.max(initial=-1))) + 1
    s_org = np.concatenate([org[queued], m_to]).astype(np.int64)
    s_key = np.concatenate([case[queued], m_case]).astype(np.int64) * n_orgs + s_org
    start = np.concatenate([t[queued], m_time])
    e_key = np.concatenate([case[closed], m_case]).astype(np.int64) * n_orgs + np.concatenate(
        [org[closed], m_from]
    )
    e_time = np.concatenate([t[closed], m_time])
    end = lookup(*earliest(e_key, e_time), s_key)
    return s_org, start, np.where(np.isnan(end), np.inf, end)


def littles_law(a: Mapping[str, np.ndarray], info: RunInfo) -> pd.DataFrame:
    """Little's law per organisation over the measured window, two ways (definitions above):
    in its finite-window form, which holds exactly on a consistent log (a check of the
    log's bookkeeping), and in its steady-state form (a check that the window is long
    enough for the stays and the queues are not drifting)."""
    c = columns(a)
    moves = _moves(c)
    org, start, end = stays(c, moves)
    s, e = info.measure_from, info.end_day
    window = e - s
    n_orgs = len(info.org_domain)
    inside = np.clip(np.minimum(end, e) - np.maximum(start, s), 0.0, None)
    present = (start < e) & (end > s)
    time_inside = np.bincount(org, weights=inside, minlength=n_orgs)
    n_present = np.bincount(org[present], minlength=n_orgs)
    # The same area from the events alone: each start adds, each end removes, one case
    # from then to the end of the window.
    kind = c["kind"]
    joined, left_ = kind == Kind.QUEUED, kind == Kind.CLOSED
    counted = np.bincount(c["org"][joined], weights=e - np.clip(c["time"][joined], s, e),
                          minlength=n_orgs).astype(float)  # fmt: skip
    counted -= np.bincount(c["org"][left_], weights=e - np.clip(c["time"][left_], s, e),
                           minlength=n_orgs)  # fmt: skip
    counted += _moved_area(moves, s, e, n_orgs)
    left = (end >= s) & (end < e)
    n_closed = np.bincount(org[left], minlength=n_orgs)
    stay_sum = np.bincount(org[left], weights=(end - start)[left], minlength=n_orgs)
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


def _moves(c: Mapping[str, np.ndarray]) -> tuple[np.ndarray, ...]:
    """Queued cases a reorganisation moved as they were: case, time, to, from (one each)."""
    moved = (c["kind"] == Kind.TRANSFER) & (c["aux"] == QUEUED_PHASE)
    cols = (c["case"][moved], c["time"][moved], c["org"][moved], c["detail"][moved])
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


def measured_families(
    c: Mapping[str, np.ndarray], info: RunInfo, rows: Mapping[str, np.ndarray] | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Families whose first signal fell in the window (sorted ids), and a mask of their
    records among `rows` (the log's, or its measured tail's: all their records are there)."""
    sig = c["kind"] == Kind.SIGNAL
    fams, first = earliest(c["family"][sig], c["time"][sig])
    measured = fams[first >= info.measure_from]
    is_measured = np.zeros(int(c["family"].max(initial=-1)) + 1, dtype=bool)
    is_measured[measured] = True
    return measured, is_measured[(c if rows is None else rows)["family"]]


def row_cost_eur(c: Mapping[str, np.ndarray], info: RunInfo) -> np.ndarray:
    """What each record costs: hours at the hourly cost of the organisation's domain, and
    planned care days at its day cost (shelter); zero for records of other kinds.

    Computed a block of rows at a time, on the rows that cost something: over the whole log
    at once, the masks, indices, domains and hourly costs were some 20 bytes a record more
    (1.6 GB for a national five-year run)."""
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


def monthly_sums(c: Mapping[str, np.ndarray], info: RunInfo, weights: np.ndarray, months: int):
    """Per month of the window, the sum of `weights` (one per record of the measured tail
    `c`), added in log order as `np.bincount` adds them, without its whole-log index arrays:
    the tail is in time order, so each month is a run of rows."""
    t = c["time"]
    ends = np.zeros(months + 1, dtype=np.int64)
    for start in range(0, len(t), _BLOCK_ROWS):
        idx = np.floor((t[start : start + _BLOCK_ROWS] - info.measure_from) / MONTH_DAYS)
        ends += np.searchsorted(idx.astype(np.int64), np.arange(months + 1), side="left")
    out = np.zeros(months)
    for m in range(months):
        if ends[m + 1] > ends[m]:
            out[m] = np.cumsum(weights[ends[m] : ends[m + 1]])[-1]  # sequential, as bincount
    return out


def care_days_eur(c: Mapping[str, np.ndarray], info: RunInfo, rows: np.ndarray) -> np.ndarray:
    """What the planned care days of some `care_start` records cost (aux x the day cost of
    the organisation's domain: shelter)."""
    return c["aux"][rows] * info.day_cost_eur[info.org_domain[c["org"][rows]]]


def cost_by_domain(c: Mapping[str, np.ndarray], info: RunInfo) -> tuple[np.ndarray, np.ndarray]:
    """Per domain (DOMAINS order): its part of `cost_eur_total` and of `cost_eur_full`
    without governance (officials' hours belong to no domain). Each record's euros go to
    the domain of the organisation that booked or paid them, with the same factors as the
    totals, so the parts add up to the totals: Veilig Thuis can then be priced apart."""
    n = len(info.hourly_cost_eur)

    def per_domain(c: Mapping[str, np.ndarray], rows: np.ndarray, eur: np.ndarray) -> np.ndarray:
        # float even without rows (bincount of nothing is an integer array)
        dom = info.org_domain[c["org"][rows]]
        return np.bincount(dom, weights=eur, minlength=n).astype(float)

    tail = measured_tail(c, info)
    cost = row_cost_eur(tail, info)
    booked = cost != 0  # zero-cost rows may have no organisation (org -1)
    care_total = per_domain(tail, booked, cost[booked])
    del cost, booked
    win = c["time"] >= info.measure_from
    hours, staffing = paid_hours(c, info)
    paid_eur = hours * info.hourly_cost_eur[info.org_domain[c["org"][staffing]]]
    care = win & (c["kind"] == Kind.CARE_START)
    full = per_domain(c, staffing, paid_eur) + per_domain(c, care, care_days_eur(c, info, care))
    return care_total, full


def paid_hours(c: Mapping[str, np.ndarray], info: RunInfo) -> tuple[np.ndarray, np.ndarray]:
    """The window's paid hours of each `staffing` record (FTE x weekly hours / 7 x the days
    of the window it is in force), and the records' mask."""
    staffing = c["kind"] == Kind.STAFFING
    start = np.maximum(c["time"][staffing], info.measure_from)
    days = np.maximum(info.end_day - start, 0.0)
    return c["value"][staffing] * info.weekly_hours_per_fte / 7.0 * days, staffing


def scheme_figures(c: Mapping[str, np.ndarray], info: RunInfo, hours_total: float) -> dict:
    """What the scheme does to staff, handovers and governance (the `scheme` group and the
    full cost)."""
    kind, t, value, detail, aux = c["kind"], c["time"], c["value"], c["detail"], c["aux"]
    win = t >= info.measure_from
    hours, staffing = paid_hours(c, info)
    role = detail[staffing]
    dom = info.org_domain[c["org"][staffing]]
    casework = float(hours[role == StaffRole.CASEWORK].sum())
    overhead = float(hours[role == StaffRole.OVERHEAD].sum())
    care = win & (kind == Kind.CARE_START)
    care_days = float(care_days_eur(c, info, care).sum())
    gov = kind == Kind.GOVERNANCE
    gov_hours = float(value[gov & win].sum())
    gov_cost = gov_hours * info.governance_hourly_cost_eur
    full = float((hours * info.hourly_cost_eur[dom]).sum()) + care_days + gov_cost
    assigned = win & (kind == Kind.ASSIGNED)
    received = win & (kind == Kind.HANDOVER_RECEIVED)
    flags = aux[received]
    nan = float("nan")
    # Rule books: each organisation's last casework record, over those still paid.
    case_rows = staffing.copy()
    case_rows[staffing] = role == StaffRole.CASEWORK
    orgs = c["org"][case_rows]
    net = np.bincount(orgs, weights=value[case_rows], minlength=len(info.org_domain))
    last_books = np.zeros(len(info.org_domain))
    last_books[orgs] = aux[case_rows]  # in time order: the last one stays
    paid = net > 1e-9
    months = t[gov]
    last_month = gov & (t == months.max()) if len(months) else gov
    return {
        "paid_hours_casework": casework,
        "idle_hours_share": 1 - hours_total / casework if casework > 0 else nan,
        "paid_hours_overhead": overhead,
        "hours_governance": gov_hours,
        "cost_eur_full": full,
        "cost_eur_governance": gov_cost,
        "sister_team_share": float(aux[assigned].mean()) if assigned.any() else nan,
        "familiarity_at_handover_mean": float(value[received].mean()) if received.any() else nan,
        "rule_book_crossing_share": float(((flags & HandoverFlag.RULE_BOOK) > 0).mean())
        if received.any()
        else nan,
        "rule_books_per_organisation_mean": float(last_books[paid].mean()) if paid.any() else nan,
        "specialised_handovers": int(((flags & HandoverFlag.SPECIALIST) > 0).sum()),
        "governance_bodies": len(np.unique(aux[last_month])),
    }


def summarise(
    a: Mapping[str, np.ndarray] | pd.DataFrame, info: RunInfo
) -> dict[str, float | int | dict]:
    c = columns(a)
    # Counts over the window work on its records, the log's tail, with masks of that tail
    # only; each is computed and its masks dropped before the next (a national five-year
    # log has 79 million records, and a mask of it is 79 MB).
    w = measured_tail(c, info)
    kind, value, detail, aux = w["kind"], w["value"], w["detail"], w["aux"]

    measured, of_measured = measured_families(c, info, w)
    n_fam = len(measured)

    ho = handover_delays(c, info)
    answered = ho.dropna(subset=["assigned"])
    h_mean, h_p50, h_p90 = _percentiles(answered["delay"].to_numpy())
    sc = signal_to_care(c, info)
    cared = sc.dropna(subset=["care_start"])
    s_mean, s_p50, s_p90 = _percentiles(cared["delay"].to_numpy())

    intakes = of_measured & (kind == Kind.INTAKE)
    n_intakes = int(intakes.sum())
    stories = intakes & (detail == 1)
    n_stories = int(stories.sum())
    _, per_episode = np.unique(w["episode"][stories], return_counts=True)
    redundant = int((per_episode - 1).sum())
    del intakes, stories
    met = of_measured & (kind == Kind.ASSIGNED)
    met_family, met_org = w["family"][met].astype(np.int64), w["org"][met].astype(np.int64)
    del met, of_measured
    n_orgs = len(info.org_domain)
    org_pairs = len(np.unique(met_family * n_orgs + met_org))
    _, region_code = np.unique(info.org_region, return_inverse=True)
    region_pairs = len(np.unique(met_family * n_orgs + region_code[met_org]))

    flags = aux[kind == Kind.HANDOVER_RECEIVED]
    placed = (flags & HandoverFlag.PLACED_ELSEWHERE) > 0  # deliberate (safety), not misalignment
    hours = {name: float(value[kind == k].sum()) for k, name in HOURS_KINDS.items()}
    total_hours = sum(hours.values())

    signal = kind == Kind.SIGNAL
    n_signals = int(signal.sum())
    vt = signal & np.isin(aux, VT_REPORTS)
    del signal
    n_vt = int(vt.sum())
    n_repeat = (vt & (aux == ReportType.REPEAT)).sum()
    n_follow_up = (vt & (aux == ReportType.FOLLOW_UP)).sum()
    del vt
    n_lost = int(((kind == Kind.INTAKE) & (aux == 1)).sum())
    n_escalations = int((kind == Kind.ESCALATION).sum())
    success = detail[kind == Kind.CARE_END]

    cost = float(row_cost_eur(w, info).sum())

    n_needs = len(sc)
    nan = float("nan")
    summary: dict[str, float | int | dict] = {
        "families": n_fam,
        "needs": n_needs,
        "signals": n_signals,
        "handovers": len(ho),
        "handovers_unanswered": int(ho["assigned"].isna().sum()),
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
        "dropouts": int(sc["dropped"].sum()),
        "unmet_need_share": float(sc["care_start"].isna().sum() / n_needs) if n_needs else nan,
        "care_success_share": float(success.mean()) if len(success) else nan,
        "cost_eur_total": cost,
        "cost_eur_per_family": cost / n_fam if n_fam else nan,
        "fte_total": info.fte_total,
        **scheme_figures(c, info, total_hours),
    }
    little = littles_law(c, info)
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
    summary["by_domain"] = _by_domain(ho, sc, *cost_by_domain(c, info))
    return summary


def _by_domain(
    ho: pd.DataFrame, sc: pd.DataFrame, cost_total: np.ndarray, cost_full: np.ndarray
) -> dict[str, dict[str, float]]:
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
            "cost_eur_total": float(cost_total[code]),
            "cost_eur_full": float(cost_full[code]),
        }
    return out


def timeseries(a: Mapping[str, np.ndarray] | pd.DataFrame, info: RunInfo) -> pd.DataFrame:
    """Monthly figures over the measured window (month 0 starts when the warm-up ends)."""
    c = columns(a)
    kind, t, aux, value = c["kind"], c["time"], c["aux"], c["value"]
    n_months = max(1, int(np.ceil((info.end_day - info.measure_from) / MONTH_DAYS - 1e-9)))
    edges = info.measure_from + MONTH_DAYS * np.arange(n_months + 1)

    def per_month(times: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
        idx = np.floor((times - info.measure_from) / MONTH_DAYS).astype(np.int64)
        ok = (idx >= 0) & (idx < n_months)
        w = None if weights is None else weights[ok]
        return np.bincount(idx[ok], weights=w, minlength=n_months)[:n_months]

    def count(mask: np.ndarray) -> np.ndarray:
        return per_month(t[mask])

    out = pd.DataFrame({"month": np.arange(n_months), "day_start": edges[:-1] - info.measure_from})
    out["signals"] = count(kind == Kind.SIGNAL)
    out["needs"] = count(kind == Kind.NEED)
    out["handovers"] = count(kind == Kind.HANDOVER_SENT)
    out["care_starts"] = count(kind == Kind.CARE_START)
    out["escalations"] = count(kind == Kind.ESCALATION)
    out["vt_reports"] = count((kind == Kind.SIGNAL) & np.isin(aux, VT_REPORTS))
    out["repeat_reports"] = count((kind == Kind.SIGNAL) & (aux == ReportType.REPEAT))

    # Signal-to-care delay of the care that started each month (each need's first start).
    is_need = kind == Kind.NEED
    needs, arose = earliest(c["need"][is_need], t[is_need])
    start = kind == Kind.CARE_START
    started, t_start = earliest(c["need"][start], t[start])
    delay = t_start - lookup(needs, arose, started)
    total = per_month(t_start, delay)
    with np.errstate(invalid="ignore", divide="ignore"):
        out["signal_to_care_days_mean"] = total / out["care_starts"].to_numpy()

    # Needs waiting at each month's end: arisen, not yet in care, not dropped out.
    t_left = np.sort(np.concatenate([t_start, t[kind == Kind.DROPOUT]]))
    month_ends = edges[1:]
    out["needs_waiting"] = np.searchsorted(
        np.sort(arose), month_ends, side="left"
    ) - np.searchsorted(t_left, month_ends, side="left")

    for k, name in HOURS_KINDS.items():
        mask = kind == k
        out[f"hours_{name}"] = per_month(t[mask], value[mask])
    tail = measured_tail(c, info)  # the months start with the window: the same rows
    out["cost_eur"] = monthly_sums(tail, info, row_cost_eur(tail, info), n_months)
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


def by_municipality(
    a: Mapping[str, np.ndarray] | pd.DataFrame, info: RunInfo, n: int
) -> pd.DataFrame:
    """Counts per home municipality (the families'), with the definitions of `summarise`:
    measured families, needs that arose in the window (and their days to care), stories
    told by measured families, and handovers in the window across a region or province
    border (deliberate placements elsewhere apart)."""
    c = columns(a)
    kind, aux, mun = c["kind"], c["aux"], c["municipality"]
    win = c["time"] >= info.measure_from

    def count(mask: np.ndarray) -> np.ndarray:
        return np.bincount(mun[mask], minlength=n)[:n]

    measured, of_measured = measured_families(c, info)
    sig = kind == Kind.SIGNAL
    fams, where = np.unique(c["family"][sig], return_index=True)
    home_of_measured = mun[sig][where][np.isin(fams, measured)]
    sc = signal_to_care(c, info)
    is_need = kind == Kind.NEED
    needs, home = np.unique(c["need"][is_need], return_index=True)
    sc_mun = mun[is_need][home][np.searchsorted(needs, sc["need"].to_numpy())].astype(np.int64)
    cared = sc["care_start"].notna().to_numpy()
    received = win & (kind == Kind.HANDOVER_RECEIVED)
    placed = (aux & HandoverFlag.PLACED_ELSEWHERE) > 0
    out = pd.DataFrame(
        {
            "families": np.bincount(home_of_measured, minlength=n)[:n],
            "needs": np.bincount(sc_mun, minlength=n)[:n],
            "needs_cared": np.bincount(sc_mun[cared], minlength=n)[:n],
            "signal_to_care_days_sum": np.bincount(
                sc_mun[cared], weights=sc["delay"].to_numpy()[cared], minlength=n
            )[:n],
            "stories_told": count(of_measured & (kind == Kind.INTAKE) & (c["detail"] == 1)),
            "border_crossings": count(
                received & ((aux & HandoverFlag.REGION_BORDER) > 0) & ~placed
            ),
            "province_crossings": count(
                received & ((aux & HandoverFlag.PROVINCE_BORDER) > 0) & ~placed
            ),
            "placements_elsewhere": count(received & placed),
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
