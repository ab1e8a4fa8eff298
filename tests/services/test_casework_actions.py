"""A handler's action is one transaction with one version check, and only words tell the citizen.

Service level (app.services.casework): resolving with an answer, waiting with a question and
messages, against a real SQLite (or PostgreSQL) database and, for delivery, the real SMTP sink.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app.services import casework
from app.services.intake import log_contact
from app.services.mail import MAX_ATTEMPTS, Delivery, deliver_pending, delivery_states
from models import Case, CaseEvent, OutgoingMail
from rosa.errors import RuleViolations
from rosa.intake import ContactDraft, CustomerDraft
from rosa.lifecycle import Action
from rosa.vocabulary import CaseStatus, EventKind

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
LATER = NOW + timedelta(hours=2)


def _forwarded(session, world, *, email="eva.ek@example.se") -> Case:
    draft = ContactDraft(channel="phone", citizen_words="Det läcker olja vid bron",
                         customer=CustomerDraft(name="Eva Ek", phone="0701234567",
                                                email=email))
    case = log_contact(session, world.agent, draft, world.labels["investigation"].id,
                       now=NOW).case
    session.commit()
    return case


def _claimed(session, world, **kwargs) -> Case:
    case = _forwarded(session, world, **kwargs)
    casework.claim(session, case, world.handler, now=NOW + timedelta(minutes=5))
    session.commit()
    return case


def _events(session, case, kind=None) -> list[CaseEvent]:
    query = select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.id)
    if kind is not None:
        query = query.where(CaseEvent.kind == kind)
    return list(session.scalars(query))


def _mails(session) -> list[OutgoingMail]:
    return list(session.scalars(select(OutgoingMail).order_by(OutgoingMail.id)))


def test_resolving_with_an_answer_is_one_action_with_one_version_check(session, world):
    """The answer is kept in the resolution, mailed, and meets the deadline; no self-conflict."""
    case = _claimed(session, world)
    told = casework.change_status(session, case, world.handler, Action.RESOLVE,
                                  expected_version=case.version, now=LATER,
                                  message="Oljan är sanerad.", comment="Saneringsfirma X")
    session.commit()
    assert case.status is CaseStatus.RESOLVED and case.resolved_at == LATER
    assert case.feedback_given_at == LATER
    [resolved] = _events(session, case, EventKind.STATUS_CHANGED)
    assert resolved.data["text"] == "Oljan är sanerad." and resolved.citizen_visible
    assert resolved.data["comment"] == "Saneringsfirma X"
    [mail] = _mails(session)
    assert told is not None and told.mail_id == mail.id == resolved.data["mail_id"]
    assert mail.to_address == "eva.ek@example.se" and "Oljan är sanerad." in mail.body
    assert case.reference in mail.subject and "löst" in mail.subject


def test_a_stale_resolve_with_an_answer_leaves_nothing_behind(session, world):
    """Refused on the version before any part is applied: no event, no mail, no feedback."""
    case = _claimed(session, world)
    stale = case.version - 1
    with pytest.raises(RuleViolations) as refused:
        casework.change_status(session, case, world.handler, Action.RESOLVE,
                               expected_version=stale, now=LATER, message="Klart.")
    session.rollback()
    assert "version" in refused.value.by_field()
    stored = session.get(Case, case.id)
    assert stored.status is CaseStatus.IN_PROGRESS and stored.feedback_given_at is None
    assert _events(session, case, EventKind.STATUS_CHANGED) == [] and _mails(session) == []


def test_resolving_without_words_is_not_feedback(session, world):
    """A resolution that tells the citizen nothing does not meet the feedback deadline."""
    case = _claimed(session, world)
    told = casework.change_status(session, case, world.handler, Action.RESOLVE,
                                  expected_version=case.version, now=LATER, message="  ")
    session.commit()
    assert told is None and case.status is CaseStatus.RESOLVED
    assert case.feedback_given_at is None and _mails(session) == []
    [resolved] = _events(session, case, EventKind.STATUS_CHANGED)
    assert "text" not in resolved.data and "mail_id" not in resolved.data


def test_waiting_with_a_question_tells_the_citizen(session, world):
    """Waiting for the citizen can ask what is needed; that is feedback and is mailed."""
    case = _claimed(session, world)
    told = casework.change_status(session, case, world.handler, Action.WAIT,
                                  expected_version=case.version, now=LATER,
                                  message="Var exakt ligger fläcken?")
    session.commit()
    assert case.status is CaseStatus.WAITING and case.feedback_given_at == LATER
    [mail] = _mails(session)
    assert told.mail_id == mail.id and "Var exakt ligger fläcken?" in mail.body
    assert "mer information" in mail.subject


def test_a_resolution_answer_without_an_address_reaches_the_tracking_page_only(session,
                                                                              world):
    """No e-mail address: nothing is queued, yet the answer is feedback (the tracking page)."""
    case = _claimed(session, world, email="")
    told = casework.change_status(session, case, world.handler, Action.RESOLVE,
                                  expected_version=case.version, now=LATER, message="Klart.")
    session.commit()
    assert told is not None and told.mail_id is None and _mails(session) == []
    assert case.feedback_given_at == LATER
    assert _events(session, case, EventKind.STATUS_CHANGED)[0].data["mail_id"] is None


def test_the_same_message_sent_twice_is_saved_once(session, world):
    """A second message on the same version (a double submit) is refused as already done."""
    case = _claimed(session, world)
    version = case.version
    casework.send_message(session, case, world.handler, "Vi kommer i dag.",
                          expected_version=version, now=LATER)
    session.commit()
    with pytest.raises(RuleViolations) as refused:
        casework.send_message(session, case, world.handler, "Vi kommer i dag.",
                              expected_version=version, now=LATER + timedelta(seconds=1))
    session.rollback()
    [reason] = refused.value.by_field()["version"]
    assert "You already changed this case" in reason.format()
    assert len(_events(session, case, EventKind.MESSAGE)) == 1 and len(_mails(session)) == 1


def test_a_note_sent_twice_is_saved_once(session, world):
    """Notes carry the version too, so a double submit does not write the note twice."""
    case = _claimed(session, world)
    version = case.version
    casework.add_note(session, case, world.handler, "Ringt", expected_version=version,
                      now=LATER)
    session.commit()
    with pytest.raises(RuleViolations):
        casework.add_note(session, case, world.handler, "Ringt", expected_version=version,
                          now=LATER)
    session.rollback()
    assert len(_events(session, case, EventKind.NOTE)) == 1


def test_taking_a_case_twice_says_you_already_have_it(session, world):
    """A second "take" by the holder is refused as a repeat, not as someone else's claim."""
    case = _claimed(session, world)
    with pytest.raises(RuleViolations) as refused:
        casework.claim(session, case, world.handler, now=LATER)
    session.rollback()
    assert "You already have this case" in refused.value.by_field()["action"][0].format()
    assert len(_events(session, case, EventKind.CLAIMED)) == 1


