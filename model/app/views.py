"""The app's pictures, drawn with matplotlib from the live figures (`live.py`).

Each function takes the AppModel and returns a Figure (no pyplot: the page draws from
threads). Side by side, run A is drawn solid and run B dashed, in the same colours; the
labels and units of figures that are declared outcomes come from `records/outcomes.py`.
"""

from __future__ import annotations

import numpy as np
from matplotlib.colors import Normalize
from matplotlib.figure import Figure

from model.app.appmodel import AppModel, Run
from model.app.live import ACTIVITIES, ROLLING_DAYS
from model.records.events import Kind
from model.records.outcomes import outcome
from model.vocabulary import DOMAIN_CODE, DOMAINS

DPI = 80
DOMAIN_COLOURS = dict(
    zip(DOMAINS, ("#4c72b0", "#dd8452", "#c44e52", "#55a868", "#8172b3", "#937860"), strict=True)
)
STYLES = ("-", "--")
WIDTH, HEIGHT = 5.6, 3.0
# The live figures that are declared outcomes, and the page's other figures, with a label
# and unit each (for the table of figures now and the axes).
NOW_ROWS: tuple[str, ...] = (
    "families",
    "needs_waiting",
    "signal_to_care_days_rolling",
    "signal_to_care_days_mean",
    "stories_told_per_family_mean",
    "cost_eur_per_family",
)
_OWN = {
    "needs_waiting": ("needs waiting for care now", "needs"),
    "signal_to_care_days_rolling": (
        f"signal to care, care started in the last {ROLLING_DAYS:g} days",
        "days",
    ),
}


def label(key: str) -> tuple[str, str]:
    """(label, unit) of a live figure."""
    if key in _OWN:
        return _OWN[key]
    o = outcome(key)
    return o.label, o.unit


def _figure(height: float = HEIGHT, cols: int = 1, width: float = WIDTH) -> tuple[Figure, list]:
    # Fixed margins: matplotlib's constrained or tight layout triples the time of a drawing,
    # and the page draws every figure at each update.
    fig = Figure(figsize=(width, height), dpi=DPI)
    fig.subplots_adjust(left=0.13, right=0.97, bottom=0.17, top=0.88, wspace=0.1)
    axes = fig.subplots(1, cols, squeeze=False)[0]
    return fig, list(axes)


def _legend_runs(ax, app: AppModel) -> None:
    if app.b is not None:
        for run, style in zip(app.runs, STYLES, strict=False):
            ax.plot([], [], style, color="grey", label=f"{run.label}")
        ax.legend(fontsize=7, loc="upper left")


def _series(run: Run, key: str) -> tuple[np.ndarray, np.ndarray]:
    s = run.live.series
    return np.asarray(s.get("day", [])), np.asarray(s.get(key, []), dtype=float)


def waiting(app: AppModel) -> Figure:
    fig, (ax,) = _figure()
    for run, style in zip(app.runs, STYLES, strict=False):
        for d in DOMAINS:
            x, y = _series(run, f"needs_waiting_{d}")
            ax.plot(x, y, style, color=DOMAIN_COLOURS[d], label=d if run is app.a else None)
    ax.set_title("Needs waiting for care, by domain", fontsize=10)
    ax.set_xlabel("days after the warm-up")
    ax.set_ylabel("needs")
    ax.legend(fontsize=7, loc="upper left", ncol=4)
    return fig


def signal_to_care(app: AppModel) -> Figure:
    fig, (ax,) = _figure()
    for run, style in zip(app.runs, STYLES, strict=False):
        x, y = _series(run, "signal_to_care_days_rolling")
        ax.plot(x, y, style, color="#4c72b0")
        x, y = _series(run, "signal_to_care_days_mean")
        ax.plot(x, y, style, color="#999999", lw=1)
    ax.set_title(
        f"Signal to care (blue: care started in the last {ROLLING_DAYS:g} days; "
        "grey: since the warm-up)",
        fontsize=9,
    )
    ax.set_xlabel("days after the warm-up")
    ax.set_ylabel("days")
    _legend_runs(ax, app)
    return fig


def stories(app: AppModel) -> Figure:
    fig, (ax,) = _figure()
    width = 0.8 / len(app.runs)
    for i, run in enumerate(app.runs):
        counts = run.live.stories_histogram()
        share = counts / max(counts.sum(), 1)
        x = np.arange(len(counts)) + (i - (len(app.runs) - 1) / 2) * width
        mean = run.live.figures()["stories_told_per_family_mean"]
        ax.bar(x, share, width, color=("#8172b2", "#ccb974")[i],
               label=f"{run.label}: {mean:.2f} per family")  # fmt: skip
    ax.set_xticks(range(5), ["0", "1", "2", "3", "4+"])
    ax.set_title("Stories told per family (families since the warm-up)", fontsize=10)
    ax.set_xlabel("times the family told its story (full intakes)")
    ax.set_ylabel("share of families")
    ax.legend(fontsize=7)
    return fig


