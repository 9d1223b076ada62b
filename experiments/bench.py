"""Benchmarks: `make bench` runs them all and rewrites their sections of docs/performance.md.

Each benchmark owns a section between `<!-- bench:NAME -->` and `<!-- /bench:NAME -->`, so
benchmarks can be added without touching each other's figures. Every run is measured in
a fresh subprocess, so its peak memory (ru_maxrss) is its own.

    python experiments/bench.py [--only NAME ...] [--write docs/performance.md]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

NATIONAL = {
    "name": "national_synthetic",
    "seed": 1,
    "years": 1.0,
    "warmup_days": 0.0,
    "synthetic": {
        "municipalities": 342,
        "population": 17_590_672,
        "provinces": 12,
        "youth_regions": 42,
        "vt_regions": 25,
        "shelter_regions": 43,
    },
}


def _timed_run(sc) -> tuple[dict, dict]:
    """Set up, run and summarise one model as `run()` does (the model let go, the outcomes
    read from the log on disk); the timings and the summary."""
    import gc

    from model.engine.simulation import SocialDomainModel
    from model.records.metrics import summarise

    t0 = time.perf_counter()
    model = SocialDomainModel(sc)
    t1 = time.perf_counter()
    model.run()
    t2 = time.perf_counter()
    figures = {
        "setup_s": t1 - t0,
        "run_s": t2 - t1,
        "events": model.events_processed,
        "records": len(model.log),
        "families": model._ids["family"],
        "organisations": len(model.orgs),
        "professionals": sum(len(o.professionals) for o in model.orgs),
    }
    log, info = model.log, model.run_info()
    del model
    gc.collect()
    summary = summarise(log, info)
    figures["metrics_s"] = time.perf_counter() - t2
    return figures, summary


def child_national_year() -> dict:
    """One simulated year, no warm-up, synthetic country of national size."""
    from model.scenario import scenario_from_dict

    figures, summary = _timed_run(scenario_from_dict(NATIONAL))
    return {**figures, "signals": summary["signals"]}


def child_national_5y() -> dict:
    """scenarios/national.toml (the real 2023 map, default parameters) for 5 measured years
    after its warm-up: the model and its metrics, as `sdsim run` computes them."""
    from model.scenario import load_scenario

    sc = load_scenario(ROOT / "scenarios" / "national.toml", {"years": 5.0})
    figures, summary = _timed_run(sc)
    return {
        **figures,
        "simulated_years": sc.years + sc.warmup_days / 365.0,
        "warmup_days": sc.warmup_days,
        "border_crossings": summary["border_crossings"],
        "province_crossings": summary["province_crossings"],
        "load_average_5min": os.getloadavg()[1],
    }


def child_agents() -> dict:
    """Why families are slotted objects and not Mesa Agents."""
    import mesa

    class MesaFamily(mesa.Agent):
        def __init__(self, model, x):
            super().__init__(model)
            self.x = x

    class SlottedFamily:
        __slots__ = ("id", "x")

        def __init__(self, i, x):
            self.id = i
            self.x = x

    n = 200_000
    model = mesa.Model(rng=1)
    t0 = time.perf_counter()
    agents = [MesaFamily(model, i) for i in range(n)]
    for a in agents:
        a.remove()
    t1 = time.perf_counter()
    plain = [SlottedFamily(i, i) for i in range(n)]
    del plain
    t2 = time.perf_counter()
    return {"mesa_agent_us": (t1 - t0) / n * 1e6, "slotted_us": (t2 - t1) / n * 1e6, "n": n}


SWEEP = """
name = "bench_sweep"
master_seed = 7
[set]
years = {years}
warmup_days = {warmup_days}
{country}
[scenarios.patchwork]
file = "{root}/scenarios/patchwork.toml"
[scenarios.cooperating]
file = "{root}/scenarios/cooperating.toml"
[parameters]
"handover.region_border_latency_days" = {{ low = 0, high = 21 }}
"domains.youth.fte_per_100k" = {{ low = 50, high = 80 }}
[sampler]
kind = "lhs"
n = {points}
"""


def _sweep_file(
    folder: Path,
    years: float,
    points: int,
    warmup_days: float = 90,
    municipalities: int | None = None,
    population: int | None = None,
) -> Path:
    """A sweep experiment: a small synthetic country, or (without municipalities) the
    scenarios' own default country."""
    country = (
        f"synthetic = {{ municipalities = {municipalities}, population = {population}, "
        "provinces = 2, youth_regions = 6, vt_regions = 4, shelter_regions = 4 }"
        if municipalities
        else ""
    )
    path = folder / "bench_sweep.toml"
    text = SWEEP.format(
        root=ROOT, years=years, points=points, warmup_days=warmup_days, country=country
    )
    path.write_text(text, encoding="utf-8")
    return path


