"""Municipalities, their regions per domain, and the schemes that decide who serves whom.

A `Geography` is the country: municipalities (population, province, position) and the
patchwork of regions each domain uses today. `catchments()` turns it and a scheme into
the regions that organisations are built on. The synthetic generator and the real Dutch
geography (a registered source) both produce a `Geography`, so everything downstream is
the same for both.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import numpy as np

from .config import ScenarioError
from .domains import DOMAINS

if TYPE_CHECKING:
    from .config import Scenario, SchemeOptions


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


def catchments(geo: Geography, scheme: str, options: SchemeOptions) -> dict[str, RegionSet]:
    """Which region serves each municipality, per domain, under a scheme.

    The wijkteam is local access and stays with the municipality under every scheme.
    """
    local = municipal_regions(geo)
    if scheme == "patchwork":
        wider = dict(geo.patchwork)
    elif scheme == "centralised":
        central = (
            province_regions(geo)
            if options.centralised_level == "province"
            else national_region(geo)
        )
        wider = {d: central for d in geo.patchwork}
    elif scheme == "decentralised":
        wider = {d: local for d in geo.patchwork}
    elif scheme == "aligned":
        common = geo.patchwork.get(options.aligned_to) or geo.alternatives.get(options.aligned_to)
        if common is None:
            allowed = ", ".join([*geo.patchwork, *geo.alternatives])
            raise ScenarioError(
                f"schemes.aligned_to: the {geo.label} geography has no {options.aligned_to!r} "
                f"regions (allowed: {allowed})"
            )
        wider = {d: common for d in geo.patchwork}
    else:
        raise ValueError(f"unknown scheme {scheme!r}")
    return {"wijkteam": local, **wider}


# ----------------------------------------------------------------------------- synthetic
def build_synthetic(scenario: Scenario) -> Geography:
    """A square country with lognormal municipality sizes and Voronoi regions.

    The country is a setting, not noise: it is drawn from `synthetic.seed` alone, so every
    scheme, protocol and replication of a scenario is played out on the same country, as it
    would be on the real one. The run's seed varies the families and what happens to them.
    """
    cfg = scenario.synthetic
    rng = np.random.default_rng(cfg.seed)
    n = cfg.municipalities
    side_km = float(np.sqrt(cfg.population / cfg.density_per_km2))
    xy = rng.random((n, 2)) * side_km
    weights = (
        rng.lognormal(0.0, cfg.population_sigma, n) if cfg.population_sigma > 0 else np.ones(n)
    )
    population = _apportion(cfg.population, weights)

    province = _voronoi(xy, _pick_centres(rng, population, cfg.provinces), xy)
    counts = {"youth": cfg.youth_regions, "vt": cfg.vt_regions, "shelter": cfg.shelter_regions}
    patchwork = _misaligned_partitions(rng, xy, population, province, counts, cfg.misalignment)

    codes = tuple(f"GM{i + 1:04d}" for i in range(n))
    names = tuple(f"Municipality {i + 1}" for i in range(n))
    province_names = tuple(f"Province {p + 1}" for p in range(cfg.provinces))
    return Geography(
        codes,
        names,
        population,
        province,
        province_names,
        xy,
        patchwork,
        label=f"synthetic ({n} municipalities, {cfg.population:,} inhabitants)",
    )


def _apportion(total: int, weights: np.ndarray) -> np.ndarray:
    """Integers proportional to weights that sum to total (largest remainder), each >= 1."""
    share = weights / weights.sum() * total
    base = np.maximum(np.floor(share).astype(np.int64), 1)
    rest = total - int(base.sum())
    if rest > 0:
        order = np.argsort(-(share - np.floor(share)), kind="stable")
        base[order[:rest]] += 1
    elif rest < 0:
        order = np.argsort(-base, kind="stable")
        base[order[:-rest]] -= 1
    return base


def _pick_centres(rng: np.random.Generator, population: np.ndarray, k: int) -> np.ndarray:
    p = population / population.sum()
    return rng.choice(len(population), size=k, replace=False, p=p)


def _voronoi(points: np.ndarray, centre_idx: np.ndarray, xy: np.ndarray) -> np.ndarray:
    """Nearest-centre assignment; every centre keeps at least its own municipality."""
    centres = xy[centre_idx]
    d = ((points[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2)
    member = d.argmin(axis=1)
    member[centre_idx] = np.arange(len(centre_idx))
    return member.astype(np.int64)


def _misaligned_partitions(
    rng: np.random.Generator,
    xy: np.ndarray,
    population: np.ndarray,
    province: np.ndarray,
    counts: dict[str, int],
    misalignment: float,
) -> dict[str, RegionSet]:
    """Regions per domain, inside provinces: nested in the finest domain at 0, independent at 1.

    Each province gets a share of every domain's regions in proportion to its population.
    Within a province the finest domain is a Voronoi partition around population-weighted
    centres; each other domain picks centres among the finest regions' centroids and
    assigns every municipality by a position pulled between its own and its fine region's
    centroid.
    """
    n_prov = int(province.max()) + 1
    prov_pop = np.bincount(province, weights=population, minlength=n_prov)
    prov_size = np.bincount(province, minlength=n_prov)
    per_prov = {d: _apportion_capped(counts[d], prov_pop, prov_size) for d in sorted(counts)}
    member = {d: np.empty(len(xy), dtype=np.int64) for d in counts}
    offset = dict.fromkeys(counts, 0)
    ref = max(counts, key=lambda d: (counts[d], d))
    for p in range(n_prov):
        idx = np.flatnonzero(province == p)
        pxy, ppop = xy[idx], population[idx]
        k_ref = int(per_prov[ref][p])
        ref_member = _voronoi(pxy, _pick_centres(rng, ppop, k_ref), pxy)
        centroids = np.array(
            [
                np.average(pxy[ref_member == r], axis=0, weights=ppop[ref_member == r])
                for r in range(k_ref)
            ]
        )
        ref_pop = np.bincount(ref_member, weights=ppop, minlength=k_ref)
        pulled = (1 - misalignment) * centroids[ref_member] + misalignment * pxy
        for domain in sorted(counts):
            k = int(per_prov[domain][p])
            if domain == ref:
                local = ref_member
            else:
                chosen = rng.choice(k_ref, size=k, replace=False, p=ref_pop / ref_pop.sum())
                d2 = ((pulled[:, None, :] - centroids[chosen][None, :, :]) ** 2).sum(axis=2)
                local = _populate_every_region(
                    d2.argmin(axis=1).astype(np.int64), k, pxy, centroids[chosen]
                )
            member[domain][idx] = local + offset[domain]
            offset[domain] += k
    out = {}
    for domain in counts:
        prefix = {"youth": "JZ", "vt": "VT", "shelter": "SH"}[domain]
        codes = tuple(f"{prefix}{r + 1:02d}" for r in range(counts[domain]))
        names = tuple(f"{domain} region {r + 1}" for r in range(counts[domain]))
        out[domain] = RegionSet(codes, names, member[domain])
    return {d: out[d] for d in DOMAINS if d in out}


def _apportion_capped(total: int, weights: np.ndarray, caps: np.ndarray) -> np.ndarray:
    """At least one and at most caps[i] per entry, the rest in proportion to weights."""
    out = np.ones(len(weights), dtype=np.int64)
    for _ in range(total - len(weights)):
        room = out < caps
        score = np.where(room, weights / out, -np.inf)
        out[int(np.argmax(score))] += 1
    return out


def _populate_every_region(
    member: np.ndarray, k: int, xy: np.ndarray, centres: np.ndarray
) -> np.ndarray:
    """Give each empty region the municipality nearest its centre, taken from a region that
    can spare one."""
    for region in range(k):
        if (member == region).any():
            continue
        counts = np.bincount(member, minlength=k)
        d = ((xy - centres[region]) ** 2).sum(axis=1)
        d[counts[member] <= 1] = np.inf
        member[int(np.argmin(d))] = region
    return member


# Geography sources a scenario may name; the real maps (nl_regions.py) register themselves.
GEOGRAPHY_SOURCES: dict[str, Callable[[Scenario], Geography]] = {
    "synthetic": build_synthetic,
}


def geography_sources() -> dict[str, Callable[[Scenario], Geography]]:
    from . import nl_regions  # noqa: F401  (registers the real maps)

    return GEOGRAPHY_SOURCES


def build_geography(scenario: Scenario, scaled: bool = True) -> Geography:
    """The country a scenario plays on; with `scaled`, at its `population_scale` (what the
    model simulates) rather than the real population (what `sdsim regions` shows)."""
    geo = geography_sources()[scenario.geography](scenario)
    scale = scenario.population_scale
    if not scaled or scale == 1.0:
        return geo
    note = (
        f"population_scale = {scale:g}: every municipality has {scale:g} of its population, "
        "so families and staff are scaled alike; regions, teams' catchments and the staffing "
        "floor (min_fte_per_organisation) are not, which favours small organisations"
    )
    return replace(geo, population=geo.population * scale, notes=(*geo.notes, note))


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
