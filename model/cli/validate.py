"""`sdsim validate`: the machinery against queueing theory (M/M/c, a Jackson network)."""

from __future__ import annotations

import argparse

from model.checks.validation import report, validate
from model.cli.common import common, print_rows, replicated, workers_option


def register(sub) -> None:
    p = sub.add_parser(
        "validate",
        help="check queueing results (M/M/c, Jackson network) against their analytic values",
        description=(
            "Replicate the degenerate scenarios in scenarios/validation/ and compare arrival "
            "rates, waits and sojourn times with queueing theory. Exit code 1 if a check fails."
        ),
    )
    p.add_argument(
        "files",
        nargs="*",
        metavar="SCENARIO",
        help="default: scenarios/validation/mmc.toml and jackson.toml",
    )
    p.add_argument("--json", action="store_true", help="print the checks as a JSON list")
    p.add_argument("--replications", type=int, default=20, help="runs per scenario (default 20)")
    workers_option(p)
    p.add_argument("--seed", type=int, help="master seed (default: each scenario's)")
    common(p)
    p.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    checks = validate(args.files, args.replications, **replicated(args))
    print_rows(args, checks, report(checks))
    return 0 if all(c.passed for c in checks) else 1
