"""`sdsim journey SCENARIO`: a scripted family followed through every scheme and protocol."""

from __future__ import annotations

import argparse
from pathlib import Path

from model.cli.common import common, load, progress_bar, text, workers, workers_option
from model.cli.tables import print_journey
from model.output.journey_folder import write_journey
from model.runs.journey import check


def register(sub) -> None:
    p = sub.add_parser(
        "journey",
        help="follow a scripted family (scenario's [journey]) through every scheme and protocol",
    )
    p.add_argument(
        "scenario", help="scenario file with a [journey] table, e.g. scenarios/pieter.toml"
    )
    p.add_argument(
        "--replications", type=int, help="worlds around the family (default: journey.replications)"
    )
    workers_option(p)
    p.add_argument("--seed", type=int, help="master seed of the worlds (default: the scenario's)")
    p.add_argument("--out", help="results folder (default: results/<scenario name>/)")
    common(p)
    p.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    base = load(args.scenario, args)
    check(base, args.scenario)
    reps = args.replications or base.journey.replications
    master = base.seed if args.seed is None else args.seed
    out = Path(args.out) if args.out else Path("results") / base.name
    journey = write_journey(
        base, text(args.scenario), reps, master, workers(args), out, progress_bar()
    )
    print_journey(journey.table, base.journey.label, reps)
    print(f"results in {out}/ (journey_table.csv, journey_runs.csv, journey_events.csv, figures/)")
    return 0
