"""Knowledge-base articles as plain data: their fields, the rules for them, and the front
matter of the Markdown file format (docs/knowledge-format.md).

An article has two voices. The agent's: the answer script read out on the phone, the
checklist and the background (body). The citizen's: the citizen answer in Swedish and,
optionally, in English under an English title — written to the citizen ("du"), and the only
text the citizen portal shows. A public article without a citizen answer is not shown on the
portal; `portal_warnings` says so before it is published.

The admin form and the file import both end here, so a title that is too long or a valid-to
date before valid-from is refused in the same words wherever it was typed. Every problem is
collected and raised once (`RuleViolations`), each naming its field ("labels[1]",
"valid_to"); the caller adds the file and line. References to the database (department,
labels, reviewer) are checked against sets of known keys handed in, so this module needs
neither Flask nor a database.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from rosa.errors import RuleViolation, RuleViolations, violation
from rosa.i18n import N_

STATUSES = ("draft", "published", "archived")
AUDIENCES = ("internal", "public")
STATUS_TITLES = {"draft": N_("Draft"), "published": N_("Published"), "archived": N_("Archived")}
AUDIENCE_TITLES = {"internal": N_("Internal (staff only)"),
                   "public": N_("Public (also citizens)")}

MAX_SLUG = 120
MAX_TITLE = 200
MAX_ANSWER = 2000  # read out on the phone: a few sentences, not a page
MAX_CHECKLIST_ITEMS = 30
MAX_CHECKLIST_ITEM = 300
MAX_BODY = 100_000
MAX_CITIZEN_ANSWER = 20_000  # a web answer: a few paragraphs, a list, perhaps a table
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# A label is written as its path "Function › Case type › Label"; ">" is accepted for "›"
# because it is on every keyboard.
_PATH_SEPARATOR = re.compile(r"\s*[›>]\s*")

FRONT_MATTER_FIELDS = ("title", "title_en", "department", "labels", "status", "audience",
                       "reviewer", "valid_from", "valid_to", "review_by", "answer_script",
                       "checklist", "citizen_answer", "citizen_answer_en")
_DELIMITER = "---"


@dataclass(frozen=True)
class ArticleDraft:
    """What a form or a file says about an article, before any rule is checked.

    Dates may be `date` objects (YAML) or ISO text (forms); the checklist may be a list or
    text with one item per line.
    """

    slug: str
    title: str
    answer_script: str = ""
    body: str = ""
    checklist: Sequence[str] | str = ()
    status: str = "draft"
    audience: str = "internal"
    valid_from: date | str | None = None
    valid_to: date | str | None = None
    review_by: date | str | None = None
    title_en: str = ""
    citizen_answer: str = ""
    citizen_answer_en: str = ""


@dataclass(frozen=True)
class ArticleFields:
    """An article's own fields after every rule passed, in their stored form."""

    slug: str
    title: str
    answer_script: str
    body: str
    checklist: tuple[str, ...]
    status: str
    audience: str
    valid_from: date | None
    valid_to: date | None
    review_by: date | None
    title_en: str = ""
    citizen_answer: str = ""  # Markdown, Swedish
    citizen_answer_en: str = ""  # Markdown, English (needs title_en)


@dataclass(frozen=True)
class ArticleSpec:
    """One article file: its fields and its references by name (department code, label
    paths as normalised keys, reviewer username)."""

    fields: ArticleFields
    department: str
    labels: tuple[tuple[str, ...], ...] = ()
    reviewer: str | None = None


@dataclass
class _Problems:
    found: list[RuleViolation] = field(default_factory=list)

    def add(self, field_name: str, reason: str, **params: object) -> None:
        self.found.append(violation(field_name, reason, **params))


# --- fields -------------------------------------------------------------------------------


