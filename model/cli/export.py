"""`sdsim export RESULTS`: a results folder's event log in the formats process-mining tools
read (docs/event-log.md)."""

from __future__ import annotations

import argparse
from pathlib import Path

from model.output.export import CASE_NOTIONS, FORMATS, read_logs, write_export

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
    p.add_argument(
        "--out",
        help="output file (default RESULTS/events.xes, events.jsonocel or events_log.csv; "
        "an OCEL file's suffix .jsonocel, .xmlocel or .sqlite picks its encoding)",
    )
    p.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    logs = read_logs(args.results)
    out = Path(args.out) if args.out else Path(args.results) / DEFAULT_NAMES[args.format]
    n = write_export(logs, args.format, out, args.case)
    print(f"{n:,} events of {len(logs)} run(s) as {args.format} in {out}")
    return 0
