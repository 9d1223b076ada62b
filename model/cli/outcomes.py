"""`sdsim outcomes`: every outcome with its unit, meaning, direction and how it is computed
from the event log (docs/outcomes.md)."""

from __future__ import annotations

import argparse

from model.records.outcomedoc import render


def register(sub) -> None:
    p = sub.add_parser(
        "outcomes", help="print every outcome with its unit, meaning and computation (markdown)"
    )
    p.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    print(render(), end="")
    return 0