def child_sweep_speedup() -> dict:
    """The same 12-run sweep of the default country on 1 and on 2 workers: wall time, and
    identical tables. Runs of about ten seconds, so that start-up does not decide it."""
    import os
    import tempfile

    from model.cli.main import main
    from model.sweeps import sweep  # noqa: F401 - imports outside the timing

    size = {"years": 1.0, "warmup_days": 365, "points": 6}
    out: dict = {"runs": 2 * size["points"], **size, "load_before": os.getloadavg()[0]}
    with tempfile.TemporaryDirectory() as tmp:
        exp = _sweep_file(Path(tmp), **size)
        for workers in (1, 2):
            t0 = time.perf_counter()
            assert (
                main(["sweep", str(exp), "--workers", str(workers), "--out", f"{tmp}/w{workers}"])
                == 0
            )
            out[f"wall_{workers}"] = time.perf_counter() - t0
        for workers in (1, 2):
            runs = Path(tmp, f"w{workers}", "runs").glob("*/*.json")
            out[f"run_seconds_{workers}"] = sum(
                json.loads(p.read_text())["wall_seconds"] for p in runs
            )
        out["identical"] = all(
            Path(tmp, "w1", t).read_bytes() == Path(tmp, "w2", t).read_bytes()
            for t in ("runs.csv", "summary.csv", "differences.csv")
        )
    out["load_after"] = os.getloadavg()[0]
    return out


def child_sweep_memory() -> dict:
    """Peak memory of the sweep's parent process for N and 4N runs (fresh processes)."""
    import tempfile

    out: dict = {"sizes": {}}
    code = (
        "import json, resource, sys; from model.cli.main import main; "
        "rc = main(sys.argv[1:]); "
        "print(json.dumps({'rc': rc, "
        "'parent': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "
        "'worker': resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))"
    )
    for points in (25, 100):
        size = {"years": 0.5, "municipalities": 16, "population": 80_000, "points": points}
        with tempfile.TemporaryDirectory() as tmp:
            exp = _sweep_file(Path(tmp), **size)
            args = ["sweep", str(exp), "--workers", "2", "--out", f"{tmp}/out"]
            t0 = time.perf_counter()
            res = subprocess.run(
                [sys.executable, "-c", code, *args],
                capture_output=True,
                text=True,
                cwd=ROOT,
                check=True,
            )
            r = json.loads(res.stdout.strip().splitlines()[-1])
            out["sizes"][2 * points] = {**r, "wall": time.perf_counter() - t0}
    return out


REORGANISED = {
    "name": "reorganised",
    "seed": 1,
    "years": 3.0,
    "reorganisation": [{"at_year": 1.0, "scheme": "centralised"}],
}


def child_reorganisation() -> dict:
    """What a reorganisation costs in computing time: the change, the run, the counterfactual.
    CPU seconds (process_time), which a shared machine disturbs less than wall time."""
    from model.engine.simulation import SocialDomainModel
    from model.processes.reorganisation import Reorganiser
    from model.records.metrics import summarise, timeseries
    from model.runs.counterfactual import counterfactual_of, measure
    from model.scenario import scenario_from_dict

    sc = scenario_from_dict(REORGANISED)
    clock = time.process_time
    t0 = clock()
    plain = SocialDomainModel(counterfactual_of(sc)).run()
    t1 = clock()
    apply = Reorganiser.apply
    spent = []

    def timed(self, t, cfg):
        a = clock()
        apply(self, t, cfg)
        spent.append(clock() - a)

    Reorganiser.apply = timed  # this child process only
    model = SocialDomainModel(sc)
    model.run()
    t2 = clock()
    arrays, info = model.log.arrays(), model.run_info()
    summary = summarise(arrays, info)
    t3 = clock()
    measure(sc, model.seed_used, arrays, info, summary, timeseries(arrays, info))
    t4 = clock()
    return {
        "plain_s": t1 - t0,
        "reorganised_s": t2 - t1,
        "apply_s": sum(spent),
        "summary_s": t3 - t2,
        "measure_s": t4 - t3,
        "transferred": summary["reorganisation_cases_transferred"],
        "plain_events": plain.events_processed,
        "events": model.events_processed,
    }


