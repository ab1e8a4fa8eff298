"""Days Swedish law closes the contact centre, taken from the `holidays` package.

Two traps in `holidays.Sweden`, both handled here so the rest of `sla` can ignore them:

* Sundays: Swedish law counts every Sunday as a holiday, and older releases of the package
  listed them by default (`include_sundays=True`). Weekends belong to the opening hours, so we
  always ask for `include_sundays=False` — otherwise a centre that opens on Sundays could not.
* Midsummer Eve, Christmas Eve and New Year's Eve are not public holidays but are treated like
  Sundays (Semesterlag 1977:480 § 7). Newer releases keep them in the `de_facto` category; older
  ones listed them among the public holidays. We ask for `de_facto` whenever it exists.
"""

from __future__ import annotations

from datetime import date
from functools import cache

import holidays

_PUBLIC = "public"
_DE_FACTO = "de_facto"  # Midsummer Eve, Christmas Eve, New Year's Eve (newer releases)


def _categories() -> tuple[str, ...]:
    supported = getattr(holidays.Sweden, "supported_categories", (_PUBLIC,))
    return (_PUBLIC, _DE_FACTO) if _DE_FACTO in supported else (_PUBLIC,)


@cache
def statutory_closed_days(year: int) -> frozenset[date]:
    """Public holidays plus the three eves for one year; cached because every lookup needs it."""
    days = holidays.Sweden(years=year, categories=_categories(), include_sundays=False)
    return frozenset(days.keys())


def is_statutory_closed_day(day: date) -> bool:
    """Whether Swedish law closes offices on `day`, regardless of the weekday."""
    return day in statutory_closed_days(day.year)
