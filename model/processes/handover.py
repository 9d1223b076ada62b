"""Handover: where a case leaves one organisation for another, and what that costs.

Triage decides which needs an organisation keeps and which it hands over, and to whom.
A handover costs the sender administration (re-typing into the receiver's form) or a
joint first contact, takes a transfer latency, lands in the receiver's queue and, unless
information travels with the case, means a full new intake. Any handover may lose
information; crossing into another rule book (other forms and codes for this family)
adds to that chance and to the sender's paperwork; crossing a region border (catchments
that do not nest) or a province border adds latency and loss; a handover to a
supra-regional provider of specialised care (bought by organisations below the minimum
scale) adds its own latency.

Familiarity acts on every handover: a sender who knows the receiving organisation, from
joint cases (1 - exp(-cases / scale)) or as a boundary spanner, saves part of the
transfer latency and all the border latency, and loses less. What a professional knows
of a partner fades as colleagues leave (`workforce.turnover_per_year`), so familiarity
needs a steady flow of shared cases: one spread over many partners stays thin. What each
protocol changes is in protocols.py; this module applies it.

Onward referral: when care for a need ends, a domain may find a need in another domain
and hand it on (`onward_referral`, per receiving domain; all zero by default). The new
need arises at that moment, keeps the family's episode and severity, and travels as any
handover does. With fixed probabilities this makes the organisations a Jackson network,
which `validation.py` checks against its analytic waits.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from model.agents.families import most_severe, open_at
from model.agents.organisations import Case
from model.records.events import AdminReason, HandoverFlag, Kind
from model.vocabulary import DOMAINS, SHELTER, VT, WIJKTEAM, YOUTH, CasePhase, IntakeKind

if TYPE_CHECKING:
    from model.agents.families import Family, Need
    from model.agents.organisations import Organisation, Professional
    from model.processes.interface import Model

# The handover flags as plain ints, which a handover tests and combines: an operation on an
# IntFlag member runs Python code (~3 us, against ~0.06 us on ints).
REGION_BORDER = int(HandoverFlag.REGION_BORDER)
PROVINCE_BORDER = int(HandoverFlag.PROVINCE_BORDER)
PLACED_ELSEWHERE = int(HandoverFlag.PLACED_ELSEWHERE)
RULE_BOOK = int(HandoverFlag.RULE_BOOK)
SPECIALIST = int(HandoverFlag.SPECIALIST)
# Enum members as module globals, for the per-event code below (why: see care.py).
KIND_NEED, KIND_ADMIN, KIND_COORDINATION = Kind.NEED, Kind.ADMIN, Kind.COORDINATION
KIND_HANDOVER_SENT, KIND_HANDOVER_RECEIVED = Kind.HANDOVER_SENT, Kind.HANDOVER_RECEIVED
PHASE_INTAKE = CasePhase.INTAKE
INTAKE_FULL = IntakeKind.FULL
ADMIN_RETYPING = AdminReason.RETYPING


class Handovers:
    def __init__(self, model: Model) -> None:
        self.model = model
        sc = model.scenario
        self.protocol = sc.active_protocol
        self.cfg = sc.handover
        self.domains = [sc.domains[d] for d in DOMAINS]
        self.wijkteam_mandate = sc.domains.wijkteam.youth_mandate_max_severity
        self.preventive = sc.escalation.preventive_support
        # (professional pid, organisation oid) -> (joint cases as remembered, on day): what is
        # remembered fades at the turnover rate, brought up to date when read or added to.
        self.joint: dict[tuple[int, int], tuple[float, float]] = {}
        self.fade_per_day = -math.log1p(-sc.workforce.turnover_per_year) / 365.0
        # A need is specialised when moderate or severe and in the tail of its care length.
        self.specialised_from = [1.0 - sc.domains[d].specialised_share for d in DOMAINS]
        self._border: dict[tuple[int, int], int] = {}
        # Per sending domain: cumulative onward probabilities, or None when it never refers on.
        self.onward_cum: list[np.ndarray | None] = []
        for d in DOMAINS:
            p = np.array([sc.domains[d].onward_referral[e] for e in DOMAINS])
            self.onward_cum.append(np.cumsum(p) if p.sum() > 0 else None)

    # ------------------------------------------------------------------ triage
    def handled_here(self, org: Organisation, need: Need) -> bool:
        """Within this organisation's mandate: its own domain, the columns it serves as the
        one social team, or mild youth needs at the wijkteam."""
        if need.domain == org.domain or need.domain in org.column_cfgs:
            return True
        if org.domain == WIJKTEAM and need.domain == YOUTH:
            return need.severity <= self.wijkteam_mandate or (
                self.preventive and need.severity == 1
            )
        return False

    def target(self, org: Organisation, need: Need, family: Family) -> Organisation:
        """Where a need goes: after Veilig Thuis via the wijkteam, unless it is severe (the
        child-protection route) or the protocol sends it straight on; to a shelter elsewhere
        for safety; otherwise to the organisation that serves the family's municipality."""
        m = self.model
        if (
            org.domain == VT
            and not self.protocol.direct_referral
            and need.domain not in (SHELTER, VT)
            and need.severity < 3
        ):
            return m.serving(WIJKTEAM, family.municipality)
        if (
            need.domain == SHELTER
            and family.placement_uniform < self.domains[SHELTER].placement_outside_region_share
        ):
            to = m.shelter_elsewhere(family.municipality)
        else:
            to = m.serving(need.domain, family.municipality)
        if to.buys_specialised and self.specialised(need):
            return m.specialist(need.domain)
        return to

    def specialised(self, need: Need) -> bool:
        """Needs a specialised function: moderate or severe, and among the longest of its
        domain (the tail of the care-length quantile; no random draw of its own)."""
        return (
            need.severity >= 2 and need.care_length_quantile >= self.specialised_from[need.domain]
        )

    def leaves_now(self, org: Organisation, need: Need) -> bool:
        """Urgent needs and shelter leave at once; others wait for the sender's own work when
        its domain hands over after care and the protocol does not plan in parallel."""
        if self.protocol.handover_after_intake or need.domain == SHELTER or need.severity == 3:
            return True
        return not self.domains[org.domain].hands_over_after_care

    def onward(self, t: float, case: Case) -> list[tuple[Need, Organisation]]:
        """Needs found during the care that just ended, each with the organisation it goes to.

        One draw from `model.rng` per need cared for, and none at all in a domain that never
        refers on, so scenarios without onward referral keep their random streams.
        """
        cum = self.onward_cum[case.org.domain]
        if cum is None:
            return []
        m = self.model
        fam = case.family
        out = []
        for n in case.own:
            domain = int(np.searchsorted(cum, m.rng.random(), side="right"))
            if domain >= len(DOMAINS):
                continue
            need = m.new_need(t, fam, domain, n.severity, m.fresh_luck())
            need.episode = case.episode
            m.log.need_record(t, KIND_NEED, need, detail=need.severity, case=case.id,
                              org=case.org.oid)  # fmt: skip
            out.append((need, self.target(case.org, need, fam)))
        if out:
            m.escalation.watch(t, fam, out[0][0].incident_unit_exponential)
        return out

    # ------------------------------------------------------------------ borders and familiarity
    def border(self, a: Organisation, b: Organisation) -> int:
        """The borders between two organisations' catchments, as HandoverFlag bits in an int
        (whether a placement is elsewhere depends on the family, so `send` adds that bit)."""
        key = (a.oid, b.oid)
        flags = self._border.get(key)
        if flags is None:
            nested = a.catchment_set <= b.catchment_set or b.catchment_set <= a.catchment_set
            flags = (0 if nested else REGION_BORDER) | (
                PROVINCE_BORDER if a.province != b.province else 0
            )
            self._border[key] = self._border[(b.oid, a.oid)] = flags
        return flags

    def familiarity(self, t: float, p: Professional, org: Organisation) -> float:
        """How well a professional knows an organisation (0..1) on day t."""
        known = 1.0 - math.exp(
            -self.joint_cases(t, p.pid, org.oid) / self.cfg.familiarity_cases_scale
        )
        if p.boundary_spanner:
            return max(known, self.cfg.boundary_spanner_familiarity)
        return known

    def joint_cases(self, t: float, pid: int, oid: int) -> float:
        """Joint cases a professional remembers with an organisation, faded to day t."""
        entry = self.joint.get((pid, oid))
        if entry is None:
            return 0.0
        cases, since = entry
        return cases * math.exp(-self.fade_per_day * (t - since))

    def learn(self, t: float, case: Case, receiver: Professional) -> None:
        """A joint case: sender and receiver each know the other's organisation a little better."""
        sender = case.sender
        if sender is None or sender.professional is None:
            return
        for pid, oid in ((sender.professional.pid, case.org.oid), (receiver.pid, sender.org.oid)):
            self.joint[(pid, oid)] = (self.joint_cases(t, pid, oid) + 1.0, t)

    def forget(self, pids: set[int] | None = None, oids: set[int] | None = None) -> None:
        """Tear the familiarity network (a reorganisation moves people and dissolves organisations)."""
        self.joint = {
            k: v
            for k, v in self.joint.items()
            if not ((pids and k[0] in pids) or (oids and k[1] in oids))
        }
        self._border.clear()

    # ------------------------------------------------------------------ sending
    def send(self, t: float, sender: Case, needs: list[Need], receiver: Organisation) -> None:
        """Hand needs from a sender's case to another organisation."""
        m = self.model
        fam = sender.family
        log = m.log
        for other in open_at(fam, receiver):
            # on its way, waiting or in intake there: the needs join it
            if other.phase <= PHASE_INTAKE:
                other.needs.extend(needs)
                other.priority = max(other.priority, most_severe(needs))
                self._log_sent(t, sender, needs[0].id, other.id, 0.0, receiver.oid)
                return
        proto = self.protocol
        cfg = self.cfg
        flags = self.border(sender.org, receiver)
        mun = fam.municipality
        if m.book_of(sender.org, mun) != m.book_of(receiver, mun):
            flags |= RULE_BOOK
        f = self.familiarity(t, sender.professional, receiver)
        latency = proto.transfer_latency_days * (1 - cfg.familiarity_latency_effect * f)
        if proto.municipal_decision:  # youth care, Wmo, work and income: a decision first
            latency += self.domains[receiver.domain].decision_latency_days
        if receiver.specialist:
            flags |= SPECIALIST
            latency += cfg.specialised_latency_days
        p_loss = cfg.info_loss_prob
        admin = proto.sender_admin_hours
        if flags & RULE_BOOK:
            p_loss += cfg.rule_book_info_loss_prob
            admin += cfg.rule_book_crossing_admin_hours
        if flags & REGION_BORDER:
            latency += cfg.region_border_latency_days * (1 - f)
            p_loss += cfg.region_border_info_loss_prob
        if flags & PROVINCE_BORDER:
            latency += cfg.province_border_latency_days * (1 - f)
            p_loss += cfg.province_border_info_loss_prob
        if most_severe(needs) == 3:  # a crisis: the organisations act at once
            latency *= cfg.crisis_latency_factor
        rng = m.rng
        if latency > 0:
            latency = float(rng.gamma(cfg.latency_shape, latency / cfg.latency_shape))
        info_lost = bool(rng.random() < min(1.0, p_loss) * (1 - f)) if p_loss > 0 else False
        intake = INTAKE_FULL if info_lost else proto.receiver_intake
        if receiver.oid != m.serving(receiver.domain, fam.municipality).oid:
            flags |= PLACED_ELSEWHERE
        case = Case(m.new_id("case"), fam, receiver, list(needs), sender.episode, intake,
                    sender=sender, info_lost=info_lost, border=flags)  # fmt: skip
        case.familiarity = f
        fam.open_cases.append(case)
        need_id = needs[0].id
        self._log_sent(t, sender, need_id, case.id, latency, receiver.oid)
        if admin > 0:
            log.case_record(t, KIND_ADMIN, sender, need=need_id, value=admin,
                            detail=ADMIN_RETYPING)  # fmt: skip
        if proto.joint_contact_hours > 0:  # one other organisation: the receiver
            log.case_record(t, KIND_COORDINATION, sender, need=need_id,
                            value=proto.joint_contact_hours, detail=1)  # fmt: skip
        sender.extra_hours += admin + proto.joint_contact_hours
        m.schedule(t + latency, self.receive, case)

    def _log_sent(self, t: float, sender: Case, need: int, receiving_case: int, latency: float,
                  receiver: int) -> None:  # fmt: skip
        """`handover_sent` is the sender's record (org, professional) of the receiving case."""
        fam = sender.family
        self.model.log.record(t, KIND_HANDOVER_SENT, family=fam.id, need=need,
                              episode=sender.episode, case=receiving_case, org=sender.org.oid,
                              professional=sender.professional.pid, municipality=fam.municipality,
                              domain=sender.org.domain, value=latency, detail=receiver)  # fmt: skip

    def receive(self, t: float, case: Case) -> None:
        self.model.log.case_record(t, KIND_HANDOVER_RECEIVED, case, need=case.needs[0].id,
                                   value=case.familiarity, detail=case.sender.org.oid,
                                   aux=case.border)  # fmt: skip
        self.model.care.admit(t, case)
