"""Both catalogues hold every message, with the same placeholders, and numbers take each
language's form."""

import re

import pytest

from model.records.outcomes import outcome
from model.report import mkba
from model.report.findings import HEADLINE
from model.report.i18n import LANGUAGES, Language, read_catalogue
from model.report.parameters import DEFAULTS
from model.report.render import LIMITS, table_metrics
from model.vocabulary import PROTOCOLS, SCHEMES

PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def messages(lang):
    return {m.id: m.string for m in read_catalogue(lang) if m.id}


def test_every_message_has_both_languages_with_the_same_placeholders():
    nl, en = messages("nl"), messages("en")
    assert set(nl) == set(en)
    for key in nl:
        assert nl[key].strip() and en[key].strip(), f"{key}: untranslated"
        assert set(PLACEHOLDER.findall(nl[key])) == set(PLACEHOLDER.findall(en[key])), key


def test_every_figure_the_report_names_has_a_label_in_both_languages():
    needed = [f"metric.{m}" for m in (*table_metrics(True), *HEADLINE, *mkba.UNPRICED)]
    needed += [f"unit.{outcome(m).unit}" for m in table_metrics(True)
               if not outcome(m).unit.startswith(("share", "EUR"))]  # fmt: skip
    needed += [f"mkba.item.{i.key}" for i in mkba.ITEMS]
    needed += [f"mkba.stakeholder.{s.value}" for s in mkba.Stakeholder]
    needed += [f"limits.{k}" for k in LIMITS]
    needed += [f"scheme.{s}" for s in SCHEMES] + [f"protocol.{p}" for p in PROTOCOLS]
    needed += [f"columns.{c}" for c in ("separate", "integrated")]
    needed += [f"param.{name}{part}" for name, *_ in DEFAULTS.describe()
               for part in ("", ".unit", ".source")]  # fmt: skip
    for lang in LANGUAGES:
        have = messages(lang)
        missing = [k for k in needed if k not in have]
        assert not missing, f"{lang}: {missing}"


@pytest.mark.parametrize(
    "lang, x, text",
    [
        ("nl", 1234.5, "1.234,5"),
        ("en", 1234.5, "1,234.5"),
        ("nl", 12.34, "12,3"),
        ("nl", 0.1234, "0,123"),
        ("nl", 1234567.0, "1.234.567"),
    ],
)
def test_numbers_in_each_language(lang, x, text):
    digits = 1 if x == 1234.5 else None
    assert Language(lang).number(x, digits) == text


def test_euros_percentages_and_dates_in_dutch():
    L = Language("nl")
    assert L.euro(1234567.4) == "€\xa01.234.567"
    assert L.euro(-80957) == "-€\xa080.957"
    assert L.percent(0.0225, 2) == "2,25 %"
    assert L.date("2026-12-03T17:35:31+00:00").startswith("3 december 2026")
    assert Language("en").percent(0.0225, 2) == "2.25 %"
