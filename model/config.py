"""The validated scenario: every parameter of the model, with its unit and its source.

A scenario file (TOML) only states what differs from the defaults; it is deep-merged onto
them and validated here. Each field says its unit (in its name or its `unit`) and where
its default comes from (`source`: a publication, or the word "assumption"), so that an
advisor can defend a figure or change it. `docs/parameters.md` is generated from this
schema (`sdsim params`).
"""

from __future__ import annotations

import copy
import tomllib
from pathlib import Path
from typing import Any, Literal, get_args

import numpy as np
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from .domains import DOMAINS, PROTOCOLS, SCHEMES

ASSUMPTION = "assumption"
SRC_CBS_HOUSEHOLDS = (
    "CBS StatLine 71486NED: 8.0 million households, 17.6 million inhabitants (2022)"
)
SRC_CBS_DENSITY = "CBS: 17.6 million inhabitants on 33,700 km2 of land (2022)"
SRC_VT_POLICE = (
    "CBS Beleidsinformatie Veilig Thuis: almost 70 % of reports by police or justice (2024)"
)
SRC_AZW_ADMIN = "CBS AZW survey via Binnenlands Bestuur: youth-care workers spend 38 % of their time on administration (2021-25)"
SRC_STAFFING = "assumption: about 90 % utilisation at steady state in the patchwork default (measured over 10 simulated years)"
SRC_CAO_HOURS = "CAO Jeugdzorg / Sociaal Werk: 36 hours a week is a full-time job"


class ScenarioError(Exception):
    """A bad scenario or experiment file: one line naming file, field and what is allowed."""


def P(default: Any, *, unit: str, source: str, doc: str, **constraints: Any) -> Any:
    """A parameter: default, unit, source and a one-line reason, in one place."""
    return Field(
        default,
        description=doc,
        json_schema_extra={"unit": unit, "source": source},
        **constraints,
    )


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=True)


# ----------------------------------------------------------------------------- geography
class SyntheticGeography(Strict):
    """A made-up country for students and tests; the real one plugs into the same interface."""

    seed: int = P(
        1,
        unit="-",
        source="-",
        ge=0,
        le=2**63 - 1,
        doc="which synthetic country: fixed across replications, which vary families and events",
    )
    municipalities: int = P(
        48, unit="count", source=ASSUMPTION, ge=1, le=5000, doc="number of municipalities"
    )
    population: int = P(
        1_000_000,
        unit="inhabitants",
        source=ASSUMPTION,
        ge=1000,
        le=50_000_000,
        doc="total population, spread over the municipalities",
    )
    population_sigma: float = P(
        0.9,
        unit="log-sd",
        source="assumption, near the spread of Dutch municipal populations (1 thousand to 0.9 million)",
        ge=0,
        le=3,
        doc="spread of municipality sizes (lognormal sigma)",
    )
    density_per_km2: float = P(
        520.0,
        unit="inhabitants/km2",
        source=SRC_CBS_DENSITY,
        gt=0,
        doc="sets the size of the square country, hence travel distances",
    )
    provinces: int = P(3, unit="count", source=ASSUMPTION, ge=1, le=100, doc="number of provinces")
    youth_regions: int = P(
        7,
        unit="count",
        source="scaled from 42 youth-care regions for 342 municipalities (CBS 2023)",
        ge=1,
        le=5000,
        doc="youth-care regions in the patchwork scheme",
    )
    vt_regions: int = P(
        4,
        unit="count",
        source="scaled from 25 Veilig Thuis regions for 342 municipalities (CBS 2023)",
        ge=1,
        le=5000,
        doc="Veilig Thuis regions in the patchwork scheme",
    )
    shelter_regions: int = P(
        6,
        unit="count",
        source="scaled from ~43 centrumgemeenten for shelter (VNG)",
        ge=1,
        le=5000,
        doc="shelter regions in the patchwork scheme",
    )
    misalignment: float = P(
        0.8,
        unit="0..1",
        source="assumption: more misaligned than the 2023 map, where 2 of 42 youth regions straddle Veilig Thuis regions",
        ge=0,
        le=1,
        doc="0: every domain's regions nest in one another; 1: drawn independently (inside provinces)",
    )

    @model_validator(mode="after")
    def _regions_fit(self) -> SyntheticGeography:
        for field in ("provinces", "youth_regions", "vt_regions", "shelter_regions"):
            if getattr(self, field) > self.municipalities:
                raise ValueError(f"{field} must be <= municipalities ({self.municipalities})")
        for field in ("youth_regions", "vt_regions", "shelter_regions"):
            if getattr(self, field) < self.provinces:
                raise ValueError(
                    f"{field} must be >= provinces ({self.provinces}): regions lie inside provinces"
                )
        return self


