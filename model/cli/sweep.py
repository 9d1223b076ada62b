"""`sdsim sweep EXPERIMENT`: scenarios x parameter points x replications, then the analysis."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from model.cli.common import note
from model.cli.tables import print_table
from model.scenario import ScenarioError
from model.sweeps.design import load_experiment
from model.sweeps.store import RunStore
from model.sweeps.sweep import RunFailed, execute, plan_of, write_analysis


def register(sub) -> None:
    p = sub.add_parser(
        "sweep",
        help="run an experiment: scenarios x parameter points x replications, then analyse it",
    )
    p.add_argument("experiment", help="experiment file (TOML), e.g. experiments/smoke.toml")
    p.add_argument(
        "--workers",
        type=int,
        default=0,
        help="processes (default: all cores; 1 runs here); with --scheduler local: Dask workers",
    )
    p.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="run on dask.distributed: a scheduler's address (tcp://host:8786), or 'local'",
    )
    p.add_argument("--out", help="sweep folder (default: results/<experiment name>/)")
    p.add_argument("--resume", action="store_true", help="run only what the folder is missing")
    p.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    if args.workers < 0:
        raise ScenarioError(f"--workers {args.workers}: must be 0 (all cores) or more")
    design = load_experiment(args.experiment)
    plan = plan_of(design)
    out = Path(args.out) if args.out else Path("results") / design.name
    store = RunStore(out)
    try:
        execute(plan, store, {}, args.workers, args.scheduler, args.resume, note=note)
    except KeyboardInterrupt:
        done = store.finished()
        print(
            f"sdsim: interrupted; the {done} finished run(s) are kept in {out}/; "
            f"`sdsim sweep {args.experiment} --out {out} --resume` runs the rest",
            file=sys.stderr,
        )
        return 130
    except RunFailed as exc:
        print(f"sdsim: error: {exc}", file=sys.stderr)
        return 1
    result = write_analysis(plan, store, out)
    if result.discovery is not None:
        print(result.discovery)
    if plan.n_points == 1:
        summary = result.summary
        print_table(summary[summary.point == 0], list(design.scenarios), result.replications)
    print(f"results in {out}/: {', '.join(result.written)}")
    return 0
