"""Figures for a run and for a comparison (matplotlib, written as PNG)."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from .domains import DOMAINS  # noqa: E402
from .events import HOURS_KINDS  # noqa: E402

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