def child_app_week() -> dict:
    """The students' app on its default country (scenarios/patchwork.toml with the app's
    settings): the set-up with its warm-up, then weeks of seven steps (the model and the
    live figures), alone and side by side, and drawing the first tab's pictures."""
    import io
    import statistics

    from model.app import views
    from model.app.appmodel import AppModel, app_scenario

    sc = app_scenario()
    out: dict = {
        "municipalities": sc.synthetic.municipalities,
        "population": sc.synthetic.population,
        "warmup_days": sc.warmup_days,
    }
    weeks = 26
    for name, other in (("one", {}), ("two", {"protocol": "integrated"})):
        t0 = time.perf_counter()
        app = AppModel(sc, other=other)
        out[f"{name}_setup_s"] = time.perf_counter() - t0
        times, cpu = [], []
        for _ in range(weeks):
            t1, c1 = time.perf_counter(), time.process_time()
            for _ in range(7):
                app.step()
            times.append(time.perf_counter() - t1)
            cpu.append(time.process_time() - c1)
        out[f"{name}_week_median_s"] = statistics.median(times)
        out[f"{name}_week_cpu_median_s"] = statistics.median(cpu)
        out[f"{name}_week_max_s"] = max(times)
        out["weeks"] = weeks
        if name == "two":
            t2 = time.perf_counter()
            for draw in (views.waiting, views.signal_to_care, views.difference):
                draw(app).savefig(io.BytesIO(), format="png")
            out["draw_s"] = time.perf_counter() - t2
        app.close()
    out["load_average_5min"] = os.getloadavg()[1]
    return out


def _rss_mb() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def _yearly(sc) -> list[dict]:
    """Run a model a simulated year at a time: CPU, events, records and resident memory of
    each year (the warm-up's years first)."""
    import gc

    from model.engine.simulation import SocialDomainModel

    gc.collect()
    model = SocialDomainModel(sc)
    years = []
    end = model.end_day
    year = 0
    while year * 365.0 < end - 1e-9:
        c0, e0, r0 = time.process_time(), model.events_processed, len(model.log)
        model.run_until(min((year + 1) * 365.0, end))
        years.append(
            {
                "cpu_s": time.process_time() - c0,
                "events": model.events_processed - e0,
                "records": len(model.log) - r0,
                "rss_mb": _rss_mb(),
            }
        )
        year += 1
    return years


# The staffing before issue 10, with which Veilig Thuis's queue does not grow without end
# (docs/calibration.md, "It is not stationary again"): the engine's cost per year apart from
# the model's drift.
STEADIER = {"domains.vt.fte_per_100k": 16.0, "domains.youth.fte_per_100k": 87.0}


def child_horizon() -> dict:
    """Cost per simulated year over a long run: scenarios/national.toml at a tenth of its
    population, the 3-year warm-up and 8 measured years, a year at a time; with the default
    staffing and with the steadier one."""
    from model.scenario import load_scenario

    out = {}
    for name, staffing in (("default", {}), ("steadier", STEADIER)):
        sc = load_scenario(
            ROOT / "scenarios" / "national.toml",
            {"years": 8.0, "population_scale": 0.1, **staffing},
        )
        out[name] = _yearly(sc)
    return {"warmup_years": sc.warmup_days / 365.0, "runs": out}


