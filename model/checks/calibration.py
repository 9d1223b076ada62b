"""Calibration: the model against the public Dutch figures in DESIGN.md.

Each target is a figure the model also produces, computed from the event log per
measured year (a year is 365 days from the end of the warm-up), with a tolerance and the
parameters that move it. `calibrate()` replicates a scenario and reports, per target,
the model's mean with its 95 % confidence interval, the first and last measured year (so
that drift shows), and whether the mean lies inside the tolerance. It never changes a
parameter: how to tune the defaults is written down in docs/calibration.md.

National figures are turned into rates per inhabitant, so that the synthetic country
(one million inhabitants) and the real one compare alike.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from model.records.events import VT_REPORTS, Kind, ReportType
from model.runs.run import finished_model, replication_seeds
from model.runs.statistics import mean_ci
from model.scenario import Scenario, ScenarioError, load_scenario
from model.sweeps.evaluators import map_in_order
from model.vocabulary import INCOME, VT, WIJKTEAM, WMO, YOUTH

DEFAULT_SCENARIO = Path("scenarios") / "patchwork.toml"
NL_INHABITANTS = 17_590_672  # CBS, 2022: national counts become rates per inhabitant
PER_1000 = NL_INHABITANTS / 1000
# 474 thousand young people in youth care are 10.6 % of those under 23: 4.47 million,
# of 17.59 million inhabitants.
YOUNG_SHARE = 474_000 / 0.106 / NL_INHABITANTS
YOUNG_SOURCE = (
    "derived: CBS Jeugdmonitor 2024, 474 thousand = 10.6 % of those under 23, i.e. "
    "4.47 million of 17.59 million inhabitants (25.4 %)"
)
# NVVK (the Dutch association for debt counselling) yearly figures.
NVVK_REQUESTS_2022 = 75_531
NVVK_VIA_WIJKTEAMS_2018 = 11_000


@dataclass(frozen=True)
class Target:
    key: str
    label: str
    observed: float
    low: float  # tolerance band
    high: float
    unit: str
    source: str
    knobs: str  # the parameters that move it most
    indicative: bool = False  # a figure from one region or sector: shown, not tuned to


TARGETS: tuple[Target, ...] = (
    Target(
        "youth_care_share",
        "young people in youth care in a year",
        0.106,
        0.096,
        0.116,
        "share of those < 23",
        "CBS Jeugdmonitor 2024: 474 thousand, 10.6 % (2023); one young person per youth need "
        "(model assumption); " + YOUNG_SOURCE,
        "domains.youth.incidence_per_1000_per_year, domains.youth.care_weeks_mean",
    ),
    Target(
        "wijkteam_share_of_youth_care",
        "share of them helped by a wijkteam",
        0.15,
        0.12,
        0.18,
        "share",
        "CBS, Jeugdhulp 1e halfjaar 2023: about 15 %",
        "domains.wijkteam.youth_mandate_max_severity (whole severities only), "
        "domains.youth.severity_shares",
    ),
    Target(
        "vt_reports_per_1000",
        "Veilig Thuis reports a year",
        120_000 / PER_1000,
        0.9 * 120_000 / PER_1000,
        1.1 * 120_000 / PER_1000,
        "per 1000 inhabitants",
        "CBS Beleidsinformatie Veilig Thuis: ~120 thousand (2021) over 17.59 million; "
        "127,340 in 2023 (StatLine 85361NED) lies inside the band",
        "domains.vt.incidence_per_1000_per_year (first reports), escalation rates (repeats)",
    ),
    Target(
        "repeat_report_share",
        "repeat reports (hermelding)",
        0.381,
        0.331,
        0.431,
        "share of VT reports",
        "CBS StatLine 85361NED: 38.1 % (2023), 38 % (first half 2022); 20.6-52.5 % by region",
        "escalation.recurrence_after_*, escalation.recurrence_mean_days, "
        "domains.vt.success_probability",
    ),
    Target(
        "follow_up_report_share",
        "follow-up reports during an open case",
        0.285,
        0.235,
        0.335,
        "share of VT reports",
        "CBS StatLine 85361NED: 28.5 % (2023)",
        "escalation.incident_rate_while_waiting_per_year, VT waits and investigation length",
    ),
    Target(
        "youth_wait_days",
        "youth care: days from need to care",
        70.0,
        42.0,
        98.0,
        "days",
        "DESIGN.md, Saturation: mean 6 weeks to intake, youth mental health (MediQuest 2017); "
        "13-14 weeks ambulant youth care, one region (Jeugdhulp Rijnmond 2022-23)",
        "domains.youth.fte_per_100k, decision_latency_days, transfer_latency_days",
    ),
    Target(
        "vt_late_share",
        "Veilig Thuis: reports first seen after 5 working days",
        4_200 / (127_340 / 12),
        0.25,
        0.55,
        "share of new VT cases",
        "DESIGN.md, Saturation: IGJ Dec 2023, ~4,200 safety assessments a month later than 5 "
        "working days, of ~10,600 reports a month (127,340 in 2023, CBS 85361NED)",
        "domains.vt.fte_per_100k, domains.vt.care_weeks_mean",
    ),
    Target(
        "youth_cost_per_client_eur",
        "youth care: personnel cost per client a year",
        0.71 * 5.5e9 / 424_000,
        0.75 * 0.71 * 5.5e9 / 424_000,
        1.25 * 0.71 * 5.5e9 / 424_000,
        "EUR",
        "indicative, derived: Jeugdautoriteit, EUR 5.5 bn for 424 thousand clients (2019), "
        "personnel 71 % (Deskundigencommissie 'Groeipijn')",
        "domains.youth.hourly_cost_eur, care_hours_per_week, care_weeks_mean",
        indicative=True,
    ),
    Target(
        "debt_help_requests_per_1000",
        "Work & Income: requests for help with debts a year",
        NVVK_REQUESTS_2022 / PER_1000,
        0.9 * NVVK_REQUESTS_2022 / PER_1000,
        1.1 * (NVVK_REQUESTS_2022 + NVVK_VIA_WIJKTEAMS_2018) / PER_1000,
        "per 1000 inhabitants",
        "NVVK jaarverslag 2022: 75,531 requests to its members (4.3 per 1000 inhabitants); "
        "band up to the ~11,000 more that NVVK members knew of at wijkteams (2018), +10 %",
        "domains.income.incidence_per_1000_per_year",
    ),
    Target(
        "debt_help_wait_days",
        "Work & Income: days from request to first talk",
        11.0,
        7.0,
        28.0,
        "days",
        "NVVK jaarverslagen 2019, 2021, 2022: an appointment within 11 days on average (crises "
        "within 3 working days); band up to the legal 4 weeks (Wet gemeentelijke "
        "schuldhulpverlening)",
        "domains.income.fte_per_100k, domains.income.care_weeks_mean",
    ),
    Target(
        "youth_households_with_wmo_share",
        "households in youth care that also have Wmo support",
        0.10,
        0.08,
        0.12,
        "share of households",
        "indicative, CBS 'Gebruik voorzieningen sociaal domein' (households): Utrecht 2024 "
        "710 of 7,320 (9.7 %), Zutphen 2022 160 of 1,350 (11.9 %), Heerlen 1st half 2023 "
        "130 of 1,575 (8.3 %); no national figure at hand",
        "families.need_correlation, domains.wmo.incidence_per_1000_per_year",
        indicative=True,
    ),
    Target(
        "youth_households_with_income_share",
        "households in youth care that also have Work & Income help",
        0.15,
        0.12,
        0.21,
        "share of households",
        "indicative, CBS 'Gebruik voorzieningen sociaal domein' (households, Participatiewet): "
        "Utrecht 2024 1,065 of 7,320 (14.5 %), Zutphen 2022 165 of 1,350 (12.2 %), Heerlen "
        "1st half 2023 325 of 1,575 (20.6 %); no national figure at hand",
        "families.need_correlation, domains.income.incidence_per_1000_per_year",
        indicative=True,
    ),
)


# ----------------------------------------------------------------------------- one run
def measure(sc: Scenario, seed: int) -> dict[str, list[float]]:
    """Every target's value per measured year of one run (only whole years count)."""
    model = finished_model(sc, seed)
    a = model.log.arrays()
    org_domain = np.array([o.domain for o in model.orgs])
    population = float(model.geography.population.sum())
    hourly = np.array([d.hourly_cost_eur for d in model.dom])
    kind, t = a["kind"], a["time"]
    is_need = kind == Kind.NEED
    need_ids = a["need"][is_need].tolist()
    need_domain = dict(zip(need_ids, a["domain"][is_need].tolist(), strict=True))
    need_time = dict(zip(need_ids, t[is_need].tolist(), strict=True))
    family_of = dict(zip(need_ids, a["family"][is_need].tolist(), strict=True))
    ends = kind == Kind.CARE_END
    end_of = dict(zip(a["need"][ends].tolist(), t[ends].tolist(), strict=True))
    # Every need's care, by whichever organisation gives it, and youth care's part of it.
    start = kind == Kind.CARE_START
    cared = a["need"][start].tolist()
    cared_from = t[start]
    cared_to = np.array([end_of.get(n, np.inf) for n in cared])
    cared_domain = np.array([need_domain[n] for n in cared], dtype=np.int64)
    cared_family = np.array([family_of[n] for n in cared], dtype=np.int64)
    youth = cared_domain == YOUTH
    care_from, care_to = cared_from[youth], cared_to[youth]
    care_org = org_domain[a["org"][start][youth]]
    care_need = a["need"][start][youth]
    delay = care_from - np.array([need_time[n] for n in care_need.tolist()])
    report = (kind == Kind.SIGNAL) & np.isin(a["aux"], VT_REPORTS)
    youth_hours = np.isin(kind, [Kind.INTAKE, Kind.ADMIN, Kind.CARE_START, Kind.COORDINATION])
    youth_hours |= kind == Kind.TRAVEL
    youth_hours &= (a["org"] >= 0) & (org_domain[np.maximum(a["org"], 0)] == YOUTH)

    # Veilig Thuis: days from a report that opens a case to its first contact (the safety
    # assessment is due within 5 working days: 7 calendar days).
    vt_assigned = (kind == Kind.ASSIGNED) & (a["domain"] == VT)
    first_contact = dict(
        zip(a["need"][vt_assigned].tolist(), t[vt_assigned].tolist(), strict=False)
    )
    opened = report & (a["domain"] == VT) & (a["aux"] != ReportType.FOLLOW_UP)
    opened_t = t[opened]
    opened_wait = (
        np.array([first_contact.get(n, np.inf) for n in a["need"][opened].tolist()]) - opened_t
    )

    # Work & Income: requests (its needs), and the days a case waited at a Work & Income team
    # for its first talk (ASSIGNED's value, from joining the queue).
    income_requests_t = t[is_need & (a["domain"] == INCOME)]
    income_first = (kind == Kind.ASSIGNED) & (a["domain"] == INCOME)
    income_first_t, income_waited = t[income_first], a["value"][income_first]

    out: dict[str, list[float]] = {tg.key: [] for tg in TARGETS}
    n_years = int(sc.years + 1e-9)
    for y in range(n_years):
        y0 = model.measure_from + 365.0 * y
        y1 = y0 + 365.0
        in_care = (care_from < y1) & (care_to >= y0)
        users = int(in_care.sum())
        out["youth_care_share"].append(users / (population * YOUNG_SHARE))
        out["wijkteam_share_of_youth_care"].append(
            float((care_org[in_care] == WIJKTEAM).mean()) if users else np.nan
        )
        rep = report & (t >= y0) & (t < y1)
        n_rep = int(rep.sum())
        out["vt_reports_per_1000"].append(n_rep / population * 1000)
        aux = a["aux"][rep]
        out["repeat_report_share"].append(
            float((aux == ReportType.REPEAT).mean()) if n_rep else np.nan
        )
        out["follow_up_report_share"].append(
            float((aux == ReportType.FOLLOW_UP).mean()) if n_rep else np.nan
        )
        started = (care_from >= y0) & (care_from < y1) & (care_org == YOUTH)
        out["youth_wait_days"].append(float(delay[started].mean()) if started.any() else np.nan)
        seen = (opened_t >= y0) & (opened_t < y1)
        out["vt_late_share"].append(
            float((opened_wait[seen] > 7.0).mean()) if seen.any() else np.nan
        )
        clients = int((in_care & (care_org == YOUTH)).sum())
        hours = youth_hours & (t >= y0) & (t < y1)
        cost = float(a["value"][hours].sum()) * hourly[YOUTH]
        out["youth_cost_per_client_eur"].append(cost / clients if clients else np.nan)
        requests = (income_requests_t >= y0) & (income_requests_t < y1)
        out["debt_help_requests_per_1000"].append(int(requests.sum()) / population * 1000)
        first = (income_first_t >= y0) & (income_first_t < y1)
        out["debt_help_wait_days"].append(
            float(income_waited[first].mean()) if first.any() else np.nan
        )
        # Households in youth care that also have Wmo or Work & Income help, by whoever
        # gives it (a wijkteam or one social team counts, as in CBS's counts).
        helped = (cared_from < y1) & (cared_to >= y0)
        families = {
            d: set(cared_family[helped & (cared_domain == d)].tolist())
            for d in (YOUTH, WMO, INCOME)
        }
        youth_families = families[YOUTH]
        for key, other in (
            ("youth_households_with_wmo_share", WMO),
            ("youth_households_with_income_share", INCOME),
        ):
            out[key].append(
                len(youth_families & families[other]) / len(youth_families)
                if youth_families
                else np.nan
            )
    return out


