"""The citizen's timeline: which history events a citizen sees, and in which words."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from rosa.timeline import (
    HistoryEvent,
    Promise,
    Step,
    citizen_status,
    citizen_timeline,
    feedback_promise,
)
from rosa.vocabulary import CaseStatus, EventKind

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def _event(kind: EventKind, minutes: int = 0, visible: bool = True, **data) -> HistoryEvent:
    return HistoryEvent(kind, T0 + timedelta(minutes=minutes), visible, data)


def _texts(entries) -> list[str]:
    return [entry.format() for entry in entries]


def _history() -> list[HistoryEvent]:
    """A forwarded case's whole life, as casework and the intake record it."""
    return [
        _event(EventKind.CREATED, 0, channel="web"),
        _event(EventKind.CONTACT_LOGGED, 0, False, contact_id=1, channel="web"),
        _event(EventKind.CLASSIFIED, 0, False, label_id=3, path=["Avfall", "Kärl", "Trasigt"]),
        _event(EventKind.FORWARDED, 0, group="Avfall och återvinning", group_id=4,
               department="Tekniska förvaltningen", department_id=2,
               reason="Levels 5–6 are handled by the department"),
        _event(EventKind.NOTE, 5, False, text="Ring chefen om detta"),
        _event(EventKind.CLAIMED, 10, **{"from": "forwarded", "to": "in_progress"}),
        _event(EventKind.RELEASED, 11, False, previous_holder_id=7),
        _event(EventKind.REROUTED, 12, group="Gata och park", from_group="Avfall och återvinning",
               department="Tekniska förvaltningen", reason="Fel grupp, Olle vet mer",
               misrouted=True),
        _event(EventKind.ASSIGNED, 13, assignee="Olle Handläggare", assignee_id=9),
        _event(EventKind.CLAIMED, 14),
        _event(EventKind.MESSAGE, 20, text="Vi byter kärlet på tisdag.",
               department="Tekniska förvaltningen"),
        _event(EventKind.STATUS_CHANGED, 30, action="resolve", comment="Internt: klart",
               **{"from": "in_progress", "to": "resolved"}),
    ]


def test_only_citizen_visible_events_of_known_kinds_are_shown():
    """Notes, releases, classification and contact rows never reach the citizen."""
    entries = citizen_timeline(_history())
    assert [entry.step for entry in entries] == [
        Step.RECEIVED, Step.FORWARDED, Step.PROGRESS, Step.FORWARDED, Step.PROGRESS,
        Step.MESSAGE, Step.RESOLVED]
    assert _texts(entries) == [
        "We received your case (Web form)",
        "Your case was sent to Tekniska förvaltningen",
        "A case officer is working on your case",
        "Your case was passed on to the right unit within Tekniska förvaltningen",
        "A case officer is working on your case",
        "Message from Tekniska förvaltningen",
        "Your case is resolved",
    ]
    assert entries[5].text == "Vi byter kärlet på tisdag."


def test_no_group_person_reason_note_or_comment_appears_anywhere():
    """Whatever the data holds, only the department's name and the message are shown."""
    shown = " ".join(f"{entry.format()} {entry.text} {entry.params}"
                     for entry in citizen_timeline(_history()))
    for secret in ("Avfall och återvinning", "Gata och park", "Olle", "Ring chefen",
                   "Fel grupp", "Internt", "Levels 5–6"):
        assert secret not in shown


def test_an_event_marked_visible_but_of_an_internal_kind_stays_hidden():
    """The rules are a whitelist: a note wrongly marked visible is still not shown."""
    entries = citizen_timeline([_event(EventKind.NOTE, text="hemligt"),
                                _event(EventKind.RETURNED, missing="personnummer"),
                                _event(EventKind.DETAILS_EDITED, before="a", after="b")])
    assert entries == []


def test_rerouting_to_another_department_names_the_new_department():
    """A case sent on to another department says so, by the department's name."""
    entries = citizen_timeline([
        _event(EventKind.FORWARDED, department="Tekniska förvaltningen", group="Avfall"),
        _event(EventKind.REROUTED, 5, department="Socialförvaltningen", group="Mottagningen",
               reason="Hör till soc"),
    ])
    assert _texts(entries)[-1] == "Your case was passed on to Socialförvaltningen"


