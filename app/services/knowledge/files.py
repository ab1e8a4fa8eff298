"""Importing and exporting the knowledge base as a directory of files
(format: docs/knowledge-format.md).

One Markdown file per article (`<slug>.md`, YAML front matter then the body), the
administrators' thesaurus additions in `thesaurus.txt` (the shipped thesaurus's Solr format)
and, optionally, the bulletin board in `bulletins.yaml`. An import reads and checks every file
before it writes anything; each problem names its file, line and field
("avfall-tomning.md: line 4: labels[1]: Unknown label 'Avfall › X'"). Then it writes
everything in the caller's transaction: articles are upserted by slug through `save_article`
(a changed article gets a new version, an unchanged one is left alone), thesaurus lines are
added, bulletins are matched by title and start. Nothing is deleted. Exporting and importing
again changes nothing (the export is in `exporting`).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from pathlib import Path

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from app.services.audit import audit
from app.services.knowledge.articles import ArticleInput, save_article
from app.services.knowledge.bulletins import (
    KINDS,
    STOCKHOLM,
    BulletinInput,
    check_bulletin,
    labels_by_bulletin,
    local_datetime,
    save_bulletin,
)
from app.services.knowledge.thesaurus import (
    MAX_WORD,
    forget_cached_thesaurus,
)
from app.services.taxonomy_io import LineDict, LineLoader, load_yaml
from knowledge_base import Thesaurus, ThesaurusSyntaxError, phrase_key
from knowledge_base.articles import (
    ArticleSpec,
    SplitFile,
    label_key,
    read_front_matter,
    split_front_matter,
)
from models import (
    Article,
    Bulletin,
    CaseType,
    Department,
    Function,
    Label,
    ThesaurusEntry,
    User,
)
from rosa.errors import RuleViolation, RuleViolations, violation
from rosa.i18n import N_

ARTICLE_SUFFIX = ".md"
THESAURUS_FILE = "thesaurus.txt"
BULLETINS_FILE = "bulletins.yaml"
BULLETIN_FIELDS = ("title", "kind", "starts", "ends", "function", "labels", "area", "body")
# The bulletin service's field names → the file's.
_BULLETIN_KEYS = {"starts_at": "starts", "ends_at": "ends", "function_id": "function",
                  "label_ids": "labels"}


# --- YAML with line numbers for list items too -----------------------------------------


class LineList(list):
    """A list that remembers the line of each of its items."""

    item_lines: list[int]


class _Loader(LineLoader):
    """The taxonomy import's loader (line numbers, no duplicate keys), plus list lines."""


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode):
    items = LineList()
    items.item_lines = [child.start_mark.line + 1 for child in node.value]
    yield items
    items.extend(loader.construct_object(child, deep=True) for child in node.value)


_Loader.add_constructor("tag:yaml.org,2002:seq", _construct_sequence)


def _load(text: str, *, first_line: int = 1) -> object:
    """Parse YAML; a syntax error becomes a violation naming the file's line."""
    try:
        return yaml.load(text, Loader=_Loader)  # a SafeLoader underneath
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = first_line + mark.line if mark is not None else first_line
        problem = " ".join(filter(None, (error.context, error.problem)))
        raise RuleViolations([violation(f"line {line}", N_("Not valid YAML: %(problem)s"),
                                        problem=problem)]) from None
    except yaml.YAMLError:
        return load_yaml(text)  # raises with the taxonomy loader's wording


def _line_of(document: object, field_name: str, first_line: int) -> int | None:
    """The file line of a field such as "title" or "labels[1]" in a loaded mapping."""
    if not isinstance(document, LineDict):
        return None
    key, _sep, rest = field_name.partition("[")
    line = document.key_lines.get(key)
    value = document.get(key)
    if rest and isinstance(value, LineList):
        try:
            line = value.item_lines[int(rest.rstrip("]"))]
        except (ValueError, IndexError):
            pass
    return None if line is None else first_line + line - 1


def _located(file: str, line: int | None, problem: RuleViolation) -> RuleViolation:
    where = f"{file}: line {line}" if line else file
    return replace(problem, field=f"{where}: {problem.field}")


# --- reading a directory ----------------------------------------------------------------