def hours(app: AppModel) -> Figure:
    fig, (ax,) = _figure()
    width = 0.8 / len(app.runs)
    for i, run in enumerate(app.runs):
        row = run.live.figures()
        values = [row[f"hours_{a}_rolling"] for a in ACTIVITIES]
        x = np.arange(len(ACTIVITIES)) + (i - (len(app.runs) - 1) / 2) * width
        ax.bar(x, values, width, color=("#64b5cd", "#e17c05")[i], label=run.label)
    ax.set_xticks(range(len(ACTIVITIES)), ACTIVITIES, fontsize=8)
    ax.set_title(f"Professional time by activity, last {ROLLING_DAYS:g} days", fontsize=10)
    ax.set_ylabel("hours")
    ax.legend(fontsize=7)
    return fig


def cost(app: AppModel) -> Figure:
    fig, (ax,) = _figure()
    name, unit = label("cost_eur_per_family")
    for run, style in zip(app.runs, STYLES, strict=False):
        x, y = _series(run, "cost_eur_per_family")
        ax.plot(x, y, style, color="#937860")
    ax.set_title(f"Cost: {name} (families since the warm-up)", fontsize=10)
    ax.set_xlabel("days after the warm-up")
    ax.set_ylabel(unit)
    _legend_runs(ax, app)
    return fig


DIFFERENCES: tuple[str, ...] = (
    "needs_waiting",
    "signal_to_care_days_rolling",
    "stories_told_per_family_mean",
    "cost_eur_per_family",
)


def difference(app: AppModel) -> Figure:
    """B minus A, over time, for the figures in DIFFERENCES (the same families in both)."""
    fig = Figure(figsize=(WIDTH * 2, HEIGHT), dpi=DPI)
    fig.subplots_adjust(left=0.06, right=0.99, bottom=0.17, top=0.74, wspace=0.35)
    axes = fig.subplots(1, len(DIFFERENCES))
    for ax, key in zip(axes, DIFFERENCES, strict=True):
        name, unit = label(key)
        if app.b is not None:
            xa, ya = _series(app.a, key)
            _, yb = _series(app.b, key)
            n = min(len(ya), len(yb))
            ax.plot(xa[:n], yb[:n] - ya[:n], color="#c44e52")
        ax.axhline(0, color="black", lw=0.6)
        ax.set_title(f"{name}\n(B - A, {unit})", fontsize=8)
        ax.set_xlabel("days after the warm-up", fontsize=8)
        ax.tick_params(labelsize=7)
    if app.b is not None:
        fig.suptitle(f"B ({app.b.label}) minus A ({app.a.label}), same families", fontsize=10)
    return fig


def country(app: AppModel, domain: str = "youth") -> Figure:
    """Each municipality coloured by the recent wait at the organisation that serves it in
    `domain`; organisations' seats as triangles; lines from each municipality to its seat
    show the catchments."""
    d = DOMAIN_CODE[domain]
    fig, axes = _figure(HEIGHT * 1.4, len(app.runs), WIDTH * (1.1 if app.b is None else 1.7))
    waits = [run.live.wait_by_org() for run in app.runs]
    finite = np.concatenate([w[np.isfinite(w)] for w in waits] + [np.zeros(1)])
    norm = Normalize(0, max(float(finite.max()), 1.0))
    cmap = "magma_r"
    for ax, run, wait in zip(axes, app.runs, waits, strict=True):
        m = run.model
        geo = m.geography
        xy = geo.xy_km
        n = len(geo.population)
        serving = [m.serving(d, i) for i in range(n)]
        seat = np.array([xy[o.seat] for o in serving])
        colour = np.array([wait[o.oid] if o.oid < len(wait) else np.nan for o in serving])
        for (x0, y0), (x1, y1) in zip(xy, seat, strict=True):
            ax.plot((x0, x1), (y0, y1), color="#bbbbbb", lw=0.5, zorder=1)
        size = 8 + 120 * np.sqrt(geo.population / geo.population.max())
        sc = ax.scatter(xy[:, 0], xy[:, 1], s=size, c=np.nan_to_num(colour, nan=0.0),
                        cmap=cmap, norm=norm, edgecolors="#555555", linewidths=0.4, zorder=2)  # fmt: skip
        orgs = {o.oid: o for o in serving}
        seats = np.array([xy[o.seat] for o in orgs.values()])
        ax.scatter(seats[:, 0], seats[:, 1], marker="^", s=40, c="black", zorder=3)
        ax.set_title(f"{run.label}: {len(orgs)} organisations", fontsize=9)
        ax.set_aspect("equal")
        ax.set_xticks([])
        ax.set_yticks([])
    fig.subplots_adjust(left=0.02, right=0.8, bottom=0.03, top=0.86, wspace=0.05)
    fig.colorbar(sc, cax=fig.add_axes((0.83, 0.1, 0.025, 0.7)),
                 label=f"days waiting, last {ROLLING_DAYS:g} days")  # fmt: skip
    fig.suptitle(f"{domain}: wait for first contact at the serving organisation", fontsize=10)
    return fig