class SchemeOptions(Strict):
    centralised_level: Literal["province", "national"] = P(
        "province",
        unit="-",
        source="DESIGN.md: one organisation per domain per province (or nationally)",
        doc="the catchment of the centralised scheme",
    )
    aligned_to: Literal["youth", "vt", "shelter", "ggd"] = P(
        "vt",
        unit="-",
        source="assumption: the 25 Veilig Thuis regions as the common set",
        doc="whose regions every domain shares in the aligned scheme; 'ggd': the 25 GGD regions (real maps only)",
    )


class MapConfig(Strict):
    """The real map (geography 'nl-2023', or 'csv' for a file of one's own) and the rule for
    the shelter regions that no public source lists. Relative paths are read from the
    scenario file's folder."""

    csv: str = P(
        "",
        unit="path",
        source="-",
        doc="with geography = 'csv': a municipalities file with the columns of model/data/nl_regions/gemeenten_2023.csv",
    )
    shelter_regions_csv: str = P(
        "",
        unit="path",
        source="-",
        doc="shelter regions of one's own (columns gm_code, sh_code, sh_naam), replacing the rule",
    )
    shelter_regions: int = P(
        43,
        unit="count",
        source="VNG: 43 centrumgemeenten for maatschappelijke opvang and beschermd wonen",
        ge=1,
        le=5000,
        doc="rule: regions built around the largest municipalities, inside provinces (model/nl_regions.py)",
    )
    shelter_regions_within: Literal["province", "vt", "youth"] = P(
        "province",
        unit="-",
        source="assumption: shelter regions, like youth-care regions, lie inside provinces",
        doc="rule: every shelter region lies inside one of these; 'vt' nests them in the Veilig Thuis regions",
    )
    shelter_centre_spacing_km: float = P(
        12.0,
        unit="km",
        source="assumption: below the distance between neighbouring centrumgemeenten (Arnhem-Ede 14 km, Arnhem-Nijmegen 16 km)",
        ge=0,
        le=1000,
        doc="rule: a municipality this close to a centre already chosen is passed over as a centre",
    )


# ----------------------------------------------------------------------------- protocols
class ProtocolConfig(Strict):
    """What a handover costs and carries under one way of cooperating."""

    receiver_intake: Literal["full", "short", "none"] = P(
        "full",
        unit="-",
        source="DESIGN.md",
        doc="intake at the receiving organisation; only 'full' means telling the story again",
    )
    transfer_latency_days: float = P(
        10.0,
        unit="days",
        source=ASSUMPTION,
        ge=0,
        le=365,
        doc="mean time a handover takes to reach the receiver's queue",
    )
    sender_admin_hours: float = P(
        2.0,
        unit="hours",
        source=ASSUMPTION,
        ge=0,
        le=100,
        doc="sender's time re-typing the case into the receiver's form",
    )
    joint_contact_hours: float = P(
        0.0,
        unit="hours",
        source=ASSUMPTION,
        ge=0,
        le=100,
        doc="sender's time at a joint first contact with the receiver",
    )
    municipal_decision: bool = P(
        True,
        unit="-",
        source="Jeugdwet: access to specialised youth care needs a municipal decision (beschikking)",
        doc="youth-care handovers wait for the municipality's decision",
    )
    direct_referral: bool = P(
        False,
        unit="-",
        source="seed 004: cases are pushed through the chain",
        doc="Veilig Thuis sends needs straight to the responsible organisation instead of via the wijkteam",
    )
    handover_after_intake: bool = P(
        False,
        unit="-",
        source="DESIGN.md, integrated: one family, one plan",
        doc="all handovers leave right after the first intake, not after Veilig Thuis's investigation",
    )
    boundary_spanner_share: float = P(
        0.0,
        unit="share",
        source=ASSUMPTION,
        ge=0,
        le=1,
        doc="share of professionals who work across organisational borders (Williams 2002, seed 000)",
    )
    coordination_factor: float = P(
        1.0,
        unit="factor",
        source=ASSUMPTION,
        ge=0,
        le=10,
        doc="multiplies coordination hours; one coordinator and one plan need fewer meetings",
    )


def _protocol(**values: Any) -> dict[str, Any]:
    return values


PROTOCOL_DEFAULTS: dict[str, dict[str, Any]] = {
    "referral": _protocol(
        receiver_intake="full",
        transfer_latency_days=10.0,
        sender_admin_hours=2.0,
        joint_contact_hours=0.0,
        municipal_decision=True,
        direct_referral=False,
        handover_after_intake=False,
        boundary_spanner_share=0.0,
        coordination_factor=1.0,
    ),
    "warm": _protocol(
        receiver_intake="short",
        transfer_latency_days=4.0,
        sender_admin_hours=0.5,
        joint_contact_hours=1.5,
        municipal_decision=True,
        direct_referral=False,
        handover_after_intake=False,
        boundary_spanner_share=0.1,
        coordination_factor=1.0,
    ),
    "integrated": _protocol(
        receiver_intake="none",
        transfer_latency_days=2.0,
        sender_admin_hours=0.25,
        joint_contact_hours=1.0,
        municipal_decision=False,
        direct_referral=True,
        handover_after_intake=True,
        boundary_spanner_share=0.5,
        coordination_factor=0.6,
    ),
}


