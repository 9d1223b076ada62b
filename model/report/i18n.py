"""Every sentence of the report in Dutch and English, through Babel message catalogues
(`locale/<lang>/LC_MESSAGES/messages.po`), and numbers, euros and dates in each
language's form (1.234,5 in Dutch, 1,234.5 in English).

The catalogues are read as .po and compiled in memory, so there is no build step and no
compiled file to forget; a test checks that both hold every message. Messages are keys
(`finding.lower`), not English sentences, so that English is a translation like Dutch and
no sentence is hard-coded in one language.
"""

from __future__ import annotations

import datetime as dt
import io
import math
from functools import cache
from pathlib import Path

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_currency, format_decimal, format_percent
from babel.support import Translations

LANGUAGES: tuple[str, ...] = ("nl", "en")
LOCALES = {"nl": "nl_NL", "en": "en_GB"}
LOCALE_DIR = Path(__file__).parent / "locale"


def catalogue_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po"


def read_catalogue(lang: str):
    with open(catalogue_path(lang), "rb") as fh:
        return read_po(fh, locale=LOCALES[lang])


@cache
def _translations(lang: str) -> Translations:
    buffer = io.BytesIO()
    write_mo(buffer, read_catalogue(lang))
    buffer.seek(0)
    return Translations(buffer)


class Language:
    """One language's messages and number forms, handed to the templates as `L`."""

    def __init__(self, lang: str):
        if lang not in LANGUAGES:
            raise ValueError(f"language {lang!r}: expected one of {', '.join(LANGUAGES)}")
        self.lang = lang
        self.locale = Locale.parse(LOCALES[lang])
        self._t = _translations(lang)

    def has(self, key: str) -> bool:
        return self._t.gettext(key) != key

    def __call__(self, key: str, **values) -> str:
        """The message `key`, with its %(name)s placeholders filled."""
        text = self._t.gettext(key)
        return text % values

    def get(self, key: str, fallback: str) -> str:
        """A message that may be missing for a figure declared after the catalogues were
        written (a new outcome): the declared English label rather than a broken report."""
        return self(key) if self.has(key) else fallback

    # ------------------------------------------------------------------ numbers
    def number(self, x: float, digits: int | None = None) -> str:
        """A figure with as many decimals as its size deserves (as the terminal tables):
        1.234 / 12,3 / 1,23 / 0,123 in Dutch."""
        if x is None or (isinstance(x, float) and not math.isfinite(x)):
            return self("misc.na")
        if digits is None:
            a = abs(x)
            digits = 0 if a >= 1000 else 1 if a >= 10 else 2 if a >= 1 or a == 0 else 3
        pattern = "#,##0" + ("." + "0" * digits if digits else "")
        return format_decimal(x, format=pattern, locale=self.locale)

    def percent(self, share: float, digits: int = 1) -> str:
        if share is None or not math.isfinite(share):
            return self("misc.na")
        pattern = "#,##0" + ("." + "0" * digits if digits else "") + " %"
        return format_percent(share, format=pattern, locale=self.locale)

    def rate(self, share: float) -> str:
        """A rate with the decimals it has (3 %, 2,25 %)."""
        return format_percent(share, format="#,##0.## %", locale=self.locale)

    def euro(self, x: float) -> str:
        if x is None or not math.isfinite(x):
            return self("misc.na")
        # A non-breaking space, so that a line never ends between the sign and the amount.
        return format_currency(
            x, "EUR", format="¤\xa0#,##0", locale=self.locale, currency_digits=False
        )

    def date(self, when: dt.date | dt.datetime | str) -> str:
        if isinstance(when, str):
            try:
                when = dt.datetime.fromisoformat(when)
            except ValueError:
                return when
        if isinstance(when, dt.datetime):
            return format_datetime(when, format="long", locale=self.locale)
        return format_date(when, format="long", locale=self.locale)
