"""Forwarded cases get their feedback deadline at intake; urgent ones alert the group at once."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from app.services.intake import log_contact
from models import Notification
from rosa.intake import ContactDraft, CustomerDraft

STOCKHOLM = ZoneInfo("Europe/Stockholm")
FRIDAY_EVENING = datetime(2026, 11, 27, 18, 0, tzinfo=STOCKHOLM).astimezone(UTC)


def _log(session, world, key, *, kind="private", now=FRIDAY_EVENING):
    customer = CustomerDraft(kind=kind, name="Eva Ek", phone="0701234567",
                             organisationsnummer="5560360793" if kind == "business" else "")
    draft = ContactDraft(channel="phone", citizen_words="Hjälp", customer=customer,
                         answer_given="Öppet 7–19 alla dagar")
    case = log_contact(session, world.agent, draft, world.labels[key].id, now=now).case
    session.commit()
    return case


def test_private_person_gets_three_working_days_from_the_next_opening(session, world):
    """Friday 18:00 counts as Monday 08:00: the deadline is Thursday 17:00."""
    case = _log(session, world, "evaluative")
    assert case.feedback_due_at.astimezone(STOCKHOLM) == datetime(2026, 12, 3, 17,
                                                                  tzinfo=STOCKHOLM)
    assert case.feedback_due_soon_at.astimezone(STOCKHOLM) == datetime(2026, 12, 3, 13,
                                                                       tzinfo=STOCKHOLM)


def test_business_gets_one_working_day(session, world):
    """A business contact on Friday evening: feedback by Tuesday 17:00."""
    case = _log(session, world, "evaluative", kind="business")
    assert case.feedback_due_at.astimezone(STOCKHOLM) == datetime(2026, 12, 1, 17,
                                                                  tzinfo=STOCKHOLM)


def test_a_label_may_set_a_deadline_in_working_hours(session, world):
    """An oil leak with a four-working-hour deadline: Monday 12:00 after a Friday evening."""
    world.labels["investigation"].feedback_working_hours = 4
    session.commit()
    case = _log(session, world, "investigation")
    assert case.feedback_due_at.astimezone(STOCKHOLM) == datetime(2026, 11, 30, 12,
                                                                  tzinfo=STOCKHOLM)


def test_first_contact_resolutions_have_no_deadline(session, world):
    """Answered at once: nothing to follow up."""
    case = _log(session, world, "info")
    assert case.feedback_due_at is None and case.feedback_due_soon_at is None


def test_an_urgent_forwarded_contact_notifies_every_member_of_the_group(session, world):
    """The streets group hears of an oil leak the moment it is logged."""
    case = _log(session, world, "investigation")
    told = session.scalars(select(Notification.user_id).where(
        Notification.case_id == case.id, Notification.kind == "urgent_case")).all()
    assert told == [world.handler.id]
