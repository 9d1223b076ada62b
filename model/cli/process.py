"""`sdsim process RESULTS`: the families' paths as process maps and path variants, per run or
per scenario of a comparison (docs/event-log.md)."""

from __future__ import annotations

import argparse
from pathlib import Path

from model.cli.export import add_selection
from model.output.export import CASE_NOTIONS, read_logs
from model.output.process import scenario_maps, write_process
from model.scenario import ScenarioError


def register(sub) -> None:
    p = sub.add_parser(
        "process",
        help="draw process maps (PNG, SVG) and tabulate path variants of a results folder",
    )
    p.add_argument(
        "results", help="a run's folder, or a comparison or sweep folder that kept event logs"
    )
    p.add_argument(
        "--case",
        choices=CASE_NOTIONS,
        default="need",
        help="whose path: a need's (default: signal to care) or a family's (all its needs)",
    )
    add_selection(p)
    p.add_argument("--out", help="folder for maps and tables (default RESULTS/process/)")
    p.add_argument("--top", type=int, default=5, help="variants printed per scenario (default 5)")
    p.add_argument(
        "--min-share",
        type=float,
        default=0.02,
        help="draw only arcs taken by at least this share of cases (default 0.02)",
    )
    p.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    if not 0 <= args.min_share < 1:
        raise ScenarioError(f"process: --min-share {args.min_share}: expected 0 <= share < 1")
    if args.top < 0:
        raise ScenarioError(f"process: --top {args.top}: expected 0 or more")
    out = Path(args.out) if args.out else Path(args.results) / "process"
    logs = read_logs(args.results, args.scenario, args.replication)
    maps = write_process(scenario_maps(logs, args.case, args.period), out, args.min_share)
    for name, pm in maps.items():
        print(f"{name}: {pm.cases:,} {args.case} paths, {len(pm.variants):,} variants")
        for v in pm.variants.head(args.top).itertuples():
            days = (
                "never cared for"
                if v.days_to_care_mean != v.days_to_care_mean
                else (f"{v.days_to_care_mean:.1f} days to care")
            )
            print(f"  {v.share:6.1%}  {days:>22s}  {v.variant}")
    print(f"maps and tables in {out}/")
    return 0
