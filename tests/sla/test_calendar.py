"""Opening hours, closed days and working-time arithmetic of the business calendar."""

from datetime import date, datetime, time, timedelta

import pytest

from sla import DEFAULT_CALENDAR, BusinessCalendar, CalendarConfigError
from tests.sla.helpers import at

WEEKDAYS_8_17 = ((time(8), time(17)),) * 5
WEEKEND_OPEN = BusinessCalendar(weekly_hours=WEEKDAYS_8_17 + ((time(10), time(14)),) * 2)
FRIDAY_AFTER_ASCENSION = date(2026, 5, 15)
DAY_BEFORE_EPIPHANY = date(2027, 1, 5)
MUNICIPAL = BusinessCalendar(
    closed_days=frozenset({FRIDAY_AFTER_ASCENSION}),
    special_hours={DAY_BEFORE_EPIPHANY: (time(8), time(15))},
)


def test_default_week_is_weekdays_eight_to_five():
    """Monday–Friday 08:00–17:00, weekends closed."""
    assert DEFAULT_CALENDAR.opening_hours(date(2026, 3, 9)) == (time(8), time(17))
    assert DEFAULT_CALENDAR.opening_hours(date(2026, 3, 7)) is None
    assert DEFAULT_CALENDAR.opening_hours(date(2026, 3, 8)) is None


def test_holidays_close_a_weekday():
    """Good Friday is a Friday but not a working day."""
    assert not DEFAULT_CALENDAR.is_open_day(date(2026, 4, 3))


def test_sundays_open_when_the_opening_hours_say_so():
    """A centre open on Sundays is open on ordinary Sundays but closed on Easter Sunday."""
    assert WEEKEND_OPEN.opening_hours(date(2026, 3, 8)) == (time(10), time(14))
    assert not WEEKEND_OPEN.is_open_day(date(2026, 4, 5))


def test_national_day_on_a_saturday_gives_no_extra_day_off():
    """6 June 2026 is a Saturday; Friday 5 and Monday 8 June are ordinary working days."""
    assert date(2026, 6, 6).weekday() == 5
    assert DEFAULT_CALENDAR.is_open_day(date(2026, 6, 5))
    assert DEFAULT_CALENDAR.is_open_day(date(2026, 6, 8))


def test_public_holidays_can_be_switched_off():
    """A calendar without the holiday list treats Good Friday as an ordinary Friday."""
    assert BusinessCalendar(public_holidays=False).is_open_day(date(2026, 4, 3))


def test_configured_closed_day():
    """A municipality's own closed day (the Friday after Ascension) is not a working day."""
    assert not MUNICIPAL.is_open_day(FRIDAY_AFTER_ASCENSION)


def test_shortened_day():
    """The day before Epiphany closes at 15:00."""
    assert MUNICIPAL.opening_hours(DAY_BEFORE_EPIPHANY) == (time(8), time(15))
    assert MUNICIPAL.closing_time(DAY_BEFORE_EPIPHANY) == at(2027, 1, 5, 15)


def test_explicit_hours_beat_the_holiday_list():
    """Special hours on a holiday open it: an explicit date is more specific than the law's list."""
    cal = BusinessCalendar(special_hours={date(2026, 12, 24): (time(9), time(12))})
    assert cal.opening_hours(date(2026, 12, 24)) == (time(9), time(12))


def test_a_day_both_closed_and_special_is_refused():
    """Closing a day and giving it hours at once is a contradiction, not a precedence question."""
    with pytest.raises(CalendarConfigError, match="special_hours.2026-05-15"):
        BusinessCalendar(closed_days=frozenset({FRIDAY_AFTER_ASCENSION}),
                         special_hours={FRIDAY_AFTER_ASCENSION: (time(8), time(12))})


def test_calendar_is_hashable_and_immutable():
    """A frozen calendar can be shared between requests and used as a cache key."""
    assert hash(MUNICIPAL) == hash(BusinessCalendar(
        closed_days=frozenset({FRIDAY_AFTER_ASCENSION}),
        special_hours={DAY_BEFORE_EPIPHANY: (time(8), time(15))},
    ))
    with pytest.raises(TypeError):
        MUNICIPAL.special_hours[date(2026, 1, 2)] = (time(8), time(9))  # type: ignore[index]


