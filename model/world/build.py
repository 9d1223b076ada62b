"""Which map a scenario plays on: an explicit registry of map builders (no import side
effects), and the population scale."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from model.vocabulary import GEOGRAPHIES
from model.world.geography import (
    Geography,
)

if TYPE_CHECKING:
    from model.scenario import Scenario

from model.world.dutch_map import build_from_csv, build_nl_2023
from model.world.synthetic import build_synthetic

# One builder per name in `vocabulary.GEOGRAPHIES` (the names the scenario validates).
BUILDERS: dict[str, Callable[[Scenario], Geography]] = {
    "synthetic": build_synthetic,
    "nl-2023": build_nl_2023,
    "csv": build_from_csv,
}
assert tuple(BUILDERS) == GEOGRAPHIES


def build_geography(scenario: Scenario, scaled: bool = True) -> Geography:
    """The country a scenario plays on; with `scaled`, at its `population_scale` (what the
    model simulates) rather than the real population (what `sdsim regions` shows)."""
    geo = BUILDERS[scenario.geography](scenario)
    scale = scenario.population_scale
    if not scaled or scale == 1.0:
        return geo
    note = (
        f"population_scale = {scale:g}: every municipality has {scale:g} of its population, "
        "so families and staff are scaled alike; regions, teams' catchments and the staffing "
        "floor (min_fte_per_organisation) are not, which favours small organisations"
    )
    return replace(geo, population=geo.population * scale, notes=(*geo.notes, note))
