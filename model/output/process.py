"""The family's path as a process: the directly-follows graph (how often one step follows
another, and how long the family waits in between) and the path variants (whole paths, how
common, how long to care), per run or pooled per scenario of a comparison.

The maps are drawn with matplotlib, not graphviz: `pip install` alone must give a working
`sdsim process`, and pm4py's own drawings need the system's `dot`. The layout is fixed by
where each step comes in a path (PATH_STEPS, top to bottom), so two schemes' maps put the same
step in the same place and can be read side by side.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.patches import FancyArrowPatch  # noqa: E402

from model.output.export import ACTIVITIES, flat_table  # noqa: E402
from model.records.events import Kind  # noqa: E402

# The steps of a path; effort records (administration, coordination, travel) are hours spent
# on a case, not steps the family takes, and would put a loop on every node.
PATH_STEPS: tuple[str, ...] = tuple(
    ACTIVITIES[k]
    for k in (
        Kind.NEED,
        Kind.SIGNAL,
        Kind.QUEUED,
        Kind.ASSIGNED,
        Kind.INTAKE,
        Kind.HANDOVER_SENT,
        Kind.HANDOVER_RECEIVED,
        Kind.ESCALATION,
        Kind.CARE_START,
        Kind.TRANSFER,
        Kind.CARE_RESUMED,
        Kind.CARE_END,
        Kind.DROPOUT,
        Kind.CLOSED,
    )
)
START, END = "▶ start", "■ end"


@dataclass
class ProcessMap:
    """A directly-follows graph: nodes with how many events and cases, arcs with how often
    and how many days after, and the variants of the same traces."""

    nodes: pd.DataFrame  # activity, events, cases, position (mean relative place in a path)
    arcs: pd.DataFrame  # source, target, frequency, mean_days (START/END for the ends)
    variants: pd.DataFrame  # variant, cases, share, days_to_care_mean, cared_share
    cases: int


def traces(table: pd.DataFrame, steps: tuple[str, ...] = PATH_STEPS) -> pd.DataFrame:
    """The path steps of a flat table (export.flat_table), each case's in order (by time;
    events of the same moment in the order they were recorded)."""
    t = table[table["concept:name"].isin(steps)]
    t = t.assign(_order=np.arange(len(t)))
    t = t.sort_values(["case:concept:name", "day", "_order"], kind="stable")
    return t[["case:concept:name", "concept:name", "day"]].reset_index(drop=True)


def process_map(table: pd.DataFrame, steps: tuple[str, ...] = PATH_STEPS) -> ProcessMap:
    t = traces(table, steps)
    case = t["case:concept:name"].to_numpy()
    act = t["concept:name"].to_numpy()
    day = t["day"].to_numpy(dtype=float)
    n = len(t)
    first = np.ones(n, dtype=bool)
    first[1:] = case[1:] != case[:-1]
    last = np.ones(n, dtype=bool)
    last[:-1] = case[1:] != case[:-1]
    # Arcs: within a case, each event to the next; and the start and end of each case.
    inner = ~last
    arcs = pd.DataFrame(
        {
            "source": np.concatenate([act[inner], np.full(first.sum(), START), act[last]]),
            "target": np.concatenate([act[1:][inner[:-1]], act[first], np.full(last.sum(), END)]),
            "days": np.concatenate(
                [day[1:][inner[:-1]] - day[:-1][inner[:-1]], np.zeros(first.sum() + last.sum())]
            ),
        }
    )
    arcs = (
        arcs.groupby(["source", "target"], sort=False)
        .agg(frequency=("days", "size"), mean_days=("days", "mean"))
        .reset_index()
        .sort_values("frequency", ascending=False, kind="stable")
        .reset_index(drop=True)
    )
    # Where a step typically falls: its rank in the case over the case's length.
    starts = np.flatnonzero(first)
    lengths = np.diff(np.append(starts, n))
    rank = np.arange(n) - np.repeat(starts, lengths)
    rel = rank / np.maximum(np.repeat(lengths, lengths) - 1, 1)
    nodes = (
        pd.DataFrame({"activity": act, "case": case, "position": rel})
        .groupby("activity")
        .agg(events=("case", "size"), cases=("case", "nunique"), position=("position", "mean"))
        .reset_index()
        .sort_values("position", kind="stable")
        .reset_index(drop=True)
    )
    return ProcessMap(nodes, arcs, variants(t), int(first.sum()))


def variants(t: pd.DataFrame) -> pd.DataFrame:
    """Each distinct path (its steps joined by " → ") with how many cases took it, their
    share, the mean days from the case's first step to its first care start (cases that
    reached care), and the share that reached care."""
    if t.empty:
        return pd.DataFrame(
            columns=["variant", "cases", "share", "days_to_care_mean", "cared_share"]
        )
    g = t.groupby("case:concept:name", sort=False)
    path = g["concept:name"].agg(" → ".join)
    begin = g["day"].min()
    care = (
        t[t["concept:name"] == ACTIVITIES[Kind.CARE_START]]
        .groupby("case:concept:name")["day"]
        .min()
    )
    per_case = pd.DataFrame({"variant": path, "to_care": care.reindex(path.index) - begin})
    out = (
        per_case.groupby("variant", sort=False)
        .agg(
            cases=("to_care", "size"),
            days_to_care_mean=("to_care", "mean"),
            cared=("to_care", "count"),
        )
        .reset_index()
    )
    out["share"] = out["cases"] / len(per_case)
    out["cared_share"] = out["cared"] / out["cases"]
    out = out.sort_values(["cases", "variant"], ascending=[False, True], kind="stable")
    return out[["variant", "cases", "share", "days_to_care_mean", "cared_share"]].reset_index(
        drop=True
    )


def draw(pm: ProcessMap, ax, title: str, min_share: float = 0.02) -> None:
    """The map on `ax`: the steps top to bottom in PATH_STEPS order (the same place in every
    map), arcs taken by at least `min_share` of the cases, their width by frequency,
    labelled with how many and the mean days waited; forward arcs blue, arcs back up red,
    the arcs from start and to end thin and unlabelled."""
    order = [a for a in PATH_STEPS if a in set(pm.nodes["activity"])]
    order += sorted(set(pm.nodes["activity"]) - set(order))
    names = [START, *order, END]
    y = {a: -1.2 * i for i, a in enumerate(names)}
    events = dict(zip(pm.nodes["activity"], pm.nodes["events"], strict=True))
    keep = pm.arcs[pm.arcs["frequency"] >= max(1, min_share * pm.cases)]
    top = float(keep["frequency"].max()) if len(keep) else 1.0
    for a in names:
        label = a if a in (START, END) else f"{a}\n{int(events[a]):,}"
        colour = "#eeeeee" if a in (START, END) else "#dbe9f6"
        ax.text(0, y[a], label, ha="center", va="center", fontsize=8, zorder=3,
                bbox={"boxstyle": "round,pad=0.3", "fc": colour, "ec": "#4a6f8a"})  # fmt: skip
    for r in keep.itertuples():
        s, t = r.source, r.target
        ends = s == START or t == END
        if s == t:
            p0, p1, rad = (0.45, y[s] + 0.15), (0.45, y[s] - 0.15), -1.5
        else:
            down = y[t] < y[s]
            span = abs(y[t] - y[s]) / 1.2
            p0 = (0.0, y[s] + (-0.3 if down else 0.3))
            p1 = (0.0, y[t] + (0.3 if down else -0.3))
            # One step down: straight; longer jumps bow out, down to the right, up to the left.
            rad = 0.0 if span <= 1 and down else (0.12 + 0.05 * span) * (1 if down else -1)
        width = 0.5 + 4.5 * r.frequency / top
        ax.add_patch(
            FancyArrowPatch(p0, p1, connectionstyle=f"arc3,rad={rad}", arrowstyle="-|>",
                            mutation_scale=8 + width, lw=0.6 if ends else width,
                            color="#999999" if ends else ("#c0392b" if y[t] >= y[s] and s != t
                                                          else "#2b5d84"),
                            alpha=0.75, zorder=2)
        )  # fmt: skip
        if not ends:
            # The midpoint of matplotlib's arc3 curve (a quadratic Bezier), with equal axes.
            dx, dy = p1[0] - p0[0], p1[1] - p0[1]
            mx = (p0[0] + p1[0]) / 2 + 0.5 * rad * dy
            my = (p0[1] + p1[1]) / 2 - 0.5 * rad * dx
            ax.text(mx + (0.08 if rad == 0 else 0), my, f"{r.frequency:,} · {r.mean_days:.1f} d",
                    fontsize=6, ha="left" if rad >= 0 else "right", va="center",
                    color="#333333", zorder=4,
                    bbox={"boxstyle": "square,pad=0.1", "fc": "white", "ec": "none",
                          "alpha": 0.7})  # fmt: skip
    reach = max([0.25 * abs(y[t] - y[s]) + 0.6 for s, t in zip(keep.source, keep.target,
                strict=True)] + [1.5])  # fmt: skip
    ax.set_xlim(-reach, reach)
    ax.set_ylim(y[END] - 0.6, 0.6)
    ax.set_aspect("equal")
    ax.set_axis_off()
    ax.set_title(f"{title}\n{pm.cases:,} cases; arcs: how many · mean days waited", fontsize=9)


def draw_maps(maps: dict[str, ProcessMap], stem: Path, min_share: float = 0.02) -> list[Path]:
    """The maps side by side in one figure, as PNG and SVG; the files written."""
    fig, axes = plt.subplots(1, len(maps), figsize=(6 * len(maps), 9), squeeze=False)
    for ax, (name, pm) in zip(axes[0], maps.items(), strict=True):
        draw(pm, ax, name, min_share)
    fig.tight_layout()
    stem.parent.mkdir(parents=True, exist_ok=True)
    paths = [stem.with_suffix(".png"), stem.with_suffix(".svg")]
    for p in paths:
        fig.savefig(p, dpi=150)
    plt.close(fig)
    return paths


def pool(maps: list[ProcessMap]) -> ProcessMap:
    """The map of several runs' cases together, from each run's map: counts add, and each
    mean is weighted by what it averages over (arcs by frequency, a step's position by its
    events, days to care by the cases that reached care). Run by run, a comparison's maps
    never need all its runs in memory at once; the result is the map of the runs' tables
    concatenated (case ids carry their run, so no case is in two runs)."""
    if len(maps) == 1:
        return maps[0]

    def weighted(frames, keys, counts, means):
        t = pd.concat(frames, ignore_index=True)
        for mean, weight in means.items():
            t[mean] = t[mean] * t[weight]
        g = t.groupby(keys, sort=False)[[*counts, *means]].sum(min_count=1)
        for mean, weight in means.items():
            g[mean] = g[mean] / g[weight].where(g[weight] > 0)
        return g.reset_index()

    arcs = weighted([m.arcs for m in maps], ["source", "target"], ["frequency"],
                    {"mean_days": "frequency"})  # fmt: skip
    arcs = arcs.sort_values("frequency", ascending=False, kind="stable").reset_index(drop=True)
    nodes = weighted([m.nodes for m in maps], ["activity"], ["events", "cases"],
                     {"position": "events"})  # fmt: skip
    nodes = nodes.sort_values("position", kind="stable").reset_index(drop=True)
    v = pd.concat([m.variants for m in maps], ignore_index=True)
    v = v.assign(cared=v["cases"] * v["cared_share"])
    v = v.assign(days=v["days_to_care_mean"].fillna(0.0) * v["cared"])
    v = v.groupby("variant", sort=False)[["cases", "cared", "days"]].sum().reset_index()
    cases = sum(m.cases for m in maps)
    v["share"] = v["cases"] / cases
    v["days_to_care_mean"] = v["days"] / v["cared"].where(v["cared"] > 0)
    v["cared_share"] = v["cared"] / v["cases"]
    v = v.sort_values(["cases", "variant"], ascending=[False, True], kind="stable")
    variants_ = v[["variant", "cases", "share", "days_to_care_mean", "cared_share"]]
    return ProcessMap(nodes, arcs, variants_.reset_index(drop=True), cases)


def scenario_maps(logs, case: str = "need", period: str = "all") -> dict[str, ProcessMap]:
    """Per scenario, the map of its runs pooled, read one run at a time."""
    per: dict[str, list[ProcessMap]] = {}
    for log in logs:
        per.setdefault(log.scenario, []).append(process_map(flat_table([log], case, period)))
    return {name: pool(maps) for name, maps in per.items()}


def write_process(
    maps: dict[str, ProcessMap], out: Path, min_share: float = 0.02
) -> dict[str, ProcessMap]:
    """Per scenario: the map as PNG and SVG, the arcs and variants as CSV; and, for several
    scenarios, their maps side by side."""
    out.mkdir(parents=True, exist_ok=True)
    for name, pm in maps.items():
        safe = name.replace("/", "_")
        draw_maps({name: pm}, out / f"process_map_{safe}", min_share)
        pm.arcs.to_csv(out / f"dfg_{safe}.csv", index=False)
        pm.variants.to_csv(out / f"variants_{safe}.csv", index=False)
    if len(maps) > 1:
        draw_maps(maps, out / "process_maps", min_share)
    return maps
