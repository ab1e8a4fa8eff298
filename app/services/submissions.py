"""One-time form tokens: a form sent twice acts once (see models.submissions).

Verbs that never commit. The view looks for an earlier use of the token after it took the
write lock, stores the token with the case it created, and lets the database's unique key
settle a race the lock does not (PostgreSQL: the second insert waits for the first
transaction and then fails; the view rolls back and shows the first one's result).
"""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from models import FormSubmission, User
from models.submissions import KEEP

MAX_TOKEN = 64


def new_form_token() -> str:
    return secrets.token_urlsafe(24)


def earlier_submission(session: Session, token: str) -> FormSubmission | None:
    """The submission that already used `token`, if any."""
    if not token or len(token) > MAX_TOKEN:
        return None
    return session.scalar(select(FormSubmission).where(FormSubmission.token == token))


def remember_submission(session: Session, user: User, token: str, reference: str, *,
                        now: datetime) -> None:
    """Store the token with the case it created (flushed, so a duplicate fails here), and
    forget tokens nobody will resend any more."""
    session.execute(delete(FormSubmission).where(FormSubmission.used_at < now - KEEP))
    session.add(FormSubmission(token=token, user_id=user.id, case_reference=reference,
                               used_at=now))
    session.flush()
