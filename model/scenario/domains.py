"""The task columns of the social domain (wijkteam, youth care, Veilig Thuis, shelter, Wmo
support, work and income): incidence, staffing, intake, care and cost, each with its
source."""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
from pydantic import (
    field_validator,
    model_validator,
)

from model.scenario.base import (
    ASSUMPTION,
    SRC_AZW_ADMIN,
    SRC_STAFFING,
    P,
    Strict,
    merge_named_defaults,
)
from model.vocabulary import DOMAINS

# ----------------------------------------------------------------------------- domains
Triple = tuple[float, float, float]


class DomainConfig(Strict):
    """One task column: how often its needs arise, what serving them takes, what it costs."""

    incidence_per_1000_per_year: float = P(
        1.0,
        unit="needs per 1000 inhabitants per year",
        source=ASSUMPTION,
        ge=0,
        le=1000,
        doc="new needs in this domain (a family may have several)",
    )
    severity_shares: Triple = P(
        (0.4, 0.4, 0.2),
        unit="shares (mild, moderate, severe)",
        source=ASSUMPTION,
        doc="how severe a new need is",
    )
    intake_hours: float = P(
        3.0,
        unit="hours",
        source=ASSUMPTION,
        ge=0,
        le=200,
        doc="a full intake: the family tells its story",
    )
    short_intake_hours: float = P(
        1.0,
        unit="hours",
        source=ASSUMPTION,
        ge=0,
        le=200,
        doc="an intake when the information travelled with the case",
    )
    registration_admin_hours: float = P(
        1.5,
        unit="hours",
        source=ASSUMPTION,
        ge=0,
        le=200,
        doc="filling in this organisation's own intake form",
    )
    care_hours_per_week: float = P(
        2.0,
        unit="hours/week",
        source=ASSUMPTION,
        gt=0,
        le=80,
        doc="a professional's weekly time for one case (sets the caseload)",
    )
    care_admin_share: float = P(
        0.25,
        unit="share",
        source=SRC_AZW_ADMIN,
        ge=0,
        lt=1,
        doc="share of a case's care time spent on reports and accountability",
    )
    care_weeks_mean: Triple = P(
        (8.0, 20.0, 40.0),
        unit="weeks (mild, moderate, severe)",
        source=ASSUMPTION,
        doc="mean length of care",
    )
    care_weeks_cv: float = P(
        0.8,
        unit="coefficient of variation",
        source=ASSUMPTION,
        ge=0,
        le=5,
        doc="spread of care length (lognormal); 1 with care_distribution='exponential'",
    )
    care_distribution: Literal["lognormal", "exponential", "deterministic"] = P(
        "lognormal", unit="-", source=ASSUMPTION, doc="distribution of care length"
    )
    success_probability: Triple = P(
        (0.85, 0.7, 0.55),
        unit="probability (mild, moderate, severe)",
        source=ASSUMPTION,
        doc="chance care resolves the need when it starts right after the incident",
    )
    fte_per_100k: float = P(
        10.0,
        unit="FTE per 100,000 inhabitants",
        source=ASSUMPTION,
        ge=0,
        le=10_000,
        doc="case-carrying staff of this domain",
    )
    team_fte: float = P(
        10.0,
        unit="FTE",
        source=ASSUMPTION,
        gt=0,
        le=10_000,
        doc="size of a team; queues and caseloads are per team of neighbouring municipalities",
    )
    hourly_cost_eur: float = P(
        85.0,
        unit="EUR/hour",
        source=ASSUMPTION,
        ge=0,
        le=10_000,
        doc="full cost of a professional hour",
    )
    day_cost_eur: float = P(
        0.0,
        unit="EUR/day",
        source=ASSUMPTION,
        ge=0,
        le=100_000,
        doc="accommodation cost per day in care (shelter)",
    )
    visits_per_week: float = P(
        0.5,
        unit="visits/week",
        source=ASSUMPTION,
        ge=0,
        le=14,
        doc="home visits per case-week; travel time grows with the catchment",
    )
    decision_latency_days: float = P(
        0.0,
        unit="days",
        source=ASSUMPTION,
        ge=0,
        le=365,
        doc="municipal decision before care may start (when the protocol needs one)",
    )
    placement_outside_region_share: float = P(
        0.0,
        unit="share",
        source=ASSUMPTION,
        ge=0,
        le=1,
        doc="placements with an organisation of another region (shelter: for safety)",
    )
    specialised_share: float = P(
        0.0,
        unit="share of moderate and severe needs",
        source=ASSUMPTION,
        ge=0,
        le=1,
        doc="needs that need a specialised function: the longest of the moderate and severe "
        "needs (the tail of their care length)",
    )
    specialised_min_population: float = P(
        100_000.0,
        unit="inhabitants",
        source="assumption inside Blank 2019's optimal scales (~20k, 40-65k, ~460k inhabitants "
        "by task); the 2015 regions were formed for scarce expertise",
        ge=0,
        le=1e8,
        doc="an organisation with a smaller catchment buys its specialised care from a "
        "supra-regional provider",
    )
    hands_over_after_care: bool = P(
        False,
        unit="-",
        source=ASSUMPTION,
        doc="non-urgent handovers leave after this organisation's own work",
    )
    youth_mandate_max_severity: int = P(
        0,
        unit="severity 0-3",
        source=ASSUMPTION,
        ge=0,
        le=3,
        doc="youth needs up to this severity are helped here without a handover (wijkteam)",
    )
    onward_referral: dict[str, float] = P(
        dict.fromkeys(DOMAINS, 0.0),
        unit="probability per need, by receiving domain",
        source=ASSUMPTION,
        doc="when care for a need ends, the chance that a need in another domain was found and is handed on there (at most 1 in all)",
    )

    @field_validator("onward_referral", mode="before")
    @classmethod
    def _onward_defaults(cls, value: Any) -> Any:
        """A scenario names only the domains it refers on to; the others are 0."""
        if isinstance(value, dict):
            return {**dict.fromkeys(DOMAINS, 0.0), **value}
        return value

    @field_validator("onward_referral", mode="after")
    @classmethod
    def _onward_probabilities(cls, onward: dict[str, float]) -> dict[str, float]:
        if set(onward) - set(DOMAINS):
            unknown = ", ".join(sorted(set(onward) - set(DOMAINS)))
            raise ValueError(f"unknown domain {unknown} (allowed: {', '.join(DOMAINS)})")
        if min(onward.values()) < 0 or sum(onward.values()) > 1 + 1e-9:
            raise ValueError("must be probabilities in [0, 1] summing to at most 1")
        return onward

    @model_validator(mode="after")
    def _shares(self) -> DomainConfig:
        if abs(sum(self.severity_shares) - 1.0) > 1e-6 or min(self.severity_shares) < 0:
            raise ValueError("severity_shares must be three non-negative shares summing to 1")
        if not all(0 <= p <= 1 for p in self.success_probability):
            raise ValueError("success_probability must be three probabilities in [0, 1]")
        if min(self.care_weeks_mean) < 0:
            raise ValueError("care_weeks_mean must be non-negative")
        return self


