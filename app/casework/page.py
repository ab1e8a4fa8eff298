"""The case page, rendered the same way for every role, and the audit of who looked at it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import abort, render_template, request
from flask_login import current_user
from sqlalchemy import select

from app.access import visible_cases
from app.extensions import db
from app.services.audit import audit
from app.services.casework import actor_for, is_member
from app.services.history import case_history
from app.services.mail import delivery_states
from app.services.references import normalize_reference
from app.services.taxonomy import grouped_choices, label_catalogue
from models import Case, Department, Group, User, group_members
from models.base import begin_writing
from rosa.lifecycle import Action, allowed_actions
from rosa.vocabulary import EventKind, Role


def load_case(reference: str) -> Case:
    """The case with this reference if the current user may see it; 404 otherwise.

    The same answer for "does not exist" and "not yours", so references cannot be probed.
    """
    case = db.session.scalar(
        visible_cases(current_user).where(Case.reference == normalize_reference(reference)))
    if case is None:
        abort(404)
    return case


def case_url_endpoint(user: User) -> str:
    return "queues.case_detail" if user.role is Role.HANDLER else "agent.case_detail"


def render_case(case: Case, *, errors: dict | None = None, values: dict | None = None,
                status: int = 200, show_tracking: bool = False):
    """Render the page, then log that the user saw the case's personal data."""
    user = current_user._get_current_object()
    actor = actor_for(db.session, user, case)
    actions = allowed_actions(case.status, actor=actor, holder_id=case.claimed_by_id)
    if user.role is Role.HANDLER and not is_member(db.session, user.id, case.group_id):
        actions = [a for a in actions if a in (Action.NOTE, Action.EDIT)]
    events = case_history(db.session, case)
    returned = next((e for e in reversed(events) if e.kind is EventKind.RETURNED), None)
    context = dict(
        case=case, events=events, actions=actions, Action=Action, errors=errors or {},
        deliveries=delivery_states(db.session, [e.data.get("mail_id") for e in events]),
        values=values or {}, show_tracking=show_tracking,
        missing=returned.data.get("missing") if returned is not None else None,
        members=_members(case) if Action.ASSIGN in actions and actor.leads_group else [],
        reroute_groups=_groups_by_department() if Action.REROUTE in actions else [],
        label_groups=(grouped_choices(label_catalogue(db.session)[0])
                      if user.role is Role.AGENT else []),
        readonly=user.role is not Role.AGENT,
    )
    page = render_template("agent/case.html", **context)
    record_case_view(case, user)
    return page, status


def record_case_view(case: Case, user: User) -> None:
    """Every view of a case's personal data is logged (who, when, which case)."""
    begin_writing(db.session())
    audit(db.session, user, "case.viewed", "case", case.id, now=datetime.now(UTC),
          reference=case.reference, path=request.path)
    db.session.commit()


def created_recently(case: Case) -> bool:
    return datetime.now(UTC) - case.created_at < timedelta(minutes=30)


def _members(case: Case) -> list[User]:
    return list(db.session.scalars(
        select(User).join(group_members, group_members.c.user_id == User.id)
        .where(group_members.c.group_id == case.group_id, User.is_active_account)
        .order_by(User.full_name)))


def _groups_by_department() -> list[tuple[str, list[Group]]]:
    rows = db.session.execute(
        select(Department.name, Group).join(Group, Group.department_id == Department.id)
        .where(Department.is_contact_centre.is_(False))
        .order_by(Department.name, Group.name)).all()
    grouped: dict[str, list[Group]] = {}
    for department, group in rows:
        grouped.setdefault(department, []).append(group)
    return list(grouped.items())
