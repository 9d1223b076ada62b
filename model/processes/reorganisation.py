"""Reorganisation: a scheduled change of scheme, protocol and/or columns, and what getting
there costs.

At a scheduled day (DESIGN.md, process 6) the scheme's catchments are drawn again. An
organisation whose catchment is unchanged carries on; the others are dissolved and new
ones created (so a reorganisation to the scheme in force changes nothing). Merging the
columns dissolves every wijkteam, Wmo and Work & Income team and creates one social team
per municipality in their place. Then:

- open cases of a dissolved organisation move to the newly responsible one. A handover on
  its way, or a family waiting in the queue, moves as it is (nothing was done yet, so no
  new intake). Cases in intake or care either finish with their own professional
  (`cases_in_care = "continue"`, as under the 2015 transitional right) or move with a
  re-intake as the protocol prescribes and resume their remaining care (`"transfer"`).
  Handovers still to leave after someone's care are re-addressed. Nothing is lost or
  duplicated: every move is a `transfer` record in the log.
- staff moves with the work: a new organisation is staffed by the usual rule, but a slot
  is withheld for each case its predecessor is still finishing, until that case closes;
  a share of the posts stays vacant for `vacancy_days` (people who leave at the change);
  the rest takes no family until the contracting gap has passed.
- familiarity of the dissolved organisations' professionals is cut (new organisation,
  new colleagues: familiarity grows again from joint cases).
- productivity dips and recovers: a new organisation, and every organisation when the
  protocol changes, withholds a share of its case slots that falls linearly to zero over
  `learning_days` (a capacity loss, which is what a slower professional amounts to).
- one-off costs in euros (per organisation created or dissolved, professional moved, case
  transferred, leaver, professional trained) and the hours lost (gap, vacancies,
  learning, training, transfer work) are logged as `transition_cost` and
  `transition_hours` records, from which counterfactual.py computes the figures.

Draws (vacancies, boundary spanners) come from a stream of its own, spawned from
model.rng, so that the same world without the reorganisation (the counterfactual) is the
same run up to the reorganisation's day.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from model.agents.organisations import Case, make_organisation
from model.records.events import Kind, LossReason, TransitionItem
from model.vocabulary import DOMAINS, SHELTER, WIJKTEAM, CasePhase, merged_domains
from model.world.schemes import catchments

if TYPE_CHECKING:
    from model.agents.organisations import Organisation, Professional, Team
    from model.processes.interface import Model
    from model.scenario import ReorganisationConfig

TICK_DAYS = 7.0  # the learning curve is stepped weekly


class Curve:
    """A team's learning: a withheld share of its slots that falls linearly to zero."""

    __slots__ = ("start", "loss", "days", "bank", "since")

    def __init__(self, start: float, loss: float, days: float, bank: list) -> None:
        self.start = start
        self.loss = loss
        self.days = days
        self.bank = bank  # withheld slot entries (professionals, one entry per slot)
        self.since = start  # hours are booked up to here

    def share(self, t: float) -> float:
        return self.loss * max(0.0, 1.0 - (t - self.start) / self.days)


def withhold(team: Team, n: int) -> list[Professional]:
    """Take up to n free slots out of circulation."""
    taken = []
    while n > 0 and team.free:
        taken.append(team.free.pop())
        n -= 1
    return taken


