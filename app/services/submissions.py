"""One-time form tokens: a form sent twice acts once (see models.submissions).

Verbs that never commit. The view looks for an earlier use of the token before it writes
(a form sent again long after, say with the back button), and stores the token with the
case it created under the table's unique key: that key settles a double click, whichever
request comes second fails on it (after waiting for the first one's transaction) and the
view rolls back and shows the first one's case. The row is written with a plain INSERT (it
runs under SQLite's write lock on every console contact), and old tokens are swept now and
then rather than on every save.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from models import FormSubmission, User
from models.submissions import KEEP

MAX_TOKEN = 64
SWEEP_EVERY = 200


def new_form_token() -> str:
    return secrets.token_urlsafe(24)


def earlier_submission(session: Session, token: str) -> FormSubmission | None:
    """The submission that already used `token`, if any."""
    if not token or len(token) > MAX_TOKEN:
        return None
    return session.scalar(select(FormSubmission).where(FormSubmission.token == token))


def remember_submission(session: Session, user: User, token: str, reference: str, *,
                        now: datetime) -> None:
    """Store the token with the case it created; a token used before fails here with an
    IntegrityError. About one save in SWEEP_EVERY also forgets the tokens older than KEEP."""
    session.execute(insert(FormSubmission.__table__).values(
        token=token, user_id=user.id, case_reference=reference, used_at=now))
    if secrets.randbelow(SWEEP_EVERY) == 0:
        session.execute(delete(FormSubmission).where(FormSubmission.used_at < now - KEEP))