# ----------------------------------------------------------------------------- many runs
@dataclass
class Row:
    target: Target
    per_run: np.ndarray  # replications x years

    @property
    def mean(self) -> float:
        return float(np.nanmean(self.per_run))

    @property
    def ci(self) -> tuple[float, float]:
        _, lo, hi = mean_ci(np.nanmean(self.per_run, axis=1))
        return lo, hi

    @property
    def first_year(self) -> float:
        return float(np.nanmean(self.per_run[:, 0]))

    @property
    def last_year(self) -> float:
        return float(np.nanmean(self.per_run[:, -1]))

    @property
    def inside(self) -> bool:
        return self.target.low <= self.mean <= self.target.high

    def as_dict(self) -> dict:
        tg = self.target
        lo, hi = self.ci
        return {
            "target": tg.key,
            "label": tg.label,
            "unit": tg.unit,
            "model": self.mean,
            "ci_low": lo,
            "ci_high": hi,
            "first_year": self.first_year,
            "last_year": self.last_year,
            "observed": tg.observed,
            "tolerance_low": tg.low,
            "tolerance_high": tg.high,
            "inside": self.inside,
            "indicative": tg.indicative,
            "source": tg.source,
            "knobs": tg.knobs,
        }


def default_scenario() -> Path:
    """The synthetic default: scenarios/patchwork.toml in the repository."""
    for base in (Path(__file__).resolve().parent.parent, Path.cwd()):
        if (base / DEFAULT_SCENARIO).is_file():
            return base / DEFAULT_SCENARIO
    raise ScenarioError(f"calibrate: {DEFAULT_SCENARIO} not found; name a scenario file")


