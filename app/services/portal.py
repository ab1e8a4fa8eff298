"""The citizen portal's services: topics of the web form, tracking a case, feedback
("synpunkter") and counting whether a suggested answer helped.

Like every service these never commit and never read the request. Web-form cases are not
made here: the portal calls the one intake (`app.services.intake`) like every channel.
"""

from __future__ import annotations

import hmac
import logging
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from threading import Lock

import yaml
from sqlalchemy import bindparam, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from app.services.knowledge.search import search_articles as search
from app.services.references import (
    TRACKING_LENGTH,
    new_tracking_code,
    normalize_reference,
    normalize_tracking_code,
)
from app.services.taxonomy import LabelView, label_catalogue
from knowledge_base.articles import on_portal
from models import AnswerHelpedCount, Case, CaseEvent, Department, Feedback, FeedbackKind
from rosa.errors import RuleViolation, RuleViolations, violation
from rosa.guides import FieldKind, FieldSpec
from rosa.i18n import N_
from rosa.identity import normalize_email, normalize_phone
from rosa.timeline import (
    HistoryEvent,
    Promise,
    TimelineEntry,
    citizen_timeline,
    feedback_promise,
)
from rosa.vocabulary import CaseStatus, Channel, Resolution

logger = logging.getLogger(__name__)

TOPICS_FILE = Path(__file__).resolve().parent.parent / "portal" / "topics.yaml"
LOCALES = ("sv", "en")
MAX_TEXT = 4000  # what a citizen may write in one box; the forms say so
MAX_NAME = 200
# Kinds of guide field a citizen is asked on the open web form. Identity numbers are not:
# without e-identification nobody can tell whose number it is (DESIGN invariant 8).
CITIZEN_KINDS = frozenset(FieldKind) - {FieldKind.PERSONNUMMER}
REFERENCE_PATTERN = re.compile(r"[A-Z]{1,10}-\d{4}-\d{6}\Z")


# --- topics -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Localized:
    sv: str
    en: str

    def get(self, locale: str) -> str:
        return self.en if locale == "en" else self.sv


@dataclass(frozen=True)
class FieldWording:
    """How the web form words a guide field (the guide itself is written for agents)."""

    title: Localized | None = None
    help: Localized | None = None
    choices_en: tuple[str, ...] = ()


@dataclass(frozen=True)
class Topic:
    key: str
    label_path: tuple[str, str, str]
    title: Localized
    hint: Localized | None = None
    fields: Mapping[str, FieldWording] = field(default_factory=dict)


@dataclass(frozen=True)
class CitizenField:
    """One guide question as the citizen sees it, in one language."""

    key: str
    kind: FieldKind
    required: bool
    title: str
    help: str
    choices: tuple[tuple[str, str], ...] = ()  # (stored value, shown text)


@dataclass(frozen=True)
class PortalTopic:
    """A topic whose label exists and is active, with that label's routing facts and guide."""

    topic: Topic
    label: LabelView

    @property
    def key(self) -> str:
        return self.topic.key

    @property
    def urgent(self) -> bool:
        return self.label.urgent

    def title(self, locale: str) -> str:
        return self.topic.title.get(locale)

    def hint(self, locale: str) -> str:
        return self.topic.hint.get(locale) if self.topic.hint else ""

    def fields(self, locale: str) -> list[CitizenField]:
        return [citizen_field(spec, self.topic.fields.get(spec.key), locale)
                for spec in self.label.guide if spec.kind in CITIZEN_KINDS]


def citizen_field(spec: FieldSpec, wording: FieldWording | None, locale: str) -> CitizenField:
    wording = wording or FieldWording()
    title = wording.title.get(locale) if wording.title else spec.title
    help_text = wording.help.get(locale) if wording.help else spec.help_text
    shown = spec.choices
    if locale == "en" and len(wording.choices_en) == len(spec.choices):
        shown = wording.choices_en
    return CitizenField(spec.key, spec.kind, spec.required, title, help_text,
                        tuple(zip(spec.choices, shown, strict=True)))


