"""The one writer of the append-only case history."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from models import Case, CaseEvent, User
from rosa.vocabulary import EventKind


def record_event(
    session: Session,
    case: Case,
    kind: EventKind,
    *,
    actor: User | None,
    now: datetime,
    citizen_visible: bool = False,
    **data: Any,
) -> CaseEvent:
    """Append one event; every change of a case goes through here (DESIGN invariant 2)."""
    event = CaseEvent(
        case_id=case.id,
        kind=kind,
        actor_id=actor.id if actor is not None else None,
        at=now,
        citizen_visible=citizen_visible,
        data=data,
    )
    session.add(event)
    return event


_INSERT_EVENTS = insert(CaseEvent.__table__)


def record_events(
    session: Session,
    case: Case,
    events: list[tuple[EventKind, bool, dict[str, Any]]],
    *,
    actor: User | None,
    now: datetime,
) -> None:
    """Append several events of one case in a single INSERT (the intake's hot path)."""
    actor_id = actor.id if actor is not None else None
    session.connection().execute(_INSERT_EVENTS, [
        {"case_id": case.id, "kind": kind, "actor_id": actor_id, "at": now,
         "citizen_visible": visible, "data": data}
        for kind, visible, data in events
    ])


def case_history(session: Session, case: Case) -> list[CaseEvent]:
    return list(session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id)
                                .order_by(CaseEvent.id)))
