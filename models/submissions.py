"""Form submissions already acted on, so a form sent twice does not act twice.

The agent console puts a one-time token in its contact form. Saving the contact stores the
token under a unique key in the same transaction as the case; a second submission of the
same form (a double click, a resend after a slow answer, the back button) finds the token
and is shown the first one's case instead of logging the contact again. Tokens older than
`KEEP` are deleted now and then as new ones arrive: by then nobody resends the form.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base
from models.types import utcnow

KEEP = timedelta(days=2)


class FormSubmission(Base):
    __tablename__ = "form_submissions"

    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    case_reference: Mapped[str] = mapped_column(String(20))
    used_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
