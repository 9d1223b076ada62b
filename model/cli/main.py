"""The command line: `sdsim run`, `sdsim compare`, `sdsim sweep`, `sdsim journey`,
`sdsim regions`, `sdsim map`, `sdsim validate`, `sdsim calibrate`, `sdsim params`.

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

from model import __version__
from model.output.tables import KEY_ROWS, print_table
from model.output.tables import fmt as _fmt
from model.scenario import Scenario, ScenarioError, load_scenario

AREA_MEAN_NAMES = (
    "signal_to_care_days_mean",
    "stories_told_per_family_mean",
    "border_crossings_per_100_families",
    "province_crossings_per_100_families",
    "unmet_need_share",
)


def reorganisation_rows() -> tuple[str, ...]:
    from model.runs.counterfactual import FIGURES

    return (*FIGURES, "cost_eur_total", "cost_eur_incl_reorganisation")


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
    """A scenario and its map, checked before any run starts (a bad map file is one line)."""
    from model.world.build import build_geography

    overrides = parse_set(getattr(args, "set", None))
    if getattr(args, "years", None) is not None:
        overrides["years"] = args.years
    scenario = load_scenario(path, overrides)
    build_geography(scenario, scaled=False)
    return scenario


def _text(path: str) -> str:
    return Path(path).read_text(encoding="utf-8")


RUN_MAPS: tuple[tuple[str, str], ...] = (
    ("signal_to_care_days_mean", "signal_to_care"),
    ("border_crossings_per_100_families", "border_crossings"),
)


def _municipal_table(result):
    """Counts per home municipality and the means derived from them (metrics.AREA_MEANS)."""
    import numpy as np

    from model.records.metrics import AREA_MEANS, area_means

    t = result.by_municipality
    means = area_means(t, np.arange(len(t)), len(t))
    return t.join(means[list(AREA_MEANS)])


def cmd_run(args: argparse.Namespace) -> int:
    from model.output.figures import run_figures
    from model.output.folders import atomic_folder, manifest, write_json
    from model.output.maps import metric_map
    from model.runs.run import simulate

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
        _municipal_table(result).to_csv(tmp / "municipalities.csv", index=False)
        for metric, stem in RUN_MAPS:
            metric_map(
                result.geography,
                result.by_municipality,
                result.regions["youth"],
                "youth",
                metric,
                tmp / "figures" / f"map_{stem}.png",
                f"{scenario.name}: {scenario.scheme} scheme, {scenario.protocol} protocol, seed {seed}",
            )
        if result.recovery is not None:
            from model.output.figures import recovery_figure

            result.recovery.to_csv(tmp / "reorganisation_recovery.csv", index=False)
            days = [r.day() for r in scenario.reorganisation]
            recovery_figure(result.recovery, days, result.summary["recovery_days"],
                            tmp / "figures" / "reorganisation.png")  # fmt: skip
    print(
        f"{scenario.name}: {scenario.scheme} regions, {scenario.protocol} protocol, seed {seed}, "
        f"{scenario.years:g} years after {scenario.warmup_days:g} days warm-up "
        f"({result.wall_seconds:.1f} s, {result.events_processed:,} events)"
    )
    for key in KEY_ROWS + (reorganisation_rows() if scenario.reorganisation else ()):
        print(f"  {key:36s} {_fmt(result.summary[key])}")
    print(f"results in {out}/")
    return 0


def cmd_compare(args: argparse.Namespace) -> int:
    import numpy as np
    import pandas as pd
    from tqdm import tqdm

    from model.output.figures import compare_figures, reorganisation_figure
    from model.output.folders import atomic_folder, manifest, write_json
    from model.runs.run import (
        comparison_table,
        paired_differences,
        replication_seeds,
        run_scenarios,
    )

    scenarios = [_load(p, args) for p in args.scenarios]
    names = [s.name for s in scenarios]
    if len(set(names)) != len(names):
        raise ScenarioError(f"compare: scenario names must differ, got {', '.join(names)}")
    master = scenarios[0].seed if args.seed is None else args.seed
    seeds = replication_seeds(master, args.replications)
    workers = args.workers or (os.cpu_count() or 1)
    results = run_scenarios(
        scenarios,
        seeds,
        workers,
        progress=lambda it, total: tqdm(it, total=total, desc="runs", unit="run", file=sys.stderr),
    )
    r = args.replications
    reorganising = any(s.reorganisation for s in scenarios)
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
        if reorganising:
            marks = {}
            for sc, runs in zip(scenarios, results, strict=True):
                if sc.reorganisation:
                    rec = [run["recovery_days"] for run in runs if run["reorganisation_recovered"]]
                    mean = float(np.mean(rec)) if rec else float("nan")
                    marks[sc.name] = ([x.day() for x in sc.reorganisation], mean, len(rec) / r)
            reorganisation_figure(series, marks, tmp / "figures" / "compare_reorganisation.png")
    print_table(table, names, r, KEY_ROWS + (reorganisation_rows() if reorganising else ()))
    print(f"results in {out}/ (comparison.csv, differences.csv against {names[0]}, figures/)")
    return 0


JOURNEY_COLUMNS: tuple[tuple[str, str], ...] = (
    ("days_until_all_help", "days to all help"),
    ("stories_told", "stories"),
    ("intakes", "intakes"),
    ("handovers", "handovers"),
    ("organisations", "orgs"),
    ("regions", "regions"),
    ("border_crossings", "borders"),
    ("province_crossings", "provinces"),
    ("waiting_days", "queue days"),
)


def cmd_journey(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from model.output.figures import journey_summary, journey_timeline
    from model.output.folders import atomic_folder, manifest, write_json
    from model.runs.journey import check, follow, tables
    from model.runs.run import replication_seeds, run_many

    base = _load(args.scenario, args)
    j = base.journey
    check(base, args.scenario)
    reps = args.replications or j.replications
    master = base.seed if args.seed is None else args.seed
    seeds = replication_seeds(master, reps)
    keys = [(s, p, r, seeds[r]) for s in j.schemes for p in j.protocols for r in range(reps)]
    scenarios = {(s, p): base.replace(scheme=s, protocol=p) for s in j.schemes for p in j.protocols}
    tasks = [(scenarios[(s, p)], seed) for s, p, _, seed in keys]
    workers = args.workers or (os.cpu_count() or 1)
    results = run_many(
        tasks,
        workers,
        progress=lambda it: tqdm(it, total=len(tasks), desc="runs", unit="run", file=sys.stderr),
        fn=follow,
    )
    runs, needs, records, table = tables(keys, results)
    out = Path(args.out) if args.out else Path("results") / base.name
    with atomic_folder(out) as tmp:
        write_json(
            tmp / "manifest.json",
            manifest(
                [base],
                seeds,
                {base.name: _text(args.scenario)},
                {
                    "journey": {
                        "schemes": list(j.schemes),
                        "protocols": list(j.protocols),
                        "replications": reps,
                        "master_seed": master,
                        "common_random_numbers": True,
                        "family_luck": j.luck,
                        "family_seed": j.seed,
                    },
                    "geography": {"notes": list(results[0]["notes"])},
                },
            ),
        )
        table.to_csv(tmp / "journey_table.csv", index=False)
        runs.to_csv(tmp / "journey_runs.csv", index=False)
        needs.to_csv(tmp / "journey_needs.csv", index=False)
        records.to_csv(tmp / "journey_events.csv", index=False)
        (tmp / "figures").mkdir()
        first = records[records["replication"] == 0]
        for scheme in j.schemes:
            journey_timeline(
                first[first["scheme"] == scheme],
                scheme,
                j.label,
                tmp / "figures" / f"timeline_{scheme}.png",
                f"replication 1 of {reps}",
            )
        journey_summary(runs, j.label, tmp / "figures" / "journey_summary.png")
    print_journey(table, j.label, reps)
    print(f"results in {out}/ (journey_table.csv, journey_runs.csv, journey_events.csv, figures/)")
    return 0


def print_journey(table, label: str, replications: int) -> None:
    who = [c for c in table.columns if c.startswith("days_to_care: ")]
    columns = [
        *JOURNEY_COLUMNS[:1],
        *((c, c.removeprefix("days_to_care: ")) for c in who),
        *JOURNEY_COLUMNS[1:],
    ]
    print(f"\n{label}: mean over {replications} replication(s) of the world around the family")
    print(
        "(days from a need's signal to its care; to all help: from the first signal to the last "
        "need's care; n/a: no care by the end, or a dropout, in at least one run)"
    )
    widths = [max(9, len(h) + 1) for _, h in columns]
    print(
        f"{'scheme':14s}{'protocol':11s}"
        + "".join(f"{h:>{w}s}" for (_, h), w in zip(columns, widths, strict=True))
    )
    for _, row in table.iterrows():
        cells = "".join(
            f"{_fmt(float(row[c])):>{w}s}" for (c, _), w in zip(columns, widths, strict=True)
        )
        print(f"{row['scheme']:14s}{row['protocol']:11s}{cells}")


def cmd_map(args: argparse.Namespace) -> int:
    import json

    import pandas as pd

    from model.output.maps import metric_map
    from model.scenario import scenario_from_dict
    from model.world.build import build_geography
    from model.world.geography import province_regions
    from model.world.schemes import catchments

    folder = Path(args.results)
    counts_path, manifest_path = folder / "municipalities.csv", folder / "manifest.json"
    for p in (counts_path, manifest_path):
        if not p.is_file():
            raise ScenarioError(f"{p}: no such file (a results folder of sdsim run)")
    man = json.loads(manifest_path.read_text(encoding="utf-8"))
    (name, entry), *_ = man["scenarios"].items()
    scenario = scenario_from_dict(entry["parameters"], str(manifest_path))
    geo = build_geography(scenario, scaled=False)
    counts = pd.read_csv(counts_path)
    if list(counts["code"]) != list(geo.codes):
        raise ScenarioError(f"{counts_path}: its municipalities differ from the run's geography")
    if args.regions == "province":
        regions = province_regions(geo)
    elif args.regions in geo.alternatives:
        regions = geo.alternatives[args.regions]
    elif args.regions in ("wijkteam", "youth", "vt", "shelter"):
        regions = catchments(geo, scenario.scheme, scenario.schemes)[args.regions]
    else:
        raise ScenarioError(f"--regions: {geo.label} has no {args.regions!r} regions")
    out = (
        Path(args.out) if args.out else folder / "figures" / f"map_{args.metric}_{args.regions}.png"
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    title = f"{name}: {scenario.scheme} scheme, {scenario.protocol} protocol"
    if not metric_map(geo, counts, regions, args.regions, args.metric, out, title):
        raise ScenarioError(f"{geo.label}: no municipal outlines to draw a map with")
    print(f"map in {out}")
    return 0


def cmd_regions(args: argparse.Namespace) -> int:
    import difflib
    import json

    from model.scenario import scenario_from_dict
    from model.world.build import build_geography
    from model.world.geography import overview, serving
    from model.world.schemes import catchments

    if args.scenario:
        scenario = _load(args.scenario, args)
    else:
        scenario = scenario_from_dict(
            {"geography": args.geography, **_nested(parse_set(args.set))}, "--set"
        )
    if args.scheme:
        scenario = scenario.replace(scheme=args.scheme)
    geo = build_geography(scenario, scaled=False)
    regions = catchments(geo, scenario.scheme, scenario.schemes)
    if args.municipality is None:
        report = {"scheme": scenario.scheme, **overview(geo, regions)}
        if args.json:
            print(json.dumps(report, indent=2, ensure_ascii=False))
            return 0
        print(
            f"{report['geography']}, {scenario.scheme} scheme: {report['municipalities']} "
            f"municipalities, {report['inhabitants']:,} inhabitants, {report['provinces']} provinces"
        )
        for domain, n in report["regions"].items():
            print(f"  {domain:10s} {n:4d} regions")
        for name, n in report["other_region_sets"].items():
            print(f"  {name:10s} {n:4d} regions (not a domain; schemes.aligned_to may use them)")
        _print_notes(report["notes"])
        return 0
    try:
        i = geo.index_of(args.municipality)
    except KeyError:
        close = difflib.get_close_matches(args.municipality, geo.names, n=3, cutoff=0.6)
        hint = (
            f"; did you mean {', '.join(close)}?"
            if close
            else " (a code such as GM0244, or a name)"
        )
        raise ScenarioError(
            f"--municipality: no municipality {args.municipality!r} in {geo.label}{hint}"
        ) from None
    report = {"scheme": scenario.scheme, **serving(geo, regions, i)}
    if args.json:
        print(json.dumps(report, indent=2, ensure_ascii=False))
        return 0
    m = report["municipality"]
    print(
        f"{m['name']} ({m['code']}), {m['province']}, {m['inhabitants']:,} inhabitants: "
        f"who serves it on {report['geography']} under the {scenario.scheme} scheme"
    )
    print(
        f"  {'domain':10s} {'region':8s} {'name':36s} {'municip.':>8s} {'inhabitants':>12s}  seat"
    )

    def line(label: str, r: dict) -> None:
        seat = r["seat"] + (
            f" ({r['seat_province']})" if r["seat_province"] != m["province"] else ""
        )
        print(
            f"  {label:10s} {r['code']:8s} {r['name'][:36]:36s} {r['municipalities']:8d} "
            f"{r['inhabitants']:12,d}  {seat}"
        )

    for domain, r in report["regions"].items():
        line(domain, r)
    for name, r in report["other_region_sets"].items():
        line(f"({name})", r)
    if report["shelter_elsewhere"]:
        line("shelter*", report["shelter_elsewhere"])
        print(
            "  * a placement outside the home region, for safety "
            "(domains.shelter.placement_outside_region_share)"
        )
    _print_notes(report["notes"])
    return 0


def _nested(flat: dict) -> dict:
    """{'map.csv': x} -> {'map': {'csv': x}}."""
    from model.scenario import apply_overrides

    return apply_overrides({}, flat)


def _print_notes(notes: list[str]) -> None:
    for note in notes:
        print(f"note: {note}")


def cmd_sweep(args: argparse.Namespace) -> int:
    from model.sweeps.sweep import cmd_sweep as sweep

    return sweep(args)


def cmd_params(args: argparse.Namespace) -> int:
    from model.scenario.paramdoc import render

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
    from model.checks.validation import report, validate

    checks = validate(args.files, args.replications, **_replicated(args))
    _print_rows(args, checks, report(checks))
    return 0 if all(c.passed for c in checks) else 1


def cmd_calibrate(args: argparse.Namespace) -> int:
    from model.checks.calibration import calibrate, default_scenario, report

    path = args.scenario or str(default_scenario())
    sc, rows = calibrate(path, args.replications, **_replicated(args))
    _print_rows(args, rows, report(sc, rows, args.replications))
    return 0


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

    jny = sub.add_parser(
        "journey",
        help="follow a scripted family (scenario's [journey]) through every scheme and protocol",
    )
    jny.add_argument(
        "scenario", help="scenario file with a [journey] table, e.g. scenarios/pieter.toml"
    )
    jny.add_argument(
        "--replications", type=int, help="worlds around the family (default: journey.replications)"
    )
    jny.add_argument("--workers", type=int, default=0, help="processes (default: all cores)")
    jny.add_argument("--seed", type=int, help="master seed of the worlds (default: the scenario's)")
    jny.add_argument("--out", help="results folder (default: results/<scenario name>/)")
    common(jny)
    jny.set_defaults(func=cmd_journey)

    mp_ = sub.add_parser(
        "map", help="a map of a metric per municipality and per region, from a results folder"
    )
    mp_.add_argument("results", help="a results folder of sdsim run (on a real map)")
    mp_.add_argument(
        "--metric",
        default="signal_to_care_days_mean",
        choices=sorted(AREA_MEAN_NAMES),
        help="what to map (default: signal_to_care_days_mean)",
    )
    mp_.add_argument(
        "--regions",
        default="youth",
        help="the regions of the right-hand map: youth (default), vt, shelter, wijkteam, ggd, province",
    )
    mp_.add_argument("--out", help="PNG file (default: RESULTS/figures/map_<metric>_<regions>.png)")
    mp_.set_defaults(func=cmd_map)

    reg = sub.add_parser(
        "regions",
        help="which region serves a municipality in each domain; or how many regions there are",
    )
    reg.add_argument(
        "--geography",
        default="nl-2023",
        help="nl-2023 (default), synthetic, or csv with --set map.csv=FILE",
    )
    reg.add_argument("--scenario", help="use this scenario's map (geography, map.*, scheme)")
    reg.add_argument(
        "--scheme",
        choices=("patchwork", "centralised", "decentralised", "aligned"),
        help="the regions under this scheme (default: patchwork, or the scenario's)",
    )
    reg.add_argument("--municipality", metavar="CODE_OR_NAME", help="e.g. GM0244 or Hattem")
    reg.add_argument("--json", action="store_true", help="print JSON instead of a table")
    settable(reg)
    reg.set_defaults(func=cmd_regions)

    swp = sub.add_parser(
        "sweep",
        help="run an experiment: scenarios x parameter points x replications, then analyse it",
    )
    swp.add_argument("experiment", help="experiment file (TOML), e.g. experiments/smoke.toml")
    swp.add_argument(
        "--workers",
        type=int,
        default=0,
        help="processes (default: all cores; 1 runs here); with --scheduler local: Dask workers",
    )
    swp.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="run on dask.distributed: a scheduler's address (tcp://host:8786), or 'local'",
    )
    swp.add_argument("--out", help="sweep folder (default: results/<experiment name>/)")
    swp.add_argument("--resume", action="store_true", help="run only what the folder is missing")
    swp.set_defaults(func=cmd_sweep)

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
