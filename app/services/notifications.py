"""In-app notifications for staff, and the e-mail that goes with some of them.

A notification is a small fact (`kind` plus `data`), not a sentence: the page renders it in
the reader's language, so the data must hold what the sentence needs. Kinds in use:

* ``urgent_case`` — data ``{"reference": "KC-2026-000123", "label": "Function › Type › Label"}``

Sweeps and escalations pass a `dedupe_key`; the database then makes each notification (and
each e-mail) exist once per user however often, or in however many processes, they run.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from app.services.mail import insert_once, queue_mail
from models import Department, Group, Notification, User, group_members
from rosa.vocabulary import Role

URGENT_CASE = "urgent_case"


def notify_users(
    session: Session, users_or_ids: Iterable[User | int], *, kind: str, case_id: int | None,
    data: dict[str, Any], now: datetime, dedupe_key: str | None = None,
) -> int:
    """One notification per user (each user once); returns how many were new.

    With a `dedupe_key` the stored key is ``f"{dedupe_key}:{user_id}"``, so a user who
    already has it is skipped and a user added later still gets it.
    """
    created = 0
    for user_id in dict.fromkeys(_user_id(u) for u in users_or_ids):
        key = f"{dedupe_key}:{user_id}" if dedupe_key is not None else None
        values = {"user_id": user_id, "case_id": case_id, "kind": kind, "data": dict(data),
                  "dedupe_key": key, "created_at": now}
        if insert_once(session, Notification, values) is not None:
            created += 1
    return created


def notify_group(
    session: Session, group: Group, *, kind: str, case_id: int | None, data: dict[str, Any],
    now: datetime, dedupe_key: str | None = None, mail_subject: str | None = None,
    mail_body: str | None = None,
) -> int:
    """Notify every active member; with `mail_subject`, also e-mail the group.

    The e-mail goes to the group's shared mailbox when it has one (one message the whole
    group reads), otherwise to each active member with an address. Returns how many in-app
    notifications were new.
    """
    members = active_members(session, group)
    created = notify_users(session, members, kind=kind, case_id=case_id, data=data, now=now,
                           dedupe_key=dedupe_key)
    if mail_subject is None:
        return created
    body = mail_body if mail_body is not None else mail_subject
    if group.email:
        recipients = [(group.email, "group")]
    else:
        recipients = [(m.email, str(m.id)) for m in members if m.email]
    for address, who in recipients:
        key = f"{dedupe_key}:mail:{who}" if dedupe_key is not None else None
        queue_mail(session, to=address, subject=mail_subject, body=body, case_id=case_id,
                   dedupe_key=key, now=now)
    return created


def active_members(session: Session, group: Group) -> list[User]:
    return list(session.scalars(
        select(User).join(group_members, group_members.c.user_id == User.id)
        .where(group_members.c.group_id == group.id, User.is_active_account)
        .order_by(User.full_name, User.id)
    ))


def group_leads(session: Session, group: Group) -> list[User]:
    """Active members marked as the group's leads (escalations go to them first)."""
    return list(session.scalars(
        select(User).join(group_members, group_members.c.user_id == User.id)
        .where(group_members.c.group_id == group.id, group_members.c.is_lead.is_(True),
               User.is_active_account)
        .order_by(User.full_name, User.id)
    ))


def department_managers(session: Session, department: Department) -> list[User]:
    """Active users with the manager role in `department` (the last step of an escalation)."""
    return list(session.scalars(
        select(User).where(User.department_id == department.id, User.role == Role.MANAGER,
                           User.is_active_account)
        .order_by(User.full_name, User.id)
    ))


def unread_count(session: Session, user: User) -> int:
    """One COUNT answered from the (user_id, read_at, id) index alone; cheap on every page."""
    return session.scalar(
        select(func.count()).select_from(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
    ) or 0


def list_for(session: Session, user: User, *, limit: int = 50) -> list[Notification]:
    """The user's newest notifications first, read and unread."""
    return list(session.scalars(
        select(Notification).where(Notification.user_id == user.id)
        .order_by(Notification.created_at.desc(), Notification.id.desc()).limit(limit)
    ))


def mark_read(
    session: Session, user: User, ids: Iterable[int] | Literal["all"], now: datetime
) -> int:
    """Mark the user's own notifications read (others' ids are ignored); returns how many."""
    statement = (update(Notification)
                 .where(Notification.user_id == user.id, Notification.read_at.is_(None))
                 .values(read_at=now))
    if ids != "all":
        wanted = [int(i) for i in ids]
        if not wanted:
            return 0
        statement = statement.where(Notification.id.in_(wanted))
    return session.execute(statement).rowcount


def _user_id(user: User | int) -> int:
    return user if isinstance(user, int) else user.id