class Protocols(Strict):
    referral: ProtocolConfig
    warm: ProtocolConfig
    integrated: ProtocolConfig

    @model_validator(mode="before")
    @classmethod
    def _merge_defaults(cls, data: Any) -> Any:
        return _merge_named_defaults(data, PROTOCOL_DEFAULTS)


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
            87.0,
            "assumption, about 90 % utilisation at steady state; CBS 2019: 27,270 FTE in "
            "youth-care organisations (156 per 100k), not all case-carrying",
        ),
        hourly_cost_eur=(
            90.0,
            "derived: Jeugdautoriteit, EUR 5.5 bn for 424 thousand clients (2019), personnel 71 %",
        ),
        visits_per_week=(1.0, ASSUMPTION),
        decision_latency_days=(14.0, "assumption; Jeugdwet allows up to 8 weeks for a decision"),
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
        fte_per_100k=(16.0, SRC_STAFFING),
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
        placement_outside_region_share=(
            0.3,
            "assumption; DESIGN.md: women's shelters often place a woman outside her region",
        ),
    ),
}


class Domains(Strict):
    wijkteam: DomainConfig
    youth: DomainConfig
    vt: DomainConfig
    shelter: DomainConfig

    @model_validator(mode="before")
    @classmethod
    def _merge_defaults(cls, data: Any) -> Any:
        values = {d: {k: v for k, (v, _src) in DOMAIN_DEFAULTS[d].items()} for d in DOMAINS}
        return _merge_named_defaults(data, values)

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


def _merge_named_defaults(data: Any, defaults: dict[str, dict[str, Any]]) -> Any:
    if data is None:
        data = {}
    if not isinstance(data, dict):
        return data  # pydantic reports the type error
    merged = copy.deepcopy(defaults)
    for key, value in data.items():
        if key in merged and isinstance(value, dict):
            merged[key].update(value)
        elif isinstance(value, DomainConfig | ProtocolConfig):
            merged[key] = value.model_dump()
        else:
            merged[key] = value  # unknown key or wrong type: pydantic names it
    return merged


# ----------------------------------------------------------------------------- families
class FamilyConfig(Strict):
    households_per_inhabitant: float = P(
        0.46,
        unit="households/inhabitant",
        source=SRC_CBS_HOUSEHOLDS,
        gt=0,
        le=1,
        doc="households at risk of a need each year",
    )
    need_correlation: float = P(
        0.5,
        unit="0..1",
        source="assumption; NJi 2016-17: 26-70 thousand multi-problem families",
        ge=0,
        lt=1,
        doc="shared latent factor between domains' needs (multi-problem families)",
    )
    single_parent_share: float = P(
        0.3, unit="share", source=ASSUMPTION, ge=0, le=1, doc="families with one adult"
    )
    children_mean: float = P(
        1.9,
        unit="children",
        source=ASSUMPTION,
        ge=1,
        le=10,
        doc="children per family (at least one)",
    )
    vt_entry_share: float = P(
        0.8,
        unit="share",
        source=ASSUMPTION,
        ge=0,
        le=1,
        doc="families with a safety need whose first signal is a report to Veilig Thuis",
    )
    vt_source_shares: dict[str, float] = P(
        {"police": 0.70, "school": 0.08, "neighbours": 0.07, "family": 0.05, "professional": 0.10},
        unit="shares",
        source=SRC_VT_POLICE,
        doc="who reports to Veilig Thuis",
    )
    wijkteam_source_shares: dict[str, float] = P(
        {"family": 0.5, "school": 0.2, "gp": 0.2, "neighbours": 0.1},
        unit="shares",
        source=ASSUMPTION,
        doc="who brings a family to the wijkteam",
    )
    vt_known_before_share: float = P(
        0.35,
        unit="share",
        source="history before the simulated period; calibrated to CBS 85361NED 2023: 38.1 % of "
        "Veilig Thuis reports are repeat reports (docs/calibration.md)",
        ge=0,
        le=1,
        doc="families the simulation meets for the first time whom Veilig Thuis knew already",
    )
    motivation_decay_days: float = P(
        60.0,
        unit="days",
        source="assumption; seed 004: motivation fades when help comes late",
        gt=0,
        le=10_000,
        doc="e-folding time of a family's motivation after an incident",
    )
    motivation_floor: float = P(
        0.4,
        unit="factor",
        source=ASSUMPTION,
        ge=0,
        le=1,
        doc="care success multiplier when motivation has faded entirely",
    )
    dropout_max_share: float = P(
        0.25,
        unit="share",
        source=ASSUMPTION,
        ge=0,
        le=1,
        doc="share of families who no longer show up once motivation has faded entirely",
    )

    @model_validator(mode="after")
    def _shares(self) -> FamilyConfig:
        for field in ("vt_source_shares", "wijkteam_source_shares"):
            shares = getattr(self, field)
            if not shares or min(shares.values()) < 0 or abs(sum(shares.values()) - 1) > 1e-6:
                raise ValueError(f"{field} must be non-negative shares summing to 1")
        return self


