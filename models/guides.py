"""Guide fields: what a case type or label needs to know before a case is forwarded."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base
from models.users import enum_column
from rosa.guides import FieldKind


class GuideField(Base):
    """One field of a guide, owned by exactly one case type or one label.

    A label's guide is its case type's fields followed by its own, in `position` order.
    """

    __tablename__ = "guide_fields"
    __table_args__ = (
        CheckConstraint("(case_type_id IS NULL) <> (label_id IS NULL)", name="one_owner"),
        Index("ix_guide_fields_case_type_key", "case_type_id", "key", unique=True),
        Index("ix_guide_fields_label_key", "label_id", "key", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_type_id: Mapped[int | None] = mapped_column(
        ForeignKey("case_types.id", ondelete="CASCADE"))
    label_id: Mapped[int | None] = mapped_column(ForeignKey("labels.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(60))
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[FieldKind] = mapped_column(enum_column(FieldKind))
    required: Mapped[bool] = mapped_column(default=False)
    help_text: Mapped[str] = mapped_column(Text, default="")
    choices: Mapped[list[Any]] = mapped_column(JSON, default=list)
    position: Mapped[int] = mapped_column(default=0)