@dataclass
class _Catalogue:
    """What the files may refer to, by the names the files use."""

    departments: dict[str, int]
    labels: dict[tuple[str, ...], int]
    users: dict[str, int]
    functions: dict[str, int]

    @classmethod
    def load(cls, session: Session) -> _Catalogue:
        labels = session.scalars(select(Label).options(
            joinedload(Label.case_type).joinedload(CaseType.function)))
        return cls(
            departments=dict(session.execute(select(Department.code, Department.id)).all()),
            labels={label_key(label.path_text): label.id for label in labels},
            users=dict(session.execute(select(User.username, User.id)).all()),
            functions={name.casefold(): fid for name, fid in session.execute(
                select(Function.name, Function.id))},
        )


@dataclass
class KnowledgeFiles:
    """A directory's contents, checked and ready to write."""

    articles: list[tuple[str, ArticleSpec]] = field(default_factory=list)  # (file, spec)
    thesaurus: Thesaurus | None = None
    bulletins: list[BulletinInput] = field(default_factory=list)


def read_knowledge(session: Session, directory: Path, *, shift_days: int = 0
                   ) -> KnowledgeFiles:
    """Read and check every file in `directory`; raise RuleViolations naming each problem.

    `shift_days` moves every date and time in the files by that many days (the demo's
    notices and review dates are written for one day and loaded on any other).
    """
    if not directory.is_dir():
        raise RuleViolations([violation(str(directory), N_("Not a directory"))])
    catalogue = _Catalogue.load(session)
    files = KnowledgeFiles()
    problems: list[RuleViolation] = []
    for path in sorted(directory.glob(f"*{ARTICLE_SUFFIX}")):
        try:
            spec = _read_article(path, catalogue)
        except RuleViolations as refused:
            problems.extend(refused.violations)
        else:
            files.articles.append((path.name, _shifted_article(spec, shift_days)))
    thesaurus_path = directory / THESAURUS_FILE
    if thesaurus_path.exists():
        try:
            files.thesaurus = Thesaurus.parse(_text(thesaurus_path))
            problems.extend(
                violation(THESAURUS_FILE, N_("'%(word)s': at most %(max)s characters"),
                          word=word[:40], max=MAX_WORD)
                for synonym in files.thesaurus.synonyms
                for word in (synonym.word, synonym.official) if len(word) > MAX_WORD)
        except ThesaurusSyntaxError as error:
            problems.extend(violation(f"{THESAURUS_FILE}: line {line}",
                                      N_("Not valid: %(problem)s"), problem=reason)
                            for line, reason in error.problems)
        except RuleViolations as refused:
            problems.extend(refused.violations)
    bulletins_path = directory / BULLETINS_FILE
    if bulletins_path.exists():
        try:
            files.bulletins = _read_bulletins(session, bulletins_path, catalogue, shift_days)
        except RuleViolations as refused:
            problems.extend(refused.violations)
    if not files.articles and not problems and files.thesaurus is None \
            and not bulletins_path.exists():
        problems.append(violation(str(directory), N_(
            "No article files (*.md), thesaurus.txt or bulletins.yaml found")))
    if problems:
        raise RuleViolations(problems)
    return files


def _text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise RuleViolations([violation(path.name, N_("The file is not UTF-8 text"))]) from None
    except OSError as error:
        raise RuleViolations([violation(path.name, N_("Cannot read the file: %(error)s"),
                                        error=error.strerror or str(error))]) from None


def _read_article(path: Path, catalogue: _Catalogue) -> ArticleSpec:
    split, front = None, None
    try:
        split = split_front_matter(_text(path))
        front = _load(split.front_matter, first_line=split.front_matter_line)
        return read_front_matter(
            path.name[:-len(ARTICLE_SUFFIX)], front, split.body,
            departments=catalogue.departments, labels=catalogue.labels,
            reviewers=catalogue.users)
    except RuleViolations as refused:
        raise RuleViolations([_article_problem(path.name, problem, split, front)
                              for problem in refused.violations]) from None


def _article_problem(name: str, problem: RuleViolation, split: SplitFile | None,
                     front: object) -> RuleViolation:
    """The problem with the file name and, where known, the line in front of its field."""
    if problem.field.startswith("line "):  # a YAML syntax error, already with its line
        return replace(problem, field=f"{name}: {problem.field}")
    if problem.field.startswith(name):  # the file could not be read
        return problem
    line = None
    if split is not None and problem.field == "body":
        line = split.body_line
    elif split is not None:
        line = _line_of(front, problem.field, split.front_matter_line)
    return _located(name, line, problem)