@pytest.mark.parametrize("to,step,sentence", [
    ("waiting", Step.WAITING, "We are waiting for information from you"),
    ("in_progress", Step.PROGRESS, "Work on your case has resumed"),
    ("resolved", Step.RESOLVED, "Your case is resolved"),
    ("closed", Step.RESOLVED, "Your case is closed"),
])
def test_status_changes_read_as_plain_sentences(to, step, sentence):
    """Each status a citizen cares about has its own sentence; the comment is never shown."""
    [entry] = citizen_timeline([_event(EventKind.STATUS_CHANGED, to=to, comment="intern")])
    assert (entry.step, entry.format(), entry.text) == (step, sentence, "")


def test_the_words_of_a_resolution_or_a_wait_are_shown_as_written():
    """Resolving with an answer and waiting with a question show those words, not the comment."""
    entries = citizen_timeline([
        _event(EventKind.STATUS_CHANGED, 1, comment="Intern notis", text="Vad är adressen?",
               mail_id=7, **{"from": "in_progress", "to": "waiting"}),
        _event(EventKind.STATUS_CHANGED, 2, comment="Firma X", text="Oljan är sanerad.",
               **{"from": "in_progress", "to": "resolved"}),
        _event(EventKind.STATUS_CHANGED, 3, **{"from": "resolved", "to": "closed"}),
    ])
    assert [(e.step, e.text) for e in entries] == [
        (Step.WAITING, "Vad är adressen?"), (Step.RESOLVED, "Oljan är sanerad."),
        (Step.RESOLVED, "")]
    assert "Intern notis" not in repr(entries) and "Firma X" not in repr(entries)


def test_words_on_other_status_changes_stay_internal():
    """Only waiting and resolving carry words to the citizen; any other `text` is not shown."""
    [entry] = citizen_timeline([_event(EventKind.STATUS_CHANGED, 1, text="Intern",
                                       **{"from": "resolved", "to": "closed"})])
    assert entry.text == ""


def test_first_contact_answers_and_reopening_are_shown():
    """A case answered at once says so; a reopened case says it was reopened."""
    entries = citizen_timeline([
        _event(EventKind.CREATED, channel="phone"),
        _event(EventKind.RESOLVED_AT_FIRST_CONTACT, reason="Levels 1–2 are answered"),
        _event(EventKind.REOPENED, 60, **{"from": "resolved", "to": "in_progress"}),
    ])
    assert _texts(entries) == ["We received your case (Phone)",
                               "We answered your question when you contacted us",
                               "Your case was reopened"]


def test_sentences_are_translated_with_their_terms():
    """The channel is a term of its own: the translator translates sentence and channel."""
    [entry] = citizen_timeline([_event(EventKind.CREATED, channel="email")])
    catalogue = {"We received your case (%(channel)s)": "Vi tog emot ditt ärende (%(channel)s)",
                 "E-mail": "e-post"}
    assert entry.format(lambda s: catalogue.get(s, s)) == "Vi tog emot ditt ärende (e-post)"


def test_empty_messages_and_unknown_statuses_are_left_out():
    """A message without text, or a status change to an unknown status, shows nothing."""
    assert citizen_timeline([_event(EventKind.MESSAGE, text="  "),
                             _event(EventKind.STATUS_CHANGED, to="archived")]) == []


def test_internal_statuses_fold_into_what_a_citizen_understands():
    """Returned for completion is still "being handled" for the citizen."""
    assert citizen_status(CaseStatus.RETURNED) == citizen_status(CaseStatus.IN_PROGRESS)
    assert citizen_status(CaseStatus.WAITING) == "Waiting for information from you"


@pytest.mark.parametrize("given,now,expected", [
    (None, T0 - timedelta(hours=1), Promise.PENDING),
    (None, T0 + timedelta(minutes=1), Promise.LATE),
    (T0 - timedelta(days=1), T0 + timedelta(days=3), Promise.MET),
    (T0 + timedelta(hours=2), T0 + timedelta(days=3), Promise.MET_LATE),
])
def test_the_feedback_promise_is_pending_late_or_met(given, now, expected):
    """The deadline is met by feedback given by the due time, and late otherwise."""
    assert feedback_promise(T0, given, now=now) is expected


def test_a_case_without_a_deadline_promised_nothing():
    """Answered at first contact: no feedback deadline, nothing to show."""
    assert feedback_promise(None, None, now=T0) is Promise.NONE


def test_a_case_finished_without_a_word_promises_nothing_more():
    """Resolved with no answer: neither "we will get back to you" nor "promise kept"."""
    assert feedback_promise(T0, None, now=T0, finished=True) is Promise.FINISHED_UNTOLD
    assert feedback_promise(T0, T0, now=T0, finished=True) is Promise.MET
