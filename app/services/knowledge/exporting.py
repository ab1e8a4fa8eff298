"""Writing the knowledge base out as files (`flask kb export`), in the format the import reads
(docs/knowledge-format.md): exporting and importing again changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from app.services.knowledge.articles import label_ids_of
from app.services.knowledge.bulletins import STOCKHOLM, labels_by_bulletin
from app.services.knowledge.files import ARTICLE_SUFFIX, BULLETINS_FILE, THESAURUS_FILE
from app.services.knowledge.thesaurus import list_entries, thesaurus_text
from app.services.taxonomy_io import BlockDumper
from models import Article, Bulletin, CaseType, Function, Label

THESAURUS_HEADER = (
    "# Thesaurus additions for En väg in (format: docs/knowledge-format.md).\n"
    "# word => official word   one-way: a search for the word also finds the official one\n"
    "# word, other word        two-way\n"
)


def _dump(document: object) -> str:
    return yaml.dump(document, Dumper=BlockDumper, allow_unicode=True, sort_keys=False, width=100)


@dataclass
class ExportSummary:
    articles: int
    thesaurus: int
    bulletins: int


def export_knowledge(session: Session, directory: Path) -> ExportSummary:
    """Write every article, the thesaurus additions and the bulletins into `directory`."""
    directory.mkdir(parents=True, exist_ok=True)
    articles = session.scalars(select(Article).options(
        joinedload(Article.department), joinedload(Article.reviewer)).order_by(Article.slug)
    ).all()
    paths = _label_paths(session)
    for article in articles:
        text = article_file_text(article, [paths[i] for i in label_ids_of(session, article.id)])
        (directory / f"{article.slug}{ARTICLE_SUFFIX}").write_text(text, encoding="utf-8")
    entries = list_entries(session)
    (directory / THESAURUS_FILE).write_text(THESAURUS_HEADER + thesaurus_text(entries),
                                            encoding="utf-8")
    bulletins = session.scalars(select(Bulletin).order_by(Bulletin.starts_at, Bulletin.id)).all()
    if bulletins:
        (directory / BULLETINS_FILE).write_text(_bulletins_text(session, bulletins, paths),
                                                encoding="utf-8")
    return ExportSummary(len(articles), len(entries), len(bulletins))


def _label_paths(session: Session) -> dict[int, str]:
    labels = session.scalars(select(Label).options(
        joinedload(Label.case_type).joinedload(CaseType.function)))
    return {label.id: label.path_text for label in labels}


def article_file_text(article: Article, label_paths: list[str]) -> str:
    """One article in the file format: front matter (the citizen answers last, as literal
    blocks of Markdown), then the Markdown body (the agents' background)."""
    front: dict[str, object] = {"title": article.title}
    if article.title_en:
        front["title_en"] = article.title_en
    front["department"] = article.department.code
    if label_paths:
        front["labels"] = sorted(label_paths, key=str.casefold)
    front["status"], front["audience"] = article.status, article.audience
    if article.reviewer is not None:
        front["reviewer"] = article.reviewer.username
    for name in ("valid_from", "valid_to", "review_by"):
        if getattr(article, name) is not None:
            front[name] = getattr(article, name)
    if article.answer_script:
        front["answer_script"] = article.answer_script
    if article.checklist:
        front["checklist"] = list(article.checklist)
    for name in ("citizen_answer", "citizen_answer_en"):
        if getattr(article, f"{name}_md"):
            front[name] = getattr(article, f"{name}_md")
    body = f"\n{article.body_md}\n" if article.body_md else ""
    return f"---\n{_dump(front)}---\n{body}"


def _bulletins_text(session: Session, bulletins, paths: dict[int, str]) -> str:
    labels = labels_by_bulletin(session, [b.id for b in bulletins])
    functions = dict(session.execute(select(Function.id, Function.name)).all())
    document = []
    for bulletin in bulletins:
        entry: dict[str, object] = {"title": bulletin.title, "kind": bulletin.kind,
                                    "starts": _local(bulletin.starts_at),
                                    "ends": _local(bulletin.ends_at)}
        if bulletin.function_id is not None:
            entry["function"] = functions[bulletin.function_id]
        if labels[bulletin.id]:
            entry["labels"] = sorted((paths[i] for i in labels[bulletin.id]), key=str.casefold)
        if bulletin.area:
            entry["area"] = bulletin.area
        if bulletin.body:
            entry["body"] = bulletin.body
        document.append(entry)
    return "# Bulletin board (format: docs/knowledge-format.md). Times are Swedish time.\n" + \
        _dump(document)


def _local(moment: datetime) -> str:
    return moment.astimezone(STOCKHOLM).strftime("%Y-%m-%d %H:%M")
