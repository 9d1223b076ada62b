"""Signals: needs come to light, at a column's front door (the wijkteam, or the Wmo or
Work & Income team for a family whose needs are all theirs) or as a report to Veilig
Thuis (melding), and a case opens for them.

A report about a family is a first report, a repeat report (hermelding: the family was
known to Veilig Thuis before) or a follow-up (its case there is still open). New needs of
a family whose case at that organisation has not been triaged yet join that case.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from model.agents.families import open_at
from model.agents.organisations import Case
from model.records.events import Kind, ReportType
from model.vocabulary import INCOME, VT, WIJKTEAM, WMO, CasePhase, IntakeKind

if TYPE_CHECKING:
    from model.agents.families import Family, Need
    from model.agents.organisations import Organisation
    from model.processes.interface import Model

# Enum members as module globals, for the per-event code below (why: see care.py).
KIND_NEED, KIND_SIGNAL = Kind.NEED, Kind.SIGNAL
REPORT_NOT_VT, REPORT_FIRST = ReportType.NOT_VT, ReportType.FIRST
REPORT_REPEAT, REPORT_FOLLOW_UP = ReportType.REPEAT, ReportType.FOLLOW_UP
PHASE_INTAKE = CasePhase.INTAKE
INTAKE_FULL, INTAKE_SHORT = IntakeKind.FULL, IntakeKind.SHORT


def front_door(needs: list[Need]) -> int:
    """The domain whose team a family goes to first: the wijkteam, unless every need is of
    the Wmo or the Work & Income column, then that column's own team (the first need's).
    With integrated columns that team is the social team anyway."""
    for n in needs:
        if n.domain != WMO and n.domain != INCOME:
            return WIJKTEAM
    return needs[0].domain


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
            log.need_record(t, KIND_NEED, n, detail=n.severity)
            if n.domain == VT:
                fam.safety = True
        m.escalation.watch(t, fam, needs[0].incident_unit_exponential)
        org = m.serving(VT if via_vt else front_door(needs), fam.municipality)
        open_here = open_at(fam, org)
        report = REPORT_NOT_VT
        if via_vt:
            if open_here:
                report = REPORT_FOLLOW_UP
            else:
                report = REPORT_REPEAT if fam.known_to_vt else REPORT_FIRST
            fam.known_to_vt = True
        if source is None:
            source = m.stream.source_of(float(m.rng.random()), via_vt)
        log.record(t, KIND_SIGNAL, family=fam.id, need=needs[0].id, episode=episode, org=org.oid,
                   municipality=fam.municipality, domain=org.domain, detail=source,
                   aux=report)  # fmt: skip
        for existing in open_here:
            if existing.phase <= PHASE_INTAKE:  # not triaged yet: the new needs join it
                existing.needs.extend(needs)
                return
        intake = INTAKE_SHORT if open_here else INTAKE_FULL
        case = Case(m.new_id("case"), fam, org, needs, episode, intake)
        fam.open_cases.append(case)
        m.care.admit(t, case)

    def follow_up(self, t: float, fam: Family, vt: Organisation) -> None:
        """A new report about a family whose Veilig Thuis case is open: it adds to that case."""
        m = self.model
        source = m.stream.source_of(float(m.rng.random()), True)
        self.log.record(t, KIND_SIGNAL, family=fam.id, episode=m.new_id("episode"), org=vt.oid,
                        municipality=fam.municipality, domain=vt.domain, detail=source,
                        aux=REPORT_FOLLOW_UP)  # fmt: skip
