"""How model/world/data/nl_regions/ was made from ../shared/data/nl_regions/ (run once, by hand).

The package ships two small files instead of the 5 MB of sources, and nothing reads the
sources at run time:

- `gemeenten_2023.csv`: one row per municipality of the 2023 division (342): code, name,
  province, population on 1 Jan 2022, label point (RD, metres) and the youth-care,
  Veilig Thuis and GGD regions. Taken from `gemeente_regions_2023_DERIVED.csv` and
  `cbs_gemeente_labelpoint_2023.csv` (Amsterdam has two label points: the first, in the
  city, is kept; the second lies in Weesp, merged into Amsterdam in 2022).
- `gemeenten_2023_outlines.geojson`: the generalised municipal outlines of the CBS/PDOK
  GeoPackage, simplified as a coverage (shared borders stay shared, so regions can be
  dissolved from them without slivers) with a 250 m tolerance and rounded to 10 m, in RD
  coordinates (EPSG:28992). Region outlines are dissolved from these by the model's own
  memberships, so they match every scheme, the shelter rule and a user's own regions.

    .venv/bin/python experiments/make_nl_regions.py [SOURCE_DIR]
"""

from __future__ import annotations

import csv
import json
import sqlite3
import sys
from pathlib import Path

import shapely

from model.world.dutch_map import REGION_COLUMNS, REQUIRED

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "model" / "world" / "data" / "nl_regions"
COLUMNS = (*REQUIRED, *REGION_COLUMNS["ggd"])  # the columns of a map file
TOLERANCE_M = 250.0
GRID_M = 10.0


def gpkg_wkb(blob: bytes) -> bytes:
    """Strip the GeoPackage geometry header (magic, version, flags, srs id, envelope)."""
    envelope = (blob[3] >> 1) & 7
    return blob[8 + {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}[envelope] :]


def main(src: Path) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with (src / "cbs_gemeente_labelpoint_2023.csv").open(encoding="utf-8") as fh:
        points: dict[str, tuple[str, str]] = {}
        for row in csv.DictReader(fh):
            points.setdefault(row["gm_code"], (row["x_rd"], row["y_rd"]))  # the first one
    with (src / "gemeente_regions_2023_DERIVED.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    with (OUT / "gemeenten_2023.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(COLUMNS)
        for r in sorted(rows, key=lambda r: r["gm_code"]):
            x, y = points[r["gm_code"]]
            r = {**r, "population": r["bevolking_2022_01_01"], "x_rd": x, "y_rd": y}
            w.writerow([str(int(float(r[c]))) if c in ("x_rd", "y_rd") else r[c] for c in COLUMNS])

    con = sqlite3.connect(src / "cbsgebiedsindelingen2023_subset.gpkg")
    found = con.execute(
        "select statcode, statnaam, geom from gemeente_gegeneraliseerd order by statcode"
    ).fetchall()
    geoms = shapely.from_wkb([gpkg_wkb(g) for _, _, g in found])
    simple = shapely.set_precision(shapely.coverage_simplify(geoms, TOLERANCE_M), GRID_M)
    assert shapely.is_valid(simple).all() and shapely.coverage_is_valid(simple)
    features = [
        {
            "type": "Feature",
            "properties": {"gm_code": code, "gm_naam": name},
            "geometry": _ints(shapely.geometry.mapping(g)),
        }
        for (code, name, _), g in zip(found, simple, strict=True)
    ]
    fc = {
        "type": "FeatureCollection",
        "name": "gemeenten_2023_outlines",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::28992"}},
        "features": features,
    }
    (OUT / "gemeenten_2023_outlines.geojson").write_text(
        json.dumps(fc, separators=(",", ":")) + "\n", encoding="utf-8"
    )


def _ints(x):
    if isinstance(x, dict):
        return {k: _ints(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [_ints(v) for v in x]
    return int(round(x)) if isinstance(x, float) else x


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared/data/nl_regions")
