"""Organisations, their professionals and queues, and the cases they hold.

An organisation serves one domain for one catchment (a set of municipalities). Its
capacity is its professionals' weekly hours: a case reserves `care_hours_per_week` of
one professional for as long as it stays, and everything done for the family (intake,
forms, care, meetings, travel) is done inside that reservation. Overheads therefore
lengthen stays and lengthen everyone's wait, which is how forms and meetings cost care.

Capacity is the organisation's case slots: its FTE times weekly hours over the hours a
case reserves, rounded once for the whole domain (largest remainders, `allot`), so equal
FTE gives equal capacity under every scheme; each team and professional gets its share of
them, and every organisation and team at least one.

How teams share work is the scheme's (`link_teams`): alone, overflow to a sister team
nearby, or one queue over all of them (pooling: near saturation a shared queue waits far
less than the same professionals in separate queues).
"""

from __future__ import annotations

import math
from collections import deque
from typing import TYPE_CHECKING

import mesa
import numpy as np

from model.agents.families import most_severe
from model.vocabulary import DOMAINS, CasePhase, IntakeKind

if TYPE_CHECKING:
    from model.agents.families import Family, Need
    from model.scenario import DomainConfig
    from model.world.geography import Geography, RegionSet

PHASE_TRANSIT = CasePhase.TRANSIT  # a global: an enum member's lookup is slower (care.py)


class CareLength:
    """Length of care in one organisation's domain, from a need's pre-drawn quantile: the same
    need gets the same (relative) length of care under every scheme."""

    __slots__ = ("means", "kind", "sigma", "shift")

    def __init__(self, dom: DomainConfig) -> None:
        self.means = dom.care_weeks_mean
        self.kind = dom.care_distribution
        s2 = math.log1p(dom.care_weeks_cv**2)
        self.sigma = math.sqrt(s2)
        self.shift = -s2 / 2
        if self.kind == "lognormal" and dom.care_weeks_cv <= 0:
            self.kind = "deterministic"

    def weeks(self, severity: int, quantile: float, normal_score: float) -> float:
        """Weeks of care at a need's quantile of the length distribution (normal_score is
        the same quantile of the standard normal, drawn with it)."""
        mean = self.means[severity - 1]
        if self.kind == "lognormal":
            return mean * math.exp(self.sigma * normal_score + self.shift)
        if self.kind == "exponential":
            return -mean * math.log1p(-quantile)
        return mean


class Case:
    """One family's stay at one organisation, for one or more of its needs."""

    __slots__ = (
        "id",
        "family",
        "org",
        "team",
        "needs",
        "own",
        "later",
        "episode",
        "priority",
        "queued_at",
        "professional",
        "intake_kind",
        "info_lost",
        "sender",
        "border",
        "phase",
        "extra_hours",
        "resume_days",
        "familiarity",
    )

    def __init__(
        self,
        id: int,
        family: Family,
        org: Organisation,
        needs: list[Need],
        episode: int,
        intake_kind: IntakeKind,
        sender: Case | None = None,
        info_lost: bool = False,
        border: int = 0,
    ) -> None:
        self.id = id
        self.family = family
        self.org = org
        self.team = org.team_for(family)
        self.needs = needs  # needs brought here, triaged once the intake is done
        # Filled at triage; most cases have nothing for one or the other, so they share the
        # empty tuple until then (half a million empty lists at national scale).
        self.own: list[Need] | tuple[()] = ()  # needs cared for here
        self.later: list[tuple[Need, Organisation]] | tuple[()] = ()  # handovers after care
        self.episode = episode
        self.priority = most_severe(needs)
        self.queued_at = -1.0
        self.professional: Professional | None = None
        self.intake_kind = intake_kind
        self.info_lost = info_lost
        self.sender = sender
        self.border = border
        self.phase = PHASE_TRANSIT
        self.extra_hours = 0.0  # the professional's time still owed after care (sending handovers)
        self.resume_days = -1.0  # >= 0: care interrupted by a reorganisation, days still to go
        self.familiarity = 0.0  # how well the sender knew this organisation (a handover's case)


