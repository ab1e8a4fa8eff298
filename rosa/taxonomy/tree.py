"""Reading the function → case type → label tree: routing, labels and guides."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

from rosa.errors import RuleViolations
from rosa.guides import FieldSpec, define_field
from rosa.i18n import N_
from rosa.label_rules import (
    MAX_TREE_NAME,
    LabelDraft,
    Organisation,
    check_label,
)
from rosa.taxonomy.organisation import (
    _first,
    _Organisation,
)
from rosa.taxonomy.problems import (
    _Loc,
    _Node,
    _Problems,
    _suggestion,
)
from rosa.taxonomy.specs import (
    _GUIDE_ATTRIBUTES,
    CASE_TYPE_KEYS,
    FUNCTION_KEYS,
    GUIDE_FIELD_KEYS,
    LABEL_KEYS,
    MAX_DEPARTMENT_CODE,
    MAX_GROUP_CODE,
    CaseTypeGuide,
    LabelSpec,
    path_key,
)


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
