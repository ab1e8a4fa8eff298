"""The feedback deadline ("återkopplingstid") and how close a case is to it.

The citizen gets feedback on a forwarded case as soon as possible and at the latest within three
working days — one working day for businesses ("näringsliv"). The rule, counted in the
contact centre's business calendar (`sla.calendar`):

* A contact received on a working day before closing time does not count that day; the deadline
  is closing time on the Nth following working day.
* N is 3 for private persons and 1 for businesses, unless the case type or label overrides it
  (`working_days`).
* Urgent labels may instead give a deadline in working *hours* (`working_hours`): the deadline is
  the moment received (or the next opening, if closed) plus that many open hours.
* A contact received after closing time or on a closed day counts as received at the next
  opening. So Friday 18:00 counts as Monday 08:00; Monday does not count; a private person's
  deadline is Thursday 17:00.

All datetimes are timezone-aware (naive ones raise ValueError); results are in the calendar's
zone (Europe/Stockholm), and a daylight-saving change never moves a 17:00 deadline.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from enum import StrEnum

from sla.calendar import DEFAULT_CALENDAR, BusinessCalendar

PRIVATE_WORKING_DAYS = 3
BUSINESS_WORKING_DAYS = 1
DUE_SOON_WORKING_HOURS = 4


def feedback_deadline(
    received_at: datetime,
    *,
    business: bool,
    calendar: BusinessCalendar | None = None,
    working_days: int | None = None,
    working_hours: float | None = None,
) -> datetime:
    """When the citizen must have had feedback, following the rule in the module docstring.

    `working_days` (0 means closing time on the day the contact counts as received) or
    `working_hours` override the default for private persons and businesses; give at most one.
    """
    cal = calendar or DEFAULT_CALENDAR
    if working_days is not None and working_hours is not None:
        raise ValueError("give working_days or working_hours, not both")
    counted_from = cal.next_opening(received_at)
    if working_hours is not None:
        if isinstance(working_hours, bool) or working_hours <= 0:
            raise ValueError(f"working hours must be positive, got {working_hours!r}")
        return cal.add_working_hours(counted_from, working_hours)
    if working_days is None:
        working_days = BUSINESS_WORKING_DAYS if business else PRIVATE_WORKING_DAYS
    return cal.closing_time(cal.add_working_days(counted_from.date(), working_days))


class DeadlineState(StrEnum):
    """Where a case stands against its deadline; the values are stable for storage and CSS."""

    ON_TRACK = "on_track"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    MET = "met"
    MET_LATE = "met_late"


def deadline_state(
    deadline: datetime,
    now: datetime,
    *,
    met_at: datetime | None = None,
    due_soon_hours: float = DUE_SOON_WORKING_HOURS,
    calendar: BusinessCalendar | None = None,
) -> DeadlineState:
    """Classify a deadline at `now`, counting "due soon" in working hours.

    Working hours, because a Thursday 17:00 deadline is not urgent on Wednesday evening: a whole
    working day is still left. Once `met_at` is known, `now` no longer matters. The deadline
    moment itself is still due soon; one minute later it is overdue.
    """
    cal = calendar or DEFAULT_CALENDAR
    deadline, now = cal.local(deadline), cal.local(now)
    if met_at is not None:
        return DeadlineState.MET if cal.local(met_at) <= deadline else DeadlineState.MET_LATE
    if now > deadline:
        return DeadlineState.OVERDUE
    if cal.working_time_between(now, deadline) <= timedelta(hours=due_soon_hours):
        return DeadlineState.DUE_SOON
    return DeadlineState.ON_TRACK


def due_soon_at(deadline: datetime, *, due_soon_hours: float = DUE_SOON_WORKING_HOURS,
                calendar: BusinessCalendar | None = None) -> datetime:
    """The moment a deadline becomes due soon: `due_soon_hours` working hours before it."""
    cal = calendar or DEFAULT_CALENDAR
    return cal.subtract_working_hours(deadline, due_soon_hours)


def state_at(now: datetime, *, due_at: datetime | None, due_soon: datetime | None,
             met_at: datetime | None) -> DeadlineState | None:
    """The state from a case's stored marks, without the calendar (for lists of many cases).

    None when the case has no feedback deadline (it was resolved at first contact).
    """
    if due_at is None:
        return None
    if met_at is not None:
        return DeadlineState.MET if met_at <= due_at else DeadlineState.MET_LATE
    if now > due_at:
        return DeadlineState.OVERDUE
    if due_soon is not None and now >= due_soon:
        return DeadlineState.DUE_SOON
    return DeadlineState.ON_TRACK


def elapsed_working_time(
    start: datetime,
    end: datetime,
    pauses: Sequence[tuple[datetime, datetime | None]] = (),
    calendar: BusinessCalendar | None = None,
) -> timedelta:
    """Open time from `start` to `end` minus paused intervals, for resolution targets.

    A case waiting for the citizen (paused) should not eat into the department's time. A pause
    without an end is still running and lasts until `end`; overlapping pauses count once.
    """
    cal = calendar or DEFAULT_CALENDAR
    start, end = cal.local(start), cal.local(end)
    if end < start:
        raise ValueError(f"end {end} is before start {start}")
    clipped = []
    for pause_start, pause_end in pauses:
        if pause_end is not None and cal.local(pause_end) < cal.local(pause_start):
            raise ValueError(f"pause ends ({pause_end}) before it starts ({pause_start})")
        lo = max(cal.local(pause_start), start)
        hi = end if pause_end is None else min(cal.local(pause_end), end)
        if lo < hi:
            clipped.append((lo, hi))
    paused = timedelta(0)
    merged_end: datetime | None = None
    for lo, hi in sorted(clipped):
        if merged_end is not None and lo < merged_end:
            lo = merged_end
        if lo < hi:
            paused += cal.working_time_between(lo, hi)
            merged_end = hi
    return cal.working_time_between(start, end) - paused
