"""`sdsim app [SCENARIO] [--port N]`: the students' app in the browser, on localhost.

The page (`model/app/page.py`) runs in Solara's server, started here as a child process;
the scenario reaches it through the environment (SDSIM_APP_SCENARIO, SDSIM_APP_SET).
A bad scenario or --set is one line and exit code 2 before any server starts.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

from model.cli.common import note, parse_set, settable


def register(sub) -> None:
    p = sub.add_parser(
        "app",
        help="the students' app: change parameters and watch the families, in the browser",
    )
    p.add_argument(
        "scenario",
        nargs="?",
        help="scenario file (TOML; default scenarios/patchwork.toml, with a year of warm-up)",
    )
    p.add_argument("--port", type=int, default=8765, help="port on localhost (default 8765)")
    p.add_argument("--host", default="localhost", help="address to listen on (default localhost)")
    settable(p)
    p.set_defaults(func=main)


def command(args: argparse.Namespace) -> list[str]:
    return [
        sys.executable, "-m", "solara", "run", "model.app.page", "--production",
        "--host", args.host, "--port", str(args.port), "--no-open", "--no-check-version",
    ]  # fmt: skip


def main(args: argparse.Namespace) -> int:
    try:
        import solara  # noqa: F401
    except ImportError:
        note("sdsim app needs the app extra: pip install -e '.[app]' (or: make app)")
        return 2
    from model.app.appmodel import app_scenario
    from model.world.build import build_geography

    overrides = parse_set(args.set)
    scenario = app_scenario(args.scenario, overrides)  # a bad file or --set: one line, exit 2
    build_geography(scenario, scaled=False)
    env = {
        **os.environ,
        "SDSIM_APP_SCENARIO": str(Path(args.scenario).resolve()) if args.scenario else "",
        "SDSIM_APP_SET": json.dumps(overrides),
        # Solara would otherwise report usage to its makers over the network.
        "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False",
    }
    note(
        f"sdsim app: {scenario.name} ({scenario.scheme}, {scenario.protocol}) on "
        f"http://{args.host}:{args.port}/  (Ctrl-C stops it; the first page takes a few "
        f"seconds: the warm-up of {scenario.warmup_days:g} days runs first)"
    )
    try:
        return subprocess.call(command(args), env=env)
    except KeyboardInterrupt:
        return 0
