"""Validation against queueing theory: degenerate scenarios whose answers are known.

A validation scenario is one municipality in which only the wijkteam receives families
(a Poisson stream, lambda a day), every need is mild, care is exponential, and all that
is not queueing is off: intakes, forms, travel, coordination, dropout, incidents,
recurrence. Each organisation is then an M/M/c station (c = its case slots, 1/mu = the
mean care time) and Erlang C gives its wait. With onward referral (fixed probabilities
between domains) the organisations form an open Jackson network: the traffic equations
give each station's arrival rate, every station waits as its own M/M/c, and the network
sojourn time is the sum over expected visits of wait plus care, plus the handover
latency (an infinite-server delay) of every expected handover.

`validate()` replicates each scenario, estimates each quantity per replication after
the warm-up, and passes a check when the analytic value lies inside the simultaneous
95 % confidence interval of the replication means (Student t, Bonferroni over all
checks of the run, so that a correct model passes every check with probability >= 95 %).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import reduce
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from model.engine.simulation import SocialDomainModel
from model.records.events import Kind
from model.records.metrics import littles_law
from model.runs.run import finished_model, replication_seeds
from model.runs.statistics import mean_ci
from model.scenario import Scenario, ScenarioError, load_scenario
from model.sweeps.evaluators import map_in_order
from model.vocabulary import DOMAINS

VALIDATION_DIR = Path(__file__).resolve().parent.parent / "scenarios" / "validation"
DEFAULT_FILES = ("mmc.toml", "jackson.toml")
CONFIDENCE = 0.95
SOJOURN_TAIL_MEANS = 10.0  # families whose signal came this many mean sojourns before the end


# ----------------------------------------------------------------------------- Erlang C
def erlang_c(arrival_per_day: float, service_per_day: float, servers: int) -> float:
    """Probability that an arrival waits in an M/M/c queue (Erlang B recursion, stable)."""
    a = arrival_per_day / service_per_day
    if a >= servers:
        return 1.0
    b = 1.0
    for k in range(1, servers + 1):
        b = a * b / (k + a * b)
    return servers * b / (servers - a * (1 - b))


@dataclass(frozen=True)
class Station:
    """One organisation as an M/M/c station, with its arrival rate from the traffic equations."""

    org: int
    name: str
    domain: str
    arrival_per_day: float
    care_days_mean: float
    servers: int

    @property
    def service_per_day(self) -> float:
        return 1.0 / self.care_days_mean

    @property
    def utilisation(self) -> float:
        return self.arrival_per_day * self.care_days_mean / self.servers

    @property
    def p_wait(self) -> float:
        return erlang_c(self.arrival_per_day, self.service_per_day, self.servers)

    @property
    def drain_per_day(self) -> float:
        """c mu - lambda: the rate at which a wait ends, given that one waits."""
        return self.servers * self.service_per_day - self.arrival_per_day

    @property
    def wait_mean(self) -> float:
        return self.p_wait / self.drain_per_day

    @property
    def tail_days(self) -> float:
        """The threshold t of the P(wait > t) check: the mean wait of those who wait."""
        return 1.0 / self.drain_per_day

    def p_wait_over(self, t: float) -> float:
        return self.p_wait * math.exp(-self.drain_per_day * t)

    @property
    def cases_mean(self) -> float:
        """L = lambda (Wq + 1/mu): cases at the organisation, waiting or in care."""
        return self.arrival_per_day * (self.wait_mean + self.care_days_mean)


@dataclass(frozen=True)
class Network:
    external_per_day: float  # families a day, all at the wijkteam
    stations: tuple[Station, ...]
    visits: tuple[float, ...]  # expected visits per family, per station
    handovers_in: tuple[float, ...]  # expected handovers into each station per family
    latency_days: tuple[float, ...]  # mean handover latency into each station

    @property
    def sojourn_mean(self) -> float:
        """From the signal to the last case's close: waits, care and handover latencies."""
        return sum(
            v * (s.wait_mean + s.care_days_mean) + h * lat
            for s, v, h, lat in zip(
                self.stations, self.visits, self.handovers_in, self.latency_days, strict=True
            )
        )


