"""Action labels: answered at first contact and also sent to the department's group to act."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from app.services.history import case_history
from app.services.intake import log_contact
from app.services.taxonomy_io import export_taxonomy, import_taxonomy
from models import Case, CaseEvent, Label, Notification
from rosa.errors import RuleViolations
from rosa.intake import ContactDraft, CustomerDraft
from rosa.timeline import HistoryEvent, citizen_timeline
from rosa.vocabulary import CaseStatus, EventKind, Resolution

STOCKHOLM = ZoneInfo("Europe/Stockholm")
MONDAY_MORNING = datetime(2026, 11, 23, 9, 0, tzinfo=STOCKHOLM).astimezone(UTC)


def _draft(**customer) -> ContactDraft:
    person = CustomerDraft(**(customer or {"name": "Eva Ek", "phone": "070-123 45 67",
                                           "address": "Storgatan 1"}))
    return ContactDraft(channel="phone", citizen_words="Tunnan blev inte tömd i går",
                        answer_given="Bilen kommer tillbaka i morgon.", customer=person)


@pytest.fixture
def missed(session, world) -> Label:
    """The world's level-3 "Utebliven" (the centre has the mandate), marked as an action."""
    label = world.labels["admin_mandate"]
    label.action = True
    session.commit()
    return label


def test_an_action_contact_is_answered_and_queued_for_the_group(session, world, missed):
    """First-contact resolution, but open in the group's queue with a deadline and marked as
    an order; the events say both."""
    result = log_contact(session, world.agent, _draft(), missed.id, now=MONDAY_MORNING)
    session.commit()
    case = session.get(Case, result.case.id)
    assert result.decision.action and not result.decision.forwards
    assert case.resolution is Resolution.FIRST_CONTACT
    assert case.status is CaseStatus.FORWARDED and case.resolved_at is None
    assert case.group_id == world.waste_group.id and case.action_ordered
    assert case.feedback_due_at.astimezone(STOCKHOLM) == datetime(2026, 11, 26, 17,
                                                                  tzinfo=STOCKHOLM)
    events = case_history(session, case)
    assert [e.kind for e in events] == [
        EventKind.CREATED, EventKind.CONTACT_LOGGED, EventKind.CLASSIFIED,
        EventKind.RESOLVED_AT_FIRST_CONTACT, EventKind.ACTION_ORDERED]
    assert events[-1].citizen_visible and events[-1].data["group"] == "Avfall"


def test_the_citizen_sees_the_answer_and_that_the_department_acts(session, world, missed):
    """The tracking page says it was answered, then that the department will put it right."""
    case = log_contact(session, world.agent, _draft(), missed.id, now=MONDAY_MORNING).case
    session.commit()
    entries = citizen_timeline(HistoryEvent(e.kind, e.at, e.citizen_visible, e.data)
                               for e in case_history(session, case))
    assert [e.format() for e in entries][-2:] == [
        "We answered your question when you contacted us",
        "Tekniska förvaltningen has been asked to take care of it"]


def test_an_action_case_needs_a_reachable_citizen(session, world, missed):
    """The department reports back, so name and a way to reach the citizen are required."""
    with pytest.raises(RuleViolations) as refused:
        log_contact(session, world.agent, _draft(name="", phone=""), missed.id,
                    now=MONDAY_MORNING)
    assert set(refused.value.by_field()) == {"customer.name", "customer.phone"}
    assert "for action" in refused.value.violations[0].format()


def test_an_urgent_action_label_alerts_its_group(session, world, missed):
    """Urgent orders reach the group's members at once, like urgent forwarded cases."""
    missed.urgent = True
    session.commit()
    case = log_contact(session, world.agent, _draft(), missed.id, now=MONDAY_MORNING).case
    session.commit()
    assert session.scalars(select(Notification.user_id).where(
        Notification.case_id == case.id, Notification.kind == "urgent_case")).all() == [
        world.handler.id]


def test_forwarding_an_action_label_on_request_is_a_plain_forward(session, world, missed):
    """When the agent forwards anyway, the department answers too: no order is counted."""
    draft = _draft()
    draft.requested = "forward"
    draft.override_reason = "citizen_asks"
    case = log_contact(session, world.agent, draft, missed.id, now=MONDAY_MORNING).case
    session.commit()
    assert case.resolution is Resolution.FORWARDED and not case.action_ordered
    assert not session.scalar(select(CaseEvent.id).where(
        CaseEvent.case_id == case.id, CaseEvent.kind == EventKind.ACTION_ORDERED))


def test_the_action_flag_survives_export_and_import(session, world, missed):
    """`action: true` is written by the export and read back by the import."""
    text = export_taxonomy(session)
    assert "action: true" in text
    missed.action = False
    session.flush()
    import_taxonomy(session, text, now=MONDAY_MORNING)
    session.commit()
    assert session.get(Label, missed.id).action is True
    assert session.get(Label, world.labels["info"].id).action is False