def test_an_answer_that_is_too_long_is_refused_at_its_field(session, world):
    """Over 10,000 characters is refused at the message field; the case is unchanged."""
    case = _claimed(session, world)
    with pytest.raises(RuleViolations) as refused:
        casework.change_status(session, case, world.handler, Action.RESOLVE,
                               expected_version=case.version, now=LATER,
                               message="x" * (casework.MAX_TEXT + 1))
    session.rollback()
    assert list(refused.value.by_field()) == ["message"]
    assert session.get(Case, case.id).status is CaseStatus.IN_PROGRESS


def test_only_waiting_resolving_and_messages_carry_words(session, world):
    """Closing with a message is a programming error, not a silent drop of the words."""
    case = _claimed(session, world)
    with pytest.raises(ValueError):
        casework.change_status(session, case, world.handler, Action.RELEASE,
                               expected_version=case.version, now=LATER)
    with pytest.raises(ValueError):
        casework.change_status(session, case, world.handler, Action.RESUME,
                               expected_version=case.version, now=LATER, message="Hej")


def test_delivery_states_say_queued_sent_and_failed(session, world, data_app, smtp_server):
    """Sent when the server took it, failed when the outbox gave up, queued otherwise."""
    case = _claimed(session, world)
    sent = casework.send_message(session, case, world.handler, "Ett", now=LATER)
    session.commit()
    case.customer.email = "nobody@example.se"
    refused = casework.send_message(session, case, world.handler, "Två", now=LATER)
    case.customer.email = "busy@example.se"
    waiting = casework.send_message(session, case, world.handler, "Tre", now=LATER)
    session.commit()
    smtp_server.refuse["nobody@example.se"] = "550 5.1.1 No such user"
    smtp_server.refuse["busy@example.se"] = "450 4.2.0 Mailbox busy"
    deliver_pending(session, config=data_app.config, now=LATER)
    states = delivery_states(session, [sent.mail_id, refused.mail_id, waiting.mail_id, None])
    assert states[sent.mail_id].state is Delivery.SENT
    assert states[refused.mail_id].state is Delivery.FAILED
    assert states[waiting.mail_id].state is Delivery.QUEUED
    assert "450" in states[waiting.mail_id].last_error
    for _ in range(MAX_ATTEMPTS - 1):
        deliver_pending(session, config=data_app.config, now=LATER)
    assert delivery_states(session, [waiting.mail_id])[waiting.mail_id].state is (
        Delivery.FAILED)
