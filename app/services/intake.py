"""The one way in: every channel logs a contact through `log_contact`.

classify → decide (rosa.intake) → persist case, contact, customer and events in the caller's
transaction → return the outcome. The caller commits.

An action label (docs/routing.md) is answered at first contact and also goes to its group: the
case is resolved at first contact as far as statistics go, but open (status forwarded) in the
group's queue with a feedback deadline, and marked as an order to the department.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select
from sqlalchemy.orm import Session, joinedload, make_transient_to_detached

from app.services.casework import alert_urgent_case
from app.services.deadlines import feedback_due
from app.services.guides import label_guide
from app.services.history import record_events
from app.services.references import new_tracking_code, next_reference
from models import Case, CaseType, Contact, Customer, CustomerNameTerm, Label, User
from rosa.identity import name_terms
from rosa.intake import CleanContact, CleanCustomer, ContactDraft, LabelFacts, check_contact
from rosa.levels import RosaLevel
from rosa.routing import Decision
from rosa.vocabulary import CaseStatus, EventKind, Resolution

STOCKHOLM = ZoneInfo("Europe/Stockholm")
# Built once: constructing and cache-keying statements per contact costs more than running them.
_inserts = {model: insert(model.__table__).returning(model.__table__.c.id)
            for model in (Case, Contact, Customer)}
_INSERT_TERMS = insert(CustomerNameTerm.__table__)


@dataclass(frozen=True)
class PreparedContact:
    """A validated, routed contact and its label, ready to be stored."""

    clean: CleanContact
    label: Label


@dataclass(frozen=True)
class IntakeResult:
    case: Case
    contact: Contact
    decision: Decision


def load_label(session: Session, label_id: int | None) -> Label | None:
    """The label with its path, department and group in one query (the intake needs them all).

    Keep the returned object referenced: the session's identity map holds it only weakly.
    """
    if not label_id:
        return None
    return session.scalar(select(Label).where(Label.id == label_id).options(
        joinedload(Label.case_type).joinedload(CaseType.function),
        joinedload(Label.department), joinedload(Label.group)))


def label_facts(label: Label | None, guide: tuple = ()) -> LabelFacts | None:
    if label is None:
        return None
    return LabelFacts(RosaLevel(label.rosa_level), label.mandate, label.active, guide,
                      label.department.personnummer_birth_date_only, label.action)


def log_contact(
    session: Session,
    actor: User | None,
    draft: ContactDraft,
    label_id: int | None,
    *,
    now: datetime,
    reference_prefix: str = "KC",
    received_at: datetime | None = None,
    summary: str = "",
) -> IntakeResult:
    """Create a case from a first contact. Raises rosa.RuleViolations on bad input."""
    prepared = prepare_contact(session, draft, label_id)
    return store_contact(session, actor, prepared, now=now, reference_prefix=reference_prefix,
                         received_at=received_at, summary=summary)


def prepare_contact(session: Session, draft: ContactDraft, label_id: int | None
                    ) -> PreparedContact:
    """Validate and route without writing, so a web request can do it before taking the lock.

    The label is looked up in the session's identity map first; callers that preload it with
    its department and group spare the queries. Its guide comes from a per-label cache, so
    the guide costs a query only the first time after the label changed.
    """
    label = session.get(Label, label_id) if label_id else None
    guide = label_guide(session, label) if label is not None else ()
    clean = check_contact(draft, label_facts(label, guide))
    assert label is not None
    return PreparedContact(clean, label)


def store_contact(
    session: Session,
    actor: User | None,
    prepared: PreparedContact,
    *,
    now: datetime,
    reference_prefix: str = "KC",
    received_at: datetime | None = None,
    summary: str = "",
) -> IntakeResult:
    """Persist a prepared contact as case, contact, customer and history events.

    This runs while SQLite's write lock is held, on every contact of every channel, so it
    writes with plain INSERT statements (events in one multi-row statement) instead of the ORM
    unit of work, and then attaches the rows to the session as already-persistent objects.
    """
    clean, label = prepared.clean, prepared.label
    received = received_at or now
    decision = clean.decision
    forwarded = decision.forwards
    to_group = decision.to_department  # forwarded, or answered and ordered for an action
    actor_id = actor.id if actor else None
    reference = next_reference(session, reference_prefix, received.astimezone(STOCKHOLM).year)
    customer = _store_customer(session, clean.customer, now)
    business = clean.customer.kind.value == "business"
    due_at, due_soon = (feedback_due(session, received, business=business, label=label)
                        if to_group else (None, None))
    case = _insert(session, Case, dict(
        reference=reference,
        tracking_code=new_tracking_code(),
        status=CaseStatus.FORWARDED if to_group else CaseStatus.RESOLVED,
        resolution=Resolution.FORWARDED if forwarded else Resolution.FIRST_CONTACT,
        label_id=label.id,
        rosa_level=label.rosa_level,
        urgent=label.urgent,
        business=business,
        channel=clean.channel,
        department_id=label.department_id,
        group_id=label.group_id if to_group else None,
        customer_id=customer.id if customer else None,
        created_by_id=actor_id,
        summary=(summary or clean.citizen_words)[:500],
        created_at=received,
        updated_at=now,
        resolved_at=None if to_group else now,
        guide_values=clean.guide_values,
        feedback_due_at=due_at,
        feedback_due_soon_at=due_soon,
        sla_stage=0,
        reroute_count=0,
        action_ordered=decision.action,
        reclassify_count=0,
        version=1,
    ))
    contact = _insert(session, Contact, dict(
        case_id=case.id,
        channel=clean.channel,
        received_at=received,
        agent_id=actor_id,
        customer_id=customer.id if customer else None,
        citizen_words=clean.citizen_words,
        answer_given=clean.answer_given,
    ))
    record_events(session, case, _intake_events(case, contact, label, decision, clean.override),
                  actor=actor, now=now)
    if to_group and label.urgent:
        alert_urgent_case(session, case, now=now)
    return IntakeResult(case, contact, decision)


def _insert(session: Session, model, values: dict):
    """INSERT one row and return it as a persistent object, without a SELECT or a flush."""
    values["id"] = session.connection().execute(_inserts[model], values).scalar_one()
    obj = model(**values)
    make_transient_to_detached(obj)
    session.add(obj)
    return obj


def _store_customer(session: Session, clean: CleanCustomer, now: datetime) -> Customer | None:
    if clean.is_empty:
        return None
    customer = _insert(session, Customer, dict(
        kind=clean.kind,
        name=clean.name,
        email=clean.email,
        phone=clean.phone,
        phone_key=clean.phone_key,
        address=clean.address,
        personnummer=clean.personnummer,
        organisationsnummer=clean.organisationsnummer,
        created_at=now,
    ))
    terms = [{"customer_id": customer.id, "term": term} for term in name_terms(clean.name)]
    if terms:
        session.connection().execute(_INSERT_TERMS, terms)
    return customer


def _intake_events(case, contact, label, decision, override=None
                   ) -> list[tuple[EventKind, bool, dict]]:
    """(kind, citizen-visible, data) of the events every new case starts with."""
    events = [
        (EventKind.CREATED, True, {"channel": case.channel.value}),
        (EventKind.CONTACT_LOGGED, False,
         {"contact_id": contact.id, "channel": contact.channel.value}),
        (EventKind.CLASSIFIED, False,
         {"label_id": label.id, "path": list(label.path), "rosa_level": label.rosa_level}),
    ]
    if decision.forwards:
        forwarded = {
            "group_id": label.group_id, "department_id": label.department_id,
            "department": label.department.name, "group": label.group.name,
            "reason": decision.reason, "overridden": decision.overridden}
        if override is not None:  # why the agent forwarded what the centre could answer
            forwarded.update(override_reason=override.reason.value,
                             override_note=override.note, label_id=label.id)
        events.append((EventKind.FORWARDED, True, forwarded))
    else:
        events.append((EventKind.RESOLVED_AT_FIRST_CONTACT, True, {"reason": decision.reason}))
    if decision.action:
        events.append((EventKind.ACTION_ORDERED, True, {
            "group_id": label.group_id, "department_id": label.department_id,
            "department": label.department.name, "group": label.group.name}))
    return events