def _shifted_article(spec: ArticleSpec, days: int) -> ArticleSpec:
    if not days:
        return spec
    fields = spec.fields

    def moved(day: date | None) -> date | None:
        return None if day is None else day + timedelta(days=days)

    return replace(spec, fields=replace(fields, valid_from=moved(fields.valid_from),
                                        valid_to=moved(fields.valid_to),
                                        review_by=moved(fields.review_by)))


def _read_bulletins(session: Session, path: Path, catalogue: _Catalogue,
                    shift_days: int) -> list[BulletinInput]:
    try:
        document = _load(_text(path))
    except RuleViolations as refused:
        raise RuleViolations([problem if problem.field.startswith(BULLETINS_FILE) else
                              replace(problem, field=f"{BULLETINS_FILE}: {problem.field}")
                              for problem in refused.violations]) from None
    if document is None:
        return []
    if not isinstance(document, list):
        raise RuleViolations([violation(BULLETINS_FILE, N_(
            "The file must be a list of notices (each starting with '- title: …')"))])
    found: list[BulletinInput] = []
    problems: list[RuleViolation] = []
    for index, entry in enumerate(document):
        line = document.item_lines[index] if isinstance(document, LineList) else None
        where = f"{BULLETINS_FILE}: line {line}" if line else BULLETINS_FILE
        if not isinstance(entry, dict):
            problems.append(violation(f"{where}: [{index}]", N_("A notice must be a mapping")))
            continue
        data, own = _bulletin_input(entry, catalogue, shift_days)
        own.extend(check_bulletin(session, data))
        for problem in own:
            key = _BULLETIN_KEYS.get(problem.field, problem.field)
            at = _line_of(entry, key, 1) or line
            problems.append(_located(BULLETINS_FILE, at, replace(problem, field=key)))
        found.append(data)
    if problems:
        raise RuleViolations(problems)
    return found


def _bulletin_input(entry: dict, catalogue: _Catalogue, shift_days: int
                    ) -> tuple[BulletinInput, list[RuleViolation]]:
    problems = [violation(str(key), N_("Unknown field; the fields are: %(fields)s"),
                          fields=", ".join(BULLETIN_FIELDS))
                for key in entry if key not in BULLETIN_FIELDS]
    function_id = None
    function_name = entry.get("function")
    if function_name is not None:
        function_id = catalogue.functions.get(" ".join(str(function_name).split()).casefold())
        if function_id is None:
            problems.append(violation("function", N_("Unknown function '%(name)s'"),
                                      name=function_name))
    label_ids = []
    labels = entry.get("labels") or []
    if not isinstance(labels, list):
        problems.append(violation("labels", N_("Must be a list of label paths "
                                               "(Function › Case type › Label)")))
        labels = []
    for index, item in enumerate(labels):
        found = catalogue.labels.get(label_key(str(item)))
        if found is None:
            problems.append(violation(f"labels[{index}]", N_("Unknown label '%(path)s'"),
                                      path=item))
        else:
            label_ids.append(found)
    kind = str(entry.get("kind") or "other")
    if kind not in KINDS:
        problems.append(violation("kind", N_("Choose one of: %(choices)s"),
                                  choices=", ".join(KINDS)))
        kind = "other"
    starts = local_datetime(entry.get("starts"))
    ends = local_datetime(entry.get("ends"), end=True)
    shift = timedelta(days=shift_days)
    data = BulletinInput(
        title=str(entry.get("title") or ""), kind=kind, body=str(entry.get("body") or ""),
        starts_at=starts + shift if starts else entry.get("starts"),
        ends_at=ends + shift if ends else entry.get("ends"),
        function_id=function_id, label_ids=label_ids, area=str(entry.get("area") or ""))
    return data, problems


# --- import -----------------------------------------------------------------------------


@dataclass
class ImportSummary:
    """What an import did: per kind ("articles", "thesaurus", "bulletins") how many rows
    were created, updated or left unchanged; and what the editors should know about the
    imported articles (a public article without a citizen answer is not on the portal),
    each warning named by its file."""

    created: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)
    unchanged: Counter[str] = field(default_factory=Counter)
    warnings: list[RuleViolation] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(+self.created or +self.updated)


