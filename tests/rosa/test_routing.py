"""ROSA routing policy, without Flask or a database."""

import pytest

from rosa.errors import RuleViolations
from rosa.levels import RosaLevel
from rosa.routing import (
    AGENT_OVERRIDE_REASONS,
    OVERRIDE_REASON_TITLES,
    Outcome,
    OverrideReason,
    check_override,
    decide,
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
