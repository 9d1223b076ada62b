"""The event clock, and the model that wires geography, organisations, families,
handovers, care and escalation together.

Time is event-driven: the work done per simulated day is proportional to what happens
that day. Families come from a pre-drawn, time-sorted stream (no heap cost); everything
else (a handover arriving, an intake or care ending, an incident, a recurrence) is one
entry in a calendar queue (a binary heap for today, a list per later day). Mesa's own event list handled ~34 thousand events/s on these
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

from model.agents.families import (
    DONE,
    DROPPED,
    IN_CARE,
    RESOLVED,
    UNRESOLVED,
    WAITING,
    Family,
    FamilyStream,
    Need,
    draw_luck,
)  # fmt: skip
from model.agents.organisations import (
    CARE,
    CLOSED,
    INTAKE,
    QUEUED,
    WRAPUP,
    Case,
    Organisation,
    build_organisations,
)
from model.processes.care import success_probability
from model.processes.escalation import Escalation
from model.processes.handover import Handovers
from model.processes.reorganisation import Reorganiser
from model.records.events import (
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
from model.scenario import Scenario
from model.vocabulary import DOMAINS, SHELTER, VT, WIJKTEAM
from model.world.build import build_geography
from model.world.geography import Geography, nearest_other_region
from model.world.schemes import catchments

INF = math.inf


@contextmanager
def paused_gc():
    """Pause the cyclic garbage collector; on resuming, first move everything allocated
    meanwhile to the oldest generation (freeze + unfreeze, O(1)), or the next young
    collection would scan millions of objects at once (1.2 s at national scale)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.freeze()
            gc.unfreeze()
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
        self.rewire()
        self._next_pid = 0
        self.staff(self.orgs, self.rng)

        self._vt_known_before = self.fam_cfg.vt_known_before_share
        self._dropout_max = self.fam_cfg.dropout_max_share
        self._decay = self.fam_cfg.motivation_decay_days
        self._preventive = scenario.escalation.preventive_support
        self._coord_per_org_week = self.workforce.coordination_hours_per_org_week
        self._coord_border = self.workforce.coordination_border_factor
        self.handovers = Handovers(self)
        self.escalation = Escalation(self)
        self.stream = FamilyStream(scenario, self.geography.population, family_rng, self.end_day)
        self._chunks = iter(self.stream)
        self._load_chunk()

        self._heap: list[tuple[float, int, Callable[[float, Any], None], Any]] = []
        self._days: dict[int, list[tuple[float, int, Callable[[float, Any], None], Any]]] = {}
        self._horizon = 0  # the heap holds every event before this day
        self._seq = 0
        self._ids = {"family": 0, "need": 0, "episode": 0, "case": 0}
        self.need_states = [0, 0, 0]  # waiting, in care, done: checked against the log in tests
        self.events_processed = 0

        self.reorganiser = Reorganiser(self) if scenario.reorganisation else None

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
    def staff(self, orgs: list[Organisation], rng: np.random.Generator) -> None:
        """Teams and professionals for new organisations; boundary spanners drawn from rng."""
        wf = self.workforce
        geo = self.geography
        pid = self._next_pid
        for org in orgs:
            dom = self.dom[org.domain]
            pop = float(geo.population[org.catchment].sum())
            fte = max(dom.fte_per_100k * pop / 1e5, wf.min_fte_per_organisation)
            org.set_work(dom, self.scenario.escalation.preventive_hours)
            org.form_teams(fte, dom.team_fte, geo.population, geo.xy_km)
            for team in org.teams:
                n = max(1, round(team.fte))
                spanner = rng.random(n) < self.protocol.boundary_spanner_share
                pid = team.staff(wf.weekly_hours_per_fte, dom.care_hours_per_week, spanner, pid)
        self._next_pid = pid

    def rewire(self) -> None:
        """Who serves each municipality, from self.regions and self.orgs_by_domain (again after
        a reorganisation)."""
        self._serving = [
            [orgs[r] for r in self.regions[d].member]
            for d, orgs in zip(DOMAINS, self.orgs_by_domain, strict=True)
        ]
        self._shelter_elsewhere = self._nearest_other_shelter()

    def _nearest_other_shelter(self) -> list[Organisation]:
        """For safety, a shelter outside one's own region: the nearest other one."""
        orgs = self.orgs_by_domain[SHELTER]
        return [orgs[r] for r in nearest_other_region(self.geography, self.regions["shelter"])]

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
        """Call handler(t, obj) at time t (ties in the order scheduled).

        A calendar queue: events before the end of the current day go into a small heap,
        later ones into a list per day, heapified when that day comes. The order is the same
        as one big heap's, but a pop costs log(events today) rather than log(everything
        scheduled, months ahead): at national scale that heap held ~400 thousand entries.
        """
        if t < self.end_day:
            self._seq += 1
            if t < self._horizon:
                heapq.heappush(self._heap, (t, self._seq, handler, obj))
            else:
                day = int(t)
                bucket = self._days.get(day)
                if bucket is None:
                    self._days[day] = [(t, self._seq, handler, obj)]
                else:
                    bucket.append((t, self._seq, handler, obj))

    def take_pending(self, objs: set[int]) -> list[tuple[float, Callable[[float, Any], None], Any]]:
        """Remove and return, in time order, the scheduled events about the given objects
        (by id()): a reorganisation reschedules what happens to the cases it moves."""
        taken = []

        def keep(entries: list) -> list:
            out = []
            for e in entries:
                (taken if id(e[3]) in objs else out).append(e)
            return out

        self._heap[:] = keep(self._heap)
        heapq.heapify(self._heap)
        for day, bucket in self._days.items():
            self._days[day] = keep(bucket)
        taken.sort(key=lambda e: (e[0], e[1]))
        return [(t, handler, obj) for t, _, handler, obj in taken]

    def pending(self) -> list[tuple[float, Callable[[float, Any], None], Any]]:
        """Every scheduled event (time, handler, object), unordered; for a reorganisation."""
        entries = list(self._heap)
        for bucket in self._days.values():
            entries.extend(bucket)
        return [(t, handler, obj) for t, _, handler, obj in entries]

    def step(self) -> None:
        """One simulated day."""
        self.day += 1
        self.run_until(float(self.day))
        if self.day % 7 == 0:
            self.datacollector.collect(self)

    def run(self) -> SocialDomainModel:
        # Free the models earlier runs in this process left behind: the paused collector
        # moves what a run allocates to the oldest generation, so a finished model (cyclic:
        # agents point at their model) waits for a full collection that rarely comes, and
        # a sweep's worker grew by ~200 MB a run on the default country.
        gc.collect()
        with paused_gc():
            while self.day < self.end_day:
                self.step()
            self.run_until(self.end_day)
        # A finished model makes no more agents. Mesa 3.3 numbers agents per model in a
        # class-level dict (`Agent._ids`) that would keep every model alive, so a process that
        # runs many (a sweep's worker) would grow by a whole model per run.
        mesa.Agent._ids.pop(self, None)
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
        heap = self._heap  # events before self._horizon; later ones wait in self._days
        days = self._days
        pop = heapq.heappop
        n = 0
        while True:
            if not heap and self._next_arrival >= self._horizon:
                if self._horizon >= until:
                    break
                bucket = days.pop(self._horizon, None)
                self._horizon += 1
                if bucket:
                    heap.extend(bucket)
                    heapq.heapify(heap)
                continue
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
            if not n & 4095:
                self.log.maybe_flush()
        self.log.maybe_flush()
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
                chunk.u_known.tolist(),
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
        t, mun, adults, children, u_entry, u_source, u_place, u_known, safety, first, last = (
            self._rows[self._row]
        )
        need_rows = self._need_rows
        self._row += 1
        if self._row < len(self._rows):
            self._next_arrival = self._rows[self._row][0]
        else:
            self._load_chunk()
        self.now = t
        fam = Family(self._new_id("family"), mun, adults, children, t, u_entry, u_place)
        fam.known_to_vt = u_known < self._vt_known_before
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
        need = Need(self._new_id("need"), fam, domain, severity, t, -1, luck)
        fam.needs.append(need)
        return need

    def fresh_luck(self, rng: np.random.Generator | None = None) -> tuple[float, ...]:
        """Luck for a need that arises during the run (a recurrence, a new report)."""
        return tuple(draw_luck(self.rng if rng is None else rng, 1)[0].tolist())

    def add_scripted_family(
        self,
        municipality: int,
        adults: int,
        children: int,
        u_place: float,
        signals: list[tuple[float, bool, int, list[tuple[int, int, tuple[float, ...]]]]],
    ) -> Family:
        """A scripted family (a case study, `sdsim journey`) joins this run.

        Each signal is (time, via Veilig Thuis, source code, [(domain, severity, luck)]).
        The caller draws the luck from a generator of its own, so the family stream, and with
        it every other family and its luck, is the same as without it; what then happens to
        the family draws from `model.rng`, like everything else in the world around it.
        """
        first = min(s[0] for s in signals)
        fam = Family(self._new_id("family"), municipality, adults, children, first, 1.0, u_place)
        for t, via_vt, source, needs in signals:
            self.schedule(t, self._scripted_signal, (fam, via_vt, source, needs))
        return fam

    def _scripted_signal(self, t: float, payload) -> None:
        fam, via_vt, source, needs = payload
        found = [self.new_need(t, fam, domain, severity, luck) for domain, severity, luck in needs]
        self.signal(t, fam, found, via_vt, source)

    # ------------------------------------------------------------------ signals and queues
    def signal(
        self, t: float, fam: Family, needs: list[Need], via_vt: bool, source: int | None = None
    ) -> None:
        """Needs come to light: a report to Veilig Thuis or a family at the wijkteam."""
        episode = self._new_id("episode")
        log = self.log
        for n in needs:
            n.episode = episode
            log.need_record(t, Kind.NEED, n, detail=n.severity)
            if n.domain == VT:
                fam.safety = True
        self.escalation.watch(t, fam, needs[0].e_incident)
        org = self._serving[VT if via_vt else WIJKTEAM][fam.municipality]
        open_here = fam.open_cases.get(org.oid)
        report = NOT_VT
        if via_vt:
            report = FOLLOW_UP if open_here else (REPEAT if fam.known_to_vt else FIRST)
            fam.known_to_vt = True
        if source is None:
            source = self.stream.source_of(float(self.rng.random()), via_vt)
        log.record(t, Kind.SIGNAL, fam.id, needs[0].id, episode, -1, org.oid, -1, fam.municipality,
                   org.domain, 0.0, source, report)  # fmt: skip
        for existing in open_here or ():
            if existing.phase <= INTAKE:  # not triaged yet: the new needs join it
                existing.needs.extend(needs)
                return
        case = Case(self.next_case_id(), fam, org, needs, episode, "short" if open_here else "full")
        fam.open_cases.setdefault(org.oid, []).append(case)
        self.admit(t, case)

    def report_follow_up(self, t: float, fam: Family, vt: Organisation) -> None:
        """A new report about a family whose Veilig Thuis case is open: it adds to that case."""
        source = self.stream.source_of(float(self.rng.random()), True)
        self.log.record(t, Kind.SIGNAL, fam.id, -1, self._new_id("episode"), -1, vt.oid, -1,
                        fam.municipality, vt.domain, 0.0, source, FOLLOW_UP)  # fmt: skip

    def on_handover_arrives(self, t: float, case: Case) -> None:
        self.handovers.receive(t, case)

    def admit(self, t: float, case: Case) -> None:
        case.phase = QUEUED
        case.queued_at = t
        self.log.case_record(t, Kind.QUEUED, case, case.needs[0].id, detail=case.priority)
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
        case.professional = prof
        case.phase = INTAKE
        log = self.log
        first = case.needs[0]
        log.case_record(t, Kind.ASSIGNED, case, first.id, t - case.queued_at)
        if case.sender is not None:
            self.handovers.learn(case, prof)
        if org.domain != VT and self._dropout_max > 0 and case.resume_days < 0:  # VT must see them
            oldest = min(n.arose for n in case.needs)
            if first.u_dropout < self._dropout_max * (1 - math.exp((oldest - t) / self._decay)):
                for n in case.needs:
                    log.case_record(t, Kind.DROPOUT, case, n.id)
                    self.close_need(t, n, DROPPED)
                self.on_close(t, case)
                return
        hours, admin = org.intake_work[case.intake_kind]
        if hours > 0:
            log.case_record(t, Kind.INTAKE, case, first.id, hours, case.intake_kind == "full",
                            case.info_lost)  # fmt: skip
        if admin > 0:
            log.case_record(t, Kind.ADMIN, case, first.id, admin, REGISTRATION)
        if hours + admin > 0:
            self.schedule(t + (hours + admin) * org.days_per_hour, self.on_intake_done, case)
        else:
            self.on_intake_done(t, case)

    def on_intake_done(self, t: float, case: Case) -> None:
        """Triage: keep what is within the mandate, hand over the rest."""
        if case.resume_days >= 0:  # care a reorganisation interrupted: no triage, it resumes
            self.reorganiser.resume_care(t, case)
            return
        ho = self.handovers
        org = case.org
        fam = case.family
        preventive = self._preventive and org.domain == WIJKTEAM
        now: dict[int, tuple[Organisation, list[Need]]] = {}
        for need in case.needs:
            if need.state != WAITING:
                continue
            if ho.handled_here(org, need):
                if preventive and need.severity == 1:
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
        load = org.load
        length = org.care_length
        weeks = max(org.preventive_weeks if n.preventive else length.weeks(n.severity, n.u_care, n.z_care)
                    for n in case.own)  # fmt: skip
        care_hours = load * weeks
        reporting = care_hours * org.cfg.care_admin_share
        others = [oid for oid, cases in fam.open_cases.items() if cases and oid != org.oid]
        coordination = 0.0
        if others:
            border = self.handovers.border
            orgs = self.orgs
            crossing = any(border(org, orgs[o]) & BORDER_REGION for o in others)
            coordination = (self._coord_per_org_week * len(others) * weeks * self.protocol.coordination_factor
                            * (self._coord_border if crossing else 1.0))  # fmt: skip
        travel = weeks * self._travel_per_week(case.team, fam.municipality, org.cfg.visits_per_week)
        case.phase = CARE
        log = self.log
        days = int(round(weeks * 7))
        share = (care_hours - reporting) / len(case.own)
        states = self.need_states
        for n in case.own:
            n.state = IN_CARE
            n.care_start = t
            states[WAITING] -= 1
            states[IN_CARE] += 1
            log.case_record(t, Kind.CARE_START, case, n.id, share, int(n.preventive), days)
        first = case.own[0].id
        if reporting > 0:
            log.case_record(t, Kind.ADMIN, case, first, reporting, REPORTING)
        if coordination > 0:
            log.case_record(t, Kind.COORDINATION, case, first, coordination, len(others))
        if travel > 0:
            log.case_record(t, Kind.TRAVEL, case, first, travel)
        stay_days = weeks * 7.0 + (coordination + travel) * org.days_per_hour
        self.schedule(t + stay_days, self.on_care_end, case)

    def _travel_per_week(self, team, municipality: int, visits_per_week: float) -> float:
        """Travel hours per care week for a home in `municipality`, cached per team."""
        hours = team.travel_per_week.get(municipality)
        if hours is None:
            km = self.distance_km(municipality, team.seat)
            hours = visits_per_week * 2 * km / self.workforce.travel_speed_kmh
            team.travel_per_week[municipality] = hours
        return hours

    def on_care_end(self, t: float, case: Case) -> None:
        org = case.org
        dom = org.cfg
        fam_cfg = self.fam_cfg
        for n in case.own:
            p = success_probability(dom, fam_cfg, n.severity, n.care_start - n.arose)
            outcome = RESOLVED if n.u_success < p else UNRESOLVED
            self.log.case_record(t, Kind.CARE_END, case, n.id, 0.0, int(outcome == RESOLVED))
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
            self.schedule(t + case.extra_hours * case.org.days_per_hour, self.on_close, case)
        else:
            self.on_close(t, case)

    def on_close(self, t: float, case: Case) -> None:
        org = case.org
        prof = case.professional
        case.phase = CLOSED
        self.log.case_record(t, Kind.CLOSED, case, case.needs[0].id)
        open_cases = case.family.open_cases
        cases = open_cases.get(org.oid)
        if cases is not None:
            cases.remove(case)
            if not cases:
                del open_cases[org.oid]
        team = case.team
        team.release(prof)
        nxt = team.next_case()
        if nxt is not None:
            self.assign(t, nxt, team.take_free())
        if not org.active:  # a dissolved organisation finished a case: its successor's slot frees
            self.reorganiser.wound_down(t, case)

    def close_need(self, t: float, need: Need, outcome: int) -> None:
        state = need.state
        need.family.needs.remove(need)
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
                    "active": o.active,
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
        from model.records.metrics import RunInfo

        return RunInfo(
            measure_from=self.measure_from,
            end_day=self.end_day,
            org_domain=np.array([o.domain for o in self.orgs], dtype=np.int64),
            org_region=np.array([o.code for o in self.orgs], dtype=object),
            hourly_cost_eur=np.array([d.hourly_cost_eur for d in self.dom]),
            day_cost_eur=np.array([d.day_cost_eur for d in self.dom]),
            fte_total=float(sum(o.fte for o in self.orgs if o.active)),
        )
