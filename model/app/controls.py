"""The app's controls, generated from the scenario's declarations (`model/scenario/`).

Which parameters a student sees is one short list of paths, `SHOWN`; everything else about
a control (its label, unit, allowed range, default and the source of that default, shown
as a tooltip) is read from the pydantic field that declares the parameter. A parameter
added to the scenario under a shown path (`schemes.*`: every scheme option, the new
mechanisms included) gets its control by itself, with no change here.

Paths: dotted as in `--set`; `*` stands for every field (or named table) at that place, and
nested tables are expanded to their leaves; `<protocol>` stands for the protocol the
student has chosen, so the protocol's controls always show the protocol in use.
"""

from __future__ import annotations

import math
import types
import typing
from dataclasses import dataclass
from typing import Any, Literal

import annotated_types
from pydantic import BaseModel

from model.scenario import Scenario
from model.scenario.domains import DOMAIN_DEFAULTS

# The parameters the app shows, in this order: the one list to edit.
SHOWN: tuple[str, ...] = (
    "scheme",
    "protocol",
    "columns",  # separate teams per column, or one social team
    "schemes.*",  # every scheme option: new scheme mechanisms appear by themselves
    "domains.*.fte_per_100k",  # staffing, which sets the utilisation
    "domains.*.team_fte",  # the size of a team: the unit that queues (pooling)
    "protocols.<protocol>.transfer_latency_days",
    "protocols.<protocol>.municipal_decision",
    "families.motivation_decay_days",  # the motivation window
    "families.retelling_motivation_loss",  # what telling the story again costs
    "families.continuity_success_bonus",  # what keeping one professional gives
    "warmup_days",
)

# How far a slider reaches when the declared range is wide (le=10_000 for a staffing level):
# up to this many times the default. The declared range stays in the tooltip.
SLIDER_REACH = 3.0


@dataclass(frozen=True)
class Control:
    """One input on the page, as the declaration describes it."""

    path: str  # dotted, as `--set` takes it
    label: str
    kind: Literal["select", "checkbox", "int", "float"]
    default: Any  # the value in the scenario the app started from
    unit: str
    doc: str
    source: str
    values: tuple[Any, ...] = ()  # a select's choices
    low: float | None = None  # a slider's reach
    high: float | None = None
    step: float | None = None
    allowed: str = ""  # the declared range, for the tooltip

    @property
    def tooltip(self) -> str:
        unit = f" ({self.unit})" if self.unit not in ("", "-") else ""
        allowed = f" Allowed: {self.allowed}." if self.allowed else ""
        return f"{self.path}{unit}: {self.doc}.{allowed} Source: {self.source}"


def controls(scenario: Scenario, protocol: str | None = None) -> list[Control]:
    """The controls for `SHOWN`, with defaults from `scenario` and `<protocol>` read as
    `protocol` (default: the scenario's)."""
    protocol = protocol or scenario.protocol
    out: list[Control] = []
    for pattern in SHOWN:
        for path in expand(type(scenario), pattern.replace("<protocol>", protocol)):
            control = describe(scenario, path)
            if control is not None:
                out.append(control)
    return out


def expand(model: type[BaseModel], pattern: str) -> list[str]:
    """Every leaf path a pattern stands for (`*`: each field or named table; a table at the
    end of the pattern: its leaves)."""
    head, _, rest = pattern.partition(".")
    names = list(model.model_fields) if head == "*" else [head]
    out = []
    for name in names:
        if name not in model.model_fields:
            raise KeyError(f"{pattern}: no parameter {name!r} in {model.__name__}")
        inner = _table(model.model_fields[name].annotation)
        if inner is None:
            if not rest:
                out.append(name)
            continue
        out += [f"{name}.{p}" for p in expand(inner, rest or "*")]
    return out


def describe(scenario: Scenario, path: str) -> Control | None:
    """A control for one parameter, or None when it is no number, flag or choice (a table of
    shares, a file name: those stay in scenario files)."""
    owner, value = _resolve(scenario, path)
    name = path.rsplit(".", 1)[-1]
    field = type(owner).model_fields[name]
    extra = field.json_schema_extra or {}
    source = extra.get("source", "")
    parts = path.split(".")
    if parts[0] == "domains" and name in DOMAIN_DEFAULTS.get(parts[1], {}):
        source = DOMAIN_DEFAULTS[parts[1]][name][1]  # the domain's own default has its own source
    label = path.replace("protocols.", "").replace("domains.", "").replace("families.", "")
    common = dict(
        path=path,
        label=label.replace("_", " "),
        default=value,
        unit=str(extra.get("unit", "")),
        doc=field.description or "",
        source=source,
    )
    ann = _optional(field.annotation)
    if typing.get_origin(ann) is Literal:
        return Control(kind="select", values=typing.get_args(ann), **common)
    if ann is bool:
        return Control(kind="checkbox", **common)
    if ann in (int, float) and value is not None:
        low, high, allowed = _range(field.metadata, float(value))
        if ann is int:
            return Control(kind="int", low=math.ceil(low), high=math.floor(high), step=1,
                           allowed=allowed, **common)  # fmt: skip
        return Control(kind="float", low=low, high=high, step=_nice_step(high - low),
                       allowed=allowed, **common)  # fmt: skip
    return None


def defaults(scenario: Scenario) -> dict[str, Any]:
    """Every shown parameter's value in the scenario, for every protocol (the controls of
    `<protocol>` change with the protocol chosen)."""
    out = {}
    for protocol in typing.get_args(type(scenario).model_fields["protocol"].annotation):
        out.update({c.path: c.default for c in controls(scenario, protocol)})
    return out


def _resolve(scenario: Scenario, path: str) -> tuple[BaseModel, Any]:
    """The table that holds a parameter, and its value there."""
    owner: Any = scenario
    *parents, name = path.split(".")
    for part in parents:
        owner = getattr(owner, part)
    return owner, getattr(owner, name)


def _table(annotation: Any) -> type[BaseModel] | None:
    ann = _optional(annotation)
    return ann if isinstance(ann, type) and issubclass(ann, BaseModel) else None


def _optional(annotation: Any) -> Any:
    """X from `X | None`; anything else as it is."""
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return args[0] if len(args) == 1 else annotation
    return annotation


def _range(metadata: list, default: float) -> tuple[float, float, str]:
    """A slider's reach from the declared bounds (ge, gt, le, lt): the declared range where
    it is narrow, else up to SLIDER_REACH times the default; and the declared range as text."""
    lo, hi = 0.0, math.inf
    lo_text, hi_text = "", ""
    for m in metadata:
        if isinstance(m, annotated_types.Ge):
            lo, lo_text = float(m.ge), f">= {m.ge:g}"
        elif isinstance(m, annotated_types.Gt):
            lo, lo_text = float(m.gt), f"> {m.gt:g}"
        elif isinstance(m, annotated_types.Le):
            hi, hi_text = float(m.le), f"<= {m.le:g}"
        elif isinstance(m, annotated_types.Lt):
            hi, hi_text = float(m.lt), f"< {m.lt:g}"
    reach = max(SLIDER_REACH * default, lo + 1.0)
    high = min(hi, reach)
    low = lo
    if any(isinstance(m, annotated_types.Gt) for m in metadata):
        low = lo + _nice_step(high - lo)  # strictly above the bound
    allowed = ", ".join(t for t in (lo_text, hi_text) if t)
    return low, high, allowed


def _nice_step(span: float) -> float:
    """About three hundred steps across a slider, at a round number."""
    if span <= 0:
        return 1.0
    raw = span / 300
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if raw <= factor * power:
            return factor * power
    return 10 * power
