"""Organisations, their professionals and queues, and the cases they hold.

An organisation serves one domain for one catchment (a set of municipalities). Its
capacity is its professionals' weekly hours: a case reserves `care_hours_per_week` of
one professional for as long as it stays, and everything done for the family (intake,
forms, care, meetings, travel) is done inside that reservation. Overheads therefore
lengthen stays and lengthen everyone's wait, which is how forms and meetings cost care.
A professional with H weekly hours holds at most floor(H / care_hours_per_week) cases,
so no professional is ever planned over their hours.
"""

from __future__ import annotations

import math
from collections import deque
from typing import TYPE_CHECKING

import mesa
import numpy as np

from model.scenario import ScenarioError
from model.vocabulary import DOMAINS, CasePhase, IntakeKind

if TYPE_CHECKING:
    from model.agents.families import Family, Need
    from model.scenario import DomainConfig
    from model.world.geography import Geography, RegionSet


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
        self.team = org.team_for(family.municipality)
        self.needs = needs  # needs brought here, triaged once the intake is done
        self.own: list[Need] = []  # needs cared for here
        self.later: list[tuple[Need, Organisation]] = []  # handovers that leave after care
        self.episode = episode
        self.priority = max(n.severity for n in needs)
        self.queued_at = -1.0
        self.professional: Professional | None = None
        self.intake_kind = intake_kind
        self.info_lost = info_lost
        self.sender = sender
        self.border = border
        self.phase = CasePhase.TRANSIT
        self.extra_hours = 0.0  # the professional's time still owed after care (sending handovers)
        self.resume_days = -1.0  # >= 0: care interrupted by a reorganisation, days still to go


class Professional(mesa.Agent):
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
                 "travel_per_week")  # fmt: skip

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

    def staff(
        self, weekly_hours_per_fte: float, load_hours: float, spanner: np.ndarray, next_pid: int
    ) -> int:
        """Hire round(fte) professionals sharing fte * weekly hours; returns the next free pid."""
        n = len(spanner)
        hours = self.fte * weekly_hours_per_fte / n
        slots = int(hours // load_hours + 1e-9)
        if slots < 1:
            raise ScenarioError(
                f"{self.org.name}: {hours:.1f} weekly hours per professional cannot hold one case of "
                f"{load_hours} hours/week; raise workforce.min_fte_per_organisation or fte_per_100k"
            )
        for i in range(n):
            self.professionals.append(
                Professional(self.org.model, self, next_pid + i, hours, slots, bool(spanner[i]))
            )
        for _ in range(slots):  # interleaved, so work spreads over people before it stacks
            self.free.extend(self.professionals)
        return next_pid + n

    @property
    def waiting(self) -> int:
        return len(self.queues[0]) + len(self.queues[1]) + len(self.queues[2])

    @property
    def capacity(self) -> int:
        return sum(p.slots for p in self.professionals)

    def take_free(self) -> Professional | None:
        if self.free:
            p = self.free.popleft()
            p.cases += 1
            return p
        return None

    def enqueue(self, case: Case) -> None:
        self.queues[case.priority - 1].append(case)

    def next_case(self) -> Case | None:
        """Most severe first, first come first served within a severity."""
        for q in (self.queues[2], self.queues[1], self.queues[0]):
            if q:
                return q.popleft()
        return None

    def release(self, p: Professional) -> None:
        p.cases -= 1
        self.free.append(p)


class Organisation(mesa.Agent):
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
        self.active = True  # False once a reorganisation dissolved it (it still finishes its cases)

    def set_work(self, dom, preventive_hours: float) -> None:
        """What serving a case here takes, worked out once rather than per case."""
        self.cfg = dom
        self.load = dom.care_hours_per_week  # hours/week a case reserves
        self.days_per_hour = 7.0 / self.load  # days a case stays per hour of work on it
        self.intake_work = {  # intake kind (or its string) -> (intake hours, registration hours)
            IntakeKind.FULL: (dom.intake_hours, dom.registration_admin_hours),
            IntakeKind.SHORT: (dom.short_intake_hours, dom.registration_admin_hours),
            IntakeKind.NONE: (0.0, 0.0),
        }
        self.care_length = CareLength(dom)
        self.preventive_weeks = preventive_hours / self.load

    def team_for(self, municipality: int) -> Team:
        """The team serving a municipality; a placement from outside the catchment (a shelter
        elsewhere, for safety) goes to the team at the organisation's seat."""
        team = self.team_of.get(municipality)
        return team if team is not None else self.team_of[self.seat]

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


def build_organisations(
    model: mesa.Model, geo: Geography, regions: dict[str, RegionSet]
) -> list[list[Organisation]]:
    """One organisation per (domain, region), seated in the region's largest municipality."""
    orgs_by_domain: list[list[Organisation]] = []
    oid = 0
    for d, domain in enumerate(DOMAINS):
        rs = regions[domain]
        orgs = []
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
