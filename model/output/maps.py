"""Maps of a metric per municipality and per region, drawn from the municipal outlines.

Outlines come with the real map (model/world/data/nl_regions/, CBS, CC BY 4.0) and are read
with shapely, the one geometry library the package depends on (~10 MB installed; a
GeoPandas stack with pyproj and GDAL would be ~10 times that for what is here a join by
municipality code). Region outlines are dissolved from the municipal ones by the run's own
catchments, so they fit every scheme, the shelter rule and a user's own regions. The real
maps (nl-2023, or a user's file, matched by municipality code) have outlines; the
synthetic country has none, and no maps.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import shapely  # noqa: E402
from matplotlib.collections import PatchCollection  # noqa: E402
from shapely.plotting import patch_from_polygon  # noqa: E402

from model.records.metrics import area_means  # noqa: E402
from model.records.outcomes import outcome  # noqa: E402
from model.world.geography import Geography, RegionSet  # noqa: E402


def legend(metric: str) -> str:
    """The colour bar's words, from the metric's declaration (label and unit)."""
    o = outcome(metric)
    return f"{o.label} ({o.unit}; grey: no families)"


@functools.lru_cache(maxsize=4)
def _outlines(path: Path) -> dict[str, shapely.Geometry]:
    fc = json.loads(path.read_text(encoding="utf-8"))
    return {
        f["properties"]["gm_code"]: shapely.geometry.shape(f["geometry"]) for f in fc["features"]
    }


def outlines(geo: Geography) -> np.ndarray | None:
    """Outlines (km, as the geography's positions) per municipality, or None when the
    geography's municipalities have none."""
    if geo.outlines is None:
        return None
    known = _outlines(Path(geo.outlines))
    if not any(c in known for c in geo.codes):
        return None
    geoms = np.array([known.get(c) for c in geo.codes], dtype=object)
    has = np.array([g is not None for g in geoms])
    geoms[has] = shapely.transform(geoms[has].tolist(), lambda xy: xy / 1000.0)
    return geoms


def dissolve(municipal: np.ndarray, rs: RegionSet) -> list:
    """One outline per region, the union of its municipalities' outlines."""
    out = []
    for r in range(len(rs)):
        parts = [g for g in municipal[rs.municipalities_of(r)] if g is not None]
        out.append(shapely.coverage_union_all(parts) if parts else None)
    return out


def _draw(ax, geoms, values: np.ndarray, norm, cmap, edge: str, lw: float) -> None:
    patches, colours, missing = [], [], []
    for g, v in zip(geoms, values, strict=True):
        if g is None or g.is_empty:
            continue
        (patches if np.isfinite(v) else missing).append(patch_from_polygon(g))
        if np.isfinite(v):
            colours.append(v)
    coll = PatchCollection(patches, cmap=cmap, norm=norm, edgecolor=edge, linewidth=lw)
    coll.set_array(np.asarray(colours))
    ax.add_collection(coll)
    ax.add_collection(
        PatchCollection(missing, facecolor="#dddddd", edgecolor=edge, linewidth=lw, hatch="///")
    )


def metric_map(
    geo: Geography,
    counts: pd.DataFrame,
    regions: RegionSet,
    regions_label: str,
    metric: str,
    path: Path,
    title: str,
) -> bool:
    """Left: the metric per municipality; right: per region. False when there are no outlines."""
    municipal = outlines(geo)
    if municipal is None:
        return False
    per_mun = area_means(counts, np.arange(geo.n), geo.n)[metric].to_numpy(dtype=float)
    per_reg = area_means(counts, regions.member, len(regions))[metric].to_numpy(dtype=float)
    region_geoms = dissolve(municipal, regions)
    finite = np.concatenate([per_mun[np.isfinite(per_mun)], per_reg[np.isfinite(per_reg)]])
    hi = float(np.percentile(finite, 98)) if len(finite) else 1.0
    lo = float(min(finite.min(), 0.0)) if len(finite) else 0.0
    norm = matplotlib.colors.Normalize(lo, hi if hi > lo else lo + 1)
    cmap = plt.get_cmap("viridis_r")
    fig, axes = plt.subplots(1, 2, figsize=(11, 7))
    fig.subplots_adjust(left=0.01, right=0.99, top=0.9, bottom=0.14, wspace=0.02)
    for ax, geoms, values, sub in (
        (axes[0], municipal, per_mun, f"per municipality ({geo.n})"),
        (axes[1], region_geoms, per_reg, f"per {regions_label} region ({len(regions)})"),
    ):
        _draw(ax, geoms, values, norm, cmap, "white", 0.2)
        if geoms is municipal:  # the region borders over the municipalities
            borders = [g.boundary for g in region_geoms if g is not None]
            for b in borders:
                for line in getattr(b, "geoms", [b]):
                    ax.plot(*line.xy, color="black", linewidth=0.5)
        else:
            for g in geoms:
                if g is not None:
                    for line in getattr(g.boundary, "geoms", [g.boundary]):
                        ax.plot(*line.xy, color="black", linewidth=0.6)
        ax.set_title(sub, fontsize=10)
        ax.set_aspect("equal")
        ax.autoscale_view()
        ax.axis("off")
    fig.colorbar(
        matplotlib.cm.ScalarMappable(norm=norm, cmap=cmap),
        ax=axes,
        orientation="horizontal",
        fraction=0.04,
        pad=0.02,
        label=legend(metric),
    )
    fig.suptitle(title, fontsize=11)
    fig.text(0.01, 0.01, "Outlines: CBS/PDOK 2023, CC BY 4.0 (simplified)", fontsize=7)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return True
