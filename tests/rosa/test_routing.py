"""ROSA routing policy, without Flask or a database."""

import pytest

from rosa.errors import RuleViolations
from rosa.levels import RosaLevel
from rosa.routing import Outcome, decide


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
