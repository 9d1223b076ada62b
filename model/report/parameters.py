"""The cost-benefit account's parameters, in one validated place with units and sources.

They are not scenario parameters: they do not change what happens in a run, only how its
figures are valued afterwards, so changing one never needs a rerun (and the run's manifest
cannot hold them). The report prints them in its assumptions section, with their unit and
source in the reader's language from the catalogues (`param.<name>.unit`, `.source`; a test
requires both languages for every parameter here), so a change of source is made in both.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


def _p(default: float, *, unit: str, source: str, doc: str, **constraints: float):
    return Field(default, description=doc, json_schema_extra={"unit": unit, "source": source},
                 **constraints)  # fmt: skip


class MkbaParameters(BaseModel):
    """Valuation of a comparison's figures, along the CPB/PBL general guidance for social
    cost-benefit analysis (maatschappelijke kosten-batenanalyse, MKBA)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    discount_rate: float = _p(
        0.0225,
        unit="per year, real",
        source="Rapport Werkgroep discontovoet 2020 (Ministerie van Financiën), the standard "
        "rate for Dutch MKBA since 2021: -1 % risk-free plus a 3.25 % risk premium; CPB/PBL "
        "Algemene MKBA-leidraad (Romijn & Renes 2013)",
        doc="discount rate of the net present value",
        ge=0,
        lt=0.2,
    )
    sensitivity_rate: float = _p(
        0.03,
        unit="per year, real",
        source="Werkgroep discontovoet 2015: the standard rate 2016-2020, shown as a "
        "sensitivity case",
        doc="discount rate of the sensitivity case",
        ge=0,
        lt=0.2,
    )
    family_hour_eur: float = _p(
        14.0,
        unit="EUR per hour, 2014 prices",
        source="shadow price of informal care (mantelzorg), Kostenhandleiding voor "
        "economische evaluaties in de gezondheidszorg (Hakkaart-van Roijen et al. 2015, "
        "Zorginstituut Nederland); not indexed to a later price level, because the model's "
        "own hourly costs carry no price year either (assumption); the 2024 update of the "
        "manual was not checked here",
        doc="value of an hour of a family's time",
        ge=0,
        le=1000,
    )
    family_hours_per_intake_hour: float = _p(
        1.0,
        unit="family hours per professional intake hour",
        source="assumption: one family member sits through every hour of an intake; travel "
        "and preparation not counted (a lower bound)",
        doc="family time an intake takes",
        ge=0,
        le=10,
    )

    def describe(self) -> list[tuple[str, float, str, str]]:
        """(name, value, unit, source) of every parameter, for the report's assumptions."""
        out = []
        for name, field in type(self).model_fields.items():
            extra = field.json_schema_extra or {}
            out.append((name, getattr(self, name), extra["unit"], extra["source"]))
        return out


DEFAULTS = MkbaParameters()
