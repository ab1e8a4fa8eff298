"""The life of a forwarded case, as a table of actions and the statuses they move between.

    forwarded ──claim──▶ in progress ──wait──▶ waiting for the citizen
        ▲  ◀──release──      │   ◀──resume──        │
        │                    └──resolve──▶ resolved ◀┘──close──▶ closed
        │                                     └──────reopen◀──────┘
        └──complete── returned for completion ◀──return── (any open status)

Re-routing sends an open case to another group, where it starts again as *forwarded*.
The web layer and the API ask `check_action` before they change anything, so every channel
refuses the same transitions with the same message.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from rosa.errors import RuleViolations, Term, violation
from rosa.i18n import N_
from rosa.vocabulary import CaseStatus, Role

S = CaseStatus


class Action(StrEnum):
    CLAIM = "claim"
    RELEASE = "release"
    ASSIGN = "assign"
    WAIT = "wait"
    RESUME = "resume"
    RESOLVE = "resolve"
    CLOSE = "close"
    REOPEN = "reopen"
    RETURN = "return"
    COMPLETE = "complete"
    REROUTE = "reroute"
    NOTE = "note"
    MESSAGE = "message"
    EDIT = "edit"

    @property
    def title(self) -> str:
        return _TITLES[self]


@dataclass(frozen=True)
class Rule:
    sources: frozenset[CaseStatus]
    target: CaseStatus | None  # None: the status stays as it is
    roles: frozenset[Role]
    holder_only: bool = False  # only the handler who has the case (or a group lead) may do it


_HANDLER = frozenset({Role.HANDLER})
_STAFF = frozenset({Role.HANDLER, Role.AGENT})
_OPEN = frozenset({S.FORWARDED, S.IN_PROGRESS, S.WAITING, S.RETURNED})
_WORKED = frozenset({S.IN_PROGRESS, S.WAITING})

RULES: dict[Action, Rule] = {
    Action.CLAIM: Rule(frozenset({S.FORWARDED}), S.IN_PROGRESS, _HANDLER),
    Action.RELEASE: Rule(_WORKED, S.FORWARDED, _HANDLER, holder_only=True),
    Action.ASSIGN: Rule(frozenset({S.FORWARDED, S.IN_PROGRESS, S.WAITING}), S.IN_PROGRESS,
                        _HANDLER),
    Action.WAIT: Rule(frozenset({S.IN_PROGRESS}), S.WAITING, _HANDLER, holder_only=True),
    Action.RESUME: Rule(frozenset({S.WAITING}), S.IN_PROGRESS, _HANDLER, holder_only=True),
    Action.RESOLVE: Rule(_WORKED, S.RESOLVED, _HANDLER, holder_only=True),
    Action.CLOSE: Rule(frozenset({S.RESOLVED}), S.CLOSED, _HANDLER),
    Action.REOPEN: Rule(frozenset({S.RESOLVED, S.CLOSED}), S.IN_PROGRESS, _HANDLER),
    Action.RETURN: Rule(frozenset({S.FORWARDED, S.IN_PROGRESS, S.WAITING}), S.RETURNED,
                        _HANDLER),
    Action.COMPLETE: Rule(frozenset({S.RETURNED}), S.FORWARDED, frozenset({Role.AGENT})),
    Action.REROUTE: Rule(frozenset({S.FORWARDED, S.IN_PROGRESS, S.WAITING}), S.FORWARDED,
                         _HANDLER),
    Action.NOTE: Rule(frozenset(S), None, _STAFF),
    Action.MESSAGE: Rule(_OPEN | {S.RESOLVED}, None, _HANDLER),
    Action.EDIT: Rule(_OPEN, None, _STAFF),
}


@dataclass(frozen=True)
class Actor:
    """What the rules need to know about who acts: role, id and whether they lead the group."""

    id: int
    role: Role
    leads_group: bool = False


def check_action(action: Action, status: CaseStatus, *, actor: Actor,
                 holder_id: int | None) -> CaseStatus:
    """The status after `action`, or RuleViolations saying why it is not allowed now."""
    rule = RULES[action]
    if actor.role not in rule.roles:
        raise RuleViolations([violation("action", N_("Your role cannot do this"))])
    if status not in rule.sources:
        raise RuleViolations([violation(
            "action", N_("A case that is %(status)s cannot be %(action)s"),
            status=Term(status.title), action=Term(_PAST[action]))])
    if rule.holder_only and holder_id != actor.id and not actor.leads_group:
        raise RuleViolations([violation(
            "action", N_("Only the handler who has the case, or the group lead, can do this"))])
    return rule.target if rule.target is not None else status


def allowed_actions(status: CaseStatus, *, actor: Actor, holder_id: int | None) -> list[Action]:
    """The actions to offer on a case page, in a natural order."""
    allowed = []
    for action in Action:
        try:
            check_action(action, status, actor=actor, holder_id=holder_id)
        except RuleViolations:
            continue
        allowed.append(action)
    return allowed


_TITLES = {
    Action.CLAIM: N_("Take the case"),
    Action.RELEASE: N_("Release to the group"),
    Action.ASSIGN: N_("Assign"),
    Action.WAIT: N_("Wait for the citizen"),
    Action.RESUME: N_("Resume"),
    Action.RESOLVE: N_("Resolve"),
    Action.CLOSE: N_("Close"),
    Action.REOPEN: N_("Reopen"),
    Action.RETURN: N_("Return for completion"),
    Action.COMPLETE: N_("Completed, send back"),
    Action.REROUTE: N_("Send to another group"),
    Action.NOTE: N_("Internal note"),
    Action.MESSAGE: N_("Message to the citizen"),
    Action.EDIT: N_("Edit case details"),
}
# Translated inside the sentence "A case that is <status> cannot be <past participle>".
_PAST = {
    Action.CLAIM: N_("claimed"),
    Action.RELEASE: N_("released"),
    Action.ASSIGN: N_("assigned"),
    Action.WAIT: N_("put on hold for the citizen"),
    Action.RESUME: N_("resumed"),
    Action.RESOLVE: N_("resolved"),
    Action.CLOSE: N_("closed"),
    Action.REOPEN: N_("reopened"),
    Action.RETURN: N_("returned for completion"),
    Action.COMPLETE: N_("completed"),
    Action.REROUTE: N_("sent to another group"),
    Action.NOTE: N_("given a note"),
    Action.MESSAGE: N_("given a message"),
    Action.EDIT: N_("edited"),
}
