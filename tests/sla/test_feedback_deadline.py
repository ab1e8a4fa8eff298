"""The feedback-deadline rule: 3 working days for private persons, 1 for businesses."""

from datetime import UTC, date, datetime, time, timedelta

import pytest

import sla
from sla import BusinessCalendar
from tests.sla.helpers import at


def private(received: datetime, **kwargs: object) -> datetime:
    return sla.feedback_deadline(received, business=False, **kwargs)  # type: ignore[arg-type]


def business(received: datetime, **kwargs: object) -> datetime:
    return sla.feedback_deadline(received, business=True, **kwargs)  # type: ignore[arg-type]


def test_received_during_the_day_does_not_count_that_day():
    """Tuesday 10:00 → Wednesday, Thursday, Friday → Friday 17:00."""
    assert private(at(2026, 3, 10, 10)) == at(2026, 3, 13, 17)


def test_business_gets_one_working_day():
    """A business contact on Tuesday 10:00 is due Wednesday 17:00."""
    assert business(at(2026, 3, 10, 10)) == at(2026, 3, 11, 17)


def test_received_before_opening_still_does_not_count_that_day():
    """07:00 counts as 08:00 the same day, and that day does not count."""
    assert private(at(2026, 3, 10, 7)) == at(2026, 3, 13, 17)


def test_received_after_closing_counts_from_the_next_opening():
    """Friday 18:00 counts as Monday 08:00; Monday does not count → Thursday 17:00."""
    assert private(at(2026, 3, 6, 18)) == at(2026, 3, 12, 17)


def test_received_at_closing_time_is_after_closing():
    """17:00 sharp is already closed."""
    assert business(at(2026, 3, 10, 17)) == at(2026, 3, 12, 17)


def test_received_on_a_weekend():
    """Saturday counts as Monday 08:00 → Thursday 17:00."""
    assert private(at(2026, 3, 7, 12)) == at(2026, 3, 12, 17)


def test_received_on_a_holiday():
    """Good Friday counts as Tuesday 7 April 08:00 → Friday 10 April 17:00."""
    assert private(at(2026, 4, 3, 11)) == at(2026, 4, 10, 17)


def test_across_easter():
    """Maundy Thursday → skip Good Friday, the weekend and Easter Monday → Thursday 9 April."""
    assert private(at(2026, 4, 2, 10)) == at(2026, 4, 9, 17)
    assert business(at(2026, 4, 2, 10)) == at(2026, 4, 7, 17)


def test_across_ascension():
    """Wednesday 13 May → skip Ascension Day (14 May) → Tuesday 19 May."""
    assert private(at(2026, 5, 13, 10)) == at(2026, 5, 19, 17)


def test_national_day_on_a_saturday_costs_nothing():
    """Friday 5 June 2026 (National Day is Saturday 6 June) → business deadline Monday 8 June."""
    assert business(at(2026, 6, 5, 10)) == at(2026, 6, 8, 17)


def test_across_midsummer():
    """Thursday 18 June → skip Midsummer Eve (Friday 19 June) → Wednesday 24 June."""
    assert private(at(2026, 6, 18, 10)) == at(2026, 6, 24, 17)
    assert business(at(2026, 6, 18, 10)) == at(2026, 6, 22, 17)


def test_across_christmas():
    """Wednesday 23 Dec → skip 24, 25, 26 Dec and the weekend → Wednesday 30 Dec."""
    assert private(at(2026, 12, 23, 10)) == at(2026, 12, 30, 17)


def test_across_new_year_and_epiphany():
    """30 Dec → skip New Year's Eve, New Year's Day and Epiphany (6 Jan) → Thursday 7 Jan."""
    assert private(at(2026, 12, 30, 10)) == at(2027, 1, 7, 17)