def test_add_working_days_skips_the_start_day_and_closed_days():
    """Three working days after Thursday before Easter is the Thursday after."""
    assert DEFAULT_CALENDAR.add_working_days(date(2026, 4, 2), 3) == date(2026, 4, 9)
    assert DEFAULT_CALENDAR.add_working_days(date(2026, 4, 2), 0) == date(2026, 4, 2)


def test_next_opening_keeps_an_open_moment():
    """During opening hours a contact counts from the moment it arrives."""
    assert DEFAULT_CALENDAR.next_opening(at(2026, 3, 10, 9, 30)) == at(2026, 3, 10, 9, 30)


def test_next_opening_before_opening_is_the_same_morning():
    """At 07:00 on a working day the clock starts at 08:00 that day."""
    assert DEFAULT_CALENDAR.next_opening(at(2026, 3, 10, 7)) == at(2026, 3, 10, 8)


def test_next_opening_at_closing_time_is_the_next_day():
    """Closing time itself is closed (the open period is [08:00, 17:00))."""
    assert DEFAULT_CALENDAR.next_opening(at(2026, 3, 10, 17)) == at(2026, 3, 11, 8)
    assert not DEFAULT_CALENDAR.is_open(at(2026, 3, 10, 17))
    assert DEFAULT_CALENDAR.is_open(at(2026, 3, 10, 8))


def test_add_working_hours_across_a_night():
    """Four working hours from Tuesday 15:00 end Wednesday 10:00."""
    assert DEFAULT_CALENDAR.add_working_hours(at(2026, 3, 10, 15), 4) == at(2026, 3, 11, 10)


def test_add_working_hours_across_a_weekend():
    """Four working hours from Friday 16:00 end Monday 11:00."""
    assert DEFAULT_CALENDAR.add_working_hours(at(2026, 3, 13, 16), 4) == at(2026, 3, 16, 11)


def test_add_working_hours_ending_at_closing_stays_at_closing():
    """Exactly the rest of the day ends at 17:00, not at 08:00 the next morning."""
    assert DEFAULT_CALENDAR.add_working_hours(at(2026, 3, 10, 13), 4) == at(2026, 3, 10, 17)


def test_add_working_hours_across_the_spring_dst_change():
    """Working hours are real hours and the result keeps Stockholm wall-clock time (+02:00)."""
    end = DEFAULT_CALENDAR.add_working_hours(at(2026, 3, 27, 16), timedelta(hours=4))
    assert end == at(2026, 3, 30, 11)
    assert end.utcoffset() == timedelta(hours=2)


def test_working_time_between_counts_only_open_time():
    """Friday 15:00 to Monday 10:00 holds four working hours."""
    assert DEFAULT_CALENDAR.working_time_between(at(2026, 3, 13, 15), at(2026, 3, 16, 10)) == \
        timedelta(hours=4)


def test_working_time_between_across_easter():
    """Thursday 12:00 before Easter to Tuesday 12:00 after it: 5 + 4 hours."""
    assert DEFAULT_CALENDAR.working_time_between(at(2026, 4, 2, 12), at(2026, 4, 7, 12)) == \
        timedelta(hours=9)


def test_working_time_between_is_signed():
    """Swapping the ends gives the negative, like subtracting datetimes."""
    a, b = at(2026, 3, 10, 9), at(2026, 3, 10, 11)
    assert DEFAULT_CALENDAR.working_time_between(b, a) == -timedelta(hours=2)


def test_working_time_between_across_autumn_dst_change_is_real_time():
    """The 25-hour Sunday (2026-10-25) adds no working time: Friday 16:00 to Monday 09:00 is 2 h."""
    assert DEFAULT_CALENDAR.working_time_between(at(2026, 10, 23, 16), at(2026, 10, 26, 9)) == \
        timedelta(hours=2)


def test_naive_datetimes_are_refused():
    """A naive datetime's zone is a guess, so the calendar refuses it."""
    with pytest.raises(ValueError, match="naive"):
        DEFAULT_CALENDAR.next_opening(datetime(2026, 3, 10, 9))
    with pytest.raises(ValueError, match="naive"):
        DEFAULT_CALENDAR.working_time_between(datetime(2026, 3, 10, 9), at(2026, 3, 10, 10))