class HandoverConfig(Strict):
    """What crossing a border does to a handover, and how familiarity softens it."""

    latency_shape: float = P(
        2.0,
        unit="gamma shape",
        source=ASSUMPTION,
        gt=0,
        le=1000,
        doc="spread of handover latency (large: nearly fixed)",
    )
    region_border_latency_days: float = P(
        7.0,
        unit="days",
        source=ASSUMPTION,
        ge=0,
        le=365,
        doc="extra latency when sender's and receiver's regions do not nest",
    )
    province_border_latency_days: float = P(
        7.0,
        unit="days",
        source=ASSUMPTION,
        ge=0,
        le=365,
        doc="further latency when the organisations sit in different provinces",
    )
    region_border_info_loss_prob: float = P(
        0.25,
        unit="probability",
        source=ASSUMPTION,
        ge=0,
        le=1,
        doc="chance information is lost across a region border",
    )
    province_border_info_loss_prob: float = P(
        0.15,
        unit="probability",
        source=ASSUMPTION,
        ge=0,
        le=1,
        doc="further chance of loss across a province border",
    )
    familiarity_cases_scale: float = P(
        5.0,
        unit="joint cases",
        source=ASSUMPTION,
        gt=0,
        le=10_000,
        doc="joint cases after which a professional knows an organisation (1 - 1/e)",
    )
    boundary_spanner_familiarity: float = P(
        0.8,
        unit="0..1",
        source=ASSUMPTION,
        ge=0,
        le=1,
        doc="how well a boundary spanner knows every neighbouring organisation",
    )


class EscalationConfig(Strict):
    incident_rate_while_waiting_per_year: Triple = P(
        (0.3, 0.85, 2.2),
        unit="incidents/year (mild, moderate, severe)",
        source="calibrated to CBS 85361NED 2023: 28.5 % of reports are follow-ups during an "
        "open case (docs/calibration.md)",
        doc="incidents in a family while a need waits for care or Veilig Thuis investigates",
    )
    recurrence_after_success: float = P(
        0.1, unit="probability", source=ASSUMPTION, ge=0, le=1, doc="a resolved need comes back"
    )
    recurrence_after_failure: float = P(
        0.5,
        unit="probability",
        source="Verwey-Jonker 2020: > 50 % still severe 1.5 years after the report",
        ge=0,
        le=1,
        doc="an unresolved need comes back",
    )
    recurrence_after_dropout: float = P(
        0.6,
        unit="probability",
        source=ASSUMPTION,
        ge=0,
        le=1,
        doc="a need left without care comes back",
    )
    recurrence_mean_days: float = P(
        240.0,
        unit="days",
        source=ASSUMPTION,
        gt=0,
        le=10_000,
        doc="mean time until a need comes back",
    )
    preventive_support: bool = P(
        False,
        unit="-",
        source="seed 003: low-threshold services (voorliggend veld)",
        doc="mild needs get preventive support at the wijkteam",
    )
    preventive_effect: float = P(
        0.5,
        unit="share",
        source=ASSUMPTION,
        ge=0,
        le=1,
        doc="reduction of the recurrence of mild needs that had preventive support",
    )
    preventive_hours: float = P(
        4.0,
        unit="hours",
        source=ASSUMPTION,
        ge=0,
        le=200,
        doc="wijkteam time of one preventive trajectory",
    )


