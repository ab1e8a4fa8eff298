"""The lifecycle table: which action moves a case from which status to which."""

import pytest

from rosa.errors import RuleViolations
from rosa.lifecycle import Action, Actor, allowed_actions, check_action
from rosa.vocabulary import CaseStatus as S
from rosa.vocabulary import Role

HANDLER = Actor(id=1, role=Role.HANDLER)
OTHER = Actor(id=2, role=Role.HANDLER)
LEAD = Actor(id=3, role=Role.HANDLER, leads_group=True)
AGENT = Actor(id=4, role=Role.AGENT)


@pytest.mark.parametrize(("action", "source", "target"), [
    (Action.CLAIM, S.FORWARDED, S.IN_PROGRESS),
    (Action.RELEASE, S.IN_PROGRESS, S.FORWARDED),
    (Action.WAIT, S.IN_PROGRESS, S.WAITING),
    (Action.RESUME, S.WAITING, S.IN_PROGRESS),
    (Action.RESOLVE, S.IN_PROGRESS, S.RESOLVED),
    (Action.RESOLVE, S.WAITING, S.RESOLVED),
    (Action.CLOSE, S.RESOLVED, S.CLOSED),
    (Action.REOPEN, S.CLOSED, S.IN_PROGRESS),
    (Action.RETURN, S.IN_PROGRESS, S.RETURNED),
    (Action.REROUTE, S.WAITING, S.FORWARDED),
])
def test_the_holder_moves_the_case_along(action, source, target):
    """Each lifecycle step leads from its source status to its target status."""
    assert check_action(action, source, actor=HANDLER, holder_id=HANDLER.id) is target


@pytest.mark.parametrize(("action", "source"), [
    (Action.CLAIM, S.IN_PROGRESS), (Action.CLAIM, S.CLOSED), (Action.RESOLVE, S.FORWARDED),
    (Action.CLOSE, S.IN_PROGRESS), (Action.REOPEN, S.FORWARDED), (Action.WAIT, S.WAITING),
    (Action.REROUTE, S.RESOLVED), (Action.MESSAGE, S.CLOSED),
])
def test_invalid_transitions_are_refused_with_the_status_named(action, source):
    """A step that does not start from the case's status is refused, saying which status."""
    with pytest.raises(RuleViolations) as refused:
        check_action(action, source, actor=HANDLER, holder_id=HANDLER.id)
    assert source.title in refused.value.violations[0].format()


def test_only_the_holder_or_the_group_lead_resolves():
    """Another handler cannot resolve a case someone else has; the group lead can."""
    with pytest.raises(RuleViolations):
        check_action(Action.RESOLVE, S.IN_PROGRESS, actor=OTHER, holder_id=HANDLER.id)
    assert check_action(Action.RESOLVE, S.IN_PROGRESS, actor=LEAD,
                        holder_id=HANDLER.id) is S.RESOLVED


def test_agents_complete_returned_cases_but_do_not_work_queues():
    """Completion belongs to the contact centre; claiming belongs to handlers."""
    assert check_action(Action.COMPLETE, S.RETURNED, actor=AGENT, holder_id=None) is S.FORWARDED
    with pytest.raises(RuleViolations):
        check_action(Action.CLAIM, S.FORWARDED, actor=AGENT, holder_id=None)
    with pytest.raises(RuleViolations):
        check_action(Action.COMPLETE, S.RETURNED, actor=HANDLER, holder_id=None)


def test_notes_keep_the_status():
    """A note is allowed in every status and changes none."""
    for status in S:
        assert check_action(Action.NOTE, status, actor=HANDLER, holder_id=None) is status


def test_allowed_actions_for_an_unclaimed_forwarded_case():
    """The case page offers what the rules allow, nothing more."""
    offered = allowed_actions(S.FORWARDED, actor=HANDLER, holder_id=None)
    assert Action.CLAIM in offered and Action.RESOLVE not in offered
    assert Action.REROUTE in offered and Action.RETURN in offered