def _sourced(**pairs: tuple[Any, str]) -> dict[str, tuple[Any, str]]:
    return pairs


# Defaults per domain as (value, source). Anything not listed takes DomainConfig's default.
DOMAIN_DEFAULTS: dict[str, dict[str, tuple[Any, str]]] = {
    "wijkteam": _sourced(
        incidence_per_1000_per_year=(14.0, ASSUMPTION),
        severity_shares=(
            (0.6, 0.3, 0.1),
            "BZK/LPBL sociale-wijkteam tool (~2016): heaviest 5 %, vulnerable 15 %, others 80 % of households",
        ),
        intake_hours=(2.0, ASSUMPTION),
        short_intake_hours=(0.5, ASSUMPTION),
        registration_admin_hours=(1.0, ASSUMPTION),
        care_hours_per_week=(
            1.0,
            "BZK/LPBL sociale-wijkteam tool: 30-40 vulnerable households per FTE",
        ),
        care_weeks_mean=(
            (10.0, 26.0, 52.0),
            "Van der Zwaan (ABJ 2020): 70 % of wijkteam youth trajectories close within a year",
        ),
        fte_per_100k=(44.0, SRC_STAFFING),
        hourly_cost_eur=(75.0, ASSUMPTION),
        visits_per_week=(0.5, ASSUMPTION),
        youth_mandate_max_severity=(
            1,
            "CBS Jeugdhulp 1e halfjaar 2023: about 15 % of youth-care users helped by a wijkteam",
        ),
    ),
    "youth": _sourced(
        incidence_per_1000_per_year=(
            12.5,
            "calibrated to CBS Jeugdmonitor 2024: 474 thousand young people (10.6 %) in youth "
            "care in 2023 (docs/calibration.md)",
        ),
        severity_shares=(
            (0.25, 0.55, 0.2),
            "calibrated: the mild share sets the wijkteam's share of youth care, about 15 % (CBS, "
            "Jeugdhulp 1e halfjaar 2023); CBS 2023: 41 of 474 thousand with residential stay",
        ),
        intake_hours=(4.0, ASSUMPTION),
        short_intake_hours=(1.0, ASSUMPTION),
        registration_admin_hours=(2.0, ASSUMPTION),
        care_hours_per_week=(
            2.0,
            "child-protection caseload ~18 families per FTE (FNV survey 2022)",
        ),
        care_admin_share=(0.30, SRC_AZW_ADMIN),
        care_weeks_mean=((12.0, 30.0, 52.0), ASSUMPTION),
        fte_per_100k=(
            75.0,
            "calibrated near saturation (DESIGN.md, Saturation): days from need to youth care "
            "inside 42-98 (sdsim calibrate; docs/calibration.md); CBS 2019: 27,270 FTE in "
            "youth-care organisations (156 per 100k), not all case-carrying",
        ),
        hourly_cost_eur=(
            90.0,
            "derived: Jeugdautoriteit, EUR 5.5 bn for 424 thousand clients (2019), personnel 71 %",
        ),
        visits_per_week=(1.0, ASSUMPTION),
        decision_latency_days=(14.0, "assumption; Jeugdwet allows up to 8 weeks for a decision"),
        specialised_share=(
            0.1,
            "assumption near CBS Jeugdmonitor 2024: 41 of 474 thousand young people in youth "
            "care with residential stay (9 %)",
        ),
    ),
    "vt": _sourced(
        incidence_per_1000_per_year=(
            3.4,
            "calibrated to CBS 85361NED 2023: 127,340 reports, 31.9 % first reports "
            "(docs/calibration.md)",
        ),
        severity_shares=((0.3, 0.45, 0.25), ASSUMPTION),
        intake_hours=(6.0, ASSUMPTION),
        short_intake_hours=(2.0, ASSUMPTION),
        registration_admin_hours=(2.0, ASSUMPTION),
        care_hours_per_week=(
            4.0,
            "derived: ~40 reports a year per staff member (VT Kennemerland 2019)",
        ),
        care_weeks_mean=(
            (3.0, 6.0, 10.0),
            "IGJ Dec 2023: investigation to be finished within 10 weeks",
        ),
        success_probability=(
            (0.7, 0.5, 0.35),
            "Verwey-Jonker cohort 2020: violence stops in ~30 % of families",
        ),
        fte_per_100k=(
            11.5,
            "calibrated to saturation: IGJ Dec 2023, ~4,200 of ~10,600 reports a month assessed "
            "later than 5 working days (sdsim calibrate: vt_late_share; docs/calibration.md)",
        ),
        hourly_cost_eur=(
            85.0,
            "derived: Regio Hart van Brabant, ~EUR 630 per Veilig Thuis case (2017-18)",
        ),
        visits_per_week=(0.5, ASSUMPTION),
        hands_over_after_care=(
            True,
            "IGJ 2023: Veilig Thuis assesses and investigates, then hands over to local help",
        ),
    ),
    "shelter": _sourced(
        incidence_per_1000_per_year=(1.0, ASSUMPTION),
        severity_shares=((0.2, 0.5, 0.3), ASSUMPTION),
        intake_hours=(3.0, ASSUMPTION),
        short_intake_hours=(1.0, ASSUMPTION),
        registration_admin_hours=(1.5, ASSUMPTION),
        care_hours_per_week=(4.0, ASSUMPTION),
        care_weeks_mean=(
            (8.0, 20.0, 37.0),
            "Monitor Veilige Opvang 2022-23: follow-on stay mean 259 days",
        ),
        fte_per_100k=(11.0, SRC_STAFFING),
        hourly_cost_eur=(80.0, ASSUMPTION),
        day_cost_eur=(90.0, ASSUMPTION),
        visits_per_week=(0.0, "assumption: clients live at the shelter"),
        specialised_share=(
            0.1,
            "assumption: specialised shelter (e.g. honour-related violence, trafficking)",
        ),
        placement_outside_region_share=(
            0.3,
            "assumption; DESIGN.md: women's shelters often place a woman outside her region",
        ),
    ),
    "wmo": _sourced(
        incidence_per_1000_per_year=(
            6.0,
            "assumption: adults of the model's families who need Wmo support (begeleiding, "
            "household help); CBS Monitor Sociaal Domein Wmo counts over a million users of a "
            "Wmo maatwerkvoorziening, most of them elderly and outside this model's families",
        ),
        severity_shares=((0.5, 0.35, 0.15), ASSUMPTION),
        intake_hours=(2.0, "assumption: the 'keukentafelgesprek', the Wmo's kitchen-table talk"),
        short_intake_hours=(0.5, ASSUMPTION),
        registration_admin_hours=(
            1.5,
            "assumption: a Wmo request ends in a formal decision (beschikking)",
        ),
        care_hours_per_week=(1.0, "assumption: a caseload like the wijkteam's"),
        care_weeks_mean=((12.0, 26.0, 52.0), ASSUMPTION),
        success_probability=((0.8, 0.65, 0.5), ASSUMPTION),
        fte_per_100k=(
            20.0,
            "assumption: staffed at the knee, where more staff hardly shortens the wait "
            "(26 FTE: 1 day less from signal to care; docs/calibration.md, Wmo and Work & Income)",
        ),
        hourly_cost_eur=(75.0, ASSUMPTION),
        visits_per_week=(0.3, ASSUMPTION),
        decision_latency_days=(
            14.0,
            "Wmo 2015: a decision within 2 weeks of the request (after an investigation of up "
            "to 6 weeks)",
        ),
    ),
    "income": _sourced(
        incidence_per_1000_per_year=(
            3.6,
            "calibrated to NVVK jaarverslag 2022: 75,531 requests for debt counselling (4.3 per "
            "1000 inhabitants), more via wijkteams; with recurrences the model then counts 5.0 "
            "requests per 1000 (sdsim calibrate: debt_help_requests_per_1000; "
            "docs/calibration.md)",
        ),
        severity_shares=((0.4, 0.4, 0.2), ASSUMPTION),
        intake_hours=(2.0, ASSUMPTION),
        short_intake_hours=(0.5, ASSUMPTION),
        registration_admin_hours=(
            2.0,
            "assumption: income and debts must be documented before help starts",
        ),
        care_hours_per_week=(1.0, "assumption: a caseload like the wijkteam's"),
        care_weeks_mean=(
            (8.0, 26.0, 78.0),
            "assumption; severe: a debt arrangement (schuldregeling) runs about 18 months",
        ),
        success_probability=((0.8, 0.6, 0.45), ASSUMPTION),
        fte_per_100k=(
            12.5,
            "calibrated near saturation: NVVK 2019-2022, a first talk within 11 days on average "
            "(sdsim calibrate: debt_help_wait_days; docs/calibration.md)",
        ),
        hourly_cost_eur=(75.0, ASSUMPTION),
        visits_per_week=(0.2, ASSUMPTION),
        decision_latency_days=(
            14.0,
            "assumption inside the legal maxima: Wet gemeentelijke schuldhulpverlening, a first "
            "talk within 4 weeks; Participatiewet, a decision within 8 weeks",
        ),
    ),
}


