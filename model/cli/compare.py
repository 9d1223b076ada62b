"""`sdsim compare SCENARIO...`: scenarios side by side, replicated with common random
numbers (a sweep without parameters)."""

from __future__ import annotations

import argparse
from pathlib import Path

from model.cli.common import common, load, note, text, workers, workers_option
from model.cli.tables import print_table
from model.output.comparison_folder import write_comparison
from model.records.outcomes import KEY_TABLE, REORGANISATION_ROWS
from model.scenario import ScenarioError


def register(sub) -> None:
    p = sub.add_parser("compare", help="replicate several scenarios with common random numbers")
    p.add_argument("scenarios", nargs="+", metavar="SCENARIO")
    p.add_argument("--replications", type=int, default=5, help="runs per scenario (default 5)")
    workers_option(p)
    p.add_argument(
        "--seed", type=int, help="master seed for the replications (default: the first scenario's)"
    )
    p.add_argument("--out", help="results folder (default: results/comparison/)")
    p.add_argument(
        "--events",
        action="store_true",
        help="keep each run's event log (runs/<scenario>/*.events.parquet), for `sdsim export` "
        "and `sdsim process`",
    )
    common(p)
    p.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    scenarios = [load(p, args) for p in args.scenarios]
    names = [s.name for s in scenarios]
    if len(set(names)) != len(names):
        raise ScenarioError(f"compare: scenario names must differ, got {', '.join(names)}")
    master = scenarios[0].seed if args.seed is None else args.seed
    out = Path(args.out) if args.out else Path("results") / "comparison"
    c = write_comparison(
        scenarios,
        {s.name: text(p) for s, p in zip(scenarios, args.scenarios, strict=True)},
        args.replications,
        master,
        workers(args),
        out,
        command=args.command_line,
        note=note,
        events=args.events,
    )
    reorganising = any(s.reorganisation for s in scenarios)
    print_table(
        c.table,
        names,
        args.replications,
        KEY_TABLE + (REORGANISATION_ROWS if reorganising else ()),
    )
    print(f"results in {out}/ (comparison.csv, differences.csv against {names[0]}, figures/)")
    return 0