def child_population() -> dict:
    """Cost of one steady-state year (the year after the 3-year warm-up) of
    scenarios/national.toml at population_scale 0.1, 0.3 and 1."""
    from model.scenario import load_scenario

    out = {}
    for scale in (0.1, 0.3, 1.0):
        sc = load_scenario(
            ROOT / "scenarios" / "national.toml", {"years": 1.0, "population_scale": scale}
        )
        out[str(scale)] = _yearly(sc)[-1]
    return {"scales": out}


def child_mmc() -> dict:
    """CPU per event on the degenerate M/M/c scenario (one wijkteam, nothing but queueing)."""
    from model.engine.simulation import SocialDomainModel
    from model.scenario import load_scenario

    # 50 years (its file says 20) so that the start (a full garbage collection, the first
    # draws) weighs little in the figure per event.
    sc = load_scenario(ROOT / "scenarios" / "validation" / "mmc.toml", {"years": 50.0})
    model = SocialDomainModel(sc)
    c0 = time.process_time()
    model.run()
    cpu = time.process_time() - c0
    return {
        "cpu_s": cpu,
        "events": model.events_processed,
        "records": len(model.log),
        "families": model._ids["family"],
        "simulated_years": sc.years + sc.warmup_days / 365.0,
    }


CHILDREN = {
    "national_year": child_national_year,
    "national_5y": child_national_5y,
    "agents": child_agents,
    "sweep_speedup": child_sweep_speedup,
    "sweep_memory": child_sweep_memory,
    "reorganisation": child_reorganisation,
    "app_week": child_app_week,
    "horizon": child_horizon,
    "population": child_population,
    "mmc": child_mmc,
}


def measure(name: str, env: dict[str, str] | None = None) -> dict:
    """Run one benchmark in a fresh interpreter; return its figures, its peak memory and the
    build it ran on (`env`: more environment, e.g. SDSIM_PURE_PYTHON=1 for the Python
    source)."""
    code = (
        f"import json, resource, sys; sys.path.insert(0, {str(ROOT / 'experiments')!r}); import bench; "
        f"r = bench.CHILDREN[{name!r}](); "
        "r['peak_rss_mb'] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024; "
        "from model import compiled; r['build'] = 'compiled' if compiled.runs_compiled() else 'python'; "
        "print(json.dumps(r))"
    )
    t0 = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True,
        env={**os.environ, **(env or {})},
    )  # fmt: skip
    result = json.loads(out.stdout.strip().splitlines()[-1])
    result["wall_s"] = time.perf_counter() - t0
    return result


def _run_table(r: dict, years: float | None = None) -> str:
    """The figures of a timed run, shared by the national sections."""
    per_year = f" ({r['run_s'] / years:.1f} s per simulated year)" if years else ""
    return f"""| figure | value |
|---|---|
| families arrived | {r["families"]:,} |
| organisations / professionals | {r["organisations"]:,} / {r["professionals"]:,} |
| events processed (arrivals and calendar events) | {r["events"]:,} |
| records in the event log | {r["records"]:,} |
| set-up (geography, organisations, staff) | {r["setup_s"]:.1f} s |
| simulation | {r["run_s"]:.1f} s{per_year} |
| events per second | {r["events"] / r["run_s"]:,.0f} |
| the model let go, then the metrics from the log on disk | {r["metrics_s"]:.1f} s |
| peak memory (resident) | {r["peak_rss_mb"]:,.0f} MB |
| build of the hot path (docs/architecture.md) | {r.get("build", "python")} |
| whole process, wall | {r["wall_s"]:.1f} s |
"""


def section_national_year(r: dict) -> str:
    return f"""### One simulated year, synthetic country of national size

342 municipalities, 17,590,672 inhabitants, 12 provinces, 42 youth, 25 Veilig Thuis and 43
shelter regions; patchwork scheme, referral protocol, default parameters, no warm-up.

{_run_table(r)}"""


def section_national_5y(r: dict) -> str:
    years = r["simulated_years"]
    return f"""### The real country for five years (`scenarios/national.toml`)

The 342 municipalities of 2023 with their real youth-care (42) and Veilig Thuis (25)
regions and 43 shelter regions by rule; patchwork scheme, referral protocol, default
parameters, 5 measured years after the default {r["warmup_days"]:g}-day warm-up ({years:g} simulated
years), the model and its metrics as `sdsim run` computes them (without writing files).
The goal (issue 3) is under 60 s on one core.

{_run_table(r, years)}| handovers across a region / province border (measured years) | {r["border_crossings"]:,} / {r["province_crossings"]:,} |
| machine load (5-minute average at the end; 2 cores) | {r["load_average_5min"]:.1f} |
"""


