"""Guides in the database: a label's guide is its case type's fields followed by its own, each
part in `position` order. Reading them (cached per label for the intake's hot path) and
editing them (the admin guide editor), each edit audited.

The cache is keyed by the label's `updated_at`, which the label already carries when the
intake loads it, so a cache hit costs no query. That only works because every change of a
guide — here and in the taxonomy import — sets `updated_at` on each label it affects
(`touch_labels`); it also makes the console's label catalogue rebuild.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from threading import Lock

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app.services.audit import audit
from models import CaseType, GuideField, Label, User
from rosa.errors import RuleViolations, violation
from rosa.guides import Answer, FieldSpec, answers, define_field, key_from_title
from rosa.i18n import N_

MAX_FIELDS = 40  # a guide, not a form: more than this is a sign something went wrong

_lock = Lock()
_cache: dict[int, tuple[tuple, tuple[FieldSpec, ...]]] = {}


# --- reading --------------------------------------------------------------------------------


def field_spec(row: GuideField) -> FieldSpec:
    return FieldSpec(row.key, row.title, row.kind, row.required, row.help_text or "",
                     tuple(row.choices or ()))


def _cache_key(label: Label) -> tuple:
    return (label.updated_at, label.case_type_id)


def label_guide(session: Session, label: Label) -> tuple[FieldSpec, ...]:
    """The label's whole guide; no query when the label has not changed since last time."""
    key = _cache_key(label)
    with _lock:
        hit = _cache.get(label.id)
    if hit is not None and hit[0] == key:
        return hit[1]
    rows = session.scalars(
        select(GuideField).where(or_(GuideField.label_id == label.id,
                                     GuideField.case_type_id == label.case_type_id))
    ).all()
    guide = _combine(rows, label)
    with _lock:
        _cache[label.id] = (key, guide)
    return guide


def guides_by_label(session: Session, labels: Sequence[Label]) -> dict[int, tuple[FieldSpec, ...]]:
    """Every given label's guide with one query (for the catalogue and the API's taxonomy)."""
    rows = session.scalars(select(GuideField)).all()
    by_case_type: dict[int, list[GuideField]] = {}
    by_label: dict[int, list[GuideField]] = {}
    for row in rows:
        if row.case_type_id is not None:
            by_case_type.setdefault(row.case_type_id, []).append(row)
        elif row.label_id is not None:
            by_label.setdefault(row.label_id, []).append(row)
    guides = {}
    for label in labels:
        owned = by_case_type.get(label.case_type_id, []) + by_label.get(label.id, [])
        guides[label.id] = _combine(owned, label)
    with _lock:
        for label in labels:
            _cache[label.id] = (_cache_key(label), guides[label.id])
    return guides


def _combine(rows: Iterable[GuideField], label: Label) -> tuple[FieldSpec, ...]:
    def order(row: GuideField) -> tuple:
        return (row.label_id is not None, row.position, row.id)

    return tuple(field_spec(row) for row in sorted(rows, key=order)
                 if row.label_id in (None, label.id))


def forget_guides() -> None:
    """Drop this process's cache (other processes notice the labels' new `updated_at`)."""
    with _lock:
        _cache.clear()


def touch_labels(labels: Iterable[Label], now: datetime) -> None:
    """Mark labels changed so caches keyed by `updated_at` (guides, catalogue) refresh."""
    for label in labels:
        label.updated_at = now
    forget_guides()


def case_answers(session: Session, case) -> list[Answer]:
    """The case's guide answers with the titles of its label's guide, for showing."""
    values = case.guide_values or {}
    if not values:
        return []
    return answers(label_guide(session, case.label), values)


def fields_of(session: Session, owner: CaseType | Label) -> list[GuideField]:
    """The fields an owner defines itself, in order."""
    column = GuideField.case_type_id if isinstance(owner, CaseType) else GuideField.label_id
    return list(session.scalars(select(GuideField).where(column == owner.id)
                                .order_by(GuideField.position, GuideField.id)))


def owner_of(session: Session, row: GuideField) -> CaseType | Label:
    if row.case_type_id is not None:
        return session.get(CaseType, row.case_type_id)  # type: ignore[return-value]
    return session.get(Label, row.label_id)  # type: ignore[return-value]


# --- editing --------------------------------------------------------------------------------


@dataclass
class GuideFieldInput:
    """What the admin form sends; `key` may be left empty and is then made from the title."""

    title: str
    kind: str
    required: bool = False
    help_text: str = ""
    choices: str | Sequence[str] = ""  # one alternative per line, or a list
    key: str = ""


