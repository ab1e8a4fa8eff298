"""ROSA routing policy, without Flask or a database."""

import pytest

from rosa.errors import RuleViolations
from rosa.levels import RosaLevel
from rosa.routing import (
    AGENT_OVERRIDE_REASONS,
    OVERRIDE_REASON_TITLES,
    Move,
    Outcome,
    OverrideReason,
    check_override,
    decide,
    redecide,
)


@pytest.mark.parametrize("level", [1, 2])
@pytest.mark.parametrize("mandate", [True, False])
def test_levels_one_and_two_are_answered_at_first_contact(level, mandate):
    """Information and guidance are always the contact centre's, mandate or not."""
    assert decide(RosaLevel(level), mandate).outcome is Outcome.FIRST_CONTACT


@pytest.mark.parametrize("level", [3, 4])
def test_levels_three_and_four_follow_the_mandate(level):
    """Administrative and routine work stays with the centre only where it holds the mandate."""
    assert decide(RosaLevel(level), True).outcome is Outcome.FIRST_CONTACT
    assert decide(RosaLevel(level), False).outcome is Outcome.FORWARD


@pytest.mark.parametrize("level", [5, 6])
@pytest.mark.parametrize("mandate", [True, False])
def test_levels_five_and_six_always_go_to_the_department(level, mandate):
    """Investigations and evaluative decisions are never performed by the centre."""
    assert decide(RosaLevel(level), mandate).outcome is Outcome.FORWARD


def test_agent_can_forward_but_not_resolve_against_policy():
    """Forwarding a resolvable contact is allowed and flagged; resolving a level 5 is refused."""
    forwarded = decide(RosaLevel.GUIDANCE, False, requested=Outcome.FORWARD)
    assert forwarded.forwards and forwarded.overridden
    with pytest.raises(RuleViolations) as refused:
        decide(RosaLevel.INVESTIGATION, True, requested=Outcome.FIRST_CONTACT)
    assert refused.value.violations[0].field == "resolution"


@pytest.mark.parametrize("raw", ["0", "7", "x", None, "2.5"])
def test_level_parsing_refuses_values_outside_one_to_six(raw):
    """Only whole numbers 1–6 are ROSA levels."""
    with pytest.raises(ValueError):
        RosaLevel.parse(raw)


@pytest.mark.parametrize("level,mandate", [(1, False), (2, True), (3, True), (4, True)])
def test_an_action_label_is_answered_and_sent_to_the_department(level, mandate):
    """Answered at first contact, and the department gets the case for the action."""
    decision = decide(RosaLevel(level), mandate, action=True)
    assert decision.outcome is Outcome.FIRST_CONTACT
    assert decision.action and decision.to_department and not decision.forwards


@pytest.mark.parametrize("level,mandate", [(3, False), (5, True), (6, False)])
def test_the_action_flag_never_lets_the_centre_answer_what_it_may_not(level, mandate):
    """A label the centre forwards is forwarded, action flag or not (the rules refuse it)."""
    decision = decide(RosaLevel(level), mandate, action=True)
    assert decision.forwards and not decision.action


def test_forwarding_an_action_label_on_request_is_a_plain_forward():
    """The department then answers the citizen too; it is not an order."""
    decision = decide(RosaLevel.INFORMATION, False, action=True, requested=Outcome.FORWARD)
    assert decision.forwards and decision.overridden and not decision.action


def _redecide(level, mandate=False, action=False, **where):
    return redecide(RosaLevel(level), mandate, action, **{
        "answered_here": True, "at_department": False, "is_open": False, **where})


def test_an_answered_case_that_becomes_level_five_is_forwarded():
    """Reclassifying re-decides: the centre may never have answered a level 5–6 case."""
    for level, mandate in ((5, False), (6, True), (3, False)):
        red = _redecide(level, mandate)
        assert red.move is Move.FORWARD and red.becomes_forwarded


def test_an_answered_case_that_becomes_an_action_label_is_ordered():
    """Still answered at first contact, and now the department gets it for the action."""
    red = _redecide(3, mandate=True, action=True)
    assert red.move is Move.ORDER and not red.becomes_forwarded


def test_an_answered_case_that_stays_answerable_stays_resolved():
    """Levels 1–2, and 3–4 with the mandate: only the label changes."""
    assert _redecide(2).move is Move.STAY and _redecide(4, mandate=True).move is Move.STAY


def test_an_open_forwarded_case_follows_a_label_the_department_works():
    """Forwarding labels and action labels take the case to their group."""
    where = {"answered_here": False, "at_department": True, "is_open": True}
    assert _redecide(5, **where).move is Move.FOLLOW
    assert _redecide(1, action=True, **where).move is Move.FOLLOW
    assert not _redecide(5, **where).becomes_forwarded


def test_an_open_forwarded_case_stays_with_its_holder_for_a_label_the_centre_answers():
    """The department promised feedback; the case is not taken back from it."""
    where = {"answered_here": False, "at_department": True, "is_open": True}
    assert _redecide(1, **where).move is Move.STAY
    assert _redecide(3, mandate=True, **where).move is Move.STAY


def test_an_open_order_that_becomes_level_six_is_forwarded_in_place():
    """An action case the centre may not have answered becomes a forwarded case."""
    red = _redecide(6, answered_here=True, at_department=True, is_open=True)
    assert red.move is Move.FOLLOW and red.becomes_forwarded


def test_a_finished_department_case_only_gets_its_label_corrected():
    """Resolved by the department: nothing is reopened or moved."""
    where = {"answered_here": False, "at_department": True, "is_open": False}
    assert _redecide(5, **where).move is Move.STAY
    assert _redecide(1, action=True, **where).move is Move.STAY
@pytest.mark.parametrize(("reason", "note", "expected"), [
    ("citizen_asks", "", ("citizen_asks", "")),
    ("answer_insufficient", "  Täcker inte  tomträtt ", ("answer_insufficient",
                                                         "Täcker inte tomträtt")),
    ("", "Kunden vill ha ett skriftligt beslut", ("other",
                                                  "Kunden vill ha ett skriftligt beslut")),
    ("other", "Missnöjd med tidigare svar", ("other", "Missnöjd med tidigare svar")),
])
def test_forwarding_anyway_accepts_a_listed_reason_or_free_text(reason, note, expected):
    """A listed reason, free text, or both make a reason for forwarding anyway."""
    override, problems = check_override(reason, note)
    assert problems == [] and (override.reason.value, override.note) == expected


@pytest.mark.parametrize(("reason", "note", "field"), [
    ("", "   ", "override_reason"),
    ("because", "", "override_reason"),
    ("other", "", "override_note"),
    ("citizen_asks", "x" * 501, "override_note"),
])
def test_forwarding_anyway_without_a_usable_reason_is_refused(reason, note, field):
    """No reason, an unknown one, "other" without words or too many words: refused on
    the field to correct."""
    override, problems = check_override(reason, note)
    assert override is None and [p.field for p in problems] == [field]


def test_the_console_offers_every_reason_but_self_service():
    """Self-service (the web form) is a channel's reason, not an agent's choice."""
    assert OverrideReason.SELF_SERVICE not in AGENT_OVERRIDE_REASONS
    assert set(OVERRIDE_REASON_TITLES) == set(OverrideReason)
