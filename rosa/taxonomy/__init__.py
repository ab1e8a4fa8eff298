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

from collections.abc import Collection, Mapping

from rosa.i18n import N_
from rosa.taxonomy.organisation import _departments
from rosa.taxonomy.problems import (
    _Loc,
    _Node,
    _Problems,
)
from rosa.taxonomy.specs import (
    CASE_TYPE_KEYS,
    CODE_PATTERN,
    DEADLINE_KEYS,
    DEPARTMENT_KEYS,
    FORMAT_VERSION,
    FUNCTION_KEYS,
    GROUP_KEYS,
    GUIDE_FIELD_KEYS,
    LABEL_KEYS,
    MAX_DEPARTMENT_CODE,
    MAX_GROUP_CODE,
    MAX_ORG_NAME,
    TOP_KEYS,
    CaseTypeGuide,
    DepartmentSpec,
    GroupSpec,
    LabelSpec,
    Taxonomy,
    path_key,
)
from rosa.taxonomy.tree import _functions

__all__ = [
    "CASE_TYPE_KEYS",
    "CODE_PATTERN",
    "CaseTypeGuide",
    "DEADLINE_KEYS",
    "DEPARTMENT_KEYS",
    "DepartmentSpec",
    "FORMAT_VERSION",
    "FUNCTION_KEYS",
    "GROUP_KEYS",
    "GUIDE_FIELD_KEYS",
    "GroupSpec",
    "LABEL_KEYS",
    "LabelSpec",
    "MAX_DEPARTMENT_CODE",
    "MAX_GROUP_CODE",
    "MAX_ORG_NAME",
    "TOP_KEYS",
    "Taxonomy",
    "parse_taxonomy",
    "path_key",
]


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