def calibrate(
    path: str,
    replications: int = 5,
    workers: int = 1,
    seed: int | None = None,
    overrides: dict | None = None,
    progress: Callable[[Iterable, int], Iterable] | None = None,
) -> tuple[Scenario, list[Row]]:
    """Replicate one scenario (common random numbers) and set it against every target."""
    sc = load_scenario(path, overrides)
    if sc.years < 1:
        raise ScenarioError(f"{path}: years: at least 1 for calibration (figures are per year)")
    seeds = replication_seeds(sc.seed if seed is None else seed, replications)
    runs = map_in_order(measure, [(sc, s) for s in seeds], workers, progress)
    rows = [Row(tg, np.array([r[tg.key] for r in runs], dtype=float)) for tg in TARGETS]
    return sc, rows


def _fmt(x: float, unit: str) -> str:
    if x != x:
        return "n/a"
    if unit.startswith("share"):
        return f"{100 * x:.1f} %"
    if unit == "days":
        return f"{x:.1f}"
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:.2f}"


def report(sc: Scenario, rows: list[Row], replications: int) -> str:
    w = max(len(r.target.label) for r in rows)
    years = f"{sc.years:g} year{'' if sc.years == 1 else 's'}"
    lines = [
        f"{sc.name}: {sc.scheme} regions, {sc.protocol} protocol, {sc.geography} country; "
        f"{replications} replications of {years} after {sc.warmup_days:g} days warm-up; "
        "figures per measured year",
        "",
        f"{'figure':{w}s} {'model [95 % CI]':24s} {'1st yr':>8s} {'last yr':>8s} "
        f"{'observed':>9s} {'tolerance':>17s}  inside",
    ]
    for r in rows:
        tg = r.target
        lo, hi = r.ci
        model = f"{_fmt(r.mean, tg.unit)} [{_fmt(lo, tg.unit)}, {_fmt(hi, tg.unit)}]"
        band = f"{_fmt(tg.low, tg.unit)}-{_fmt(tg.high, tg.unit)}"
        mark = ("yes" if r.inside else "NO") + (" (indicative)" if tg.indicative else "")
        lines.append(
            f"{tg.label:{w}s} {model:24s} {_fmt(r.first_year, tg.unit):>8s} "
            f"{_fmt(r.last_year, tg.unit):>8s} {_fmt(tg.observed, tg.unit):>9s} {band:>17s}  {mark}"
        )
    lines.append("")
    for r in rows:
        if not r.inside:
            lines.append(f"- {r.target.label}: {verdict(r)}")
    drifting = [r for r in rows if abs(r.last_year - r.first_year) > 0.1 * abs(r.mean)]
    if drifting:
        lines.append(
            f"- {len(drifting)} of {len(rows)} figures change by more than 10 % between the first "
            "and the last measured year: the scenario is not in a steady state, so these values "
            "depend on the horizon; see docs/calibration.md before tuning to them."
        )
    inside = sum(r.inside for r in rows if not r.target.indicative)
    targets = sum(not r.target.indicative for r in rows)
    lines.append(
        f"{inside} of {targets} targets inside their tolerance (indicative figures apart)."
    )
    return "\n".join(lines)


def verdict(r: Row) -> str:
    """Why a target is missed, and whether tuning can close the gap."""
    tg = r.target
    direction = "high" if r.mean > tg.high else "low"
    drift = r.last_year - r.first_year
    text = f"model {direction} ({_fmt(r.mean, tg.unit)} against {_fmt(tg.observed, tg.unit)})"
    if abs(drift) > 0.1 * abs(r.mean):
        text += f"; still drifting ({_fmt(r.first_year, tg.unit)} to {_fmt(r.last_year, tg.unit)})"
    if tg.key == "wijkteam_share_of_youth_care":
        text += (
            "; the model cannot reach it by the mandate alone: the wijkteam's mandate is a whole "
            "severity level, so this share moves in steps (0 % at mandate 0; at mandate 1 the "
            "share of youth needs still mild at triage); 15 % needs fewer mild youth needs "
            "(severity_shares) or a partial mandate the model does not have"
        )
    return text + f"; moved by {tg.knobs}"
