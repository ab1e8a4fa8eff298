"""Shorthands for Stockholm wall-clock times in the deadline tests."""

from datetime import datetime
from zoneinfo import ZoneInfo

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """An aware Stockholm local time."""
    return datetime(year, month, day, hour, minute, tzinfo=STOCKHOLM)