class WorkforceConfig(Strict):
    weekly_hours_per_fte: float = P(
        36.0, unit="hours/week", source=SRC_CAO_HOURS, gt=0, le=80, doc="contract hours of one FTE"
    )
    min_fte_per_organisation: float = P(
        1.0,
        unit="FTE",
        source=ASSUMPTION,
        ge=0,
        le=1000,
        doc="smallest staff an organisation can run on",
    )
    travel_speed_kmh: float = P(
        40.0, unit="km/h", source=ASSUMPTION, gt=0, le=200, doc="average speed of a home visit"
    )
    local_travel_km: float = P(
        4.0,
        unit="km",
        source=ASSUMPTION,
        ge=0,
        le=500,
        doc="one-way distance of a visit inside the organisation's own municipality",
    )
    road_factor: float = P(
        1.3,
        unit="factor",
        source=ASSUMPTION,
        ge=1,
        le=5,
        doc="road distance over straight-line distance",
    )
    coordination_hours_per_org_week: float = P(
        0.5,
        unit="hours/week",
        source="assumption; NH Nieuws 2021: one family had 28 professionals",
        ge=0,
        le=40,
        doc="each professional's meeting time per other organisation on the family",
    )
    coordination_border_factor: float = P(
        1.5,
        unit="factor",
        source=ASSUMPTION,
        ge=1,
        le=10,
        doc="coordination is costlier when the organisations' regions do not nest",
    )


# ----------------------------------------------------------------------------- journey
class ScriptedNeed(Strict):
    domain: Literal["wijkteam", "youth", "vt", "shelter"] = P(
        "youth", unit="-", source="-", doc="the domain of the need"
    )
    severity: int = P(2, unit="1-3", source="-", ge=1, le=3, doc="mild, moderate or severe")
    who: str = P("", unit="-", source="-", doc="whose need, for tables and figures")


class ScriptedSignal(Strict):
    day: float = P(
        0.0, unit="days", source="-", ge=0, le=36500, doc="after the journey's start_day"
    )
    entry: Literal["wijkteam", "vt"] = P(
        "wijkteam",
        unit="-",
        source="-",
        doc="a family at the wijkteam, or a report to Veilig Thuis",
    )
    source: str = P("family", unit="-", source="-", doc="who gives the signal (events.SOURCES)")
    needs: list[ScriptedNeed] = P(
        [], unit="-", source="-", min_length=1, doc="the needs that come to light"
    )

    @model_validator(mode="after")
    def _known_source(self) -> ScriptedSignal:
        from .events import SOURCES

        if self.source not in SOURCES:
            raise ValueError(f"unknown source {self.source!r} (allowed: {', '.join(SOURCES)})")
        return self


class JourneyConfig(Strict):
    """A scripted family followed through every scheme and protocol (`sdsim journey`), in a
    world replicated around it; `sdsim run` and `sdsim compare` leave it out."""

    label: str = P(
        "the family", unit="-", source="-", doc="what to call the family in tables and figures"
    )
    municipality: str = P("", unit="-", source="-", doc="where the family lives: code or name")
    start_day: float = P(
        60.0,
        unit="days",
        source="-",
        ge=0,
        le=36500,
        doc="after the warm-up: when the journey starts (its signals' day 0)",
    )
    adults: int = P(1, unit="count", source="-", ge=1, le=2, doc="adults in the family")
    children: int = P(2, unit="count", source="-", ge=0, le=20, doc="children in the family")
    shelter_outside_region: bool = P(
        True,
        unit="-",
        source="-",
        doc="a shelter need is placed outside the home region (whenever the scenario places any there)",
    )
    luck: Literal["median", "drawn"] = P(
        "median",
        unit="-",
        source="-",
        doc="the family's own luck (care length, success, dropout, incidents): the median of every draw (an ordinary family), or drawn from journey.seed; the same in every scheme and replication",
    )
    seed: int = P(
        0,
        unit="-",
        source="-",
        ge=0,
        le=2**63 - 1,
        doc="with luck = 'drawn': the seed of the family's luck",
    )
    signals: list[ScriptedSignal] = P(
        [],
        unit="-",
        source="-",
        doc="how the family's needs come to light (see scenarios/pieter.toml)",
    )
    schemes: list[Literal["patchwork", "centralised", "decentralised", "aligned"]] = P(
        ["patchwork", "centralised", "decentralised", "aligned"],
        unit="-",
        source="-",
        min_length=1,
        doc="the schemes to follow the family through",
    )
    protocols: list[Literal["referral", "warm", "integrated"]] = P(
        ["referral", "warm", "integrated"],
        unit="-",
        source="-",
        min_length=1,
        doc="the protocols to follow the family through",
    )
    replications: int = P(
        3,
        unit="count",
        source="-",
        ge=1,
        le=1000,
        doc="worlds (seeds) around the family per scheme and protocol",
    )


# ----------------------------------------------------------------------------- reorganisation
SRC_FRICTION = (
    "derived: Panteia/SEOR 2013 (Binnenlands Bestuur 31-5-2013), EUR 123 million friction costs "
    "(43 m redundancy pay, 80 m housing) for the youth-care transition, over 27,270 youth-care FTE "
    "(CBS 2019)"
)


