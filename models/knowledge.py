"""The knowledge base: articles (answers, checklists), bulletins and the thesaurus.

An article speaks in two voices: the agent's `answer_script` (read out on the phone, with the
checklist and the `body_md` background) and the citizen's answer (`citizen_answer_md`, in
Swedish, and optionally `citizen_answer_en_md` under `title_en`), which is all the citizen
portal ever shows. Both Markdown texts are kept beside their sanitised HTML.

Articles keep every saved version. The `search_*` columns hold the analysed terms
(knowledge_base.analyse) of title, answer (script and checklist) and body (background and
citizen answers), which the full-text index reads with those weights: SQLite FTS5 or a
PostgreSQL tsvector. The portal searches titles and bodies only, never the script.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, ForeignKey, Index, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base
from models.organisation import Department
from models.types import utcnow
from models.users import User

article_labels = Table(
    "article_labels",
    Base.metadata,
    Column("article_id", ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column("label_id", ForeignKey("labels.id", ondelete="CASCADE"), primary_key=True,
           index=True),
)

bulletin_labels = Table(
    "bulletin_labels",
    Base.metadata,
    Column("bulletin_id", ForeignKey("bulletins.id", ondelete="CASCADE"), primary_key=True),
    Column("label_id", ForeignKey("labels.id", ondelete="CASCADE"), primary_key=True,
           index=True),
)


class Article(Base):
    __tablename__ = "articles"
    __table_args__ = (Index("ix_articles_status_audience", "status", "audience"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    title_en: Mapped[str] = mapped_column(String(200), default="")  # with citizen_answer_en_md
    answer_script: Mapped[str] = mapped_column(Text, default="")  # agents only, never the portal
    body_md: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str] = mapped_column(Text, default="")  # sanitised rendering of body_md
    citizen_answer_md: Mapped[str] = mapped_column(Text, default="")
    citizen_answer_html: Mapped[str] = mapped_column(Text, default="")
    citizen_answer_en_md: Mapped[str] = mapped_column(Text, default="")
    citizen_answer_en_html: Mapped[str] = mapped_column(Text, default="")
    checklist: Mapped[list[Any]] = mapped_column(JSON, default=list)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"), index=True)
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    status: Mapped[str] = mapped_column(String(20), default="draft")  # draft/published/archived
    audience: Mapped[str] = mapped_column(String(20), default="internal")  # internal/public
    valid_from: Mapped[date | None]
    valid_to: Mapped[date | None]
    review_by: Mapped[date | None]
    times_used: Mapped[int] = mapped_column(default=0)
    search_title: Mapped[str] = mapped_column(Text, default="")
    search_answer: Mapped[str] = mapped_column(Text, default="")
    search_body: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    department: Mapped[Department] = relationship()
    reviewer: Mapped[User | None] = relationship()

    __mapper_args__ = {"version_id_col": version}


class ArticleVersion(Base):
    """A saved state of an article: who changed what, and when."""

    __tablename__ = "article_versions"
    __table_args__ = (UniqueConstraint("article_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    version: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    title_en: Mapped[str] = mapped_column(String(200), default="")
    answer_script: Mapped[str] = mapped_column(Text, default="")
    body_md: Mapped[str] = mapped_column(Text, default="")
    citizen_answer_md: Mapped[str] = mapped_column(Text, default="")
    citizen_answer_en_md: Mapped[str] = mapped_column(Text, default="")
    checklist: Mapped[list[Any]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(20))
    audience: Mapped[str] = mapped_column(String(20))
    label_ids: Mapped[list[Any]] = mapped_column(JSON, default=list)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    note: Mapped[str] = mapped_column(Text, default="")

    changed_by: Mapped[User | None] = relationship()


class ArticleUse(Base):
    """An agent answered a contact with this article (statistics and ranking)."""

    __tablename__ = "article_uses"
    __table_args__ = (UniqueConstraint("contact_id", "article_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"),
                                            index=True)
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id"), index=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class ArticleFlag(Base):
    """An agent says the article is wrong or outdated; its department is told."""

    __tablename__ = "article_flags"

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"),
                                            index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None]

    user: Mapped[User | None] = relationship()


class Bulletin(Base):
    """A time-limited notice on the bulletin board ("anslagstavla")."""

    __tablename__ = "bulletins"
    __table_args__ = (Index("ix_bulletins_period", "starts_at", "ends_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[str] = mapped_column(String(30), default="information")
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    function_id: Mapped[int | None] = mapped_column(ForeignKey("functions.id"))
    area: Mapped[str | None] = mapped_column(String(200))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ThesaurusEntry(Base):
    """An administrator's addition to the shipped thesaurus: a citizen's word → official."""

    __tablename__ = "thesaurus_entries"
    __table_args__ = (UniqueConstraint("word", "official"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    word: Mapped[str] = mapped_column(String(200))
    official: Mapped[str] = mapped_column(String(200))
    two_way: Mapped[bool] = mapped_column(default=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
