"""When the contact centre is open: the business calendar every deadline is counted in.

Opening hours come per weekday (default Monday–Friday 08:00–17:00); the centre is also closed on
Swedish public holidays and on Midsummer Eve, Christmas Eve and New Year's Eve (see
`sla.public_holidays`), on days the municipality closes (`closed_days`), and keeps other hours on
days it chooses (`special_hours`, e.g. the day before Epiphany closing at 15:00).

Precedence, most specific first: `closed_days`, then `special_hours` (an explicit date beats the
holiday list), then public holidays, then the weekday's hours.

Wall-clock times are built per local date with zoneinfo, and durations are measured in UTC, so a
daylight-saving change never moves a 17:00 closing time nor counts an hour twice.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from types import MappingProxyType
from typing import Any
from zoneinfo import ZoneInfo

from sla.config import (
    DEFAULT_TIMEZONE,
    DEFAULT_WEEKLY_HOURS,
    CalendarConfigError,
    Hours,
    check_calendar_fields,
    parse_calendar_config,
)
from sla.public_holidays import is_statutory_closed_day

_MAX_CLOSED_RUN = 366
"""A year without a single open day means a broken configuration, not a long holiday."""


@dataclass(frozen=True)
class BusinessCalendar:
    """Opening hours of one contact centre; immutable so it can be shared and cached freely."""

    timezone: str = DEFAULT_TIMEZONE
    weekly_hours: tuple[Hours | None, ...] = DEFAULT_WEEKLY_HOURS  # Monday first; None = closed
    closed_days: frozenset[date] = frozenset()
    special_hours: Mapping[date, Hours] = field(default_factory=dict)
    public_holidays: bool = True  # Swedish public holidays and the three eves are closed

    def __post_init__(self) -> None:
        object.__setattr__(self, "weekly_hours", tuple(self.weekly_hours))
        object.__setattr__(self, "closed_days", frozenset(self.closed_days))
        object.__setattr__(self, "special_hours", MappingProxyType(dict(self.special_hours)))
        problems = check_calendar_fields(
            self.timezone, self.weekly_hours, self.closed_days, self.special_hours
        )
        if problems:
            raise CalendarConfigError(problems)

    def __hash__(self) -> int:
        return hash((self.timezone, self.weekly_hours, self.closed_days,
                     frozenset(self.special_hours.items()), self.public_holidays))

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> BusinessCalendar:
        """Build from plain settings (YAML, JSON, database); raises `CalendarConfigError`."""
        return cls(**parse_calendar_config(config))

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    # --- days ---------------------------------------------------------------------------------

    def opening_hours(self, day: date) -> Hours | None:
        """Local opening and closing time on `day`, or None when closed all day."""
        if day in self.closed_days:
            return None
        if day in self.special_hours:
            return self.special_hours[day]
        if self.public_holidays and is_statutory_closed_day(day):
            return None
        return self.weekly_hours[day.weekday()]

    def is_open_day(self, day: date) -> bool:
        """Whether `day` counts as a working day for deadlines."""
        return self.opening_hours(day) is not None

    def open_days_after(self, day: date) -> Iterator[date]:
        """Working days strictly after `day`, in order; the day itself never counts."""
        closed_run = 0
        while True:
            day += timedelta(days=1)
            if self.is_open_day(day):
                closed_run = 0
                yield day
            else:
                closed_run += 1
                if closed_run > _MAX_CLOSED_RUN:
                    raise ValueError(f"no open day within a year after {day - timedelta(366)}")

    def add_working_days(self, day: date, days: int) -> date:
        """The `days`-th working day after `day` (`day` itself never counts; 0 returns `day`)."""
        if isinstance(days, bool) or not isinstance(days, int) or days < 0:
            raise ValueError(f"working days must be a whole number ≥ 0, got {days!r}")
        following = self.open_days_after(day)
        for _ in range(days):
            day = next(following)
        return day

    def opening_time(self, day: date) -> datetime:
        """When the centre opens on working day `day`, as an aware local datetime."""
        return datetime.combine(day, self._hours(day)[0], tzinfo=self.zone)

    def closing_time(self, day: date) -> datetime:
        """When the centre closes on working day `day`: the moment a day-based deadline falls."""
        return datetime.combine(day, self._hours(day)[1], tzinfo=self.zone)

    # --- instants -----------------------------------------------------------------------------

    def local(self, moment: datetime) -> datetime:
        """`moment` in the calendar's zone; naive datetimes are refused: their zone is a guess."""
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValueError(f"expected a timezone-aware datetime, got naive {moment!r}")
        return moment.astimezone(self.zone)

    def is_open(self, moment: datetime) -> bool:
        """Whether the centre is open at `moment` (opening time included, closing time not)."""
        local = self.local(moment)
        period = self._period(local.date())
        return period is not None and period[0] <= _utc(local) < period[1]

    def next_opening(self, moment: datetime) -> datetime:
        """The first open instant at or after `moment`: itself when open, else the next opening.

        This is when a contact "counts as received": one arriving at night, at a weekend or on a
        holiday is treated as arriving when the centre next opens.
        """
        local = self.local(moment)
        period = self._period(local.date())
        if period is not None and _utc(local) < period[1]:
            return max(_utc(local), period[0]).astimezone(self.zone)
        return self.opening_time(next(self.open_days_after(local.date())))

    def add_working_hours(self, moment: datetime, hours: float | timedelta) -> datetime:
        """The instant when `hours` of open time have passed since `moment` (urgent deadlines).

        Nights, weekends and holidays do not count; landing exactly on a closing time returns the
        closing time rather than the next morning.
        """
        remaining = hours if isinstance(hours, timedelta) else timedelta(hours=hours)
        if remaining < timedelta(0):
            raise ValueError(f"working hours must not be negative, got {hours!r}")
        cursor = _utc(self.next_opening(moment))
        day = cursor.astimezone(self.zone).date()
        while True:
            _, closes = self._utc_period(day)
            if remaining <= closes - cursor:
                return (cursor + remaining).astimezone(self.zone)
            remaining -= closes - cursor
            day = next(self.open_days_after(day))
            cursor = self._utc_period(day)[0]

    def subtract_working_hours(self, moment: datetime, hours: float | timedelta) -> datetime:
        """The instant `hours` of open time before `moment` (when a deadline becomes "due soon").

        Stored on the case once, so the minute sweep compares instants instead of walking the
        calendar for every open case.
        """
        remaining = hours if isinstance(hours, timedelta) else timedelta(hours=hours)
        if remaining < timedelta(0):
            raise ValueError(f"working hours must not be negative, got {hours!r}")
        cursor = _utc(self.local(moment))
        day = cursor.astimezone(self.zone).date()
        for _ in range(_MAX_CLOSED_RUN * 8):
            if self.is_open_day(day):
                opens, closes = self._utc_period(day)
                cursor = min(cursor, closes)
                if cursor > opens:
                    if remaining <= cursor - opens:
                        return (cursor - remaining).astimezone(self.zone)
                    remaining -= cursor - opens
            day -= timedelta(days=1)
            cursor = _utc(datetime.combine(day + timedelta(days=1), datetime.min.time(),
                                           self.zone))
        raise ValueError(f"no open time within years before {moment}")

    def working_time_between(self, start: datetime, end: datetime) -> timedelta:
        """Open time between two instants; negative when `end` is before `start`.

        Used for "due soon" (the last working hours before a deadline) and to leave paused
        intervals out of a resolution time.
        """
        a, b = _utc(self.local(start)), _utc(self.local(end))
        if b < a:
            return -self.working_time_between(end, start)
        total = timedelta(0)
        day, last = a.astimezone(self.zone).date(), b.astimezone(self.zone).date()
        while day <= last:
            period = self._period(day)
            if period is not None:
                total += max(timedelta(0), min(b, period[1]) - max(a, period[0]))
            day += timedelta(days=1)
        return total

    # --- helpers ------------------------------------------------------------------------------

    def _hours(self, day: date) -> Hours:
        hours = self.opening_hours(day)
        if hours is None:
            raise ValueError(f"{day} is not a working day")
        return hours

    def _period(self, day: date) -> tuple[datetime, datetime] | None:
        """Opening and closing of `day` in UTC, or None when closed."""
        return self._utc_period(day) if self.is_open_day(day) else None

    def _utc_period(self, day: date) -> tuple[datetime, datetime]:
        return _utc(self.opening_time(day)), _utc(self.closing_time(day))


def _utc(moment: datetime) -> datetime:
    # Python subtracts two datetimes sharing a tzinfo by wall clock; UTC makes durations real.
    return moment.astimezone(UTC)


DEFAULT_CALENDAR = BusinessCalendar()
"""Europe/Stockholm, Monday–Friday 08:00–17:00, Swedish holidays closed."""
