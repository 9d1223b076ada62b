"""CPU of the simulation under two versions of the code, run by turns (issue 17,
docs/performance.md): a change meant to save time shows it against the code before it on
the same machine the same hour, since this machine's speed varies by more than most changes
save from one day to the next.

Each run is a fresh process that imports the model from the tree given, runs it and reports
the CPU of `model.run()` alone: two years of warm-up and one measured year of
scenarios/national.toml at population_scale 0.1 ("national"), and the M/M/c scenario for
50 years ("mmc"), both from the scenario files of this tree. The trees' outputs are not
compared here; `cmp` their results for that.

    git worktree add /tmp/before <commit>
    python experiments/cpu_ab.py /tmp/before . --runs 3
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# What one run does, in the child process (the tree to measure comes first on sys.path).
CHILD = """
import resource, sys
from pathlib import Path
from model.engine.simulation import SocialDomainModel
from model.scenario import load_scenario
root, which = Path(sys.argv[1]), sys.argv[2]
if which == "national":
    sc = load_scenario(root / "scenarios/national.toml",
                       {"population_scale": 0.1, "years": 1.0, "warmup_days": 730.0})
else:
    sc = load_scenario(root / "scenarios/validation/mmc.toml", {"years": 50.0})
model = SocialDomainModel(sc)
def cpu():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime
c0 = cpu()
model.run()
import model as package
print(cpu() - c0, model.events_processed, len(model.log), Path(package.__file__).parent.parent)
"""


def measure(tree: Path, which: str) -> tuple[float, int, int]:
    # Run in the tree, so that neither the working directory (first on the path of `-c`)
    # nor the editable install gives the child another tree's model.
    env = {**os.environ, "PYTHONPATH": str(tree)}
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(ROOT), which],
        env=env,
        cwd=tree,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    if Path(out[3]).resolve() != tree:
        raise RuntimeError(f"the model came from {out[3]}, not from {tree}")
    return float(out[0]), int(out[1]), int(out[2])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("before", type=Path, help="tree of the code before (a git worktree)")
    ap.add_argument("after", type=Path, help="tree of the code after")
    ap.add_argument("--runs", type=int, default=3, help="runs of each, by turns")
    ap.add_argument("--only", choices=["national", "mmc"], nargs="*", default=["national", "mmc"])
    args = ap.parse_args()
    print("| scenario | code | CPU | events | records | CPU an event |\n|---|---|---|---|---|---|")
    for which in args.only:
        for _ in range(args.runs):
            for label, tree in (("before", args.before), ("after", args.after)):
                cpu, events, records = measure(tree.resolve(), which)
                print(f"| {which} | {label} | {cpu:.2f} s | {events:,} | {records:,} | "
                      f"{1e6 * cpu / events:.1f} us |", flush=True)  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
