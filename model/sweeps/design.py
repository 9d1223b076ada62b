"""The experiment file: which scenarios, which parameters vary and how, how many replications.

Validated like a scenario file: any problem is one line naming the file, the field and
what is allowed (a `ScenarioError`). Scenarios are the alternatives compared (EMA
Workbench's policies); parameters are what is uncertain, sampled identically for every
scenario so that scenarios can be compared point by point. Every path and range is tried
on every scenario here, so a bad value fails before the first run, not in the night.
"""

from __future__ import annotations

import itertools
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field, ValidationError, model_validator

from model.scenario import (
    Scenario,
    ScenarioError,
    Strict,
    apply_overrides,
    format_validation_error,
    read_toml,
    scenario_from_dict,
)

NAME_PATTERN = r"^[A-Za-z0-9_.-]+$"


class ParameterSpec(Strict):
    """One varied parameter: a list of values, or a range with a distribution."""

    values: list[Any] | None = Field(None, min_length=1)
    low: float | None = None
    high: float | None = None
    distribution: Literal["uniform", "loguniform", "triangular"] = "uniform"
    mode: float | None = None
    levels: int | None = Field(None, ge=2, le=1000)
    integer: bool = False

    @model_validator(mode="after")
    def _one_kind(self) -> ParameterSpec:
        ranged = self.low is not None or self.high is not None
        if self.values is not None:
            if ranged or self.mode is not None or self.levels is not None:
                raise ValueError("give either values = [...] or low/high, not both")
            if len({repr(v) for v in self.values}) != len(self.values):
                raise ValueError("values must differ from one another")
            return self
        if self.low is None or self.high is None:
            raise ValueError("give values = [...] or both low and high")
        if not self.low < self.high:
            raise ValueError(f"low ({self.low}) must be below high ({self.high})")
        if self.distribution == "loguniform" and self.low <= 0:
            raise ValueError("a loguniform range needs low > 0")
        if self.distribution == "triangular":
            if self.mode is None or not self.low <= self.mode <= self.high:
                raise ValueError("a triangular range needs a mode between low and high")
        elif self.mode is not None:
            raise ValueError("mode is only for distribution = 'triangular'")
        return self

    @property
    def categorical(self) -> bool:
        return self.values is not None


class SamplerSpec(Strict):
    kind: Literal["grid", "lhs", "sobol", "saltelli", "morris"] = "grid"
    n: int | None = Field(
        None,
        ge=1,
        le=1_000_000,
        description="lhs: points; sobol: base samples; morris: trajectories",
    )
    levels: int = Field(4, ge=2, le=100, description="morris: grid levels")
    second_order: bool = Field(False, description="sobol: also second-order indices")
    seed: int | None = Field(None, ge=0, le=2**63 - 1, description="default: the master seed")

    @model_validator(mode="after")
    def _n(self) -> SamplerSpec:
        if self.kind != "grid" and self.n is None:
            raise ValueError(f"sampler {self.kind!r} needs n (how many samples or trajectories)")
        if self.kind == "grid" and self.n is not None:
            raise ValueError("a grid takes no n: its size is the product of the parameters' values")
        if self.kind in ("sobol", "saltelli") and self.n & (self.n - 1):
            raise ValueError(f"sobol needs n a power of 2 (Saltelli's scheme), got {self.n}")
        return self


class Replications(Strict):
    """A fixed number, or in rounds until the CI of `metric` is narrow enough at every point."""

    n: int | None = Field(None, ge=1, le=100_000)
    metric: str | None = None
    target_half_width: float | None = Field(None, gt=0, description="in the metric's unit")
    relative_half_width: float | None = Field(None, gt=0, le=10, description="share of the mean")
    min: int = Field(3, ge=2, le=100_000)
    max: int = Field(30, ge=2, le=100_000)
    step: int = Field(2, ge=1, le=100_000)

    @model_validator(mode="after")
    def _fixed_or_adaptive(self) -> Replications:
        adaptive = (self.metric, self.target_half_width, self.relative_half_width)
        if self.n is not None:
            if any(v is not None for v in adaptive):
                raise ValueError("give either n, or metric with a target half width; not both")
            return self
        if self.metric is None:
            raise ValueError("give n, or metric with target_half_width or relative_half_width")
        if (self.target_half_width is None) == (self.relative_half_width is None):
            raise ValueError("give exactly one of target_half_width and relative_half_width")
        if self.max < self.min:
            raise ValueError(f"max ({self.max}) must be at least min ({self.min})")
        return self

    @property
    def adaptive(self) -> bool:
        return self.n is None

    @property
    def cap(self) -> int:
        """The most replications any point can get (seeds are drawn for this many)."""
        return self.n if self.n is not None else self.max


