"""Models to JSON for the API. Times are UTC in ISO 8601; personnummer is always masked.

Everything here reads attributes that the views loaded eagerly, so serialising adds no query.
Texts meant for people (routing reasons, event titles) are translated; codes are not.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from flask_babel import gettext

from app.services.references import format_tracking_code
from models import Case, CaseEvent, Contact, Customer, Department, Group, Label
from rosa.identity import mask_personnummer
from rosa.routing import Decision, default_outcome


def timestamp(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def unit(value: Department | Group | None) -> dict | None:
    return None if value is None else {"code": value.code, "name": value.name}


def routing(decision: Decision) -> dict:
    return {"outcome": decision.outcome.value, "reason": gettext(decision.reason),
            "overridden": decision.overridden}


def taxonomy(labels: Iterable[Label]) -> dict:
    """The tree function → case type → label, from labels ordered by their path."""
    functions: dict[int, dict] = {}
    case_types: dict[int, dict] = {}
    for label in labels:
        case_type = label.case_type
        function = case_type.function
        if function.id not in functions:
            functions[function.id] = {"id": function.id, "name": function.name,
                                      "active": function.active, "case_types": []}
        if case_type.id not in case_types:
            case_types[case_type.id] = {"id": case_type.id, "name": case_type.name,
                                        "active": case_type.active, "labels": []}
            functions[function.id]["case_types"].append(case_types[case_type.id])
        case_types[case_type.id]["labels"].append(taxonomy_label(label))
    return {"functions": list(functions.values())}


def taxonomy_label(label: Label) -> dict:
    return {
        "id": label.id,
        "name": label.name,
        "path": list(label.path),
        "rosa_level": label.rosa_level,
        "department": unit(label.department),
        "group": unit(label.group),
        "mandate": label.mandate,
        "urgent": label.urgent,
        "avoidable": label.avoidable,
        "signal_words": label.signal_word_list,
        "active": label.active,
        "routing": routing(default_outcome(label.level, label.mandate)),
    }


def case_summary(case: Case) -> dict:
    """What an integrator needs to tell the citizen what happened to their contact."""
    return {
        "reference": case.reference,
        "tracking_code": format_tracking_code(case.tracking_code),
        "status": case.status.value,
        "resolution": case.resolution.value,
        "rosa_level": case.rosa_level,
        "urgent": case.urgent,
        "channel": case.channel.value,
        "label": {"id": case.label.id, "path": list(case.label.path)},
        "department": unit(case.department),
        "group": unit(case.group),
        "created_at": timestamp(case.created_at),
        "resolved_at": timestamp(case.resolved_at),
    }


def created_case(case: Case, decision: Decision) -> dict:
    return {**case_summary(case), "routing": routing(decision)}


def case_detail(case: Case, events: Iterable[CaseEvent]) -> dict:
    return {
        **case_summary(case),
        "updated_at": timestamp(case.updated_at),
        "customer": customer(case.customer),
        "contacts": [contact(item) for item in case.contacts],
        "events": [event(item) for item in events],
    }


def customer(value: Customer | None) -> dict | None:
    if value is None:
        return None
    return {
        "kind": value.kind.value,
        "name": value.name,
        "email": value.email,
        "phone": value.phone,
        "address": value.address,
        "personnummer": mask_personnummer(value.personnummer) or None,
        "organisationsnummer": value.organisationsnummer,
    }


def contact(value: Contact) -> dict:
    return {
        "channel": value.channel.value,
        "received_at": timestamp(value.received_at),
        "citizen_words": value.citizen_words,
        "answer_given": value.answer_given,
    }


def event(value: CaseEvent) -> dict:
    return {
        "kind": value.kind.value,
        "title": gettext(value.kind.title),
        "at": timestamp(value.at),
        "actor": value.actor.username if value.actor is not None else None,
        "citizen_visible": value.citizen_visible,
        "data": value.data,
    }
