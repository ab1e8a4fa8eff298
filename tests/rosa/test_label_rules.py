"""The rules about one label's values, shared by the taxonomy import and the admin form."""

from __future__ import annotations

import pytest

from rosa.errors import RuleViolations
from rosa.label_rules import Deadline, LabelDraft, Organisation, check_label
from rosa.levels import RosaLevel

ORG = Organisation(owner={"kc-allmant": "kc", "tekn-avfall": "tekn", "soc-mottag": "soc"},
                   departments={"kc", "tekn", "soc", "bygg"}, centres={"kc"},
                   group_names={"soc-mottag": "Mottagningen"},
                   department_names={"tekn": "Teknik", "soc": "Social"})


def _problems(**values) -> dict[str, list[str]]:
    draft = LabelDraft(**{"rosa": 3, "group": "tekn-avfall", **values})
    with pytest.raises(RuleViolations) as refused:
        check_label(draft, ORG)
    return {f: [v.format() for v in vs] for f, vs in refused.value.by_field().items()}


def test_a_good_label_gets_its_level_route_and_deadline():
    """The department may be left out: the group's department is the label's."""
    checked = check_label(LabelDraft(rosa="4", group="tekn-avfall", mandate=True,
                                     feedback_working_hours=4), ORG)
    assert checked.level is RosaLevel.ROUTINE_DECISION
    assert checked.route == ("tekn", "tekn-avfall")
    assert checked.deadline == Deadline(None, 4)


def test_action_label_answered_by_the_centre_is_accepted():
    """Levels 1–2, and 3–4 with the mandate, may be action labels routed to a department."""
    for level, mandate in ((1, False), (2, False), (3, True), (4, True)):
        checked = check_label(LabelDraft(rosa=level, group="tekn-avfall", mandate=mandate,
                                         action=True), ORG)
        assert checked.route == ("tekn", "tekn-avfall")


def test_action_label_must_be_one_the_centre_answers():
    """A label the centre forwards anyway (5–6, or 3–4 without the mandate) cannot be one."""
    for level in (3, 4, 5, 6):
        assert "action" in _problems(rosa=level, action=True)


def test_action_label_must_go_to_a_department():
    """The order goes to a department's group, never to the contact centre itself."""
    problems = _problems(rosa=1, group="kc-allmant", action=True)
    assert problems == {"action": ["An action label sends an order to a department; route it "
                                   "to a department's group, not to the contact centre"]}


def test_levels_five_and_six_never_go_to_the_contact_centre():
    """Also when the department is implied by a contact-centre group."""
    for level in (5, 6):
        assert "never handled by the contact centre" in _problems(
            rosa=level, group="kc-allmant")["rosa"][0]
    # A level 3 label without mandate may go to a contact-centre group (e.g. complaints).
    assert check_label(LabelDraft(rosa=3, group="kc-allmant"), ORG).route == (
        "kc", "kc-allmant")


def test_a_mismatched_group_is_named_with_the_callers_names():
    """The form knows names, the file codes: the message uses what the caller gave."""
    assert _problems(department="tekn", group="soc-mottag") == {
        "group": ["Group Mottagningen belongs to department Social, not Teknik"]}


def test_unknown_references_are_left_to_the_reader():
    """An unknown group or department gives no route and no second message."""
    assert check_label(LabelDraft(rosa=1, group="okand"), ORG).route is None
    assert check_label(LabelDraft(rosa=1, group="tekn-avfall", department="okand"),
                       ORG).route is None


def test_every_problem_is_reported_at_once():
    """Level, mandate, deadline and lengths are all checked before raising."""
    problems = _problems(rosa=1.5, mandate=True, group=None, feedback_working_days=True,
                         signal_words=("x" * 101,), description="y" * 2001)
    assert set(problems) == {"rosa", "group", "feedback_working_days", "signal_words",
                             "description"}
    assert _problems(rosa=2, mandate=True) == {
        "mandate": ["A mandate applies only to ROSA levels 3 and 4"]}