def section_agents(r: dict) -> str:
    return f"""### Families as Mesa Agents or as slotted objects

Creating and removing {r["n"]:,} families: a Mesa 3.3 `Agent` costs {r["mesa_agent_us"]:.1f} us each,
a `__slots__` object {r["slotted_us"]:.1f} us: a ratio of {r["mesa_agent_us"] / r["slotted_us"]:.1f}.
At national scale (about 0.4 million families a year) that is the difference between
seconds and tens of seconds per simulated year, so families are slotted objects owned by
the model; organisations and professionals (tens of thousands) are Mesa Agents.
"""


def section_sweep_speedup(r: dict) -> str:
    return f"""### A sweep on 1 and on 2 workers

`sdsim sweep` of {r["runs"]} runs (2 scenarios x {r["points"]} Latin-hypercube points, the
default country of `scenarios/patchwork.toml`: 48 municipalities, 1 million inhabitants;
{r["years"]:g} measured year after {r["warmup_days"]:g} days of warm-up), once with `--workers 1` and
once with `--workers 2`, whole command (start-up, runs, analysis) timed in one process.

| workers | wall | speed-up |
|---|---|---|
| 1 | {r["wall_1"]:.1f} s | 1.00 |
| 2 | {r["wall_2"]:.1f} s | {r["wall_1"] / r["wall_2"]:.2f} |

A run took {r["run_seconds_1"] / r["runs"]:.2f} s on 1 worker and {r["run_seconds_2"] / r["runs"]:.2f} s on each of 2 workers
(the rest of the wall time is start-up, spawning workers that import the model, and the
analysis). Tables identical on 1 and 2 workers: {"yes" if r["identical"] else "NO"}.
The machine is shared (load average {r["load_before"]:.1f} before, {r["load_after"]:.1f} after, on
2 cores): 2.0 is the ceiling; when a run takes longer on 2 workers than on 1, other
people's work took the second core, and the ratio says more about them than about us.
The goal (issue 17) is a speed-up of at least 1.8.
"""


def section_sweep_memory(r: dict) -> str:
    (n, a), (m, b) = sorted(((int(k), v) for k, v in r["sizes"].items()), key=lambda kv: kv[0])
    return f"""### Memory of a long sweep stays flat

The same sweep of small runs (16 municipalities, 80,000 inhabitants, half a year) with
{n} and with {m} runs on 2 workers; peak resident memory (ru_maxrss) of the parent process,
which receives every result, writes it to disk and drops it, and then builds the tables
from the files, and of the largest worker.

| runs | parent peak | worker peak | wall |
|---|---|---|---|
| {n} | {a["parent"]:,.0f} MB | {a["worker"]:,.0f} MB | {a["wall"]:.0f} s |
| {m} | {b["parent"]:,.0f} MB | {b["worker"]:,.0f} MB | {b["wall"]:.0f} s |

Four times the runs, {b["parent"] / a["parent"]:.2f} times the parent's peak memory: at most two
runs per worker are in flight, and the analysis holds one row of scalar outcomes per run
(about 60 numbers), not the runs themselves. The workers stay flat too, for two reasons:
a model drops its entry in Mesa 3.3's class-level `Agent._ids` at the end of `run()` (that
dict kept every model a process had made alive), and a run starts with a full garbage
collection (the engine pauses the collector and moves what a run allocates to the oldest
generation, where a finished model waited for a full collection that rarely came). On
this small country either leak is about 1.4 MB a run and hardly shows; on the default
country it was ~200 MB a run (next section).
"""


