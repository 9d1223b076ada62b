"""The command line: `sdsim run`, `sdsim compare`, `sdsim params`.

Bad input (unknown key, wrong type, value out of range, missing file) ends with one line
naming the file, the field and what is allowed, and exit code 2; never a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
import tomllib
from collections.abc import Sequence
from pathlib import Path

from . import __version__
from .config import Scenario, ScenarioError, load_scenario

KEY_ROWS: tuple[str, ...] = (
    "families",
    "handovers",
    "handover_delay_days_mean",
    "handover_delay_days_p90",
    "signal_to_care_days_mean",
    "signal_to_care_days_p90",
    "stories_told_per_family_mean",
    "redundant_intakes_per_family_mean",
    "organisations_per_family_mean",
    "regions_per_family_mean",
    "border_crossings",
    "coordination_hours",
    "admin_hours_share",
    "escalations",
    "repeat_report_share",
    "unmet_need_share",
    "cost_eur_per_family",
    "littles_law_max_rel_error",
)


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


def _load(path: str, args: argparse.Namespace) -> Scenario:
    overrides = parse_set(getattr(args, "set", None))
    if getattr(args, "years", None) is not None:
        overrides["years"] = args.years
    return load_scenario(path, overrides)


def _text(path: str) -> str:
    return Path(path).read_text(encoding="utf-8")


def cmd_run(args: argparse.Namespace) -> int:
    from .figures import run_figures
    from .output import atomic_folder, manifest, write_json
    from .runner import simulate

    scenario = _load(args.scenario, args)
    seed = scenario.seed if args.seed is None else args.seed
    out = Path(args.out) if args.out else Path("results") / scenario.name
    result = simulate(scenario, seed)
    with atomic_folder(out) as tmp:
        write_json(
            tmp / "manifest.json",
            manifest(
                [scenario],
                [seed],
                {scenario.name: _text(args.scenario)},
                {
                    "geography": {"notes": list(result.geography_notes)},
                    "wall_seconds": result.wall_seconds,
                    "events_processed": result.events_processed,
                },
            ),
        )
        write_json(tmp / "summary.json", result.summary)
        result.timeseries.to_csv(tmp / "timeseries.csv", index=False)
        result.organisations.to_csv(tmp / "organisations.csv", index=False)
        if args.events == "parquet":
            result.events.to_parquet(tmp / "events.parquet", index=False)
        else:
            result.events.to_csv(tmp / "events.csv.gz", index=False)
        run_figures(
            result.need_delays, result.timeseries, result.summary, tmp / "figures", scenario.name
        )
    print(
        f"{scenario.name}: {scenario.scheme} regions, {scenario.protocol} protocol, seed {seed}, "
        f"{scenario.years:g} years after {scenario.warmup_days:g} days warm-up "
        f"({result.wall_seconds:.1f} s, {result.events_processed:,} events)"
    )
    for key in KEY_ROWS:
        print(f"  {key:36s} {_fmt(result.summary[key])}")
    print(f"results in {out}/")
    return 0


def cmd_compare(args: argparse.Namespace) -> int:
    import pandas as pd
    from tqdm import tqdm

    from .figures import compare_figures
    from .output import atomic_folder, manifest, write_json
    from .runner import comparison_table, paired_differences, replication_seeds, run_many

    scenarios = [_load(p, args) for p in args.scenarios]
    names = [s.name for s in scenarios]
    if len(set(names)) != len(names):
        raise ScenarioError(f"compare: scenario names must differ, got {', '.join(names)}")
    master = scenarios[0].seed if args.seed is None else args.seed
    seeds = replication_seeds(master, args.replications)
    tasks = [(sc, seed) for sc in scenarios for seed in seeds]
    workers = args.workers or (os.cpu_count() or 1)
    flat = run_many(
        tasks,
        workers,
        progress=lambda it: tqdm(it, total=len(tasks), desc="runs", unit="run", file=sys.stderr),
    )
    r = args.replications
    results = [flat[i * r : (i + 1) * r] for i in range(len(scenarios))]
    table = comparison_table(names, results)
    diffs = paired_differences(names, results)
    series = {
        n: pd.concat([run["timeseries"] for run in runs]).groupby("month", as_index=False).mean()
        for n, runs in zip(names, results, strict=True)
    }
    out = Path(args.out) if args.out else Path("results") / "comparison"
    with atomic_folder(out) as tmp:
        write_json(
            tmp / "manifest.json",
            manifest(
                scenarios,
                seeds,
                {s.name: _text(p) for s, p in zip(scenarios, args.scenarios, strict=True)},
                {"master_seed": master, "replications": r, "common_random_numbers": True},
            ),
        )
        table.to_csv(tmp / "comparison.csv", index=False)
        diffs.to_csv(tmp / "differences.csv", index=False)
        rows = [
            {
                "scenario": n,
                "replication": i,
                "seed": seeds[i],
                **{k: v for k, v in run.items() if not isinstance(v, dict | pd.DataFrame)},
            }
            for n, runs in zip(names, results, strict=True)
            for i, run in enumerate(runs)
        ]
        pd.DataFrame(rows).to_csv(tmp / "runs.csv", index=False)
        pd.concat([s.assign(scenario=n) for n, s in series.items()]).to_csv(
            tmp / "timeseries.csv", index=False
        )
        compare_figures(table, series, tmp / "figures")
    print_table(table, names, r)
    print(f"results in {out}/ (comparison.csv, differences.csv against {names[0]}, figures/)")
    return 0


def cmd_params(args: argparse.Namespace) -> int:
    from .paramdoc import render

    print(render(), end="")
    return 0


def _replicated(args: argparse.Namespace) -> dict:
    """What `validate` and `calibrate` share: overrides (--set, --years), workers, seed and a
    progress bar on stderr."""
    from tqdm import tqdm

    overrides = parse_set(args.set)
    if args.years is not None:
        overrides["years"] = args.years
    return {
        "workers": args.workers or (os.cpu_count() or 1),
        "seed": args.seed,
        "overrides": overrides,
        "progress": lambda it: tqdm(it, desc="runs", unit="run", file=sys.stderr),
    }


def _print_rows(args: argparse.Namespace, rows: Sequence, text: str) -> None:
    import json

    print(json.dumps([r.as_dict() for r in rows], indent=2) if args.json else text)


def cmd_validate(args: argparse.Namespace) -> int:
    from .validation import report, validate

    checks = validate(args.files, args.replications, **_replicated(args))
    _print_rows(args, checks, report(checks))
    return 0 if all(c.passed for c in checks) else 1


def cmd_calibrate(args: argparse.Namespace) -> int:
    from .calibration import calibrate, default_scenario, report

    path = args.scenario or str(default_scenario())
    sc, rows = calibrate(path, args.replications, **_replicated(args))
    _print_rows(args, rows, report(sc, rows, args.replications))
    return 0


def print_table(table, names: Sequence[str], replications: int) -> None:
    width = max(12, *(len(n) + 2 for n in names))
    print(f"\nmean over {replications} replication(s) (common random numbers); +- half the 95 % CI")
    print(f"{'metric':36s}" + "".join(f"{n:>{width}s}" for n in names))
    pivot = table.set_index(["metric", "scenario"])
    for key in KEY_ROWS:
        cells = []
        for n in names:
            row = pivot.loc[(key, n)]
            half = (row["ci_high"] - row["ci_low"]) / 2
            cell = _fmt(row["mean"]) + (f"±{_fmt(half)}" if half == half and half > 0 else "")
            cells.append(f"{cell:>{width}s}")
        print(f"{key:36s}" + "".join(cells))


def _fmt(x) -> str:
    if isinstance(x, int):
        return f"{x:,}"
    if x != x:
        return "n/a"
    if abs(x) >= 1000:
        return f"{x:,.0f}"
    if abs(x) >= 10:
        return f"{x:.1f}"
    return f"{x:.3f}" if abs(x) < 1 else f"{x:.2f}"


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

    def common(sp: argparse.ArgumentParser) -> None:
        sp.add_argument(
            "--years", type=float, help="simulated years after the warm-up (overrides the scenario)"
        )
        sp.add_argument(
            "--set",
            action="append",
            metavar="KEY=VALUE",
            help="change a parameter, e.g. --set domains.youth.intake_hours=5 (repeatable)",
        )

    run = sub.add_parser("run", help="run one scenario and write its results folder")
    run.add_argument("scenario", help="scenario file (TOML), e.g. scenarios/patchwork.toml")
    run.add_argument("--seed", type=int, help="random seed (default: the scenario's)")
    run.add_argument("--out", help="results folder (default: results/<scenario name>/)")
    run.add_argument(
        "--events",
        choices=("parquet", "csv"),
        default="parquet",
        help="event log format: events.parquet (default) or events.csv.gz",
    )
    common(run)
    run.set_defaults(func=cmd_run)

    cmp_ = sub.add_parser("compare", help="replicate several scenarios with common random numbers")
    cmp_.add_argument("scenarios", nargs="+", metavar="SCENARIO")
    cmp_.add_argument("--replications", type=int, default=5, help="runs per scenario (default 5)")
    cmp_.add_argument("--workers", type=int, default=0, help="processes (default: all cores)")
    cmp_.add_argument(
        "--seed", type=int, help="master seed for the replications (default: the first scenario's)"
    )
    cmp_.add_argument("--out", help="results folder (default: results/comparison/)")
    common(cmp_)
    cmp_.set_defaults(func=cmd_compare)

    prm = sub.add_parser(
        "params", help="print every parameter with its default, unit and source (markdown)"
    )
    prm.set_defaults(func=cmd_params)

    val = sub.add_parser(
        "validate",
        help="check queueing results (M/M/c, Jackson network) against their analytic values",
        description=(
            "Replicate the degenerate scenarios in scenarios/validation/ and compare arrival "
            "rates, waits and sojourn times with queueing theory. Exit code 1 if a check fails."
        ),
    )
    val.add_argument(
        "files",
        nargs="*",
        metavar="SCENARIO",
        help="default: scenarios/validation/mmc.toml and jackson.toml",
    )
    val.add_argument("--json", action="store_true", help="print the checks as a JSON list")
    val.add_argument("--replications", type=int, default=20, help="runs per scenario (default 20)")
    val.add_argument("--workers", type=int, default=0, help="processes (default: all cores)")
    val.add_argument("--seed", type=int, help="master seed (default: each scenario's)")
    common(val)
    val.set_defaults(func=cmd_validate)

    cal = sub.add_parser(
        "calibrate",
        help="the model against public Dutch figures (youth care, Veilig Thuis), per measured year",
        description=(
            "Replicate a scenario and set its youth-care and Veilig Thuis figures against the "
            "observed ones, with tolerances. Changes no parameter; see docs/calibration.md."
        ),
    )
    cal.add_argument(
        "scenario", nargs="?", metavar="SCENARIO", help="default: scenarios/patchwork.toml"
    )
    cal.add_argument("--json", action="store_true", help="print the rows as a JSON list")
    cal.add_argument("--replications", type=int, default=5, help="runs (default 5)")
    cal.add_argument("--workers", type=int, default=0, help="processes (default: all cores)")
    cal.add_argument("--seed", type=int, help="master seed (default: the scenario's)")
    common(cal)
    cal.set_defaults(func=cmd_calibrate)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "replications", 1) < 1:
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
