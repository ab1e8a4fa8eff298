"""The intake service: routing by ROSA level and mandate, persistence, events, bad input."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.services.intake import log_contact
from models import Case, CaseEvent, Contact, Customer
from rosa.errors import RuleViolations
from rosa.intake import ContactDraft, CustomerDraft
from rosa.vocabulary import CaseStatus, EventKind, Resolution


def _draft(**overrides) -> ContactDraft:
    customer = overrides.pop("customer", CustomerDraft(name="Anna Svensson", phone="070-123 45 67"))
    values = dict(channel="phone", citizen_words="Soptunnan har inte tömts", answer_given="",
                  customer=customer)
    values.update(overrides)
    return ContactDraft(**values)


@pytest.mark.parametrize("key", ["info", "guidance", "admin_mandate"])
def test_resolvable_labels_are_resolved_at_first_contact(session, world, now, key):
    """Levels 1–2, and 3–4 with mandate, are stored as resolved at first contact."""
    result = log_contact(session, world.agent, _draft(answer_given="Svar"),
                         world.labels[key].id, now=now)
    session.commit()
    case = session.get(Case, result.case.id)
    assert case.resolution is Resolution.FIRST_CONTACT
    assert case.status is CaseStatus.RESOLVED
    assert case.group_id is None
    assert case.resolved_at == now


@pytest.mark.parametrize("key,group_attr", [
    ("routine_no_mandate", "streets_group"),
    ("investigation", "streets_group"),
    ("evaluative", "social_group"),
])
def test_department_labels_land_in_their_groups_queue(session, world, now, key, group_attr):
    """Levels 5–6, and 3–4 without mandate, are forwarded to the label's group."""
    result = log_contact(session, world.agent, _draft(), world.labels[key].id, now=now)
    session.commit()
    case = session.get(Case, result.case.id)
    assert case.resolution is Resolution.FORWARDED
    assert case.status is CaseStatus.FORWARDED
    assert case.group_id == getattr(world, group_attr).id
    kinds = [e.kind for e in session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id))]
    assert kinds == [EventKind.CREATED, EventKind.CONTACT_LOGGED, EventKind.CLASSIFIED,
                     EventKind.FORWARDED]


def test_reference_and_tracking_code_are_distinct_and_sequential(session, world, now):
    """References count up per year; tracking codes are long and unrelated to them."""
    first = log_contact(session, world.agent, _draft(answer_given="x"),
                        world.labels["info"].id, now=now).case
    second = log_contact(session, world.agent, _draft(answer_given="x"),
                         world.labels["info"].id, now=now).case
    assert first.reference == "KC-2026-000001"
    assert second.reference == "KC-2026-000002"
    assert len(first.tracking_code) == 12 and first.tracking_code != second.tracking_code


def test_agent_may_not_resolve_what_must_be_forwarded(session, world, now):
    """Asking to resolve a level-5 contact is refused with the routing reason."""
    with pytest.raises(RuleViolations) as refused:
        log_contact(session, world.agent, _draft(requested="first_contact", answer_given="x"),
                    world.labels["investigation"].id, now=now)
    assert "resolution" in refused.value.by_field()
    assert session.scalar(select(func.count(Case.id))) == 0


def test_agent_may_forward_a_resolvable_contact(session, world, now):
    """An agent can choose to forward a level-2 contact, saying why; the FORWARDED event
    records the override, its reason and the label."""
    result = log_contact(session, world.agent, _draft(
        requested="forward", override_reason="citizen_asks", override_note="Vill ha beslut"),
        world.labels["guidance"].id, now=now)
    assert result.decision.overridden
    assert result.case.group_id == world.waste_group.id
    forwarded = session.scalar(select(CaseEvent).where(
        CaseEvent.case_id == result.case.id, CaseEvent.kind == EventKind.FORWARDED))
    assert forwarded.data["overridden"] is True and forwarded.actor_id == world.agent.id
    assert (forwarded.data["override_reason"], forwarded.data["override_note"]) == (
        "citizen_asks", "Vill ha beslut")
    assert forwarded.data["label_id"] == world.labels["guidance"].id


def test_forwarding_anyway_without_a_reason_is_refused(session, world, now):
    """Every channel (this is the service all of them use) must say why it forwards what
    the centre could answer; nothing is written."""
    with pytest.raises(RuleViolations) as refused:
        log_contact(session, world.agent, _draft(requested="forward"),
                    world.labels["guidance"].id, now=now)
    assert list(refused.value.by_field()) == ["override_reason"]
    assert session.scalar(select(func.count(Case.id))) == 0


def test_a_reason_is_not_asked_when_the_rules_forward_anyway(session, world, now):
    """A level-5 contact forwarded on request is no override: no reason needed or stored."""
    result = log_contact(session, world.agent, _draft(requested="forward"),
                         world.labels["investigation"].id, now=now)
    assert not result.decision.overridden
    forwarded = session.scalar(select(CaseEvent).where(
        CaseEvent.case_id == result.case.id, CaseEvent.kind == EventKind.FORWARDED))
    assert "override_reason" not in forwarded.data


def test_every_problem_is_reported_at_once_and_nothing_is_written(session, world, now):
    """Bad input names each field; no case, contact or customer is stored."""
    draft = _draft(channel="pigeon", citizen_words=" ",
                   customer=CustomerDraft(email="not-an-address", personnummer="123"))
    with pytest.raises(RuleViolations) as refused:
        log_contact(session, world.agent, draft, world.labels["investigation"].id, now=now)
    fields = set(refused.value.by_field())
    assert {"channel", "citizen_words", "customer.email", "customer.personnummer"} <= fields
    session.rollback()
    for model in (Case, Contact, Customer):
        assert session.scalar(select(func.count()).select_from(model)) == 0


def test_retired_label_is_refused_for_new_contacts(session, world, now):
    """Retired labels stay on old cases but cannot classify new ones."""
    with pytest.raises(RuleViolations) as refused:
        log_contact(session, world.agent, _draft(answer_given="x"),
                    world.labels["retired"].id, now=now)
    assert "label_id" in refused.value.by_field()


def test_forwarded_case_needs_a_way_to_give_feedback(session, world, now):
    """A forwarded case without name or any contact route is refused."""
    with pytest.raises(RuleViolations) as refused:
        log_contact(session, world.agent, _draft(customer=CustomerDraft()),
                    world.labels["evaluative"].id, now=now)
    assert {"customer.name", "customer.phone"} <= set(refused.value.by_field())


def test_events_cannot_be_changed_or_deleted(session, world, now):
    """The database refuses UPDATE and DELETE on the case history."""
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    log_contact(session, world.agent, _draft(answer_given="x"), world.labels["info"].id, now=now)
    session.commit()
    for statement in ("UPDATE case_events SET kind = 'note'", "DELETE FROM case_events"):
        with pytest.raises(DBAPIError):
            session.execute(text(statement))
        session.rollback()
