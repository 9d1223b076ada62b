"""Figures for a run and for a comparison (matplotlib, written as PNG)."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from model.records.events import HOURS_KINDS, AdminReason, HandoverFlag  # noqa: E402
from model.records.metrics import MONTH_DAYS  # noqa: E402
from model.vocabulary import DOMAINS  # noqa: E402

KEY_METRICS: tuple[tuple[str, str], ...] = (
    ("signal_to_care_days_mean", "days from signal to care (mean)"),
    ("handover_delay_days_mean", "handover delay, days (mean)"),
    ("stories_told_per_family_mean", "stories told per family"),
    ("border_crossings", "handovers across a region border"),
    ("coordination_hours", "coordination hours"),
    ("unmet_need_share", "share of needs without care"),
    ("repeat_report_share", "repeat reports (share of VT reports)"),
    ("cost_eur_per_family", "cost per family (EUR)"),
)


def _save(fig, path: Path) -> None:
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def run_figures(
    need_delays: pd.DataFrame, series: pd.DataFrame, summary: dict, folder: Path, title: str
) -> None:
    folder.mkdir(parents=True, exist_ok=True)

    fig, ax = plt.subplots(figsize=(7, 4))
    cared = need_delays.dropna(subset=["care_start"])
    upper = float(np.nanpercentile(cared["delay"], 99)) if len(cared) else 1.0
    bins = np.linspace(0, max(upper, 1.0), 40)
    for code, name in enumerate(DOMAINS):
        d = cared.loc[cared["domain"] == code, "delay"]
        if len(d):
            ax.hist(d, bins=bins, histtype="step", linewidth=1.6, label=f"{name} (n={len(d):,})")
    ax.set_xlabel("days from signal to start of care")
    ax.set_ylabel("needs")
    ax.set_title(f"{title}: signal to care, by domain of the need")
    ax.legend()
    _save(fig, folder / "signal_to_care.png")

    fig, ax1 = plt.subplots(figsize=(7, 4))
    months = series["month"]
    ax1.plot(
        months, series["signal_to_care_days_mean"], color="C0", label="signal to care (days, mean)"
    )
    ax1.set_xlabel("month of the measured period")
    ax1.set_ylabel("days", color="C0")
    ax2 = ax1.twinx()
    ax2.plot(months, series["needs_waiting"], color="C3", label="needs waiting at month end")
    ax2.set_ylabel("needs waiting", color="C3")
    ax1.set_title(f"{title}: delay and waiting over time")
    _save(fig, folder / "timeseries.png")

    fig, ax = plt.subplots(figsize=(7, 3.6))
    names = [f"hours_{n}" for n in HOURS_KINDS.values()]
    values = [summary[n] for n in names]
    total = sum(values) or 1.0
    ax.barh([n.removeprefix("hours_") for n in names], [v / total for v in values], color="C2")
    for i, v in enumerate(values):
        ax.text(v / total, i, f" {v / total:.0%}", va="center")
    ax.set_xlim(0, 1)
    ax.set_xlabel("share of professional hours")
    ax.set_title(f"{title}: where professional time goes")
    _save(fig, folder / "time_use.png")


def compare_figures(table: pd.DataFrame, series: dict[str, pd.DataFrame], folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    names = list(dict.fromkeys(table["scenario"]))
    fig, axes = plt.subplots(2, 4, figsize=(15, 6.5))
    for ax, (metric, label) in zip(axes.flat, KEY_METRICS, strict=False):
        t = table[table["metric"] == metric].set_index("scenario").reindex(names)
        err = np.vstack([t["mean"] - t["ci_low"], t["ci_high"] - t["mean"]])
        err = np.where(np.isfinite(err), err, 0.0)
        ax.bar(
            range(len(names)),
            t["mean"],
            yerr=err,
            capsize=3,
            color=[f"C{i}" for i in range(len(names))],
        )
        ax.set_xticks(range(len(names)), names, rotation=30, ha="right", fontsize=8)
        ax.set_title(label, fontsize=9)
    fig.suptitle("Scenarios side by side (mean and 95 % confidence interval over replications)")
    _save(fig, folder / "compare_key_metrics.png")

    fig, ax = plt.subplots(figsize=(8, 4))
    for i, (name, s) in enumerate(series.items()):
        ax.plot(s["month"], s["signal_to_care_days_mean"], color=f"C{i}", label=name)
    ax.set_xlabel("month of the measured period")
    ax.set_ylabel("days from signal to care (monthly mean)")
    ax.set_title("Delay over time (mean over replications)")
    ax.legend(fontsize=8)
    _save(fig, folder / "compare_delay_over_time.png")


# ----------------------------------------------------------------------------- journey
PHASE_COLOURS = {"waiting": "#f4a259", "intake": "#5b8bd9", "care": "#5cb85c", "wrap-up": "#bbbbbb"}


def _case_phases(rec: pd.DataFrame, end: float) -> list[tuple[int, str, float, float]]:
    """(case, phase, from, to) on the day axis, from one run's records of the family."""
    out = []
    for case, r in rec[rec["case"] >= 0].groupby("case", sort=False):
        times = {
            k: r.loc[r["kind"] == k, "day"]
            for k in ("queued", "assigned", "care_start", "care_end", "closed")
        }
        if times["queued"].empty:
            continue  # still on its way at the end
        queued = times["queued"].min()
        assigned = times["assigned"].min() if len(times["assigned"]) else end
        out.append((case, "waiting", queued, assigned))
        if not len(times["assigned"]):
            continue
        after = r[
            (r["day"] >= assigned) & r["kind"].isin(("care_start", "closed", "handover_sent"))
        ]
        retyped = r[
            (r["kind"] == "admin") & (r["detail"] == AdminReason.RETYPING)
        ]  # handover paperwork ends the intake
        ends = [*after.loc[after["kind"] != "handover_sent", "day"], *retyped["day"]]
        intake_end = min(ends) if ends else end
        out.append((case, "intake", assigned, intake_end))
        if len(times["care_start"]):
            care_end = times["care_end"].max() if len(times["care_end"]) else end
            out.append((case, "care", times["care_start"].min(), care_end))
            last = care_end
        else:
            last = intake_end
        closed = times["closed"].max() if len(times["closed"]) else end
        if closed > last:
            out.append((case, "wrap-up", last, closed))
    return out


