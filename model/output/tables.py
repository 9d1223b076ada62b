"""The comparison table printed at the end of `sdsim compare` and of a one-point sweep:
each key metric's mean per scenario, with half its 95 % confidence interval."""

from __future__ import annotations

from collections.abc import Sequence

KEY_ROWS: tuple[str, ...] = (
    "families",
    "handovers",
    "handover_delay_days_mean",
    "handover_delay_days_p90",
    "signal_to_care_days_mean",
    "signal_to_care_days_p90",
    "stories_told_per_family_mean",
    "redundant_intakes_per_family_mean",
    "organisations_per_family_mean",
    "regions_per_family_mean",
    "border_crossings",
    "coordination_hours",
    "admin_hours_share",
    "escalations",
    "repeat_report_share",
    "unmet_need_share",
    "cost_eur_per_family",
    "littles_law_max_rel_error",
)


def print_table(
    table, names: Sequence[str], replications: int, rows: Sequence[str] = KEY_ROWS
) -> None:
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


def fmt(x) -> str:
    if isinstance(x, int):
        return f"{x:,}"
    if x != x:
        return "n/a"
    if abs(x) >= 1000:
        return f"{x:,.0f}"
    if abs(x) >= 10:
        return f"{x:.1f}"
    return f"{x:.3f}" if abs(x) < 1 else f"{x:.2f}"