def allot(quotas: np.ndarray, total: int | None = None) -> np.ndarray:
    """Whole slots for fractional quotas: floors, then one more to the largest remainders
    until `total` (default: the rounded sum) is reached; a quota that got none gets one,
    since an organisation or team that exists must be able to take a family."""
    q = np.asarray(quotas, dtype=float)
    if total is None:
        total = int(round(float(q.sum())))
    out = np.floor(q + 1e-9).astype(np.int64)
    short = total - int(out.sum())
    if short > 0:
        order = np.argsort(-(q - out), kind="stable")[:short]
        out[order] += 1
    out[out < 1] = 1
    return out


class ProfessionalCore:
    """What the handlers read of a professional at every case: in the compiled build a typed
    block of fields (organisations.pxd), which a Mesa Agent cannot be; `Professional` is
    both. The rest of a professional's attributes live in its Agent's dictionary."""

    __slots__ = ("team", "org", "pid", "slots", "cases", "boundary_spanner")


class Professional(ProfessionalCore, mesa.Agent):
    """A case-carrying professional: weekly hours, a caseload cap, maybe a boundary spanner."""

    def __init__(
        self,
        model: mesa.Model,
        team: Team,
        pid: int,
        weekly_hours: float,
        slots: int,
        boundary_spanner: bool,
    ) -> None:
        super().__init__(model)
        self.team = team
        self.org = team.org
        self.pid = pid
        self.weekly_hours = weekly_hours
        self.slots = slots
        self.cases = 0
        self.boundary_spanner = boundary_spanner


class Team:
    """The professionals of one organisation who serve a few neighbouring municipalities.

    Queues and caseloads are per team: an organisation's size does not let a family in one
    town be helped by a free professional a province away.
    """

    __slots__ = ("org", "index", "municipalities", "seat", "fte", "professionals", "free", "queues",
                 "travel_per_week", "partners")  # fmt: skip

    def __init__(
        self, org: Organisation, index: int, municipalities: np.ndarray, seat: int, fte: float
    ) -> None:
        self.org = org
        self.index = index
        self.municipalities = municipalities
        self.seat = seat
        self.fte = fte
        self.professionals: list[Professional] = []
        self.free: deque[Professional] = deque()  # one entry per free slot
        self.queues: tuple[deque[Case], ...] = (deque(), deque(), deque())  # mild, moderate, severe
        self.travel_per_week: dict[int, float] = {}  # municipality -> travel hours per care week
        self.partners: tuple[Team, ...] = ()  # sister teams that share work, nearest first

    def staff(
        self, weekly_hours_per_fte: float, slots: int, spanner: np.ndarray, next_pid: int
    ) -> int:
        """Hire len(spanner) professionals sharing the team's FTE and `slots` case slots as
        evenly as whole slots allow; returns the next free pid."""
        n = len(spanner)
        hours = self.fte * weekly_hours_per_fte / n
        base, extra = divmod(slots, n)
        for i in range(n):
            self.professionals.append(
                Professional(
                    self.org.model, self, next_pid + i, hours, base + (i < extra), bool(spanner[i])
                )  # fmt: skip
            )
        for k in range(base + (extra > 0)):  # interleaved: work spreads over people first
            self.free.extend(p for p in self.professionals if p.slots > k)
        return next_pid + n

    @property
    def waiting(self) -> int:
        return len(self.queues[0]) + len(self.queues[1]) + len(self.queues[2])

    @property
    def capacity(self) -> int:
        return sum(p.slots for p in self.professionals)

    def take_free(self) -> Professional | None:
        if self.free:
            p: ProfessionalCore = self.free.popleft()
            p.cases += 1
            return p
        return None

    def enqueue(self, case: Case) -> None:
        self.queues[case.priority - 1].append(case)

    def next_case(self) -> Case | None:
        """Most severe first, first come first served within a severity; with nothing of its
        own waiting, the same rule over the sister teams' queues (the case moves here)."""
        for q in (self.queues[2], self.queues[1], self.queues[0]):
            if q:
                return q.popleft()
        if not self.partners:
            return None
        best = None
        for severity in (2, 1, 0):
            for team in self.partners:
                q = team.queues[severity]
                if q and (best is None or q[0].queued_at < best[0].queued_at):
                    best = q
            if best is not None:
                case = best.popleft()
                case.team = self
                return case
        return None

    def take_free_here_or_near(self, case: Case) -> Professional | None:
        """A free professional of this team, else of the nearest sister team with one (the
        case then belongs to that team, which travels to the family)."""
        if self.free:
            return self.take_free()
        for team in self.partners:
            if team.free:
                case.team = team
                return team.take_free()
        return None

    def release(self, p: ProfessionalCore) -> None:
        p.cases -= 1
        self.free.append(p)


