"""docs/parameters.md, generated from the scenario schema so that it can never drift.

python -m model.paramdoc > docs/parameters.md      (or: sdsim params)
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from model.scenario.domains import DOMAIN_DEFAULTS, DomainConfig
from model.scenario.protocols import PROTOCOL_DEFAULTS, ProtocolConfig
from model.scenario.reorganisation import ReorganisationConfig
from model.scenario.scenario import Scenario
from model.vocabulary import DOMAINS, PROTOCOLS

INTRO = """# Parameters

Generated from `model/scenario/` by `sdsim params`; do not edit by hand (a test compares
this file with the schema). A scenario file states only what differs from these
defaults, e.g. `[domains.youth]` then `intake_hours = 5`. *Source* says where a default
comes from, or that it is an assumption.
"""


def _fmt(v: Any) -> str:
    if isinstance(v, tuple | list):
        return "(" + ", ".join(_fmt(x) for x in v) + ")"
    if isinstance(v, dict):
        return ", ".join(f"{k} {_fmt(x)}" for k, x in v.items())
    if isinstance(v, float):
        return f"{v:g}"
    if isinstance(v, str):
        return f'"{v}"'
    return str(v)


def _row(path: str, field, default: Any, source: str | None = None) -> str:
    extra = field.json_schema_extra or {}
    src = source if source is not None else extra.get("source", "")
    return f"| `{path}` | {_fmt(default)} | {extra.get('unit', '')} | {field.description or ''} | {src} |"


HEAD = "| parameter | default | unit | meaning | source |\n|---|---|---|---|---|"


def _section(title: str, prefix: str, model: type[BaseModel]) -> list[str]:
    lines = [f"## {title}", "", HEAD]
    for name, field in model.model_fields.items():
        ann = field.annotation
        if isinstance(ann, type) and issubclass(ann, BaseModel):
            continue
        lines.append(_row(f"{prefix}{name}", field, field.get_default(call_default_factory=True)))
    return lines + [""]


def render() -> str:
    out = [INTRO]
    out += _section("Scenario", "", Scenario)
    for name, field in Scenario.model_fields.items():
        ann = field.annotation
        if name in ("domains", "protocols") or not (
            isinstance(ann, type) and issubclass(ann, BaseModel)
        ):
            continue
        out += _section(f"[{name}]", f"{name}.", ann)
    out += _section("[[reorganisation]] (each entry)", "reorganisation[].", ReorganisationConfig)
    for d in DOMAINS:
        out += [f"## [domains.{d}]", "", HEAD]
        for fname, field in DomainConfig.model_fields.items():
            if fname in DOMAIN_DEFAULTS[d]:
                value, source = DOMAIN_DEFAULTS[d][fname]
            else:
                value, source = field.default, None
            out.append(_row(f"domains.{d}.{fname}", field, value, source))
        out.append("")
    for p in PROTOCOLS:
        out += [f"## [protocols.{p}]", "", HEAD]
        for fname, field in ProtocolConfig.model_fields.items():
            out.append(_row(f"protocols.{p}.{fname}", field, PROTOCOL_DEFAULTS[p][fname]))
        out.append("")
    return "\n".join(out).rstrip() + "\n"


if __name__ == "__main__":
    print(render(), end="")
