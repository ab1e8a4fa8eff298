"""Where a classified contact goes: answered at first contact or forwarded to a group queue.

The rule (DOMAIN.md, "ROSA levels"): levels 1–2 are always answered by the contact centre;
levels 3–4 only where the centre holds the mandate for the label; levels 5–6 always go to the
owning department. An agent may still choose to forward a contact the centre could answer
(the caller needs the department after all) but may never answer one it has no mandate for.

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

    @property
    def forwards(self) -> bool:
        return self.outcome is Outcome.FORWARD


def default_outcome(level: RosaLevel, mandate: bool) -> Decision:
    """What the policy says when the agent expresses no preference."""
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


def decide(level: RosaLevel, mandate: bool, *, requested: Outcome | None = None) -> Decision:
    """Apply the policy, honouring the agent's request where the policy allows it.

    Raises RuleViolations when the agent asks to resolve a contact the centre may not resolve.
    """
    policy = default_outcome(level, mandate)
    if requested is None or requested is policy.outcome:
        return policy
    if requested is Outcome.FORWARD:
        return Decision(Outcome.FORWARD, N_("Forwarded at the agent's request"), overridden=True)
    raise RuleViolations([violation("resolution", policy.reason)])


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