def add_guide_field(session: Session, actor: User, owner: CaseType | Label,
                    data: GuideFieldInput, *, now: datetime) -> GuideField:
    """Append a field to a case type's or a label's guide after checking every rule."""
    siblings = fields_of(session, owner)
    if len(siblings) >= MAX_FIELDS:
        raise RuleViolations([violation("title", N_("A guide has at most %(max)s fields"),
                                        max=MAX_FIELDS)])
    key = data.key.strip() or key_from_title(data.title)
    try:
        spec = define_field(key=key, title=data.title, kind=data.kind, required=data.required,
                            help_text=data.help_text, choices=_lines(data.choices),
                            taken=_taken_keys(session, owner))
    except RuleViolations as refused:
        if data.key.strip() or data.title.strip():
            raise
        # The key was to be made from the title; "title is required" says it all.
        raise RuleViolations(v for v in refused.violations if v.field != "key") from None
    row = GuideField(
        case_type_id=owner.id if isinstance(owner, CaseType) else None,
        label_id=owner.id if isinstance(owner, Label) else None,
        position=len(siblings), **_columns(spec), key=spec.key)
    session.add(row)
    session.flush()
    touch_labels(_affected(session, owner), now)
    audit(session, actor, "guide_field.created", "guide_field", row.id, now=now,
          owner=_owner_ref(owner), after=snapshot(row))
    return row


def update_guide_field(session: Session, actor: User, row: GuideField, data: GuideFieldInput,
                       *, now: datetime) -> GuideField:
    """Change a field's title, kind, help, alternatives or whether it is required. The key
    stays: answers on existing cases are stored under it."""
    before = snapshot(row)
    spec = define_field(key=row.key, title=data.title, kind=data.kind, required=data.required,
                        help_text=data.help_text, choices=_lines(data.choices))
    for name, value in _columns(spec).items():
        setattr(row, name, value)
    owner = owner_of(session, row)
    touch_labels(_affected(session, owner), now)
    audit(session, actor, "guide_field.updated", "guide_field", row.id, now=now,
          owner=_owner_ref(owner), before=before, after=snapshot(row))
    return row


def move_guide_field(session: Session, actor: User, row: GuideField, step: int, *,
                     now: datetime) -> None:
    """Move a field up (step -1) or down (+1) within its owner's guide."""
    owner = owner_of(session, row)
    siblings = fields_of(session, owner)
    index = next(i for i, sibling in enumerate(siblings) if sibling.id == row.id)
    target = min(max(index + step, 0), len(siblings) - 1)
    if target == index:
        return
    siblings.insert(target, siblings.pop(index))
    for position, sibling in enumerate(siblings):
        sibling.position = position
    touch_labels(_affected(session, owner), now)
    audit(session, actor, "guide_field.moved", "guide_field", row.id, now=now,
          owner=_owner_ref(owner), order=[sibling.key for sibling in siblings])


def delete_guide_field(session: Session, actor: User, row: GuideField, *,
                       now: datetime) -> None:
    """Remove a field. Answers already stored on cases stay there, under the field's key."""
    owner = owner_of(session, row)
    before = snapshot(row)
    session.delete(row)
    session.flush()
    for position, sibling in enumerate(fields_of(session, owner)):
        sibling.position = position
    touch_labels(_affected(session, owner), now)
    audit(session, actor, "guide_field.deleted", "guide_field", before["id"], now=now,
          owner=_owner_ref(owner), before=before)


def _lines(choices: str | Sequence[str]) -> list[str]:
    if isinstance(choices, str):
        return [line.strip() for line in choices.splitlines() if line.strip()]
    return list(choices)


def _columns(spec: FieldSpec) -> dict:
    return {"title": spec.title, "kind": spec.kind, "required": spec.required,
            "help_text": spec.help_text, "choices": list(spec.choices)}


def _taken_keys(session: Session, owner: CaseType | Label) -> set[str]:
    """Keys a new field may not use: the rest of every combined guide it becomes part of."""
    if isinstance(owner, Label):
        query = select(GuideField.key).where(or_(
            GuideField.label_id == owner.id, GuideField.case_type_id == owner.case_type_id))
    else:
        label_ids = select(Label.id).where(Label.case_type_id == owner.id)
        query = select(GuideField.key).where(or_(
            GuideField.case_type_id == owner.id, GuideField.label_id.in_(label_ids)))
    return set(session.scalars(query))


def _affected(session: Session, owner: CaseType | Label) -> list[Label]:
    if isinstance(owner, Label):
        return [owner]
    return list(session.scalars(select(Label).where(Label.case_type_id == owner.id)))


def _owner_ref(owner: CaseType | Label) -> dict:
    if isinstance(owner, Label):
        return {"label_id": owner.id, "path": list(owner.path)}
    return {"case_type_id": owner.id, "path": [owner.function.name, owner.name]}


def snapshot(row: GuideField) -> dict:
    return {"id": row.id, "key": row.key, "title": row.title, "kind": row.kind.value,
            "required": row.required, "help_text": row.help_text,
            "choices": list(row.choices or ()), "position": row.position}