_MARK = {
    Kind.SIGNAL: ("|", "black", "signal"),
    Kind.DROPOUT: ("X", "black", "dropped out"),
    Kind.ESCALATION: ("v", "#c44e52", "escalation"),
}


def timeline(app: AppModel) -> Figure:
    """The followed family in each run: per organisation met, waiting (grey), care per need
    (the need's domain colour), intakes (red: the family told its story again), handovers
    (arrows)."""
    fig = Figure(figsize=(WIDTH * 2, HEIGHT * (0.9 + 0.5 * len(app.runs))), dpi=DPI)
    fig.subplots_adjust(left=0.25, right=0.99, bottom=0.1, top=0.92, hspace=0.5)
    axes = fig.subplots(len(app.runs), 1, squeeze=False)[:, 0]
    for ax, run in zip(axes, app.runs, strict=True):
        _timeline(ax, run)
    return fig


def _timeline(ax, run: Run) -> None:
    r = run.live.family()
    if not len(r):
        ax.set_title(f"{run.label}: no family followed yet (the first with needs in two "
                     "domains, once the warm-up is over)", fontsize=9)  # fmt: skip
        ax.set_axis_off()
        return
    kind, t, org = r["kind"], r["time"], r["org"]
    t0 = float(t.min())
    now = run.live.now
    met = list(dict.fromkeys(int(o) for o in org[org >= 0]))
    row = {o: i for i, o in enumerate(met)}
    orgs = run.model.orgs

    def first(mask: np.ndarray, case: int) -> float | None:
        hit = t[mask & (r["case"] == case)]
        return float(hit.min()) if len(hit) else None

    for case in np.unique(r["case"][r["case"] >= 0]):
        at = org[(r["case"] == case) & (org >= 0)]
        if not len(at):
            continue
        y = row[int(at[0])]
        queued = first(kind == Kind.QUEUED, case)
        assigned = first(kind == Kind.ASSIGNED, case)
        if queued is not None:
            end = assigned if assigned is not None else now
            ax.plot((queued - t0, end - t0), (y, y), color="#bbbbbb", lw=6, solid_capstyle="butt")
    for need in np.unique(r["need"][(kind == Kind.CARE_START)]):
        sel = r["need"] == need
        start = t[sel & (kind == Kind.CARE_START)].min()
        ends = t[sel & (kind == Kind.CARE_END)]
        end = ends.max() if len(ends) else now
        o = int(org[sel & (kind == Kind.CARE_START)][0])
        colour = DOMAIN_COLOURS[DOMAINS[int(r["domain"][sel & (kind == Kind.NEED)][0])]] if (
            sel & (kind == Kind.NEED)).any() else "#4c72b0"  # fmt: skip
        ax.plot((start - t0, end - t0), (row[o], row[o]), color=colour, lw=6,
                solid_capstyle="butt")  # fmt: skip
    intake = kind == Kind.INTAKE
    told = intake & (r["detail"] == 1)
    ax.scatter(t[told] - t0, [row[int(o)] for o in org[told]], marker="o", s=40, c="#c44e52",
               zorder=3, label="story told (full intake)")  # fmt: skip
    quiet = intake & ~told
    if quiet.any():
        ax.scatter(t[quiet] - t0, [row[int(o)] for o in org[quiet]], marker="o", s=25,
                   facecolors="none", edgecolors="#c44e52", zorder=3, label="short or no intake")  # fmt: skip
    for k, (marker, colour, name) in _MARK.items():
        m = (kind == k) & (org >= 0)
        if m.any():
            ax.scatter(t[m] - t0, [row[int(o)] for o in org[m]], marker=marker, s=50, c=colour,
                       zorder=4, label=name)  # fmt: skip
    sent = (kind == Kind.HANDOVER_SENT) & (org >= 0)
    for ts, o, to, latency in zip(t[sent], org[sent], r["detail"][sent], r["value"][sent],
                                  strict=True):  # fmt: skip
        if int(to) in row:
            ax.annotate("", xy=(ts + latency - t0, row[int(to)]), xytext=(ts - t0, row[int(o)]),
                        arrowprops={"arrowstyle": "->", "color": "#333333", "lw": 0.8})  # fmt: skip
    ax.set_yticks(range(len(met)), [f"{orgs[o].name}" for o in met], fontsize=7)
    ax.set_ylim(-0.6, len(met) - 0.4)
    ax.set_xlim(-1, max(now - t0, 7.0) + 1)
    ax.invert_yaxis()
    ax.set_xlabel("days since the family's first signal", fontsize=8)
    journey = run.scenario.journey
    who = journey.label if run.scripted is not None and journey.label else "family"
    stories_told = int(told.sum())
    ax.set_title(f"{run.label}: {who} (id {run.live.follow}); organisations met: {len(met)}; "
                 f"stories told: {stories_told}", fontsize=9)  # fmt: skip
    ax.legend(fontsize=6, loc="lower right")
