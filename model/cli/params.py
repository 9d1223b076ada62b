"""`sdsim params`: every parameter with its default, unit and source (docs/parameters.md)."""

from __future__ import annotations

import argparse

from model.scenario.paramdoc import render


def register(sub) -> None:
    p = sub.add_parser(
        "params", help="print every parameter with its default, unit and source (markdown)"
    )
    p.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    print(render(), end="")
    return 0