def parse_topics(document: object) -> tuple[Topic, ...]:
    """Read the topics file's content; ValueError names the first thing that is wrong."""
    if not isinstance(document, Mapping) or not isinstance(document.get("topics"), list):
        raise ValueError("topics file: expected a mapping with a list `topics`")
    topics: list[Topic] = []
    for number, entry in enumerate(document["topics"], start=1):
        where = f"topics file, topic {number}"
        if not isinstance(entry, Mapping):
            raise ValueError(f"{where}: expected a mapping")
        key = str(entry.get("key", ""))
        if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,59}", key):
            raise ValueError(f"{where}: key must be a-z, 0-9 and -, at most 60 characters")
        if any(topic.key == key for topic in topics):
            raise ValueError(f"{where}: the key {key} is used twice")
        path = entry.get("label")
        if not (isinstance(path, list) and len(path) == 3 and all(
                isinstance(part, str) and part.strip() for part in path)):
            raise ValueError(f"{where} ({key}): label must be [function, case type, label]")
        fields = {str(name): _wording(wording, f"{where} ({key}), field {name}")
                  for name, wording in (entry.get("fields") or {}).items()}
        topics.append(Topic(key, (path[0], path[1], path[2]),
                            _localized(entry.get("title"), f"{where} ({key}): title"),
                            _localized(entry.get("hint"), f"{where} ({key}): hint", True),
                            fields))
    return tuple(topics)


def _localized(value: object, where: str, optional: bool = False) -> Localized | None:
    if value is None and optional:
        return None
    if not isinstance(value, Mapping) or not all(
            isinstance(value.get(code), str) and value[code].strip() for code in LOCALES):
        raise ValueError(f"{where}: give both sv and en")
    return Localized(value["sv"].strip(), value["en"].strip())


def _wording(value: object, where: str) -> FieldWording:
    if not isinstance(value, Mapping):
        raise ValueError(f"{where}: expected a mapping")
    return FieldWording(_localized(value.get("title"), f"{where}: title", True),
                        _localized(value.get("help"), f"{where}: help", True),
                        tuple(str(choice) for choice in value.get("choices_en") or ()))


_topics_lock = Lock()
_topics_cache: dict[Path, tuple[float, tuple[Topic, ...]]] = {}


def load_topics(path: Path = TOPICS_FILE) -> tuple[Topic, ...]:
    """The topics file, read again only when it changed on disk."""
    stamp = path.stat().st_mtime
    with _topics_lock:
        cached = _topics_cache.get(path)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    topics = parse_topics(yaml.safe_load(path.read_text(encoding="utf-8")))
    with _topics_lock:
        _topics_cache[path] = (stamp, topics)
    return topics


def portal_topics(session: Session, topics: Sequence[Topic] | None = None) -> list[PortalTopic]:
    """The topics citizens can choose now: their label exists, is active, and asks for
    nothing the web form may not ask (see CITIZEN_KINDS)."""
    views, _index = label_catalogue(session)
    by_path = {view.path: view for view in views.values() if view.active}
    available = []
    for topic in load_topics() if topics is None else topics:
        view = by_path.get(topic.label_path)
        if view is None:
            logger.info("Portal topic %s: no active label %s", topic.key,
                        " › ".join(topic.label_path))
            continue
        if any(spec.required and spec.kind not in CITIZEN_KINDS for spec in view.guide):
            logger.warning("Portal topic %s: its label requires what the web form may not "
                           "ask; left out", topic.key)
            continue
        available.append(PortalTopic(topic, view))
    return available


def find_topic(session: Session, key: str) -> PortalTopic | None:
    return next((topic for topic in portal_topics(session) if topic.key == key), None)


# --- tracking -----------------------------------------------------------------------------


@dataclass(frozen=True)
class TrackedCase:
    """What the tracking page shows: nothing internal, nothing personal."""

    reference: str
    status: CaseStatus
    forwarded: bool
    channel: Channel
    created_at: datetime
    department: str | None  # who handles it, for forwarded cases; never a group or a person
    due_at: datetime | None
    given_at: datetime | None
    promise: Promise
    timeline: list[TimelineEntry]


# Compared against when no case has the reference, so that a wrong reference costs the same
# as a wrong code. Made once per process; it matches nothing a citizen can know.
_NO_CASE_CODE = new_tracking_code()
_CASES, _DEPARTMENTS, _EVENTS = (Case.__table__, Department.__table__,
                                 CaseEvent.__table__)