class ReorganisationConfig(Strict):
    """One scheduled reorganisation: when, to what, and what getting there costs.

    Times count from the start of the measured period (the end of the warm-up). The
    mechanism is in model/reorganisation.py; docs/model.md explains each choice.
    """

    at_year: float | None = P(
        None,
        unit="years",
        source="-",
        ge=0,
        doc="when, in years after the start of the measured period (or give at_day)",
    )
    at_day: float | None = P(
        None,
        unit="days",
        source="-",
        ge=0,
        doc="when, in days after the start of the measured period (or give at_year)",
    )
    scheme: Literal["patchwork", "centralised", "decentralised", "aligned"] | None = P(
        None, unit="-", source="DESIGN.md, process 6", doc="the new scheme (default: keep it)"
    )
    schemes: SchemeOptions | None = P(
        None, unit="-", source="-", doc="options of the new scheme (default: the scenario's)"
    )
    protocol: Literal["referral", "warm", "integrated"] | None = P(
        None, unit="-", source="DESIGN.md", doc="the new protocol (default: keep it)"
    )
    cases_in_care: Literal["continue", "transfer"] = P(
        "continue",
        unit="-",
        source="Jeugdwet ch. 10 (overgangsrecht): care running on 31-12-2014 continued with the same provider for up to a year",
        doc="cases in intake or care at a dissolved organisation: finish there, or move with a re-intake",
    )
    contracting_gap_days: float = P(
        14.0,
        unit="days",
        source="assumption; seed 001: most municipalities missed the contracting deadline of the 2015 transition",
        ge=0,
        le=3650,
        doc="a new organisation takes no family until its contracts are in place",
    )
    learning_days: float = P(
        548.0,
        unit="days",
        source="Fulop et al. 2002 (BMJ 325:246): NHS trust mergers delayed planned developments >= 18 months",
        gt=0,
        le=3650,
        doc="how long productivity takes to recover (linearly) after the change",
    )
    productivity_loss_new_organisation: float = P(
        0.10,
        unit="share of capacity",
        source=ASSUMPTION,
        ge=0,
        lt=1,
        doc="capacity a new organisation loses at its start (new colleagues, forms, systems)",
    )
    productivity_loss_new_protocol: float = P(
        0.05,
        unit="share of capacity",
        source=ASSUMPTION,
        ge=0,
        lt=1,
        doc="capacity every organisation loses at the start of a new protocol",
    )
    staff_leaving_share: float = P(
        0.11,
        unit="share",
        source="assumption: one extra year of the ~11 % annual turnover in health and welfare (CBS 2023)",
        ge=0,
        le=1,
        doc="share of a new organisation's posts left vacant by people who leave at the change",
    )
    vacancy_days: float = P(
        90.0,
        unit="days",
        source=ASSUMPTION,
        ge=0,
        le=3650,
        doc="time to fill a vacated post",
    )
    training_hours_per_professional: float = P(
        16.0,
        unit="hours",
        source="assumption: two training days",
        ge=0,
        le=1000,
        doc="training in a new protocol, for every professional",
    )
    transfer_hours_per_case: float = P(
        1.0,
        unit="hours",
        source=ASSUMPTION,
        ge=0,
        le=100,
        doc="closing and handing over the file of a case that moves to a new organisation",
    )
    cost_eur_per_organisation_created: float = P(
        250_000.0,
        unit="EUR",
        source="assumption (governance, contracts, ICT); NAO 2010: ~GBP 15 million per (much larger) central-government reorganisation",
        ge=0,
        doc="one-off cost of setting up an organisation",
    )
    cost_eur_per_organisation_dissolved: float = P(
        250_000.0,
        unit="EUR",
        source="assumption (housing, contracts, archives); Panteia/SEOR 2013: EUR 80 million of the youth transition's friction costs were housing",
        ge=0,
        doc="one-off cost of winding an organisation down",
    )
    cost_eur_per_professional_moved: float = P(
        4_500.0,
        unit="EUR",
        source=SRC_FRICTION,
        ge=0,
        doc="one-off friction cost per professional of a dissolved organisation",
    )
    cost_eur_per_case_transferred: float = P(
        150.0,
        unit="EUR",
        source="assumption (file conversion, consent, archive)",
        ge=0,
        doc="one-off cost per case that moves to a new organisation",
    )
    cost_eur_per_leaver: float = P(
        8_000.0,
        unit="EUR",
        source="assumption: recruiting and inducting a successor, about 10 % of a year's salary cost",
        ge=0,
        doc="one-off cost per professional who leaves at the change",
    )
    cost_eur_per_professional_trained: float = P(
        500.0,
        unit="EUR",
        source="assumption: course fee",
        ge=0,
        doc="one-off training cost per professional for a new protocol",
    )

    @model_validator(mode="after")
    def _when_and_what(self) -> ReorganisationConfig:
        if (self.at_year is None) == (self.at_day is None):
            raise ValueError("give exactly one of at_year and at_day")
        if self.scheme is None and self.schemes is None and self.protocol is None:
            raise ValueError("give a scheme (and/or schemes options) or a protocol to change to")
        return self

    def day(self) -> int:
        """Whole days after the start of the measured period (a change happens at a day's start)."""
        return round(self.at_day if self.at_day is not None else self.at_year * 365.0)