def normalise_text(text: str | None) -> str:
    """Line endings as "\\n", no leading blank lines, no trailing white space; the same in the
    form, the file and the database, so an export re-imports without a change."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    return text.strip("\n").rstrip()


def checklist_items(value: Sequence[str] | str | None) -> tuple[str, ...]:
    """The checklist's items: one per line of text, or the list's entries, blanks dropped."""
    if value is None:
        return ()
    items = value.splitlines() if isinstance(value, str) else list(value)
    return tuple(" ".join(str(item).split()) for item in items if str(item).strip())


def clean_article(draft: ArticleDraft) -> ArticleFields:
    """Check every rule of an article's own fields; raise all problems at once."""
    problems = _Problems()
    fields = _clean(draft, problems)
    if problems.found:
        raise RuleViolations(problems.found)
    return fields


def _clean(draft: ArticleDraft, problems: _Problems) -> ArticleFields:
    slug = (draft.slug or "").strip()
    if not slug:
        problems.add("slug", N_("This field is required"))
    elif len(slug) > MAX_SLUG:
        problems.add("slug", N_("At most %(max)s characters"), max=MAX_SLUG)
    elif not SLUG.match(slug):
        problems.add("slug", N_("Use lower-case letters a–z, digits and single hyphens, "
                                "e.g. avfall-hamtningsdagar"))
    title = " ".join((draft.title or "").split())
    if not title:
        problems.add("title", N_("This field is required"))
    elif len(title) > MAX_TITLE:
        problems.add("title", N_("At most %(max)s characters"), max=MAX_TITLE)
    answer = normalise_text(draft.answer_script)
    if len(answer) > MAX_ANSWER:
        problems.add("answer_script", N_("At most %(max)s characters; the answer script is "
                                         "read out on the phone, keep it short"), max=MAX_ANSWER)
    body = normalise_text(draft.body)
    if len(body) > MAX_BODY:
        problems.add("body", N_("At most %(max)s characters"), max=MAX_BODY)
    checklist = checklist_items(draft.checklist)
    if len(checklist) > MAX_CHECKLIST_ITEMS:
        problems.add("checklist", N_("At most %(max)s items"), max=MAX_CHECKLIST_ITEMS)
    for index, item in enumerate(checklist, start=1):
        if len(item) > MAX_CHECKLIST_ITEM:
            problems.add("checklist", N_("Item %(n)s: at most %(max)s characters"), n=index,
                         max=MAX_CHECKLIST_ITEM)
    status = (draft.status or "").strip()
    if status not in STATUSES:
        problems.add("status", N_("Choose one of: %(choices)s"), choices=", ".join(STATUSES))
    audience = (draft.audience or "").strip()
    if audience not in AUDIENCES:
        problems.add("audience", N_("Choose one of: %(choices)s"), choices=", ".join(AUDIENCES))
    valid_from = _date(draft.valid_from, "valid_from", problems)
    valid_to = _date(draft.valid_to, "valid_to", problems)
    review_by = _date(draft.review_by, "review_by", problems)
    if valid_from and valid_to and valid_to < valid_from:
        problems.add("valid_to", N_("Valid to must not be before valid from"))
    title_en, citizen, citizen_en = _clean_citizen(draft, problems)
    if status == "published" and not (answer or body or citizen):
        problems.add("answer_script", N_("A published article needs an answer script, a body "
                                         "or a citizen answer"))
    return ArticleFields(slug=slug, title=title, answer_script=answer, body=body,
                         checklist=checklist, status=status, audience=audience,
                         valid_from=valid_from, valid_to=valid_to, review_by=review_by,
                         title_en=title_en, citizen_answer=citizen,
                         citizen_answer_en=citizen_en)


