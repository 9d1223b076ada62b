"""Where a national run spends its time: cProfile's own time, grouped by part of the model.

A tenth of the real country (`population_scale = 0.1`), two years of warm-up and one
measured year: the same code paths as the full run at a tenth of the events. Prints a
markdown table (the one in docs/performance.md) and the 25 costliest functions.

cProfile sees only Python functions, so this runs the Python source of the hot path
(SDSIM_PURE_PYTHON=1, set here): it counts the calls an event makes. For where the
compiled build spends its time, see experiments/profile_native.py (`make profile`).

    python experiments/profile_national.py
"""

from __future__ import annotations

import cProfile
import os
import pstats
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ["SDSIM_PURE_PYTHON"] = "1"  # before the model is imported (model/compiled.py)

from model.engine.simulation import SocialDomainModel  # noqa: E402
from model.scenario import load_scenario  # noqa: E402

LOG_BUILTINS = ("<built-in method numpy.frombuffer>",)
CLOCK = ("schedule", "first", "pop", "open_next_day", "_process", "_run_until", "run_until")
BY_FILE = {
    "engine.py": "engine handlers (arrival, signal, first contact, intake, care, close)",
    "handover.py": "handover",
    "escalation.py": "escalation",
    "families.py": "families (arrivals, luck)",
    "organisations.py": "organisations, teams, care",
    "care.py": "organisations, teams, care",
}


def part(filename: str, name: str) -> str:
    base = filename.rsplit("/", 1)[-1]
    if base == "events.py" or name in LOG_BUILTINS:
        return "event log (writing records into its buffer, flushing it)"
    if name in CLOCK or "heapq" in name or name == "<method 'sort' of 'list' objects>":
        return "event clock (scheduling, the calendar, the day loop)"
    if base in BY_FILE:
        return BY_FILE[base]
    if "numpy" in filename or "numpy" in name or "Generator" in name:
        return "numpy draws and conversions"
    return "Python built-ins (dict lookups, max, ...)"


def main() -> int:
    sc = load_scenario(
        ROOT / "scenarios" / "national.toml",
        {"population_scale": 0.1, "years": 1.0, "warmup_days": 730.0},
    )
    model = SocialDomainModel(sc)
    profile = cProfile.Profile()
    profile.enable()
    model.run()
    profile.disable()
    stats = pstats.Stats(profile)
    calls = sum(nc for (_, nc, _, _, _) in stats.stats.values())
    own: dict[str, float] = {}
    for (filename, _, name), (_, _, tottime, _, _) in stats.stats.items():
        key = part(filename, name)
        own[key] = own.get(key, 0.0) + tottime
    total = sum(own.values())
    events, records = model.events_processed, len(model.log)
    print(
        f"{events:,} events, {records:,} records ({records / events:.1f} an event), "
        f"{calls:,} function calls ({calls / events:.0f} an event), "
        f"{total:.1f} s under the profiler\n"
    )
    print("| part | share of the time |\n|---|---|")
    for key, seconds in sorted(own.items(), key=lambda kv: -kv[1]):
        print(f"| {key} | {100 * seconds / total:.0f} % |")
    print()
    stats.sort_stats("tottime").print_stats(25)
    return 0


if __name__ == "__main__":
    sys.exit(main())
