"""`sdsim map RESULTS`: a metric per municipality and per region, from a run's folder."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pandas as pd

from model.output.maps import metric_map
from model.records.metrics import AREA_MEANS
from model.scenario import ScenarioError, scenario_from_dict
from model.world.build import build_geography
from model.world.geography import province_regions
from model.world.schemes import catchments


def register(sub) -> None:
    p = sub.add_parser(
        "map", help="a map of a metric per municipality and per region, from a results folder"
    )
    p.add_argument("results", help="a results folder of sdsim run (on a real map)")
    p.add_argument(
        "--metric",
        default="signal_to_care_days_mean",
        choices=sorted(AREA_MEANS),
        help="what to map (default: signal_to_care_days_mean)",
    )
    p.add_argument(
        "--regions",
        default="youth",
        help="the regions of the right-hand map: youth (default), vt, shelter, wijkteam, ggd, province",
    )
    p.add_argument("--out", help="PNG file (default: RESULTS/figures/map_<metric>_<regions>.png)")
    p.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    folder = Path(args.results)
    counts_path, manifest_path = folder / "municipalities.csv", folder / "manifest.json"
    for p in (counts_path, manifest_path):
        if not p.is_file():
            raise ScenarioError(f"{p}: no such file (a results folder of sdsim run)")
    man = json.loads(manifest_path.read_text(encoding="utf-8"))
    (name, entry), *_ = man["scenarios"].items()
    scenario = scenario_from_dict(entry["parameters"], str(manifest_path))
    geo = build_geography(scenario, scaled=False)
    counts = pd.read_csv(counts_path)
    if list(counts["code"]) != list(geo.codes):
        raise ScenarioError(f"{counts_path}: its municipalities differ from the run's geography")
    if args.regions == "province":
        regions = province_regions(geo)
    elif args.regions in geo.alternatives:
        regions = geo.alternatives[args.regions]
    elif args.regions in ("wijkteam", "youth", "vt", "shelter"):
        regions = catchments(geo, scenario.scheme, scenario.schemes, scenario.columns)[args.regions]
    else:
        raise ScenarioError(f"--regions: {geo.label} has no {args.regions!r} regions")
    out = (
        Path(args.out) if args.out else folder / "figures" / f"map_{args.metric}_{args.regions}.png"
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    title = f"{name}: {scenario.scheme} scheme, {scenario.protocol} protocol"
    if not metric_map(geo, counts, regions, args.regions, args.metric, out, title):
        raise ScenarioError(f"{geo.label}: no municipal outlines to draw a map with")
    print(f"map in {out}")
    return 0
