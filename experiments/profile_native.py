"""Where the compiled run spends its time: a sampling profile with native frames.

cProfile sees nothing inside the compiled modules (experiments/profile_national.py runs the
Python source for that reason), so this script samples a run with py-spy (`--native`: the
C frames of Cython, CPython and numpy too, 200 samples a second) and keeps the samples
taken inside the engine's loop (`_process`), set-up and outcomes left out. It prints
- the share of the loop's time by what the processor was doing (the innermost frame):
  the model's own compiled code, reference counting, name and key lookups, numpy, ...;
- the costliest model functions by own time (the nearest model frame of each sample);
- where numpy was called from.

    make profile                      # the same as the first line below
    python experiments/profile_native.py                  # a tenth of the country, 2+1 years
    python experiments/profile_native.py --scenario mmc   # M/M/c, 50 years
    python experiments/profile_native.py --scale 1 --years 1 --warmup-days 365

py-spy comes with the `profile` extra (`pip install -e '.[profile]'`). The raw samples are
kept with `--raw FILE` (one line a stack, py-spy's "raw" format).
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CHILD = """
import sys
from model.engine.simulation import SocialDomainModel
from model.scenario import load_scenario
scenario, scale, years, warmup = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
if scenario == "mmc":
    sc = load_scenario("scenarios/validation/mmc.toml", {"years": years})
else:
    over = {"population_scale": scale, "years": years}
    if warmup != "default":
        over["warmup_days"] = float(warmup)
    sc = load_scenario("scenarios/national.toml", over)
SocialDomainModel(sc).run()
"""

# The engine's loop, as Python or as compiled code ("simulation__process").
LOOP = re.compile(r"_process \(model/engine/simulation\.py")
NUMPY = re.compile(r"numpy|scipy|_generator|random_|bit_generator|ufunc|PyArray|npy_|mtrand|"
                   r"_common\.|legacy_|_multiarray")  # fmt: skip

# What the processor was doing, by the innermost frame's name (first match wins); a sample
# with numpy or scipy anywhere on its stack below the model counts as numpy.
CATEGORIES = (
    ("reference counts (Py_DECREF: an object let go, freed when its count reaches zero)",
     r"DECREF|dealloc|_Py_Dealloc|Free\b|free\b"),
    ("name and key lookups (attributes of the model and the configs, dicts)",
     r"GetAttr|GetItem|[Dd]ict|lookdict|_PyType_Lookup|Contains|[Hh]ash|getattr"),
    ("making objects (cases, needs, tuples, boxed numbers)",
     r"tp_new|_New\b|New\b|[Aa]lloc|PyFloat_From|PyLong_From|__init__|NewRef|PyObject_GC"),
    ("sorting a day's events", r"sort|count_run|binarysort|unsafe_|gallop|merge_"),
    ("calls through Python (handlers, methods)", r"Call|call|[Vv]ectorcall|_PyEval|cfunction"),
    ("comparisons of Python objects", r"[Cc]ompare"),
    ("reference counts (Py_INCREF)", r"INCREF"),
)  # fmt: skip


def category(frames: list[str]) -> str:
    if any(NUMPY.search(f) for f in frames):
        return "numpy and scipy (random numbers, searchsorted, ndtri, a month's families)"
    leaf = frames[-1].split(" (")[0]
    for name, pattern in CATEGORIES:
        if re.search(pattern, leaf):
            return name
    if "model/" in frames[-1]:
        return "the model's own compiled code"
    return "other"


def nearest_model_frame(frames: list[str]) -> str:
    """The innermost frame of a model function, past Cython's and CPython's helpers (which
    carry the line of the model code that called them)."""
    for f in reversed(frames):
        where = re.search(r"model/[\w/]+\.py", f)
        name = f.split(" (")[0]
        if where and not name.startswith(("__Pyx", "Py_", "__pyx_tp_")):
            return f"{name} ({where.group(0)})"
    return "outside the model"


def summarise(raw: Path, top: int) -> str:
    total = 0
    by_category: Counter[str] = Counter()
    by_function: Counter[str] = Counter()
    numpy_from: Counter[str] = Counter()
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        frames = stack.split(";")
        if not any(LOOP.search(f) for f in frames):
            continue
        n = int(count)
        total += n
        by_category[category(frames)] += n
        by_function[nearest_model_frame(frames)] += n
        first_numpy = next((i for i, f in enumerate(frames) if NUMPY.search(f)), None)
        if first_numpy is not None:
            numpy_from[nearest_model_frame(frames[:first_numpy])] += n
    if not total:
        return "no samples inside the engine's loop (is py-spy allowed to read the process?)"

    def table(title: str, counts: Counter[str], limit: int) -> str:
        rows = "\n".join(f"| {k} | {100 * v / total:.1f} % |" for k, v in counts.most_common(limit))
        return f"| {title} | share of the loop |\n|---|---|\n{rows}\n"

    return (
        f"{total:,} samples inside the engine's loop.\n\n"
        + table("what the processor was doing", by_category, len(CATEGORIES) + 3)
        + "\n"
        + table("model function (own time, with what it calls outside the model)", by_function, top)
        + "\n"
        + table("numpy called from", numpy_from, 10)
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scenario", choices=("national", "mmc"), default="national")
    ap.add_argument("--scale", type=float, default=0.1, help="population_scale (national)")
    ap.add_argument("--years", type=float, default=None, help="measured years (1; mmc: 50)")
    ap.add_argument("--warmup-days", default="730", help="national: days of warm-up, or 'default'")
    ap.add_argument("--rate", type=int, default=200, help="samples a second")
    ap.add_argument("--top", type=int, default=25, help="model functions to list")
    ap.add_argument("--raw", type=Path, help="keep py-spy's raw samples in this file")
    args = ap.parse_args()
    years = args.years if args.years is not None else (50.0 if args.scenario == "mmc" else 1.0)
    with tempfile.TemporaryDirectory() as tmp:
        raw = args.raw or Path(tmp) / "samples.txt"
        cmd = [str(Path(sys.executable).with_name("py-spy")), "record", "--native", "--rate",
               str(args.rate), "--format", "raw", "--output", str(raw), "--", sys.executable,
               "-c", CHILD, args.scenario, str(args.scale), str(years), args.warmup_days]  # fmt: skip
        try:
            subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True, text=True)
        except FileNotFoundError:
            sys.exit("py-spy is not installed: pip install -e '.[profile]' (or make profile)")
        except subprocess.CalledProcessError as e:
            sys.exit(f"py-spy failed: {e.stderr.strip().splitlines()[-1]}")
        print(summarise(raw, args.top))


if __name__ == "__main__":
    main()
