"""Where a classified contact goes: answered at first contact or forwarded to a group queue.

The rule (DOMAIN.md, "ROSA levels"): levels 1–2 are always answered by the contact centre;
levels 3–4 only where the centre holds the mandate for the label; levels 5–6 always go to the
owning department. An agent may still choose to forward a contact the centre could answer
(the caller needs the department after all) but may never answer one it has no mandate for.

An *action label* (docs/routing.md) is one the centre answers whose matter also needs the
department to do something — empty the bin that was missed, replace the broken one. The
contact is answered at first contact *and* the case goes to the label's group as an order.
Forwarding against the policy ("forward anyway") must say why (`check_override`): a common
reason, or free text, or both. Managers count these overrides per label and per agent: a
label forwarded this way again and again is one the centre's answers do not cover.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from rosa.errors import RuleViolation, RuleViolations, violation
from rosa.i18n import N_
from rosa.levels import RosaLevel


class Outcome(StrEnum):
    FIRST_CONTACT = "first_contact"
    FORWARD = "forward"


@dataclass(frozen=True)
class Decision:
    outcome: Outcome
    reason: str  # N_-marked explanation shown to the agent
    overridden: bool = False  # the agent chose to forward although the centre could answer
    action: bool = False  # answered here, and also sent to the group for an action

    @property
    def forwards(self) -> bool:
        return self.outcome is Outcome.FORWARD

    @property
    def to_department(self) -> bool:
        """The case goes to the label's group: forwarded, or ordered for an action."""
        return self.forwards or self.action


def default_outcome(level: RosaLevel, mandate: bool, action: bool = False) -> Decision:
    """What the policy says when the agent expresses no preference."""
    decision = _policy(level, mandate)
    if action and not decision.forwards:
        return Decision(Outcome.FIRST_CONTACT, N_(
            "An action label: the department puts it right and reports back to the citizen"),
            action=True)
    return decision


def _policy(level: RosaLevel, mandate: bool) -> Decision:
    if level.department_only:
        return Decision(Outcome.FORWARD, N_("Levels 5–6 are handled by the department"))
    if level.needs_mandate and not mandate:
        return Decision(
            Outcome.FORWARD, N_("The contact centre has no mandate for this label")
        )
    if level.needs_mandate:
        return Decision(
            Outcome.FIRST_CONTACT, N_("The contact centre holds the mandate for this label")
        )
    return Decision(Outcome.FIRST_CONTACT, N_("Levels 1–2 are answered at first contact"))


def decide(level: RosaLevel, mandate: bool, *, requested: Outcome | None = None,
           action: bool = False) -> Decision:
    """Apply the policy, honouring the agent's request where the policy allows it.

    Forwarding an action label at the agent's request forwards it plainly (the department
    answers too). Raises RuleViolations when the agent asks to resolve a contact the centre
    may not resolve.
    """
    policy = default_outcome(level, mandate, action)
    if requested is None or requested is policy.outcome:
        return policy
    if requested is Outcome.FORWARD:
        return Decision(Outcome.FORWARD, N_("Forwarded at the agent's request"), overridden=True)
    raise RuleViolations([violation("resolution", policy.reason)])


class Move(StrEnum):
    """What reclassifying does to where a case is."""

    STAY = "stay"  # only the label changes
    FORWARD = "forward"  # answered here before; now forwarded to the new label's group
    ORDER = "order"  # answered here before; now also sent to the group for an action
    FOLLOW = "follow"  # open at a department: the case goes to the new label's group


@dataclass(frozen=True)
class Redecision:
    decision: Decision  # the policy for the new label
    move: Move
    becomes_forwarded: bool = False  # the resolution changes from first contact to forwarded


def redecide(level: RosaLevel, mandate: bool, action: bool, *, answered_here: bool,
             at_department: bool, is_open: bool) -> Redecision:
    """Run the routing decision again for a case moved to another label (docs/routing.md).

    - A case the centre answered and never sent on is routed as a new contact with the new
      label would be: forwarded (levels 5–6, 3–4 without mandate) or ordered for an action.
    - An open case at a department follows the new label's group when the department must
      work it (the label forwards, or is an action label); an order that becomes a label the
      centre may not answer becomes a forwarded case.
    - An open case at a department whose new label the centre would answer stays where it is,
      with its holder and deadline: the citizen was promised feedback from the department,
      and it was not answered at first contact. The handler resolves it, or returns it to the
      contact centre for completion.
    - A case a department has finished keeps its place; only its label is corrected.
    """
    decision = default_outcome(level, mandate, action)
    if not at_department:
        if decision.forwards:
            return Redecision(decision, Move.FORWARD, becomes_forwarded=answered_here)
        return Redecision(decision, Move.ORDER if decision.action else Move.STAY)
    if is_open and decision.to_department:
        return Redecision(decision, Move.FOLLOW,
                          becomes_forwarded=answered_here and decision.forwards)
    return Redecision(decision, Move.STAY)
class OverrideReason(StrEnum):
    """Why a contact the centre could answer is forwarded anyway."""

    CITIZEN_ASKS = "citizen_asks"
    NEEDS_ASSESSMENT = "needs_assessment"
    ANSWER_INSUFFICIENT = "answer_insufficient"
    OTHER = "other"  # the note says what
    # A self-service channel (the web form): nobody has answered the citizen yet. Not an
    # agent's choice, so the console does not offer it and the override figures leave it out.
    SELF_SERVICE = "self_service"


OVERRIDE_REASON_TITLES: dict[OverrideReason, str] = {
    OverrideReason.CITIZEN_ASKS: N_("The citizen asks to deal with the department"),
    OverrideReason.NEEDS_ASSESSMENT: N_("The matter needs the department's assessment"),
    OverrideReason.ANSWER_INSUFFICIENT: N_("The knowledge base's answer does not cover it"),
    OverrideReason.OTHER: N_("Other reason"),
    OverrideReason.SELF_SERVICE: N_("Sent through self-service: nobody has answered it yet"),
}
AGENT_OVERRIDE_REASONS = tuple(r for r in OverrideReason if r is not OverrideReason.SELF_SERVICE)
MAX_OVERRIDE_NOTE = 500


@dataclass(frozen=True)
class Override:
    """The reason given for forwarding a contact the centre could answer."""

    reason: OverrideReason
    note: str = ""


def check_override(reason: str, note: str) -> tuple[Override | None, list[RuleViolation]]:
    """The override's reason, or the problems with it (collected, not raised).

    Free text alone is enough (its reason is "other"); a listed reason needs no text,
    except "other", which is nothing without it.
    """
    problems: list[RuleViolation] = []
    note = " ".join((note or "").split())
    if len(note) > MAX_OVERRIDE_NOTE:
        problems.append(violation("override_note", N_("At most %(max)s characters"),
                                  max=MAX_OVERRIDE_NOTE))
    if not (reason or "").strip():
        if not note:
            problems.append(violation("override_reason", N_(
                "Say why the contact is forwarded although the contact centre could answer it")))
        return (None if problems else Override(OverrideReason.OTHER, note)), problems
    try:
        chosen = OverrideReason(reason.strip())
    except ValueError:
        problems.append(violation("override_reason", N_("Choose one of the listed reasons")))
        return None, problems
    if chosen is OverrideReason.OTHER and not note:
        problems.append(violation("override_note", N_("Write the reason for forwarding")))
    return (None if problems else Override(chosen, note)), problems