def _zero(v: object) -> bool:
    return v == 0


def _rules(sc: Scenario) -> Iterator[tuple[str, str, Callable[[Any], bool]]]:
    """(field, what it must be, test): all that is not queueing switched off."""
    yield "geography", '"synthetic"', lambda v: v == "synthetic"
    yield "synthetic.municipalities", "1", lambda v: v == 1
    for d in DOMAINS:
        p = f"domains.{d}"
        if d != "wijkteam":
            yield f"{p}.incidence_per_1000_per_year", "0 (families enter at the wijkteam)", _zero
        yield f"{p}.severity_shares", "[1, 0, 0]", lambda v: v[0] == 1
        yield f"{p}.care_distribution", '"exponential"', lambda v: v == "exponential"
        yield f"{p}.care_weeks_mean", "> 0 for mild needs", lambda v: v[0] > 0
        for f in ("intake_hours", "short_intake_hours", "registration_admin_hours"):
            yield f"{p}.{f}", "0", _zero
        yield f"{p}.visits_per_week", "0", _zero
        yield f"{p}.specialised_share", "0 (no supra-regional provider)", _zero
    for f in ("sender_admin_hours", "joint_contact_hours"):
        yield f"protocols.{sc.protocol}.{f}", "0 (it lengthens the sender's stay)", _zero
    if not sc.active_protocol.direct_referral:
        yield "domains.vt.onward_referral.youth", "0 (it would go via the wijkteam)", _zero
    yield "families.dropout_max_share", "0", _zero
    yield "escalation.incident_rate_while_waiting_per_year", "[0, 0, 0]", lambda v: max(v) == 0
    for f in ("recurrence_after_success", "recurrence_after_failure", "recurrence_after_dropout"):
        yield f"escalation.{f}", "0", _zero
    yield "escalation.preventive_support", "false", lambda v: not v
    yield "workforce.coordination_hours_per_org_week", "0", _zero
    yield "handover.familiarity_latency_effect", "0 (it would shorten the latency)", _zero
    yield "handover.rule_book_crossing_admin_hours", "0 (it lengthens the sender's stay)", _zero


def requirements(sc: Scenario) -> list[tuple[str, object, str]]:
    """What a scenario must satisfy for the analytic answers to hold: (field, value, required)."""
    raw = sc.model_dump()
    out = []
    for path, required, ok in _rules(sc):
        value = reduce(lambda node, key: node[key], path.split("."), raw)
        if not ok(value):
            out.append((path, value, required))
    return out


def network_of(sc: Scenario, model: SocialDomainModel, source: str = "<scenario>") -> Network:
    """The Jackson network a validation scenario builds, or a one-line ScenarioError."""
    problems = requirements(sc)
    if problems:
        path, value, required = problems[0]
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise ScenarioError(
            f"{source}: {path}: must be {required} in a queueing validation scenario, "
            f"is {value}{more}"
        )
    routing = sc.domains.onward_matrix()
    external = np.zeros(len(DOMAINS))
    external[0] = model.stream.families_per_day  # every family enters at the wijkteam
    rates = np.linalg.solve(np.eye(len(DOMAINS)) - routing.T, external)
    pr = sc.active_protocol
    stations, visits, handovers, latency = [], [], [], []
    for d, name in enumerate(DOMAINS):
        if rates[d] <= 1e-12:
            continue
        org = model.orgs_by_domain[d][0]
        st = Station(
            org.oid,
            org.name,
            name,
            float(rates[d]),
            7.0 * sc.domains[name].care_weeks_mean[0],
            org.capacity,
        )
        if st.utilisation >= 1:
            raise ScenarioError(
                f"{source}: domains.{name}: utilisation {st.utilisation:.2f} >= 1, the queue has "
                "no steady state; raise fte_per_100k or lower the arrivals"
            )
        stations.append(st)
        visits.append(float(rates[d] / external[0]))
        handovers.append(float((rates[d] - external[d]) / external[0]))
        extra = sc.domains[name].decision_latency_days if pr.municipal_decision else 0.0
        latency.append(pr.transfer_latency_days + extra)
    return Network(
        float(external[0]), tuple(stations), tuple(visits), tuple(handovers), tuple(latency)
    )


