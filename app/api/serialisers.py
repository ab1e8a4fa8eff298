"""Models to JSON for the API. Times are UTC in ISO 8601; personnummer is always masked.

Everything here reads attributes that the views loaded eagerly, so serialising adds no query.
Texts meant for people (routing reasons, event titles) are translated; codes are not. Guide
titles and help are the administrators' own words and are given as written.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime

from flask_babel import gettext

from app.services.references import format_tracking_code
from models import Case, CaseEvent, Contact, Customer, Department, Group, Label
from rosa.guides import FieldSpec, answers, looks_like_personnummer
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
            "overridden": decision.overridden, "action": decision.action}


def taxonomy(labels: Iterable[Label],
             guides: Mapping[int, tuple[FieldSpec, ...]] | None = None) -> dict:
    """The tree function → case type → label, from labels ordered by their path; with each
    label's guide when `guides` (label id → fields) is given."""
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
        entry = taxonomy_label(label)
        if guides is not None:
            entry["guide"] = [guide_field(spec) for spec in guides.get(label.id, ())]
        case_types[case_type.id]["labels"].append(entry)
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
        "routing": routing(default_outcome(label.level, label.mandate, label.action)),
    }


def guide_field(spec: FieldSpec) -> dict:
    return {"key": spec.key, "title": spec.title, "kind": spec.kind.value,
            "required": spec.required, "help_text": spec.help_text,
            "choices": list(spec.choices)}


def guide_values(guide: Iterable[FieldSpec], values: Mapping[str, object]) -> dict:
    """The case's answers by key; a personnummer shows only its birth date, as everywhere."""
    shown = {}
    for answer in answers(guide, values):
        value = answer.value
        if looks_like_personnummer(answer) and isinstance(value, str) and len(value) == 12:
            value = mask_personnummer(value)
        shown[answer.key] = value
    return shown


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


def case_detail(case: Case, events: Iterable[CaseEvent], guide: Iterable[FieldSpec] = ()
                ) -> dict:
    return {
        **case_summary(case),
        "updated_at": timestamp(case.updated_at),
        "customer": customer(case.customer),
        "guide": guide_values(guide, case.guide_values or {}),
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