def journey_timeline(records: pd.DataFrame, scheme: str, label: str, path: Path, note: str) -> None:
    """One panel per protocol: the organisations the family meets (lanes), waiting, intakes,
    care and handovers (arrows) over the days since its journey started."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    protocols = list(dict.fromkeys(records["protocol"]))
    fig, axes = plt.subplots(
        len(protocols), 1, figsize=(11, 2.1 + 1.9 * len(protocols)), squeeze=False
    )
    end = float(records["run_end_day"].max()) if len(records) else 1.0
    for ax, protocol in zip(axes[:, 0], protocols, strict=True):
        rec = records[records["protocol"] == protocol]
        met = rec[rec["organisation"] != ""].sort_values("day")
        lanes = list(dict.fromkeys(met["organisation"]))
        lane = {o: i for i, o in enumerate(lanes)}
        org_of_case = rec[rec["kind"] == "queued"].set_index("case")["organisation"].to_dict()
        for case, phase, a, b in _case_phases(rec, end):
            y = lane[org_of_case[case]]
            h = 0.5 if phase != "wrap-up" else 0.2
            ax.barh(
                y, max(b - a, 0.6), left=a, height=h, color=PHASE_COLOURS[phase], edgecolor="none"
            )
        for _, c in rec[(rec["kind"] == "care_start") & (rec["who"].fillna("") != "")].iterrows():
            ax.text(c["day"] + 2, lane[c["organisation"]], c["who"], va="center", fontsize=7)
        stories = rec[(rec["kind"] == "intake") & (rec["detail"] == 1)]
        ax.scatter(
            stories["day"],
            [lane[o] for o in stories["organisation"]],
            marker="*",
            s=90,
            color="black",
            zorder=4,
        )
        signals = rec[rec["kind"] == "signal"]
        ax.scatter(
            signals["day"],
            [lane[o] + 0.38 for o in signals["organisation"]],
            marker="v",
            s=40,
            color="#c0392b",
            zorder=4,
        )
        received = rec[rec["kind"] == "handover_received"].set_index("case")
        for _, s in rec[rec["kind"] == "handover_sent"].iterrows():
            if s["case"] not in received.index or s["organisation"] not in lane:
                continue
            r = received.loc[s["case"]]
            r = r.iloc[0] if isinstance(r, pd.DataFrame) else r
            flags = HandoverFlag(int(r["aux"]))
            colour = (
                "#8e44ad"
                if HandoverFlag.PLACED_ELSEWHERE in flags
                else ("#c0392b" if HandoverFlag.REGION_BORDER in flags else "#333333")
            )
            ax.annotate(
                "",
                xy=(max(r["day"], s["day"]), lane[r["organisation"]]),
                xytext=(s["day"], lane[s["organisation"]]),
                arrowprops={
                    "arrowstyle": "->",
                    "color": colour,
                    "lw": 1.3,
                    "linestyle": "--" if HandoverFlag.PROVINCE_BORDER in flags else "-",
                },
            )
        ax.set_yticks(
            range(len(lanes)),
            [f"{o}\n{rec.loc[rec['organisation'] == o, 'region'].iloc[0]}" for o in lanes],
            fontsize=8,
        )
        ax.set_ylim(len(lanes) - 0.4, -0.6)
        ax.set_xlim(-5, end + 5)
        ax.set_title(f"{scheme} scheme, {protocol} protocol", fontsize=10, loc="left")
        ax.grid(axis="x", alpha=0.3)
    axes[-1, 0].set_xlabel("days since the journey started")
    handles = [Patch(color=c, label=p) for p, c in PHASE_COLOURS.items()] + [
        Line2D([], [], marker="*", color="black", linestyle="", label="story told (full intake)"),
        Line2D([], [], marker="v", color="#c0392b", linestyle="", label="signal"),
        Line2D([], [], color="#333333", label="handover"),
        Line2D([], [], color="#c0392b", label="across a region border"),
        Line2D([], [], color="#8e44ad", label="placed elsewhere (safety)"),
        Line2D([], [], color="#333333", linestyle="--", label="across a province border"),
    ]
    fig.legend(handles=handles, loc="lower center", ncol=5, fontsize=8, frameon=False)
    fig.suptitle(f"{label}: {scheme} ({note})", fontsize=11)
    fig.tight_layout(rect=(0, 0.07, 1, 1))
    fig.savefig(path, dpi=110)
    plt.close(fig)


JOURNEY_PANELS: tuple[tuple[str, str], ...] = (
    ("days_until_all_help", "days until every need had care"),
    ("stories_told", "stories told (full intakes)"),
    ("organisations", "organisations met"),
    ("regions", "regions met"),
    ("border_crossings", "handovers across a region border"),
)


def journey_summary(runs: pd.DataFrame, label: str, path: Path) -> None:
    """Per scheme (groups) and protocol (colours): each replication a dot, the mean a bar."""
    schemes = list(dict.fromkeys(runs["scheme"]))
    protocols = list(dict.fromkeys(runs["protocol"]))
    per_who = [c for c in runs.columns if c.startswith("days_to_care: ")]
    panels = [
        *JOURNEY_PANELS[:1],
        *((c, c.replace("days_to_care: ", "days to care: ")) for c in per_who),
        *JOURNEY_PANELS[1:],
    ]
    cols = 3
    rows = -(-len(panels) // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(14, 3.4 * rows), squeeze=False)
    width = 0.8 / len(protocols)
    for ax, (metric, title) in zip(axes.flat, panels, strict=False):
        for k, protocol in enumerate(protocols):
            for i, scheme in enumerate(schemes):
                x = i + (k - (len(protocols) - 1) / 2) * width
                v = runs.loc[
                    (runs["scheme"] == scheme) & (runs["protocol"] == protocol), metric
                ].astype(float)
                ax.bar(
                    x,
                    v.mean() if v.notna().any() else 0,
                    width * 0.9,
                    color=f"C{k}",
                    alpha=0.55,
                    label=protocol if i == 0 else None,
                )
                ax.scatter(np.full(len(v), x), v, color=f"C{k}", s=12, zorder=3)
                missing = int(v.isna().sum())
                if missing:
                    ax.text(x, 0, f"{missing}×\nno care", ha="center", va="bottom", fontsize=6)
        ax.set_xticks(range(len(schemes)), schemes, fontsize=8)
        ax.set_title(title, fontsize=9)
    for ax in list(axes.flat)[len(panels) :]:
        ax.axis("off")
    axes[0, 0].legend(fontsize=8)
    fig.suptitle(f"{label}: each dot a replication of the world around the family, bars the mean")
    _save(fig, path)


def recovery_figure(table: pd.DataFrame, days: list[int], recovered: float, path: Path) -> None:
    """A run's rolling delay against the same world without its reorganisation."""
    fig, ax = plt.subplots(figsize=(8, 4))
    x = table["day"] / 365.0
    ax.plot(
        x, table["counterfactual_days_rolling"], color="0.4", label="without the reorganisation"
    )
    ax.plot(x, table["signal_to_care_days_rolling"], color="C3", label="with it")
    ax.plot(x, table["tolerance_limit_days"], color="0.4", linestyle=":", label="tolerance")
    for i, day in enumerate(days):
        ax.axvline(day / 365.0, color="k", linewidth=1, label="reorganisation" if i == 0 else None)
    if recovered == recovered:  # not NaN
        ax.axvline((days[0] + recovered) / 365.0, color="C2", linestyle="--",
                   label=f"recovered after {recovered:.0f} days")  # fmt: skip
    ax.set_xlabel("years of the measured period")
    ax.set_ylabel("days from signal to care (rolling mean)")
    ax.set_title("Delay around the reorganisation, against the same families without it")
    ax.legend(fontsize=8)
    _save(fig, path)


