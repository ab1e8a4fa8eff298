"""What a citizen may see of a case: its history in plain language, for the tracking page.

The case history (`case_events`) is written for staff: it names groups and handlers, and
holds internal notes, reasons for re-routing and internal comments. The tracking page shows
only events marked citizen-visible, and of those only the kinds listed here, each turned into
one plain sentence. Everything else — including any data key not named below — never reaches
the citizen, so a new event kind or a new data key stays internal until a rule is written.

What is shown per kind:
- created → "We received your case" with the channel; resolved at first contact → answered;
- forwarded / re-routed → the department's *name* only (never the group or a person);
- sent for action (an action label) → that the department will put it right, by name;
- claimed / assigned → "a case officer is working on it" (never who);
- status changes to waiting, in progress, resolved, closed, and reopening (never the comment);
  waiting and resolving with words for the citizen (the data key `text`: what the handler
  needs, or the resolution's answer) show those words as written;
- a message → its text and the department that wrote it.

Sentences are English source strings marked with N_; the web layer translates them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from rosa.errors import Term
from rosa.i18n import N_
from rosa.vocabulary import CaseStatus, Channel, EventKind


@dataclass(frozen=True)
class HistoryEvent:
    """One row of the case history, as the tracking page reads it."""

    kind: EventKind
    at: datetime
    citizen_visible: bool
    data: Mapping[str, object]


class Step(StrEnum):
    """What kind of step an entry is (the page marks each kind differently)."""

    RECEIVED = "received"
    FORWARDED = "forwarded"
    PROGRESS = "progress"
    WAITING = "waiting"
    MESSAGE = "message"
    RESOLVED = "resolved"


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    step: Step
    sentence: str  # N_-marked, with %(name)s placeholders filled from `params`
    params: tuple[tuple[str, object], ...] = ()
    text: str = ""  # a message written to the citizen, shown as written

    def format(self, translate=lambda s: s) -> str:
        params = {k: translate(v) if isinstance(v, Term) else v for k, v in self.params}
        return translate(self.sentence) % params if params else translate(self.sentence)


_STATUS_SENTENCES = {
    CaseStatus.WAITING.value: (Step.WAITING, N_("We are waiting for information from you")),
    CaseStatus.IN_PROGRESS.value: (Step.PROGRESS, N_("Work on your case has resumed")),
    CaseStatus.RESOLVED.value: (Step.RESOLVED, N_("Your case is resolved")),
    CaseStatus.CLOSED.value: (Step.RESOLVED, N_("Your case is closed")),
}

# The statuses whose event may carry words to the citizen (see app.services.casework).
_TELLING_STATUSES = (CaseStatus.WAITING.value, CaseStatus.RESOLVED.value)


def citizen_timeline(events: Iterable[HistoryEvent]) -> list[TimelineEntry]:
    """The citizen's view of a history given oldest first; internal events are left out."""
    entries: list[TimelineEntry] = []
    department = ""
    for event in events:
        if not event.citizen_visible:
            continue
        entry, department = _entry(event, department)
        if entry is None:
            continue
        if entries and entry.step is Step.PROGRESS and entries[-1].sentence == entry.sentence:
            continue  # taken again after being handed back: once is enough for the citizen
        entries.append(entry)
    return entries


def _entry(event: HistoryEvent, department: str) -> tuple[TimelineEntry | None, str]:
    """The entry for one visible event, and the department that has the case after it."""
    kind, at, data = event.kind, event.at, event.data
    if kind is EventKind.CREATED:
        return TimelineEntry(at, Step.RECEIVED, N_("We received your case (%(channel)s)"),
                             (("channel", _channel(data.get("channel"))),)), department
    if kind is EventKind.RESOLVED_AT_FIRST_CONTACT:
        return TimelineEntry(at, Step.RESOLVED,
                             N_("We answered your question when you contacted us")), department
    if kind in (EventKind.FORWARDED, EventKind.REROUTED):
        target = _text(data.get("department"))
        if not target:
            return None, department
        if kind is EventKind.FORWARDED or not department:
            sentence = N_("Your case was sent to %(department)s")
        elif target == department:
            sentence = N_("Your case was passed on to the right unit within %(department)s")
        else:
            sentence = N_("Your case was passed on to %(department)s")
        return TimelineEntry(at, Step.FORWARDED, sentence, (("department", target),)), target
    if kind is EventKind.ACTION_ORDERED:
        target = _text(data.get("department"))
        if not target:
            return None, department
        return TimelineEntry(at, Step.FORWARDED, N_("%(department)s has been asked to take care "
                                                    "of it"), (("department", target),)), target
    if kind in (EventKind.CLAIMED, EventKind.ASSIGNED):
        return TimelineEntry(at, Step.PROGRESS,
                             N_("A case officer is working on your case")), department
    if kind is EventKind.STATUS_CHANGED:
        to = _text(data.get("to"))
        step_sentence = _STATUS_SENTENCES.get(to)
        if step_sentence is None:
            return None, department
        words = _text(data.get("text")) if to in _TELLING_STATUSES else ""
        return TimelineEntry(at, *step_sentence, text=words), department
    if kind is EventKind.REOPENED:
        return TimelineEntry(at, Step.PROGRESS, N_("Your case was reopened")), department
    if kind is EventKind.MESSAGE:
        text = _text(data.get("text"))
        if not text:
            return None, department
        author = _text(data.get("department")) or department
        if author:
            return TimelineEntry(at, Step.MESSAGE, N_("Message from %(department)s"),
                                 (("department", author),), text), department
        return TimelineEntry(at, Step.MESSAGE, N_("Message from us"), (), text), department
    return None, department


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def _channel(value: object) -> Term:
    try:
        return Term(Channel(str(value)).title)
    except ValueError:
        return Term(N_("Other"))


# --- the case as a whole ----------------------------------------------------------------------

_CITIZEN_STATUS = {
    CaseStatus.FORWARDED: N_("Received, waiting to be handled"),
    CaseStatus.IN_PROGRESS: N_("Being handled"),
    CaseStatus.RETURNED: N_("Being handled"),  # the contact centre completes it: still ours
    CaseStatus.WAITING: N_("Waiting for information from you"),
    CaseStatus.RESOLVED: N_("Done"),
    CaseStatus.CLOSED: N_("Closed"),
}


def citizen_status(status: CaseStatus) -> str:
    """The case's status as a citizen understands it (internal states are folded together)."""
    return _CITIZEN_STATUS[status]


class Promise(StrEnum):
    """Where the feedback promise ("we get back to you within three working days") stands."""

    NONE = "none"  # answered at first contact: nothing was promised
    PENDING = "pending"
    LATE = "late"
    MET = "met"
    MET_LATE = "met_late"
    # The department finished the case without a word to the citizen: no promise of feedback
    # to come (nothing will come), and no claim that it was kept.
    FINISHED_UNTOLD = "finished_untold"


def feedback_promise(due_at: datetime | None, given_at: datetime | None, *,
                     now: datetime, finished: bool = False) -> Promise:
    """Whether the feedback deadline is still ahead, missed, or met (in time or late)."""
    if due_at is None:
        return Promise.NONE
    if given_at is not None:
        return Promise.MET if given_at <= due_at else Promise.MET_LATE
    if finished:
        return Promise.FINISHED_UNTOLD
    return Promise.PENDING if now <= due_at else Promise.LATE
