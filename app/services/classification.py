"""Reclassifying a case: the history keeps the old label; an open case may move queue."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from app.services.history import record_event
from models import Case, Label, User
from rosa.errors import RuleViolations, violation
from rosa.i18n import N_
from rosa.vocabulary import EventKind


def reclassify_case(
    session: Session, actor: User, case: Case, label_id: int | None, reason: str, *,
    now: datetime,
) -> Case:
    """Change a case's label. An open forwarded case follows the new label's group."""
    label = session.get(Label, label_id) if label_id else None
    problems = []
    if label is None or not label.active:
        problems.append(violation("label_id", N_("Choose a current label")))
    elif label.id == case.label_id:
        problems.append(violation("label_id", N_("The case already has this label")))
    reason = reason.strip()
    if not reason:
        problems.append(violation("reason", N_("Say why the case is reclassified")))
    if problems:
        raise RuleViolations(problems)
    old = case.label
    record_event(session, case, EventKind.RECLASSIFIED, actor=actor, now=now,
                 from_label_id=old.id, from_path=list(old.path), to_label_id=label.id,
                 to_path=list(label.path), rosa_level=label.rosa_level, reason=reason)
    case.label = label
    case.rosa_level = label.rosa_level
    case.urgent = label.urgent
    case.updated_at = now
    if case.status.is_open and case.group_id != label.group_id:
        record_event(session, case, EventKind.REROUTED, actor=actor, now=now,
                     citizen_visible=True, from_group_id=case.group_id, group_id=label.group_id,
                     department_id=label.department_id, department=label.department.name,
                     group=label.group.name, reason=reason)
        case.group_id = label.group_id
        case.department_id = label.department_id
    return case