class Domains(Strict):
    wijkteam: DomainConfig
    youth: DomainConfig
    vt: DomainConfig
    shelter: DomainConfig
    wmo: DomainConfig
    income: DomainConfig

    @model_validator(mode="before")
    @classmethod
    def _merge_defaults(cls, data: Any) -> Any:
        values = {d: {k: v for k, (v, _src) in DOMAIN_DEFAULTS[d].items()} for d in DOMAINS}
        return merge_named_defaults(data, values)

    @model_validator(mode="after")
    def _onward_referrals_end(self) -> Domains:
        """Onward referrals go to another domain, and every need eventually leaves the chain."""
        for d in DOMAINS:
            if self[d].onward_referral[d] > 0:
                raise ValueError(
                    f"{d}.onward_referral.{d}: a domain refers on to other domains only"
                )
        if max(abs(np.linalg.eigvals(self.onward_matrix()))) >= 1 - 1e-9:
            raise ValueError(
                "onward_referral: the referrals form a closed loop; some need must leave the chain"
            )
        return self

    def onward_matrix(self) -> np.ndarray:
        """Routing probabilities between domains at the end of care (rows: from, columns: to)."""
        return np.array([[self[d].onward_referral[e] for e in DOMAINS] for d in DOMAINS])

    def __getitem__(self, domain: str) -> DomainConfig:
        return getattr(self, domain)