# ----------------------------------------------------------------------------- one replication
def observe(sc: Scenario, seed: int) -> dict:
    """One replication: each station's estimates after the warm-up, and the network sojourn.
    A picklable top-level function, for the process pool."""
    t0 = time.perf_counter()
    nets = []
    model = finished_model(sc, seed, prepare=lambda m: nets.append(network_of(sc, m)))
    net = nets[0]
    wall = time.perf_counter() - t0
    a, info = model.log.arrays(), model.run_info()
    start, end = info.measure_from, info.end_day
    kind, t, org = a["kind"], a["time"], a["org"]
    little = littles_law(a, info).set_index("org")
    out: dict = {"wall_seconds": wall}
    for s in net.stations:
        at = org == s.org
        queued = at & (kind == Kind.QUEUED) & (t >= start)
        served = at & (kind == Kind.ASSIGNED) & (t >= start)
        wait = a["value"][served]
        out[(s.org, "arrival_per_day")] = queued.sum() / (end - start)
        out[(s.org, "wait_mean")] = float(wait.mean())
        out[(s.org, "p_wait")] = float((wait > 0).mean())
        out[(s.org, "p_wait_over_t")] = float((wait > s.tail_days).mean())
        out[(s.org, "cases_mean")] = float(little.loc[s.org, "cases_mean"])
        out[(s.org, "served")] = int(served.sum())
    out.update(_sojourn(a, start, end - SOJOURN_TAIL_MEANS * net.sojourn_mean))
    return out


def _sojourn(a: dict[str, np.ndarray], start: float, stop: float) -> dict:
    """Signal to the last close of each family's episode, for signals in [start, stop)."""
    df = pd.DataFrame({k: a[k] for k in ("time", "kind", "episode")})
    signal = df[df.kind == Kind.SIGNAL].set_index("episode")["time"]
    signal = signal[(signal >= start) & (signal < stop)]
    ev = df[df.episode.isin(signal.index)]
    count = ev.groupby(["episode", "kind"]).size().unstack(fill_value=0)
    for k in (Kind.QUEUED, Kind.CLOSED, Kind.HANDOVER_SENT, Kind.HANDOVER_RECEIVED):
        if k not in count:
            count[k] = 0
    done = (count[Kind.QUEUED] == count[Kind.CLOSED]) & (
        count[Kind.HANDOVER_SENT] == count[Kind.HANDOVER_RECEIVED]
    )
    last = ev[ev.kind == Kind.CLOSED].groupby("episode")["time"].max()
    ok = done[done].index
    return {
        ("network", "sojourn_mean"): float((last.reindex(ok) - signal.reindex(ok)).mean()),
        ("network", "served"): len(ok),
        ("network", "incomplete"): int((~done).sum()),
    }


