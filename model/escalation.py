"""Escalation: incidents while a need waits, needs that come back, repeat reports.

While a need waits for care, new incidents happen at a rate that grows with severity;
each makes the need more severe and, in a family with a safety problem, is reported to
Veilig Thuis again (a follow-up during an open case, or a repeat report, hermelding).
When care ends, or the family drops out, the need may come back later, more severe if it
was not resolved; preventive support makes mild needs come back less often.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .domains import VT
from .events import Kind
from .families import DROPPED, RESOLVED, WAITING, Need

if TYPE_CHECKING:
    from .engine import SocialDomainModel


class Escalation:
    # Incidents further ahead than this are armed only if the need is still waiting by then.
    # Most needs reach care within weeks, so most far-off incidents never happen; keeping
    # them out of the event heap keeps it small. Timing stays exact: an incident at time T
    # is always handled at T.
    ARM_AFTER_DAYS = 60.0

    def __init__(self, model: SocialDomainModel) -> None:
        self.model = model
        self.cfg = model.scenario.escalation
        self.rate_per_day = [r / 365.0 for r in self.cfg.incident_rate_while_waiting_per_year]
        self._pending: dict[int, list[tuple[float, Need]]] = {}  # day -> incidents to arm then

    def watch(self, t: float, need: Need, unit_exponential: float) -> None:
        """Schedule the next incident of a waiting need; it is ignored if care has begun by then."""
        rate = self.rate_per_day[need.severity - 1]
        if rate <= 0:
            return
        m = self.model
        when = t + unit_exponential / rate
        if when >= m.end_day:
            return
        if when - t <= self.ARM_AFTER_DAYS:
            m.schedule(when, self.on_incident, need)
            return
        day = int(t + self.ARM_AFTER_DAYS)
        bucket = self._pending.get(day)
        if bucket is None:
            bucket = self._pending[day] = []
            m.schedule(float(day), self._arm, day)
        bucket.append((when, need))

    def _arm(self, t: float, day: int) -> None:
        for when, need in self._pending.pop(day):
            if need.state == WAITING:
                self.model.schedule(when, self.on_incident, need)

    def on_incident(self, t: float, need: Need) -> None:
        if need.state != WAITING:
            return
        m = self.model
        fam = need.family
        if need.severity < 3:
            need.severity += 1
            m.log.need_record(t, Kind.ESCALATION, need, detail=need.severity, aux=1)
        if fam.safety:
            report = m.new_need(t, fam, VT, need.severity, m.fresh_luck())
            m.signal(t, fam, [report], via_vt=True)
        self.watch(t, need, float(m.rng.exponential()))

    def on_need_closed(self, t: float, need: Need) -> None:
        cfg = self.cfg
        if need.outcome == RESOLVED:
            p = cfg.recurrence_after_success
        elif need.outcome == DROPPED:
            p = cfg.recurrence_after_dropout
        else:
            p = cfg.recurrence_after_failure
        if need.preventive:
            p *= 1 - cfg.preventive_effect
        if need.u_recur < p:
            self.model.schedule(
                t + need.e_recur * cfg.recurrence_mean_days, self.on_recurrence, need
            )

    def on_recurrence(self, t: float, old: Need) -> None:
        m = self.model
        fam = old.family
        severity = old.severity if old.outcome == RESOLVED else min(3, old.severity + 1)
        need = m.new_need(t, fam, old.domain, severity, m.fresh_luck())
        via_vt = old.domain == VT and m.rng.random() < m.scenario.families.vt_entry_share
        m.signal(t, fam, [need], via_vt=via_vt)
        if severity > old.severity:
            m.log.need_record(t, Kind.ESCALATION, need, detail=severity, aux=2)
