"""Administering single labels: create, edit, retire, reactivate — each audited.

Bulk changes go through the taxonomy import (app.services.taxonomy_io); both keep the rule
that labels are never deleted, because old cases keep their classification. A label moved to
another case type takes that case type's guide; the move is refused if a key of the label's own
guide is already used there (answers are stored by key, so a key must mean one thing).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.services.audit import audit
from models import CaseType, Department, Function, Group, GuideField, Label, User
from rosa.errors import RuleViolations, violation
from rosa.i18n import N_
from rosa.levels import RosaLevel

MAX_NAME = 120


@dataclass
class LabelInput:
    function: str
    case_type: str
    name: str
    rosa_level: str
    department_id: int | None
    group_id: int | None
    mandate: bool = False
    urgent: bool = False
    avoidable: bool = False
    signal_words: str = ""
    description: str = ""
    feedback_working_days: str = ""
    feedback_working_hours: str = ""


def _deadline(data: LabelInput, problems: list) -> tuple[int | None, int | None]:
    """Optional override of the feedback deadline: working days or working hours, not both."""
    values = {}
    for field, top in (("feedback_working_days", 30), ("feedback_working_hours", 200)):
        raw = getattr(data, field).strip()
        if not raw:
            values[field] = None
        elif not raw.isdigit() or not 0 < int(raw) <= top:
            problems.append(violation(field, N_("Expected a whole number from 1 to %(max)s"),
                                      max=top))
            values[field] = None
        else:
            values[field] = int(raw)
    if values["feedback_working_days"] and values["feedback_working_hours"]:
        problems.append(violation("feedback_working_hours", N_(
            "Give the deadline in working days or in working hours, not both")))
    return values["feedback_working_days"], values["feedback_working_hours"]


def save_label(session: Session, actor: User, label: Label | None, data: LabelInput, *,
               now: datetime) -> Label:
    """Create (label=None) or update a label after checking every rule at once."""
    problems = []
    names = {}
    for field in ("function", "case_type", "name"):
        value = " ".join(getattr(data, field).split())
        if not value:
            problems.append(violation(field, N_("This field is required")))
        elif len(value) > MAX_NAME:
            problems.append(violation(field, N_("At most %(max)s characters"), max=MAX_NAME))
        names[field] = value
    try:
        level = RosaLevel.parse(data.rosa_level)
    except ValueError as error:
        problems.append(violation("rosa_level", str(error)))
        level = None
    department = session.get(Department, data.department_id) if data.department_id else None
    group = session.get(Group, data.group_id) if data.group_id else None
    if department is None:
        problems.append(violation("department_id", N_("Choose the owning department")))
    if group is None:
        problems.append(violation("group_id", N_("Choose the group that receives the cases")))
    elif department is not None and group.department_id != department.id:
        problems.append(violation("group_id", N_("The group must belong to the department")))
    working_days, working_hours = _deadline(data, problems)
    if not problems and _path_taken(session, names, label):
        problems.append(violation("name", N_("A label with this path already exists")))
    if problems:
        raise RuleViolations(problems)
    case_type = _case_type(session, names["function"], names["case_type"])
    if label is not None and label.id is not None and label.case_type_id != case_type.id:
        _refuse_guide_clash(session, label, case_type)
    created = label is None
    label = label or Label(active=True)
    before = _snapshot(label) if not created else {}
    label.case_type = case_type
    label.name = names["name"]
    label.rosa_level = int(level)
    label.department = department
    label.group = group
    label.mandate, label.urgent, label.avoidable = data.mandate, data.urgent, data.avoidable
    label.signal_words = "\n".join(
        w.strip() for w in data.signal_words.replace(",", "\n").splitlines() if w.strip())
    label.description = data.description.strip()
    label.feedback_working_days, label.feedback_working_hours = working_days, working_hours
    label.updated_at = now
    session.add(label)
    session.flush()
    audit(session, actor, "label.created" if created else "label.updated", "label", label.id,
          now=now, before=before, after=_snapshot(label))
    return label


def set_label_active(session: Session, actor: User, label: Label, active: bool, *,
                     now: datetime) -> Label:
    """Retire or reactivate. Retired labels keep classifying old cases."""
    label.active = active
    label.retired_at = None if active else now
    label.updated_at = now
    audit(session, actor, "label.reactivated" if active else "label.retired", "label",
          label.id, now=now, path=list(label.path))
    return label


def _refuse_guide_clash(session: Session, label: Label, case_type: CaseType) -> None:
    own = set(session.scalars(select(GuideField.key).where(GuideField.label_id == label.id)))
    theirs = set(session.scalars(select(GuideField.key).where(
        GuideField.case_type_id == case_type.id)))
    if own & theirs:
        raise RuleViolations([violation("case_type", N_(
            "The case type's guide already has the key %(key)s, which this label's own guide "
            "uses; change one of the guides first"), key=", ".join(sorted(own & theirs)))])


def _path_taken(session: Session, names: dict, label: Label | None) -> bool:
    query = (
        select(Label.id).join(CaseType).join(Function)
        .where(func.lower(Function.name) == names["function"].lower(),
               func.lower(CaseType.name) == names["case_type"].lower(),
               func.lower(Label.name) == names["name"].lower())
    )
    if label is not None and label.id is not None:
        query = query.where(Label.id != label.id)
    return session.scalar(query) is not None


def _case_type(session: Session, function_name: str, case_type_name: str) -> CaseType:
    function = session.scalar(
        select(Function).where(func.lower(Function.name) == function_name.lower()))
    if function is None:
        function = Function(name=function_name)
        session.add(function)
        session.flush()
    case_type = session.scalar(
        select(CaseType).where(CaseType.function_id == function.id,
                               func.lower(CaseType.name) == case_type_name.lower()))
    if case_type is None:
        case_type = CaseType(function=function, name=case_type_name)
        session.add(case_type)
        session.flush()
    return case_type


def _snapshot(label: Label) -> dict:
    return {
        "path": list(label.path), "rosa_level": label.rosa_level,
        "department_id": label.department_id, "group_id": label.group_id,
        "mandate": label.mandate, "urgent": label.urgent, "avoidable": label.avoidable,
        "signal_words": label.signal_words,
        "feedback_working_days": label.feedback_working_days,
        "feedback_working_hours": label.feedback_working_hours,
    }
