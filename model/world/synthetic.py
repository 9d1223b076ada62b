"""A synthetic country: a square with lognormal municipality sizes and Voronoi regions that
do not nest (today's patchwork), drawn from `synthetic.seed`."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from model.vocabulary import DOMAINS
from model.world.geography import (
    Geography,
    RegionSet,
)

if TYPE_CHECKING:
    from model.scenario import Scenario


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
