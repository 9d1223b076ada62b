"""The model: the world (geography, organisations, families) and the processes (signals,
care, handover, escalation, reorganisation) wired to one event calendar.

Time is event-driven: the work done per simulated day is proportional to what happens
that day. Families come from a pre-drawn, time-sorted stream (no calendar cost); everything
else (a handover arriving, an intake or care ending, an incident, a recurrence) is one
entry in the calendar (`calendar.py`). `step()` advances one day, so the model also runs
under Mesa's usual step loop and SolaraViz.

Orchestration is here; behaviour is in the processes (`model/processes/`), which reach
the model only through the interface in `processes/interface.py`.

Random numbers: `model.rng` (seeded by the run's seed) spawns the family stream's own
generator and serves every draw the processes make, so the families are the same under
every scheme and protocol of one seed. The country itself is a setting (the real map, or
a synthetic one drawn from `synthetic.seed`), the same for every run of a scenario.
"""

from __future__ import annotations

import gc
import math
from collections.abc import Callable
from contextlib import contextmanager
from typing import Any

import mesa
import numpy as np

from model.agents.families import Family, FamilyStream, Need, draw_one_luck
from model.agents.organisations import (
    Organisation,
    allot,
    build_organisations,
)
from model.engine.calendar import INF, Calendar  # INF: never (no event, no arrival)
from model.processes.care import Care
from model.processes.escalation import Escalation
from model.processes.handover import Handovers
from model.processes.reorganisation import Reorganiser
from model.processes.signals import Signals
from model.records.events import EventLog, Kind, StaffRole
from model.scenario import Scenario
from model.vocabulary import DOMAINS, SHELTER, WIJKTEAM, NeedState, merged_domains
from model.world.build import build_geography
from model.world.geography import Geography, nearest_other_region
from model.world.schemes import catchments, governance_bodies, rule_books

MONTH_DAYS = 365.0 / 12


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


def _process(model, cal: Calendar, until: float) -> int:
    """The engine's loop over a SocialDomainModel: every event before `until`, the next
    family's arrival or the calendar's next event, whichever comes first (an arrival on a
    tie); returns how many. A function of its own so that the compiled build can type its
    counters and times (simulation.pxd)."""
    n = 0
    inf = INF
    while True:
        th = cal.first()  # inf: nothing before cal.horizon; later events wait in cal.days
        ta = model._next_arrival
        if th == inf and ta >= cal.horizon:
            if cal.horizon >= until:
                break
            cal.open_next_day()
            continue
        if ta <= th:
            if ta >= until:
                break
            model._arrive()
        else:
            if th >= until:
                break
            t, _, handler, obj = cal.pop()
            model.now = t
            handler(t, obj)
        n += 1
        if not n & 4095:
            model.log.maybe_flush()
    model.log.maybe_flush()
    return n


