"""A figure with its unit in the reader's language: euros as euros, shares as percentages
(their differences in percentage points), everything else as a number and the declared
unit's translation."""

from __future__ import annotations

from model.report.i18n import Language


def is_share(unit: str) -> bool:
    return unit.startswith("share") or unit == "0 or 1"


def amount(x: float, unit: str, L: Language, difference: bool = False) -> tuple[str, str]:
    """(the number, the unit's words) of `x` in `unit`; the words are empty when the number
    carries its unit (euros, percentages)."""
    if unit.startswith("EUR") and unit != "EUR per family":
        return L.euro(x), ""
    if unit == "EUR per family":
        return L.euro(x), L.get("unit.intakes per family", "per family")
    if is_share(unit):
        if difference:
            return L.number(100 * x, 1), L("unit.percentage_points")
        return L.percent(x), ""
    return L.number(x), L.get(f"unit.{unit}", unit)


def cell(x: float, unit: str, L: Language, difference: bool = False) -> str:
    """The figure for a table cell (its unit is in the row's unit column)."""
    if unit.startswith("EUR"):
        return L.euro(x)
    if is_share(unit):
        return L.number(100 * x, 1) if difference else L.percent(x)
    return L.number(x)


def unit_words(unit: str, L: Language, difference: bool = False) -> str:
    if unit.startswith("EUR"):
        return L.get(f"unit.{unit}", unit)
    if is_share(unit) and difference:
        return L("unit.percentage_points")
    return L.get(f"unit.{unit}", unit)


def value_text(v, L: Language) -> str:
    """A parameter's value as written: whole numbers without decimals, text as it is."""
    if isinstance(v, bool) or v is None:
        return str(v)
    if isinstance(v, int | float):
        return L.number(v) if not float(v).is_integer() else L.number(v, 0)
    return str(v)
