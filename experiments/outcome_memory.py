"""Memory and CPU of each outcome computed from a run's log (issue 17, docs/performance.md).

The outcomes read the event log on disk kind by kind; what each holds at its peak decides,
for a long national run, whether they or the simulation's end are the peak of the process.
This runs scenarios/national.toml at a scale for some measured years, lets the model go,
then computes each outcome from the log with tracemalloc on (numpy reports its arrays to
it), and prints its peak (MB, and bytes a record of the log) and its CPU. A digest of each
result lets a change that is meant to save memory show that it changed no figure.

    python experiments/outcome_memory.py [--scale 0.1] [--years 5]
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import pickle
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from model.engine.simulation import SocialDomainModel  # noqa: E402
from model.records import metrics  # noqa: E402
from model.scenario import load_scenario  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", type=float, default=0.1, help="population_scale")
    ap.add_argument("--years", type=float, default=5.0, help="measured years")
    args = ap.parse_args()
    sc = load_scenario(
        ROOT / "scenarios" / "national.toml",
        {"population_scale": args.scale, "years": args.years},
    )
    model = SocialDomainModel(sc).run()
    log, info, n = model.log, model.run_info(), model.geography.n
    del model
    gc.collect()
    outcomes = {
        "summarise": lambda: metrics.summarise(log, info),
        "timeseries": lambda: metrics.timeseries(log, info),
        "littles_law": lambda: metrics.littles_law(log, info),
        "by_municipality": lambda: metrics.by_municipality(log, info, n),
        "signal_to_care": lambda: metrics.signal_to_care(log, info),
    }
    print(f"{len(log):,} records\n")
    print("| outcome | peak traced | bytes a record | CPU | digest |\n|---|---|---|---|---|")
    for name, compute in outcomes.items():
        tracemalloc.start()
        c0 = time.process_time()
        result = compute()
        cpu = time.process_time() - c0
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        blob = pickle.dumps(result) if isinstance(result, dict) else result.to_csv().encode()
        digest = hashlib.sha256(blob).hexdigest()[:16]
        print(f"| {name} | {peak / 1e6:.1f} MB | {peak / len(log):.2f} | {cpu:.2f} s | {digest} |")
        del result
    return 0


if __name__ == "__main__":
    sys.exit(main())