class OrganisationCore:
    """What the handlers read of an organisation at every case (see ProfessionalCore)."""

    __slots__ = ("oid", "domain", "province", "catchment_set", "teams", "team_of",
                 "team_cum_fte", "cfg", "column_cfgs", "active", "specialist", "buys_specialised",
                 "load", "days_per_hour", "intake_work", "reporting_share", "care_lengths",
                 "care_cfg", "preventive_weeks")  # fmt: skip

    def team_for(self, family: Family) -> Team:
        """The team serving the family's municipality. A placement from outside the catchment
        (a shelter elsewhere, for safety) goes to a team in proportion to its FTE, chosen
        from the family's id (no random draw), so placements spread as staffing assumed."""
        team = self.team_of.get(family.municipality)
        if team is not None:
            return team
        u = (family.id * 0.6180339887498949) % 1.0
        return self.teams[min(int(np.searchsorted(self.team_cum_fte, u, side="right")),
                              len(self.teams) - 1)]  # fmt: skip


class Organisation(OrganisationCore, mesa.Agent):
    """Serves one domain in one catchment: teams of professionals, their queues, its own forms."""

    def __init__(
        self,
        model: mesa.Model,
        oid: int,
        domain: int,
        region: int,
        code: str,
        name: str,
        catchment: np.ndarray,
        seat: int,
        province: int,
    ) -> None:
        super().__init__(model)
        self.oid = oid
        self.domain = domain
        self.region = region
        self.code = code
        self.name = name
        self.catchment = catchment
        self.catchment_set = frozenset(int(m) for m in catchment)
        self.seat = seat
        self.province = province
        self.teams: list[Team] = []
        self.team_of: dict[int, Team] = {}
        self.fte = 0.0
        self.cfg = None  # the domain's DomainConfig, set by set_work
        # Other domains whose needs it serves with their own care (integrated columns: the
        # social team serves Wmo and work and income), domain -> DomainConfig.
        self.column_cfgs: dict = {}
        self.active = True  # False once a reorganisation dissolved it (it still finishes its cases)
        self.specialist = False  # a supra-regional provider of specialised care
        self.overhead_fte = 0.0  # management and back office (paid, carries no cases)
        self.rule_books = 1  # rule books its professionals work under (set with the staff)
        self.admin_factor = 1.0  # registration and reporting time, relative to one rule book
        self.buys_specialised = (
            False  # below the minimum scale: specialised care comes from a supra-regional provider
        )

    def set_work(self, dom, preventive_hours: float) -> None:
        """What serving a case here takes, worked out once rather than per case."""
        self.cfg = dom
        self.load = dom.care_hours_per_week  # hours/week a case reserves
        self.days_per_hour = 7.0 / self.load  # days a case stays per hour of work on it
        registration = dom.registration_admin_hours * self.admin_factor
        self.intake_work = {  # intake kind (or its string) -> (intake hours, registration hours)
            IntakeKind.FULL: (dom.intake_hours, registration),
            IntakeKind.SHORT: (dom.short_intake_hours, registration),
            IntakeKind.NONE: (0.0, 0.0),
        }
        # Reporting on care, more of it under more rule books (never all of a care week).
        self.reporting_share = min(dom.care_admin_share * self.admin_factor, 0.9)
        self.care_length = CareLength(dom)
        # Per need domain, the care length and success a need gets here: this domain's, but
        # for a column it serves as the one social team, that column's.
        self.care_lengths = [self.care_length] * len(DOMAINS)
        self.care_cfg = [dom] * len(DOMAINS)
        for d, cfg in self.column_cfgs.items():
            self.care_lengths[d] = CareLength(cfg)
            self.care_cfg[d] = cfg
        self.preventive_weeks = preventive_hours / self.load

    def link_teams(self, pooling: str, max_km: float, xy: np.ndarray) -> None:
        """Which sister teams share work under the scheme's pooling: none ('local'), those
        within max_km seat to seat ('overflow'), or all ('pooled'); nearest first."""
        for team in self.teams:
            if pooling == "local" or len(self.teams) < 2:
                team.partners = ()
                continue
            others = [t for t in self.teams if t is not team]
            km = [float(np.hypot(*(xy[t.seat] - xy[team.seat]))) for t in others]
            order = sorted(range(len(others)), key=lambda i: (km[i], others[i].index))
            team.partners = tuple(
                others[i] for i in order if pooling == "pooled" or km[i] <= max_km
            )

    @property
    def professionals(self) -> list[Professional]:
        return [p for t in self.teams for p in t.professionals]

    @property
    def waiting(self) -> int:
        return sum(t.waiting for t in self.teams)

    @property
    def capacity(self) -> int:
        return sum(t.capacity for t in self.teams)

    @property
    def busy(self) -> int:
        return sum(t.capacity - len(t.free) for t in self.teams)

    def form_teams(
        self, fte: float, team_fte: float, population: np.ndarray, xy: np.ndarray
    ) -> None:
        """Split the catchment into about fte / team_fte teams around its largest towns.

        Deterministic (no random draws), so every seed and scheme forms the same teams from
        the same catchment. A town is never split: a big city is one big team.
        """
        self.fte = fte
        munis = self.catchment
        k = int(min(max(1, round(fte / team_fte)), len(munis)))
        pop = population[munis].astype(float)
        centre_pos = np.argsort(-pop, kind="stable")[:k]
        centres = munis[centre_pos]
        d = ((xy[munis][:, None, :] - xy[centres][None, :, :]) ** 2).sum(axis=2)
        member = d.argmin(axis=1)
        member[centre_pos] = np.arange(k)
        total = pop.sum()
        for i in range(k):
            mine = munis[member == i]
            if len(mine) == 0:
                continue
            team = Team(
                self, len(self.teams), mine, int(centres[i]), fte * population[mine].sum() / total
            )
            self.teams.append(team)
            for m in mine:
                self.team_of[int(m)] = team
        shares = np.array([t.fte for t in self.teams]) / max(fte, 1e-12)
        self.team_cum_fte = np.cumsum(shares) if fte > 0 else np.linspace(1, 1, len(self.teams))


