"""Cases, the contacts that make them up, and the per-year reference counter."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, WriteOnlyMapped, mapped_column, relationship

from models.base import Base
from models.customers import Customer
from models.events import CaseEvent
from models.organisation import Department, Group
from models.taxonomy import Label
from models.types import utcnow
from models.users import User, enum_column
from rosa.vocabulary import CaseStatus, Channel, Resolution


class Case(Base):
    __tablename__ = "cases"
    __table_args__ = (
        Index("ix_cases_group_status", "group_id", "status"),
        Index("ix_cases_customer_created", "customer_id", "created_at"),
        Index("ix_cases_created_at", "created_at"),
        Index("ix_cases_queue", "group_id", "status", "urgent", "created_at"),
        Index("ix_cases_claimed_by", "claimed_by_id", "status"),
        # Only cases still waiting for feedback: the minute sweep reads this small set.
        Index("ix_cases_feedback_pending", "feedback_due_soon_at",
              sqlite_where=text("feedback_given_at IS NULL AND feedback_due_at IS NOT NULL"),
              postgresql_where=text("feedback_given_at IS NULL AND feedback_due_at IS NOT NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    tracking_code: Mapped[str] = mapped_column(String(32), unique=True)
    status: Mapped[CaseStatus] = mapped_column(enum_column(CaseStatus))
    resolution: Mapped[Resolution] = mapped_column(enum_column(Resolution))
    label_id: Mapped[int] = mapped_column(ForeignKey("labels.id"), index=True)
    rosa_level: Mapped[int]
    urgent: Mapped[bool] = mapped_column(default=False)
    business: Mapped[bool] = mapped_column(default=False)
    channel: Mapped[Channel] = mapped_column(enum_column(Channel))
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"), index=True)
    group_id: Mapped[int | None] = mapped_column(ForeignKey("groups.id"))
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    summary: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None]
    # What the case type's guide asked for, by field key (see models.guides).
    guide_values: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    claimed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    claimed_at: Mapped[datetime | None]
    # First time the citizen was told something (a message, or the words that come with
    # waiting or resolving; see app.services.casework): the feedback deadline is met then.
    feedback_given_at: Mapped[datetime | None]
    # The feedback deadline (sla.feedback_deadline), set when the case is forwarded, and the
    # moment it becomes "due soon"; `sla_stage` records which alerts went out (see SlaStage).
    feedback_due_at: Mapped[datetime | None]
    feedback_due_soon_at: Mapped[datetime | None]
    sla_stage: Mapped[int] = mapped_column(default=0)
    # Times a handler sent the case on to another group: counted as mis-routed.
    reroute_count: Mapped[int] = mapped_column(default=0)
    # Answered at first contact and also sent to the department's group for an action (an
    # action label, docs/routing.md): counted as an order to the department. Recorded when it
    # happened, so a later change of the label's flag does not rewrite the statistics.
    action_ordered: Mapped[bool] = mapped_column(default=False)
    # Times the case was moved to another label (app.services.classification).
    reclassify_count: Mapped[int] = mapped_column(default=0)
    version: Mapped[int] = mapped_column(default=1)

    label: Mapped[Label] = relationship()
    department: Mapped[Department] = relationship()
    group: Mapped[Group | None] = relationship()
    customer: Mapped[Customer | None] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    claimed_by: Mapped[User | None] = relationship(foreign_keys=[claimed_by_id])
    contacts: Mapped[list[Contact]] = relationship(
        back_populates="case", order_by="Contact.received_at"
    )
    events: WriteOnlyMapped[CaseEvent] = relationship(
        order_by="CaseEvent.id", passive_deletes=True
    )

    __mapper_args__ = {"version_id_col": version}


class Contact(Base):
    """One contact from a citizen (a call, an e-mail, a visit …) about a case."""

    __tablename__ = "contacts"
    __table_args__ = (Index("ix_contacts_agent_received", "agent_id", "received_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    channel: Mapped[Channel] = mapped_column(enum_column(Channel))
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"))
    citizen_words: Mapped[str] = mapped_column(Text, default="")
    answer_given: Mapped[str] = mapped_column(Text, default="")

    case: Mapped[Case] = relationship(back_populates="contacts")
    agent: Mapped[User | None] = relationship()
    customer: Mapped[Customer | None] = relationship()


class ReferenceCounter(Base):
    """The last case number issued per year; incremented under the row's write lock."""

    __tablename__ = "reference_counters"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last_value: Mapped[int] = mapped_column(default=0)
