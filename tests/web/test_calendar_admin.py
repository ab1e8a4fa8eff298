"""The business calendar page: settings saved, bad input refused with the old calendar kept."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from app.services.deadlines import current_calendar
from models import AuditEntry, CalendarSettings
from tests.conftest import csrf_token


def _form(page: str, **changes) -> dict:
    data = {"csrf_token": csrf_token(page), "closed_days": "", "special_hours": ""}
    for day in ("monday", "tuesday", "wednesday", "thursday", "friday"):
        data[f"{day}-opens"], data[f"{day}-closes"] = "08:00", "17:00"
    for day in ("saturday", "sunday"):
        data[f"{day}-opens"], data[f"{day}-closes"] = "", ""
    data.update(changes)
    return data


def test_admin_saves_closed_and_shortened_days(world, login_as, session, app):
    """A closed training day and a short day before Epiphany are used for deadlines."""
    client = login_as(world.admin)
    page = client.get("/admin/calendar").get_data(as_text=True)
    assert "Måndag" in page or "måndag" in page.lower()
    response = client.post("/admin/calendar", data=_form(
        page, closed_days="2026-12-14", special_hours="2027-01-05 15:00\n2026-12-23 08:00-12:00"))
    assert response.status_code == 303
    session.rollback()
    calendar = current_calendar(session, app.config)
    assert not calendar.is_open_day(date(2026, 12, 14))
    assert calendar.closing_time(date(2027, 1, 5)).hour == 15
    assert session.scalar(select(AuditEntry.action).where(
        AuditEntry.action == "calendar.saved")) == "calendar.saved"


def test_bad_settings_are_refused_per_field_and_the_old_calendar_stays(world, login_as, session):
    """Closing before opening and a malformed date: messages in Swedish, nothing saved."""
    client = login_as(world.admin)
    page = client.get("/admin/calendar").get_data(as_text=True)
    response = client.post("/admin/calendar", data=_form(
        page, **{"monday-opens": "17:00", "monday-closes": "08:00"},
        closed_days="14 december", special_hours="2027-01-05 25:00"))
    text = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "stängningstiden måste vara efter öppningstiden" in text.lower()
    assert "ÅÅÅÅ-MM-DD" in text and "14 december" in text  # told, and what was typed is kept
    assert session.scalar(select(CalendarSettings)) is None


def test_only_administrators_reach_the_calendar(world, login_as):
    """Agents and handlers cannot change the calendar."""
    assert login_as(world.agent).get("/admin/calendar").status_code == 403
