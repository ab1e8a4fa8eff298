"""Importing and exporting the taxonomy as YAML (format: docs/taxonomy-format.md).

An import is all or nothing: the whole file is parsed and validated (rosa.taxonomy) before
the first row is written, and then applied in the caller's transaction. Labels are matched by
path (function › case type › label, case-insensitively). A label missing from the file is
retired, never deleted, because old cases keep pointing at it; a retired label that comes back
is reactivated. Exporting and re-importing changes nothing, so an administrator can export,
edit and import again.

Guides follow the file too: the guide fields of every case type and label in the file become
exactly those written there (matched by key, so answers stored on cases keep their meaning);
a case type or label written without `guide` ends up with none. Every label whose guide
changed gets a new `updated_at`, which is what the guide and catalogue caches watch.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.services.guides import field_spec, touch_labels
from models import CaseType, Department, Function, Group, GuideField, Label
from rosa.errors import RuleViolations, violation
from rosa.guides import FieldSpec
from rosa.i18n import N_
from rosa.taxonomy import FORMAT_VERSION, LabelSpec, Taxonomy, parse_taxonomy, path_key

_MERGE_TAG = "tag:yaml.org,2002:merge"


# --- loading YAML with line numbers -----------------------------------------------------


class LineDict(dict):
    """A mapping that remembers where it starts and where each of its keys is written."""

    line: int | None = None
    key_lines: dict[Hashable, int]


# libyaml's parser (when PyYAML was built with it) also reports marks, and is much faster.
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class LineLoader(_SafeLoader):
    """A safe loader whose mappings are LineDicts, so errors can name the line, and which
    refuses a key written twice in one mapping (PyYAML would silently keep the last)."""


def _construct_mapping(loader: LineLoader, node: yaml.MappingNode):
    mapping = LineDict()
    mapping.line = node.start_mark.line + 1
    mapping.key_lines = {}
    yield mapping
    explicit = {id(key) for key, _ in node.value if key.tag != _MERGE_TAG}
    loader.flatten_mapping(node)
    written: set[Hashable] = set()
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, Hashable):
            raise yaml.constructor.ConstructorError(
                "while constructing a mapping", node.start_mark, "found an unhashable key",
                key_node.start_mark)
        if id(key_node) in explicit:
            if key in written:
                raise yaml.constructor.ConstructorError(
                    "while constructing a mapping", node.start_mark,
                    f"found the key {key!r} twice", key_node.start_mark)
            written.add(key)
        mapping[key] = loader.construct_object(value_node, deep=True)
        mapping.key_lines[key] = key_node.start_mark.line + 1


LineLoader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)


def load_yaml(text: str) -> object:
    """Parse YAML text; a syntax error becomes a RuleViolation naming its line."""
    try:
        return yaml.load(text, Loader=LineLoader)  # a SafeLoader: no arbitrary objects
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = f"line {mark.line + 1}" if mark is not None else "document"
        problem = " ".join(filter(None, (error.context, error.problem)))
        raise RuleViolations([violation(where, N_("Not valid YAML: %(problem)s"),
                                        problem=problem)]) from None
    except yaml.YAMLError as error:
        raise RuleViolations([violation("document", N_("Not valid YAML: %(problem)s"),
                                        problem=str(error))]) from None


# --- import -----------------------------------------------------------------------------


@dataclass
class ImportSummary:
    """What an import did, per kind of row ("departments", "groups", "functions",
    "case_types", "labels", "guide_fields"); labels are also counted as retired, reactivated
    or unchanged, and guide fields the file no longer has as removed."""

    created: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)
    retired: int = 0
    reactivated: int = 0
    unchanged: int = 0
    removed: Counter[str] = field(default_factory=Counter)

    @property
    def changed(self) -> bool:
        return bool(+self.created or +self.updated or self.retired or self.reactivated
                    or +self.removed)


def read_taxonomy(session: Session, text: str) -> Taxonomy:
    """Parse and validate a YAML document against the departments already in the database."""
    document = load_yaml(text)
    known: dict[str, set[str]] = {}
    centres = set()
    for department in session.scalars(select(Department)):
        known[department.code] = set()
        if department.is_contact_centre:
            centres.add(department.code)
    for department_code, group_code in session.execute(
        select(Department.code, Group.code).join(Group.department)
    ):
        known[department_code].add(group_code)
    return parse_taxonomy(document, known, contact_centres=centres)


def import_taxonomy(session: Session, text: str, *, now: datetime) -> ImportSummary:
    """Validate the whole file, then apply it; raises RuleViolations and writes nothing if
    anything is wrong. The caller commits (or rolls back for a dry run)."""
    return apply_taxonomy(session, read_taxonomy(session, text), now=now)


def apply_taxonomy(session: Session, taxonomy: Taxonomy, *, now: datetime) -> ImportSummary:
    """Upsert departments, groups and the tree by path; retire labels the file leaves out."""
    summary = ImportSummary()
    departments, groups, flagged = _apply_organisation(session, taxonomy, summary)
    tree = _Tree.load(session)
    placed: list[tuple[Label, LabelSpec]] = []
    for spec in taxonomy.labels:
        label = tree.label_for(session, spec, summary)
        placed.append((label, spec))
        _apply_label(label, spec, departments[spec.department], groups[spec.group], summary,
                     now)
    seen = {id(label) for label, _spec in placed}
    for label in tree.labels.values():
        if id(label) not in seen and label.active:
            label.active, label.retired_at, label.updated_at = False, now, now
            summary.retired += 1
    tree.refresh_active()
    session.flush()
    changed = _apply_guides(session, tree, taxonomy, placed, summary)
    touch_labels([label for label in tree.labels.values()
                  if id(label) in changed or label.department_id in flagged], now)
    session.flush()
    return summary


def _apply_organisation(session: Session, taxonomy: Taxonomy, summary: ImportSummary):
    """Upsert departments and groups; also return the ids of existing departments whose
    personnummer rule changed (their labels' guides now ask for something else)."""
    departments = {d.code: d for d in session.scalars(select(Department))}
    groups = {g.code: g for g in session.scalars(select(Group))}
    flagged: set[int] = set()
    for spec in taxonomy.departments:
        department = departments.get(spec.code)
        if department is None:
            department = departments[spec.code] = Department(code=spec.code)
            session.add(department)
            summary.created["departments"] += 1
        was_birth_date_only = bool(department.personnummer_birth_date_only)
        if _assign(department, name=spec.name, is_contact_centre=spec.contact_centre,
                   personnummer_birth_date_only=spec.personnummer_birth_date_only) and \
                department.id is not None:
            summary.updated["departments"] += 1
            if was_birth_date_only != spec.personnummer_birth_date_only:
                flagged.add(department.id)
        for group_spec in spec.groups:
            group = groups.get(group_spec.code)
            if group is None:
                group = groups[group_spec.code] = Group(code=group_spec.code)
                session.add(group)
                summary.created["groups"] += 1
            if _assign(group, name=group_spec.name, email=group_spec.email,
                       department=department) and group.id is not None:
                summary.updated["groups"] += 1
    return departments, groups, flagged


def _assign(row, **values) -> bool:
    """Set attributes that differ; report whether anything changed."""
    changed = False
    for name, value in values.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
            changed = True
    return changed


def _apply_label(label: Label, spec: LabelSpec, department: Department, group: Group,
                 summary: ImportSummary, now: datetime) -> None:
    was_active = label.active
    new = label.id is None
    changed = _assign(
        label, name=spec.name, rosa_level=int(spec.rosa_level), department=department,
        group=group, mandate=spec.mandate, action=spec.action, urgent=spec.urgent,
        avoidable=spec.avoidable,
        signal_words="\n".join(spec.signal_words), description=spec.description,
        active=spec.active, feedback_working_days=spec.deadline.working_days,
        feedback_working_hours=spec.deadline.working_hours,
    )
    if spec.active and not was_active:
        label.retired_at = None
        if not new:
            summary.reactivated += 1
    elif not spec.active and (was_active or new):
        label.retired_at = now
        if not new:
            summary.retired += 1
    elif changed and not new:
        summary.updated["labels"] += 1
    elif not new:
        summary.unchanged += 1
    if changed:
        label.updated_at = now


def _apply_guides(session: Session, tree: _Tree, taxonomy: Taxonomy,
                  placed: list[tuple[Label, LabelSpec]], summary: ImportSummary) -> set[int]:
    """Make the guides of the file's case types and labels what the file says; return the
    id()s of labels whose combined guide changed."""
    rows: dict[tuple[str, int], dict[str, GuideField]] = {}
    for row in session.scalars(select(GuideField)):
        owner = ("case_type", row.case_type_id) if row.case_type_id is not None else (
            "label", row.label_id)
        rows.setdefault(owner, {})[row.key] = row  # type: ignore[index]
    changed_types: set[int] = set()
    for guide in taxonomy.case_type_guides:
        function = tree.functions[path_key(guide.function)]
        case_type = tree.case_types[(id(function), *path_key(guide.case_type))]
        if _sync_guide(session, rows.get(("case_type", case_type.id), {}), guide.fields,
                       {"case_type_id": case_type.id}, summary):
            changed_types.add(case_type.id)
        _assign(case_type, feedback_working_days=guide.deadline.working_days,
                feedback_working_hours=guide.deadline.working_hours)
    changed: set[int] = set()
    for label, spec in placed:
        if _sync_guide(session, rows.get(("label", label.id), {}), spec.guide,
                       {"label_id": label.id}, summary) or label.case_type_id in changed_types:
            changed.add(id(label))
    changed.update(id(label) for label in tree.labels.values()
                   if label.case_type_id in changed_types)
    return changed


def _sync_guide(session: Session, existing: dict[str, GuideField], specs: tuple[FieldSpec, ...],
                owner: dict[str, int], summary: ImportSummary) -> bool:
    """Upsert one owner's fields by key, in the file's order; delete the ones left out."""
    existing = dict(existing)
    changed = False
    for position, spec in enumerate(specs):
        row = existing.pop(spec.key, None)
        values = dict(title=spec.title, kind=spec.kind, required=spec.required,
                      help_text=spec.help_text, choices=list(spec.choices), position=position)
        if row is None:
            session.add(GuideField(key=spec.key, **owner, **values))
            summary.created["guide_fields"] += 1
            changed = True
        elif _assign(row, **values):
            summary.updated["guide_fields"] += 1
            changed = True
    for row in existing.values():
        session.delete(row)
        summary.removed["guide_fields"] += 1
        changed = True
    return changed


class _Tree:
    """The existing function → case type → label rows, indexed by case-insensitive path."""

    def __init__(self, functions, case_types, labels):
        self.functions: dict[tuple[str, ...], Function] = functions
        self.case_types: dict[tuple, CaseType] = case_types
        self.labels: dict[tuple, Label] = labels

    @classmethod
    def load(cls, session: Session) -> _Tree:
        by_id = {f.id: f for f in session.scalars(select(Function))}
        types = {c.id: c for c in session.scalars(select(CaseType))}
        return cls(
            {path_key(f.name): f for f in by_id.values()},
            {(id(by_id[c.function_id]), *path_key(c.name)): c for c in types.values()},
            {(id(types[lab.case_type_id]), *path_key(lab.name)): lab
             for lab in session.scalars(select(Label))},
        )

    def label_for(self, session: Session, spec: LabelSpec, summary: ImportSummary) -> Label:
        """The row at the spec's path, created (with its parents) if missing. A change of
        case or spacing in a name renames the row instead of creating a twin."""
        function_key, type_key, label_key = spec.key
        function = self.functions.get((function_key,))
        if function is None:
            function = self.functions[(function_key,)] = Function(name=spec.function)
            session.add(function)
            summary.created["functions"] += 1
        elif _assign(function, name=spec.function):
            summary.updated["functions"] += 1
        case_type = self.case_types.get((id(function), type_key))
        if case_type is None:
            case_type = CaseType(function=function, name=spec.case_type)
            self.case_types[(id(function), type_key)] = case_type
            session.add(case_type)
            summary.created["case_types"] += 1
        elif _assign(case_type, name=spec.case_type):
            summary.updated["case_types"] += 1
        label = self.labels.get((id(case_type), label_key))
        if label is None:
            label = Label(case_type=case_type, active=True)
            self.labels[(id(case_type), label_key)] = label
            session.add(label)
            summary.created["labels"] += 1
        return label

    def refresh_active(self) -> None:
        """A function or case type is offered to agents while it has an active label."""
        live_types = {id(lab.case_type) for lab in self.labels.values() if lab.active}
        for case_type in self.case_types.values():
            case_type.active = id(case_type) in live_types
        live_functions = {id(c.function) for c in self.case_types.values() if c.active}
        for function in self.functions.values():
            function.active = id(function) in live_functions


# --- export -----------------------------------------------------------------------------


class _Flow(list):
    """A list written on one line: [soptipp, återvinningscentral]."""


class BlockDumper(yaml.SafeDumper):
    """Block style with indented lists and literal multi-line text (taxonomy and kb files)."""

    def increase_indent(self, flow: bool = False, indentless: bool = False):
        return super().increase_indent(flow, False)


def _represent_str(dumper: yaml.SafeDumper, data: str):
    style = "|" if "\n" in data else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


BlockDumper.add_representer(str, _represent_str)


class _Dumper(BlockDumper):
    """BlockDumper that writes signal words on one line."""


_Dumper.add_representer(_Flow, lambda d, data: d.represent_sequence(
    "tag:yaml.org,2002:seq", data, flow_style=True))

EXPORT_HEADER = (
    "# Taxonomy for En väg in. Format: docs/taxonomy-format.md.\n"
    "# Import with: flask taxonomy import FILE [--dry-run]\n"
)


def export_taxonomy(session: Session, *, municipality: str | None = None) -> str:
    """The whole taxonomy, retired labels included (active: false), in the import format."""
    document: dict[str, object] = {"version": FORMAT_VERSION}
    if municipality:
        document["municipality"] = municipality
    departments = sorted(session.scalars(select(Department)),
                         key=lambda d: (not d.is_contact_centre, d.name.casefold(), d.code))
    document["departments"] = [_department_entry(d) for d in departments]
    functions = sorted(session.scalars(select(Function)), key=lambda f: f.name.casefold())
    guides = _guides_by_owner(session)
    entries = [_function_entry(f, guides) for f in functions]
    document["functions"] = [entry for entry in entries if entry is not None]
    body = yaml.dump(document, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)
    return EXPORT_HEADER + body


def _department_entry(department: Department) -> dict[str, object]:
    entry: dict[str, object] = {"code": department.code, "name": department.name}
    if department.is_contact_centre:
        entry["contact_centre"] = True
    if department.personnummer_birth_date_only:
        entry["personnummer_birth_date_only"] = True
    groups = []
    for group in sorted(department.groups, key=lambda g: (g.name.casefold(), g.code)):
        item = {"code": group.code, "name": group.name}
        if group.email:
            item["email"] = group.email
        groups.append(item)
    if groups:
        entry["groups"] = groups
    return entry


def _routing_of(labels: Iterable[Label]) -> tuple[str, str] | None:
    """The (department, group) all the labels share, if they share one."""
    pairs = {(lab.department.code, lab.group.code) for lab in labels}
    return next(iter(pairs)) if len(pairs) == 1 else None


def _guides_by_owner(session: Session) -> dict[tuple[str, int], list[FieldSpec]]:
    rows = session.scalars(select(GuideField).order_by(GuideField.position, GuideField.id))
    guides: dict[tuple[str, int], list[FieldSpec]] = {}
    for row in rows:
        owner = ("case_type", row.case_type_id) if row.case_type_id is not None else (
            "label", row.label_id)
        guides.setdefault(owner, []).append(field_spec(row))  # type: ignore[arg-type]
    return guides


def _function_entry(function: Function, guides: dict) -> dict[str, object] | None:
    types = [c for c in sorted(function.case_types, key=lambda c: c.name.casefold()) if c.labels]
    if not types:
        return None
    entry: dict[str, object] = {"name": function.name}
    shared = _routing_of(lab for c in types for lab in c.labels)
    if shared:
        entry["department"], entry["group"] = shared
    entry["case_types"] = [_case_type_entry(c, shared, guides) for c in types]
    return entry


def _case_type_entry(case_type: CaseType, outer: tuple[str, str] | None,
                     guides: dict) -> dict[str, object]:
    entry: dict[str, object] = {"name": case_type.name}
    shared = outer or _routing_of(case_type.labels)
    if shared and not outer:
        entry["department"], entry["group"] = shared
    if guides.get(("case_type", case_type.id)):
        entry["guide"] = [_guide_entry(spec) for spec in guides[("case_type", case_type.id)]]
    entry.update(_deadline_entry(case_type))
    labels = sorted(case_type.labels, key=lambda lab: lab.name.casefold())
    entry["labels"] = [_label_entry(lab, shared, guides.get(("label", lab.id), []))
                       for lab in labels]
    return entry


def _deadline_entry(owner: CaseType | Label) -> dict[str, int]:
    return {key: getattr(owner, key) for key in ("feedback_working_days", "feedback_working_hours")
            if getattr(owner, key) is not None}


def _guide_entry(spec: FieldSpec) -> dict[str, object]:
    entry: dict[str, object] = {"key": spec.key, "title": spec.title, "kind": spec.kind.value}
    if spec.required:
        entry["required"] = True
    if spec.help_text:
        entry["help"] = spec.help_text
    if spec.choices:
        entry["choices"] = _Flow(spec.choices)
    return entry


def _label_entry(label: Label, shared: tuple[str, str] | None,
                 guide: list[FieldSpec]) -> dict[str, object]:
    entry: dict[str, object] = {"name": label.name, "rosa": label.rosa_level}
    if shared is None:
        entry["department"], entry["group"] = label.department.code, label.group.code
    for flag in ("mandate", "action", "urgent", "avoidable"):
        if getattr(label, flag):
            entry[flag] = True
    if label.signal_word_list:
        entry["signal_words"] = _Flow(label.signal_word_list)
    if label.description:
        entry["description"] = label.description
    if guide:
        entry["guide"] = [_guide_entry(spec) for spec in guide]
    entry.update(_deadline_entry(label))
    if not label.active:
        entry["active"] = False
    return entry