# Built once, plain Core (no ORM bookkeeping): both run on every tracking request.
_FIND_CASE = (select(_CASES.c.id, _CASES.c.reference, _CASES.c.tracking_code, _CASES.c.status,
                     _CASES.c.resolution, _CASES.c.channel, _CASES.c.created_at,
                     _CASES.c.feedback_due_at, _CASES.c.feedback_given_at,
                     _DEPARTMENTS.c.name.label("department"))
              .join(_DEPARTMENTS, _DEPARTMENTS.c.id == _CASES.c.department_id)
              .where(_CASES.c.reference == bindparam("reference")))
_VISIBLE_EVENTS = (select(_EVENTS.c.kind, _EVENTS.c.at, _EVENTS.c.data)
                   .where(_EVENTS.c.case_id == bindparam("case_id"),
                          _EVENTS.c.citizen_visible.is_(True))
                   .order_by(_EVENTS.c.id))


def find_tracked_case(session: Session, reference: str, code: str):
    """The case's row when reference and code match, else None — same work either way.

    One indexed query by reference (unique), then a constant-time comparison of the code
    (hmac.compare_digest) against the case's code, or against a code no case has when the
    reference is unknown, so timing tells nothing about which references exist.
    """
    wanted = normalize_reference(reference or "")[:20]
    given = normalize_tracking_code(code or "")[: TRACKING_LENGTH * 2].encode()
    row = session.connection().execute(_FIND_CASE, {"reference": wanted}).first()
    expected = (row.tracking_code if row is not None else _NO_CASE_CODE).encode()
    matches = hmac.compare_digest(given, expected)
    return row if matches and row is not None else None


def track_case(session: Session, reference: str, code: str, *, now: datetime
               ) -> TrackedCase | None:
    """The citizen's view of a case, or None for every kind of failure alike."""
    row = find_tracked_case(session, reference, code)
    if row is None:
        return None
    events = session.connection().execute(_VISIBLE_EVENTS, {"case_id": row.id}).all()
    timeline = citizen_timeline(HistoryEvent(kind, at, True, data or {})
                                for kind, at, data in events)
    forwarded = row.resolution is Resolution.FORWARDED
    return TrackedCase(
        reference=row.reference, status=row.status, forwarded=forwarded, channel=row.channel,
        created_at=row.created_at, department=row.department if forwarded else None,
        due_at=row.feedback_due_at, given_at=row.feedback_given_at,
        promise=feedback_promise(row.feedback_due_at, row.feedback_given_at, now=now,
                                 finished=row.status in (CaseStatus.RESOLVED, CaseStatus.CLOSED)),
        timeline=timeline)


# --- feedback ("synpunkter") ------------------------------------------------------------------


@dataclass
class FeedbackDraft:
    kind: str
    text: str
    suggestion: str = ""
    topic: str = ""
    name: str = ""
    email: str = ""
    phone: str = ""
    case_reference: str = ""
    locale: str = "sv"


def check_feedback(draft: FeedbackDraft, topic_keys: Iterable[str]) -> dict[str, object]:
    """The feedback's columns, normalised; RuleViolations lists every problem at once."""
    problems: list[RuleViolation] = []
    try:
        kind = FeedbackKind(draft.kind)
    except ValueError:
        kind = None
        problems.append(violation("kind", N_("Choose complaint, praise or suggestion")))
    text = draft.text.strip()
    if not text:
        problems.append(violation("text", N_("Write your feedback")))
    suggestion = draft.suggestion.strip()
    for name, value in (("text", text), ("suggestion", suggestion)):
        if len(value) > MAX_TEXT:
            problems.append(violation(name, N_("At most %(max)s characters"), max=MAX_TEXT))
    topic = draft.topic.strip() or None
    if topic is not None and topic not in set(topic_keys):
        problems.append(violation("topic", N_("Choose a topic from the list")))
    name = " ".join(draft.name.split())
    if len(name) > MAX_NAME:
        problems.append(violation("name", N_("At most %(max)s characters"), max=MAX_NAME))
    email = _optional(draft.email, normalize_email, "email", problems)
    phone_pair = _optional(draft.phone, normalize_phone, "phone", problems)
    reference = normalize_reference(draft.case_reference)
    if reference and not REFERENCE_PATTERN.match(reference):
        problems.append(violation("case_reference", N_(
            "Write the reference number as on your receipt, e.g. KC-2026-000123")))
    if problems:
        raise RuleViolations(problems)
    return {"kind": kind, "text": text, "suggestion": suggestion, "topic": topic,
            "name": name or None, "email": email, "phone": phone_pair[0] if phone_pair else None,
            "case_reference": reference or None,
            "locale": draft.locale if draft.locale in LOCALES else "sv"}


