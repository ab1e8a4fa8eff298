"""Departments (förvaltningar), their answer groups, and who belongs to which group."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import Boolean, Column, ForeignKey, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base

if TYPE_CHECKING:
    from models.users import User

group_members = Table(
    "group_members",
    Base.metadata,
    Column("group_id", ForeignKey("groups.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("is_lead", Boolean, nullable=False, default=False),
)


class Department(Base):
    __tablename__ = "departments"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    is_contact_centre: Mapped[bool] = mapped_column(default=False)
    # Some departments need the full personnummer, others only the birth date (data
    # minimisation); guide fields of kind personnummer follow the owning department.
    personnummer_birth_date_only: Mapped[bool] = mapped_column(default=False)
    email: Mapped[str | None] = mapped_column(String(254))

    groups: Mapped[list[Group]] = relationship(
        back_populates="department", order_by="Group.name"
    )

    def __repr__(self) -> str:
        return f"<Department {self.code}>"


class Group(Base):
    """An answer group / role queue. Forwarded cases are addressed here, never to a person."""

    __tablename__ = "groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254))
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"), index=True)

    department: Mapped[Department] = relationship(back_populates="groups")
    members: Mapped[list[User]] = relationship(
        secondary=group_members, back_populates="groups"
    )

    def __repr__(self) -> str:
        return f"<Group {self.code}>"
