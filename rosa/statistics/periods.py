"""Stockholm days, weeks and months: period bounds, granularity, buckets and week windows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

STOCKHOLM = ZoneInfo("Europe/Stockholm")
DEFAULT_DAYS = 90
MAX_DAYS = 366 * 10


def local_day(instant: datetime) -> date:
    """The Stockholm calendar day of an aware instant."""
    return instant.astimezone(STOCKHOLM).date()


def day_start(day: date) -> datetime:
    """Midnight in Stockholm at the start of `day`, as a UTC instant (23 or 25 h days too)."""
    return datetime.combine(day, time(0), tzinfo=STOCKHOLM).astimezone(UTC)


def range_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """[start 00:00, the day after end 00:00) in Stockholm, as UTC instants."""
    return day_start(start), day_start(end + timedelta(days=1))


def month_start(day: date) -> date:
    return day.replace(day=1)


def next_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def split_by_month(start: date, end: date) -> tuple[list[date], list[tuple[date, date]]]:
    """Whole months inside [start, end] (by first day), and the day ranges left at the edges.

    Whole months are read from the monthly roll-up, the edges from the daily table.
    """
    months: list[date] = []
    edges: list[tuple[date, date]] = []
    cursor = start
    while cursor <= end:
        following = next_month(cursor)
        last = min(end, following - timedelta(days=1))
        if cursor.day == 1 and last == following - timedelta(days=1):
            months.append(cursor)
        else:
            edges.append((cursor, last))
        cursor = following
    return months, edges


class Granularity(StrEnum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"


def granularity_for(start: date, end: date) -> Granularity:
    """Days up to a month, weeks up to half a year, months beyond."""
    days = (end - start).days + 1
    if days <= 31:
        return Granularity.DAY
    if days <= 183:
        return Granularity.WEEK
    return Granularity.MONTH


@dataclass(frozen=True)
class Bucket:
    """One point of a time series: the days [start, end] (clipped to the selected range)."""

    start: date
    end: date
    granularity: Granularity

    def label(self, week_format: str = "%(year)s-W%(week)02d") -> str:
        """2026-11-23, 2026-11, or the week in `week_format` (e.g. a translated "v. 47")."""
        if self.granularity is Granularity.DAY:
            return self.start.isoformat()
        if self.granularity is Granularity.WEEK:
            year, week, _ = self.start.isocalendar()
            return week_format % {"year": year, "week": week}
        return self.start.strftime("%Y-%m")


def bucket_start(day: date, granularity: Granularity) -> date:
    if granularity is Granularity.WEEK:
        return day - timedelta(days=day.weekday())
    if granularity is Granularity.MONTH:
        return month_start(day)
    return day


def buckets(start: date, end: date, granularity: Granularity) -> list[Bucket]:
    """The consecutive buckets covering [start, end]; the first and last may be partial."""
    out = []
    cursor = start
    while cursor <= end:
        if granularity is Granularity.DAY:
            following = cursor + timedelta(days=1)
        elif granularity is Granularity.WEEK:
            following = bucket_start(cursor, granularity) + timedelta(days=7)
        else:
            following = next_month(cursor)
        out.append(Bucket(cursor, min(end, following - timedelta(days=1)), granularity))
        cursor = following
    return out


def week_windows(end: date) -> tuple[tuple[date, date], tuple[date, date]]:
    """(this week, last week): the seven days ending on `end`, and the seven before."""
    this = (end - timedelta(days=6), end)
    last = (end - timedelta(days=13), end - timedelta(days=7))
    return this, last
