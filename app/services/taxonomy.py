"""Reading the taxonomy for the console: the label index (cached per process) and choices.

The cache is rebuilt when the fingerprint changes; guide edits and department changes that
affect guides set the labels' `updated_at` (app.services.guides.touch_labels), so they count.
"""

from __future__ import annotations

from dataclasses import dataclass
from threading import Lock

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from app.services.guides import guides_by_label
from models import CaseType, Function, GuideField, Label
from rosa.guides import FieldSpec
from rosa.routing import default_outcome
from rosa.signals import LabelEntry, LabelIndex

_cache_lock = Lock()
_cache: dict[str, object] = {}


@dataclass(frozen=True)
class LabelView:
    """What the console shows about a label, without touching the database again."""

    id: int
    path: tuple[str, str, str]
    level: int
    mandate: bool
    urgent: bool
    avoidable: bool
    active: bool
    forwards: bool
    reason: str
    department: str
    group: str
    guide: tuple[FieldSpec, ...] = ()  # the case type's fields, then the label's own
    birth_date_only: bool = False  # personnummer fields ask only for the birth date

    @property
    def path_text(self) -> str:
        return " › ".join(self.path)


def _fingerprint(session: Session) -> tuple:
    return tuple(session.execute(
        select(func.count(Label.id), func.max(Label.updated_at),
               select(func.count(Function.id)).scalar_subquery(),
               select(func.count(CaseType.id)).scalar_subquery(),
               select(func.count(GuideField.id)).scalar_subquery(),
               select(func.max(GuideField.id)).scalar_subquery())
    ).one())


def label_catalogue(session: Session) -> tuple[dict[int, LabelView], LabelIndex]:
    """All labels as views plus a search index, rebuilt only when the taxonomy changed."""
    key = _fingerprint(session)
    with _cache_lock:
        if _cache.get("key") == key:
            return _cache["views"], _cache["index"]  # type: ignore[return-value]
    labels = session.scalars(
        select(Label).options(
            joinedload(Label.case_type).joinedload(CaseType.function),
            joinedload(Label.department), joinedload(Label.group),
        )
    ).unique().all()
    guides = guides_by_label(session, labels)
    views = {label.id: _view(label, guides[label.id]) for label in labels}
    index = LabelIndex(
        LabelEntry(label.id, label.path, tuple(label.signal_word_list), label.active)
        for label in labels
    )
    with _cache_lock:
        _cache.update(key=key, views=views, index=index)
    return views, index


def _view(label: Label, guide: tuple[FieldSpec, ...] = ()) -> LabelView:
    decision = default_outcome(label.level, label.mandate)
    return LabelView(
        id=label.id, path=label.path, level=label.rosa_level, mandate=label.mandate,
        urgent=label.urgent, avoidable=label.avoidable, active=label.active,
        forwards=decision.forwards, reason=decision.reason, department=label.department.name,
        group=label.group.name, guide=guide,
        birth_date_only=label.department.personnummer_birth_date_only,
    )


def grouped_choices(views: dict[int, LabelView]) -> list[tuple[str, list[LabelView]]]:
    """Active labels grouped by "function › case type", for the no-JavaScript select."""
    groups: dict[str, list[LabelView]] = {}
    for view in sorted(views.values(), key=lambda v: v.path):
        if view.active:
            groups.setdefault(f"{view.path[0]} › {view.path[1]}", []).append(view)
    return list(groups.items())
