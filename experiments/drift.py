"""Is the model stationary? Needs waiting for care per domain at the end of each simulated
year, from the event log (arisen, and neither in care nor dropped out by then), with the
year's Veilig Thuis reports and care starts: a queue that keeps growing after the warm-up
means the window measured depends on how long the run is (docs/calibration.md).

    python experiments/drift.py [SCENARIO] [--years 5] [--seed 1] [--set KEY=VALUE ...]
"""

from __future__ import annotations

import argparse

import numpy as np

from model.cli.common import parse_set
from model.engine.simulation import SocialDomainModel
from model.records.events import VT_REPORTS, Kind
from model.records.metrics import earliest, lookup
from model.scenario import load_scenario
from model.vocabulary import DOMAINS


def waiting_by_year(scenario: str, years: float, seed: int, sets: dict) -> list[dict]:
    sc = load_scenario(scenario, {"years": years, **sets})
    model = SocialDomainModel(sc, seed=seed).run()
    c = model.log.arrays()
    kind, t = c["kind"], c["time"]
    is_need = kind == Kind.NEED
    needs, arose = earliest(c["need"][is_need], t[is_need])
    _, first = np.unique(c["need"][is_need], return_index=True)
    domain = c["domain"][is_need][first]
    out = np.isin(kind, [Kind.CARE_START, Kind.DROPOUT])
    left = lookup(*earliest(c["need"][out], t[out]), needs)
    reports = t[(kind == Kind.SIGNAL) & np.isin(c["aux"], VT_REPORTS)]
    starts = t[kind == Kind.CARE_START]
    rows = []
    for year in range(1, int(np.ceil(model.end_day / 365.0 - 1e-9)) + 1):
        end = min(year * 365.0, model.end_day)
        waiting = (arose < end) & ~(left < end)
        row = {"year": year, "warm_up": end <= sc.warmup_days}
        row |= {d: int((waiting & (domain == i)).sum()) for i, d in enumerate(DOMAINS)}
        row["vt_reports"] = int(((reports >= end - 365.0) & (reports < end)).sum())
        row["care_starts"] = int(((starts >= end - 365.0) & (starts < end)).sum())
        rows.append(row)
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("scenario", nargs="?", default="scenarios/patchwork.toml")
    ap.add_argument("--years", type=float, default=5.0, help="measured years (after the warm-up)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")
    args = ap.parse_args()
    rows = waiting_by_year(args.scenario, args.years, args.seed, parse_set(args.set))
    head = ["year", *DOMAINS, "vt_reports", "care_starts"]
    print("needs waiting at the end of each year, by domain; the year's VT reports and care starts")
    print(" ".join(f"{h:>12}" for h in head))
    for r in rows:
        year = f"{r['year']}{' (w)' if r['warm_up'] else ''}"
        print(" ".join(f"{v:>12}" for v in [year, *(r[h] for h in head[1:])]))


if __name__ == "__main__":
    main()
