"""Guides in the database: combining a label's guide, caching it, editing it (audited), and
the intake storing the answers or refusing to forward without them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import event, func, select

from app.services.demo import load_demo
from app.services.guides import (
    GuideFieldInput,
    add_guide_field,
    delete_guide_field,
    fields_of,
    label_guide,
    move_guide_field,
    update_guide_field,
)
from app.services.intake import log_contact
from app.services.taxonomy import label_catalogue
from models import AuditEntry, Case, GuideField, Label
from rosa.errors import RuleViolations
from rosa.guides import FieldKind
from rosa.intake import ContactDraft, CustomerDraft
from rosa.vocabulary import Resolution
from tests import factories


@pytest.fixture
def guided(session, world):
    factories.add_guides(session, world)
    session.commit()
    return world


def _draft(**overrides) -> ContactDraft:
    values = dict(channel="phone", citizen_words="Det läcker olja på Storgatan", answer_given="",
                  customer=CustomerDraft(name="Eva Ek", phone="070-111 22 33"))
    values.update(overrides)
    return ContactDraft(**values)


OIL_ANSWERS = {"plats": "Storgatan 12", "pagaende": "ja", "fororenare": "Sjöstrands Åkeri AB",
               "amne": "diesel", "fordon": "abc 123"}


def _selects(session):
    statements = []

    def count(_conn, _cursor, statement, *_args):
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append(statement)

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", count)
    return statements, lambda: event.remove(engine, "before_cursor_execute", count)


def test_a_labels_guide_is_its_case_types_fields_then_its_own(session, guided):
    """Case-type fields come first, each part in its own order."""
    guide = label_guide(session, guided.labels["investigation"])
    assert [spec.key for spec in guide] == ["plats", "pagaende", "fororenare", "amne", "fordon",
                                           "yta"]
    assert guide[3].kind is FieldKind.CHOICE and guide[3].choices == ("Diesel", "Bensin",
                                                                      "Vet inte")
    assert label_guide(session, guided.labels["info"]) == ()


def test_the_guide_is_cached_until_the_label_changes(session, guided, now):
    """A second look-up costs no query; an edit of the case type's guide is seen at once."""
    oil = guided.labels["investigation"]
    label_guide(session, oil)
    statements, stop = _selects(session)
    try:
        label_guide(session, oil)
        assert statements == []
        field = fields_of(session, oil.case_type)[0]
        update_guide_field(session, guided.admin, field, GuideFieldInput(
            title="Var exakt", kind="place", required=False), now=now)
        session.flush()
        assert label_guide(session, oil)[0].title == "Var exakt"
    finally:
        stop()


def test_forwarding_without_required_answers_is_refused(session, guided, now):
    """Each missing required answer is named; nothing is stored."""
    with pytest.raises(RuleViolations) as refused:
        log_contact(session, guided.agent, _draft(guide={"plats": "Storgatan"}),
                    guided.labels["investigation"].id, now=now)
    assert set(refused.value.by_field()) == {"guide.pagaende", "guide.fororenare", "guide.amne"}
    session.rollback()
    assert session.scalar(select(func.count(Case.id))) == 0


def test_answers_are_normalised_and_stored_on_the_case(session, guided, now):
    """A complete guide is stored on the case by key, in normalised form."""
    result = log_contact(session, guided.agent, _draft(guide=OIL_ANSWERS),
                         guided.labels["investigation"].id, now=now)
    session.commit()
    case = session.get(Case, result.case.id)
    assert case.resolution is Resolution.FORWARDED
    assert case.guide_values == {"plats": "Storgatan 12", "pagaende": True,
                                 "fororenare": "Sjöstrands Åkeri AB", "amne": "Diesel",
                                 "fordon": "ABC123"}


def test_first_contact_needs_no_answers_but_checks_given_ones(session, guided, now):
    """A level-2 label answered now may skip its required field; a bad answer is refused."""
    guidance = guided.labels["guidance"]
    result = log_contact(session, guided.agent, _draft(answer_given="Taxan finns på webben"),
                         guidance.id, now=now)
    assert result.case.guide_values == {}
    with pytest.raises(RuleViolations) as refused:
        log_contact(session, guided.agent, _draft(answer_given="Svar", guide={
            "fastighet": "Kvarnen", "barn": "20200101-0000"}), guidance.id, now=now)
    assert set(refused.value.by_field()) == {"guide.fastighet", "guide.barn"}
    with pytest.raises(RuleViolations) as refused:  # forwarded on request: now required
        log_contact(session, guided.agent, _draft(requested="forward",
                                                  override_reason="needs_assessment"),
                    guidance.id, now=now)
    assert set(refused.value.by_field()) == {"guide.fastighet"}


def test_birth_date_only_department_keeps_no_last_digits(session, guided, now):
    """The social department wants only the birth date, even when the number is given."""
    result = log_contact(session, guided.agent, _draft(guide={"sokande": "19121212-1212"}),
                         guided.labels["evaluative"].id, now=now)
    assert result.case.guide_values == {"sokande": "1912-12-12"}


