"""Feedback deadlines in the app: which calendar is in force, and a case's due times.

The rule itself is `sla.feedback_deadline`. Here: the calendar comes from the municipality's
config file (SLA_CALENDAR_FILE) unless an administrator saved settings on the calendar page,
which then win; it is cached per process and re-read when the saved settings change.
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from models import CalendarSettings, CaseType, Label, User
from rosa.errors import RuleViolations, violation
from rosa.i18n import N_
from sla import BusinessCalendar, CalendarConfigError, due_soon_at, feedback_deadline

_lock = threading.Lock()
_cache: dict[str, Any] = {"key": None, "calendar": None, "checked": 0.0}
RECHECK_SECONDS = 5.0  # other processes see a saved calendar within this time
_file_cache: dict[str, Any] = {}


def file_config(path: str) -> dict[str, Any]:
    """The settings in the config file (empty when none is configured); read once per path."""
    if not path:
        return {}
    if path not in _file_cache:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        if not isinstance(data, dict):
            raise CalendarConfigError([("file", f"{path} must hold key: value settings")])
        BusinessCalendar.from_config(data)  # fail at start-up, not at the first deadline
        _file_cache[path] = data
    return _file_cache[path]


def saved_settings(session: Session) -> CalendarSettings | None:
    return session.scalar(select(CalendarSettings).order_by(CalendarSettings.id).limit(1))


def current_calendar(session: Session, app_config) -> BusinessCalendar:
    """The calendar in force; the saved settings are re-checked at most every few seconds."""
    with _lock:
        if (_cache["calendar"] is not None
                and time.monotonic() - _cache["checked"] < RECHECK_SECONDS
                and _cache["key"][0] == app_config.get("SLA_CALENDAR_FILE", "")):
            return _cache["calendar"]
    saved = session.execute(select(CalendarSettings.id, CalendarSettings.updated_at)
                            .order_by(CalendarSettings.id).limit(1)).first()
    path = app_config.get("SLA_CALENDAR_FILE", "")
    key = (path, tuple(saved) if saved else None)
    with _lock:
        if _cache["key"] == key:
            _cache["checked"] = time.monotonic()
            return _cache["calendar"]
    if saved is not None:
        config = session.get(CalendarSettings, saved.id).config
    else:
        config = file_config(path)
    calendar = BusinessCalendar.from_config(config)
    with _lock:
        _cache.update(key=key, calendar=calendar, checked=time.monotonic())
    return calendar


def forget_calendar() -> None:
    """Drop the cached calendar (after saving settings, and between tests)."""
    with _lock:
        _cache.update(key=None, calendar=None, checked=0.0)


def effective_settings(session: Session, app_config) -> dict[str, Any]:
    saved = saved_settings(session)
    return dict(saved.config) if saved is not None else dict(
        file_config(app_config.get("SLA_CALENDAR_FILE", "")))


def save_settings(session: Session, user: User, config: dict[str, Any], *,
                  now: datetime) -> CalendarSettings:
    """Validate and store; invalid settings raise and the calendar in force stays as it was."""
    try:
        BusinessCalendar.from_config(config)
    except CalendarConfigError as error:
        raise RuleViolations([violation(key or "calendar", N_("%(problem)s"), problem=reason)
                              for key, reason in error.problems]) from None
    saved = saved_settings(session)
    if saved is None:
        saved = CalendarSettings(config=config, updated_at=now, updated_by_id=user.id)
        session.add(saved)
    else:
        saved.config, saved.updated_at, saved.updated_by_id = config, now, user.id
    forget_calendar()
    return saved


def overrides(label: Label | Any, case_type: CaseType | Any | None) -> dict[str, int]:
    """The label's own deadline override, else its case type's, else none (the default)."""
    for owner in (label, case_type):
        if owner is None:
            continue
        if getattr(owner, "feedback_working_hours", None):
            return {"working_hours": owner.feedback_working_hours}
        if getattr(owner, "feedback_working_days", None) is not None:
            return {"working_days": owner.feedback_working_days}
    return {}


def feedback_due(session: Session, received_at: datetime, *, business: bool,
                 label: Label) -> tuple[datetime, datetime]:
    """Deadline and due-soon moment for a case forwarded now, with the calendar in force."""
    from flask import current_app

    config = current_app.config
    return due_times(received_at, business=business,
                     calendar=current_calendar(session, config),
                     due_soon_hours=float(config.get("SLA_DUE_SOON_HOURS", 4)),
                     label_overrides=overrides(label, label.case_type))


def due_times(received_at: datetime, *, business: bool, calendar: BusinessCalendar,
              due_soon_hours: float, label_overrides: dict[str, int]) -> tuple[datetime, datetime]:
    """The feedback deadline and the moment it becomes due soon, in UTC for storage."""
    due = feedback_deadline(received_at, business=business, calendar=calendar,
                            **label_overrides)
    soon = due_soon_at(due, due_soon_hours=due_soon_hours, calendar=calendar)
    return due.astimezone(UTC), max(soon, calendar.local(received_at)).astimezone(UTC)
