"""Reading a taxonomy document — departments, answer groups and the function → case type →
label tree — into frozen dataclasses, reporting every problem at once.

The input is already-parsed data (dicts, lists, scalars), typically from the YAML loader in
app.services.taxonomy_io. A mapping may carry `line` (where it starts) and `key_lines`
(key → line) attributes; when present, each violation's field starts with "line N: " and then
names the path into the document, e.g. `line 42: functions[2].case_types[0].labels[3].rosa`.

Case types and labels may carry a `guide`: the fields an agent fills in (rosa.guides). A label's
guide is its case type's fields followed by its own, so a key may appear only once in the two.

Why so strict: an import decides where every future case is routed. A misspelt key
(`mandat: true`) silently read as "no mandate" would send contacts to the wrong queue, so
unknown keys, wrong types and dangling references are all errors, never warnings.

The rules about a label's values (levels, mandate, action, routing to a contact centre,
deadlines, lengths) are rosa.label_rules.check_label, the same function the admin label form
uses; this module reads the file and says where each problem is written.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass, field

from rosa.errors import RuleViolation, RuleViolations, violation
from rosa.guides import FieldSpec, define_field
from rosa.i18n import N_
from rosa.identity import normalize_email
from rosa.label_rules import (
    MAX_SIGNAL_WORD,
    MAX_TREE_NAME,
    Deadline,
    LabelDraft,
    Organisation,
    check_deadline,
    check_label,
)
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


def parse_taxonomy(
    document: object,
    known_departments: Mapping[str, Collection[str]] | None = None,
    *,
    contact_centres: Collection[str] = (),
) -> Taxonomy:
    """Validate a whole document; raise RuleViolations listing every problem found.

    `known_departments` maps the codes of departments already in the database to their group
    codes, so a file may route labels to departments it does not declare; `contact_centres`
    names those of them that are contact centres (levels 5–6 may not be routed there).
    """
    problems = _Problems()
    if document is None or document == {}:
        problems.add(_Loc("document", 1), N_("The taxonomy document is empty"))
        problems.raise_if_any()
    top = _Node.of(document, _Loc("document", getattr(document, "line", None)), TOP_KEYS,
                   problems)
    if top is None:
        problems.raise_if_any()
    assert top is not None
    version = top.raw("version", FORMAT_VERSION)
    if version != FORMAT_VERSION or isinstance(version, bool):
        problems.add(top.at("version"), N_("Unsupported format version %(version)s; this system "
                                           "reads version %(supported)s"),
                     version=str(version), supported=FORMAT_VERSION)
    municipality = top.text("municipality", max_len=MAX_ORG_NAME)
    known = {code: frozenset(groups) for code, groups in (known_departments or {}).items()}
    departments, organisation = _departments(top, known, set(contact_centres), problems)
    guides: list[CaseTypeGuide] = []
    labels = _functions(top, organisation, guides, problems)
    problems.raise_if_any()
    return Taxonomy(tuple(departments), tuple(labels), municipality, tuple(guides))


# --- locations and problems -------------------------------------------------------------


@dataclass(frozen=True)
class _Loc:
    path: str
    line: int | None

    @property
    def field(self) -> str:
        return f"line {self.line}: {self.path}" if self.line else self.path


class _Problems:
    """Violations in document order; the same problem reached twice is reported once."""

    def __init__(self) -> None:
        self._found: dict[RuleViolation, None] = {}

    def add(self, loc: _Loc, reason: str, **params: object) -> None:
        self._found.setdefault(violation(loc.field, reason, **params), None)

    def raise_if_any(self) -> None:
        if self._found:
            raise RuleViolations(self._found)


def _suggestion(value: str, candidates: Collection[str]) -> str | None:
    matches = difflib.get_close_matches(value, sorted(candidates), n=1, cutoff=0.6)
    return matches[0] if matches else None


def _join(path: str, key: str) -> str:
    return key if path in ("", "document") else f"{path}.{key}"


class _Node:
    """A mapping in the document with typed accessors that report problems in place."""

    def __init__(self, data: Mapping, loc: _Loc, problems: _Problems):
        self.data, self.loc, self.problems = data, loc, problems

    @classmethod
    def of(cls, value: object, loc: _Loc, allowed: tuple[str, ...],
           problems: _Problems) -> _Node | None:
        if not isinstance(value, Mapping):
            problems.add(loc, N_("Expected key: value pairs here"))
            return None
        node = cls(value, _Loc(loc.path, getattr(value, "line", None) or loc.line), problems)
        for key in value:
            if key not in allowed:
                node._unknown(key, allowed)
        return node

    def _unknown(self, key: object, allowed: tuple[str, ...]) -> None:
        where = self.at(str(key))
        hint = _suggestion(str(key), allowed)
        if hint:
            self.problems.add(where, N_("Unknown key %(key)s; did you mean %(suggestion)s?"),
                              key=str(key), suggestion=hint)
        else:
            self.problems.add(where, N_("Unknown key %(key)s; expected one of: %(expected)s"),
                              key=str(key), expected=", ".join(allowed))

    def _line(self, key: object) -> int | None:
        lines = getattr(self.data, "key_lines", None) or {}
        return lines.get(key, self.loc.line)

    def at(self, key: str) -> _Loc:
        return _Loc(_join(self.loc.path, key), self._line(key))

    def raw(self, key: str, default: object = None) -> object:
        return self.data.get(key, default)

    def text(self, key: str, *, required: bool = False, max_len: int | None,
             collapse: bool = True) -> str | None:
        value = self.data.get(key)
        if value is None:
            if required:
                self.problems.add(self.at(key), N_("This key is required"))
            return None
        if not isinstance(value, str):
            self.problems.add(self.at(key), N_("Expected text here; put the value in quotes if "
                                               "it is a number or yes/no"))
            return None
        value = " ".join(value.split()) if collapse else value.strip()
        if not value:
            if required:
                self.problems.add(self.at(key), N_("Must not be empty"))
            return None
        if max_len is not None and len(value) > max_len:
            self.problems.add(self.at(key), N_("At most %(max)s characters"), max=max_len)
            return None
        return value

    def code(self, key: str, *, max_len: int) -> str | None:
        value = self.text(key, required=True, max_len=max_len)
        if value is not None and not CODE_PATTERN.match(value):
            self.problems.add(self.at(key), N_("A code may contain only lower-case letters "
                                               "a–z, digits, - and _ (e.g. tekn-avfall)"))
        return value

    def flag(self, key: str, default: bool = False) -> bool:
        value = self.data.get(key, default)
        if not isinstance(value, bool):
            self.problems.add(self.at(key), N_("Expected true or false"))
            return default
        return value

    def email(self, key: str) -> str | None:
        value = self.text(key, max_len=254)
        if value is None:
            return None
        try:
            return normalize_email(value)
        except ValueError as error:
            self.problems.add(self.at(key), str(error))
            return None

    def deadline(self) -> Deadline:
        """A case type's deadline override, checked by the same rule as a label's."""
        found: list[RuleViolation] = []
        deadline = check_deadline(self.data.get("feedback_working_days"),
                                  self.data.get("feedback_working_hours"), found)
        for problem in found:
            self.problems.add(self.at(problem.field), problem.reason, **dict(problem.params))
        return deadline

    def words(self, key: str, *, reason: str = N_("A signal word must be non-empty text"),
              max_len: int | None = MAX_SIGNAL_WORD) -> tuple[str, ...]:
        found: dict[str, None] = {}
        for loc, value in self.items(key, required=False):
            if not isinstance(value, str) or not value.strip():
                self.problems.add(loc, reason)
            elif max_len is not None and len(value) > max_len:
                self.problems.add(loc, N_("At most %(max)s characters"), max=max_len)
            else:
                word = " ".join(value.split())
                if word.casefold() not in {w.casefold() for w in found}:
                    found[word] = None
        return tuple(found)

    def items(self, key: str, *, required: bool) -> Iterator[tuple[_Loc, object]]:
        """The elements of a list, each with its own location (its line if it is a mapping)."""
        value = self.data.get(key)
        where = self.at(key)
        if value is None:
            if required:
                self.problems.add(where, N_("This key is required"))
            return
        if isinstance(value, str) or not isinstance(value, list):
            self.problems.add(where, N_("Expected a list (lines starting with -)"))
            return
        if required and not value:
            self.problems.add(where, N_("The list must not be empty"))
        for index, element in enumerate(value):
            yield _Loc(f"{where.path}[{index}]", getattr(element, "line", None) or where.line), \
                element


# --- departments and groups -------------------------------------------------------------


@dataclass
class _Organisation:
    """Departments and groups a label may be routed to: the file's and the database's."""

    groups_of: dict[str, set[str]] = field(default_factory=dict)
    owner: dict[str, str] = field(default_factory=dict)
    centres: set[str] = field(default_factory=set)


def _departments(
    top: _Node, known: Mapping[str, frozenset[str]], centres: set[str], problems: _Problems
) -> tuple[list[DepartmentSpec], _Organisation]:
    db_owner = {group: dep for dep, groups in known.items() for group in groups}
    organisation = _Organisation({dep: set(groups) for dep, groups in known.items()},
                                 dict(db_owner), set(centres))
    specs: list[DepartmentSpec] = []
    first_dep: dict[str, _Loc] = {}
    first_group: dict[str, _Loc] = {}
    for loc, raw in top.items("departments", required=False):
        node = _Node.of(raw, loc, DEPARTMENT_KEYS, problems)
        if node is None:
            continue
        code = node.code("code", max_len=MAX_DEPARTMENT_CODE)
        name = node.text("name", required=True, max_len=MAX_ORG_NAME)
        centre = node.flag("contact_centre")
        birth_date_only = node.flag("personnummer_birth_date_only")
        if code is not None:
            _first(first_dep, code, node.at("code"), problems,
                   N_("Department %(name)s is declared twice (also at %(other)s)"))
            organisation.groups_of.setdefault(code, set())
            if centre:  # the file's word on a department wins over the database's
                organisation.centres.add(code)
            else:
                organisation.centres.discard(code)
        groups = []
        for group_loc, group_raw in node.items("groups", required=False):
            group = _group(group_loc, group_raw, code, db_owner, first_group, problems)
            if group is not None and code is not None:
                groups.append(group)
                organisation.groups_of[code].add(group.code)
                organisation.owner[group.code] = code
        if code is not None and name is not None:
            specs.append(DepartmentSpec(code, name, centre, tuple(groups), birth_date_only))
    return specs, organisation


def _group(loc: _Loc, raw: object, department: str | None, db_owner: Mapping[str, str],
           first_group: dict[str, _Loc], problems: _Problems) -> GroupSpec | None:
    node = _Node.of(raw, loc, GROUP_KEYS, problems)
    if node is None:
        return None
    code = node.code("code", max_len=MAX_GROUP_CODE)
    name = node.text("name", required=True, max_len=MAX_ORG_NAME)
    email = node.email("email")
    if code is None:
        return None
    _first(first_group, code, node.at("code"), problems,
           N_("Group %(name)s is declared twice (also at %(other)s)"))
    owner = db_owner.get(code)
    if department is not None and owner is not None and owner != department:
        problems.add(node.at("code"), N_("Group %(group)s already belongs to department "
                                         "%(owner)s; an import does not move groups"),
                     group=code, owner=owner)
    return GroupSpec(code, name, email) if name is not None else None


def _first(seen: dict, name: str, loc: _Loc, problems: _Problems, reason: str,
           key: object = None) -> None:
    """Remember where a name was first declared; report a repetition with both places."""
    key = key if key is not None else name.casefold()
    if key in seen:
        problems.add(loc, reason, name=name, other=seen[key].field)
    else:
        seen[key] = loc


# --- the tree -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Ref:
    """Where routing values were written; inner levels of the tree override outer ones."""

    value: str
    loc: _Loc
    depth: int


@dataclass(frozen=True)
class _Routing:
    department: _Ref | None = None
    group: _Ref | None = None


def _functions(top: _Node, organisation: _Organisation, guides: list[CaseTypeGuide],
               problems: _Problems) -> list[LabelSpec]:
    labels: list[LabelSpec] = []
    first_function: dict[str, _Loc] = {}
    for loc, raw in top.items("functions", required=True):
        node = _Node.of(raw, loc, FUNCTION_KEYS, problems)
        if node is None:
            continue
        name = node.text("name", required=True, max_len=MAX_TREE_NAME)
        if name is not None:
            _first(first_function, name, node.at("name"), problems,
                   N_("Function %(name)s appears twice (also at %(other)s)"),
                   key=path_key(name))
        routing = _routing(node, _Routing(), 0, organisation, problems)
        first_case_type: dict[tuple[str, ...], _Loc] = {}
        for case_loc, case_raw in node.items("case_types", required=True):
            labels.extend(_case_type(case_loc, case_raw, name, routing, first_case_type,
                                     organisation, guides, problems))
    return labels


def _case_type(loc: _Loc, raw: object, function: str | None, outer: _Routing,
               first_case_type: dict, organisation: _Organisation,
               guides: list[CaseTypeGuide], problems: _Problems) -> list[LabelSpec]:
    node = _Node.of(raw, loc, CASE_TYPE_KEYS, problems)
    if node is None:
        return []
    name = node.text("name", required=True, max_len=MAX_TREE_NAME)
    if name is not None:
        _first(first_case_type, name, node.at("name"), problems,
               N_("Case type %(name)s appears twice in this function (also at %(other)s)"),
               key=path_key(name))
    routing = _routing(node, outer, 1, organisation, problems)
    shared, shared_keys = _guide(node, {}, problems)
    if function is not None and name is not None:
        guides.append(CaseTypeGuide(function, name, shared, node.deadline()))
    labels = []
    first_label: dict[tuple[str, ...], _Loc] = {}
    for label_loc, label_raw in node.items("labels", required=True):
        label_node = _Node.of(label_raw, label_loc, LABEL_KEYS, problems)
        if label_node is None:
            continue
        label_name = label_node.text("name", required=True, max_len=MAX_TREE_NAME)
        if label_name is not None:
            _first(first_label, label_name, label_node.at("name"), problems,
                   N_("Label %(name)s appears twice in this case type (also at %(other)s)"),
                   key=path_key(label_name))
        label = _label(label_node, (function, name, label_name), routing, organisation,
                       shared_keys, problems)
        if label is not None:
            labels.append(label)
    return labels


def _routing(node: _Node, outer: _Routing, depth: int, organisation: _Organisation,
             problems: _Problems) -> _Routing:
    """Read `department` and `group` where written, checking each reference exactly once."""
    department, group = outer.department, outer.group
    code = node.text("department", max_len=MAX_DEPARTMENT_CODE)
    if code is not None:
        department = _Ref(code, node.at("department"), depth)
        if code not in organisation.groups_of:
            _unknown_reference(department.loc, code, organisation.groups_of, problems,
                               N_("Unknown department %(code)s"),
                               N_("Unknown department %(code)s; did you mean %(suggestion)s?"))
    code = node.text("group", max_len=MAX_GROUP_CODE)
    if code is not None:
        group = _Ref(code, node.at("group"), depth)
        if code not in organisation.owner:
            _unknown_reference(group.loc, code, organisation.owner, problems,
                               N_("Unknown group %(code)s"),
                               N_("Unknown group %(code)s; did you mean %(suggestion)s?"))
    return _Routing(department, group)


def _unknown_reference(loc: _Loc, code: str, known: Collection[str], problems: _Problems,
                       plain: str, hinted: str) -> None:
    hint = _suggestion(code, known)
    if hint:
        problems.add(loc, hinted, code=code, suggestion=hint)
    else:
        problems.add(loc, plain, code=code)


def _label(node: _Node, path: tuple[str | None, str | None, str | None], outer: _Routing,
           organisation: _Organisation, shared_keys: Mapping[str, _Loc],
           problems: _Problems) -> LabelSpec | None:
    """Read one label's keys, then apply the label rules (rosa.label_rules) to them."""
    mandate, action = node.flag("mandate"), node.flag("action")
    urgent, avoidable = node.flag("urgent"), node.flag("avoidable")
    active = node.flag("active", True)
    words = node.words("signal_words", max_len=None)
    description = node.text("description", max_len=None, collapse=False) or ""
    guide, _keys = _guide(node, shared_keys, problems)
    routing = _routing(node, outer, 2, organisation, problems)
    draft = LabelDraft(
        rosa=node.raw("rosa"), mandate=mandate, action=action,
        department=routing.department.value if routing.department else None,
        group=routing.group.value if routing.group else None, signal_words=words,
        description=description, feedback_working_days=node.raw("feedback_working_days"),
        feedback_working_hours=node.raw("feedback_working_hours"))
    try:
        checked = check_label(draft, Organisation(
            owner=organisation.owner, departments=organisation.groups_of.keys(),
            centres=organisation.centres))
    except RuleViolations as refused:
        for problem in refused.violations:
            problems.add(_where(node, routing, problem.field), problem.reason,
                         **dict(problem.params))
        return None
    function, case_type, name = path
    if function is None or case_type is None or name is None or checked.route is None:
        return None
    department, group = checked.route
    return LabelSpec(function, case_type, name, checked.level, str(department), str(group),
                     mandate, urgent, avoidable, words, description, active,
                     guide, checked.deadline, action)


