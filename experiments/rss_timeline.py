"""Resident memory of a command over time: where a run's memory goes, phase by phase.

    python experiments/rss_timeline.py --out /tmp/rss.csv -- sdsim run scenarios/national.toml --years 5

Runs the command, samples its resident set (VmRSS of /proc/PID/status, the command and its
children summed) every half second into a CSV (seconds, MB), and prints the peak and when
it came. `/usr/bin/time -v` gives the peak alone; this shows whether it is the simulation
or the outcomes that reach it (docs/performance.md). Linux only.
"""

from __future__ import annotations

import argparse
import csv
import subprocess
import time
from pathlib import Path


def rss_kb(pid: int) -> int:
    """VmRSS of a process and its descendants, in kB (0 once it has gone)."""
    total = 0
    try:
        status = Path(f"/proc/{pid}/status").read_text()
        total += int(status.split("VmRSS:")[1].split()[0]) if "VmRSS:" in status else 0
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except (FileNotFoundError, ProcessLookupError):
        return total
    return total + sum(rss_kb(int(c)) for c in children)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="CSV of seconds, MB")
    parser.add_argument("--every", type=float, default=0.5, help="seconds between samples")
    parser.add_argument("command", nargs=argparse.REMAINDER, help="-- then the command")
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    t0 = time.perf_counter()
    proc = subprocess.Popen(command)
    rows: list[tuple[float, float]] = []
    while proc.poll() is None:
        rows.append((time.perf_counter() - t0, rss_kb(proc.pid) / 1024))
        time.sleep(args.every)
    with args.out.open("w", newline="") as f:
        csv.writer(f).writerows(
            [("seconds", "rss_mb"), *((f"{t:.1f}", f"{m:.0f}") for t, m in rows)]
        )
    if rows:
        t, peak = max(rows, key=lambda r: r[1])
        print(f"peak {peak:,.0f} MB at {t:.0f} s of {rows[-1][0]:.0f} s; exit {proc.returncode}")


if __name__ == "__main__":
    main()
