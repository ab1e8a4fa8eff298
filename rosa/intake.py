"""The rules a new contact must satisfy before it becomes a case, as plain Python.

`check_contact` collects every problem and raises once, so an agent sees all missing fields at
the same time; it returns the routing decision when the contact is acceptable. The label's
guide (rosa.guides) is checked here too: a forwarded case must carry every required answer,
and a contact forwarded although the centre could answer it carries the reason why
(rosa.routing.check_override) — whichever channel it came through.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rosa.errors import RuleViolation, RuleViolations, violation
from rosa.guides import FieldSpec, collect_guide
from rosa.i18n import N_
from rosa.identity import normalize_email, normalize_orgnr, normalize_personnummer, normalize_phone
from rosa.levels import RosaLevel
from rosa.routing import Decision, Outcome, Override, check_override, decide
from rosa.vocabulary import Channel, CustomerKind

MAX_WORDS = 5000
MAX_NAME = 200
MAX_ADDRESS = 300


@dataclass(frozen=True)
class LabelFacts:
    """What the routing rules need to know about the chosen label."""

    level: RosaLevel
    mandate: bool
    active: bool = True
    guide: tuple[FieldSpec, ...] = ()  # the case type's fields, then the label's own
    birth_date_only: bool = False  # the owning department wants no more of a personnummer
    action: bool = False  # answered here and also sent to the department for an action


@dataclass
class CustomerDraft:
    kind: str = CustomerKind.PRIVATE.value
    name: str = ""
    email: str = ""
    phone: str = ""
    address: str = ""
    personnummer: str = ""
    organisationsnummer: str = ""


@dataclass
class ContactDraft:
    channel: str
    citizen_words: str
    answer_given: str = ""
    requested: str = ""  # "", "first_contact" or "forward"
    override_reason: str = ""  # an OverrideReason value, when forwarding against the policy
    override_note: str = ""  # free text: the reason in the agent's words
    customer: CustomerDraft = field(default_factory=CustomerDraft)
    guide: dict[str, object] = field(default_factory=dict)  # answers by field key


@dataclass(frozen=True)
class CleanCustomer:
    kind: CustomerKind
    name: str
    email: str | None
    phone: str | None
    phone_key: str | None
    address: str | None
    personnummer: str | None
    organisationsnummer: str | None

    @property
    def is_empty(self) -> bool:
        return not any(
            (self.name, self.email, self.phone, self.address, self.personnummer,
             self.organisationsnummer)
        )

    @property
    def reachable(self) -> bool:
        return bool(self.email or self.phone or self.address)


@dataclass(frozen=True)
class CleanContact:
    channel: Channel
    citizen_words: str
    answer_given: str
    customer: CleanCustomer
    decision: Decision
    guide_values: dict[str, object] = field(default_factory=dict)
    override: Override | None = None  # why it was forwarded anyway (decision.overridden)


def check_contact(draft: ContactDraft, label: LabelFacts | None) -> CleanContact:
    """Validate and normalise a contact; raise RuleViolations listing every problem."""
    problems: list[RuleViolation] = []
    channel = _parse_channel(draft.channel, problems)
    words = draft.citizen_words.strip()
    if not words:
        problems.append(violation("citizen_words", N_("Write down what the citizen asked")))
    elif len(words) > MAX_WORDS:
        problems.append(
            violation("citizen_words", N_("At most %(max)s characters"), max=MAX_WORDS)
        )
    customer = _check_customer(draft.customer, problems)
    decision = _decide(draft, label, problems)
    override = None
    if decision is not None and decision.overridden:
        override, refused = check_override(draft.override_reason, draft.override_note)
        problems.extend(refused)
    guide_values = _check_guide(draft, label, decision, problems)
    answer = draft.answer_given.strip()
    if decision is not None and not decision.forwards and not answer:
        problems.append(
            violation("answer_given", N_("Write down the answer you gave the citizen"))
        )
    if len(answer) > MAX_WORDS:
        problems.append(violation("answer_given", N_("At most %(max)s characters"), max=MAX_WORDS))
    if decision is not None and decision.to_department and customer is not None:
        _check_reachable(customer, decision, problems)
    if problems:
        raise RuleViolations(problems)
    assert channel is not None and customer is not None and decision is not None
    return CleanContact(channel, words, answer, customer, decision, guide_values, override)


def _check_reachable(customer: CleanCustomer, decision: Decision,
                     problems: list[RuleViolation]) -> None:
    """The department gives feedback on what it gets, forwarded or ordered for an action."""
    if not customer.name:
        problems.append(violation("customer.name", N_(
            "A case sent to the department for action needs the citizen's name")
            if decision.action else N_("A forwarded case needs the citizen's name")))
    if not customer.reachable:
        problems.append(violation("customer.phone", N_(
            "A case sent to the department for action needs a phone number, e-mail or address "
            "for feedback") if decision.action else N_(
            "A forwarded case needs a phone number, e-mail or address for feedback")))


def _check_guide(draft: ContactDraft, label: LabelFacts | None, decision: Decision | None,
                 problems: list[RuleViolation]) -> dict[str, object]:
    """Required answers only when the case goes to the department (forwarded, or ordered for
    an action); given answers are always checked."""
    if label is None or not (label.guide or draft.guide):
        return {}
    return collect_guide(label.guide, draft.guide, problems,
                         birth_date_only=label.birth_date_only,
                         require=decision is not None and decision.to_department)


def _parse_channel(value: str, problems: list[RuleViolation]) -> Channel | None:
    try:
        return Channel(value)
    except ValueError:
        problems.append(violation("channel", N_("Choose how the citizen got in touch")))
        return None


def _decide(
    draft: ContactDraft, label: LabelFacts | None, problems: list[RuleViolation]
) -> Decision | None:
    if label is None:
        problems.append(violation("label_id", N_("Choose a label for the contact")))
        return None
    if not label.active:
        problems.append(
            violation("label_id", N_("This label is retired; choose a current label"))
        )
        return None
    requested = None
    if draft.requested:
        try:
            requested = Outcome(draft.requested)
        except ValueError:
            problems.append(violation("resolution", N_("Choose answer now or forward")))
            return None
    try:
        return decide(label.level, label.mandate, requested=requested, action=label.action)
    except RuleViolations as refused:
        problems.extend(refused.violations)
        return None


def _check_customer(draft: CustomerDraft, problems: list[RuleViolation]) -> CleanCustomer | None:
    before = len(problems)
    try:
        kind = CustomerKind(draft.kind or CustomerKind.PRIVATE.value)
    except ValueError:
        problems.append(violation("customer.kind", N_("Choose private person or business")))
        kind = CustomerKind.PRIVATE
    name = " ".join(draft.name.split())
    if len(name) > MAX_NAME:
        problems.append(violation("customer.name", N_("At most %(max)s characters"), max=MAX_NAME))
    address = " ".join(draft.address.split())
    if len(address) > MAX_ADDRESS:
        problems.append(
            violation("customer.address", N_("At most %(max)s characters"), max=MAX_ADDRESS)
        )
    email = _clean(draft.email, normalize_email, "customer.email", problems)
    phone_pair = _clean(draft.phone, normalize_phone, "customer.phone", problems)
    pnr = orgnr = None
    if kind is CustomerKind.PRIVATE:
        pnr = _clean(draft.personnummer, normalize_personnummer, "customer.personnummer", problems)
    else:
        orgnr = _clean(
            draft.organisationsnummer, normalize_orgnr, "customer.organisationsnummer", problems
        )
    if len(problems) > before:
        return None
    phone, key = phone_pair if phone_pair else (None, None)
    return CleanCustomer(kind, name, email, phone, key, address or None, pnr, orgnr)


def _clean(value: str, normalizer, field_name: str, problems: list[RuleViolation]):
    if not value or not value.strip():
        return None
    try:
        return normalizer(value)
    except ValueError as error:
        problems.append(violation(field_name, str(error)))
        return None
