"""Reading and checking calendar settings from plain data (a YAML/JSON file or database rows).

Every problem is collected as `(key, reason)` and raised once in a `CalendarConfigError`, so an
administrator fixes the whole file in one go instead of one error per restart.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime, time
from typing import TypedDict
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

Hours = tuple[time, time]
"""Opening and closing time on one day, local wall-clock times, opening strictly before closing."""

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_SWEDISH = ("måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag")
_WEEKDAY_INDEX = {
    **{name: i for i, name in enumerate(WEEKDAYS)},
    **{name[:3]: i for i, name in enumerate(WEEKDAYS)},
    **{name: i for i, name in enumerate(_SWEDISH)},
}
_KEYS = ("timezone", "opening_hours", "closed_days", "special_hours", "public_holidays")
_TIME = re.compile(r"(\d{1,2}):(\d{2})")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_CLOSED_WORDS = ("closed", "stängt")

DEFAULT_TIMEZONE = "Europe/Stockholm"
_OFFICE: Hours = (time(8), time(17))
DEFAULT_WEEKLY_HOURS: tuple[Hours | None, ...] = (_OFFICE,) * 5 + (None, None)
"""Monday–Friday 08:00–17:00 (as in Jönköping), weekends closed."""


class CalendarConfigError(ValueError):
    """Calendar settings that cannot be used; `problems` lists every `(key, reason)` found."""

    def __init__(self, problems: list[tuple[str, str]]):
        self.problems = tuple(problems)
        super().__init__("; ".join(f"{key}: {reason}" for key, reason in self.problems))


class CalendarFields(TypedDict):
    """Keyword arguments for `BusinessCalendar`, as parsed from configuration."""

    timezone: str
    weekly_hours: tuple[Hours | None, ...]
    closed_days: frozenset[date]
    special_hours: dict[date, Hours]
    public_holidays: bool


def parse_time(key: str, value: object, problems: list[tuple[str, str]]) -> time | None:
    """Accept `time` objects and "HH:MM" strings; YAML turns unquoted 17:00 into 1020, say so."""
    if isinstance(value, time) and value.tzinfo is None:
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        hint = f"{value // 60}:{value % 60:02d}" if 0 <= value < 24 * 60 else "17:00"
        problems.append((key, f"expected a time as 'HH:MM' but got the number {value} "
                              f"(quote times in YAML: it reads an unquoted {hint} as minutes)"))
        return None
    match = _TIME.fullmatch(value.strip()) if isinstance(value, str) else None
    if match is None or int(match[1]) > 23 or int(match[2]) > 59:
        problems.append((key, f"expected a time as 'HH:MM' (00:00–23:59), got {value!r}"))
        return None
    return time(int(match[1]), int(match[2]))


def parse_hours(key: str, value: object, problems: list[tuple[str, str]]) -> Hours | None:
    """Accept "08:00-17:00" or a pair; None or "closed" means closed (returns None)."""
    if value is None or (isinstance(value, str) and value.strip().lower() in _CLOSED_WORDS):
        return None
    if isinstance(value, str):
        parts: object = re.split(r"\s*[-–]\s*", value.strip())
    else:
        parts = value
    if not isinstance(parts, list | tuple) or len(parts) != 2:
        problems.append((key, f"expected 'HH:MM-HH:MM', two times or 'closed', got {value!r}"))
        return None
    before = len(problems)
    opens, closes = (parse_time(key, part, problems) for part in parts)
    if len(problems) > before or opens is None or closes is None:
        return None
    if opens >= closes:
        problems.append((key, f"opening time {opens:%H:%M} must be before closing {closes:%H:%M}"))
        return None
    return opens, closes


def parse_date(key: str, value: object, problems: list[tuple[str, str]]) -> date | None:
    """Accept `date` objects (YAML makes them) and "YYYY-MM-DD" strings (JSON, forms)."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and _DATE.fullmatch(value.strip()):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    problems.append((key, f"expected a date as 'YYYY-MM-DD', got {value!r}"))
    return None


def _parse_week(value: object, problems: list[tuple[str, str]]) -> tuple[Hours | None, ...]:
    """Weekdays not mentioned keep the default (Monday–Friday 08:00–17:00, weekend closed)."""
    week: list[Hours | None] = list(DEFAULT_WEEKLY_HOURS)
    if not isinstance(value, Mapping):
        problems.append(("opening_hours", f"expected a mapping of weekday to hours, got {value!r}"))
        return tuple(week)
    seen: dict[int, str] = {}
    for name, hours in value.items():
        key = f"opening_hours.{name}"
        index = _WEEKDAY_INDEX.get(str(name).strip().lower())
        if index is None:
            problems.append((key, f"unknown weekday {name!r}; use one of {', '.join(WEEKDAYS)}"))
            continue
        if index in seen:
            problems.append((key, f"{WEEKDAYS[index]} is already given as {seen[index]!r}"))
            continue
        seen[index] = str(name)
        week[index] = parse_hours(key, hours, problems)
    return tuple(week)


def _parse_closed_days(value: object, problems: list[tuple[str, str]]) -> frozenset[date]:
    if not isinstance(value, list | tuple | set | frozenset):
        problems.append(("closed_days", f"expected a list of dates, got {value!r}"))
        return frozenset()
    days = (parse_date(f"closed_days[{i}]", item, problems) for i, item in enumerate(value))
    return frozenset(day for day in days if day is not None)


