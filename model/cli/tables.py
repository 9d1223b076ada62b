"""Tables for the terminal: the comparison of scenarios, and a journey's figures."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from model.cli.common import fmt
from model.records.outcomes import KEY_TABLE


def print_table(
    table: pd.DataFrame, names: Sequence[str], replications: int, rows: Sequence[str] = KEY_TABLE
) -> None:
    """Mean +- half the 95 % interval, a column per scenario."""
    pivot = table.set_index(["metric", "scenario"])
    lines = []
    for key in rows:
        cells = []
        for n in names:
            row = pivot.loc[(key, n)]
            half = (row["ci_high"] - row["ci_low"]) / 2
            cells.append(fmt(row["mean"]) + (f"±{fmt(half)}" if half == half and half > 0 else ""))
        lines.append((key, cells))
    # Each column as wide as its longest cell, so large figures never run together.
    widths = [
        max(12, len(n) + 2, *(len(cells[i]) + 2 for _, cells in lines)) for i, n in enumerate(names)
    ]
    print(f"\nmean over {replications} replication(s) (common random numbers); +- half the 95 % CI")
    print(f"{'metric':36s}" + "".join(f"{n:>{w}s}" for n, w in zip(names, widths, strict=True)))
    for key, cells in lines:
        print(f"{key:36s}" + "".join(f"{c:>{w}s}" for c, w in zip(cells, widths, strict=True)))


JOURNEY_COLUMNS: tuple[tuple[str, str], ...] = (
    ("days_until_all_help", "days to all help"),
    ("stories_told", "stories"),
    ("intakes", "intakes"),
    ("handovers", "handovers"),
    ("organisations", "orgs"),
    ("regions", "regions"),
    ("border_crossings", "borders"),
    ("province_crossings", "provinces"),
    ("waiting_days", "queue days"),
)


def print_journey(table: pd.DataFrame, label: str, replications: int) -> None:
    who = [c for c in table.columns if c.startswith("days_to_care: ")]
    columns = [
        *JOURNEY_COLUMNS[:1],
        *((c, c.removeprefix("days_to_care: ")) for c in who),
        *JOURNEY_COLUMNS[1:],
    ]
    print(f"\n{label}: mean over {replications} replication(s) of the world around the family")
    print(
        "(days from a need's signal to its care; to all help: from the first signal to the last "
        "need's care; n/a: no care by the end, or a dropout, in at least one run)"
    )
    widths = [max(9, len(h) + 1) for _, h in columns]
    print(
        f"{'scheme':14s}{'protocol':11s}"
        + "".join(f"{h:>{w}s}" for (_, h), w in zip(columns, widths, strict=True))
    )
    for _, row in table.iterrows():
        cells = "".join(
            f"{fmt(float(row[c])):>{w}s}" for (c, _), w in zip(columns, widths, strict=True)
        )
        print(f"{row['scheme']:14s}{row['protocol']:11s}{cells}")
