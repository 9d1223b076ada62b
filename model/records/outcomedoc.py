"""docs/outcomes.md, generated from the declarations so that it can never drift.

python -m model.records.outcomedoc > docs/outcomes.md      (or: sdsim outcomes)

A module of its own, beside outcomes.py, because the page also states the thresholds
that `metrics` uses, and `metrics` itself reads the declarations.
"""

from __future__ import annotations

from model.records import metrics
from model.records.outcomes import (
    GROUPS,
    OUTCOMES,
    PLACEHOLDERS,
    REORGANISATION_ROWS,
    Outcome,
    When,
)

INTRO = """# Outcomes

Generated from `model/records/outcomes.py` by `sdsim outcomes` (or
`python -m model.records.outcomedoc`); do not edit by hand: a test compares this file
with the declarations, and another runs the model and checks that it computes exactly
the declared keys. Every figure is computed from the event log
(`model/records/events.py`, `events.parquet` of `sdsim run`) by
`model/records/metrics.py` and, for the reorganisation, `model/runs/counterfactual.py`,
so each can be checked by hand against the log.

- **The window.** Counts of things (signals, handovers, hours, escalations, reports) are
  records whose time falls in the measured period: from the end of the warm-up to the
  end of the run ("in the window"), of every family. Needs are those that arose in it.
  *Measured families* are those whose first signal fell in it; the per-family means
  divide by them (`families`) and follow them to the end of the run.
- **Better** says which way is better, all else equal (`lower`, `higher`), or that the
  figure is a volume, an input or a check (`neither`).
- **Shown in**: `key table`, the rows `sdsim run` and `sdsim compare` print;
  `per area`, also computed per municipality and region (`municipalities.csv`, maps,
  `sdsim map --metric`; only there when the key is not in `summary.json`);
  `reorganisation`, the figures a reorganisation adds (zero without one) and the extra
  rows printed for a reorganising scenario; `reorganising runs`, a breakdown only a
  reorganising run has; `machine`, in `sdsim run`'s `summary.json` but no outcome.
- **Placeholders** in a name declare one figure for each value (nested keys are written
  with dots, as `sdsim sweep` names them):
{placeholders}
- **Thresholds**: `LITTLE_MIN_CLOSED` = {little} closed cases (`model/records/metrics.py`);
  the recovery parameters are in `docs/parameters.md` (`[recovery]`).
"""


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _shown(o: Outcome) -> str:
    marks = []
    if o.key_table:
        marks.append("key table")
    if o.area is not None:
        marks.append("per area")
    if o.name in REORGANISATION_ROWS:
        marks.append("reorganisation")
    if o.when is When.REORGANISING:
        marks.append("reorganising runs")
    if o.when is When.MACHINE:
        marks.append("machine")
    return ", ".join(marks)


HEAD = "| key | unit | better | meaning | from the log | shown in |\n|---|---|---|---|---|---|"


def render() -> str:
    """The page's markdown; `sdsim outcomes` prints it."""
    placeholders = "\n".join(f"  - `{p}`: {', '.join(v)}" for p, v in PLACEHOLDERS.items())
    out = [INTRO.format(placeholders=placeholders, little=metrics.LITTLE_MIN_CLOSED)]
    for group, title in GROUPS.items():
        members = [o for o in OUTCOMES if o.group == group]
        if not members:
            continue
        out += [f"## {title}", "", HEAD]
        for o in members:
            out.append(
                f"| `{o.name}` | {o.unit} | {o.direction.value} | {_cell(o.meaning)} "
                f"| {_cell(o.computed)} | {_shown(o)} |"
            )
        out.append("")
    return "\n".join(out).rstrip() + "\n"


if __name__ == "__main__":
    print(render(), end="")