def reorganisation_figure(
    series: dict[str, pd.DataFrame], marks: dict[str, tuple[list[int], float, float]], path: Path
) -> None:
    """Delay over time with each reorganisation and its recovery marked, and cumulative
    cost (care plus reorganisation) against the first scenario's, per scenario (means over
    replications, which met the same families).

    marks: scenario -> (reorganisation days, mean recovery days of the recovered runs, share
    of runs recovered).
    """
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(14, 6.2))
    names = list(series)
    base = series[names[0]]
    base_cost = (base["cost_eur"] + base["reorganisation_cost_eur"]).cumsum().to_numpy()
    for i, (name, s) in enumerate(series.items()):
        colour = f"C{i}"
        years = (s["day_start"] + MONTH_DAYS / 2) / 365.0
        ax1.plot(years, s["signal_to_care_days_mean"], color=colour, label=name)
        cost = (s["cost_eur"] + s["reorganisation_cost_eur"]).cumsum().to_numpy()
        n = min(len(cost), len(base_cost))
        month_end = (s["day_start"] + MONTH_DAYS) / 365.0  # a cumulative sum holds at month end
        ax2.plot(month_end[:n], (cost[:n] - base_cost[:n]) / 1e6, color=colour, label=name)
        days, recovered, share = marks.get(name, ([], float("nan"), float("nan")))
        for day in days:
            for ax in (ax1, ax2):
                ax.axvline(day / 365.0, color=colour, linewidth=0.8, linestyle=":")
        if days and recovered == recovered:  # on the axis: recovery is by the day needs arose
            at = (days[0] + recovered) / 365.0
            ax1.plot([at], [0.03], marker="^", markersize=9, color=colour, linestyle="none",
                     transform=ax1.get_xaxis_transform(), clip_on=False,
                     label=f"{name}: recovered after {recovered:.0f} days "
                           f"({share:.0%} of runs)")  # fmt: skip
        elif days:
            ax1.plot([], [], marker="^", color=colour, linestyle="none",
                     label=f"{name}: not recovered")  # fmt: skip
    ax1.set_xlabel("years of the measured period (dotted: reorganisation)")
    ax1.set_ylabel("days from signal to care (monthly mean of care started)")
    ax1.set_title("Delay over time; triangles: mean recovery (needs arising from then on)")
    ax1.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=2)
    ax2.axhline(0, color="0.5", linewidth=0.8)
    ax2.set_xlabel("years of the measured period")
    ax2.set_ylabel(f"EUR million, cumulative, minus {names[0]}")
    ax2.set_title("Cost: care plus reorganisation, against the first scenario")
    ax2.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=2)
    _save(fig, path)