def _clean_citizen(draft: ArticleDraft, problems: _Problems) -> tuple[str, str, str]:
    """The citizen's voice: English title, Swedish and English answers."""
    title_en = " ".join((draft.title_en or "").split())
    if len(title_en) > MAX_TITLE:
        problems.add("title_en", N_("At most %(max)s characters"), max=MAX_TITLE)
    citizen = normalise_text(draft.citizen_answer)
    citizen_en = normalise_text(draft.citizen_answer_en)
    for name, text in (("citizen_answer", citizen), ("citizen_answer_en", citizen_en)):
        if len(text) > MAX_CITIZEN_ANSWER:
            problems.add(name, N_("At most %(max)s characters; citizens read this on the web, "
                                  "keep it to the point"), max=MAX_CITIZEN_ANSWER)
    if citizen_en and not citizen:
        problems.add("citizen_answer", N_("Write the answer in Swedish too: the English answer "
                                          "is a translation of it"))
    if citizen_en and not title_en:
        problems.add("title_en", N_("Give the English answer an English title"))
    return title_en, citizen, citizen_en


def portal_warnings(fields: ArticleFields) -> list[RuleViolation]:
    """What an editor should know before saving: a published public article without a
    citizen answer is not shown on the citizen portal at all (the agent's script never is)."""
    if fields.status == "published" and fields.audience == "public" \
            and not fields.citizen_answer:
        return [violation("citizen_answer", N_(
            "Citizens will not see this public article until it has a citizen answer: the "
            "portal shows only the citizen answer, never the agent's script"))]
    return []


def on_portal(fields_or_article) -> bool:
    """Whether the citizen portal may show the article: public, with a citizen answer
    (`citizen_answer` on fields, `citizen_answer_md` on a stored article)."""
    answer = getattr(fields_or_article, "citizen_answer", None)
    if answer is None:
        answer = getattr(fields_or_article, "citizen_answer_md", "")
    return fields_or_article.audience == "public" and bool(answer)


def _date(value: object, name: str, problems: _Problems) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    problems.add(name, N_("Write a date as YYYY-MM-DD"))
    return None


def parse_date(value: object, name: str) -> date | None:
    """A date from a form or file value; RuleViolations naming `name` if it is not one."""
    problems = _Problems()
    found = _date(value, name, problems)
    if problems.found:
        raise RuleViolations(problems.found)
    return found


def is_stale(review_by: date | None, status: str, today: date) -> bool:
    """An article past its review-by date is stale: agents should not trust it blindly, and
    the owning department should look at it. Archived articles are no longer read."""
    return review_by is not None and review_by < today and status != "archived"


def is_current(fields_or_article, today: date) -> bool:
    """Published, and today within valid-from … valid-to (either may be open)."""
    valid_from, valid_to = fields_or_article.valid_from, fields_or_article.valid_to
    return (fields_or_article.status == "published"
            and (valid_from is None or valid_from <= today)
            and (valid_to is None or today <= valid_to))


def label_key(text: str) -> tuple[str, ...]:
    """A label reference compared case- and space-insensitively: "avfall > sophämtning >
    utebliven" and "Avfall › Sophämtning › Utebliven" are the same label."""
    parts = _PATH_SEPARATOR.split(" ".join(str(text).split()))
    return tuple(part.casefold() for part in parts if part)


# --- the file format ----------------------------------------------------------------------


@dataclass(frozen=True)
class SplitFile:
    """An article file cut into its YAML front matter and its Markdown body."""

    front_matter: str
    body: str
    front_matter_line: int  # the file line of the front matter's first line
    body_line: int


