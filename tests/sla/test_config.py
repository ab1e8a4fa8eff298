"""Building a calendar from plain settings, and the errors an administrator sees."""

from datetime import date, time

import pytest
import yaml

from sla import BusinessCalendar, CalendarConfigError


def test_full_config_builds_the_calendar():
    """Every setting is read: zone, weekday hours, closed days, shortened days, holidays."""
    cal = BusinessCalendar.from_config({
        "timezone": "Europe/Stockholm",
        "opening_hours": {"friday": "08:00-15:00", "Lördag": "10:00 – 13:00"},
        "closed_days": ["2026-05-15"],
        "special_hours": {"2027-01-05": "15:00", "2026-04-30": ["09:00", "12:00"]},
        "public_holidays": True,
    })
    assert cal.opening_hours(date(2026, 3, 13)) == (time(8), time(15))
    assert cal.opening_hours(date(2026, 3, 14)) == (time(10), time(13))
    assert cal.opening_hours(date(2026, 3, 9)) == (time(8), time(17))  # Monday kept the default
    assert cal.opening_hours(date(2026, 3, 15)) is None  # Sunday kept the default
    assert not cal.is_open_day(date(2026, 5, 15))
    assert cal.opening_hours(date(2027, 1, 5)) == (time(8), time(15))
    assert cal.opening_hours(date(2026, 4, 30)) == (time(9), time(12))


def test_empty_config_is_the_default_calendar():
    """No settings means Stockholm, weekdays 08–17, Swedish holidays."""
    assert BusinessCalendar.from_config({}) == BusinessCalendar()


def test_weekday_can_be_closed():
    """null or "closed" closes a weekday that is open by default."""
    cal = BusinessCalendar.from_config({"opening_hours": {"mon": None, "tuesday": "closed"}})
    assert cal.opening_hours(date(2026, 3, 9)) is None
    assert cal.opening_hours(date(2026, 3, 10)) is None


def test_yaml_file_with_dates_and_quoted_times():
    """A YAML file works as is: YAML's own date objects are accepted."""
    text = """
opening_hours:
  friday: "08:00-16:00"
closed_days:
  - 2026-05-15
special_hours:
  2027-01-05: "15:00"
"""
    cal = BusinessCalendar.from_config(yaml.safe_load(text))
    assert not cal.is_open_day(date(2026, 5, 15))
    assert cal.closing_time(date(2027, 1, 5)).hour == 15


def _problems(config: object) -> dict[str, str]:
    with pytest.raises(CalendarConfigError) as caught:
        BusinessCalendar.from_config(config)  # type: ignore[arg-type]
    assert isinstance(caught.value, ValueError)
    return dict(caught.value.problems)


def test_hour_25_is_refused_naming_the_weekday():
    """"25:00" is not a time; the error names the key."""
    problems = _problems({"opening_hours": {"monday": "08:00-25:00"}})
    assert "25:00" in problems["opening_hours.monday"]


def test_unknown_weekday_is_refused():
    """A misspelt weekday is an error, not silently ignored."""
    problems = _problems({"opening_hours": {"funday": "08:00-17:00"}})
    assert "unknown weekday" in problems["opening_hours.funday"]


def test_closing_before_opening_is_refused():
    """17:00-08:00 would be a night shift; the calendar does not support it."""
    problems = _problems({"opening_hours": {"monday": "17:00-08:00"}})
    assert "before closing" in problems["opening_hours.monday"]


def test_unquoted_yaml_time_gets_a_hint():
    """YAML reads an unquoted 17:00 as the number 1020; the message says to quote it."""
    problems = _problems(yaml.safe_load("special_hours:\n  2027-01-05: 15:00\n"))
    assert "quote times in YAML" in problems["special_hours.2027-01-05"]


def test_bad_dates_and_unknown_keys_are_refused_together():
    """All problems are reported at once, each under its own key."""
    problems = _problems({
        "closed_days": ["2026-02-30", "tomorrow"],
        "timezone": "Europe/Stockholmm",
        "opening_hour": {},
        "public_holidays": "yes",
    })
    assert set(problems) == {"closed_days[0]", "closed_days[1]", "timezone", "opening_hour",
                             "public_holidays"}


def test_closing_time_only_on_a_closed_weekday_is_refused():
    """A bare closing time needs the weekday's usual opening time; Saturday has none."""
    problems = _problems({"special_hours": {"2026-03-07": "13:00"}})
    assert "HH:MM-HH:MM" in problems["special_hours.2026-03-07"]


def test_closing_a_day_via_special_hours_points_to_closed_days():
    """There is one way to close a day: closed_days."""
    problems = _problems({"special_hours": {"2026-03-09": "closed"}})
    assert "closed_days" in problems["special_hours.2026-03-09"]


def test_a_week_without_opening_hours_is_refused():
    """A calendar that is never open would make every deadline infinite."""
    week = {day: None for day in ("mon", "tue", "wed", "thu", "fri")}
    assert "at least one weekday" in _problems({"opening_hours": week})["opening_hours"]


def test_not_a_mapping_is_refused():
    """A list where a mapping belongs is reported, not crashed on."""
    assert "calendar" in _problems(["monday"])