class SocialDomainModel(mesa.Model):
    """Families, organisations and handovers under one scheme and one protocol."""

    def __init__(self, scenario: Scenario, seed: int | None = None) -> None:
        super().__init__(rng=scenario.seed if seed is None else seed)
        self.scenario = scenario
        self.seed_used = scenario.seed if seed is None else seed
        self.dom = [scenario.domains[d] for d in DOMAINS]
        self.fam_cfg = scenario.families
        self.protocol = scenario.active_protocol
        self.scheme_now = scenario.scheme  # a reorganisation may change both
        self.scheme_options = scenario.schemes
        self.workforce = scenario.workforce
        self.measure_from = scenario.warmup_days
        self.end_day = scenario.warmup_days + scenario.horizon_days
        self.now = 0.0
        self.log = EventLog()

        # The country, then the organisations the scheme puts on it.
        self.geography: Geography = build_geography(scenario)
        family_rng = self.rng.spawn(1)[0]
        # Integrated columns: the wijkteam is the one social team, and the other columns'
        # teams are merged into it (no organisations of their own).
        self.columns = scenario.columns
        self.merged_domains = merged_domains(self.columns)
        self.regions = catchments(
            self.geography, scenario.scheme, scenario.schemes, scenario.columns
        )
        self.orgs_by_domain = build_organisations(
            self, self.geography, self.regions, self.merged_domains
        )
        self.orgs: list[Organisation] = [o for orgs in self.orgs_by_domain for o in orgs]
        self.specialists = self._build_specialists()
        self.orgs.extend(o for o in self.specialists if o is not None)
        self.rewire()
        self._next_pid = 0
        self.staff(self.orgs, self.rng)

        self._vt_known_before = self.fam_cfg.vt_known_before_share
        self.calendar = Calendar(self.end_day)
        self.schedule = self.calendar.schedule
        self.signals = Signals(self)
        self.care = Care(self)
        self.handovers = Handovers(self)
        self.escalation = Escalation(self)
        self.stream = FamilyStream(scenario, self.geography.population, family_rng, self.end_day)
        self._chunks = iter(self.stream)
        self._load_chunk()

        self._ids = {"family": 0, "need": 0, "episode": 0, "case": 0}
        self.need_states = [0] * len(NeedState)  # by NeedState: checked against the log in tests
        self.events_processed = 0

        self.reorganiser = Reorganiser(self) if scenario.reorganisation else None
        if self.governance_per_month_possible():
            self.schedule(0.0, self._governance_month, 0)

        self.day = 0

    # ------------------------------------------------------------------ set-up
    def staff(self, orgs: list[Organisation], rng: np.random.Generator) -> None:
        """Teams and professionals for new organisations; boundary spanners drawn from rng.

        FTE follow the population an organisation serves: for shelter the women it
        receives from elsewhere too (`placement_outside_region_share`), not its own; an
        organisation below a domain's minimum scale gives the specialised share of its work
        to the supra-regional provider. Case slots are rounded once per domain (`allot`),
        so equal FTE gives equal capacity under every scheme."""
        wf = self.workforce
        geo = self.geography
        demand = self._demand_population(orgs)
        for org in orgs:
            dom = self.dom[org.domain]
            per_100k = dom.fte_per_100k
            if org.domain == WIJKTEAM and not org.specialist:  # the social team: pooled staff
                org.column_cfgs = {d: self.dom[d] for d in self.merged_domains}
                per_100k += sum(self.dom[d].fte_per_100k for d in self.merged_domains)
            fte = max(per_100k * wf.staffing_factor * demand[org.oid] / 1e5,
                      wf.min_fte_per_organisation)  # fmt: skip
            org.set_work(dom, self.scenario.escalation.preventive_hours)
            org.form_teams(fte, dom.team_fte, geo.population, geo.xy_km)
            org.overhead_fte = wf.overhead_fte_per_organisation + wf.overhead_share * fte
        slots: dict[int, int] = {}
        for d in range(len(DOMAINS)):
            mine = [o for o in orgs if o.domain == d]
            if mine:
                quotas = [o.fte * wf.weekly_hours_per_fte / o.load for o in mine]
                slots.update(
                    zip((o.oid for o in mine), allot(np.array(quotas)).tolist(), strict=True)
                )
        pooling = self.scheme_options.rules(self.scheme_now).pooling
        pid = self._next_pid
        t = self.now
        for org in orgs:
            per_team = allot(np.array([tm.fte for tm in org.teams]) / org.fte * slots[org.oid],
                             slots[org.oid]) if org.fte > 0 else [1] * len(org.teams)  # fmt: skip
            for team, n_slots in zip(org.teams, per_team, strict=True):
                n = max(1, round(team.fte))
                spanner = rng.random(n) < self.protocol.boundary_spanner_share
                pid = team.staff(wf.weekly_hours_per_fte, int(n_slots), spanner, pid)
            org.link_teams(pooling, wf.overflow_max_km, geo.xy_km)
            self._log_staffing(t, org, 1.0)
        self._next_pid = pid

    def unstaff(self, t: float, org: Organisation) -> None:
        """A dissolved organisation's pay stops (its professionals move to the successors,
        which were staffed for the work by the usual rule)."""
        self._log_staffing(t, org, -1.0)

    def _log_staffing(self, t: float, org: Organisation, sign: float) -> None:
        """Paid FTE start (+1) or stop (-1): one `staffing` record per role."""
        for role, fte in ((StaffRole.CASEWORK, org.fte), (StaffRole.OVERHEAD, org.overhead_fte)):
            self.log.record(t, Kind.STAFFING, org=org.oid, domain=org.domain, value=sign * fte,
                            detail=role, aux=org.rule_books)  # fmt: skip

    def _demand_population(self, orgs: list[Organisation]) -> dict[int, float]:
        """The inhabitants whose needs each organisation is staffed for."""
        geo = self.geography
        pop = geo.population.astype(float)
        share = self.dom[SHELTER].placement_outside_region_share
        elsewhere = nearest_other_region(geo, self.regions["shelter"])
        inflow = np.bincount(elsewhere, weights=pop * share, minlength=len(self.regions["shelter"]))
        out = {}
        for org in orgs:
            own = float(pop[org.catchment].sum())
            if org.domain == SHELTER and not org.specialist:
                own = own * (1 - share) + float(inflow[org.region])
            if org.specialist:
                out[org.oid] = own * self._specialised_work_share(org.domain)
            elif self._buys_specialised(org):
                out[org.oid] = own * (1 - self._specialised_work_share(org.domain))
            else:
                out[org.oid] = own
        return out

    def _specialised_work_share(self, d: int) -> float:
        """The share of a domain's needs that are specialised: of the moderate and severe."""
        dom = self.dom[d]
        return dom.specialised_share * (1 - dom.severity_shares[0])

    def _buys_specialised(self, org: Organisation) -> bool:
        return (
            not org.specialist
            and self.specialists[org.domain] is not None
            and float(self.geography.population[org.catchment].sum())
            < self.dom[org.domain].specialised_min_population
        )

    def _build_specialists(self) -> list[Organisation | None]:
        """Per domain, the supra-regional provider that organisations below the minimum
        scale buy specialised care from; None where every organisation is big enough (or
        the domain has no specialised share). Its catchment: the small organisations'
        municipalities; its seat: the largest of them."""
        geo = self.geography
        out: list[Organisation | None] = []
        oid = len(self.orgs)
        for d, orgs in enumerate(self.orgs_by_domain):
            dom = self.dom[d]
            small = [o for o in orgs
                     if float(geo.population[o.catchment].sum()) < dom.specialised_min_population]  # fmt: skip
            if dom.specialised_share <= 0 or not small:
                out.append(None)
                continue
            catchment = np.sort(np.concatenate([o.catchment for o in small]))
            seat = int(catchment[np.argmax(geo.population[catchment])])
            org = Organisation(self, oid, d, len(self.regions[DOMAINS[d]]), "SUPRA",
                               f"{DOMAINS[d]} supra-regional", catchment, seat,
                               int(geo.province[seat]))  # fmt: skip
            org.specialist = True
            out.append(org)
            oid += 1
        return out

    def rewire(self) -> None:
        """Who serves each municipality, whose rule books apply, and who buys specialised
        care, from self.regions and self.orgs_by_domain (again after a reorganisation)."""
        self._serving = [
            [orgs[r] for r in self.regions[d].member] if orgs else []
            for d, orgs in zip(DOMAINS, self.orgs_by_domain, strict=True)
        ]
        for d in self.merged_domains:  # the social team serves the merged columns
            self._serving[d] = self._serving[WIJKTEAM]
        self._shelter_elsewhere = self._nearest_other_shelter()
        self.rule_book = rule_books(
            self.regions, self.scheme_options.rules(self.scheme_now), self.columns
        )
        growth = self.workforce.rule_book_admin_growth
        for org in self.orgs:
            org.rule_books = len(np.unique(self.rule_book[org.domain][org.catchment]))
            org.admin_factor = 1.0 + growth * math.log(org.rule_books)
            org.buys_specialised = self._buys_specialised(org)
            if org.teams:  # a reorganisation may change how teams share work
                org.link_teams(self.scheme_options.rules(self.scheme_now).pooling,
                               self.workforce.overflow_max_km, self.geography.xy_km)  # fmt: skip
            if org.cfg is not None:
                org.set_work(org.cfg, self.scenario.escalation.preventive_hours)
        self.bodies = governance_bodies(self.regions)

    def specialist(self, domain: int) -> Organisation | None:
        return self.specialists[domain]

    def book_of(self, org: Organisation, municipality: int) -> int:
        """The rule book an organisation works under for a family from a municipality: the
        family's, or for a family from outside its catchment, that of its seat."""
        if municipality not in org.catchment_set:
            municipality = org.seat
        return int(self.rule_book[org.domain][municipality])

    # ------------------------------------------------------------------ governance
    def governance_per_month_possible(self) -> bool:
        g = self.scenario.governance
        return g.hours_per_body_year > 0 or g.hours_per_member_year > 0

    def _governance_month(self, t: float, month: int) -> None:
        """A month of every regional body's meetings, booked as hours (the bodies of the
        scheme in force: a reorganisation changes them)."""
        g = self.scenario.governance
        for i, body in enumerate(self.bodies):
            hours = (g.hours_per_body_year + g.hours_per_member_year * len(body.members)) / 12
            self.log.record(t, Kind.GOVERNANCE, value=hours, detail=len(body.members), aux=i)
        nxt = (month + 1) * MONTH_DAYS
        if nxt < self.end_day:
            self.schedule(nxt, self._governance_month, month + 1)

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
    def take_pending(self, objs: set[int]) -> list[tuple[float, Callable[[float, Any], None], Any]]:
        """Remove and return, in time order, the scheduled events about the given objects."""
        return self.calendar.take(objs)

    def pending(self) -> list[tuple[float, Callable[[float, Any], None], Any]]:
        """Every scheduled event (time, handler, object), unordered; for a reorganisation."""
        return self.calendar.pending()

    def step(self) -> None:
        """One simulated day."""
        self.day += 1
        self.run_until(float(self.day))

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
        self.events_processed += _process(self, self.calendar, until)
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
                chunk.entry_uniform.tolist(),
                chunk.source_quantile.tolist(),
                chunk.placement_uniform.tolist(),
                chunk.known_to_vt_uniform.tolist(),
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
        (t, mun, adults, children, entry_uniform, source_quantile, placement_uniform,
         known_to_vt_uniform, safety, first, last) = self._rows[self._row]  # fmt: skip
        need_rows = self._need_rows
        self._row += 1
        if self._row < len(self._rows):
            self._next_arrival = self._rows[self._row][0]
        else:
            self._load_chunk()
        self.now = t
        fam = Family(self.new_id("family"), mun, adults, children, placement_uniform)
        fam.known_to_vt = known_to_vt_uniform < self._vt_known_before
        needs = [self.new_need(t, fam, *need_rows[j]) for j in range(first, last)]
        via_vt = safety and entry_uniform < self.fam_cfg.vt_entry_share
        self.signals.signal(t, fam, needs, via_vt, self.stream.source_of(source_quantile, via_vt))

    def new_id(self, what: str) -> int:
        """The next id of a family, need, episode or case: numbered in order of creation."""
        i = self._ids[what]
        self._ids[what] = i + 1
        return i

    def new_need(self, t: float, fam: Family, domain: int, severity: int, luck) -> Need:
        self.need_states[NeedState.WAITING] += 1
        need = Need(self.new_id("need"), fam, domain, severity, t, -1, luck)
        fam.needs.append(need)
        return need

    def fresh_luck(self, rng: np.random.Generator | None = None) -> tuple[float, ...]:
        """Luck for a need that arises during the run (a recurrence, a new report), as a plain
        tuple in the order of `Luck`."""
        return draw_one_luck(self.rng if rng is None else rng)

    def add_scripted_family(
        self,
        municipality: int,
        adults: int,
        children: int,
        placement_uniform: float,
        signals: list[tuple[float, bool, int, list[tuple[int, int, tuple[float, ...]]]]],
    ) -> Family:
        """A scripted family (a case study, `sdsim journey`) joins this run.

        Each signal is (time, via Veilig Thuis, source code, [(domain, severity, luck)]).
        The caller draws the luck from a generator of its own, so the family stream, and with
        it every other family and its luck, is the same as without it; what then happens to
        the family draws from `model.rng`, like everything else in the world around it.
        """
        fam = Family(self.new_id("family"), municipality, adults, children, placement_uniform)
        for t, via_vt, source, needs in signals:
            self.schedule(t, self._scripted_signal, (fam, via_vt, source, needs))
        return fam

    def _scripted_signal(self, t: float, payload) -> None:
        fam, via_vt, source, needs = payload
        found = [self.new_need(t, fam, domain, severity, luck) for domain, severity, luck in needs]
        self.signals.signal(t, fam, found, via_vt, source)

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
                    "teams": len(o.teams),
                    "overhead_fte": o.overhead_fte,
                    "rule_books": o.rule_books,
                    "specialist": o.specialist,
                    "buys_specialised": o.buys_specialised,
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
            weekly_hours_per_fte=self.workforce.weekly_hours_per_fte,
            governance_hourly_cost_eur=self.scenario.governance.hourly_cost_eur,
        )
