"""The Mesa model the page steps: one scenario, or two side by side on the same seed.

Side by side, the second run ("B") is the first ("A") with another scheme and/or protocol:
both draw the same families with the same luck (the family stream is spawned from the
seed before anything else), so what differs is what the two systems do with them. One
step is one simulated day of each; Mesa's controller steps a week per press (the page's
render interval).

The warm-up (the scenario's `warmup_days`) is run when the model is made, so the page
opens on a system whose caseloads have filled; the live figures count from its end.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import mesa

from model.app.live import Live
from model.engine.simulation import SocialDomainModel
from model.runs.journey import script
from model.scenario import Scenario, load_scenario

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SCENARIO = ROOT / "scenarios" / "patchwork.toml"
# What the app changes in any scenario it opens, unless told otherwise (`--set`): a year of
# warm-up rather than three keeps a reset to a few seconds; five measured years to watch.
APP_SETTINGS: dict[str, Any] = {"warmup_days": 365.0, "years": 5.0}


def app_scenario(path: str | Path | None = None, overrides: Mapping[str, Any] | None = None):
    """The scenario the app opens: a file (default scenarios/patchwork.toml) with
    APP_SETTINGS and then `overrides` applied."""
    return load_scenario(path or DEFAULT_SCENARIO, {**APP_SETTINGS, **(overrides or {})})


class Run:
    """One model and its live figures."""

    def __init__(self, scenario: Scenario, seed: int, follow: int | None = None) -> None:
        self.scenario = scenario
        self.model = SocialDomainModel(scenario, seed)
        self.scripted = None
        if scenario.journey.signals:
            self.scripted = script(self.model, scenario)
            follow = self.scripted.id
        self.live = Live(self.model, follow)

    @property
    def label(self) -> str:
        return f"{self.scenario.scheme} / {self.scenario.protocol}"

    def step(self) -> None:
        self.model.step()

    def close(self) -> None:
        # Mesa 3.3 numbers agents per model in a class-level dict that would keep a
        # discarded model (and its log) alive; the engine's run() drops it the same way.
        mesa.Agent._ids.pop(self.model, None)


class AppModel(mesa.Model):
    """What the page steps. `settings` are dotted parameter paths (as `--set` takes them)
    applied to `base`; `other` ({'scheme': ..., 'protocol': ...}) makes a second run on the
    same seed, side by side, when it differs from the first."""

    def __init__(
        self,
        base: Scenario | None = None,
        seed: int | None = None,
        settings: Mapping[str, Any] | None = None,
        other: Mapping[str, str] | None = None,
    ) -> None:
        base = base if base is not None else app_scenario()
        seed = base.seed if seed is None else int(seed)
        super().__init__(rng=seed)
        self.seed_used = seed
        scenario = base.replace(**dict(settings or {})) if settings else base
        changes = {k: v for k, v in (other or {}).items() if v and v != getattr(scenario, k)}
        self.a = Run(scenario, seed)
        self.b = Run(scenario.replace(**changes), seed) if changes else None
        self.runs = [r for r in (self.a, self.b) if r is not None]
        self.end_day = self.a.model.end_day
        while self.day < self.a.model.measure_from:  # the warm-up, read in one go
            for run in self.runs:
                run.step()
        self._read()

    @property
    def day(self) -> int:
        return self.a.model.day

    def _read(self) -> None:
        self.a.live.update()
        if self.b is not None:
            if self.b.live.follow is None:
                self.b.live.follow = self.a.live.follow  # the same family in both
            self.b.live.update()

    def step(self) -> None:
        """One simulated day in each run."""
        for run in self.runs:
            run.step()
        self._read()
        self.running = self.day < self.end_day

    def close(self) -> None:
        for run in getattr(self, "runs", ()):  # also when __init__ stopped half-way
            run.close()

    def __del__(self) -> None:
        self.close()
