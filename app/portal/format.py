"""Dates and numbers as the portal writes them, in the citizen's language.

Formatted by hand from a translated pattern and babel's month names, cached per language:
babel's general date formatter costs more than the rest of a tracking page's timeline.
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import get_month_names
from babel.numbers import format_decimal
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _

from app.services.portal import MAX_TEXT

STOCKHOLM = ZoneInfo("Europe/Stockholm")


@lru_cache(maxsize=8)
def _time_format(locale: str) -> tuple[str, tuple[str, ...]]:
    """How a moment is written in a language: the sentence pattern and the month names."""
    with force_locale(locale):
        pattern = _("%(day)s %(month)s %(year)s at %(time)s")
    months = get_month_names("wide", locale=Locale.parse(locale))
    return pattern, tuple(months[number] for number in range(1, 13))


def portal_time(value: datetime) -> str:
    """A moment in Stockholm time, in words: "26 november 2026 kl. 17:00"."""
    pattern, months = _time_format(str(get_locale()))
    local = value.astimezone(STOCKHOLM)
    return pattern % {"day": local.day, "month": months[local.month - 1], "year": local.year,
                      "time": f"{local:%H:%M}"}


@lru_cache(maxsize=8)
def _max_text(locale: str) -> str:
    return format_decimal(MAX_TEXT, locale=locale)


def max_text() -> str:
    """The text limit as the language writes numbers ("4 000", "4,000")."""
    return _max_text(str(get_locale()))
