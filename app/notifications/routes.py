"""The notification list and "mark as read": short adapters to app.services.notifications."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from app.extensions import db
from app.notifications import bp
from app.services.notifications import URGENT_CASE, list_for, mark_read, unread_count
from models import Case, Notification
from rosa.vocabulary import Role

# One sentence per kind, filled from the notification's data (and the case's reference).
# Kinds missing here, or data missing a field, get a generic line instead.
SENTENCES = {
    URGENT_CASE: _l("Urgent case %(reference)s: %(label)s"),
    "deadline_due_soon": _l("Feedback due soon in case %(reference)s (%(label)s)"),
    "deadline_overdue": _l("Feedback overdue in case %(reference)s (%(label)s)"),
    "article_flagged": _l("%(by)s flagged the article \u201c%(title)s\u201d: %(reason)s"),
}


@dataclass(frozen=True)
class Entry:
    id: int
    text: str
    url: str | None
    created_at: datetime
    unread: bool


@bp.app_context_processor
def _header_count():
    return {"unread_notifications": unread_for_current_user}


def unread_for_current_user() -> int | None:
    """The header's count: one indexed COUNT per request, and only for logged-in staff."""
    if not current_user.is_authenticated:
        return None
    if "unread_notifications" not in g:
        try:
            g.unread_notifications = unread_count(db.session, current_user)
        except SQLAlchemyError:  # an error page must still render
            db.session.rollback()
            return None
    return g.unread_notifications


@bp.get("/")
def index():
    notifications = list_for(db.session, current_user)
    references = _references(n.case_id for n in notifications)
    entries = [_entry(n, references.get(n.case_id)) for n in notifications]
    return render_template("notifications/index.html", entries=entries,
                           unread=unread_for_current_user())


@bp.post("/read")
def read():
    if request.form.get("all"):
        ids = "all"
    elif request.form.get("id", "").isdigit():
        ids = [int(request.form["id"])]
    else:
        abort(400)
    marked = mark_read(db.session, current_user, ids, datetime.now(UTC))
    db.session.commit()
    if marked:
        flash(_("All notifications are marked as read.") if ids == "all"
              else _("The notification is marked as read."), "success")
    return redirect(_safe_next() or url_for("notifications.index"), code=303)


def describe(notification: Notification, reference: str | None) -> str:
    """The notification as a sentence in the reader's language."""
    params = {**(notification.data or {})}
    if reference:
        params["reference"] = reference
    sentence = SENTENCES.get(notification.kind)
    if sentence is not None:
        try:
            return str(sentence) % params
        except (KeyError, TypeError, ValueError):
            pass
    if params.get("reference"):
        return _("Update on case %(reference)s", reference=params["reference"])
    return _("New notification")


def case_url(reference: str) -> str:
    """Handlers read cases in their queues; everyone else in the agent console."""
    endpoint = "queues.case_detail" if current_user.role is Role.HANDLER else "agent.case_detail"
    return url_for(endpoint, reference=reference)


def _entry(notification: Notification, reference: str | None) -> Entry:
    url = case_url(reference) if reference else None
    article_id = (notification.data or {}).get("article_id")
    if url is None and isinstance(article_id, int) and current_user.role is not Role.HANDLER:
        url = url_for("agent.kb_article", article_id=article_id)
    return Entry(id=notification.id, text=describe(notification, reference), url=url,
                 created_at=notification.created_at, unread=notification.read_at is None)


def _references(case_ids: Iterable[int | None]) -> dict[int, str]:
    wanted = {i for i in case_ids if i is not None}
    if not wanted:
        return {}
    return dict(db.session.execute(
        select(Case.id, Case.reference).where(Case.id.in_(wanted))).all())


def _safe_next() -> str | None:
    """A local path to go back to (never another site)."""
    target = request.form.get("next", "")
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return None