def test_across_spring_dst_change_stays_at_17_local():
    """Across 29 March 2026 the deadline is 17:00 CEST, i.e. 15:00 UTC."""
    deadline = private(at(2026, 3, 27, 10))
    assert deadline == at(2026, 4, 1, 17)
    assert deadline.utcoffset() == timedelta(hours=2)
    assert deadline.astimezone(UTC).hour == 15


def test_across_autumn_dst_change_stays_at_17_local():
    """Across 25 October 2026 the deadline is 17:00 CET, i.e. 16:00 UTC."""
    deadline = private(at(2026, 10, 23, 10))
    assert deadline == at(2026, 10, 28, 17)
    assert deadline.utcoffset() == timedelta(hours=1)
    assert deadline.astimezone(UTC).hour == 16


def test_input_in_utc_is_judged_in_stockholm_time():
    """16:30 UTC in March is 17:30 in Stockholm, i.e. after closing; the result is in Stockholm."""
    deadline = business(datetime(2026, 3, 10, 16, 30, tzinfo=UTC))
    assert deadline == at(2026, 3, 12, 17)
    assert str(deadline.tzinfo) == "Europe/Stockholm"


def test_working_days_override():
    """A case type may allow five working days instead of three."""
    assert private(at(2026, 3, 10, 10), working_days=5) == at(2026, 3, 17, 17)


def test_zero_working_days_means_closing_time_the_same_day():
    """working_days=0: feedback by closing time on the day the contact counts as received."""
    assert private(at(2026, 3, 10, 10), working_days=0) == at(2026, 3, 10, 17)
    assert private(at(2026, 3, 6, 18), working_days=0) == at(2026, 3, 9, 17)


def test_working_hours_across_a_night():
    """An urgent label with 4 working hours: Tuesday 15:00 → Wednesday 10:00."""
    assert private(at(2026, 3, 10, 15), working_hours=4) == at(2026, 3, 11, 10)


def test_working_hours_across_a_weekend():
    """4 working hours from Friday 16:00 → Monday 11:00."""
    assert business(at(2026, 3, 13, 16), working_hours=4) == at(2026, 3, 16, 11)


def test_working_hours_received_while_closed_start_at_opening():
    """2 working hours from Saturday → Monday 10:00."""
    assert private(at(2026, 3, 14, 12), working_hours=2) == at(2026, 3, 16, 10)


def test_configured_closed_day_is_skipped():
    """The municipality closes the Friday after Ascension: Wednesday 13 May → Wednesday 20 May."""
    cal = BusinessCalendar(closed_days=frozenset({date(2026, 5, 15)}))
    assert private(at(2026, 5, 13, 10), calendar=cal) == at(2026, 5, 20, 17)


def test_shortened_day_moves_the_deadline_to_its_closing_time():
    """The day before Epiphany closes at 15:00, so a deadline on it falls at 15:00."""
    cal = BusinessCalendar(special_hours={date(2027, 1, 5): (time(8), time(15))})
    assert business(at(2027, 1, 4, 10), calendar=cal) == at(2027, 1, 5, 15)


def test_received_after_a_shortened_closing_counts_from_the_next_day():
    """15:30 on a day closing at 15:00 is after closing."""
    cal = BusinessCalendar(special_hours={date(2027, 1, 5): (time(8), time(15))})
    assert business(at(2027, 1, 5, 15, 30), calendar=cal) == at(2027, 1, 8, 17)


def test_naive_datetime_is_rejected():
    """Without a zone the receipt time is ambiguous, so it is refused."""
    with pytest.raises(ValueError, match="naive"):
        private(datetime(2026, 3, 10, 10))


@pytest.mark.parametrize("kwargs", [
    {"working_days": 2, "working_hours": 4},
    {"working_days": -1},
    {"working_days": 1.5},
    {"working_hours": 0},
    {"working_hours": -2},
])
def test_bad_overrides_are_rejected(kwargs):
    """Both overrides at once, negative or fractional days and non-positive hours are refused."""
    with pytest.raises(ValueError):
        private(at(2026, 3, 10, 10), **kwargs)