# ----------------------------------------------------------------------------- checks
@dataclass
class Check:
    scenario: str
    file: str
    check: str
    organisation: str
    unit: str
    analytic: float
    values: np.ndarray = field(repr=False)
    lambda_per_day: float
    mu_per_day: float | None
    c: int | None
    horizon_days: float
    warmup_days: float
    replications: int
    customers_served: int
    wall_seconds: float
    simultaneous_checks: int = 1
    confidence: float = CONFIDENCE  # of all checks together

    def interval(self, confidence: float) -> tuple[float, float]:
        _, lo, hi = mean_ci(self.values, confidence)
        return lo, hi

    @property
    def simulated(self) -> float:
        return float(self.values.mean())

    @property
    def ci(self) -> tuple[float, float]:
        """Simultaneous: Bonferroni over all checks of the run."""
        return self.interval(1 - (1 - self.confidence) / self.simultaneous_checks)

    @property
    def ci95(self) -> tuple[float, float]:
        return self.interval(CONFIDENCE)

    @property
    def passed(self) -> bool:
        lo, hi = self.ci
        return lo <= self.analytic <= hi

    def as_dict(self) -> dict:
        lo, hi = self.ci
        lo95, hi95 = self.ci95
        return {
            "scenario": self.scenario,
            "file": self.file,
            "check": self.check,
            "organisation": self.organisation,
            "unit": self.unit,
            "simulated": self.simulated,
            "ci_low": lo,
            "ci_high": hi,
            "confidence": f"{self.confidence:.0%} simultaneous over {self.simultaneous_checks} checks (Bonferroni)",
            "ci95_low": lo95,
            "ci95_high": hi95,
            "analytic": self.analytic,
            "pass": self.passed,
            "lambda_per_day": self.lambda_per_day,
            "mu_per_day": self.mu_per_day,
            "c": self.c,
            "horizon_days": self.horizon_days,
            "warmup_days": self.warmup_days,
            "replications": self.replications,
            "customers_served": self.customers_served,
            "wall_seconds": self.wall_seconds,
            "replication_values": self.values.tolist(),
        }


def _checks(sc: Scenario, path: str, net: Network, runs: list[dict]) -> list[Check]:
    wall = float(sum(r["wall_seconds"] for r in runs))

    def col(key) -> np.ndarray:
        return np.array([r[key] for r in runs], dtype=float)

    common = {
        "scenario": sc.name,
        "file": path,
        "horizon_days": sc.horizon_days,
        "warmup_days": sc.warmup_days,
        "replications": len(runs),
        "wall_seconds": wall,
    }
    out = []
    single = len(net.stations) == 1
    for s in net.stations:
        quantities = [
            ("arrival_per_day", "arrival rate", "per day", s.arrival_per_day),
            ("wait_mean", "mean wait in queue", "days", s.wait_mean),
        ]
        if single:
            quantities += [
                ("p_wait", "P(wait > 0)", "probability", s.p_wait),
                (
                    "p_wait_over_t",
                    f"P(wait > {s.tail_days:.3g} d)",
                    "probability",
                    s.p_wait_over(s.tail_days),
                ),
                ("cases_mean", "mean cases L = λ(Wq + 1/μ)", "cases", s.cases_mean),
            ]
        served = int(col((s.org, "served")).sum())
        for key, label, unit, analytic in quantities:
            out.append(
                Check(
                    check=label,
                    organisation=s.domain,
                    unit=unit,
                    analytic=analytic,
                    values=col((s.org, key)),
                    lambda_per_day=s.arrival_per_day,
                    mu_per_day=s.service_per_day,
                    c=s.servers,
                    customers_served=served,
                    **common,
                )
            )
    if not single:
        out.append(
            Check(
                check="network sojourn time",
                organisation="all",
                unit="days",
                analytic=net.sojourn_mean,
                values=col(("network", "sojourn_mean")),
                lambda_per_day=net.external_per_day,
                mu_per_day=None,
                c=None,
                customers_served=int(col(("network", "served")).sum()),
                **common,
            )
        )
    return out


def default_files() -> list[Path]:
    for base in (VALIDATION_DIR, Path.cwd() / "scenarios" / "validation"):
        if all((base / f).is_file() for f in DEFAULT_FILES):
            return [base / f for f in DEFAULT_FILES]
    raise ScenarioError(
        f"validate: {' and '.join(DEFAULT_FILES)} not found in scenarios/validation/; "
        "run from the repository or name the files"
    )