class Outputs(Strict):
    timeseries: bool = Field(False, description="keep each run's monthly series")
    events: bool = Field(False, description="keep each run's event log (events.parquet)")


class AnalysisSpec(Strict):
    confidence: float = Field(0.95, gt=0, lt=1)
    metrics: list[str] = Field(
        default_factory=lambda: [
            "signal_to_care_days_mean",
            "stories_told_per_family_mean",
            "cost_eur_per_family",
        ],
        min_length=1,
        description="metrics shown in the sensitivity figure",
    )


class DiscoverySpec(Strict):
    """PRIM: in which parameter ranges does `scenario` beat `baseline` on `metric`?"""

    scenario: str
    baseline: str | None = None
    metric: str
    better: Literal["lower", "higher"] = "lower"
    margin: float = Field(0.0, ge=0, description="how much better counts, in the metric's unit")
    density_min: float = Field(0.8, gt=0, le=1, description="box chosen: most coverage at this")
    peel_alpha: float = Field(0.05, gt=0, lt=0.5)
    mass_min: float = Field(0.05, gt=0, lt=1)


class ScenarioRef(Strict):
    file: str
    set: dict[str, Any] = Field(default_factory=dict)


class ScenarioGrid(Strict):
    """Every combination of `vary` becomes a scenario named by its values."""

    file: str
    set: dict[str, Any] = Field(default_factory=dict)
    vary: dict[str, list[Any]] = Field(min_length=1)


class ExperimentFile(Strict):
    name: str | None = Field(None, pattern=NAME_PATTERN)
    description: str = ""
    master_seed: int = Field(1, ge=0, le=2**63 - 1)
    baseline: str | None = None
    set: dict[str, Any] = Field(default_factory=dict)
    scenarios: dict[str, ScenarioRef] = Field(default_factory=dict)
    scenario_grid: ScenarioGrid | None = None
    parameters: dict[str, ParameterSpec] = Field(default_factory=dict)
    sampler: SamplerSpec = Field(default_factory=SamplerSpec)
    replications: int | Replications = 1
    outputs: Outputs = Field(default_factory=Outputs)
    analysis: AnalysisSpec = Field(default_factory=AnalysisSpec)
    discovery: DiscoverySpec | None = None


@dataclass(frozen=True)
class Design:
    """A validated experiment: the file, its resolved scenarios and parameters."""

    name: str
    path: Path
    text: str
    spec: ExperimentFile
    scenarios: dict[str, Scenario]
    parameters: dict[str, ParameterSpec]
    replications: Replications
    baseline: str

    @property
    def sampler_seed(self) -> int:
        s = self.spec.sampler.seed
        return self.spec.master_seed if s is None else s


def load_experiment(path: str | Path) -> Design:
    """Read, validate and resolve an experiment file; any problem is one ScenarioError line."""
    path = Path(path)
    raw = read_toml(path)
    src = str(path)
    try:
        spec = ExperimentFile.model_validate(raw)
    except ValidationError as exc:
        raise ScenarioError(format_validation_error(exc, src, ExperimentFile)) from None
    if isinstance(spec.replications, int):
        if not 1 <= spec.replications <= 100_000:
            raise ScenarioError(f"{src}: replications: must be between 1 and 100000")
        reps = Replications(n=spec.replications)
    else:
        reps = spec.replications
    scenarios = _resolve_scenarios(spec, path)
    baseline = spec.baseline or next(iter(scenarios))
    _known(src, "baseline", baseline, scenarios)
    parameters = {p: _check_parameter(src, p, s, scenarios) for p, s in spec.parameters.items()}
    if spec.sampler.kind != "grid" and not parameters:
        raise ScenarioError(f"{src}: sampler.kind: {spec.sampler.kind!r} needs [parameters]")
    for p, s in parameters.items():
        if spec.sampler.kind == "grid" and not s.categorical and s.levels is None:
            raise ScenarioError(
                f"{src}: parameters.{p}: a range in a grid needs levels (how many values)"
            )
    _check_metrics(src, spec, reps)
    if spec.discovery is not None:
        d = spec.discovery
        _known(src, "discovery.scenario", d.scenario, scenarios)
        _known(src, "discovery.baseline", d.baseline or baseline, scenarios)
        if d.scenario == (d.baseline or baseline):
            raise ScenarioError(f"{src}: discovery.scenario: must differ from its baseline")
        if not parameters:
            raise ScenarioError(f"{src}: discovery: needs [parameters] to find ranges in")
    return Design(
        name=spec.name or path.stem,
        path=path,
        text=path.read_text(encoding="utf-8"),
        spec=spec,
        scenarios=scenarios,
        parameters=parameters,
        replications=reps,
        baseline=baseline,
    )


