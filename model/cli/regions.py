"""`sdsim regions`: which region serves a municipality in each domain, or how many regions
there are, on a map and under a scheme."""

from __future__ import annotations

import argparse
import difflib
import json

from model.cli.common import load, nested, parse_set, print_notes, settable
from model.scenario import ScenarioError, scenario_from_dict
from model.vocabulary import SCHEMES
from model.world.build import build_geography
from model.world.geography import overview, serving
from model.world.schemes import catchments


def register(sub) -> None:
    p = sub.add_parser(
        "regions",
        help="which region serves a municipality in each domain; or how many regions there are",
    )
    p.add_argument(
        "--geography",
        default="nl-2023",
        help="nl-2023 (default), synthetic, or csv with --set map.csv=FILE",
    )
    p.add_argument("--scenario", help="use this scenario's map (geography, map.*, scheme)")
    p.add_argument(
        "--scheme",
        choices=SCHEMES,
        help="the regions under this scheme (default: patchwork, or the scenario's)",
    )
    p.add_argument("--municipality", metavar="CODE_OR_NAME", help="e.g. GM0244 or Hattem")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    settable(p)
    p.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    if args.scenario:
        scenario = load(args.scenario, args)
    else:
        scenario = scenario_from_dict(
            {"geography": args.geography, **nested(parse_set(args.set))}, "--set"
        )
    if args.scheme:
        scenario = scenario.replace(scheme=args.scheme)
    geo = build_geography(scenario, scaled=False)
    regions = catchments(geo, scenario.scheme, scenario.schemes, scenario.columns)
    if args.municipality is None:
        report = {"scheme": scenario.scheme, **overview(geo, regions)}
        if args.json:
            print(json.dumps(report, indent=2, ensure_ascii=False))
            return 0
        print(
            f"{report['geography']}, {scenario.scheme} scheme: {report['municipalities']} "
            f"municipalities, {report['inhabitants']:,} inhabitants, {report['provinces']} provinces"
        )
        for domain, n in report["regions"].items():
            print(f"  {domain:10s} {n:4d} regions")
        for name, n in report["other_region_sets"].items():
            print(f"  {name:10s} {n:4d} regions (not a domain; schemes.aligned_to may use them)")
        print_notes(report["notes"])
        return 0
    try:
        i = geo.index_of(args.municipality)
    except KeyError:
        close = difflib.get_close_matches(args.municipality, geo.names, n=3, cutoff=0.6)
        hint = (
            f"; did you mean {', '.join(close)}?"
            if close
            else " (a code such as GM0244, or a name)"
        )
        raise ScenarioError(
            f"--municipality: no municipality {args.municipality!r} in {geo.label}{hint}"
        ) from None
    report = {"scheme": scenario.scheme, **serving(geo, regions, i)}
    if args.json:
        print(json.dumps(report, indent=2, ensure_ascii=False))
        return 0
    m = report["municipality"]
    print(
        f"{m['name']} ({m['code']}), {m['province']}, {m['inhabitants']:,} inhabitants: "
        f"who serves it on {report['geography']} under the {scenario.scheme} scheme"
    )
    print(
        f"  {'domain':10s} {'region':8s} {'name':36s} {'municip.':>8s} {'inhabitants':>12s}  seat"
    )

    def line(label: str, r: dict) -> None:
        seat = r["seat"] + (
            f" ({r['seat_province']})" if r["seat_province"] != m["province"] else ""
        )
        print(
            f"  {label:10s} {r['code']:8s} {r['name'][:36]:36s} {r['municipalities']:8d} "
            f"{r['inhabitants']:12,d}  {seat}"
        )

    for domain, r in report["regions"].items():
        line(domain, r)
    for name, r in report["other_region_sets"].items():
        line(f"({name})", r)
    if report["shelter_elsewhere"]:
        line("shelter*", report["shelter_elsewhere"])
        print(
            "  * a placement outside the home region, for safety "
            "(domains.shelter.placement_outside_region_share)"
        )
    print_notes(report["notes"])
    return 0
