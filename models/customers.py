"""The citizen or business behind a contact, with normalised keys for fast agent look-up."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base
from models.types import utcnow
from models.users import enum_column
from rosa.vocabulary import CustomerKind


# Prefix look-ups compare byte-wise ("C" collation) on PostgreSQL, as SQLite does by default,
# so a range scan [term, term + U+10FFFF) over the index is exactly a prefix match.
def _key(length: int):
    return String(length).with_variant(String(length, collation="C"), "postgresql")


class Customer(Base):
    __tablename__ = "customers"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[CustomerKind] = mapped_column(enum_column(CustomerKind))
    name: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str | None] = mapped_column(String(254), index=True)  # stored lower-cased
    phone: Mapped[str | None] = mapped_column(String(40))
    phone_key: Mapped[str | None] = mapped_column(_key(20), index=True)  # digits, 0-prefixed
    address: Mapped[str | None] = mapped_column(String(300))
    personnummer: Mapped[str | None] = mapped_column(String(12))  # YYYYMMDDNNNN
    organisationsnummer: Mapped[str | None] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    name_terms: Mapped[list[CustomerNameTerm]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True
    )

    @property
    def is_business(self) -> bool:
        return self.kind is CustomerKind.BUSINESS


class CustomerNameTerm(Base):
    """One normalised word of a customer's name, so "svens" finds "Anna Svensson" by index."""

    __tablename__ = "customer_name_terms"
    __table_args__ = (Index("ix_customer_name_terms_term", "term", "customer_id"),)

    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), primary_key=True
    )
    term: Mapped[str] = mapped_column(_key(80), primary_key=True)
