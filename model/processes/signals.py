"""Signals: needs come to light, at the wijkteam (the family, a school, a GP) or as a
report to Veilig Thuis (melding), and a case opens for them.

A report about a family is a first report, a repeat report (hermelding: the family was
known to Veilig Thuis before) or a follow-up (its case there is still open). New needs of
a family whose case at that organisation has not been triaged yet join that case.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from model.agents.organisations import INTAKE, Case
from model.records.events import FIRST, FOLLOW_UP, NOT_VT, REPEAT, Kind
from model.vocabulary import VT, WIJKTEAM

if TYPE_CHECKING:
    from model.agents.families import Family, Need
    from model.agents.organisations import Organisation
    from model.processes.interface import Model


class Signals:
    def __init__(self, model: Model) -> None:
        self.model = model
        self.log = model.log

    def signal(
        self, t: float, fam: Family, needs: list[Need], via_vt: bool, source: int | None = None
    ) -> None:
        """Needs come to light: a report to Veilig Thuis or a family at the wijkteam."""
        m = self.model
        episode = m.new_id("episode")
        log = self.log
        for n in needs:
            n.episode = episode
            log.need_record(t, Kind.NEED, n, detail=n.severity)
            if n.domain == VT:
                fam.safety = True
        m.escalation.watch(t, fam, needs[0].e_incident)
        org = m.serving(VT if via_vt else WIJKTEAM, fam.municipality)
        open_here = fam.open_cases.get(org.oid)
        report = NOT_VT
        if via_vt:
            report = FOLLOW_UP if open_here else (REPEAT if fam.known_to_vt else FIRST)
            fam.known_to_vt = True
        if source is None:
            source = m.stream.source_of(float(m.rng.random()), via_vt)
        log.record(t, Kind.SIGNAL, fam.id, needs[0].id, episode, -1, org.oid, -1, fam.municipality,
                   org.domain, 0.0, source, report)  # fmt: skip
        for existing in open_here or ():
            if existing.phase <= INTAKE:  # not triaged yet: the new needs join it
                existing.needs.extend(needs)
                return
        case = Case(m.new_id("case"), fam, org, needs, episode, "short" if open_here else "full")
        fam.open_cases.setdefault(org.oid, []).append(case)
        m.care.admit(t, case)

    def follow_up(self, t: float, fam: Family, vt: Organisation) -> None:
        """A new report about a family whose Veilig Thuis case is open: it adds to that case."""
        m = self.model
        source = m.stream.source_of(float(m.rng.random()), True)
        self.log.record(t, Kind.SIGNAL, fam.id, -1, m.new_id("episode"), -1, vt.oid, -1,
                        fam.municipality, vt.domain, 0.0, source, FOLLOW_UP)  # fmt: skip
