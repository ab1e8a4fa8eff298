"""What the citizen portal stores besides cases: feedback ("synpunkter") and how often a
knowledge-base answer shown before sending a web form answered the citizen's question.

Web-form cases themselves are ordinary cases (models.cases), created by the one intake.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base
from models.cases import Case
from models.types import utcnow
from models.users import enum_column
from rosa.vocabulary import Channel


class FeedbackKind(StrEnum):
    COMPLAINT = "complaint"
    PRAISE = "praise"
    SUGGESTION = "suggestion"


class Feedback(Base):
    """One remark for the improvement process (DOMAIN.md, "Feedback and complaints handling").

    Contact details are optional (feedback may be anonymous); the citizen's own suggested
    solution is always asked for and kept apart from the remark.
    """

    __tablename__ = "feedback"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[FeedbackKind] = mapped_column(enum_column(FeedbackKind))
    text: Mapped[str] = mapped_column(Text)
    suggestion: Mapped[str] = mapped_column(Text, default="")
    topic: Mapped[str | None] = mapped_column(String(60))  # a key of app/portal/topics.yaml
    channel: Mapped[Channel] = mapped_column(enum_column(Channel), default=Channel.WEB)
    locale: Mapped[str] = mapped_column(String(8), default="sv")
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    name: Mapped[str | None] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(40))
    # The reference as the citizen gave it, and the case when one has that reference.
    case_reference: Mapped[str | None] = mapped_column(String(20))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)

    case: Mapped[Case | None] = relationship()

    @property
    def anonymous(self) -> bool:
        return not (self.name or self.email or self.phone)


class AnswerHelpedCount(Base):
    """Per article and day: how often the web form showed it, and the citizens' yes/no to
    "Does this answer your question?". Counters, not rows per vote: nothing identifies who."""

    __tablename__ = "answer_helped_counts"

    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True)
    day: Mapped[date] = mapped_column(primary_key=True)
    shown: Mapped[int] = mapped_column(default=0)
    helped: Mapped[int] = mapped_column(default=0)
    not_helped: Mapped[int] = mapped_column(default=0)
