"""Reclassifying a case: the history keeps the old label, and the routing is decided again.

`rosa.routing.redecide` says what the new label means for where the case is (docs/routing.md):
a case answered at first contact that gets a label the centre may not answer is forwarded to
the new label's group, one that gets an action label is sent there for the action, and an
open case at a department follows a label the department works. A forwarded or ordered case
gets its feedback deadline recomputed from the time the contact was *received*, with the new
label's override; an urgent label alerts its group. Every reclassification is counted on the
case (`reclassify_count`) for the statistics.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from app.services.casework import alert_urgent_case
from app.services.deadlines import feedback_due
from app.services.history import record_event
from models import Case, Label, User
from rosa.errors import RuleViolations, violation
from rosa.i18n import N_
from rosa.levels import RosaLevel
from rosa.routing import Move, redecide
from rosa.vocabulary import CaseStatus, EventKind, Resolution


def reclassify_case(
    session: Session, actor: User, case: Case, label_id: int | None, reason: str, *,
    now: datetime,
) -> Case:
    """Change a case's label and apply the routing decision for the new one."""
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
    red = redecide(RosaLevel(label.rosa_level), label.mandate, label.action,
                   answered_here=case.resolution is Resolution.FIRST_CONTACT,
                   at_department=case.group_id is not None, is_open=case.status.is_open)
    old = case.label
    record_event(session, case, EventKind.RECLASSIFIED, actor=actor, now=now,
                 from_label_id=old.id, from_path=list(old.path), to_label_id=label.id,
                 to_path=list(label.path), rosa_level=label.rosa_level, reason=reason,
                 move=red.move.value)
    case.label, case.rosa_level, case.urgent = label, label.rosa_level, label.urgent
    case.reclassify_count += 1
    case.updated_at = now
    if red.move is Move.STAY:
        if case.group_id is None:  # answered here: it counts for the new label's department
            case.department_id = label.department_id
        return case
    if red.move is Move.FOLLOW:
        _follow(session, actor, case, label, reason, now=now)
    else:
        _send(case, label, now=now)
    if red.becomes_forwarded:
        case.resolution, case.action_ordered = Resolution.FORWARDED, False
        record_event(session, case, EventKind.FORWARDED, actor=actor, now=now,
                     citizen_visible=True, group_id=label.group_id,
                     department_id=label.department_id, department=label.department.name,
                     group=label.group.name, reason=red.decision.reason, reclassified=True)
    elif red.move is Move.ORDER:
        case.action_ordered = True
        record_event(session, case, EventKind.ACTION_ORDERED, actor=actor, now=now,
                     citizen_visible=True, group_id=label.group_id,
                     department_id=label.department_id, department=label.department.name,
                     group=label.group.name, reclassified=True)
    _recompute_deadline(session, case, label, now=now)
    alert_urgent_case(session, case, now=now)
    return case


def _send(case: Case, label: Label, *, now: datetime) -> None:
    """A case the centre had answered goes to the new label's group, open and unclaimed."""
    case.status = CaseStatus.FORWARDED
    case.group_id, case.department_id = label.group_id, label.department_id
    case.resolved_at = None
    case.claimed_by_id = case.claimed_at = None


def _follow(session: Session, actor: User, case: Case, label: Label, reason: str, *,
            now: datetime) -> None:
    """An open case at a department moves to the new label's group, to be taken there.

    A case back at the contact centre for completion stays so, and is completed to the new
    group; otherwise it waits in the new group's queue, unclaimed (the old holder is not a
    member there, and may not even see the new department's cases)."""
    if case.group_id == label.group_id:
        return
    record_event(session, case, EventKind.REROUTED, actor=actor, now=now,
                 citizen_visible=True, from_group_id=case.group_id, group_id=label.group_id,
                 department_id=label.department_id, department=label.department.name,
                 group=label.group.name, reason=reason, reclassified=True)
    case.group_id, case.department_id = label.group_id, label.department_id
    if case.status is not CaseStatus.RETURNED:
        case.status = CaseStatus.FORWARDED
        case.claimed_by_id = case.claimed_at = None


def _recompute_deadline(session: Session, case: Case, label: Label, *, now: datetime) -> None:
    """The new label's deadline, counted from when the contact was received (not from now).

    Reminders start over when the new deadline's "due soon" moment is still ahead."""
    due, soon = feedback_due(session, case.created_at, business=case.business, label=label)
    case.feedback_due_at, case.feedback_due_soon_at = due, soon
    if case.feedback_given_at is None and soon > now:
        case.sla_stage = 0