class Reorganiser:
    def __init__(self, model: Model) -> None:
        self.model = model
        self.rng = model.rng.spawn(1)[0]
        sc = model.scenario
        self.scheme, self.options, self.protocol = sc.scheme, sc.schemes, sc.protocol
        self.holds: dict[int, tuple[Team, Professional]] = {}  # continuing case -> slot kept
        self.closed_pools: dict[int, dict[Team, list]] = {}  # org not yet open -> its slots
        self.learning: dict[Team, Curve] = {}
        self.interrupted: dict[int, float] = {}  # moved case in care -> when it moved
        self._ticking = False
        for cfg in sc.reorganisation:
            model.schedule(model.measure_from + cfg.day(), self.apply, cfg)

    # ------------------------------------------------------------------ the change
    def apply(self, t: float, cfg: ReorganisationConfig) -> None:
        m = self.model
        new_protocol = cfg.protocol is not None and cfg.protocol != self.protocol
        if new_protocol:
            old_share = m.protocol.boundary_spanner_share
            m.protocol = m.handovers.protocol = getattr(m.scenario.protocols, cfg.protocol)
            self.protocol = cfg.protocol
        created: list[Organisation] = []
        if cfg.scheme is not None or cfg.schemes is not None or cfg.columns is not None:
            loss = cfg.productivity_loss_new_organisation
            created = self._redraw(
                t, cfg, loss + (cfg.productivity_loss_new_protocol if new_protocol else 0)
            )
        if not new_protocol:
            return
        fresh = {o.oid for o in created}
        for org in [o for o in m.orgs if o.active]:  # the supra-regional providers too
            if org.oid not in fresh:  # new organisations were staffed under the new protocol
                self._redraw_spanners(org, old_share, m.protocol.boundary_spanner_share)
                for team in org.teams:
                    self._learn(t, team, cfg.productivity_loss_new_protocol, cfg.learning_days)
            n = len(org.professionals)
            eur = n * cfg.cost_eur_per_professional_trained
            hours = n * cfg.training_hours_per_professional
            self._cost(t, org, TransitionItem.TRAINING, eur, n)
            self._hours(t, org, LossReason.TRAINING, hours, True)

    def _redraw(self, t: float, cfg: ReorganisationConfig, loss: float) -> list[Organisation]:
        """New catchments: unchanged organisations carry on, the others are replaced.

        Merging the columns replaces every wijkteam by a social team (a new organisation
        with the three columns' staff and one rule book) and dissolves the Wmo and Work &
        Income teams, whose cases move to it like any others."""
        m = self.model
        scheme = cfg.scheme or self.scheme
        options = cfg.schemes or self.options
        merge = cfg.columns is not None and cfg.columns != m.columns
        if merge:
            m.columns = cfg.columns
            m.merged_domains = merged_domains(m.columns)
        regions = catchments(m.geography, scheme, options, m.columns)
        self.scheme, self.options = scheme, options
        m.scheme_now, m.scheme_options = scheme, options
        created: list[Organisation] = []
        dissolved: list[Organisation] = []
        by_domain = []
        for d, domain in enumerate(DOMAINS):
            if d in m.merged_domains:  # served by the social team, reorganised with it
                dissolved.extend(m.orgs_by_domain[d])  # none, unless the columns merge now
                by_domain.append([])
                continue
            rs = regions[domain]
            current = {o.catchment_set: o for o in m.orgs_by_domain[d]}
            if merge and d == WIJKTEAM:
                dissolved.extend(current.values())
                current = {}
            orgs = []
            for r in range(len(rs)):
                org = current.pop(frozenset(np.flatnonzero(rs.member == r).tolist()), None)
                if org is None:
                    org = make_organisation(m, len(m.orgs) + len(created), d, rs, r, m.geography)
                    created.append(org)
                org.region = r
                orgs.append(org)
            dissolved.extend(current.values())
            by_domain.append(orgs)
        m.regions, m.orgs_by_domain = regions, by_domain
        if not created and not dissolved:
            m.rewire()
            return []
        m.orgs.extend(created)
        m.staff(created, self.rng)
        for org in dissolved:
            org.active = False
            m.unstaff(t, org)
        m.rewire()

        pools = self._close_new(t, created, cfg)
        self._move_cases(t, dissolved, cfg, pools)
        for org in created:
            created_eur = cfg.cost_eur_per_organisation_created
            self._cost(t, org, TransitionItem.ORGANISATION_CREATED, created_eur, 1)
            self.closed_pools[org.oid] = pools[org.oid]
            if cfg.contracting_gap_days > 0:
                slots = sum(len(e) for e in pools[org.oid].values())
                lost = slots * org.load * cfg.contracting_gap_days / 7
                self._hours(t, org, LossReason.CONTRACTING_GAP, lost, True)
                m.schedule(t + cfg.contracting_gap_days, self._open, (org, loss, cfg.learning_days))
            else:
                self._open(t, (org, loss, cfg.learning_days))
        moved = set()
        for org in dissolved:
            n = len(org.professionals)
            moved.update(p.pid for p in org.professionals)
            dissolved_eur = cfg.cost_eur_per_organisation_dissolved
            self._cost(t, org, TransitionItem.ORGANISATION_DISSOLVED, dissolved_eur, 1)
            moved_eur = n * cfg.cost_eur_per_professional_moved
            self._cost(t, org, TransitionItem.PROFESSIONALS_MOVED, moved_eur, n)
        m.handovers.forget(pids=moved, oids={o.oid for o in dissolved})
        return created

    def _close_new(
        self, t: float, created: list[Organisation], cfg: ReorganisationConfig
    ) -> dict[int, dict[Team, list]]:
        """Take every slot of the new organisations out of circulation; the vacant posts'
        slots come back when they are filled, the others when the organisation opens."""
        m = self.model
        pools: dict[int, dict[Team, list]] = {}
        vacancy_until = t + max(cfg.vacancy_days, cfg.contracting_gap_days)
        for org in created:
            pools[org.oid] = {}
            leavers = 0
            vacant_slots = 0
            for team in org.teams:
                entries = list(team.free)
                team.free.clear()
                u = self.rng.random(len(team.professionals))
                gone = {p.pid for p, x in zip(team.professionals, u, strict=True)
                        if x < cfg.staff_leaving_share}  # fmt: skip
                vacant = [p for p in entries if p.pid in gone]
                pools[org.oid][team] = [p for p in entries if p.pid not in gone]
                if vacant:
                    leavers += len(gone)
                    vacant_slots += len(vacant)
                    m.schedule(vacancy_until, self._refill, (team, vacant))
            if leavers:
                eur = leavers * cfg.cost_eur_per_leaver
                self._cost(t, org, TransitionItem.LEAVERS, eur, leavers)
                hours = vacant_slots * org.load * (vacancy_until - t) / 7
                self._hours(t, org, LossReason.VACANCY, hours, False)
        return pools

    def _move_cases(
        self,
        t: float,
        dissolved: list[Organisation],
        cfg: ReorganisationConfig,
        pools: dict[int, dict[Team, list]],
    ) -> None:
        """Every open case of a dissolved organisation ends up in exactly one place."""
        m = self.model
        dead = {o.oid for o in dissolved}
        open_here: dict[int, Case] = {}  # at a dissolved organisation, by case id
        for _, _, obj in m.pending():
            if isinstance(obj, Case):
                if obj.org.oid in dead:
                    open_here[obj.id] = obj
                if obj.later:  # its handovers after care go to the new organisations
                    obj.later = [(n, self._successor(o, obj.family)) if o.oid in dead else (n, o)
                                 for n, o in obj.later]  # fmt: skip
        queued = []
        for org in dissolved:
            for team in org.teams:
                for q in team.queues:
                    queued.extend(q)
                    q.clear()
        queued.sort(key=lambda c: (c.queued_at, c.id))
        moved_from: dict[int, int] = {}
        transfer = cfg.cases_in_care == "transfer"
        by_phase = sorted(open_here.values(), key=lambda c: c.id)
        in_hand = (CasePhase.INTAKE, CasePhase.CARE)
        to_reopen = [c for c in by_phase if transfer and c.phase in in_hand]
        care_end = {id(obj): when for when, _, obj in m.take_pending({id(c) for c in to_reopen})}
        for case in queued + [c for c in by_phase if c.phase == CasePhase.TRANSIT]:
            phase = case.phase
            old = case.org
            self._move(case, self._successor(old, case.family))
            if phase == CasePhase.QUEUED:
                case.team.enqueue(case)
            for n in case.needs:
                m.log.case_record(t, Kind.TRANSFER, case, need=n.id, value=float(case.id),
                                  detail=old.oid, aux=phase)  # fmt: skip
            moved_from[old.oid] = moved_from.get(old.oid, 0) + 1
        for case in to_reopen:
            self._reopen(t, case, care_end.get(id(case)))
            moved_from[case.org.oid] = moved_from.get(case.org.oid, 0) + 1
        finishing = (CasePhase.INTAKE, CasePhase.CARE, CasePhase.WRAPUP)
        for case in by_phase:
            if case.phase in finishing:  # finishing where it is
                self._hold(case, pools)
        for org in dissolved:
            n = moved_from.get(org.oid, 0)
            eur = n * cfg.cost_eur_per_case_transferred
            self._cost(t, org, TransitionItem.CASES_TRANSFERRED, eur, n)
            self._hours(t, org, LossReason.TRANSFER, n * cfg.transfer_hours_per_case, True)

    def _reopen(self, t: float, case: Case, care_ends: float | None) -> None:
        """A case in intake or care moves: closed here, a new case there, a new intake as the
        protocol prescribes; care then resumes for the time it had left."""
        m = self.model
        fam = case.family
        old = case.org
        to = self._successor(old, fam)
        # Care an earlier reorganisation interrupted, still in its re-intake, is care too:
        # it keeps its needs in care and the time it had left.
        resuming = case.id in self.interrupted
        in_care = case.phase == CasePhase.CARE or resuming
        if in_care:
            needs = list(case.own) + [n for n, _ in case.later]
        else:
            needs = list(case.needs)
        new = Case(m.new_id("case"), fam, to, needs, case.episode, m.protocol.receiver_intake)
        if in_care:
            new.own = list(case.own)
            new.later = list(case.later)
            if resuming:
                new.resume_days = case.resume_days
                self.interrupted[new.id] = self.interrupted.pop(case.id)
            else:
                new.resume_days = max(0.0, (care_ends if care_ends is not None else t) - t)
                self.interrupted[new.id] = t
        case.later = ()
        m.care.on_close(t, case)
        fam.open_cases.append(new)
        phase = CasePhase.CARE if in_care else CasePhase.INTAKE
        for n in new.own if in_care else needs:
            m.log.case_record(t, Kind.TRANSFER, new, need=n.id, value=float(case.id),
                              detail=old.oid, aux=phase)  # fmt: skip
        m.care.admit(t, new)

    def resume_care(self, t: float, case: Case) -> None:
        """The re-intake at the new organisation is done: the interrupted care goes on."""
        m = self.model
        case.phase = CasePhase.CARE
        since = self.interrupted.pop(case.id)
        for n in case.own:
            m.log.case_record(t, Kind.CARE_RESUMED, case, need=n.id, value=t - since)
        m.schedule(t + case.resume_days, m.care.on_care_end, case)

    def _successor(self, org: Organisation, family) -> Organisation:
        """Who now serves this family in the organisation's domain; a placement outside the
        home region (shelter, for safety) goes to the new placement elsewhere."""
        m = self.model
        mun = family.municipality
        if org.domain == SHELTER and mun not in org.catchment_set:
            return m.shelter_elsewhere(mun)
        return m.serving(org.domain, mun)

    @staticmethod
    def _move(case: Case, to: Organisation) -> None:
        fam = case.family
        fam.open_cases.remove(case)  # to the end, as if it had just come
        fam.open_cases.append(case)
        case.org = to
        case.team = to.team_for(fam)

    # ------------------------------------------------------------------ capacity
    def _hold(self, case: Case, pools: dict[int, dict[Team, list]]) -> None:
        """A case finishing at its dissolved organisation keeps its professional, who joins
        the successor when it closes: one of the successor's slots waits for them."""
        to = self._successor(case.org, case.family)
        pool = pools.get(to.oid)
        if pool is None:  # the successor existed already (a placement elsewhere)
            return
        team = to.team_for(case.family)
        for candidate in (team, *to.teams):
            if pool[candidate]:
                self.holds[case.id] = (candidate, pool[candidate].pop())
                return

    def wound_down(self, t: float, case: Case) -> None:
        """A dissolved organisation closed a case: its professional now works at the successor."""
        hold = self.holds.pop(case.id, None)
        if hold is not None:
            team, p = hold
            pool = self.closed_pools.get(team.org.oid)
            if pool is not None:  # not open yet: the slot waits for the opening
                pool[team].append(p)
            else:
                self._restore(t, team, [p])

    def _open(self, t: float, what: tuple[Organisation, float, float]) -> None:
        org, loss, days = what
        for team, entries in self.closed_pools.pop(org.oid).items():
            if loss > 0:
                self._learn(t, team, loss, days, entries)
            self._restore(t, team, entries)

    def _refill(self, t: float, what: tuple[Team, list]) -> None:
        team, entries = what
        self._restore(t, team, entries)

    def _restore(self, t: float, team: Team, entries: list) -> None:
        """Slots back in circulation: waiting families are taken on at once."""
        m = self.model
        team.free.extend(entries)
        while team.free:
            nxt = team.next_case()
            if nxt is None:
                break
            m.care.assign(t, nxt, team.take_free())

    def _learn(
        self, t: float, team: Team, loss: float, days: float, entries: list | None = None
    ) -> None:
        """Start (or restart, adding what is left of a running one) a team's learning curve."""
        old = self.learning.get(team)
        bank = old.bank if old is not None else []
        if old is not None:
            self._book(t, {team: old})
            loss += old.share(t)
        curve = self.learning[team] = Curve(t, loss, days, bank)
        target = round(curve.share(t) * team.capacity)
        while entries and len(bank) < target:
            bank.append(entries.pop())
        bank.extend(withhold(team, target - len(bank)))
        if not self._ticking:
            self._ticking = True
            self.model.schedule(t + TICK_DAYS, self._tick, None)

    def _tick(self, t: float, _: None) -> None:
        self._book(t, self.learning)
        for team, curve in list(self.learning.items()):
            target = round(curve.share(t) * team.capacity)
            bank = curve.bank
            if len(bank) > target:
                self._restore(t, team, [bank.pop() for _ in range(len(bank) - target)])
            elif len(bank) < target:
                bank.extend(withhold(team, target - len(bank)))
            if t >= curve.start + curve.days:
                del self.learning[team]
        self._ticking = bool(self.learning)
        if self._ticking:
            self.model.schedule(t + TICK_DAYS, self._tick, None)

    def _book(self, t: float, curves: dict[Team, Curve]) -> None:
        """Hours withheld since the last booking, one record per organisation."""
        per_org: dict[Organisation, float] = {}
        for team, curve in curves.items():
            hours = len(curve.bank) * team.org.load * (t - curve.since) / 7
            curve.since = t
            per_org[team.org] = per_org.get(team.org, 0.0) + hours
        for org, hours in per_org.items():
            self._hours(t, org, LossReason.LEARNING, hours, True)

    def _redraw_spanners(self, org: Organisation, old: float, new: float) -> None:
        """Boundary spanners become as common as the new protocol says."""
        profs = org.professionals
        u = self.rng.random(len(profs))
        for p, x in zip(profs, u, strict=True):
            if new > old and not p.boundary_spanner:
                p.boundary_spanner = bool(x < (new - old) / (1 - old))
            elif new < old and p.boundary_spanner:
                p.boundary_spanner = bool(x >= (old - new) / old)

    # ------------------------------------------------------------------ the log
    def _cost(
        self, t: float, org: Organisation, item: TransitionItem, eur: float, count: int
    ) -> None:
        if count:
            self.model.log.record(t, Kind.TRANSITION_COST, org=org.oid, domain=org.domain,
                                  value=eur, detail=item, aux=count)  # fmt: skip

    def _hours(
        self, t: float, org: Organisation, reason: LossReason, hours: float, paid: bool
    ) -> None:
        if hours > 0:
            self.model.log.record(t, Kind.TRANSITION_HOURS, org=org.oid, domain=org.domain,
                                  value=hours, detail=reason, aux=int(paid))  # fmt: skip
