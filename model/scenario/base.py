"""What every part of the scenario shares: the one-line error, a parameter with its unit and
source, strict tables, and reading a TOML file with its problems named.

The sources quoted by more than one section live here too, so each is written once.
"""

from __future__ import annotations

import copy
import tomllib
from pathlib import Path
from typing import Any, get_args

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
)

ASSUMPTION = "assumption"
SRC_CBS_HOUSEHOLDS = (
    "CBS StatLine 71486NED: 8.0 million households, 17.6 million inhabitants (2022)"
)
SRC_CBS_DENSITY = "CBS: 17.6 million inhabitants on 33,700 km2 of land (2022)"
SRC_VT_POLICE = (
    "CBS Beleidsinformatie Veilig Thuis: almost 70 % of reports by police or justice (2024)"
)
SRC_AZW_ADMIN = "CBS AZW survey via Binnenlands Bestuur: youth-care workers spend 38 % of their time on administration (2021-25)"
SRC_STAFFING = "assumption: about 90 % utilisation at steady state in the patchwork default (measured over 10 simulated years)"
SRC_CAO_HOURS = "CAO Jeugdzorg / Sociaal Werk: 36 hours a week is a full-time job"


class ScenarioError(Exception):
    """A bad scenario or experiment file: one line naming file, field and what is allowed."""


def P(default: Any, *, unit: str, source: str, doc: str, **constraints: Any) -> Any:
    """A parameter: default, unit, source and a one-line reason, in one place."""
    return Field(
        default,
        description=doc,
        json_schema_extra={"unit": unit, "source": source},
        **constraints,
    )


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=True)


def apply_overrides(raw: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    """Set dotted paths ('domains.youth.intake_hours') in a raw scenario dict."""
    out = copy.deepcopy(raw)
    for path, value in overrides.items():
        node = out
        *parents, leaf = path.split(".")
        for key in parents:
            node = node.setdefault(key, {})
            if not isinstance(node, dict):
                raise ScenarioError(f"override {path}: {key} is not a table")
        node[leaf] = value
    return out


def read_toml(path: str | Path) -> dict[str, Any]:
    p = Path(path)
    if not p.is_file():
        raise ScenarioError(f"{path}: no such file")
    try:
        with p.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"{path}: not valid TOML: {exc}") from None
    except UnicodeDecodeError:
        raise ScenarioError(f"{path}: not a UTF-8 text file") from None


def format_validation_error(exc: ValidationError, source: str, root: type[BaseModel]) -> str:
    """The first problem, as 'file: field: what is wrong (allowed: ...)'.

    `root` is the model that was validated (a Scenario, an experiment file), so that an
    unknown key can be answered with the keys allowed in its place.
    """
    err = exc.errors()[0]
    loc = ".".join(str(part) for part in err["loc"]) or "(top level)"
    kind = err["type"]
    if kind == "extra_forbidden":
        allowed = _allowed_keys(err["loc"][:-1], root)
        return f"{source}: {loc}: unknown key (allowed: {', '.join(allowed)})"
    msg = err["msg"]
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, ") :]
    more = f" (and {len(exc.errors()) - 1} more problem(s))" if len(exc.errors()) > 1 else ""
    return f"{source}: {loc}: {msg}{more}"


def _allowed_keys(loc: tuple[Any, ...], model: type[BaseModel]) -> list[str]:
    for part in loc:
        if isinstance(part, int):  # an entry of a list of tables, e.g. [[reorganisation]]
            continue
        field = model.model_fields.get(str(part))
        inner = _table_type(field.annotation) if field is not None else None
        if inner is None:
            return ["see docs/parameters.md"]
        model = inner
    return sorted(model.model_fields)


def _table_type(annotation: Any) -> type[BaseModel] | None:
    """The table model behind a field: Model, Model | None, or tuple[Model, ...]."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        if isinstance(arg, type) and issubclass(arg, BaseModel):
            return arg
    return None


def merge_named_defaults(data: Any, defaults: dict[str, dict[str, Any]]) -> Any:
    """Named tables (domains, protocols) over their defaults: a file states only what differs."""
    if data is None:
        data = {}
    if not isinstance(data, dict):
        return data  # pydantic reports the type error
    merged = copy.deepcopy(defaults)
    for key, value in data.items():
        if key in merged and isinstance(value, dict):
            merged[key].update(value)
        elif isinstance(value, BaseModel):  # a domain's or protocol's table
            merged[key] = value.model_dump()
        else:
            merged[key] = value  # unknown key or wrong type: pydantic names it
    return merged