def split_front_matter(text: str) -> SplitFile:
    """Cut "---\\n<YAML>\\n---\\n<Markdown>"; RuleViolations if the delimiters are missing."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if text.startswith("\ufeff"):
        lines[0] = lines[0][1:]
    if not lines or lines[0].strip() != _DELIMITER:
        raise RuleViolations([violation("front matter", N_(
            "The file must start with a line '---', the front matter (YAML) and another "
            "line '---'"))])
    for index in range(1, len(lines)):
        if lines[index].strip() == _DELIMITER:
            return SplitFile(front_matter="\n".join(lines[1:index]),
                             body=normalise_text("\n".join(lines[index + 1:])),
                             front_matter_line=2, body_line=index + 2)
    raise RuleViolations([violation("front matter", N_(
        "The front matter is not closed by a line '---'"))])


def read_front_matter(
    slug: str, front: object, body: str, *, departments: Collection[str],
    labels: Collection[tuple[str, ...]], reviewers: Collection[str],
) -> ArticleSpec:
    """Check a parsed front matter (a mapping) and the body of the file `<slug>.md`.

    `labels` holds the known labels' keys (`label_key` of their paths); `departments` and
    `reviewers` the known codes and usernames. Raises RuleViolations with every problem.
    """
    problems = _Problems()
    if not isinstance(front, Mapping):
        raise RuleViolations([violation("front matter", N_(
            "The front matter must be a mapping of fields (title: …, department: …)"))])
    for key in front:
        if key not in FRONT_MATTER_FIELDS:
            problems.add(str(key), N_("Unknown field; the fields are: %(fields)s"),
                         fields=", ".join(FRONT_MATTER_FIELDS))
    for key in ("title", "title_en", "department", "status", "audience", "reviewer",
                "answer_script", "citizen_answer", "citizen_answer_en"):
        value = front.get(key)
        if value is not None and not isinstance(value, str | int | float):
            problems.add(key, N_("Must be text"))
    checklist = front.get("checklist")
    checklist = [] if checklist is None else checklist
    if not isinstance(checklist, list) or not all(isinstance(i, str | int | float)
                                                  for i in checklist):
        problems.add("checklist", N_("Must be a list of text items"))
        checklist = ()
    draft = ArticleDraft(
        slug=slug, title=_text(front.get("title")), body=body,
        answer_script=_text(front.get("answer_script")), checklist=[str(i) for i in checklist],
        status=_text(front.get("status")) or "draft",
        audience=_text(front.get("audience")) or "internal",
        valid_from=_date_value(front.get("valid_from")),
        valid_to=_date_value(front.get("valid_to")),
        review_by=_date_value(front.get("review_by")),
        title_en=_text(front.get("title_en")),
        citizen_answer=_text(front.get("citizen_answer")),
        citizen_answer_en=_text(front.get("citizen_answer_en")))
    fields = _clean(draft, problems)
    department = _text(front.get("department")).strip()
    if not department:
        problems.add("department", N_("This field is required"))
    elif department not in departments:
        problems.add("department", N_("Unknown department '%(code)s'"), code=department)
    found_labels = _labels(front.get("labels"), labels, problems)
    reviewer = _text(front.get("reviewer")).strip() or None
    if reviewer is not None and reviewer not in reviewers:
        problems.add("reviewer", N_("Unknown user '%(username)s'"), username=reviewer)
    if problems.found:
        raise RuleViolations(problems.found)
    return ArticleSpec(fields=fields, department=department, labels=found_labels,
                       reviewer=reviewer)


def _labels(value: object, known: Collection[tuple[str, ...]],
            problems: _Problems) -> tuple[tuple[str, ...], ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        problems.add("labels", N_("Must be a list of label paths "
                                  "(Function › Case type › Label)"))
        return ()
    found: dict[tuple[str, ...], None] = {}
    for index, item in enumerate(value):
        name = f"labels[{index}]"
        key = label_key(item) if isinstance(item, str) else ()
        if not isinstance(item, str) or len(key) != 3:
            problems.add(name, N_("Write a label as 'Function › Case type › Label'"))
        elif key not in known:
            problems.add(name, N_("Unknown label '%(path)s'"), path=item)
        elif key in found:
            problems.add(name, N_("The label '%(path)s' is listed twice"), path=item)
        else:
            found[key] = None
    return tuple(found)


def _text(value: object) -> str:
    return "" if value is None else str(value)


def _date_value(value: object) -> object:
    """YAML gives dates as `date`; anything else is left for the date rule to refuse."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return value
