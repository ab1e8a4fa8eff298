"""Overrides: contacts an agent forwarded although the contact centre could answer them.

An override is a FORWARDED event whose data says "overridden", with the agent as its actor
and the reason the agent gave (rosa.routing.check_override). Contacts sent through
self-service (the web form forwards everything: nobody has answered yet) and events without
an actor are not an agent's choice and are left out. Counted live from the case history
rather than the dashboards' aggregate: overrides are a few per cent of contacts, and their
page is the only one that asks.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import and_, exists, func, select, true
from sqlalchemy.orm import Session

from models import Case, CaseEvent
from rosa.routing import OverrideReason
from rosa.vocabulary import EventKind

# Recorded before reasons were asked for: an override without one.
NO_REASON = "unknown"


@dataclass(frozen=True)
class OverrideFact:
    """One overridden case: who forwarded it, under which label, why."""

    case_id: int
    label_id: int
    agent_id: int
    reason: str  # an OverrideReason value, or NO_REASON
    note: str
    at: object  # the event's time (aware datetime)


def _reason():
    return func.coalesce(CaseEvent.data["override_reason"].as_string(), NO_REASON)


def _is_override():
    return and_(CaseEvent.kind == EventKind.FORWARDED,
                CaseEvent.data["overridden"].as_boolean() == true(),
                CaseEvent.actor_id.is_not(None),
                _reason() != OverrideReason.SELF_SERVICE.value)


def override_exists(*, agent_id: int | None = None, reason: str | None = None):
    """The condition "the case was forwarded anyway" (by this agent, for this reason)."""
    conditions = [CaseEvent.case_id == Case.id, _is_override()]
    if agent_id is not None:
        conditions.append(CaseEvent.actor_id == agent_id)
    if reason is not None:
        conditions.append(_reason() == reason)
    return exists().where(*conditions)


def override_facts(session: Session, case_conditions: Iterable) -> list[OverrideFact]:
    """The overridden cases among those the conditions select, newest first (the first
    override of a case counts, should it have two)."""
    rows = session.execute(
        select(CaseEvent.case_id, Case.label_id, CaseEvent.actor_id, _reason(),
               CaseEvent.data["override_note"].as_string(), CaseEvent.at)
        .join(Case, Case.id == CaseEvent.case_id)
        .where(*case_conditions, _is_override())
        .order_by(CaseEvent.id))
    first: dict[int, OverrideFact] = {}
    for case_id, label_id, agent_id, reason, note, at in rows:
        first.setdefault(case_id, OverrideFact(case_id, label_id, agent_id, reason,
                                               note or "", at))
    return sorted(first.values(), key=lambda f: f.case_id, reverse=True)

