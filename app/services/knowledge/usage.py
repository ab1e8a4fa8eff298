"""What agents do with knowledge-base answers: use them on a contact, and flag them.

"Answered with article X" is recorded on the contact (an `ArticleUse` row) and counted on the
article, which lifts it in search (`kb_search`, usage boost) and in the label's list here.
A flag ("wrong or outdated") goes to the people who can fix the article: the owning
department's managers and the article's reviewer, in the app and by e-mail.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session, joinedload

from app.services.knowledge.search import STOCKHOLM, shown_articles
from app.services.mail import queue_mail
from app.services.notifications import department_managers, notify_users
from models import Article, ArticleFlag, ArticleUse, Case, Contact, User
from rosa.errors import RuleViolations, violation
from rosa.i18n import N_

ARTICLE_FLAGGED = "article_flagged"
MAX_FLAG_REASON = 2000


def label_articles(session: Session, label_id: int, *, audience: str | None = None,
                   now: datetime | None = None, limit: int = 10) -> list[Article]:
    """The published, currently valid articles linked to a label, the most used first."""
    today = (now or datetime.now(UTC)).astimezone(STOCKHOLM).date()
    return list(session.scalars(
        select(Article).where(*shown_articles(audience, label_id, today))
        .order_by(Article.times_used.desc(), Article.title, Article.id).limit(limit)))


def record_article_use(session: Session, *, article_id: int, contact: Contact | None,
                       case: Case | None, user: User | None,
                       now: datetime) -> ArticleUse | None:
    """Record that the agent answered this contact with the article, and count the use.

    The count feeds the ranking (`usage_boost`) and the statistics. It is a plain UPDATE
    `times_used + 1`, atomic under concurrent contacts and without bumping the article's
    edit version, so an editor's open form is not made stale by agents using the article.
    Returns None (and records nothing) when the article no longer exists.
    """
    if session.scalar(select(Article.id).where(Article.id == article_id)) is None:
        return None
    use = ArticleUse(article_id=article_id, contact_id=contact.id if contact else None,
                     case_id=case.id if case else None, user_id=user.id if user else None,
                     at=now)
    session.add(use)
    session.flush()
    articles = Article.__table__
    session.execute(update(articles).where(articles.c.id == article_id)
                    .values(times_used=articles.c.times_used + 1))
    return use


def flag_article(session: Session, article: Article, *, user: User, reason: str,
                 now: datetime, link: str = "") -> ArticleFlag:
    """An agent reports the article as wrong or outdated; its owners are told.

    The owning department's managers and the article's reviewer get an in-app notification
    (kind "article_flagged") and an e-mail from the outbox; the caller commits and then
    calls `send_after_commit()`. `link` is the article's address for the e-mail.
    """
    reason = (reason or "").replace("\r\n", "\n").strip()
    if not reason:
        raise RuleViolations([violation("reason", N_("Say what is wrong or outdated"))])
    if len(reason) > MAX_FLAG_REASON:
        raise RuleViolations([violation("reason", N_("At most %(max)s characters"),
                                        max=MAX_FLAG_REASON)])
    flag = ArticleFlag(article_id=article.id, user_id=user.id, reason=reason, created_at=now)
    session.add(flag)
    session.flush()
    recipients = department_managers(session, article.department)
    if article.reviewer is not None and article.reviewer.is_active_account:
        recipients.append(article.reviewer)
    recipients = list({person.id: person for person in recipients}.values())
    key = f"article_flag:{flag.id}"
    notify_users(session, recipients, kind=ARTICLE_FLAGGED, case_id=None, now=now,
                 dedupe_key=key, data={"article_id": article.id, "title": article.title,
                                       "by": user.full_name, "reason": reason[:300]})
    subject, body = _flag_mail(article, user, reason, link)
    for person in recipients:
        if person.email:
            queue_mail(session, to=person.email, subject=subject, body=body, now=now,
                       dedupe_key=f"{key}:mail:{person.id}")
    return flag


def open_flags(session: Session, article_id: int) -> list[ArticleFlag]:
    """Reports on the article nobody has resolved yet, newest first."""
    return list(session.scalars(
        select(ArticleFlag).options(joinedload(ArticleFlag.user))
        .where(ArticleFlag.article_id == article_id, ArticleFlag.resolved_at.is_(None))
        .order_by(ArticleFlag.created_at.desc(), ArticleFlag.id.desc())))


def _flag_mail(article: Article, user: User, reason: str, link: str) -> tuple[str, str]:
    """The e-mail to the article's owners, in the municipality's default language."""
    from flask import current_app
    from flask_babel import force_locale
    from flask_babel import gettext as _

    with force_locale(current_app.config.get("BABEL_DEFAULT_LOCALE", "sv")):
        subject = _("Article flagged as wrong or outdated: %(title)s", title=article.title)
        body = _("%(name)s reports that the knowledge-base article \u201c%(title)s\u201d is "
                 "wrong or outdated:\n\n%(reason)s\n\nPlease check and update the article.",
                 name=user.full_name, title=article.title, reason=reason)
        if link:
            body += "\n\n" + link
    return subject, body
