"""Writing knowledge-base articles: every save is checked, rendered, indexed and versioned.

`save_article` is the one writer, for the admin form and the file import alike. A save
renders the Markdown body and citizen answers to sanitised HTML (agents see the body, the
citizen portal only the citizen answers, both as is, so scripts, event handlers and
javascript: links never reach the page), fills the analysed `search_*` columns the full-text
index reads (the citizen answers with the body: the portal searches titles and bodies, never
the script), and appends an `ArticleVersion` with who changed what. Editing is optimistically
locked: the form carries the version it was loaded at, and a save against a newer version is
refused (`EditConflict`) instead of silently overwriting a colleague's changes. A save that
changes nothing writes nothing. A save that would make a published public article invisible
to citizens (no citizen answer) is refused with `NeedsConfirmation` unless the editor
confirmed it; the import confirms and reports.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

import markdown
import nh3
from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session, joinedload
from sqlalchemy.orm.exc import StaleDataError

from app.services.audit import audit
from knowledge_base.articles import (
    ArticleDraft,
    ArticleFields,
    clean_article,
    is_stale,
    portal_warnings,
)
from knowledge_base.documents import index_fields
from models import (
    Article,
    ArticleVersion,
    AuditEntry,
    CaseType,
    Department,
    Label,
    User,
    article_labels,
)
from rosa.errors import RuleViolation, RuleViolations, violation
from rosa.i18n import N_

# What an article body may contain after sanitising: structure, emphasis, links and tables.
ALLOWED_TAGS = {
    "h1", "h2", "h3", "h4", "h5", "h6", "p", "br", "hr", "blockquote", "pre", "code",
    "ul", "ol", "li", "dl", "dt", "dd", "strong", "em", "b", "i", "a", "abbr",
    "table", "thead", "tbody", "tr", "th", "td", "caption",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"align", "scope"},
                      "td": {"align"}, "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto", "tel"}
# Fields compared for "what changed"; the first group is kept in every ArticleVersion.
VERSIONED = ("title", "answer_script", "body_md", "checklist", "status", "audience", "labels",
             "title_en", "citizen_answer_md", "citizen_answer_en_md")
METADATA = ("slug", "department", "reviewer", "valid_from", "valid_to", "review_by")
FIELD_TITLES = {
    "slug": N_("Slug"), "title": N_("Title"), "answer_script": N_("Agent's answer script"),
    "body_md": N_("Background for agents"), "checklist": N_("Checklist"),
    "title_en": N_("Title in English"),
    "citizen_answer_md": N_("Answer for citizens (Swedish)"),
    "citizen_answer_en_md": N_("Answer for citizens (English)"), "status": N_("Status"),
    "audience": N_("Audience"), "labels": N_("Labels"), "department": N_("Owning department"),
    "reviewer": N_("Reviewer"), "valid_from": N_("Valid from"), "valid_to": N_("Valid to"),
    "review_by": N_("Review by"),
}


def render_markdown(text: str) -> str:
    """Markdown → HTML with only harmless tags, attributes and link schemes left."""
    html = markdown.markdown(text or "", extensions=["tables", "sane_lists"],
                             extension_configs={"tables": {"use_align_attribute": True}},
                             output_format="html")
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                     url_schemes=URL_SCHEMES, link_rel="noopener noreferrer")


@dataclass
class ArticleInput:
    """An article as typed in the form or read from a file (references as ids)."""

    slug: str
    title: str
    department_id: int | None
    answer_script: str = ""
    body_md: str = ""
    checklist: Sequence[str] | str = ()
    status: str = "draft"
    audience: str = "internal"
    valid_from: date | str | None = None
    valid_to: date | str | None = None
    review_by: date | str | None = None
    reviewer_id: int | None = None
    label_ids: Sequence[int] = ()
    title_en: str = ""
    citizen_answer_md: str = ""
    citizen_answer_en_md: str = ""


class EditConflict(RuleViolations):
    """Someone saved the article after the editor loaded it; nothing was written."""

    def __init__(self, current_version: int | None = None):
        self.current_version = current_version
        if current_version is None:
            problem = violation("version", N_(
                "Someone else saved this article while you were editing it. Nothing was "
                "overwritten: your text is kept below. Open the article again to see their "
                "changes, then make yours."))
        else:
            problem = violation("version", N_(
                "Someone else saved this article while you were editing it (it is now at "
                "version %(version)s). Nothing was overwritten: your text is kept below. Open "
                "the article again to see their changes, then make yours."),
                version=current_version)
        super().__init__([problem])


class NeedsConfirmation(RuleViolations):
    """The save would publish a public article citizens cannot see; nothing was written."""


@dataclass
class SaveResult:
    article: Article
    changed: tuple[str, ...]  # field names; () when the save changed nothing
    created: bool = False
    warnings: tuple[RuleViolation, ...] = ()  # e.g. public but not on the portal


def save_article(session: Session, actor: User | None, article: Article | None,
                 data: ArticleInput, *, now: datetime, expected_version: int | None = None,
                 note: str = "", confirmed: bool = True) -> SaveResult:
    """Create (article=None) or update an article; raise RuleViolations with every problem.

    `expected_version` is the version the editor loaded; None skips the check (the import,
    which owns the content it writes). With `confirmed=False` a save that newly makes a
    published public article invisible on the portal raises NeedsConfirmation (the form
    asks the editor); the result's `warnings` say so either way.
    """
    if article is not None and expected_version is not None and \
            article.version != expected_version:
        raise EditConflict(article.version)
    fields, label_ids = _checked(session, article, data)
    created = article is None
    warnings = tuple(portal_warnings(fields))
    if warnings and not confirmed and (created or not portal_warnings(_fields_of(article))):
        raise NeedsConfirmation(list(warnings))
    before = {} if created else _state(article, label_ids_of(session, article.id))
    after = _state_of(fields, data, label_ids)
    changed = tuple(name for name in (*VERSIONED, *METADATA) if before.get(name) != after[name])
    if not created and not changed:
        return SaveResult(article, (), warnings=warnings)
    article = article or Article(times_used=0, created_at=now)
    _assign(article, fields, data)
    article.updated_at = now
    session.add(article)
    try:
        session.flush()
    except StaleDataError:
        # Another transaction saved between our read and our write (the caller rolls back).
        raise EditConflict() from None
    _set_labels(session, article.id, before.get("labels", ()), label_ids)
    session.add(ArticleVersion(
        article_id=article.id, version=article.version, title=article.title,
        title_en=article.title_en, answer_script=article.answer_script,
        body_md=article.body_md, citizen_answer_md=article.citizen_answer_md,
        citizen_answer_en_md=article.citizen_answer_en_md,
        checklist=list(article.checklist), status=article.status, audience=article.audience,
        label_ids=list(label_ids), changed_by_id=actor.id if actor else None, changed_at=now,
        note=" ".join((note or "").split())[:500]))
    audit(session, actor, "article.created" if created else "article.updated", "article",
          article.id, now=now, slug=article.slug, version=article.version,
          changed=list(changed), values=_short_changes(before, after, changed))
    return SaveResult(article, changed, created, warnings)


def _fields_of(article: Article) -> ArticleFields:
    """The stored article's own fields, for comparing its warnings with a save's."""
    return ArticleFields(
        slug=article.slug, title=article.title, answer_script=article.answer_script,
        body=article.body_md, checklist=tuple(article.checklist or ()),
        status=article.status, audience=article.audience, valid_from=article.valid_from,
        valid_to=article.valid_to, review_by=article.review_by, title_en=article.title_en,
        citizen_answer=article.citizen_answer_md,
        citizen_answer_en=article.citizen_answer_en_md)


def _checked(session: Session, article: Article | None,
             data: ArticleInput) -> tuple[ArticleFields, tuple[int, ...]]:
    problems: list[RuleViolation] = []
    fields = None
    try:
        fields = clean_article(ArticleDraft(
            slug=data.slug, title=data.title, answer_script=data.answer_script,
            body=data.body_md, checklist=data.checklist, status=data.status,
            audience=data.audience, valid_from=data.valid_from, valid_to=data.valid_to,
            review_by=data.review_by, title_en=data.title_en,
            citizen_answer=data.citizen_answer_md,
            citizen_answer_en=data.citizen_answer_en_md))
    except RuleViolations as refused:
        problems.extend(refused.violations)
    if data.department_id is None or session.get(Department, data.department_id) is None:
        problems.append(violation("department_id", N_("Choose the owning department")))
    if data.reviewer_id is not None and session.get(User, data.reviewer_id) is None:
        problems.append(violation("reviewer_id", N_("Unknown user")))
    label_ids = tuple(sorted(set(int(i) for i in data.label_ids)))
    known = set(session.scalars(select(Label.id).where(Label.id.in_(label_ids)))) if \
        label_ids else set()
    if known != set(label_ids):
        problems.append(violation("label_ids", N_("Unknown label")))
    if fields is not None and fields.slug:
        taken = select(Article.id).where(Article.slug == fields.slug)
        if article is not None and article.id is not None:
            taken = taken.where(Article.id != article.id)
        if session.scalar(taken) is not None:
            problems.append(violation("slug", N_("Another article already has this slug")))
    if problems:
        raise RuleViolations(problems)
    assert fields is not None
    return fields, label_ids


def _assign(article: Article, fields: ArticleFields, data: ArticleInput) -> None:
    article.slug, article.title, article.title_en = fields.slug, fields.title, fields.title_en
    article.answer_script, article.body_md = fields.answer_script, fields.body
    article.body_html = render_markdown(fields.body)
    article.citizen_answer_md = fields.citizen_answer
    article.citizen_answer_html = render_markdown(fields.citizen_answer)
    article.citizen_answer_en_md = fields.citizen_answer_en
    article.citizen_answer_en_html = render_markdown(fields.citizen_answer_en)
    article.checklist = list(fields.checklist)
    article.status, article.audience = fields.status, fields.audience
    article.valid_from, article.valid_to = fields.valid_from, fields.valid_to
    article.review_by = fields.review_by
    article.department_id, article.reviewer_id = data.department_id, data.reviewer_id
    for column, value in index_fields(
            fields.title, fields.answer_script, fields.checklist, fields.body,
            citizen=(fields.citizen_answer, fields.citizen_answer_en)).items():
        setattr(article, column, value)


def _state(article: Article, label_ids: Iterable[int]) -> dict[str, object]:
    return {
        "slug": article.slug, "title": article.title, "answer_script": article.answer_script,
        "body_md": article.body_md, "checklist": tuple(article.checklist or ()),
        "title_en": article.title_en, "citizen_answer_md": article.citizen_answer_md,
        "citizen_answer_en_md": article.citizen_answer_en_md,
        "status": article.status, "audience": article.audience,
        "labels": tuple(sorted(label_ids)), "department": article.department_id,
        "reviewer": article.reviewer_id, "valid_from": article.valid_from,
        "valid_to": article.valid_to, "review_by": article.review_by,
    }


def _state_of(fields: ArticleFields, data: ArticleInput,
              label_ids: tuple[int, ...]) -> dict[str, object]:
    return {
        "slug": fields.slug, "title": fields.title, "answer_script": fields.answer_script,
        "body_md": fields.body, "checklist": fields.checklist, "status": fields.status,
        "title_en": fields.title_en, "citizen_answer_md": fields.citizen_answer,
        "citizen_answer_en_md": fields.citizen_answer_en,
        "audience": fields.audience, "labels": label_ids, "department": data.department_id,
        "reviewer": data.reviewer_id, "valid_from": fields.valid_from,
        "valid_to": fields.valid_to, "review_by": fields.review_by,
    }


def _short_changes(before: dict, after: dict, changed: Iterable[str]) -> dict[str, list]:
    """Old and new values of the short fields, for the audit log and the history page."""
    def plain(value):
        return value.isoformat() if isinstance(value, date) else value

    return {name: [plain(before.get(name)), plain(after[name])] for name in changed
            if name in METADATA or name in ("title", "title_en", "status", "audience")}


def _set_labels(session: Session, article_id: int, old: Iterable[int],
                new: Iterable[int]) -> None:
    old_ids, new_ids = set(old), set(new)
    if old_ids - new_ids:
        session.execute(delete(article_labels).where(
            article_labels.c.article_id == article_id,
            article_labels.c.label_id.in_(old_ids - new_ids)))
    if new_ids - old_ids:
        session.execute(insert(article_labels), [
            {"article_id": article_id, "label_id": label_id}
            for label_id in sorted(new_ids - old_ids)])


def label_ids_of(session: Session, article_id: int | None) -> tuple[int, ...]:
    if article_id is None:
        return ()
    return tuple(sorted(session.scalars(select(article_labels.c.label_id).where(
        article_labels.c.article_id == article_id))))


def labels_by_article(session: Session, article_ids: Iterable[int]) -> dict[int, list[Label]]:
    """The labels of many articles in one query, each list ordered by path."""
    ids = list(article_ids)
    found: dict[int, list[Label]] = {i: [] for i in ids}
    if not ids:
        return found
    rows = session.execute(
        select(article_labels.c.article_id, Label).join(
            Label, Label.id == article_labels.c.label_id)
        .where(article_labels.c.article_id.in_(ids))
        .options(joinedload(Label.case_type).joinedload(CaseType.function))).all()
    for article_id, label in rows:
        found[article_id].append(label)
    for labels in found.values():
        labels.sort(key=lambda lab: [part.casefold() for part in lab.path])
    return found


# --- lists --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ArticleFilter:
    status: str = ""
    audience: str = ""
    department_id: int | None = None
    stale: bool = False
    text: str = ""


@dataclass
class ArticleRow:
    article: Article
    stale: bool
    labels: list[Label] = field(default_factory=list)

    @property
    def hidden_from_citizens(self) -> bool:
        """Public and published, but without a citizen answer: the portal leaves it out."""
        return bool(portal_warnings(_fields_of(self.article)))


def list_articles(session: Session, filters: ArticleFilter, *, today: date) -> list[ArticleRow]:
    """Articles for the admin list, by title; stale ones are marked (and can be filtered)."""
    query = select(Article).options(joinedload(Article.department),
                                    joinedload(Article.reviewer))
    if filters.status:
        query = query.where(Article.status == filters.status)
    if filters.audience:
        query = query.where(Article.audience == filters.audience)
    if filters.department_id:
        query = query.where(Article.department_id == filters.department_id)
    if filters.stale:
        query = query.where(Article.review_by < today, Article.status != "archived")
    articles = session.scalars(query).unique().all()
    text = " ".join(filters.text.split()).casefold()
    if text:  # in Python: SQLite's lower() leaves Å, Ä and Ö alone
        articles = [a for a in articles if text in a.title.casefold() or text in a.slug]
    articles = sorted(articles, key=lambda a: (a.title.casefold(), a.id))
    labels = labels_by_article(session, [a.id for a in articles])
    return [ArticleRow(a, is_stale(a.review_by, a.status, today), labels[a.id])
            for a in articles]


# --- history ------------------------------------------------------------------------------


@dataclass
class FieldChange:
    name: str
    old: str = ""
    new: str = ""
    diff: list[tuple[str, str]] = field(default_factory=list)  # ("+"|"-"|" ", line)


@dataclass
class VersionEntry:
    version: ArticleVersion
    changes: list[FieldChange]


def article_history(session: Session, article: Article) -> list[VersionEntry]:
    """Every saved version, newest first, with the fields that changed from the one before
    (text fields as a line diff, short fields as old → new)."""
    versions = session.scalars(
        select(ArticleVersion).where(ArticleVersion.article_id == article.id)
        .options(joinedload(ArticleVersion.changed_by))
        .order_by(ArticleVersion.version)).all()
    audited = _audited_values(session, article.id)
    names = _label_names(session, {i for v in versions for i in v.label_ids or ()})
    entries: list[VersionEntry] = []
    previous: ArticleVersion | None = None
    for version in versions:
        changes = _version_changes(previous, version, names)
        for name, (old, new) in audited.get(version.version, {}).items():
            if name in METADATA:
                changes.append(FieldChange(name, _shown(old), _shown(new)))
        entries.append(VersionEntry(version, changes))
        previous = version
    return entries[::-1]


def _version_changes(previous: ArticleVersion | None, current: ArticleVersion,
                     names: dict[int, str]) -> list[FieldChange]:
    changes = []
    for name in ("title", "title_en", "status", "audience"):
        old = getattr(previous, name) if previous else ""
        if old != getattr(current, name):
            changes.append(FieldChange(name, old, getattr(current, name)))
    for name in ("citizen_answer_md", "citizen_answer_en_md", "answer_script", "body_md",
                 "checklist", "labels"):
        old_lines = _lines(previous, name, names) if previous else []
        new_lines = _lines(current, name, names)
        if old_lines != new_lines:
            diff = [(line[0], line[2:]) for line in difflib.ndiff(old_lines, new_lines)
                    if line[:1] in "+- "]
            changes.append(FieldChange(name, diff=_around_changes(diff)))
    return changes


def _around_changes(diff: list[tuple[str, str]], context: int = 2) -> list[tuple[str, str]]:
    """The changed lines with a little context; runs of unchanged lines become ("…", "")."""
    near = {i + d for i, (mark, _line) in enumerate(diff) if mark != " "
            for d in range(-context, context + 1)}
    shown: list[tuple[str, str]] = []
    for index, line in enumerate(diff):
        if index in near:
            shown.append(line)
        elif not shown or shown[-1][0] != "…":
            shown.append(("…", ""))
    return shown


def _lines(version: ArticleVersion, name: str, names: dict[int, str]) -> list[str]:
    if name == "checklist":
        return [str(item) for item in version.checklist or ()]
    if name == "labels":
        return sorted(names.get(i, f"#{i}") for i in version.label_ids or ())
    return (getattr(version, name) or "").split("\n") if getattr(version, name) else []


def _label_names(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    labels = session.scalars(select(Label).where(Label.id.in_(ids)).options(
        joinedload(Label.case_type).joinedload(CaseType.function)))
    return {label.id: label.path_text for label in labels}


def _audited_values(session: Session, article_id: int) -> dict[int, dict[str, list]]:
    rows = session.scalars(select(AuditEntry).where(
        AuditEntry.target_type == "article", AuditEntry.target_id == str(article_id),
        AuditEntry.action.in_(("article.created", "article.updated"))))
    found: dict[int, dict[str, list]] = {}
    for row in rows:
        data = row.data or {}
        if isinstance(data.get("version"), int):
            found[data["version"]] = dict(data.get("values") or {})
    return _with_names(session, found)


def _with_names(session: Session, found: dict[int, dict[str, list]]) -> dict[int, dict]:
    """Department and reviewer ids as names, for people reading the history."""
    departments = dict(session.execute(select(Department.id, Department.name)).all())
    user_ids = {v for values in found.values() for v in values.get("reviewer", ()) if v}
    users = dict(session.execute(select(User.id, User.full_name).where(
        User.id.in_(user_ids))).all()) if user_ids else {}
    for values in found.values():
        if "department" in values:
            values["department"] = [departments.get(v, v) for v in values["department"]]
        if "reviewer" in values:
            values["reviewer"] = [users.get(v, v) for v in values["reviewer"]]
    return found


def _shown(value: object) -> str:
    return "" if value is None else str(value)
