"""The results folder of a journey (`sdsim journey`): a scripted family followed through
every scheme and protocol, in worlds replicated around it."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from model.files import atomic_folder, manifest, write_json
from model.output.figures import journey_summary, journey_timeline
from model.runs.journey import follow, tables
from model.runs.run import replication_seeds
from model.scenario import Scenario
from model.sweeps.evaluators import map_in_order


@dataclass
class Journey:
    table: pd.DataFrame  # per scheme and protocol: the family's figures, mean over worlds
    replications: int


def write_journey(
    base: Scenario,
    text: str,
    replications: int,
    master_seed: int,
    workers: int,
    out: Path,
    progress: Callable[[Iterable, int], Iterable] | None = None,
) -> Journey:
    j = base.journey
    seeds = replication_seeds(master_seed, replications)
    keys = [
        (s, p, r, seeds[r]) for s in j.schemes for p in j.protocols for r in range(replications)
    ]
    scenarios = {(s, p): base.replace(scheme=s, protocol=p) for s in j.schemes for p in j.protocols}
    jobs = [(scenarios[(s, p)], seed) for s, p, _, seed in keys]
    results = map_in_order(follow, jobs, workers, progress)
    runs, needs, records, table = tables(keys, results)
    with atomic_folder(out) as tmp:
        write_json(
            tmp / "manifest.json",
            manifest(
                [base],
                seeds,
                {base.name: text},
                {
                    "journey": {
                        "schemes": list(j.schemes),
                        "protocols": list(j.protocols),
                        "replications": replications,
                        "master_seed": master_seed,
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
                f"replication 1 of {replications}",
            )
        journey_summary(runs, j.label, tmp / "figures" / "journey_summary.png")
    return Journey(table, replications)