def _optional(value: str, normalizer, name: str, problems: list[RuleViolation]):
    if not value.strip():
        return None
    try:
        return normalizer(value)
    except ValueError as error:
        problems.append(violation(name, str(error)))
        return None


def store_feedback(session: Session, draft: FeedbackDraft, *, topic_keys: Iterable[str],
                   now: datetime) -> Feedback:
    """Keep a remark for the improvement process; linked to the case it names, if any.

    The link is made silently: the citizen is never told whether a reference exists.
    """
    values = check_feedback(draft, topic_keys)
    case_id = None
    if values["case_reference"]:
        case_id = session.scalar(select(Case.id).where(Case.reference == values["case_reference"]))
    feedback = Feedback(channel=Channel.WEB, created_at=now, case_id=case_id, **values)
    session.add(feedback)
    session.flush()
    return feedback


# --- "Does this answer your question?" ---------------------------------------------------------

_INSERTS = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}
_COUNTS = AnswerHelpedCount.__table__


def _bump(session: Session, article_ids: Iterable[int], column: str, day: date) -> None:
    """Add one to `column` of each article's row for the day (created when missing)."""
    rows = [{"article_id": article_id, "day": day, "shown": 0, "helped": 0, "not_helped": 0,
             column: 1} for article_id in dict.fromkeys(article_ids)]
    if not rows:
        return
    insert = _INSERTS[session.get_bind().dialect.name](_COUNTS)
    session.execute(insert.values(rows).on_conflict_do_update(
        index_elements=["article_id", "day"], set_={column: _COUNTS.c[column] + 1}))


def count_answers_shown(session: Session, article_ids: Iterable[int], *, day: date) -> None:
    """The web form showed these answers before sending."""
    _bump(session, article_ids, "shown", day)


def count_answer_vote(session: Session, article_id: int, helped: bool, *, day: date) -> None:
    """A citizen said the answer did (or did not) answer the question."""
    _bump(session, [article_id], "helped" if helped else "not_helped", day)


def answer_counts(session: Session, article_id: int) -> tuple[int, int, int]:
    """(shown, helped, not helped) over all days."""
    row = session.execute(select(
        func.coalesce(func.sum(_COUNTS.c.shown), 0), func.coalesce(func.sum(_COUNTS.c.helped), 0),
        func.coalesce(func.sum(_COUNTS.c.not_helped), 0)).where(
            _COUNTS.c.article_id == article_id)).one()
    return int(row[0]), int(row[1]), int(row[2])


# --- knowledge-base answers for the web form ------------------------------------------------


def suggest_answers(session: Session, query: str, *, label_id: int | None = None,
                    limit: int = 3) -> list:
    """Public knowledge-base answers matching the citizen's words (ArticleHit objects).

    Searches within the topic's label first, then everywhere, so an answer filed under
    a neighbouring label still helps. Only published public articles with a citizen answer
    are ever returned, whatever the search does; the templates show that answer and never
    the agent's script.
    """
    if not query.strip():
        return []
    hits = list(search(session, query, audience="public", label_id=label_id, limit=limit))
    if label_id is not None and len(hits) < limit:
        seen = {hit.article.id for hit in hits}
        hits += [hit for hit in search(session, query, audience="public", limit=limit)
                 if hit.article.id not in seen]
    return [hit for hit in hits if _public(hit.article)][:limit]


def _public(article) -> bool:
    return article.status == "published" and on_portal(article)


def public_article(session: Session, article_id: int):
    """The article, if citizens may see it (for counting a vote on it)."""
    from models import Article

    article = session.get(Article, article_id)
    return article if article is not None and _public(article) else None