def test_adding_fields_checks_keys_across_the_combined_guide(session, guided, now):
    """A label may not take a key of its case type's guide, nor the case type one of its
    labels'; a key is made from the title when none is given."""
    oil = guided.labels["investigation"]
    with pytest.raises(RuleViolations) as refused:
        add_guide_field(session, guided.admin, oil, GuideFieldInput(
            title="Plats", kind="text", key="plats"), now=now)
    assert "already has the key plats" in refused.value.by_field()["key"][0].format()
    with pytest.raises(RuleViolations) as refused:
        add_guide_field(session, guided.admin, oil.case_type, GuideFieldInput(
            title="Förorenare", kind="text"), now=now)
    assert "already has the key fororenare" in refused.value.by_field()["key"][0].format()
    with pytest.raises(RuleViolations) as refused:
        add_guide_field(session, guided.admin, oil, GuideFieldInput(title="", kind="text"),
                        now=now)
    assert set(refused.value.by_field()) == {"title"}
    field = add_guide_field(session, guided.admin, oil, GuideFieldInput(
        title="Vittnets telefon", kind="phone", help_text="Om någon såg det."), now=now)
    assert (field.key, field.position, field.label_id) == ("vittnets_telefon", 4, oil.id)


def test_edits_are_audited_and_refresh_the_console_catalogue(session, guided, now):
    """Add, edit, move and delete each leave an audit entry; the console sees the change."""
    oil = guided.labels["investigation"]
    views, _index = label_catalogue(session)
    assert len(views[oil.id].guide) == 6
    later = now + timedelta(hours=1)
    field = add_guide_field(session, guided.admin, oil, GuideFieldInput(
        title="Vittne", kind="text"), now=later)
    update_guide_field(session, guided.admin, field, GuideFieldInput(
        title="Vittnets namn", kind="text", required=True), now=later)
    move_guide_field(session, guided.admin, field, -1, now=later)
    assert [f.key for f in fields_of(session, oil)] == ["fororenare", "amne", "fordon",
                                                        "vittne", "yta"]
    views, _index = label_catalogue(session)
    assert [spec.title for spec in views[oil.id].guide][-2:] == ["Vittnets namn",
                                                                  "Yta i kvadratmeter"]
    delete_guide_field(session, guided.admin, field, now=later)
    assert [f.position for f in fields_of(session, oil)] == [0, 1, 2, 3]
    actions = session.scalars(select(AuditEntry.action).where(
        AuditEntry.target_type == "guide_field", AuditEntry.at == later)).all()
    assert actions == ["guide_field.created", "guide_field.updated", "guide_field.moved",
                       "guide_field.deleted"]
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "guide_field.updated"))
    assert entry.data["before"]["title"] == "Vittne" and entry.data["after"]["required"]
    assert session.get(Label, oil.id).updated_at == later


def test_deleting_a_field_keeps_answers_already_on_cases(session, guided, now):
    """Cases keep what was answered; the field is simply not asked any more."""
    oil = guided.labels["investigation"]
    case = log_contact(session, guided.agent, _draft(guide=OIL_ANSWERS), oil.id, now=now).case
    fordon = session.scalar(select(GuideField).where(GuideField.key == "fordon"))
    delete_guide_field(session, guided.admin, fordon, now=now + timedelta(minutes=1))
    session.commit()
    assert session.get(Case, case.id).guide_values["fordon"] == "ABC123"
    assert "fordon" not in [spec.key for spec in label_guide(session, session.get(Label, oil.id))]


def test_demo_forwarded_cases_carry_their_guides_answers(session, now):
    """The demo's generated contacts pass the guides: forwarded cases of labels with a guide
    have every required answer, normalised (birth date only for Vård och omsorg)."""
    load_demo(session, now=now, users_allowed=True, cases=300)
    session.flush()
    forwarded = session.scalars(select(Case).where(Case.resolution == Resolution.FORWARDED))
    with_answers = [case for case in forwarded if case.guide_values]
    assert with_answers
    for case in with_answers:
        required = [spec.key for spec in label_guide(session, case.label) if spec.required]
        assert set(required) <= set(case.guide_values), case.label.path
    oil = [c for c in with_answers if c.label.path[1] == "Oljeläckage"]
    assert oil and all(isinstance(c.guide_values["pagaende"], bool) for c in oil)


def test_moving_a_label_onto_a_clashing_case_type_guide_is_refused(session, guided, now):
    """A label whose own guide uses a key of the target case type's guide cannot move there."""
    from app.services.labels import LabelInput, save_label

    guidance = guided.labels["guidance"]
    factories.guide_field(session, guided.labels["investigation"].case_type, guided.admin,
                          key="fastighet", title="Fastighet", kind="text")
    data = LabelInput(function="Gata/Park", case_type="Oljeläckage", name="Information",
                      rosa_level="2", department_id=guided.tech.id,
                      group_id=guided.waste_group.id)
    with pytest.raises(RuleViolations) as refused:
        save_label(session, guided.admin, guidance, data, now=now)
    assert "already has the key fastighet" in refused.value.by_field()["case_type"][0].format()
