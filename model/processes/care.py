"""Care: a case in an organisation's queue, its intake and triage, care, and closing.

A case waits in its team's queue until a professional is free (`admit`, `assign`), has
its intake (a full one when the family tells its story, a short one when information
travelled with it), and is triaged: the organisation keeps the needs within its mandate
and hands over the rest (`on_intake_done`, through `handover.py`). Care then reserves the
professional for its length plus the coordination and travel it brings (`start_care`);
when it ends, each need is resolved or not (`on_care_end`), and the case closes after the
handovers' paperwork, freeing the professional for the next case in the queue.

Right after an incident a family is motivated to change; the motivation fades while it
waits, and every time it must tell its story again (seed 004). With `retold` full
intakes beyond the need's first, motivation is

    M = exp(-delay / decay) * (1 - retelling_loss) ** retold,

care succeeds with probability p_severity * (floor + (1 - floor) * M), and a family whose
motivation has faded may not show up at all (`dropout_probability`). One face helps
("het gezicht"): care by the professional who first took the need on succeeds
(1 + continuity_bonus) times as often, as long as that professional stays; a professional
leaves at the turnover rate, so over `care_days` the bonus is weighted by
exp(-hazard * care_days) (the chance of success mixed over staying and leaving, no draw).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from model.records.events import AdminReason, HandoverFlag, Kind
from model.vocabulary import VT, WIJKTEAM, CasePhase, IntakeKind, NeedOutcome, NeedState

if TYPE_CHECKING:
    from model.agents.families import Need
    from model.agents.organisations import Case, Organisation, Professional, Team
    from model.processes.interface import Model
    from model.scenario import DomainConfig, FamilyConfig

# The enum members the handlers below use, as module globals: Python 3.11 finds an enum's
# member through a hook on its metaclass (~0.1 us a lookup, against ~0.02 us for a global),
# and they are used a few times per record. Named after their enum, so that a case's phase
# never reads as a record's kind.
KIND_QUEUED, KIND_ASSIGNED, KIND_DROPOUT = Kind.QUEUED, Kind.ASSIGNED, Kind.DROPOUT
KIND_INTAKE, KIND_ADMIN, KIND_TRAVEL = Kind.INTAKE, Kind.ADMIN, Kind.TRAVEL
KIND_CARE_START, KIND_CARE_END, KIND_CLOSED = Kind.CARE_START, Kind.CARE_END, Kind.CLOSED
KIND_COORDINATION = Kind.COORDINATION
PHASE_QUEUED, PHASE_INTAKE, PHASE_CARE = CasePhase.QUEUED, CasePhase.INTAKE, CasePhase.CARE
PHASE_WRAPUP, PHASE_CLOSED = CasePhase.WRAPUP, CasePhase.CLOSED
STATE_WAITING, STATE_IN_CARE, STATE_DONE = NeedState.WAITING, NeedState.IN_CARE, NeedState.DONE
OUTCOME_RESOLVED, OUTCOME_UNRESOLVED = NeedOutcome.RESOLVED, NeedOutcome.UNRESOLVED
OUTCOME_DROPPED = NeedOutcome.DROPPED
ADMIN_REGISTRATION, ADMIN_REPORTING = AdminReason.REGISTRATION, AdminReason.REPORTING
INTAKE_FULL = IntakeKind.FULL
REGION_BORDER = int(HandoverFlag.REGION_BORDER)  # an int: an IntFlag's `&` runs Python code


def retold(need: Need) -> int:
    """Full intakes beyond the need's first: how often the family told its story again."""
    stories = need.stories
    return stories - 1 if stories > 1 else 0


def family_motivation(fam: FamilyConfig, delay_days: float, retold: int = 0) -> float:
    """What is left of the family's motivation after waiting and retelling (0..1)."""
    m = math.exp(-(delay_days if delay_days > 0.0 else 0.0) / fam.motivation_decay_days)
    if retold > 0:
        m *= (1.0 - fam.retelling_motivation_loss) ** retold
    return m


def success_probability(
    dom: DomainConfig,
    fam: FamilyConfig,
    severity: int,
    delay_days: float,
    retold: int = 0,
    continuity: float = 0.0,
) -> float:
    """`continuity`: the chance that the professional who first took the need on gives all
    of its care (0 after a change of professional)."""
    m = family_motivation(fam, delay_days, retold)
    p = dom.success_probability[severity - 1] * (
        fam.motivation_floor + (1 - fam.motivation_floor) * m
    )
    if continuity > 0:
        p *= 1.0 + fam.continuity_success_bonus * continuity
    return min(p, 1.0)


def dropout_probability(fam: FamilyConfig, delay_days: float, retold: int = 0) -> float:
    return fam.dropout_max_share * (1 - family_motivation(fam, delay_days, retold))