def import_knowledge(session: Session, directory: Path, *, now: datetime,
                     actor: User | None = None, shift_days: int = 0) -> ImportSummary:
    """Check the whole directory, then write it; raises RuleViolations and writes nothing
    if anything is wrong. The caller commits (or rolls back for a dry run)."""
    files = read_knowledge(session, directory, shift_days=shift_days)
    catalogue = _Catalogue.load(session)
    summary = ImportSummary()
    existing = {a.slug: a for a in session.scalars(select(Article))}
    for file_name, spec in files.articles:
        fields = spec.fields
        data = ArticleInput(
            slug=fields.slug, title=fields.title, answer_script=fields.answer_script,
            body_md=fields.body, checklist=fields.checklist, status=fields.status,
            audience=fields.audience, valid_from=fields.valid_from, valid_to=fields.valid_to,
            review_by=fields.review_by, department_id=catalogue.departments[spec.department],
            reviewer_id=catalogue.users[spec.reviewer] if spec.reviewer else None,
            label_ids=[catalogue.labels[key] for key in spec.labels],
            title_en=fields.title_en, citizen_answer_md=fields.citizen_answer,
            citizen_answer_en_md=fields.citizen_answer_en)
        result = save_article(session, actor, existing.get(fields.slug), data, now=now,
                              note=f"Import: {file_name}")
        summary.warnings.extend(_located(file_name, None, w) for w in result.warnings)
        kind = "created" if result.created else "updated" if result.changed else "unchanged"
        getattr(summary, kind)["articles"] += 1
    if files.thesaurus is not None:
        _import_thesaurus(session, files.thesaurus, actor, summary)
    for data in files.bulletins:
        _import_bulletin(session, data, actor, summary, now)
    if summary.changed:
        audit(session, actor, "knowledge.imported", "knowledge_base", directory.name, now=now,
              created=dict(summary.created), updated=dict(summary.updated))
    return summary


def _import_thesaurus(session: Session, thesaurus: Thesaurus, actor: User | None,
                      summary: ImportSummary) -> None:
    """Add the file's relations the table lacks (the file may repeat shipped ones)."""
    rows = {(phrase_key(e.word), phrase_key(e.official)): e
            for e in session.scalars(select(ThesaurusEntry))}
    shipped = Thesaurus.default()
    for synonym in thesaurus.synonyms:
        word, official = phrase_key(synonym.word), phrase_key(synonym.official)
        row = rows.get((word, official)) or rows.get((official, word))
        if row is not None:
            if row.two_way != synonym.two_way and (row.word, row.official) == (
                    synonym.word, synonym.official):
                row.two_way = synonym.two_way
                summary.updated["thesaurus"] += 1
            else:
                summary.unchanged["thesaurus"] += 1
            continue
        if official in shipped.lookup(word) and (
                not synonym.two_way or word in shipped.lookup(official)):
            summary.unchanged["thesaurus"] += 1
            continue
        entry = ThesaurusEntry(word=synonym.word, official=synonym.official,
                               two_way=synonym.two_way,
                               created_by_id=actor.id if actor else None)
        session.add(entry)
        rows[(word, official)] = entry
        summary.created["thesaurus"] += 1
    session.flush()
    forget_cached_thesaurus()


def _import_bulletin(session: Session, data: BulletinInput, actor: User | None,
                     summary: ImportSummary, now: datetime) -> None:
    starts = local_datetime(data.starts_at)
    title = " ".join(data.title.split())
    match = session.scalar(select(Bulletin).where(Bulletin.title == title,
                                                  Bulletin.starts_at == starts))
    if match is not None and _same_bulletin(session, match, data):
        summary.unchanged["bulletins"] += 1
        return
    save_bulletin(session, actor, match, data, now=now)
    (summary.updated if match is not None else summary.created)["bulletins"] += 1


def _same_bulletin(session: Session, row: Bulletin, data: BulletinInput) -> bool:
    return (row.kind == data.kind and (row.body or "") == data.body.replace("\r\n", "\n").strip()
            and row.ends_at == local_datetime(data.ends_at, end=True)
            and row.function_id == data.function_id
            and (row.area or "") == " ".join(data.area.split())
            and labels_by_bulletin(session, [row.id])[row.id] == sorted(set(data.label_ids)))


DEMO_KNOWLEDGE = Path(__file__).resolve().parents[2] / "demo" / "knowledge"
DEMO_WRITTEN_FOR = date(2026, 12, 2)  # the day the demo files' dates were written for


def import_demo_knowledge(session: Session, *, now: datetime) -> ImportSummary:
    """Exempelkommun's articles, thesaurus additions and notices (app/demo/knowledge), dated
    as if today were the day they were written: the road works are under way, the system
    outage is today, and the same few articles are past their review date on any day."""
    today = now.astimezone(STOCKHOLM).date()
    return import_knowledge(session, DEMO_KNOWLEDGE, now=now,
                            shift_days=(today - DEMO_WRITTEN_FOR).days)