def validate(
    paths: Sequence[str | Path] | None = None,
    replications: int = 20,
    workers: int = 1,
    seed: int | None = None,
    overrides: dict | None = None,
    progress: Callable[[Iterable, int], Iterable] | None = None,
    confidence: float = CONFIDENCE,
) -> list[Check]:
    """Replicate every validation scenario and compare each estimate with its analytic value.

    `confidence` is for all checks together: a correct model passes every one of them with at
    least this probability (the test suite asks 99 %, so that a change of random streams
    rarely turns it red by chance)."""
    if replications < 2:
        raise ScenarioError("validate: --replications must be at least 2 for a confidence interval")
    files = [Path(p) for p in paths] if paths else default_files()
    scenarios = [load_scenario(p, overrides) for p in files]
    nets = [
        network_of(sc, SocialDomainModel(sc), str(p))
        for sc, p in zip(scenarios, files, strict=True)
    ]
    for sc, p, net in zip(scenarios, files, nets, strict=True):
        need_days = 2 * SOJOURN_TAIL_MEANS * net.sojourn_mean
        if len(net.stations) > 1 and sc.horizon_days < need_days:
            raise ScenarioError(
                f"{p}: years: at least {need_days / 365:.2f} for the network sojourn check"
            )
    tasks = []
    for sc in scenarios:
        seeds = replication_seeds(sc.seed if seed is None else seed, replications)
        tasks += [(sc, s) for s in seeds]
    flat = map_in_order(observe, tasks, workers, progress)
    checks: list[Check] = []
    for i, (sc, p, net) in enumerate(zip(scenarios, files, nets, strict=True)):
        checks += _checks(sc, str(p), net, flat[i * replications : (i + 1) * replications])
    for c in checks:
        c.simultaneous_checks = len(checks)
        c.confidence = confidence
    return checks


# ----------------------------------------------------------------------------- report
def _short(path: str) -> str:
    try:
        return str(Path(path).resolve().relative_to(Path.cwd()))
    except ValueError:
        return path


def _num(x: float) -> str:
    return f"{x:.4g}" if abs(x) < 1000 else f"{x:,.0f}"


def report(checks: Sequence[Check]) -> str:
    """The table `sdsim validate` prints: what was run, then one line per check."""
    k = len(checks)
    level = checks[0].confidence
    lines = []
    for name in dict.fromkeys(c.scenario for c in checks):
        mine = [c for c in checks if c.scenario == name]
        first = mine[0]
        stations = {c.organisation: c for c in mine if c.c is not None}
        served = sum(c.customers_served for c in stations.values())
        lines.append(
            f"{name} ({_short(first.file)}): {first.replications} replications of "
            f"{first.horizon_days:,.0f} days after {first.warmup_days:,.0f} days warm-up; "
            f"{served:,} cases served; {first.wall_seconds:.1f} s simulated"
        )
        for o, c in stations.items():
            lines.append(
                f"  {o:9s} λ {_num(c.lambda_per_day)}/day, 1/μ {_num(1 / c.mu_per_day)} days, "
                f"c {c.c}, ρ {c.lambda_per_day / (c.mu_per_day * c.c):.2f}"
            )
    width = max(len(f"{c.scenario} {c.organisation}: {c.check} ({c.unit})") for c in checks)
    lines.append("")
    head = f"simulated [simultaneous {level:.0%} CI]"
    lines.append(f"{'check':{width}s}  {head:36s}  {'analytic':>10s}  pass")
    for c in checks:
        lo, hi = c.ci
        label = f"{c.scenario} {c.organisation}: {c.check} ({c.unit})"
        sim = f"{_num(c.simulated)} [{_num(lo)}, {_num(hi)}]"
        lines.append(
            f"{label:{width}s}  {sim:36s}  {_num(c.analytic):>10s}  {'yes' if c.passed else 'NO'}"
        )
    passed = sum(c.passed for c in checks)
    inside95 = sum(lo <= c.analytic <= hi for c in checks for lo, hi in [c.ci95])
    per_check = 1 - (1 - level) / k
    lines.append("")
    lines.append(
        f"{passed} of {k} checks pass: the analytic value lies inside the simultaneous {level:.0%} "
        f"interval (Bonferroni over {k} checks: {per_check:.2%} each), so a correct model passes "
        f"all with probability >= {level:.0%}. {inside95} of {k} also lie inside their own "
        f"{CONFIDENCE:.0%} interval (expected: about {CONFIDENCE * k:.0f})."
    )
    return "\n".join(lines)