class RecoveryConfig(Strict):
    """When a reorganised run counts as recovered: its rolling signal-to-care delay is back
    within a tolerance of the same world without the reorganisation, for a while."""

    tolerance_share: float = P(
        0.05,
        unit="share",
        source=ASSUMPTION,
        gt=0,
        le=10,
        doc="recovered while the rolling delay is at most (1 + this) x the counterfactual's",
    )
    window_days: float = P(
        91.0,
        unit="days",
        source="assumption: a quarter",
        ge=1,
        le=3650,
        doc="trailing window of the rolling mean delay (of needs that came to light in it)",
    )
    confirm_days: float = P(
        182.0,
        unit="days",
        source="assumption: half a year; a quarter let a lull between two waves count as recovery",
        ge=0,
        le=3650,
        doc="the delay must stay within tolerance this long, in a row, to count as recovered",
    )


# ----------------------------------------------------------------------------- scenario
class Scenario(Strict):
    """A complete, validated scenario: the one object every other module reads parameters from."""

    name: str = P(
        "scenario",
        unit="-",
        source="-",
        doc="name; results go to results/<name>/",
        min_length=1,
        pattern=r"^[A-Za-z0-9_.-]+$",
    )
    description: str = P("", unit="-", source="-", doc="what this scenario is for")
    seed: int = P(
        1, unit="-", source="-", ge=0, le=2**63 - 1, doc="seeds model.rng; same seed, same results"
    )
    years: float = P(
        2.0, unit="years", source="-", gt=0, le=50, doc="simulated time after the warm-up"
    )
    warmup_days: float = P(
        1095.0,
        unit="days",
        source="assumption: caseloads fill from empty and needs that come back build up; "
        "after 3 years demand is within ~5 % of its steady level (docs/model.md)",
        ge=0,
        le=36500,
        doc="simulated before the measured period; families arriving then are not measured",
    )
    geography: str = P(
        "synthetic", unit="-", source="-", doc="'synthetic' or a registered real geography"
    )
    population_scale: float = P(
        1.0,
        unit="share",
        source="-",
        gt=0,
        le=1,
        doc="simulate this share of every municipality's population (families and staff): a quick, rougher look at a large map",
    )
    scheme: Literal["patchwork", "centralised", "decentralised", "aligned"] = P(
        "patchwork",
        unit="-",
        source="DESIGN.md",
        doc="which organisation serves which municipality",
    )
    protocol: Literal["referral", "warm", "integrated"] = P(
        "referral", unit="-", source="DESIGN.md", doc="how a case moves between organisations"
    )
    synthetic: SyntheticGeography = Field(default_factory=SyntheticGeography)
    map: MapConfig = Field(default_factory=MapConfig)
    journey: JourneyConfig = Field(default_factory=JourneyConfig)
    schemes: SchemeOptions = Field(default_factory=SchemeOptions)
    protocols: Protocols = Field(default_factory=lambda: Protocols())
    domains: Domains = Field(default_factory=lambda: Domains())
    families: FamilyConfig = Field(default_factory=FamilyConfig)
    handover: HandoverConfig = Field(default_factory=HandoverConfig)
    escalation: EscalationConfig = Field(default_factory=EscalationConfig)
    workforce: WorkforceConfig = Field(default_factory=WorkforceConfig)
    reorganisation: tuple[ReorganisationConfig, ...] = P(
        (),
        unit="-",
        source="DESIGN.md, process 6",
        doc="scheduled reorganisations: [[reorganisation]] tables, listed below",
    )
    recovery: RecoveryConfig = Field(default_factory=RecoveryConfig)

    @field_validator("reorganisation")
    @classmethod
    def _in_measured_period(cls, value: tuple, info: ValidationInfo) -> tuple:
        years = info.data.get("years")
        days = [r.day() for r in value]
        for i, day in enumerate(days):
            if years is not None and day >= years * 365.0:
                raise ValueError(
                    f"entry {i + 1} at day {day} of the measured period: must be before its end "
                    f"(years = {years:g}, {years * 365:g} days)"
                )
        if len(set(days)) != len(days):
            raise ValueError("two reorganisations on the same day: combine them into one entry")
        return tuple(sorted(value, key=lambda r: r.day()))

    @model_validator(mode="after")
    def _known_geography(self) -> Scenario:
        from .geography import geography_sources

        if self.geography not in geography_sources():
            allowed = ", ".join(sorted(geography_sources()))
            raise ValueError(f"unknown geography {self.geography!r}; allowed: {allowed}")
        if self.geography == "csv" and not self.map.csv:
            raise ValueError("geography 'csv' needs map.csv, the file of municipalities")
        if self.map.csv and self.geography != "csv":
            raise ValueError("map.csv is only read with geography = 'csv'")
        if self.map.shelter_regions_csv and self.geography == "synthetic":
            raise ValueError("map.shelter_regions_csv is only read with a real geography")
        return self

    @property
    def active_protocol(self) -> ProtocolConfig:
        return getattr(self.protocols, self.protocol)

    @property
    def horizon_days(self) -> float:
        return self.years * 365.0

    def replace(self, **changes: Any) -> Scenario:
        """A copy with top-level or dotted-path changes, validated again."""
        return scenario_from_dict(apply_overrides(self.model_dump(mode="python"), changes))