def section_reorganisation(r: dict) -> str:
    total = r["reorganised_s"] + r["summary_s"] + r["measure_s"]
    return f"""### A reorganisation: the change, the run and its counterfactual

Default synthetic country (48 municipalities, one million inhabitants), the default
warm-up (three years) and three measured years; at year 1 patchwork is centralised
({r["transferred"]:,} cases transferred). CPU seconds.

| figure | value |
|---|---|
| the same run without the reorganisation | {r["plain_s"]:.1f} s ({r["plain_events"]:,} events) |
| the reorganised run | {r["reorganised_s"]:.1f} s ({r["events"]:,} events) |
| of which the change itself (one event) | {r["apply_s"] * 1000:.0f} ms |
| summary from the log | {r["summary_s"]:.1f} s |
| reorganisation figures, counterfactual run included | {r["measure_s"]:.1f} s |
| reorganised run over plain run | {r["reorganised_s"] / r["plain_s"]:.2f} |
| a reorganising scenario over a plain one, all in | {total / (r["plain_s"] + r["summary_s"]):.2f} |

The counterfactual doubles the work of a reorganising scenario; `sdsim compare` saves it
when another scenario of the comparison is that counterfactual.
"""


def section_app_week(r: dict) -> str:
    return f"""### One simulated week of the app's default country

`sdsim app` without a scenario: scenarios/patchwork.toml ({r["municipalities"]} municipalities,
{r["population"]:,} inhabitants) after the app's warm-up of {r["warmup_days"]:g} days, which runs
when the model is made (at Reset). A week is seven steps of one simulated day, each followed
by the update of the live figures from the new records; {r["weeks"]} weeks, wall time (and
CPU time, which other people's work on the machine disturbs less).

| figure | one run | side by side (two runs) |
|---|---|---|
| set-up with the warm-up (Reset) | {r["one_setup_s"]:.1f} s | {r["two_setup_s"]:.1f} s |
| one simulated week, median | {r["one_week_median_s"] * 1000:.0f} ms | {r["two_week_median_s"] * 1000:.0f} ms |
| one simulated week, slowest | {r["one_week_max_s"] * 1000:.0f} ms | {r["two_week_max_s"] * 1000:.0f} ms |
| one simulated week, median CPU time | {r["one_week_cpu_median_s"] * 1000:.0f} ms | {r["two_week_cpu_median_s"] * 1000:.0f} ms |

Drawing the first tab's pictures side by side (waiting, signal to care, B - A) takes
{r["draw_s"]:.1f} s more; the page draws only the open tab. The goal (issue 12) is well under a
second for a week. Machine load (5-minute average at the end; 2 cores): {r["load_average_5min"]:.1f}.
"""


def section_horizon(r: dict) -> str:
    w = int(round(r["warmup_years"]))
    d, st = r["runs"]["default"], r["runs"]["steadier"]
    rows = "\n".join(
        f"| {i + 1}{' (warm-up)' if i < w else ''} | {y['cpu_s']:.2f} s | {y['events']:,} | "
        f"{y['cpu_s'] / y['events'] * 1e6:.1f} us | {y['rss_mb']:,.0f} MB | "
        f"{z['cpu_s']:.2f} s | {z['events']:,} | {z['cpu_s'] / z['events'] * 1e6:.1f} us |"
        for i, (y, z) in enumerate(zip(d, st, strict=True))
    )

    def ratio(ys: list[dict]) -> str:
        measured = ys[w:]
        total = sum(y["cpu_s"] for y in measured)
        return f"{total:.1f} s of CPU, {total / (len(measured) * measured[0]['cpu_s']):.2f} times"

    n = len(d) - w
    return f"""### Cost per simulated year over a long run

`scenarios/national.toml` at `population_scale = 0.1` (a tenth of every municipality),
{w} years of warm-up and {n} measured years, run a year at a time in one process (CPU
of the process; resident memory at the end of each year): with the default staffing, and
with the steadier staffing of before issue 10 (Veilig Thuis 16 and youth care 87 FTE per
100k), under which Veilig Thuis's queue does not grow without end (docs/calibration.md).

| year | default: CPU | events | CPU an event | resident | steadier: CPU | events | CPU an event |
|---|---|---|---|---|---|---|---|
{rows}

The {n} measured years took, with the default staffing, {ratio(d)} {n} times the first
of them; with the steadier staffing {ratio(st)}. The goal (issue 17) is within 10 % (0.90
to 1.10). The log is on disk (model/records/store.py), so the resident memory is the
model's state and what the allocator keeps of it: it grows as long as the queues and the
number of families waiting or in care grow.
"""


