"""Scheduled reorganisations and what they cost, and how recovery is measured."""

from __future__ import annotations

from typing import Literal

from pydantic import (
    model_validator,
)

from model.scenario.base import ASSUMPTION, P, Strict
from model.scenario.geography import SchemeOptions

# ----------------------------------------------------------------------------- reorganisation
SRC_FRICTION = (
    "derived: Panteia/SEOR 2013 (Binnenlands Bestuur 31-5-2013), EUR 123 million friction costs "
    "(43 m redundancy pay, 80 m housing) for the youth-care transition, over 27,270 youth-care FTE "
    "(CBS 2019)"
)


class ReorganisationConfig(Strict):
    """One scheduled reorganisation: when, to what, and what getting there costs.

    Times count from the start of the measured period (the end of the warm-up). The
    mechanism is in model/processes/reorganisation.py; docs/model.md explains each choice.
    """

    at_year: float | None = P(
        None,
        unit="years",
        source="-",
        ge=0,
        doc="when, in years after the start of the measured period (or give at_day)",
    )
    at_day: float | None = P(
        None,
        unit="days",
        source="-",
        ge=0,
        doc="when, in days after the start of the measured period (or give at_year)",
    )
    scheme: (
        Literal["patchwork", "centralised", "decentralised", "aligned", "cooperating"] | None
    ) = P(None, unit="-", source="DESIGN.md, process 6", doc="the new scheme (default: keep it)")
    schemes: SchemeOptions | None = P(
        None, unit="-", source="-", doc="options of the new scheme (default: the scenario's)"
    )
    protocol: Literal["referral", "warm", "integrated"] | None = P(
        None, unit="-", source="DESIGN.md", doc="the new protocol (default: keep it)"
    )
    columns: Literal["integrated"] | None = P(
        None,
        unit="-",
        source="seed 003: ontschotting, the columns' teams merged into one social team",
        doc="merge the wijkteam, Wmo and Work & Income teams into one social team (from "
        "separate columns; the way back is not modelled)",
    )
    cases_in_care: Literal["continue", "transfer"] = P(
        "continue",
        unit="-",
        source="Jeugdwet ch. 10 (overgangsrecht): care running on 31-12-2014 continued with the same provider for up to a year",
        doc="cases in intake or care at a dissolved organisation: finish there, or move with a re-intake",
    )
    contracting_gap_days: float = P(
        14.0,
        unit="days",
        source="assumption; seed 001: most municipalities missed the contracting deadline of the 2015 transition",
        ge=0,
        le=3650,
        doc="a new organisation takes no family until its contracts are in place",
    )
    learning_days: float = P(
        548.0,
        unit="days",
        source="Fulop et al. 2002 (BMJ 325:246): NHS trust mergers delayed planned developments >= 18 months",
        gt=0,
        le=3650,
        doc="how long productivity takes to recover (linearly) after the change",
    )
    productivity_loss_new_organisation: float = P(
        0.10,
        unit="share of capacity",
        source=ASSUMPTION,
        ge=0,
        lt=1,
        doc="capacity a new organisation loses at its start (new colleagues, forms, systems)",
    )
    productivity_loss_new_protocol: float = P(
        0.05,
        unit="share of capacity",
        source=ASSUMPTION,
        ge=0,
        lt=1,
        doc="capacity every organisation loses at the start of a new protocol",
    )
    staff_leaving_share: float = P(
        0.11,
        unit="share",
        source="assumption: one extra year of the ~11 % annual turnover in health and welfare (CBS 2023)",
        ge=0,
        le=1,
        doc="share of a new organisation's posts left vacant by people who leave at the change",
    )
    vacancy_days: float = P(
        90.0,
        unit="days",
        source=ASSUMPTION,
        ge=0,
        le=3650,
        doc="time to fill a vacated post",
    )
    training_hours_per_professional: float = P(
        16.0,
        unit="hours",
        source="assumption: two training days",
        ge=0,
        le=1000,
        doc="training in a new protocol, for every professional",
    )
    transfer_hours_per_case: float = P(
        1.0,
        unit="hours",
        source=ASSUMPTION,
        ge=0,
        le=100,
        doc="closing and handing over the file of a case that moves to a new organisation",
    )
    cost_eur_per_organisation_created: float = P(
        250_000.0,
        unit="EUR",
        source="assumption (governance, contracts, ICT); NAO 2010: ~GBP 15 million per (much larger) central-government reorganisation",
        ge=0,
        doc="one-off cost of setting up an organisation",
    )
    cost_eur_per_organisation_dissolved: float = P(
        250_000.0,
        unit="EUR",
        source="assumption (housing, contracts, archives); Panteia/SEOR 2013: EUR 80 million of the youth transition's friction costs were housing",
        ge=0,
        doc="one-off cost of winding an organisation down",
    )
    cost_eur_per_professional_moved: float = P(
        4_500.0,
        unit="EUR",
        source=SRC_FRICTION,
        ge=0,
        doc="one-off friction cost per professional of a dissolved organisation",
    )
    cost_eur_per_case_transferred: float = P(
        150.0,
        unit="EUR",
        source="assumption (file conversion, consent, archive)",
        ge=0,
        doc="one-off cost per case that moves to a new organisation",
    )
    cost_eur_per_leaver: float = P(
        8_000.0,
        unit="EUR",
        source="assumption: recruiting and inducting a successor, about 10 % of a year's salary cost",
        ge=0,
        doc="one-off cost per professional who leaves at the change",
    )
    cost_eur_per_professional_trained: float = P(
        500.0,
        unit="EUR",
        source="assumption: course fee",
        ge=0,
        doc="one-off training cost per professional for a new protocol",
    )

    @model_validator(mode="after")
    def _when_and_what(self) -> ReorganisationConfig:
        if (self.at_year is None) == (self.at_day is None):
            raise ValueError("give exactly one of at_year and at_day")
        if (self.scheme, self.schemes, self.protocol, self.columns) == (None, None, None, None):
            raise ValueError(
                "give a scheme (and/or schemes options), a protocol or columns to change to"
            )
        return self

    def day(self) -> int:
        """Whole days after the start of the measured period (a change happens at a day's start)."""
        return round(self.at_day if self.at_day is not None else self.at_year * 365.0)


class RecoveryConfig(Strict):
    """When a reorganised run counts as recovered: its rolling signal-to-care delay is back
    within a tolerance of the same world without the reorganisation, for a while."""

    tolerance_share: float = P(
        0.05,
        unit="share",
        source=ASSUMPTION,
        gt=0,
        le=10,
        doc="recovered while the rolling delay is at most (1 + this) x the counterfactual's",
    )
    window_days: float = P(
        91.0,
        unit="days",
        source="assumption: a quarter",
        ge=1,
        le=3650,
        doc="trailing window of the rolling mean delay (of needs that came to light in it)",
    )
    confirm_days: float = P(
        182.0,
        unit="days",
        source="assumption: half a year; a quarter let a lull between two waves count as recovery",
        ge=0,
        le=3650,
        doc="the delay must stay within tolerance this long, in a row, to count as recovered",
    )