assert set(SCHEMES) == set(Scenario.model_fields["scheme"].annotation.__args__)
assert set(PROTOCOLS) == set(PROTOCOL_DEFAULTS)


# ----------------------------------------------------------------------------- loading
def apply_overrides(raw: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    """Set dotted paths ('domains.youth.intake_hours') in a raw scenario dict."""
    out = copy.deepcopy(raw)
    for path, value in overrides.items():
        node = out
        *parents, leaf = path.split(".")
        for key in parents:
            node = node.setdefault(key, {})
            if not isinstance(node, dict):
                raise ScenarioError(f"override {path}: {key} is not a table")
        node[leaf] = value
    return out


def scenario_from_dict(raw: dict[str, Any], source: str = "<scenario>") -> Scenario:
    try:
        return Scenario.model_validate(raw)
    except ValidationError as exc:
        raise ScenarioError(format_validation_error(exc, source)) from None


def load_scenario(path: str | Path, overrides: dict[str, Any] | None = None) -> Scenario:
    """Read and validate a scenario file; any problem becomes a one-line ScenarioError.

    File paths in the scenario (map.csv, map.shelter_regions_csv) are read from the
    scenario file's folder; paths given as overrides, from the working directory."""
    raw = read_toml(path)
    raw.setdefault("name", Path(path).stem)
    _resolve_paths(raw, Path(path).parent)
    if overrides:
        raw = apply_overrides(raw, overrides)
    return scenario_from_dict(raw, str(path))


PATH_FIELDS: tuple[tuple[str, str], ...] = (("map", "csv"), ("map", "shelter_regions_csv"))


def _resolve_paths(raw: dict[str, Any], base: Path) -> None:
    for section, key in PATH_FIELDS:
        table = raw.get(section)
        if isinstance(table, dict) and isinstance(table.get(key), str) and table[key]:
            p = Path(table[key])
            if not p.is_absolute():
                table[key] = str(base / p)


def read_toml(path: str | Path) -> dict[str, Any]:
    p = Path(path)
    if not p.is_file():
        raise ScenarioError(f"{path}: no such file")
    try:
        with p.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"{path}: not valid TOML: {exc}") from None
    except UnicodeDecodeError:
        raise ScenarioError(f"{path}: not a UTF-8 text file") from None


def format_validation_error(
    exc: ValidationError, source: str, root: type[BaseModel] | None = None
) -> str:
    """The first problem, as 'file: field: what is wrong (allowed: ...)'.

    `root` is the model that was validated (a Scenario unless said otherwise), so that an
    unknown key can be answered with the keys allowed in its place.
    """
    err = exc.errors()[0]
    loc = ".".join(str(part) for part in err["loc"]) or "(top level)"
    kind = err["type"]
    if kind == "extra_forbidden":
        allowed = _allowed_keys(err["loc"][:-1], root or Scenario)
        return f"{source}: {loc}: unknown key (allowed: {', '.join(allowed)})"
    msg = err["msg"]
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, ") :]
    more = f" (and {len(exc.errors()) - 1} more problem(s))" if len(exc.errors()) > 1 else ""
    return f"{source}: {loc}: {msg}{more}"


def _allowed_keys(loc: tuple[Any, ...], model: type[BaseModel]) -> list[str]:
    for part in loc:
        if isinstance(part, int):  # an entry of a list of tables, e.g. [[reorganisation]]
            continue
        field = model.model_fields.get(str(part))
        inner = _table_type(field.annotation) if field is not None else None
        if inner is None:
            return ["see docs/parameters.md"]
        model = inner
    return sorted(model.model_fields)


def _table_type(annotation: Any) -> type[BaseModel] | None:
    """The table model behind a field: Model, Model | None, or tuple[Model, ...]."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        if isinstance(arg, type) and issubclass(arg, BaseModel):
            return arg
    return None
