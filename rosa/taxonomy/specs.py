"""The taxonomy file format: version, limits, allowed keys and the frozen specs read into."""

from __future__ import annotations

import re
from dataclasses import dataclass

from rosa.guides import FieldSpec
from rosa.label_rules import Deadline
from rosa.levels import RosaLevel

FORMAT_VERSION = 1
MAX_DEPARTMENT_CODE = 40
MAX_GROUP_CODE = 60
MAX_ORG_NAME = 200
CODE_PATTERN = re.compile(r"[a-z0-9][a-z0-9_-]*\Z")

TOP_KEYS = ("version", "municipality", "departments", "functions")
DEPARTMENT_KEYS = ("code", "name", "contact_centre", "personnummer_birth_date_only", "groups")
GROUP_KEYS = ("code", "name", "email")
FUNCTION_KEYS = ("name", "department", "group", "case_types")
DEADLINE_KEYS = ("feedback_working_days", "feedback_working_hours")
CASE_TYPE_KEYS = ("name", "department", "group", "guide", *DEADLINE_KEYS, "labels")
LABEL_KEYS = ("name", "rosa", "department", "group", "mandate", "action", "urgent", "avoidable",
              "signal_words", "description", "guide", *DEADLINE_KEYS, "active")
GUIDE_FIELD_KEYS = ("key", "title", "kind", "required", "help", "choices")
# rosa.guides names the attributes as the admin form does; the file says `help`.
_GUIDE_ATTRIBUTES = {"help_text": "help"}


@dataclass(frozen=True)
class GroupSpec:
    code: str
    name: str
    email: str | None = None


@dataclass(frozen=True)
class DepartmentSpec:
    code: str
    name: str
    contact_centre: bool = False
    groups: tuple[GroupSpec, ...] = ()
    personnummer_birth_date_only: bool = False


@dataclass(frozen=True)
class LabelSpec:
    """One leaf of the tree with everything routing needs; department is always resolved."""

    function: str
    case_type: str
    name: str
    rosa_level: RosaLevel
    department: str
    group: str
    mandate: bool = False
    urgent: bool = False
    avoidable: bool = False
    signal_words: tuple[str, ...] = ()
    description: str = ""
    active: bool = True
    guide: tuple[FieldSpec, ...] = ()  # the label's own fields, after its case type's
    deadline: Deadline = Deadline()
    # Answered by the contact centre and also sent to the department's group for an action.
    action: bool = False

    @property
    def path(self) -> tuple[str, str, str]:
        return (self.function, self.case_type, self.name)

    @property
    def key(self) -> tuple[str, ...]:
        return path_key(*self.path)


@dataclass(frozen=True)
class CaseTypeGuide:
    """What a case type gives all its labels: guide fields and a deadline override."""

    function: str
    case_type: str
    fields: tuple[FieldSpec, ...] = ()
    deadline: Deadline = Deadline()

    @property
    def key(self) -> tuple[str, ...]:
        return path_key(self.function, self.case_type)


@dataclass(frozen=True)
class Taxonomy:
    departments: tuple[DepartmentSpec, ...]
    labels: tuple[LabelSpec, ...]
    municipality: str | None = None
    case_type_guides: tuple[CaseTypeGuide, ...] = ()


def path_key(*parts: str) -> tuple[str, ...]:
    """Paths compare case-insensitively: "Avfall" and "avfall" are the same function."""
    return tuple(" ".join(part.split()).casefold() for part in parts)
