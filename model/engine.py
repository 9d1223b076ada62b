"""The event clock, and the model that wires geography, organisations, families,
handovers, care and escalation together.

Time is event-driven: the work done per simulated day is proportional to what happens
that day. Families come from a pre-drawn, time-sorted stream (no heap cost); everything
else (a handover arriving, an intake or care ending, an incident, a recurrence) is one
entry in a binary heap. Mesa's own event list handled ~34 thousand events/s on these
machines against ~150 thousand for a plain heapq, hence the heap. `step()` advances one
day, so the model also runs under Mesa's usual step loop and SolaraViz.

Random numbers: `model.rng` (seeded by the run's seed) spawns the family stream's own
generator and serves every draw the process makes, so the families are the same under
every scheme and protocol of one seed. The country itself is a setting (the real map, or
a synthetic one drawn from `synthetic.seed`), the same for every run of a scenario.
"""

from __future__ import annotations

import gc
import heapq
import math
from collections.abc import Callable
from contextlib import contextmanager
from functools import partial
from typing import Any

import mesa
import numpy as np
from mesa.datacollection import DataCollector

from .care import care_weeks, dropout_probability, intake_hours, success_probability
from .config import Scenario
from .domains import DOMAINS, SHELTER, VT, WIJKTEAM
from .escalation import Escalation
from .events import (
    BORDER_REGION,
    FIRST,
    FOLLOW_UP,
    NOT_VT,
    REGISTRATION,
    REPEAT,
    REPORTING,
    EventLog,
    Kind,
)
from .families import (
    DONE,
    DROPPED,
    IN_CARE,
    RESOLVED,
    UNRESOLVED,
    WAITING,
    Family,
    FamilyStream,
    Need,
)
from .geography import Geography, build_geography, catchments
from .handover import Handovers
from .organisations import (
    CARE,
    CLOSED,
    INTAKE,
    QUEUED,
    WRAPUP,
    Case,
    Organisation,
    build_organisations,
)

INF = math.inf


@contextmanager
def paused_gc():
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def domain_count(model: SocialDomainModel, domain: int, what: str) -> int:
    """A DataCollector reporter (used through functools.partial, which pickles): waiting or
    busy cases in one domain."""
    return sum(getattr(o, what) for o in model.orgs_by_domain[domain])


