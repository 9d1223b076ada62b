"""The five exercises of docs/students.md, run as the app runs them: A and B side by side on
the same seed (the app's default country and warm-up), stepped for a year; prints the
figures the app shows at weeks 13, 26 and 52, so the answers in the docs can be checked.

    python experiments/students.py [--weeks 52] [--only 1 3]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from model.app.appmodel import AppModel, app_scenario
from model.vocabulary import DOMAIN_CODE

# (title, A's settings, B's settings: a scheme and/or protocol or parameter changes, figures)
EXERCISES: dict[int, tuple[str, dict, dict, tuple[str, ...]]] = {
    1: (
        "information travels with the case: referral -> warm",
        {},
        {"protocol": "warm"},
        ("stories_told_per_family_mean", "signal_to_care_days_rolling", "cost_eur_per_family"),
    ),
    2: (
        "youth-care staff near saturation: 75 -> 60 FTE per 100k",
        {},
        {"domains.youth.fte_per_100k": 60.0},
        ("needs_waiting_youth", "signal_to_care_days_rolling", "youth_queue_days"),
    ),
    6: (
        "(exercise 2, continued) youth-care staff: 75 -> 40 FTE per 100k",
        {},
        {"domains.youth.fte_per_100k": 40.0},
        ("needs_waiting_youth", "signal_to_care_days_rolling", "youth_queue_days"),
    ),
    3: (
        "pooling small teams near saturation: patchwork pooling local -> pooled, youth staff 45",
        {"domains.youth.fte_per_100k": 45.0, "schemes.patchwork.pooling": "local"},
        {"schemes.patchwork.pooling": "pooled"},
        ("needs_waiting_youth", "youth_queue_days", "hours_travel_rolling"),
    ),
    4: (
        "a faster handover: transfer latency 10 -> 2 days (referral)",
        {},
        {"protocols.referral.transfer_latency_days": 2.0},
        ("signal_to_care_days_rolling", "signal_to_care_days_mean", "needs_waiting"),
    ),
    5: (
        "motivation fades faster: motivation window 60 -> 20 days",
        {},
        {"families.motivation_decay_days": 20.0},
        ("needs_waiting", "signal_to_care_days_mean", "cost_eur_per_family"),
    ),
}


def _figures(run) -> dict[str, float]:
    """The page's figures, and the map's mean wait for first contact in youth care."""
    youth = [o.oid for o in run.model.orgs_by_domain[DOMAIN_CODE["youth"]]]
    wait = run.live.wait_by_org()[youth]
    queue = float(np.nanmean(wait)) if np.isfinite(wait).any() else 0.0
    return {**run.live.figures(), "youth_queue_days": queue}


def run(number: int, weeks: int) -> None:
    title, a, b, keys = EXERCISES[number]
    base = app_scenario()
    t0 = time.perf_counter()
    other = {k: v for k, v in b.items() if k in ("scheme", "protocol")}
    if other:  # side by side: B is A with another scheme or protocol
        app = AppModel(base, settings=a, other=other)
        runs = [app]
    else:  # a parameter: the same seed, A with and B without the change
        runs = [AppModel(base, settings=a), AppModel(base, settings={**a, **b})]
    print(f"\n{number}. {title}")
    for week in range(1, weeks + 1):
        for model in runs:
            for _ in range(7):
                model.step()
        if week in (13, 26, weeks):
            rows = [_figures(r) for m in runs for r in m.runs]
            for key in keys:
                a_, b_ = rows[0][key], rows[1][key]
                print(
                    f"  week {week:3d}  {key:32s} A {a_:10.2f}  B {b_:10.2f}  B-A {b_ - a_:+9.2f}"
                )
    print(f"  ({time.perf_counter() - t0:.0f} s)")
    for model in runs:
        model.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--weeks", type=int, default=52)
    ap.add_argument("--only", type=int, nargs="*", choices=sorted(EXERCISES))
    args = ap.parse_args()
    for number in args.only or EXERCISES:
        run(number, args.weeks)


if __name__ == "__main__":
    main()
