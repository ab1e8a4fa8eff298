"""Administering single labels: create, edit, retire, reactivate — each audited.

Bulk changes go through the taxonomy import (app.services.taxonomy_io); both keep the rule
that labels are never deleted, because old cases keep their classification, and both check a
label's values with the same function, rosa.label_rules.check_label, so the form refuses
exactly what an import refuses. A label moved to
another case type takes that case type's guide; the move is refused if a key of the label's own
guide is already used there (answers are stored by key, so a key must mean one thing).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.services.audit import audit
from models import CaseType, Department, Function, Group, GuideField, Label, User
from rosa.errors import RuleViolations, violation
from rosa.i18n import N_
from rosa.label_rules import MAX_TREE_NAME, LabelDraft, Organisation, check_label

MAX_NAME = MAX_TREE_NAME
# The label rules name the file's keys; the form calls three of them differently.
FORM_FIELDS = {"rosa": "rosa_level", "department": "department_id", "group": "group_id"}


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
    action: bool = False


def organisation(session: Session) -> Organisation:
    """Departments and groups by id, as the label rules need them (a handful of rows)."""
    departments = session.execute(
        select(Department.id, Department.name, Department.is_contact_centre)).all()
    groups = session.execute(select(Group.id, Group.name, Group.department_id)).all()
    return Organisation(
        owner={g.id: g.department_id for g in groups},
        departments={d.id for d in departments},
        centres={d.id for d in departments if d.is_contact_centre},
        group_names={g.id: g.name for g in groups},
        department_names={d.id: d.name for d in departments})


def _number(raw: str) -> object:
    """A deadline as typed: empty is none, digits a number, anything else is left for the
    rule to refuse."""
    raw = raw.strip()
    return None if not raw else int(raw) if raw.isdigit() and len(raw) < 6 else raw


def signal_word_list(text: str) -> tuple[str, ...]:
    """One phrase per line (commas separate too), blank ones dropped."""
    return tuple(w.strip() for w in text.replace(",", "\n").splitlines() if w.strip())


def _draft(data: LabelInput, known: Organisation) -> LabelDraft:
    """The form's values for the label rules; an id that names nothing counts as no choice."""
    return LabelDraft(
        rosa=data.rosa_level.strip(), mandate=data.mandate, action=data.action,
        department=data.department_id if known.knows_department(data.department_id) else None,
        group=data.group_id if data.group_id in known.owner else None,
        signal_words=signal_word_list(data.signal_words), description=data.description.strip(),
        feedback_working_days=_number(data.feedback_working_days),
        feedback_working_hours=_number(data.feedback_working_hours))


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
        checked = check_label(_draft(data, known := organisation(session)), known)
    except RuleViolations as refused:
        problems.extend(replace(v, field=FORM_FIELDS.get(v.field, v.field))
                        for v in refused.violations)
    if not problems and _path_taken(session, names, label):
        problems.append(violation("name", N_("A label with this path already exists")))
    if problems:
        raise RuleViolations(problems)
    assert checked.route is not None  # the form offers only known departments and groups
    department = session.get(Department, checked.route[0])
    group = session.get(Group, checked.route[1])
    case_type = _case_type(session, names["function"], names["case_type"])
    if label is not None and label.id is not None and label.case_type_id != case_type.id:
        _refuse_guide_clash(session, label, case_type)
    created = label is None
    label = label or Label(active=True)
    before = _snapshot(label) if not created else {}
    label.case_type = case_type
    label.name = names["name"]
    label.rosa_level = int(checked.level)
    label.department = department
    label.group = group
    label.mandate, label.urgent, label.avoidable = data.mandate, data.urgent, data.avoidable
    label.action = data.action
    label.signal_words = "\n".join(signal_word_list(data.signal_words))
    label.description = data.description.strip()
    label.feedback_working_days = checked.deadline.working_days
    label.feedback_working_hours = checked.deadline.working_hours
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
        "action": label.action, "signal_words": label.signal_words,
        "feedback_working_days": label.feedback_working_days,
        "feedback_working_hours": label.feedback_working_hours,
    }