def _where(node: _Node, routing: _Routing, key: str) -> _Loc:
    """Where a label rule's problem is written: routing where it was set (perhaps on the case
    type or function, the innermost of group and department for a mismatch), else the key."""
    group, department = routing.group, routing.department
    if key == "group" and group is not None:
        return department.loc if department and department.depth > group.depth else group.loc
    if key == "department" and department is not None:
        return department.loc
    return node.at(key)


def _guide(node: _Node, shared_keys: Mapping[str, _Loc],
           problems: _Problems) -> tuple[tuple[FieldSpec, ...], dict[str, _Loc]]:
    """A `guide` list: each field checked by rosa.guides, each key used once in the label's
    combined guide (`shared_keys`: the case type's keys, where they were written). Returns
    the fields and where every key of the combined guide is written."""
    fields: list[FieldSpec] = []
    seen: dict[str, _Loc] = dict(shared_keys)
    for loc, raw in node.items("guide", required=False):
        field_node = _Node.of(raw, loc, GUIDE_FIELD_KEYS, problems)
        if field_node is None:
            continue
        key = field_node.text("key", required=True, max_len=200)
        title = field_node.text("title", required=True, max_len=200)
        kind = field_node.text("kind", required=True, max_len=40)
        required = field_node.flag("required")
        help_text = field_node.text("help", max_len=2000, collapse=False) or ""
        choices = field_node.words("choices", reason=N_("An alternative must be non-empty "
                                                        "text"), max_len=200)
        if key is None or title is None or kind is None:
            continue
        if key in seen:
            problems.add(field_node.at("key"), N_("The key %(name)s is used twice in this "
                                                  "guide (also at %(other)s)"),
                         name=key, other=seen[key].field)
            continue
        seen[key] = field_node.at("key")
        try:
            fields.append(define_field(key=key, title=title, kind=kind, required=required,
                                       help_text=help_text, choices=choices))
        except RuleViolations as refused:
            for problem in refused.violations:
                where = field_node.at(_GUIDE_ATTRIBUTES.get(problem.field, problem.field))
                problems.add(where, problem.reason, **dict(problem.params))
    return tuple(fields), seen