def flatten(table: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested TOML tables to dotted paths: {"synthetic": {"population": 1}} -> synthetic.population."""
    out: dict[str, Any] = {}
    for key, value in table.items():
        dotted = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(flatten(value, dotted + "."))
        else:
            out[dotted] = value
    return out


def _resolve_scenarios(spec: ExperimentFile, path: Path) -> dict[str, Scenario]:
    src = str(path)
    common = flatten(spec.set)
    wanted: list[tuple[str, str, str, dict[str, Any]]] = [
        (name, f"scenarios.{name}", ref.file, {**common, **flatten(ref.set)})
        for name, ref in spec.scenarios.items()
    ]
    if spec.scenario_grid is not None:
        g = spec.scenario_grid
        for combo in itertools.product(*g.vary.values()):
            name = "-".join(str(v) for v in combo)
            changes = {**common, **flatten(g.set), **dict(zip(g.vary, combo, strict=True))}
            wanted.append((name, f"scenario_grid ({name})", g.file, changes))
    if not wanted:
        raise ScenarioError(
            f"{src}: scenarios: give at least one [scenarios.NAME] or [scenario_grid]"
        )
    out: dict[str, Scenario] = {}
    for name, where, file, changes in wanted:
        if name in out:
            raise ScenarioError(f"{src}: {where}: the scenario name {name!r} is used twice")
        try:
            raw = read_toml(path.parent / file)
        except ScenarioError as exc:
            raise ScenarioError(f"{src}: {where}.file: {exc}") from None
        raw = apply_overrides(raw, changes)
        raw["name"] = name
        out[name] = scenario_from_dict(raw, f"{src}: {where}")
    return out


def _known(src: str, field: str, name: str, scenarios: dict[str, Scenario]) -> None:
    if name not in scenarios:
        raise ScenarioError(
            f"{src}: {field}: unknown scenario {name!r} (allowed: {', '.join(scenarios)})"
        )


def _check_parameter(
    src: str, path: str, spec: ParameterSpec, scenarios: dict[str, Scenario]
) -> ParameterSpec:
    """The path names a parameter; its range suits its type; every extreme value validates."""
    where = f"{src}: parameters.{path}"
    annotation = _annotation(where, path)
    numeric = annotation in (int, float)
    if not spec.categorical and not numeric:
        raise ScenarioError(f"{where}: not a number; give values = [...] instead of low/high")
    if annotation is int and not spec.categorical:
        spec = spec.model_copy(update={"integer": True})
    trial = spec.values if spec.categorical else [spec.low, spec.high]
    for value in trial:
        if spec.integer and not spec.categorical:
            value = round(value)
        for name, sc in scenarios.items():
            try:
                sc.replace(**{path: value})
            except ScenarioError as exc:
                why = str(exc).removeprefix("<scenario>: ")
                raise ScenarioError(
                    f"{where}: {value!r} is not allowed (scenario {name}): {why}"
                ) from None
    return spec


def _annotation(where: str, path: str) -> Any:
    """The type of the Scenario field a dotted path names."""
    model: type[BaseModel] = Scenario
    parts = path.split(".")
    for i, part in enumerate(parts):
        field = model.model_fields.get(part)
        if field is None:
            allowed = ", ".join(sorted(model.model_fields))
            raise ScenarioError(f"{where}: unknown parameter (allowed at {part!r}: {allowed})")
        ann = field.annotation
        last = i == len(parts) - 1
        if isinstance(ann, type) and issubclass(ann, BaseModel):
            if last:
                raise ScenarioError(f"{where}: a table, not a parameter; name one of its fields")
            model = ann
            continue
        if last:
            return ann
        if typing.get_origin(ann) is dict and i == len(parts) - 2:
            return float  # e.g. families.vt_source_shares.police
        raise ScenarioError(f"{where}: {part} is not a table")
    raise AssertionError("unreachable")


def _check_metrics(src: str, spec: ExperimentFile, reps: Replications) -> None:
    from model.sweeps.tasks import metric_names

    known = metric_names()
    named = [("analysis.metrics", m) for m in spec.analysis.metrics]
    if reps.metric is not None:
        named.append(("replications.metric", reps.metric))
    if spec.discovery is not None:
        named.append(("discovery.metric", spec.discovery.metric))
    for field, metric in named:
        if metric not in known:
            top = sorted(m for m in known if not m.startswith("by_domain."))
            raise ScenarioError(
                f"{src}: {field}: unknown metric {metric!r} "
                f"(allowed: {', '.join(top)}, or by_domain.DOMAIN.METRIC)"
            )
