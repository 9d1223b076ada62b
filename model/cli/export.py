"""`sdsim export RESULTS`: a results folder's event log in the formats process-mining tools
read (docs/event-log.md)."""

from __future__ import annotations

import argparse
from pathlib import Path

from model.output.export import (
    CASE_NOTIONS,
    FORMATS,
    PERIODS,
    read_logs,
    write_export,
    write_per_run,
)

# The file each format gets by default, in RESULTS.
DEFAULT_NAMES = {"xes": "events.xes", "ocel": "events.jsonocel", "csv": "events_log.csv"}


def register(sub) -> None:
    p = sub.add_parser(
        "export",
        help="write the event log of a run (or of a comparison's runs) as XES, OCEL 2.0 or CSV",
    )
    p.add_argument(
        "results", help="a run's folder, or a comparison or sweep folder that kept event logs"
    )
    p.add_argument("--format", choices=FORMATS, default="xes", help="xes (default), ocel or csv")
    p.add_argument(
        "--case",
        choices=CASE_NOTIONS,
        default="family",
        help="what a case is in XES and CSV: a family (default) or a need (OCEL keeps both)",
    )
    add_selection(p)
    p.add_argument(
        "--per-run",
        action="store_true",
        help="one file per run in the folder --out (default RESULTS/export/), named "
        "<scenario>_r<replication>: the size a process-mining tool opens",
    )
    p.add_argument(
        "--out",
        help="output file (default RESULTS/events.xes, events.jsonocel or events_log.csv; "
        "an OCEL file's suffix .jsonocel, .xmlocel or .sqlite picks its encoding)",
    )
    p.set_defaults(func=main)


def add_selection(p: argparse.ArgumentParser) -> None:
    """The runs and the period to take: shared with `sdsim process`."""
    p.add_argument(
        "--scenario",
        action="append",
        default=[],
        metavar="NAME",
        help="only this scenario's runs (repeat for more; default all)",
    )
    p.add_argument(
        "--replication",
        action="append",
        type=int,
        default=[],
        metavar="R",
        help="only replication R (from 0; repeat for more; default all)",
    )
    p.add_argument(
        "--period",
        choices=PERIODS,
        default="all",
        help="all (default): the whole log, warm-up included; measured: the whole paths of "
        "the families that arrive after the warm-up",
    )


def main(args: argparse.Namespace) -> int:
    logs = read_logs(args.results, args.scenario, args.replication)
    if args.per_run:
        folder = Path(args.out) if args.out else Path(args.results) / "export"
        for path, n in write_per_run(logs, args.format, folder, args.case, args.period):
            print(f"{n:,} events as {args.format} in {path}")
        return 0
    out = Path(args.out) if args.out else Path(args.results) / DEFAULT_NAMES[args.format]
    n = write_export(logs, args.format, out, args.case, args.period)
    print(f"{n:,} events of {len(logs)} run(s) as {args.format} in {out}")
    return 0
