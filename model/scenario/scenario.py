"""The whole scenario: one validated object every other module reads, and how a
scenario file becomes one (one clear line for every problem)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from model.scenario.base import (
    P,
    ScenarioError,
    Strict,
    apply_overrides,
    format_validation_error,
    read_toml,
)
from model.scenario.domains import Domains
from model.scenario.families import (
    EscalationConfig,
    FamilyConfig,
    GovernanceConfig,
    HandoverConfig,
    WorkforceConfig,
)
from model.scenario.geography import MapConfig, SchemeOptions, SchemeRules, SyntheticGeography
from model.scenario.journey import JourneyConfig
from model.scenario.protocols import PROTOCOL_DEFAULTS, ProtocolConfig, Protocols
from model.scenario.reorganisation import RecoveryConfig, ReorganisationConfig
from model.vocabulary import GEOGRAPHIES, PROTOCOLS, SCHEMES


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
    start_date: date = P(
        date(2025, 1, 1),
        unit="date",
        source="-",
        doc="the calendar date of day 0 (the first day of the warm-up); only exported event "
        "logs read it, to give each event a timestamp (docs/event-log.md)",
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
    scheme: Literal["patchwork", "centralised", "decentralised", "aligned", "cooperating"] = P(
        "patchwork",
        unit="-",
        source="DESIGN.md",
        doc="which organisation serves which municipality, and how it works (schemes.<scheme>: "
        "pooling, rule books); 'cooperating': today's regions shared through a joint arrangement",
    )
    protocol: Literal["referral", "warm", "integrated"] = P(
        "referral", unit="-", source="DESIGN.md", doc="how a case moves between organisations"
    )
    columns: Literal["separate", "integrated"] = P(
        "separate",
        unit="-",
        source="seed 003 (Jeugd, Wmo, Werk en Inkomen as separate teams); DESIGN.md, Columns",
        doc="the municipality's own division of labour, across every scheme: 'separate', a "
        "team per column (wijkteam for Jeugd, a Wmo team, a Work & Income team), each with "
        "its own intake, rule book and budget, so a need of another column is a handover; "
        "'integrated', one social team (the wijkteam) with one intake, one rule book and the "
        "columns' staff pooled (ontschotting)",
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
    governance: GovernanceConfig = Field(default_factory=GovernanceConfig)
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
        if self.geography not in GEOGRAPHIES:
            allowed = ", ".join(sorted(GEOGRAPHIES))
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
    def scheme_rules(self) -> SchemeRules:
        return self.schemes.rules(self.scheme)

    @property
    def horizon_days(self) -> float:
        return self.years * 365.0

    def replace(self, **changes: Any) -> Scenario:
        """A copy with top-level or dotted-path changes, validated again."""
        return scenario_from_dict(apply_overrides(self.model_dump(mode="python"), changes))


assert set(SCHEMES) == set(Scenario.model_fields["scheme"].annotation.__args__)
assert set(PROTOCOLS) == set(PROTOCOL_DEFAULTS)


# ----------------------------------------------------------------------------- loading
def scenario_from_dict(raw: dict[str, Any], source: str = "<scenario>") -> Scenario:
    try:
        return Scenario.model_validate(raw)
    except ValidationError as exc:
        raise ScenarioError(format_validation_error(exc, source, Scenario)) from None


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