def _parse_special_hours(
    value: object, week: tuple[Hours | None, ...], problems: list[tuple[str, str]]
) -> dict[date, Hours]:
    """A bare closing time ("15:00") keeps that weekday's usual opening time."""
    if not isinstance(value, Mapping):
        problems.append(("special_hours", f"expected a mapping of date to hours, got {value!r}"))
        return {}
    special: dict[date, Hours] = {}
    for raw_day, raw_hours in value.items():
        key = f"special_hours.{raw_day}"
        day = parse_date(key, raw_day, problems)
        if day is None:
            continue
        if raw_hours is None or str(raw_hours).strip().lower() in _CLOSED_WORDS:
            problems.append((key, "to close a whole day, list it under closed_days"))
            continue
        if isinstance(raw_hours, time | int) or (
            isinstance(raw_hours, str) and not re.search("[-–]", raw_hours)
        ):
            hours = _shortened(key, raw_hours, week[day.weekday()], day, problems)
        else:
            hours = parse_hours(key, raw_hours, problems)
        if hours is not None:
            special[day] = hours
    return special


def _shortened(
    key: str, value: object, usual: Hours | None, day: date, problems: list[tuple[str, str]]
) -> Hours | None:
    closes = parse_time(key, value, problems)
    if closes is None:
        return None
    if usual is None:
        problems.append((key, f"only a closing time was given but {WEEKDAYS[day.weekday()]} "
                              "has no usual opening time; give 'HH:MM-HH:MM'"))
        return None
    if usual[0] >= closes:
        problems.append((key, f"closing time {closes:%H:%M} is not after the usual "
                              f"opening time {usual[0]:%H:%M}"))
        return None
    return usual[0], closes


def parse_calendar_config(config: object) -> CalendarFields:
    """Turn plain settings into `BusinessCalendar` arguments, or raise `CalendarConfigError`.

    Keys (all optional): timezone, opening_hours {weekday: "HH:MM-HH:MM" | null},
    closed_days [date], special_hours {date: "HH:MM" (closing time) | "HH:MM-HH:MM"},
    public_holidays (bool, default true).
    """
    problems: list[tuple[str, str]] = []
    if not isinstance(config, Mapping):
        raise CalendarConfigError([("calendar", f"expected a mapping, got {config!r}")])
    for key in config:
        if key not in _KEYS:
            problems.append((str(key), f"unknown setting; expected one of {', '.join(_KEYS)}"))
    timezone = config.get("timezone", DEFAULT_TIMEZONE)
    if not isinstance(timezone, str) or not _is_zone(timezone):
        problems.append(("timezone", f"unknown time zone {timezone!r}"))
    week = _parse_week(config.get("opening_hours", {}), problems)
    closed = _parse_closed_days(config.get("closed_days", []), problems)
    special = _parse_special_hours(config.get("special_hours", {}), week, problems)
    public_holidays = config.get("public_holidays", True)
    if not isinstance(public_holidays, bool):
        problems.append(("public_holidays", f"expected true or false, got {public_holidays!r}"))
    if problems:
        raise CalendarConfigError(problems)
    return CalendarFields(timezone=str(timezone), weekly_hours=week, closed_days=closed,
                          special_hours=special, public_holidays=bool(public_holidays))


def _is_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True



def check_calendar_fields(
    timezone: str,
    weekly_hours: tuple[Hours | None, ...],
    closed_days: frozenset[date],
    special_hours: Mapping[date, Hours],
) -> list[tuple[str, str]]:
    """Problems in typed calendar fields, so a hand-built calendar is as safe as a parsed one."""
    problems: list[tuple[str, str]] = []
    if not _is_zone(timezone):
        problems.append(("timezone", f"unknown time zone {timezone!r}"))
    if len(weekly_hours) != 7:
        problems.append(("opening_hours", f"expected 7 weekdays, got {len(weekly_hours)}"))
    elif all(hours is None for hours in weekly_hours):
        problems.append(("opening_hours", "at least one weekday must have opening hours"))
    for name, hours in zip(WEEKDAYS, weekly_hours, strict=False):
        if hours is not None:
            _check_hours(f"opening_hours.{name}", hours, problems)
    for day in closed_days:
        if not isinstance(day, date) or isinstance(day, datetime):
            problems.append(("closed_days", f"expected dates, got {day!r}"))
    for day, hours in special_hours.items():
        key = f"special_hours.{day}"
        if not isinstance(day, date) or isinstance(day, datetime):
            problems.append((key, f"expected a date, got {day!r}"))
        if day in closed_days:
            problems.append((key, "the day is also listed under closed_days; keep one"))
        _check_hours(key, hours, problems)
    return problems


def _check_hours(key: str, hours: object, problems: list[tuple[str, str]]) -> None:
    if (
        not isinstance(hours, tuple)
        or len(hours) != 2
        or not all(isinstance(t, time) and t.tzinfo is None for t in hours)
    ):
        problems.append((key, f"expected a pair of local times (opening, closing), got {hours!r}"))
    elif hours[0] >= hours[1]:
        problems.append((key, f"opening time {hours[0]:%H:%M} must be before closing "
                              f"{hours[1]:%H:%M}"))
