"""The rules one label must satisfy, wherever it comes from: the taxonomy file or the admin form.

`check_label` is the one validation both use, so the form can never save a label that an
import would refuse, or the other way round. Each caller first reads its own input — the file
reader checks YAML types, unknown keys and where inherited routing is written; the form reads
text and ids — and then hands the values here. Violations name the label's keys as the file
writes them (`rosa`, `mandate`, `action`, `department`, `group`, `signal_words`,
`description`, `feedback_working_days`, `feedback_working_hours`); the form maps the three it
names differently (`rosa_level`, `department_id`, `group_id`) in one line.

Departments and groups are identified by whatever the caller uses (codes in a file, ids in the
form). A reference the organisation does not know is the reader's to report: the file names it
where it is written, with a suggestion; the form offers only known ones.
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Mapping
from dataclasses import dataclass, field

from rosa.errors import RuleViolation, RuleViolations, violation
from rosa.i18n import N_
from rosa.levels import RosaLevel
from rosa.routing import default_outcome

MAX_TREE_NAME = 120  # function, case type and label names
MAX_SIGNAL_WORD = 100
MAX_DESCRIPTION = 2000
MAX_WORKING_DAYS = 30
MAX_WORKING_HOURS = 200


@dataclass(frozen=True)
class Deadline:
    """A feedback-deadline override: working days, or working hours (urgent labels)."""

    working_days: int | None = None
    working_hours: int | None = None


@dataclass(frozen=True)
class Organisation:
    """Where a label may be routed: each group's department, and the contact centres."""

    owner: Mapping[Hashable, Hashable]  # group -> its department
    departments: Collection[Hashable] = ()  # every known department (with groups or not)
    centres: Collection[Hashable] = ()  # departments that are contact centres
    group_names: Mapping[Hashable, str] = field(default_factory=dict)
    department_names: Mapping[Hashable, str] = field(default_factory=dict)

    def knows_department(self, department: Hashable) -> bool:
        return department in self.departments or department in self.owner.values()

    def group_name(self, group: Hashable) -> str:
        return self.group_names.get(group, str(group))

    def department_name(self, department: Hashable) -> str:
        return self.department_names.get(department, str(department))


@dataclass(frozen=True)
class LabelDraft:
    """One label's values as read; `department` None means "the group's department"."""

    rosa: object
    group: Hashable | None
    department: Hashable | None = None
    mandate: bool = False
    action: bool = False
    signal_words: tuple[str, ...] = ()
    description: str = ""
    feedback_working_days: object = None
    feedback_working_hours: object = None


@dataclass(frozen=True)
class CheckedLabel:
    """The label's values as they will be stored. The route is None only when the group or
    department is one the organisation does not know (which the reader reports)."""

    level: RosaLevel
    route: tuple[Hashable, Hashable] | None  # (department, group)
    deadline: Deadline


def check_label(draft: LabelDraft, organisation: Organisation) -> CheckedLabel:
    """Every rule about one label's values; raise RuleViolations listing all that fail.

    - the ROSA level is a whole number 1–6;
    - a mandate is given only on levels 3–4 (only there does the centre need one);
    - the label has a group, and its group belongs to its department;
    - a label the centre may not answer (levels 5–6) is never routed to a contact centre;
    - an action label is one the centre answers (levels 1–2, or 3–4 with the mandate) and
      routed to a department's group, which receives the order for the action;
    - deadline overrides, signal words and the description are within their limits.
    """
    problems: list[RuleViolation] = []
    level = _level(draft.rosa, problems)
    if level is not None and draft.mandate and not level.needs_mandate:
        problems.append(violation("mandate", N_("A mandate applies only to ROSA levels 3 and 4")))
    department = _route(draft, organisation, problems)
    centre = department is not None and department in organisation.centres
    if level is not None and level.department_only and centre:
        problems.append(violation("rosa", N_("Levels 5–6 are never handled by the contact "
                                             "centre; route the label to a department's group")))
    if draft.action and level is not None and default_outcome(level, draft.mandate).forwards:
        problems.append(violation("action", N_(
            "Only a label the contact centre answers can be an action label: levels 1–2, or "
            "3–4 with the mandate")))
    if draft.action and centre:
        problems.append(violation("action", N_(
            "An action label sends an order to a department; route it to a department's "
            "group, not to the contact centre")))
    deadline = check_deadline(draft.feedback_working_days, draft.feedback_working_hours,
                              problems)
    for word in draft.signal_words:
        if len(word) > MAX_SIGNAL_WORD:
            problems.append(violation("signal_words", N_(
                "A signal word has at most %(max)s characters: %(word)s"),
                max=MAX_SIGNAL_WORD, word=word[:40] + "…"))
    if len(draft.description) > MAX_DESCRIPTION:
        problems.append(violation("description", N_("At most %(max)s characters"),
                                  max=MAX_DESCRIPTION))
    if problems:
        raise RuleViolations(problems)
    assert level is not None
    route = (department, draft.group) if department is not None else None
    return CheckedLabel(level, route, deadline)


def check_deadline(days: object, hours: object, problems: list[RuleViolation]) -> Deadline:
    """`feedback_working_days` or `feedback_working_hours` (not both), whole numbers in range.

    Shared by labels and case types; appends to `problems` rather than raising.
    """
    found: dict[str, int] = {}
    for key, value, top in (("feedback_working_days", days, MAX_WORKING_DAYS),
                            ("feedback_working_hours", hours, MAX_WORKING_HOURS)):
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= top:
            problems.append(violation(key, N_("Expected a whole number from 1 to %(max)s"),
                                      max=top))
        else:
            found[key] = value
    if len(found) == 2:
        problems.append(violation("feedback_working_hours", N_(
            "Give the deadline in working days or in working hours, not both")))
        return Deadline()
    return Deadline(found.get("feedback_working_days"), found.get("feedback_working_hours"))


def _level(value: object, problems: list[RuleViolation]) -> RosaLevel | None:
    if value is None or value == "":
        problems.append(violation("rosa", N_("A label needs a ROSA level from 1 to 6")))
        return None
    try:
        if isinstance(value, bool | float):
            raise ValueError(N_("ROSA level must be a whole number from 1 to 6"))
        return RosaLevel.parse(value)
    except ValueError as error:
        problems.append(violation("rosa", str(error)))
        return None


def _route(draft: LabelDraft, organisation: Organisation,
           problems: list[RuleViolation]) -> Hashable | None:
    """The label's department: as given, or its group's. None when it cannot be known."""
    if draft.group is None:
        problems.append(violation("group", N_("A label needs a group that receives its cases")))
        return None
    owner = organisation.owner.get(draft.group)
    if owner is None:
        return None  # an unknown group: the reader reports it
    if draft.department is None:
        return owner
    if not organisation.knows_department(draft.department):
        return None  # an unknown department: the reader reports it
    if owner != draft.department:
        problems.append(violation(
            "group", N_("Group %(group)s belongs to department %(owner)s, not %(department)s"),
            group=organisation.group_name(draft.group),
            owner=organisation.department_name(owner),
            department=organisation.department_name(draft.department)))
        return None
    return owner
