"""The classification tree: function → case type → label. Each label carries the routing facts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base
from models.organisation import Department, Group
from models.types import utcnow
from rosa.levels import RosaLevel


class Function(Base):
    __tablename__ = "functions"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    active: Mapped[bool] = mapped_column(default=True)

    case_types: Mapped[list[CaseType]] = relationship(
        back_populates="function", order_by="CaseType.name"
    )


class CaseType(Base):
    __tablename__ = "case_types"
    __table_args__ = (UniqueConstraint("function_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    function_id: Mapped[int] = mapped_column(ForeignKey("functions.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    active: Mapped[bool] = mapped_column(default=True)

    # Overrides of the feedback deadline (3 working days, 1 for businesses) for the whole type.
    feedback_working_days: Mapped[int | None]
    feedback_working_hours: Mapped[int | None]

    function: Mapped[Function] = relationship(back_populates="case_types")
    labels: Mapped[list[Label]] = relationship(
        back_populates="case_type", order_by="Label.name"
    )


class Label(Base):
    """A leaf of the tree. Retired labels stay in place so old cases keep their classification."""

    __tablename__ = "labels"
    __table_args__ = (
        UniqueConstraint("case_type_id", "name"),
        CheckConstraint("rosa_level BETWEEN 1 AND 6", name="rosa_level_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_type_id: Mapped[int] = mapped_column(ForeignKey("case_types.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    rosa_level: Mapped[int]
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"), index=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id"), index=True)
    mandate: Mapped[bool] = mapped_column(default=False)
    urgent: Mapped[bool] = mapped_column(default=False)
    avoidable: Mapped[bool] = mapped_column(default=False)
    # An action label ("åtgärd", e.g. a missed bin collection): the contact centre answers the
    # contact and the case also goes to the label's group for the action (docs/routing.md).
    action: Mapped[bool] = mapped_column(default=False)
    signal_words: Mapped[str] = mapped_column(Text, default="")  # one phrase per line
    description: Mapped[str] = mapped_column(Text, default="")
    # A label's own deadline override wins over its case type's (e.g. 4 working hours for an
    # oil leak).
    feedback_working_days: Mapped[int | None]
    feedback_working_hours: Mapped[int | None]
    active: Mapped[bool] = mapped_column(default=True)
    retired_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    case_type: Mapped[CaseType] = relationship(back_populates="labels")
    department: Mapped[Department] = relationship()
    group: Mapped[Group] = relationship()

    @property
    def level(self) -> RosaLevel:
        return RosaLevel(self.rosa_level)

    @property
    def path(self) -> tuple[str, str, str]:
        return (self.case_type.function.name, self.case_type.name, self.name)

    @property
    def path_text(self) -> str:
        return " › ".join(self.path)

    @property
    def signal_word_list(self) -> list[str]:
        return [w.strip() for w in self.signal_words.splitlines() if w.strip()]
