"""The real Dutch map: 342 municipalities of 2023 and their regions, or a file of one's own.

`geography = "nl-2023"` reads the packaged CBS data (model/world/data/nl_regions/, CC BY 4.0,
see PROVENANCE.md there); `geography = "csv"` reads a user's file with the same columns,
so a what-if map (merged regions, a municipal merger) is a copy and an edit away. Every
problem in such a file is reported on one line naming the file, row and column: row 1 is
the header, as a spreadsheet shows it.

Shelter regions (maatschappelijke opvang and beschermd wonen, around ~43
centrumgemeenten) are in no public source. Unless a scenario gives its own file they are
built by a rule, and the rule is written into every manifest (`Geography.notes`):

    centres (centrumgemeenten) are each province's most populous municipality, then,
    in order of population, every other municipality that lies at least
    `shelter_centre_spacing_km` from the centres already chosen in its province, until
    there are `shelter_regions`; every municipality joins the nearest centre (label
    points) in its own province. (`shelter_regions_within` = "vt" or "youth" puts the
    regions inside Veilig Thuis or youth-care regions instead of provinces.)

The rule knows nothing of real agreements, but it reproduces their shape: a centre city
with its surroundings, inside a province. Hattem, for example, joins Apeldoorn (as in the
real Oost-Veluwe region), while its nearest large town, Zwolle, is in another province.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from model.scenario import ScenarioError
from model.world.geography import Geography, RegionSet

if TYPE_CHECKING:
    from model.scenario import MapConfig, Scenario

DATA = Path(__file__).parent / "data" / "nl_regions"
NL_2023 = DATA / "gemeenten_2023.csv"
OUTLINES_2023 = DATA / "gemeenten_2023_outlines.geojson"

REQUIRED = (
    "gm_code",
    "gm_naam",
    "pv_code",
    "pv_naam",
    "population",
    "x_rd",
    "y_rd",
    "jz_code",
    "jz_naam",
    "vt_code",
    "vt_naam",
)
# Region sets per domain (or, for GGD, one a scheme may align to): code and name columns.
REGION_COLUMNS: dict[str, tuple[str, str]] = {
    "youth": ("jz_code", "jz_naam"),
    "vt": ("vt_code", "vt_naam"),
    "ggd": ("gg_code", "gg_naam"),
}
SHELTER_COLUMNS = ("gm_code", "sh_code", "sh_naam")

NL_2023_NOTE = (
    "nl-2023: CBS municipal division of 1 Jan 2023 (342 municipalities), population on "
    "1 Jan 2022, CC BY 4.0; youth-care, Veilig Thuis and GGD memberships reconstructed "
    "from the 2023 region outlines (model/world/data/nl_regions/PROVENANCE.md)"
)


@dataclass(frozen=True)
class Municipalities:
    """A validated municipalities file: one entry per municipality, in file order."""

    path: str
    codes: tuple[str, ...]
    names: tuple[str, ...]
    population: np.ndarray
    province: np.ndarray
    province_names: tuple[str, ...]
    province_codes: tuple[str, ...]
    xy_km: np.ndarray
    regions: dict[str, RegionSet]


def _rows(path: Path, required: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    """(row number, row) pairs of a CSV file, ',' or ';' separated, header on row 1."""
    if not path.is_file():
        raise ScenarioError(f"{path}: no such file")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise ScenarioError(f"{path}: not a UTF-8 text file") from None
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise ScenarioError(f"{path}: empty file (needs a header row: {', '.join(required)})")
    delimiter = ";" if lines[0].count(";") > lines[0].count(",") else ","
    reader = csv.DictReader(lines, delimiter=delimiter)
    header = [h.strip() for h in reader.fieldnames or ()]
    reader.fieldnames = header
    missing = [c for c in required if c not in header]
    if missing:
        raise ScenarioError(
            f"{path}: row 1: missing column(s) {', '.join(missing)} (needed: {', '.join(required)})"
        )
    out = []
    for i, row in enumerate(reader, start=2):
        if not any((v or "").strip() for v in row.values()):
            continue  # blank line
        out.append((i, {k: (v or "").strip() for k, v in row.items() if k is not None}))
    if not out:
        raise ScenarioError(f"{path}: no municipalities after the header row")
    return out


def _number(path: Path, i: int, column: str, value: str) -> float:
    if not value:
        raise ScenarioError(f"{path}: row {i}, column {column}: missing value (a number)")
    try:
        return float(value)
    except ValueError:
        raise ScenarioError(
            f"{path}: row {i}, column {column}: {value!r} is not a number"
        ) from None


def _population(path: Path, i: int, value: str) -> int:
    if not value:
        raise ScenarioError(f"{path}: row {i}, column population: missing population")
    try:
        n = int(value)
    except ValueError:
        raise ScenarioError(
            f"{path}: row {i}, column population: {value!r} is not a whole number of inhabitants"
        ) from None
    if n < 1:
        raise ScenarioError(
            f"{path}: row {i}, column population: {n} (allowed: a whole number >= 1)"
        )
    return n


def _partition(
    path: Path, rows: list[tuple[int, dict[str, str]]], code_col: str, name_col: str, what: str
) -> RegionSet:
    """A region set from code and name columns; every row must name one, consistently."""
    names: dict[str, tuple[str, int]] = {}
    for i, row in rows:
        code, name = row.get(code_col, ""), row.get(name_col, "")
        if not code:
            raise ScenarioError(
                f"{path}: row {i}, column {code_col}: municipality {row['gm_code']} has no {what}"
            )
        if code in names and names[code][0] != name:
            first_name, first_row = names[code]
            raise ScenarioError(
                f"{path}: row {i}, column {name_col}: {what} {code} is called {name!r} here "
                f"but {first_name!r} on row {first_row}"
            )
        names.setdefault(code, (name, i))
    codes = tuple(sorted(names))
    index = {c: k for k, c in enumerate(codes)}
    member = np.array([index[row[code_col]] for _, row in rows], dtype=np.int64)
    return RegionSet(codes, tuple(names[c][0] or c for c in codes), member)


def read_municipalities(path: str | Path) -> Municipalities:
    """Read and check a municipalities file (the columns of gemeenten_2023.csv)."""
    path = Path(path)
    rows = _rows(path, REQUIRED)
    seen: dict[str, int] = {}
    for i, row in rows:
        code = row["gm_code"]
        if not code:
            raise ScenarioError(f"{path}: row {i}, column gm_code: missing municipality code")
        if code in seen:
            raise ScenarioError(
                f"{path}: row {i}, column gm_code: duplicate code {code} (also on row {seen[code]})"
            )
        seen[code] = i
    population = np.array([_population(path, i, r["population"]) for i, r in rows], dtype=float)
    xy_km = (
        np.array(
            [[_number(path, i, c, r[c]) for c in ("x_rd", "y_rd")] for i, r in rows], dtype=float
        )
        / 1000.0
    )
    provinces = _partition(path, rows, "pv_code", "pv_naam", "province")
    regions = {
        domain: _partition(path, rows, code_col, name_col, f"{domain} region")
        for domain, (code_col, name_col) in REGION_COLUMNS.items()
        if code_col in rows[0][1] and (domain != "ggd" or any(r[code_col] for _, r in rows))
    }
    return Municipalities(
        str(path),
        tuple(r["gm_code"] for _, r in rows),
        tuple(r["gm_naam"] or r["gm_code"] for _, r in rows),
        population,
        provinces.member,
        provinces.names,
        provinces.codes,
        xy_km,
        regions,
    )


# ----------------------------------------------------------------------------- shelter
def shelter_rule(
    names: tuple[str, ...],
    codes: tuple[str, ...],
    population: np.ndarray,
    within: np.ndarray,
    xy_km: np.ndarray,
    count: int,
    spacing_km: float,
    within_label: str = "province",
) -> RegionSet:
    """Shelter regions around the largest municipalities, each inside one of the areas
    `within` (provinces by default; see the module docstring)."""
    n_areas = int(within.max()) + 1
    if not n_areas <= count <= len(codes):
        raise ScenarioError(
            f"map.shelter_regions: {count} (allowed: from the {n_areas} {within_label} regions "
            f"to the {len(codes)} municipalities)"
        )
    order = np.argsort(-population, kind="stable")
    centres = [int(order[np.flatnonzero(within[order] == p)[0]]) for p in range(n_areas)]
    for m in order.tolist():
        if len(centres) == count:
            break
        if m not in centres and all(
            within[c] != within[m] or np.hypot(*(xy_km[m] - xy_km[c])) >= spacing_km
            for c in centres
        ):
            centres.append(m)
    for m in order.tolist():  # too few far enough apart: the largest remaining
        if len(centres) == count:
            break
        if m not in centres:
            centres.append(m)
    centres.sort(key=lambda c: codes[c])
    centre = np.array(centres)
    d = ((xy_km[:, None, :] - xy_km[centre][None, :, :]) ** 2).sum(axis=2)
    d[within[:, None] != within[centre][None, :]] = np.inf  # inside the same area
    member = d.argmin(axis=1)
    member[centre] = np.arange(len(centre))  # a centre is in its own region
    return RegionSet(
        tuple(f"SH{codes[c].removeprefix('GM')}" for c in centres),
        tuple(f"{names[c]} (rule)" for c in centres),
        member.astype(np.int64),
    )


# Centrumgemeenten for shelter and sheltered housing in the Netherlands (VNG): the count the
# rule aims at when the scenario leaves map.shelter_regions empty.
SHELTER_CENTRES_NL = 43


def shelter_count(cfg: MapConfig, areas: int, municipalities: int) -> tuple[int, str]:
    """How many shelter regions the rule builds, and how that was chosen: the scenario's
    count, or 43 clamped to what the map allows (a hand-typed map of three municipalities
    has room for at most three)."""
    if cfg.shelter_regions is not None:
        return cfg.shelter_regions, "map.shelter_regions"
    count = min(max(SHELTER_CENTRES_NL, areas), municipalities)
    if count == SHELTER_CENTRES_NL:
        return count, "the Dutch count (VNG); map.shelter_regions changes it"
    return count, (
        f"map.shelter_regions left empty: {SHELTER_CENTRES_NL} (the Dutch count) does not fit a "
        f"map of {municipalities} municipalities in {areas} areas, so {count}"
    )


def shelter_rule_note(cfg: MapConfig, count: int, chosen: str) -> str:
    area = cfg.shelter_regions_within
    return (
        f"shelter regions are an ASSUMPTION (no public source lists them): {count} "
        f"centres (centrumgemeenten): each {area} region's most populous municipality, then the "
        f"most populous others at least {cfg.shelter_centre_spacing_km:g} km (label points) from "
        f"every centre already chosen in their {area} region; every municipality joins the "
        f"nearest centre in its own {area} region ({count}: {chosen}). Replace with "
        "map.shelter_regions_csv"
    )


def read_shelter_regions(path: str | Path, codes: tuple[str, ...]) -> RegionSet:
    """Shelter regions from a file (gm_code, sh_code, sh_naam) covering every municipality."""
    path = Path(path)
    rows = _rows(path, SHELTER_COLUMNS)
    position = {c: k for k, c in enumerate(codes)}
    by_code: dict[str, tuple[int, dict[str, str]]] = {}
    for i, row in rows:
        code = row["gm_code"]
        if code not in position:
            raise ScenarioError(
                f"{path}: row {i}, column gm_code: unknown municipality {code!r} "
                "(not in the geography's municipalities)"
            )
        if code in by_code:
            raise ScenarioError(
                f"{path}: row {i}, column gm_code: duplicate code {code} (also on row {by_code[code][0]})"
            )
        by_code[code] = (i, row)
    absent = [c for c in codes if c not in by_code]
    if absent:
        shown = ", ".join(absent[:5]) + (f" and {len(absent) - 5} more" if len(absent) > 5 else "")
        raise ScenarioError(f"{path}: column gm_code: no shelter region for {shown}")
    return _partition(path, [by_code[c] for c in codes], "sh_code", "sh_naam", "shelter region")


# ----------------------------------------------------------------------------- sources
def geography_from_file(scenario: Scenario, path: str | Path, label: str, note: str) -> Geography:
    t = read_municipalities(path)
    cfg = scenario.map
    if cfg.shelter_regions_csv:
        shelter = read_shelter_regions(cfg.shelter_regions_csv, t.codes)
        shelter_note = f"shelter regions read from {cfg.shelter_regions_csv}"
    else:
        within = (
            t.province
            if cfg.shelter_regions_within == "province"
            else t.regions[cfg.shelter_regions_within].member
        )
        count, chosen = shelter_count(cfg, int(within.max()) + 1, len(t.codes))
        shelter = shelter_rule(
            t.names,
            t.codes,
            t.population,
            within,
            t.xy_km,
            count,
            cfg.shelter_centre_spacing_km,
            cfg.shelter_regions_within,
        )
        shelter_note = shelter_rule_note(cfg, count, chosen)
    patchwork = {"youth": t.regions["youth"], "vt": t.regions["vt"], "shelter": shelter}
    alternatives = {k: v for k, v in t.regions.items() if k not in patchwork}
    return Geography(
        t.codes,
        t.names,
        t.population,
        t.province,
        t.province_names,
        t.xy_km,
        patchwork,
        label=label,
        notes=(note, shelter_note),
        alternatives=alternatives,
        province_codes=t.province_codes,
        outlines=str(OUTLINES_2023),
    )


def build_nl_2023(scenario: Scenario) -> Geography:
    return geography_from_file(scenario, NL_2023, "nl-2023", NL_2023_NOTE)


def build_from_csv(scenario: Scenario) -> Geography:
    path = scenario.map.csv
    return geography_from_file(
        scenario, path, f"csv ({Path(path).name})", f"municipalities from {path}"
    )
