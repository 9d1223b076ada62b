"""`sdsim calibrate`: the model against public Dutch figures, per measured year."""

from __future__ import annotations

import argparse

from model.checks.calibration import calibrate, default_scenario, report
from model.cli.common import common, print_rows, replicated, workers_option


def register(sub) -> None:
    p = sub.add_parser(
        "calibrate",
        help="the model against public Dutch figures (youth care, Veilig Thuis), per measured year",
        description=(
            "Replicate a scenario and set its youth-care and Veilig Thuis figures against the "
            "observed ones, with tolerances. Changes no parameter; see docs/calibration.md."
        ),
    )
    p.add_argument(
        "scenario", nargs="?", metavar="SCENARIO", help="default: scenarios/patchwork.toml"
    )
    p.add_argument("--json", action="store_true", help="print the rows as a JSON list")
    p.add_argument("--replications", type=int, default=5, help="runs (default 5)")
    workers_option(p)
    p.add_argument("--seed", type=int, help="master seed (default: the scenario's)")
    common(p)
    p.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    path = args.scenario or str(default_scenario())
    sc, rows = calibrate(path, args.replications, **replicated(args))
    print_rows(args, rows, report(sc, rows, args.replications))
    return 0