class Care:
    """The handlers of a case's stay at one organisation."""

    def __init__(self, model: Model) -> None:
        self.model = model
        sc = model.scenario
        self.log = model.log
        self.fam_cfg = sc.families
        self.workforce = sc.workforce
        self.preventive = sc.escalation.preventive_support
        self.coordination_per_org_week = self.workforce.coordination_hours_per_org_week
        self.coordination_border = self.workforce.coordination_border_factor
        # Per day, the hazard of the professional leaving (turnover), for continuity.
        self.leave_per_day = -math.log1p(-self.workforce.turnover_per_year) / 365.0
        self.continuity_bonus = self.fam_cfg.continuity_success_bonus > 0

    # ------------------------------------------------------------------ the queue
    def admit(self, t: float, case: Case) -> None:
        """A case joins its team's queue, or goes straight to a free professional."""
        case.phase = PHASE_QUEUED
        case.queued_at = t
        self.log.case_record(t, KIND_QUEUED, case, need=case.needs[0].id, detail=case.priority)
        team = case.team
        p = team.take_free_here_or_near(case)
        if p is not None:
            self.assign(t, case, p)
        else:
            team.enqueue(case)

    def assign(self, t: float, case: Case, prof: Professional) -> None:
        """First contact: a professional takes the case and starts the intake."""
        m = self.model
        org = case.org
        case.professional = prof
        case.phase = PHASE_INTAKE
        log = self.log
        first = case.needs[0]
        for n in case.needs:
            n.faces += 1
        log.case_record(t, KIND_ASSIGNED, case, need=first.id, value=t - case.queued_at,
                        aux=case.team is not org.team_for(case.family))  # fmt: skip
        if case.sender is not None:
            m.handovers.learn(t, case, prof)
            # Nothing reads the sender after this (a case is assigned once: care that moves
            # is a new case), and holding it would keep every closed case of a handover chain.
            case.sender = None
        # Veilig Thuis must see them; care a reorganisation interrupted resumes as it was.
        if org.domain != VT and self.fam_cfg.dropout_max_share > 0 and case.resume_days < 0:
            oldest = first.arose
            for n in case.needs:
                if n.arose < oldest:
                    oldest = n.arose
            again = retold(first)
            if first.dropout_uniform < dropout_probability(self.fam_cfg, t - oldest, again):
                for n in case.needs:
                    log.case_record(t, KIND_DROPOUT, case, need=n.id)
                    self.close_need(t, n, OUTCOME_DROPPED)
                self.on_close(t, case)
                return
        hours, admin = org.intake_work[case.intake_kind]
        if case.intake_kind == INTAKE_FULL:
            for n in case.needs:
                n.stories += 1
        if hours > 0:
            story_told = case.intake_kind == INTAKE_FULL
            log.case_record(t, KIND_INTAKE, case, need=first.id, value=hours, detail=story_told,
                            aux=case.info_lost)  # fmt: skip
        if admin > 0:
            log.case_record(t, KIND_ADMIN, case, need=first.id, value=admin,
                            detail=ADMIN_REGISTRATION)  # fmt: skip
        if hours + admin > 0:
            m.schedule(t + (hours + admin) * org.days_per_hour, self.on_intake_done, case)
        else:
            self.on_intake_done(t, case)

    # ------------------------------------------------------------------ triage
    def on_intake_done(self, t: float, case: Case) -> None:
        """Triage: keep what is within the mandate, hand over the rest."""
        m = self.model
        if case.resume_days >= 0:  # care a reorganisation interrupted: no triage, it resumes
            m.reorganiser.resume_care(t, case)
            return
        ho = m.handovers
        org = case.org
        fam = case.family
        preventive = self.preventive and org.domain == WIJKTEAM
        now: dict[int, tuple[Organisation, list[Need]]] = {}
        own: list[Need] = []
        later: list[tuple[Need, Organisation]] = []
        for need in case.needs:
            if need.state != STATE_WAITING:
                continue
            if ho.handled_here(org, need):
                if preventive and need.severity == 1:
                    need.preventive = True
                own.append(need)
                continue
            target = ho.target(org, need, fam)
            if ho.leaves_now(org, need):
                now.setdefault(target.oid, (target, []))[1].append(need)
            else:
                later.append((need, target))
        if not own and later:  # nothing of its own to do first
            for need, target in later:
                now.setdefault(target.oid, (target, []))[1].append(need)
            later = []
        if own:
            case.own = own
        if later:
            case.later = later
        for target, needs in now.values():
            ho.send(t, case, needs, target)
        if own:
            self.start_care(t, case)
        else:
            self.finish(t, case)

    # ------------------------------------------------------------------ care
    def start_care(self, t: float, case: Case) -> None:
        """Care for the needs the case keeps: hours, reporting, coordination and travel, all
        inside the professional's reservation, so they lengthen the stay."""
        m = self.model
        org = case.org
        fam = case.family
        load = org.load
        lengths = org.care_lengths
        weeks = -1.0  # the longest care of the needs kept (a loop: see most_severe)
        for n in case.own:
            w = (org.preventive_weeks if n.preventive
                 else lengths[n.domain].weeks(n.severity, n.care_length_quantile,
                                              n.care_length_normal_score))  # fmt: skip
            if weeks < 0.0 or w > weeks:
                weeks = w
        care_hours = load * weeks
        reporting = care_hours * org.reporting_share
        others: list[int] = []  # the other organisations with an open case for the family
        for other in fam.open_cases:
            oid = other.org.oid
            if oid != org.oid and oid not in others:
                others.append(oid)
        coordination = 0.0
        if others:
            border = m.handovers.border
            orgs = m.orgs
            crossing = any(border(org, orgs[o]) & REGION_BORDER for o in others)
            coordination = (self.coordination_per_org_week * len(others) * weeks * m.protocol.coordination_factor
                            * (self.coordination_border if crossing else 1.0))  # fmt: skip
        travel = weeks * self.travel_per_week(case.team, fam.municipality, org.cfg.visits_per_week)
        case.phase = PHASE_CARE
        log = self.log
        days = int(round(weeks * 7))
        share = (care_hours - reporting) / len(case.own)
        states = m.need_states
        for n in case.own:
            n.state = STATE_IN_CARE
            n.care_start = t
            states[STATE_WAITING] -= 1
            states[STATE_IN_CARE] += 1
            log.case_record(t, KIND_CARE_START, case, need=n.id, value=share,
                            detail=int(n.preventive), aux=days)  # fmt: skip
        first = case.own[0].id
        if reporting > 0:
            log.case_record(t, KIND_ADMIN, case, need=first, value=reporting,
                            detail=ADMIN_REPORTING)  # fmt: skip
        if coordination > 0:
            log.case_record(t, KIND_COORDINATION, case, need=first, value=coordination,
                            detail=len(others))  # fmt: skip
        if travel > 0:
            log.case_record(t, KIND_TRAVEL, case, need=first, value=travel)
        stay_days = weeks * 7.0 + (coordination + travel) * org.days_per_hour
        m.schedule(t + stay_days, self.on_care_end, case)

    def travel_per_week(self, team: Team, municipality: int, visits_per_week: float) -> float:
        """Travel hours per care week for a home in `municipality`, cached per team."""
        hours = team.travel_per_week.get(municipality)
        if hours is None:
            km = self.model.distance_km(municipality, team.seat)
            hours = visits_per_week * 2 * km / self.workforce.travel_speed_kmh
            team.travel_per_week[municipality] = hours
        return hours

    def on_care_end(self, t: float, case: Case) -> None:
        """Each need is resolved or not; what was to follow care is handed over now."""
        m = self.model
        org = case.org
        care_cfg = org.care_cfg
        fam_cfg = self.fam_cfg
        for n in case.own:
            continuity = 0.0
            if self.continuity_bonus and n.faces <= 1:
                continuity = math.exp(-self.leave_per_day * (t - n.care_start))
            p = success_probability(care_cfg[n.domain], fam_cfg, n.severity,
                                    n.care_start - n.arose, retold(n),
                                    continuity)  # fmt: skip
            resolved = n.success_uniform < p
            self.log.case_record(t, KIND_CARE_END, case, need=n.id, detail=int(resolved))
            self.close_need(t, n, OUTCOME_RESOLVED if resolved else OUTCOME_UNRESOLVED)
        grouped: dict[int, tuple[Organisation, list[Need]]] = {}
        onward = m.handovers.onward(t, case)
        for need, target in case.later + onward if case.later else onward:
            if need.state == STATE_WAITING:
                grouped.setdefault(target.oid, (target, []))[1].append(need)
        for target, needs in grouped.values():
            m.handovers.send(t, case, needs, target)
        self.finish(t, case)

    # ------------------------------------------------------------------ closing
    def finish(self, t: float, case: Case) -> None:
        """The professional still owes the handovers' paperwork, then the case closes."""
        if case.extra_hours > 0:
            case.phase = PHASE_WRAPUP
            self.model.schedule(t + case.extra_hours * case.org.days_per_hour, self.on_close, case)
        else:
            self.on_close(t, case)

    def on_close(self, t: float, case: Case) -> None:
        """The case closes; its professional takes the next case in the team's queue."""
        org = case.org
        prof = case.professional
        case.phase = PHASE_CLOSED
        self.log.case_record(t, KIND_CLOSED, case, need=case.needs[0].id)
        open_cases = case.family.open_cases
        if case in open_cases:
            open_cases.remove(case)
        team = case.team
        team.release(prof)
        nxt = team.next_case()
        if nxt is not None:
            self.assign(t, nxt, team.take_free())
        if not org.active:  # a dissolved organisation finished a case: its successor's slot frees
            self.model.reorganiser.wound_down(t, case)

    def close_need(self, t: float, need: Need, outcome: NeedOutcome) -> None:
        """A need leaves the family's open needs, with its outcome; it may come back."""
        m = self.model
        state = need.state
        need.family.needs.remove(need)
        need.state = STATE_DONE
        need.outcome = outcome
        m.need_states[state] -= 1
        m.need_states[STATE_DONE] += 1
        m.escalation.on_need_closed(t, need)