class SocialDomainModel(mesa.Model):
    """Families, organisations and handovers under one scheme and one protocol."""

    def __init__(self, scenario: Scenario, seed: int | None = None) -> None:
        super().__init__(rng=scenario.seed if seed is None else seed)
        self.scenario = scenario
        self.seed_used = scenario.seed if seed is None else seed
        self.dom = [scenario.domains[d] for d in DOMAINS]
        self.fam_cfg = scenario.families
        self.protocol = scenario.active_protocol
        self.workforce = scenario.workforce
        self.measure_from = scenario.warmup_days
        self.end_day = scenario.warmup_days + scenario.horizon_days
        self.now = 0.0
        self.log = EventLog()

        # The country, then the organisations the scheme puts on it.
        self.geography: Geography = build_geography(scenario)
        family_rng = self.rng.spawn(1)[0]
        self.regions = catchments(self.geography, scenario.scheme, scenario.schemes)
        self.orgs_by_domain = build_organisations(self, self.geography, self.regions)
        self.orgs: list[Organisation] = [o for orgs in self.orgs_by_domain for o in orgs]
        self._serving = [
            [orgs[r] for r in self.regions[d].member]
            for d, orgs in zip(DOMAINS, self.orgs_by_domain, strict=True)
        ]
        self._shelter_elsewhere = self._nearest_other_shelter()
        self._staff()

        self.handovers = Handovers(self)
        self.escalation = Escalation(self)
        self.stream = FamilyStream(scenario, self.geography.population, family_rng, self.end_day)
        self._chunks = iter(self.stream)
        self._load_chunk()

        self._heap: list[tuple[float, int, Callable[[float, Any], None], Any]] = []
        self._seq = 0
        self._ids = {"family": 0, "need": 0, "episode": 0, "case": 0}
        self.need_states = [0, 0, 0]  # waiting, in care, done: checked against the log in tests
        self.events_processed = 0

        self.datacollector = DataCollector(
            model_reporters={
                **{
                    f"waiting_{d}": partial(domain_count, domain=i, what="waiting")
                    for i, d in enumerate(DOMAINS)
                },
                **{
                    f"busy_{d}": partial(domain_count, domain=i, what="busy")
                    for i, d in enumerate(DOMAINS)
                },
            }
        )
        self.day = 0

    # ------------------------------------------------------------------ set-up
    def _staff(self) -> None:
        wf = self.workforce
        geo = self.geography
        pid = 0
        for org in self.orgs:
            dom = self.dom[org.domain]
            pop = float(geo.population[org.catchment].sum())
            fte = max(dom.fte_per_100k * pop / 1e5, wf.min_fte_per_organisation)
            org.form_teams(fte, dom.team_fte, geo.population, geo.xy_km)
            for team in org.teams:
                n = max(1, round(team.fte))
                spanner = self.rng.random(n) < self.protocol.boundary_spanner_share
                pid = team.staff(wf.weekly_hours_per_fte, dom.care_hours_per_week, spanner, pid)

    def _nearest_other_shelter(self) -> list[Organisation]:
        """For safety, a shelter outside one's own region: the nearest other one."""
        orgs = self.orgs_by_domain[SHELTER]
        xy = self.geography.xy_km
        seats = xy[[o.seat for o in orgs]]
        own = self.regions["shelter"].member
        out = []
        for m in range(self.geography.n):
            d = ((seats - xy[m]) ** 2).sum(axis=1)
            if len(orgs) > 1:
                d[own[m]] = np.inf
            out.append(orgs[int(np.argmin(d))])
        return out

    def serving(self, domain: int, municipality: int) -> Organisation:
        return self._serving[domain][municipality]

    def shelter_elsewhere(self, municipality: int) -> Organisation:
        return self._shelter_elsewhere[municipality]

    def distance_km(self, municipality: int, seat: int) -> float:
        wf = self.workforce
        (x1, y1), (x2, y2) = self.geography.xy_km[municipality], self.geography.xy_km[seat]
        return wf.local_travel_km + wf.road_factor * math.hypot(x1 - x2, y1 - y2)

    # ------------------------------------------------------------------ clock
    def schedule(self, t: float, handler: Callable[[float, Any], None], obj: Any) -> None:
        if t < self.end_day:
            self._seq += 1
            heapq.heappush(self._heap, (t, self._seq, handler, obj))

    def step(self) -> None:
        """One simulated day."""
        self.day += 1
        self.run_until(float(self.day))
        if self.day % 7 == 0:
            self.datacollector.collect(self)

    def run(self) -> SocialDomainModel:
        with paused_gc():
            while self.day < self.end_day:
                self.step()
            self.run_until(self.end_day)
        return self

    def run_until(self, until: float) -> None:
        """Process every event before `until`.

        The cyclic garbage collector is paused meanwhile: with millions of live families and
        records it spent more time scanning than the model spent working (11.5 s against
        5.2 s for the default scenario), and what the loop discards is freed by reference
        counting anyway.
        """
        with paused_gc():
            self._run_until(min(until, self.end_day))

    def _run_until(self, until: float) -> None:
        heap = self._heap
        pop = heapq.heappop
        n = 0
        while True:
            ta = self._next_arrival
            th = heap[0][0] if heap else INF
            if ta <= th:
                if ta >= until:
                    break
                self._arrive()
            else:
                if th >= until:
                    break
                t, _, handler, obj = pop(heap)
                self.now = t
                handler(t, obj)
            n += 1
        self.events_processed += n
        self.now = until

    # ------------------------------------------------------------------ arrivals
    def _load_chunk(self) -> None:
        """The next month of families, as plain Python rows (cheap to read one at a time)."""
        for chunk in self._chunks:
            if len(chunk.time):
                break
        else:
            self._rows: list[tuple] = []
            self._row = 0
            self._next_arrival = INF
            return
        self._rows = list(
            zip(
                chunk.time.tolist(),
                chunk.municipality.tolist(),
                chunk.adults.tolist(),
                chunk.children.tolist(),
                chunk.u_entry.tolist(),
                chunk.u_source.tolist(),
                chunk.u_place.tolist(),
                chunk.safety.tolist(),
                chunk.need_start[:-1].tolist(),
                chunk.need_start[1:].tolist(),
                strict=True,
            )
        )
        self._need_rows = list(
            zip(
                chunk.need_domain.tolist(),
                chunk.need_severity.tolist(),
                map(tuple, chunk.luck.tolist()),
                strict=True,
            )
        )
        self._row = 0
        self._next_arrival = self._rows[0][0]

    def _arrive(self) -> None:
        t, mun, adults, children, u_entry, u_source, u_place, safety, first, last = self._rows[
            self._row
        ]
        need_rows = self._need_rows
        self._row += 1
        if self._row < len(self._rows):
            self._next_arrival = self._rows[self._row][0]
        else:
            self._load_chunk()
        self.now = t
        fam = Family(self._new_id("family"), mun, adults, children, t, u_entry, u_place)
        needs = [self.new_need(t, fam, *need_rows[j]) for j in range(first, last)]
        via_vt = safety and u_entry < self.fam_cfg.vt_entry_share
        self.signal(t, fam, needs, via_vt, self.stream.source_of(u_source, via_vt))

    def _new_id(self, what: str) -> int:
        i = self._ids[what]
        self._ids[what] = i + 1
        return i

    def next_case_id(self) -> int:
        return self._new_id("case")

    def new_need(self, t: float, fam: Family, domain: int, severity: int, luck) -> Need:
        self.need_states[WAITING] += 1
        return Need(self._new_id("need"), fam, domain, severity, t, -1, luck)

    def fresh_luck(self) -> tuple[float, ...]:
        u = self.rng.random(6)
        return (u[0], u[1], u[2], -math.log1p(-u[3]), u[4], -math.log1p(-u[5]))

    # ------------------------------------------------------------------ signals and queues
    def signal(
        self, t: float, fam: Family, needs: list[Need], via_vt: bool, source: int | None = None
    ) -> None:
        """Needs come to light: a report to Veilig Thuis or a family at the wijkteam."""
        episode = self._new_id("episode")
        log = self.log
        for n in needs:
            n.episode = episode
            log.record(
                t,
                Kind.NEED,
                fam.id,
                n.id,
                episode,
                -1,
                -1,
                -1,
                fam.municipality,
                n.domain,
                0.0,
                n.severity,
            )
            if n.domain == VT:
                fam.safety = True
            self.escalation.watch(t, n, n.e_incident)
        org = self.serving(VT if via_vt else WIJKTEAM, fam.municipality)
        open_here = fam.open_cases.get(org.oid)
        report = NOT_VT
        if via_vt:
            report = FOLLOW_UP if open_here else (REPEAT if fam.known_to_vt else FIRST)
            fam.known_to_vt = True
        if source is None:
            source = self.stream.source_of(float(self.rng.random()), via_vt)
        log.record(
            t,
            Kind.SIGNAL,
            fam.id,
            needs[0].id,
            episode,
            -1,
            org.oid,
            -1,
            fam.municipality,
            org.domain,
            0.0,
            source,
            report,
        )
        for existing in open_here or ():
            if existing.phase <= INTAKE:  # not triaged yet: the new needs join it
                existing.needs.extend(needs)
                return
        case = Case(self.next_case_id(), fam, org, needs, episode, "short" if open_here else "full")
        fam.open_cases.setdefault(org.oid, []).append(case)
        self.admit(t, case)

    def on_handover_arrives(self, t: float, case: Case) -> None:
        self.handovers.receive(t, case)

    def admit(self, t: float, case: Case) -> None:
        org = case.org
        case.phase = QUEUED
        case.queued_at = t
        fam = case.family
        self.log.record(
            t,
            Kind.QUEUED,
            fam.id,
            case.needs[0].id,
            case.episode,
            case.id,
            org.oid,
            -1,
            fam.municipality,
            org.domain,
            0.0,
            case.priority,
        )
        team = case.team
        p = team.take_free()
        if p is not None:
            self.assign(t, case, p)
        else:
            team.enqueue(case)

    # ------------------------------------------------------------------ intake, triage, care
    def assign(self, t: float, case: Case, prof) -> None:
        """First contact: a professional takes the case and starts the intake."""
        org = case.org
        fam = case.family
        case.professional = prof
        case.phase = INTAKE
        log = self.log
        first = case.needs[0]
        log.record(
            t,
            Kind.ASSIGNED,
            fam.id,
            first.id,
            case.episode,
            case.id,
            org.oid,
            prof.pid,
            fam.municipality,
            org.domain,
            t - case.queued_at,
        )
        self.handovers.learn(case, prof)
        if org.domain != VT:  # Veilig Thuis must see the family; others may be too late
            oldest = min(n.arose for n in case.needs)
            if first.u_dropout < dropout_probability(self.fam_cfg, t - oldest):
                for n in case.needs:
                    log.record(
                        t,
                        Kind.DROPOUT,
                        fam.id,
                        n.id,
                        n.episode,
                        case.id,
                        org.oid,
                        prof.pid,
                        fam.municipality,
                        n.domain,
                    )
                    self.close_need(t, n, DROPPED)
                self.on_close(t, case)
                return
        dom = self.dom[org.domain]
        hours = intake_hours(dom, case.intake_kind)
        admin = dom.registration_admin_hours if case.intake_kind != "none" else 0.0
        if hours > 0:
            log.record(
                t,
                Kind.INTAKE,
                fam.id,
                first.id,
                case.episode,
                case.id,
                org.oid,
                prof.pid,
                fam.municipality,
                org.domain,
                hours,
                int(case.intake_kind == "full"),
                int(case.info_lost),
            )
        if admin > 0:
            log.record(
                t,
                Kind.ADMIN,
                fam.id,
                first.id,
                case.episode,
                case.id,
                org.oid,
                prof.pid,
                fam.municipality,
                org.domain,
                admin,
                REGISTRATION,
            )
        days = (hours + admin) / dom.care_hours_per_week * 7.0
        if days > 0:
            self.schedule(t + days, self.on_intake_done, case)
        else:
            self.on_intake_done(t, case)

    def on_intake_done(self, t: float, case: Case) -> None:
        """Triage: keep what is within the mandate, hand over the rest."""
        ho = self.handovers
        org = case.org
        fam = case.family
        now: dict[int, tuple[Organisation, list[Need]]] = {}
        for need in case.needs:
            if need.state != WAITING:
                continue
            if ho.handled_here(org, need):
                if (
                    org.domain == WIJKTEAM
                    and need.severity == 1
                    and self.scenario.escalation.preventive_support
                ):
                    need.preventive = True
                case.own.append(need)
                continue
            target = ho.target(org, need, fam)
            if ho.leaves_now(org, need):
                now.setdefault(target.oid, (target, []))[1].append(need)
            else:
                case.later.append((need, target))
        if not case.own and case.later:  # nothing of its own to do first
            for need, target in case.later:
                now.setdefault(target.oid, (target, []))[1].append(need)
            case.later = []
        for target, needs in now.values():
            ho.send(t, case, needs, target)
        if case.own:
            self.start_care(t, case)
        else:
            self.finish(t, case)

    def start_care(self, t: float, case: Case) -> None:
        org = case.org
        fam = case.family
        dom = self.dom[org.domain]
        load = dom.care_hours_per_week
        prevent_weeks = self.scenario.escalation.preventive_hours / load
        weeks = max(
            prevent_weeks if n.preventive else care_weeks(dom, n.severity, n.u_care)
            for n in case.own
        )
        care_hours = load * weeks
        reporting = care_hours * dom.care_admin_share
        direct = care_hours - reporting
        others = [
            self.orgs[oid] for oid, cases in fam.open_cases.items() if cases and oid != org.oid
        ]
        coordination = 0.0
        if others:
            wf = self.workforce
            factor = (
                wf.coordination_border_factor
                if any(self.handovers.border(org, o) & BORDER_REGION for o in others)
                else 1.0
            )
            coordination = (
                wf.coordination_hours_per_org_week
                * len(others)
                * weeks
                * factor
                * self.protocol.coordination_factor
            )
        travel = 0.0
        if dom.visits_per_week > 0:
            travel = (
                dom.visits_per_week
                * weeks
                * 2
                * self.distance_km(fam.municipality, case.team.seat)
                / self.workforce.travel_speed_kmh
            )
        case.phase = CARE
        log = self.log
        pid = case.professional.pid
        days = int(round(weeks * 7))
        share = direct / len(case.own)
        for n in case.own:
            n.state = IN_CARE
            n.care_start = t
            self.need_states[WAITING] -= 1
            self.need_states[IN_CARE] += 1
            log.record(
                t,
                Kind.CARE_START,
                fam.id,
                n.id,
                n.episode,
                case.id,
                org.oid,
                pid,
                fam.municipality,
                org.domain,
                share,
                int(n.preventive),
                days,
            )
        first = case.own[0]
        if reporting > 0:
            log.record(
                t,
                Kind.ADMIN,
                fam.id,
                first.id,
                case.episode,
                case.id,
                org.oid,
                pid,
                fam.municipality,
                org.domain,
                reporting,
                REPORTING,
            )
        if coordination > 0:
            log.record(
                t,
                Kind.COORDINATION,
                fam.id,
                first.id,
                case.episode,
                case.id,
                org.oid,
                pid,
                fam.municipality,
                org.domain,
                coordination,
                len(others),
            )
        if travel > 0:
            log.record(
                t,
                Kind.TRAVEL,
                fam.id,
                first.id,
                case.episode,
                case.id,
                org.oid,
                pid,
                fam.municipality,
                org.domain,
                travel,
            )
        self.schedule(t + (weeks + (coordination + travel) / load) * 7.0, self.on_care_end, case)

    def on_care_end(self, t: float, case: Case) -> None:
        org = case.org
        fam = case.family
        dom = self.dom[org.domain]
        pid = case.professional.pid
        for n in case.own:
            p = success_probability(dom, self.fam_cfg, n.severity, n.care_start - n.arose)
            outcome = RESOLVED if n.u_success < p else UNRESOLVED
            self.log.record(
                t,
                Kind.CARE_END,
                fam.id,
                n.id,
                n.episode,
                case.id,
                org.oid,
                pid,
                fam.municipality,
                org.domain,
                0.0,
                int(outcome == RESOLVED),
            )
            self.close_need(t, n, outcome)
        grouped: dict[int, tuple[Organisation, list[Need]]] = {}
        for need, target in case.later + self.handovers.onward(t, case):
            if need.state == WAITING:
                grouped.setdefault(target.oid, (target, []))[1].append(need)
        for target, needs in grouped.values():
            self.handovers.send(t, case, needs, target)
        self.finish(t, case)

    def finish(self, t: float, case: Case) -> None:
        """The professional still owes the handovers' paperwork, then the case closes."""
        if case.extra_hours > 0:
            case.phase = WRAPUP
            self.schedule(
                t + case.extra_hours / self.dom[case.org.domain].care_hours_per_week * 7.0,
                self.on_close,
                case,
            )
        else:
            self.on_close(t, case)

    def on_close(self, t: float, case: Case) -> None:
        org = case.org
        fam = case.family
        prof = case.professional
        case.phase = CLOSED
        self.log.record(
            t,
            Kind.CLOSED,
            fam.id,
            case.needs[0].id,
            case.episode,
            case.id,
            org.oid,
            prof.pid,
            fam.municipality,
            org.domain,
        )
        cases = fam.open_cases.get(org.oid)
        if cases is not None:
            cases.remove(case)
            if not cases:
                del fam.open_cases[org.oid]
        team = case.team
        team.release(prof)
        nxt = team.next_case()
        if nxt is not None:
            self.assign(t, nxt, team.take_free())

    def close_need(self, t: float, need: Need, outcome: int) -> None:
        state = need.state
        need.state = DONE
        need.outcome = outcome
        self.need_states[state] -= 1
        self.need_states[DONE] += 1
        self.escalation.on_need_closed(t, need)

    # ------------------------------------------------------------------ tables for output
    def organisation_table(self):
        import pandas as pd

        rows = []
        for o in self.orgs:
            load = self.dom[o.domain].care_hours_per_week
            rows.append(
                {
                    "org": o.oid,
                    "name": o.name,
                    "domain": DOMAINS[o.domain],
                    "region": o.code,
                    "seat": self.geography.codes[o.seat],
                    "province": self.geography.province_names[o.province],
                    "municipalities": len(o.catchment),
                    "population": int(self.geography.population[o.catchment].sum()),
                    "fte": o.fte,
                    "professionals": len(o.professionals),
                    "case_slots": o.capacity,
                    "care_hours_per_week": load,
                }
            )
        return pd.DataFrame(rows)

    def professional_table(self):
        import pandas as pd

        return pd.DataFrame(
            [
                {
                    "professional": p.pid,
                    "org": p.org.oid,
                    "weekly_hours": p.weekly_hours,
                    "slots": p.slots,
                    "care_hours_per_week": self.dom[p.org.domain].care_hours_per_week,
                    "boundary_spanner": p.boundary_spanner,
                }
                for o in self.orgs
                for p in o.professionals
            ]
        )

    def run_info(self):
        """What metrics need besides the log."""
        from .metrics import RunInfo

        return RunInfo(
            measure_from=self.measure_from,
            end_day=self.end_day,
            org_domain=np.array([o.domain for o in self.orgs], dtype=np.int64),
            org_region=np.array([o.code for o in self.orgs], dtype=object),
            hourly_cost_eur=np.array([d.hourly_cost_eur for d in self.dom]),
            day_cost_eur=np.array([d.day_cost_eur for d in self.dom]),
            fte_total=float(sum(o.fte for o in self.orgs)),
        )
