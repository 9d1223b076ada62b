"""The country: municipalities, and the regions each domain uses today.

A `Geography` is municipalities (population, province, position) and the patchwork of
regions each domain uses today. The synthetic generator (`synthetic.py`) and the real
Dutch map (`dutch_map.py`) both produce one, so everything downstream is the same for
both; `schemes.py` turns it and a scheme into the catchments organisations serve.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    pass


@dataclass(frozen=True)
class RegionSet:
    """A partition of the municipalities: `member[i]` is the region of municipality i."""

    codes: tuple[str, ...]
    names: tuple[str, ...]
    member: np.ndarray  # int, one entry per municipality

    def __post_init__(self) -> None:
        if len(self.codes) != len(self.names):
            raise ValueError("codes and names differ in length")
        counts = np.bincount(self.member, minlength=len(self.codes))
        if len(counts) != len(self.codes) or (counts == 0).any():
            raise ValueError(
                "every region needs at least one municipality and no more regions than codes"
            )

    def __len__(self) -> int:
        return len(self.codes)

    def municipalities_of(self, region: int) -> np.ndarray:
        return np.flatnonzero(self.member == region)


@dataclass(frozen=True)
class Geography:
    codes: tuple[str, ...]
    names: tuple[str, ...]
    population: np.ndarray  # inhabitants per municipality
    province: np.ndarray  # province index per municipality
    province_names: tuple[str, ...]
    xy_km: np.ndarray  # (n, 2) positions, km
    patchwork: dict[str, RegionSet]  # today's regions, for every domain but the wijkteam
    label: str = "synthetic"
    notes: tuple[str, ...] = field(default=())  # assumptions a manifest must show
    alternatives: dict[str, RegionSet] = field(default_factory=dict)  # e.g. GGD, to align to
    province_codes: tuple[str, ...] = ()  # e.g. CBS's PV25; PV00, PV01... when empty
    outlines: str | None = None  # a GeoJSON of municipal outlines by code, for maps

    @property
    def n(self) -> int:
        return len(self.codes)

    def index_of(self, code_or_name: str) -> int:
        key = code_or_name.strip().lower()
        for i, (c, nm) in enumerate(zip(self.codes, self.names, strict=True)):
            if c.lower() == key or nm.lower() == key:
                return i
        raise KeyError(code_or_name)


def municipal_regions(geo: Geography) -> RegionSet:
    return RegionSet(geo.codes, geo.names, np.arange(geo.n))


def province_regions(geo: Geography) -> RegionSet:
    codes = geo.province_codes or tuple(
        f"PV{i:02d}" if not name.startswith("PV") else name
        for i, name in enumerate(geo.province_names)
    )
    return RegionSet(codes, geo.province_names, geo.province.astype(np.int64))


def national_region(geo: Geography) -> RegionSet:
    return RegionSet(("NL",), ("national",), np.zeros(geo.n, dtype=np.int64))


def seats(geo: Geography, rs: RegionSet) -> np.ndarray:
    """Each region's seat: its most populous municipality (where its organisation sits)."""
    out = np.empty(len(rs), dtype=np.int64)
    for r in range(len(rs)):
        members = rs.municipalities_of(r)
        out[r] = members[np.argmax(geo.population[members])]
    return out


def nearest_other_region(geo: Geography, rs: RegionSet) -> np.ndarray:
    """Per municipality, the region whose seat is nearest outside its own region (a shelter
    elsewhere, for safety); its own region when there is no other."""
    at = geo.xy_km[seats(geo, rs)]
    d = ((geo.xy_km[:, None, :] - at[None, :, :]) ** 2).sum(axis=2)
    if len(rs) > 1:
        d[np.arange(geo.n), rs.member] = np.inf
    return d.argmin(axis=1)


# ----------------------------------------------------------------------------- reports
def overview(geo: Geography, regions: dict[str, RegionSet]) -> dict:
    """How many municipalities and regions per domain (`sdsim regions`)."""
    return {
        "geography": geo.label,
        "municipalities": geo.n,
        "inhabitants": int(round(geo.population.sum())),
        "provinces": len(geo.province_names),
        "regions": {domain: len(rs) for domain, rs in regions.items()},
        "other_region_sets": {name: len(rs) for name, rs in geo.alternatives.items()},
        "notes": list(geo.notes),
    }


def serving(geo: Geography, regions: dict[str, RegionSet], i: int) -> dict:
    """Which region serves municipality i in each domain, and where its shelter elsewhere is."""

    def region(rs: RegionSet, r: int) -> dict:
        members = rs.municipalities_of(r)
        seat = int(seats(geo, rs)[r])
        return {
            "code": rs.codes[r],
            "name": rs.names[r],
            "municipalities": len(members),
            "inhabitants": int(round(geo.population[members].sum())),
            "seat": geo.names[seat],
            "seat_province": geo.province_names[geo.province[seat]],
        }

    shelter = regions.get("shelter")
    return {
        "geography": geo.label,
        "municipality": {
            "code": geo.codes[i],
            "name": geo.names[i],
            "province": geo.province_names[geo.province[i]],
            "inhabitants": int(round(geo.population[i])),
        },
        "regions": {d: region(rs, int(rs.member[i])) for d, rs in regions.items()},
        "other_region_sets": {
            name: region(rs, int(rs.member[i])) for name, rs in geo.alternatives.items()
        },
        "shelter_elsewhere": region(shelter, int(nearest_other_region(geo, shelter)[i]))
        if shelter is not None
        else None,
        "notes": list(geo.notes),
    }
