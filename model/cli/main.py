"""The command line: one module per command (`model/cli/<command>.py`), each registering
its options and printing what the layers below compute; the CLI itself computes nothing.

Bad input (unknown key, wrong type, value out of range, missing file) ends with one line
naming the file, the field and what is allowed, and exit code 2; never a traceback.
"""

from __future__ import annotations

import argparse
import shlex
import sys
from collections.abc import Sequence

from model import __version__
from model.cli import (
    app,
    calibrate,
    compare,
    export,
    journey,
    outcomes,
    params,
    process,
    regions,
    report,
    run,
    sweep,
    validate,
)
from model.cli import map as map_
from model.scenario import ScenarioError

COMMANDS = (
    run,
    compare,
    journey,
    map_,
    regions,
    sweep,
    params,
    outcomes,
    validate,
    calibrate,
    export,
    process,
    report,
    app,
)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="sdsim",
        description=(
            "Agent-based model of regional schemes in the Dutch social domain: handover delays, "
            "repeated intakes and the cost of reorganising."
        ),
    )
    p.add_argument("--version", action="version", version=f"sdsim {__version__}")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in COMMANDS:
        command.register(sub)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parser.parse_args(argv)
    args.command_line = shlex.join(["sdsim", *argv])
    if (getattr(args, "replications", 1) or 1) < 1:
        parser.error("--replications must be at least 1")
    try:
        return args.func(args)
    except ScenarioError as exc:
        print(f"sdsim: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("sdsim: interrupted; no results folder was changed", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
