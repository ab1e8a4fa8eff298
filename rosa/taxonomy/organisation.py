"""Reading the departments and their groups, and the organisation labels may be routed to."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from rosa.i18n import N_
from rosa.taxonomy.problems import (
    _Loc,
    _Node,
    _Problems,
)
from rosa.taxonomy.specs import (
    DEPARTMENT_KEYS,
    GROUP_KEYS,
    MAX_DEPARTMENT_CODE,
    MAX_GROUP_CODE,
    MAX_ORG_NAME,
    DepartmentSpec,
    GroupSpec,
)


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
