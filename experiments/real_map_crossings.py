"""How often handovers cross a region or province border on the real 2023 map, under every
scheme and protocol; and how the real regions nest in one another.

    .venv/bin/python experiments/real_map_crossings.py [--scale 0.1] [--years 1] [--workers 2]

Counts scale with the population simulated, so they are reported per 1,000 handovers and
per 1,000 families (the runs are paired: the same seed for every scheme and protocol).
"""

from __future__ import annotations

import argparse
import sys
from itertools import product
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from model.cli.common import parse_set  # noqa: E402
from model.runs.run import run  # noqa: E402
from model.scenario import load_scenario  # noqa: E402
from model.sweeps.evaluators import map_in_order  # noqa: E402
from model.vocabulary import PROTOCOLS, SCHEMES  # noqa: E402
from model.world.build import build_geography  # noqa: E402


def straddling(a, b) -> int:
    """Regions of partition a that do not lie inside one region of partition b."""
    return sum(len(set(b.member[a.municipalities_of(r)])) > 1 for r in range(len(a)))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", type=float, default=0.1, help="population_scale (default 0.1)")
    ap.add_argument("--years", type=float, default=1.0, help="measured years (default 1)")
    ap.add_argument("--warmup", type=float, default=180.0, help="warm-up days (default 180)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--schemes", nargs="*", default=list(SCHEMES))
    ap.add_argument("--protocols", nargs="*", default=list(PROTOCOLS))
    ap.add_argument("--set", action="append", metavar="KEY=VALUE", help="as in sdsim run")
    args = ap.parse_args()
    base = load_scenario(
        ROOT / "scenarios" / "national.toml",
        {
            "population_scale": args.scale,
            "years": args.years,
            "warmup_days": args.warmup,
            **parse_set(args.set),
        },
    )
    geo = build_geography(base)
    pw = geo.patchwork
    print("How the 2023 regions nest (regions of the row not inside one region of the column):")
    names = [*pw, "ggd"]
    sets = {**pw, "ggd": geo.alternatives["ggd"]}
    print(f"{'':10s}" + "".join(f"{n:>9s}" for n in names))
    for a in names:
        row = "".join(f"{straddling(sets[a], sets[b]):9d}" for b in names)
        print(f"{a:10s}{row}   (of {len(sets[a])})")
    prov = [
        len(set(geo.province[sets[d].municipalities_of(r)])) > 1
        for d in names
        for r in range(len(sets[d]))
    ]
    print(f"regions across a province border: {int(np.sum(prov))}")

    combos = list(product(args.schemes, args.protocols))
    tasks = [(base.replace(scheme=s, protocol=p), base.seed) for s, p in combos]
    runs = [r.summary for r in map_in_order(run, tasks, args.workers)]
    print(
        f"\nscale {args.scale:g}, {args.years:g} measured year(s) after {args.warmup:g} days, "
        f"seed {base.seed}; per 1,000 handovers (per 1,000 families)"
    )
    head = ("handovers", "border", "province", "placed", "border/1k", "prov/1k", "border/1k fam")
    print(f"{'scheme':14s}{'protocol':11s}" + "".join(f"{h:>14s}" for h in head))
    for (s, p), r in zip(combos, runs, strict=True):
        h, f = r["handovers"], r["families"]
        cells = (
            h,
            r["border_crossings"],
            r["province_crossings"],
            r["placements_elsewhere"],
            1000 * r["border_crossings"] / h,
            1000 * r["province_crossings"] / h,
            1000 * r["border_crossings"] / f,
        )
        print(
            f"{s:14s}{p:11s}"
            + "".join(f"{c:14,.1f}" if isinstance(c, float) else f"{c:14,d}" for c in cells)
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
