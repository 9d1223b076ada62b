"""The country a scenario plays on: a synthetic map's settings, the real map's files, and
the options of the schemes (which regions serve whom)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import (
    model_validator,
)

from model.scenario.base import ASSUMPTION, SRC_CBS_DENSITY, P, Strict, merge_named_defaults


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


class SchemeRules(Strict):
    """What a scheme does besides drawing catchments (DESIGN.md, How a scheme acts): whether
    an organisation's teams share their work, and who writes the rule books its
    professionals work under. Governance follows from the catchments: every region of
    more than one municipality is a regional body (one per region when the domains share
    their regions)."""

    pooling: Literal["local", "overflow", "pooled"] = P(
        "overflow",
        unit="-",
        source="DESIGN.md, pooling; assumption for which scheme allows what",
        doc="'local': each team queues alone; 'overflow': a family may be served by a sister "
        "team within workforce.overflow_max_km when its own has no free place; 'pooled': one "
        "queue over all the organisation's teams (a free professional anywhere takes the next "
        "family, and travels to it)",
    )
    rule_books: Literal["municipality", "region"] = P(
        "municipality",
        unit="-",
        source="DESIGN.md, rule books: each municipality or region that commissions care has "
        "its own forms, product codes, decisions and contracts",
        doc="who writes the youth-care and wijkteam rule books: every municipality, or the "
        "region that commissions jointly (Veilig Thuis and shelter always follow their region)",
    )


SCHEME_RULE_DEFAULTS: dict[str, dict[str, Any]] = {
    # Today: regional organisations, municipal rule books, a sister team helps when it can.
    "patchwork": {"pooling": "overflow", "rule_books": "municipality"},
    # One organisation per province: one queue, one provincial rule book.
    "centralised": {"pooling": "pooled", "rule_books": "region"},
    # Every municipality alone: its one team has no sister to help it.
    "decentralised": {"pooling": "local", "rule_books": "municipality"},
    # Shared borders, but each municipality keeps its own rules and the teams their queues.
    "aligned": {"pooling": "overflow", "rule_books": "municipality"},
    # A joint arrangement (gemeenschappelijke regeling): shared capacity, one rule book a region.
    "cooperating": {"pooling": "pooled", "rule_books": "region"},
}


class SchemeOptions(Strict):
    patchwork: SchemeRules
    centralised: SchemeRules
    decentralised: SchemeRules
    aligned: SchemeRules
    cooperating: SchemeRules
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

    @model_validator(mode="before")
    @classmethod
    def _merge_defaults(cls, data: Any) -> Any:
        return merge_named_defaults(data, SCHEME_RULE_DEFAULTS)

    def rules(self, scheme: str) -> SchemeRules:
        return getattr(self, scheme)


class MapConfig(Strict):
    """The real map (geography 'nl-2023', or 'csv' for a file of one's own) and the rule for
    the shelter regions that no public source lists. Relative paths are read from the
    scenario file's folder."""

    csv: str = P(
        "",
        unit="path",
        source="-",
        doc="with geography = 'csv': a municipalities file with the columns of model/world/data/nl_regions/gemeenten_2023.csv",
    )
    shelter_regions_csv: str = P(
        "",
        unit="path",
        source="-",
        doc="shelter regions of one's own (columns gm_code, sh_code, sh_naam), replacing the rule",
    )
    shelter_regions: int | None = P(
        None,
        unit="count",
        source="VNG: 43 centrumgemeenten for maatschappelijke opvang and beschermd wonen",
        ge=1,
        le=5000,
        doc="rule: regions built around the largest municipalities, inside provinces (model/world/dutch_map.py); "
        "empty: 43 where the map has room, else as many as fit (one per province at least, one per "
        "municipality at most); the run's notes say which",
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
