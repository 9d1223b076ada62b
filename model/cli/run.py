"""`sdsim run SCENARIO`: one run and its results folder."""

from __future__ import annotations

import argparse
from pathlib import Path

from model.cli.common import common, fmt, load, text
from model.output.run_folder import write_run
from model.records.outcomes import KEY_TABLE, REORGANISATION_ROWS
from model.runs.run import run


def register(sub) -> None:
    p = sub.add_parser("run", help="run one scenario and write its results folder")
    p.add_argument("scenario", help="scenario file (TOML), e.g. scenarios/patchwork.toml")
    p.add_argument("--seed", type=int, help="random seed (default: the scenario's)")
    p.add_argument("--out", help="results folder (default: results/<scenario name>/)")
    p.add_argument(
        "--events",
        choices=("parquet", "csv"),
        default="parquet",
        help="event log format: events.parquet (default) or events.csv.gz",
    )
    common(p)
    p.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    scenario = load(args.scenario, args)
    seed = scenario.seed if args.seed is None else args.seed
    out = Path(args.out) if args.out else Path("results") / scenario.name
    result = run(scenario, seed, detail=True)
    write_run(result, out, text(args.scenario), args.events)
    print(
        f"{scenario.name}: {scenario.scheme} regions, {scenario.protocol} protocol, seed {seed}, "
        f"{scenario.years:g} years after {scenario.warmup_days:g} days warm-up "
        f"({result.wall_seconds:.1f} s, {result.events_processed:,} events)"
    )
    for key in KEY_TABLE + (REORGANISATION_ROWS if scenario.reorganisation else ()):
        print(f"  {key:36s} {fmt(result.summary[key])}")
    print(f"results in {out}/")
    return 0