def build_organisations(
    model: mesa.Model,
    geo: Geography,
    regions: dict[str, RegionSet],
    merged: frozenset[int] = frozenset(),
) -> list[list[Organisation]]:
    """One organisation per (domain, region), seated in the region's largest municipality;
    none for the `merged` domains, whose needs another organisation serves (integrated
    columns: the social team)."""
    orgs_by_domain: list[list[Organisation]] = []
    oid = 0
    for d, domain in enumerate(DOMAINS):
        rs = regions[domain]
        orgs: list[Organisation] = []
        if d in merged:
            orgs_by_domain.append(orgs)
            continue
        for r in range(len(rs)):
            orgs.append(make_organisation(model, oid, d, rs, r, geo))
            oid += 1
        orgs_by_domain.append(orgs)
    return orgs_by_domain


def make_organisation(
    model: mesa.Model, oid: int, domain: int, rs: RegionSet, r: int, geo: Geography
) -> Organisation:
    """The organisation of one domain for region r of a region set (not yet staffed)."""
    catchment = np.flatnonzero(rs.member == r).astype(np.int64)
    seat = int(catchment[np.argmax(geo.population[catchment])])
    name = f"{DOMAINS[domain]} {rs.names[r]}"
    return Organisation(
        model, oid, domain, r, rs.codes[r], name, catchment, seat, int(geo.province[seat])
    )
