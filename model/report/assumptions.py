"""The parameters behind a comparison: what the scenarios set differently from the
baseline, each with its unit and source as the scenario schema declares them
(`model/scenario/`), so the report never states a value without where it comes from."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from model.scenario.domains import DOMAIN_DEFAULTS, DomainConfig
from model.scenario.protocols import ProtocolConfig
from model.scenario.scenario import Scenario

# Set per scenario on purpose, or bookkeeping: what the report names elsewhere.
SKIP = {"name", "description", "seed", "scheme", "protocol", "start_date"}


def flatten(tree: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(tree, dict):
        out = {}
        for k, v in tree.items():
            out.update(flatten(v, f"{prefix}{k}."))
        return out
    return {prefix[:-1]: tree}


def changed(parameters: dict[str, dict]) -> list[tuple[str, dict[str, Any]]]:
    """(dotted path, {scenario: value}) for every parameter on which the scenarios differ,
    the first scenario's order kept."""
    flat = {name: flatten(p) for name, p in parameters.items()}
    paths = list(dict.fromkeys(k for f in flat.values() for k in f))
    out = []
    for path in paths:
        if path.split(".")[0] in SKIP or path.startswith("reorganisation"):
            continue
        values = {name: f.get(path) for name, f in flat.items()}
        if len({repr(v) for v in values.values()}) > 1:
            out.append((path, values))
    return out


def describe(path: str) -> tuple[str, str]:
    """(unit, source) of a dotted parameter path; empty strings when the schema has none.
    A domain's parameter takes that domain's own source (DOMAIN_DEFAULTS) when it has one."""
    parts = path.split(".")
    if parts[0] == "domains" and len(parts) == 3:
        return _field(DomainConfig, parts[2], parts[1])
    if parts[0] == "protocols" and len(parts) == 3:
        return _field(ProtocolConfig, parts[2], None)
    model: type[BaseModel] = Scenario
    for i, part in enumerate(parts):
        field = model.model_fields.get(part)
        if field is None:
            return "", ""
        ann = field.annotation
        if isinstance(ann, type) and issubclass(ann, BaseModel) and i + 1 < len(parts):
            model = ann
            continue
        return _extra(field)
    return "", ""


def _field(model: type[BaseModel], name: str, domain: str | None) -> tuple[str, str]:
    field = model.model_fields.get(name)
    if field is None:
        return "", ""
    unit, source = _extra(field)
    if domain and name in DOMAIN_DEFAULTS.get(domain, {}):
        source = DOMAIN_DEFAULTS[domain][name][1]
    return unit, source


def _extra(field) -> tuple[str, str]:
    extra = field.json_schema_extra or {}
    return str(extra.get("unit", "")), str(extra.get("source", ""))
