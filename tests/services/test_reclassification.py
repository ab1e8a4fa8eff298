"""Reclassifying a case runs the routing decision again (docs/routing.md)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from app.services import casework
from app.services.classification import reclassify_case
from app.services.history import case_history
from app.services.intake import log_contact
from models import Case, Notification
from rosa.errors import RuleViolations
from rosa.intake import ContactDraft, CustomerDraft
from rosa.lifecycle import Action
from rosa.vocabulary import CaseStatus, EventKind, Resolution

STOCKHOLM = ZoneInfo("Europe/Stockholm")
RECEIVED = datetime(2026, 11, 23, 9, 0, tzinfo=STOCKHOLM).astimezone(UTC)  # a Monday
LATER = RECEIVED + timedelta(days=2)  # Wednesday: the agent notices the mistake


def _log(session, world, key, *, received=RECEIVED, answer="Svar givet.") -> Case:
    draft = ContactDraft(channel="phone", citizen_words="Det luktar olja på gatan",
                         answer_given=answer, customer=CustomerDraft(
                             name="Eva Ek", phone="070-123 45 67"))
    case = log_contact(session, world.agent, draft, world.labels[key].id, now=received).case
    session.commit()
    return case


def _reclassify(session, world, case, key, *, now=LATER) -> Case:
    reclassify_case(session, world.agent, case, world.labels[key].id, "Fel etikett", now=now)
    session.commit()
    return session.get(Case, case.id)


def _kinds(session, case) -> list[EventKind]:
    return [e.kind for e in case_history(session, case)]


def test_an_answered_case_that_becomes_level_five_is_forwarded(session, world):
    """Forwarded to the new group with the deadline a contact received then would have had,
    a FORWARDED event the citizen sees, the urgent label's alert, and one reclassification."""
    case = _reclassify(session, world, _log(session, world, "info"), "investigation")
    direct = _log(session, world, "investigation")  # the same contact, rightly labelled
    assert case.status is CaseStatus.FORWARDED and case.resolution is Resolution.FORWARDED
    assert (case.group_id, case.department_id) == (world.streets_group.id, world.tech.id)
    assert case.resolved_at is None and case.reclassify_count == 1
    assert (case.feedback_due_at, case.feedback_due_soon_at) == (
        direct.feedback_due_at, direct.feedback_due_soon_at)
    assert case.feedback_due_at.astimezone(STOCKHOLM) == datetime(2026, 11, 26, 17,
                                                                  tzinfo=STOCKHOLM)
    assert _kinds(session, case)[-2:] == [EventKind.RECLASSIFIED, EventKind.FORWARDED]
    assert case_history(session, case)[-1].citizen_visible
    assert session.scalars(select(Notification.user_id).where(
        Notification.case_id == case.id, Notification.kind == "urgent_case")).all() == [
        world.handler.id]


def test_a_working_hours_deadline_counts_from_the_original_receipt(session, world):
    """Four working hours from Monday 09:00 is Monday 13:00, already past on Wednesday."""
    world.labels["investigation"].feedback_working_hours = 4
    session.commit()
    case = _reclassify(session, world, _log(session, world, "guidance"), "investigation")
    assert case.feedback_due_at.astimezone(STOCKHOLM) == datetime(2026, 11, 23, 13,
                                                                  tzinfo=STOCKHOLM)


def test_an_answered_case_that_becomes_an_action_label_is_ordered(session, world):
    """Still answered at first contact, and now in the group's queue as an order."""
    world.labels["admin_mandate"].action = True
    session.commit()
    case = _reclassify(session, world, _log(session, world, "info"), "admin_mandate")
    assert case.resolution is Resolution.FIRST_CONTACT and case.action_ordered
    assert case.status is CaseStatus.FORWARDED and case.group_id == world.waste_group.id
    assert case.feedback_due_at is not None
    assert _kinds(session, case)[-2:] == [EventKind.RECLASSIFIED, EventKind.ACTION_ORDERED]


def test_an_answered_case_that_stays_answerable_stays_resolved(session, world):
    """Only the label, level and (for answered cases) the label's department change."""
    case = _reclassify(session, world, _log(session, world, "info"), "guidance")
    assert case.status is CaseStatus.RESOLVED and case.group_id is None
    assert case.rosa_level == 2 and case.reclassify_count == 1
    assert _kinds(session, case)[-1] is EventKind.RECLASSIFIED


def test_an_open_forwarded_case_follows_a_forwarding_label_to_its_group(session, world):
    """The holder is released (the new group takes it); the deadline is the new label's,
    still counted from the original receipt."""
    case = _log(session, world, "routine_no_mandate", answer="")
    casework.claim(session, case, world.handler, now=RECEIVED + timedelta(hours=1))
    session.commit()
    world.labels["evaluative"].feedback_working_days = 1
    session.commit()
    case = _reclassify(session, world, case, "evaluative")
    assert (case.group_id, case.department_id) == (world.social_group.id, world.social.id)
    assert case.status is CaseStatus.FORWARDED and case.claimed_by_id is None
    assert case.feedback_due_at.astimezone(STOCKHOLM) == datetime(2026, 11, 24, 17,
                                                                  tzinfo=STOCKHOLM)
    assert _kinds(session, case)[-2:] == [EventKind.RECLASSIFIED, EventKind.REROUTED]


def test_an_open_forwarded_case_stays_with_its_holder_for_a_label_the_centre_answers(
        session, world):
    """The department promised feedback: group, holder, status and deadline are kept."""
    case = _log(session, world, "routine_no_mandate", answer="")
    casework.claim(session, case, world.handler, now=RECEIVED + timedelta(hours=1))
    session.commit()
    before = (case.group_id, case.claimed_by_id, case.status, case.feedback_due_at)
    case = _reclassify(session, world, case, "info")
    assert (case.group_id, case.claimed_by_id, case.status, case.feedback_due_at) == before
    assert case.resolution is Resolution.FORWARDED and case.rosa_level == 1


def test_an_open_order_that_becomes_level_six_is_a_forwarded_case(session, world):
    """The centre may not have answered a level 6 contact: no longer first contact nor an
    order."""
    world.labels["guidance"].action = True
    session.commit()
    case = _reclassify(session, world, _log(session, world, "guidance"), "evaluative")
    assert case.resolution is Resolution.FORWARDED and not case.action_ordered
    assert case.group_id == world.social_group.id
    assert _kinds(session, case)[-3:] == [EventKind.RECLASSIFIED, EventKind.REROUTED,
                                          EventKind.FORWARDED]


def test_a_finished_department_case_only_gets_its_label_corrected(session, world):
    """A resolved forwarded case is not reopened or moved."""
    case = _log(session, world, "routine_no_mandate", answer="")
    casework.claim(session, case, world.handler, now=RECEIVED + timedelta(hours=1))
    casework.change_status(session, case, world.handler, Action.RESOLVE,
                           expected_version=None, now=RECEIVED + timedelta(hours=2))
    session.commit()
    case = _reclassify(session, world, case, "evaluative")
    assert case.status is CaseStatus.RESOLVED and case.group_id == world.streets_group.id
    assert case.rosa_level == 6 and case.reclassify_count == 1


def test_a_reclassification_needs_a_current_other_label_and_a_reason(session, world):
    """Nothing changes when the label is the same or retired, or no reason is given."""
    case = _log(session, world, "info")
    with pytest.raises(RuleViolations) as refused:
        reclassify_case(session, world.agent, case, world.labels["retired"].id, " ", now=LATER)
    assert set(refused.value.by_field()) == {"label_id", "reason"}
    session.rollback()
    assert session.get(Case, case.id).reclassify_count == 0
