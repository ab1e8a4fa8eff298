"""The statutory closed days taken from the `holidays` package."""

from datetime import date

from sla.public_holidays import is_statutory_closed_day, statutory_closed_days


def test_the_three_eves_treated_like_sundays_are_closed():
    """Midsummer Eve, Christmas Eve and New Year's Eve are closed by law (Semesterlag § 7)."""
    for day in (date(2026, 6, 19), date(2026, 12, 24), date(2026, 12, 31)):
        assert is_statutory_closed_day(day), day


def test_public_holidays_2026_are_closed():
    """Good Friday, Easter Monday, Ascension, May Day, Christmas, Epiphany are public holidays."""
    for day in (date(2026, 4, 3), date(2026, 4, 6), date(2026, 5, 14), date(2026, 5, 1),
                date(2026, 12, 25), date(2026, 12, 26), date(2027, 1, 1), date(2027, 1, 6)):
        assert is_statutory_closed_day(day), day


def test_ordinary_sundays_are_not_listed_as_holidays():
    """Weekends are the opening hours' business, so plain Sundays are not holidays here."""
    assert not is_statutory_closed_day(date(2026, 3, 8))
    assert all(day.weekday() != 6 or day in {date(2026, 4, 5), date(2026, 5, 24)}
               for day in statutory_closed_days(2026))


def test_half_days_and_squeeze_days_are_not_closed_by_law():
    """Maundy Thursday, the day before Epiphany and the Friday after Ascension stay open."""
    for day in (date(2026, 4, 2), date(2026, 1, 5), date(2026, 5, 15), date(2026, 4, 30)):
        assert not is_statutory_closed_day(day), day