def section_population(r: dict) -> str:
    rows = "\n".join(
        f"| {s} | {y['cpu_s']:.2f} s | {y['events']:,} | {y['cpu_s'] / y['events'] * 1e6:.1f} us | "
        f"{y['cpu_s'] / float(s) / r['scales']['1.0']['cpu_s']:.2f} |"
        for s, y in r["scales"].items()
    )
    return f"""### Cost of a year by population

`scenarios/national.toml` at three `population_scale`s: CPU of the first measured year
(after the 3-year warm-up), each in its own model, one after the other in one process.

| population_scale | CPU of the year | events | CPU an event | CPU per unit of population, relative to 1 |
|---|---|---|---|---|
{rows}

Linear in population would put the last column at 1.00 in every row.
"""


def section_mmc(r: dict) -> str:
    per_event = r["cpu_s"] / r["events"] * 1e6
    py = r.get("python")
    both = ""
    if py is not None:
        py_event = py["cpu_s"] / py["events"] * 1e6
        both = f"""
The same run on the Python source (`SDSIM_PURE_PYTHON=1`, the same records): {py["cpu_s"]:.2f} s,
{py_event:.1f} us an event. The {r["build"]} build takes {per_event / py_event:.2f} of that
(each run once, one after the other).
"""
    return f"""### CPU per event on the M/M/c scenario

`scenarios/validation/mmc.toml` with `years = 50` (one wijkteam, Poisson arrivals,
exponential care, nothing but queueing; {r["simulated_years"]:g} simulated years with the warm-up): {r["families"]:,}
families, {r["events"]:,} events (arrivals and calendar events), {r["records"]:,} records,
{r["cpu_s"]:.2f} s of CPU for the run on the {r["build"]} build: **{per_event:.1f} us an event**
({r["cpu_s"] / r["families"] * 1e6:.1f} us a family). The goal (issue 17) is at most 4 us.
{both}"""


# Measured on the compiled build and on the Python source (model/compiled.py).
BOTH_BUILDS = {"mmc"}

SECTIONS = {
    "national_year": section_national_year,
    "national_5y": section_national_5y,
    "agents": section_agents,
    "sweep_speedup": section_sweep_speedup,
    "sweep_memory": section_sweep_memory,
    "reorganisation": section_reorganisation,
    "app_week": section_app_week,
    "horizon": section_horizon,
    "population": section_population,
    "mmc": section_mmc,
}


def write_section(doc: Path, name: str, body: str, command: str) -> None:
    text = doc.read_text(encoding="utf-8") if doc.exists() else HEADER
    stamp = (
        f"_Measured {dt.date.today().isoformat()} on {platform.machine()}, Python "
        f"{platform.python_version()}, with `{command}`._\n"
    )
    block = f"<!-- bench:{name} -->\n{body}\n{stamp}<!-- /bench:{name} -->"
    pattern = re.compile(rf"<!-- bench:{name} -->.*?<!-- /bench:{name} -->", re.S)
    text = (
        pattern.sub(lambda _: block, text)
        if pattern.search(text)
        else text.rstrip() + "\n\n" + block + "\n"
    )
    doc.write_text(text, encoding="utf-8")


HEADER = """# Performance

Figures measured on the project's machines (2 cores, shared and noisy): read comparisons
as ratios. Each section says the command that produced it; `make bench` rewrites them all.
"""


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--only", nargs="*", choices=sorted(CHILDREN), help="benchmarks to run (default: all)"
    )
    ap.add_argument("--write", type=Path, help="rewrite these sections of a markdown file")
    args = ap.parse_args()
    for name in args.only or CHILDREN:
        r = measure(name)
        if name in BOTH_BUILDS:
            r["python"] = measure(name, {"SDSIM_PURE_PYTHON": "1"})
        body = SECTIONS[name](r)
        print(body)
        if args.write:
            write_section(args.write, name, body, f"python experiments/bench.py --only {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
