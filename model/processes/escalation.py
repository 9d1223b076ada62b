"""Escalation: incidents while a family waits, needs that come back, repeat reports.

While a family has needs waiting for care, incidents happen at a rate that grows with the
severity of its worst waiting need; each makes its waiting needs more severe and, in a
family with a safety problem, is reported to Veilig Thuis again (a follow-up during an
open case, or a repeat report, hermelding).
When care ends, or the family drops out, the need may come back later, more severe if it
was not resolved; preventive support makes mild needs come back less often.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from model.agents.families import Family, Need, open_at
from model.records.events import EscalationCause, Kind
from model.vocabulary import INCOME, VT, WMO, NeedOutcome, NeedState

if TYPE_CHECKING:
    from model.processes.interface import Model

# Enum members as module globals, for the per-event code below (why: see care.py).
KIND_ESCALATION = Kind.ESCALATION
STATE_WAITING, STATE_IN_CARE = NeedState.WAITING, NeedState.IN_CARE
OUTCOME_RESOLVED, OUTCOME_DROPPED = NeedOutcome.RESOLVED, NeedOutcome.DROPPED
CAUSE_WAITING, CAUSE_RECURRENCE = EscalationCause.WAITING, EscalationCause.RECURRENCE


def at_risk(need: Need) -> bool:
    """Incidents happen while a need waits for help, and while Veilig Thuis investigates
    (its investigation is not yet help: a new incident then is a follow-up report).

    A Wmo or Work & Income need waiting does not set off incidents by itself (assumption:
    the incident rates are calibrated to Veilig Thuis reports about the other domains'
    families); in a family that has incidents, it gets worse with the rest."""
    domain = need.domain
    if domain == WMO or domain == INCOME:
        return False
    return need.state == STATE_WAITING or (domain == VT and need.state == STATE_IN_CARE)


def worst_at_risk(fam: Family) -> int:
    """The severity of the family's most severe need at risk (0: none at risk). A loop, not
    `max` over a generator (see families.most_severe)."""
    severity = 0
    for n in fam.needs:
        if n.severity > severity and at_risk(n):
            severity = n.severity
    return severity


class Escalation:
    # Incidents further ahead than this are armed only if the family is still at risk then.
    # Most needs reach care within weeks, so most far-off incidents never happen; keeping
    # them out of the event queue keeps it small. Timing stays exact: an incident at time T
    # is always handled at T.
    ARM_AFTER_DAYS = 60.0

    def __init__(self, model: Model) -> None:
        self.model = model
        self.cfg = model.scenario.escalation
        self.rate_per_day = [r / 365.0 for r in self.cfg.incident_rate_while_waiting_per_year]
        self._pending: dict[int, list[tuple[float, Family, int]]] = {}  # day -> incidents to arm

    def watch(self, t: float, fam: Family, unit_exponential: float | None = None) -> None:
        """(Re)start the family's incident clock at the rate of its most severe need at risk.

        One clock per family, not per need: a family in crisis has incidents, not each of its
        problems separately, and a report about a family already in Veilig Thuis's hands is a
        follow-up on that case, not a new need with a clock of its own. (Clocks per need let
        reports breed reports once Veilig Thuis queued: the model ran away.) Restarting is
        exact because the waiting time to an incident is memoryless.
        """
        fam.clock += 1
        severity = worst_at_risk(fam)
        rate = self.rate_per_day[severity - 1] if severity else 0.0
        if rate <= 0:
            return
        m = self.model
        e = float(m.rng.exponential()) if unit_exponential is None else unit_exponential
        when = t + e / rate
        if when >= m.end_day:
            return
        if when - t <= self.ARM_AFTER_DAYS:
            m.schedule(when, self.on_incident, (fam, fam.clock))
            return
        day = int(t + self.ARM_AFTER_DAYS)
        bucket = self._pending.get(day)
        if bucket is None:
            bucket = self._pending[day] = []
            m.schedule(float(day), self._arm, day)
        bucket.append((when, fam, fam.clock))

    def _arm(self, t: float, day: int) -> None:
        for when, fam, clock in self._pending.pop(day):
            if clock == fam.clock and any(at_risk(n) for n in fam.needs):
                self.model.schedule(when, self.on_incident, (fam, clock))

    def on_incident(self, t: float, clocked: tuple[Family, int]) -> None:
        """An incident while the family waits or is investigated: its waiting needs get worse
        and, in a family with a safety problem, someone reports it to Veilig Thuis."""
        fam, clock = clocked
        if clock != fam.clock:
            return  # the clock was restarted since
        if not any(at_risk(n) for n in fam.needs):
            return
        waiting = [n for n in fam.needs if n.state == STATE_WAITING]
        m = self.model
        for need in waiting:
            if need.severity < 3:
                need.severity += 1
                m.log.need_record(t, KIND_ESCALATION, need, detail=need.severity,
                                  aux=CAUSE_WAITING)  # fmt: skip
        if not fam.safety:
            self.watch(t, fam)
            return
        vt = m.serving(VT, fam.municipality)
        if open_at(fam, vt):  # Veilig Thuis has the family already: a follow-up report
            m.signals.follow_up(t, fam, vt)
            self.watch(t, fam)
        else:  # known before (a repeat report) or never (a first one): a new safety need
            report = m.new_need(t, fam, VT, worst_at_risk(fam), m.fresh_luck())
            m.signals.signal(t, fam, [report], via_vt=True)  # restarts the clock

    def on_need_closed(self, t: float, need: Need) -> None:
        cfg = self.cfg
        if need.outcome == OUTCOME_RESOLVED:
            p = cfg.recurrence_after_success
        elif need.outcome == OUTCOME_DROPPED:
            p = cfg.recurrence_after_dropout
        else:
            p = cfg.recurrence_after_failure
        if need.preventive:
            p *= 1 - cfg.preventive_effect
        if need.recurrence_uniform < p:
            delay = need.recurrence_unit_exponential * cfg.recurrence_mean_days
            self.model.schedule(t + delay, self.on_recurrence, need)

    def on_recurrence(self, t: float, old: Need) -> None:
        m = self.model
        fam = old.family
        resolved = old.outcome == OUTCOME_RESOLVED
        severity = old.severity if resolved else min(3, old.severity + 1)
        need = m.new_need(t, fam, old.domain, severity, m.fresh_luck())
        via_vt = old.domain == VT and m.rng.random() < m.scenario.families.vt_entry_share
        m.signals.signal(t, fam, [need], via_vt=via_vt)
        if severity > old.severity:
            m.log.need_record(t, KIND_ESCALATION, need, detail=severity,
                              aux=CAUSE_RECURRENCE)  # fmt: skip
