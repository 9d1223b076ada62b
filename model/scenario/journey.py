"""A scripted family (`sdsim journey`): its signals and needs."""

from __future__ import annotations

from typing import Literal

from pydantic import (
    model_validator,
)

from model.scenario.base import P, Strict
from model.vocabulary import SOURCES


# ----------------------------------------------------------------------------- journey
class ScriptedNeed(Strict):
    domain: Literal["wijkteam", "youth", "vt", "shelter", "wmo", "income"] = P(
        "youth", unit="-", source="-", doc="the domain of the need"
    )
    severity: int = P(2, unit="1-3", source="-", ge=1, le=3, doc="mild, moderate or severe")
    who: str = P("", unit="-", source="-", doc="whose need, for tables and figures")


class ScriptedSignal(Strict):
    day: float = P(
        0.0, unit="days", source="-", ge=0, le=36500, doc="after the journey's start_day"
    )
    entry: Literal["wijkteam", "vt"] = P(
        "wijkteam",
        unit="-",
        source="-",
        doc="a family at a local team (the wijkteam, or the Wmo or Work & Income team when "
        "every need is theirs), or a report to Veilig Thuis",
    )
    source: str = P("family", unit="-", source="-", doc="who gives the signal (events.SOURCES)")
    needs: list[ScriptedNeed] = P(
        [], unit="-", source="-", min_length=1, doc="the needs that come to light"
    )

    @model_validator(mode="after")
    def _known_source(self) -> ScriptedSignal:
        if self.source not in SOURCES:
            raise ValueError(f"unknown source {self.source!r} (allowed: {', '.join(SOURCES)})")
        return self


class JourneyConfig(Strict):
    """A scripted family followed through every scheme and protocol (`sdsim journey`), in a
    world replicated around it; `sdsim run` and `sdsim compare` leave it out."""

    label: str = P(
        "the family", unit="-", source="-", doc="what to call the family in tables and figures"
    )
    municipality: str = P("", unit="-", source="-", doc="where the family lives: code or name")
    start_day: float = P(
        60.0,
        unit="days",
        source="-",
        ge=0,
        le=36500,
        doc="after the warm-up: when the journey starts (its signals' day 0)",
    )
    adults: int = P(1, unit="count", source="-", ge=1, le=2, doc="adults in the family")
    children: int = P(2, unit="count", source="-", ge=0, le=20, doc="children in the family")
    shelter_outside_region: bool = P(
        True,
        unit="-",
        source="-",
        doc="a shelter need is placed outside the home region (whenever the scenario places any there)",
    )
    luck: Literal["median", "drawn"] = P(
        "median",
        unit="-",
        source="-",
        doc="the family's own luck (care length, success, dropout, incidents): the median of every draw (an ordinary family), or drawn from journey.seed; the same in every scheme and replication",
    )
    seed: int = P(
        0,
        unit="-",
        source="-",
        ge=0,
        le=2**63 - 1,
        doc="with luck = 'drawn': the seed of the family's luck",
    )
    signals: list[ScriptedSignal] = P(
        [],
        unit="-",
        source="-",
        doc="how the family's needs come to light (see scenarios/pieter.toml)",
    )
    schemes: list[Literal["patchwork", "centralised", "decentralised", "aligned"]] = P(
        ["patchwork", "centralised", "decentralised", "aligned"],
        unit="-",
        source="-",
        min_length=1,
        doc="the schemes to follow the family through",
    )
    protocols: list[Literal["referral", "warm", "integrated"]] = P(
        ["referral", "warm", "integrated"],
        unit="-",
        source="-",
        min_length=1,
        doc="the protocols to follow the family through",
    )
    replications: int = P(
        3,
        unit="count",
        source="-",
        ge=1,
        le=1000,
        doc="worlds (seeds) around the family per scheme and protocol",
    )
