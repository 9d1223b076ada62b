"""What the commands share: reading --set, loading a scenario with its map checked, the
common options, and formatting numbers for the terminal."""

from __future__ import annotations

import argparse
import json
import os
import sys
import tomllib
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from model.scenario import Scenario, ScenarioError, apply_overrides, load_scenario
from model.world.build import build_geography


def parse_set(items: Sequence[str] | None) -> dict:
    """--set domains.youth.intake_hours=5 ; the value is read as TOML (numbers, booleans,
    strings, lists), and taken as a plain string when it is not valid TOML."""
    out = {}
    for item in items or ():
        if "=" not in item:
            raise ScenarioError(
                f"--set {item}: expected KEY=VALUE, e.g. domains.youth.intake_hours=5"
            )
        key, value = item.split("=", 1)
        try:
            out[key.strip()] = tomllib.loads(f"v = {value}")["v"]
        except tomllib.TOMLDecodeError:
            out[key.strip()] = value
    return out


def nested(flat: dict) -> dict:
    """{'map.csv': x} -> {'map': {'csv': x}}."""
    return apply_overrides({}, flat)


def load(path: str, args: argparse.Namespace) -> Scenario:
    """A scenario and its map, checked before any run starts (a bad map file is one line)."""
    overrides = parse_set(getattr(args, "set", None))
    if getattr(args, "years", None) is not None:
        overrides["years"] = args.years
    scenario = load_scenario(path, overrides)
    build_geography(scenario, scaled=False)
    return scenario


def text(path: str) -> str:
    return Path(path).read_text(encoding="utf-8")


def workers(args: argparse.Namespace) -> int:
    return args.workers or (os.cpu_count() or 1)


def progress_bar() -> Callable[[Iterable, int], Iterable]:
    """A progress bar on stderr, for results that arrive one run at a time."""
    from tqdm import tqdm

    return lambda it, total: tqdm(it, total=total, desc="runs", unit="run", file=sys.stderr)


def note(text: str) -> None:
    """A line for the user that is not a result: on stderr."""
    print(text, file=sys.stderr)


def replicated(args: argparse.Namespace) -> dict:
    """What `validate` and `calibrate` share: overrides (--set, --years), workers, seed and a
    progress bar."""
    overrides = parse_set(args.set)
    if args.years is not None:
        overrides["years"] = args.years
    return {
        "workers": workers(args),
        "seed": args.seed,
        "overrides": overrides,
        "progress": progress_bar(),
    }


def print_rows(args: argparse.Namespace, rows: Sequence, text: str) -> None:
    print(json.dumps([r.as_dict() for r in rows], indent=2) if args.json else text)


def print_notes(notes: list[str]) -> None:
    for line in notes:
        print(f"note: {line}")


# ----------------------------------------------------------------------------- options
def settable(sp: argparse.ArgumentParser) -> None:
    sp.add_argument(
        "--set",
        action="append",
        metavar="KEY=VALUE",
        help="change a parameter, e.g. --set domains.youth.intake_hours=5 (repeatable)",
    )


def common(sp: argparse.ArgumentParser) -> None:
    sp.add_argument(
        "--years", type=float, help="simulated years after the warm-up (overrides the scenario)"
    )
    settable(sp)


def workers_option(sp: argparse.ArgumentParser) -> None:
    sp.add_argument("--workers", type=int, default=0, help="processes (default: all cores)")


# ----------------------------------------------------------------------------- numbers
def fmt(x) -> str:
    if isinstance(x, int):
        return f"{x:,}"
    if x != x:
        return "n/a"
    if abs(x) >= 1000:
        return f"{x:,.0f}"
    if abs(x) >= 10:
        return f"{x:.1f}"
    return f"{x:.3f}" if abs(x) < 1 else f"{x:.2f}"
