"""Parsing and validating a taxonomy document: every rule, each problem located precisely."""

from __future__ import annotations

import copy

import pytest

from rosa.errors import RuleViolations
from rosa.levels import RosaLevel
from rosa.taxonomy import parse_taxonomy, path_key


class At(dict):
    """A mapping that knows its line, as the YAML loader's mappings do."""

    def __init__(self, line: int, **values):
        super().__init__(values)
        self.line = line
        self.key_lines = {key: line + offset for offset, key in enumerate(values)}


def _document() -> dict:
    return {
        "version": 1,
        "departments": [
            {"code": "kc", "name": "Kontaktcenter", "contact_centre": True,
             "groups": [{"code": "kc-allmant", "name": "Allmänt"}]},
            {"code": "tekn", "name": "Tekniska förvaltningen",
             "groups": [{"code": "tekn-avfall", "name": "Avfall", "email": "Avfall@Ex.se"},
                        {"code": "tekn-gata", "name": "Gata och park"}]},
        ],
        "functions": [
            {"name": "Avfall", "department": "tekn", "group": "tekn-avfall", "case_types": [
                {"name": "Sophämtning", "labels": [
                    {"name": "Utebliven", "rosa": 3, "mandate": True, "avoidable": True,
                     "signal_words": ["tunnan inte tömd", "Tunnan inte tömd", "soporna"]},
                    {"name": "Hämtningsdagar", "rosa": 1},
                ]},
            ]},
            {"name": "Gata/Park", "group": "tekn-gata", "case_types": [
                {"name": "Oljeläckage", "labels": [
                    {"name": "Felanmälan", "rosa": 5, "urgent": True,
                     "description": "Förorenare och exakt plats."},
                ]},
            ]},
        ],
    }


def _label(document: dict, function: int = 0, case_type: int = 0, label: int = 0) -> dict:
    return document["functions"][function]["case_types"][case_type]["labels"][label]


def _problems(document, known=None, **kwargs) -> dict[str, list[str]]:
    with pytest.raises(RuleViolations) as raised:
        parse_taxonomy(document, known, **kwargs)
    return {field: [v.format() for v in found] for field, found in raised.value.by_field().items()}


def test_valid_document_becomes_frozen_specs():
    """A valid document yields departments, groups and labels with routing resolved."""
    taxonomy = parse_taxonomy(_document())
    assert [d.code for d in taxonomy.departments] == ["kc", "tekn"]
    assert taxonomy.departments[1].groups[0].email == "avfall@ex.se"
    missed, _days, oil = taxonomy.labels
    assert missed.path == ("Avfall", "Sophämtning", "Utebliven")
    assert (missed.rosa_level, missed.department, missed.group) == (3, "tekn", "tekn-avfall")
    assert missed.mandate and missed.avoidable and missed.active
    assert missed.signal_words == ("tunnan inte tömd", "soporna")
    assert oil.department == "tekn" and oil.urgent  # department implied by the group
    assert oil.rosa_level is RosaLevel.INVESTIGATION
    with pytest.raises(AttributeError):
        oil.name = "changed"  # frozen


def test_field_names_line_and_path_when_lines_are_known():
    """With line numbers from the loader, the field reads "line N: path.to.key"."""
    document = At(1, version=1, functions=[At(10, name="Avfall", group="tekn-avfall",
                  case_types=[At(13, name="Hämtning", labels=[
                      At(16, name="A", rosa=1), At(18, name="B", rosa=9)])])])
    problems = _problems(document, {"tekn": {"tekn-avfall"}})
    assert problems == {"line 19: functions[0].case_types[0].labels[1].rosa":
                        ["ROSA level must be a whole number from 1 to 6"]}


@pytest.mark.parametrize("value", [0, 7, "three", True, 2.5, None])
def test_rosa_level_must_be_one_to_six(value):
    """Levels outside 1–6, text, booleans, fractions and a missing level are refused."""
    document = _document()
    _label(document)["rosa"] = value
    if value is None:
        del _label(document)["rosa"]
    field = "functions[0].case_types[0].labels[0].rosa"
    assert field in _problems(document)


def test_rosa_level_may_be_written_as_numeric_text():
    """ "3" is read as level 3, as RosaLevel.parse allows."""
    document = _document()
    _label(document)["rosa"] = "3"
    assert parse_taxonomy(document).labels[0].rosa_level == 3


def test_unknown_keys_are_errors_with_a_suggestion():
    """A typo such as `mandat` is reported, never silently ignored."""
    document = _document()
    _label(document)["mandat"] = True
    document["function"] = []
    problems = _problems(document)
    assert problems["functions[0].case_types[0].labels[0].mandat"] == [
        "Unknown key mandat; did you mean mandate?"]
    assert problems["function"] == ["Unknown key function; did you mean functions?"]


def test_unknown_department_and_group_are_reported_where_written():
    """References are checked once, at the level of the tree where they are written."""
    document = _document()
    document["functions"][0]["department"] = "teknik"
    document["functions"][1]["group"] = "tekn-gatan"
    problems = _problems(document)
    assert problems == {
        "functions[0].department": ["Unknown department teknik; did you mean tekn?"],
        "functions[1].group": ["Unknown group tekn-gatan; did you mean tekn-gata?"],
    }


def test_departments_from_the_database_are_known():
    """A file may route labels to departments and groups that exist only in the database."""
    document = _document()
    del document["departments"]
    known = {"kc": {"kc-allmant"}, "tekn": {"tekn-avfall", "tekn-gata"}}
    assert len(parse_taxonomy(document, known, contact_centres={"kc"}).labels) == 3


def test_group_of_another_department_is_refused():
    """A label's group must belong to the label's department."""
    document = _document()
    _label(document, 0, 0, 1)["group"] = "kc-allmant"
    problems = _problems(document)
    assert problems["functions[0].case_types[0].labels[1].group"] == [
        "Group kc-allmant belongs to department kc, not tekn"]


def test_import_does_not_move_a_group_between_departments():
    """A group declared under another department than in the database is refused."""
    document = _document()
    known = {"soc": {"tekn-gata"}}
    problems = _problems(document, known)
    assert problems["departments[1].groups[1].code"] == [
        "Group tekn-gata already belongs to department soc; an import does not move groups"]


@pytest.mark.parametrize("where,name", [
    ("function", "avfall"), ("case_type", "SOPHÄMTNING"), ("label", "utebliven "),
])
def test_duplicate_paths_are_refused_case_insensitively(where, name):
    """Function, case type and label names are unique on their level, ignoring case."""
    document = _document()
    if where == "function":
        document["functions"].append(copy.deepcopy(document["functions"][0]))
        document["functions"][2]["name"] = name
        field = "functions[2].name"
    elif where == "case_type":
        types = document["functions"][0]["case_types"]
        types.append(copy.deepcopy(types[0]))
        types[1]["name"] = name
        field = "functions[0].case_types[1].name"
    else:
        labels = document["functions"][0]["case_types"][0]["labels"]
        labels.append({"name": name, "rosa": 1})
        field = "functions[0].case_types[0].labels[2].name"
    [message] = _problems(document)[field]
    assert "appears twice" in message and "also at functions[0]" in message


def test_duplicate_department_and_group_codes_are_refused():
    """Codes identify rows; declaring one twice is an error naming both places."""
    document = _document()
    document["departments"].append({"code": "tekn", "name": "Igen",
                                    "groups": [{"code": "kc-allmant", "name": "Igen"}]})
    problems = _problems(document)
    assert problems["departments[2].code"] == [
        "Department tekn is declared twice (also at departments[1].code)"]
    assert problems["departments[2].groups[0].code"] == [
        "Group kc-allmant is declared twice (also at departments[0].groups[0].code)"]


def test_required_keys_and_types_are_checked():
    """Missing names, text where a flag belongs and a scalar where a list belongs fail."""
    document = _document()
    del document["departments"][0]["name"]
    _label(document)["urgent"] = "yes"
    _label(document)["signal_words"] = "tunnan"
    document["functions"][0]["case_types"][0]["name"] = 2024
    problems = _problems(document)
    assert problems["departments[0].name"] == ["This key is required"]
    assert problems["functions[0].case_types[0].labels[0].urgent"] == ["Expected true or false"]
    assert problems["functions[0].case_types[0].labels[0].signal_words"] == [
        "Expected a list (lines starting with -)"]
    assert "put the value in quotes" in problems["functions[0].case_types[0].name"][0]


def test_codes_and_emails_are_validated():
    """Codes are lower-case identifiers; group e-mail addresses must be valid."""
    document = _document()
    document["departments"][1]["code"] = "Tekn Förv"
    document["departments"][1]["groups"][0]["email"] = "not-an-address"
    problems = _problems(document)
    assert "lower-case" in problems["departments[1].code"][0]
    assert problems["departments[1].groups[0].email"] == ["Not a valid e-mail address"]


def test_mandate_only_on_levels_three_and_four():
    """A mandate on a level 1–2 or 5–6 label is contradictory and refused."""
    document = _document()
    _label(document, 0, 0, 1)["mandate"] = True
    _label(document, 1)["mandate"] = True
    problems = _problems(document)
    assert problems["functions[0].case_types[0].labels[1].mandate"] == [
        "A mandate applies only to ROSA levels 3 and 4"]
    assert "functions[1].case_types[0].labels[0].mandate" in problems


def test_levels_five_and_six_never_go_to_the_contact_centre():
    """Contact-centre staff never perform levels 5–6, so such a label cannot be routed there."""
    document = _document()
    _label(document, 1)["group"] = "kc-allmant"
    problems = _problems(document)
    assert "never handled by the contact centre" in \
        problems["functions[1].case_types[0].labels[0].rosa"][0]


def test_every_label_needs_a_group():
    """Without a group anywhere on its path a label cannot be routed."""
    document = _document()
    del document["functions"][1]["group"]
    assert _problems(document)["functions[1].case_types[0].labels[0].group"] == [
        "A label needs a group that receives its cases"]


def test_empty_lists_and_documents_are_refused():
    """An empty document or a case type without labels is an error, not a silent no-op."""
    assert _problems(None) == {"line 1: document": ["The taxonomy document is empty"]}
    document = _document()
    document["functions"][1]["case_types"][0]["labels"] = []
    assert _problems(document) == {
        "functions[1].case_types[0].labels": ["The list must not be empty"]}
    assert "functions" in _problems({"version": 1})


def test_unsupported_version_is_refused():
    """A future format version is refused rather than misread."""
    document = _document()
    document["version"] = 2
    assert "Unsupported format version 2" in _problems(document)["version"][0]


def test_all_problems_are_reported_at_once():
    """Every problem in the document is collected before raising, in document order."""
    document = _document()
    document["departments"][0]["contact_centre"] = "ja"
    _label(document)["rosa"] = 8
    _label(document, 1)["typo"] = 1
    with pytest.raises(RuleViolations) as raised:
        parse_taxonomy(document)
    assert [v.field for v in raised.value.violations] == [
        "departments[0].contact_centre",
        "functions[0].case_types[0].labels[0].rosa",
        "functions[1].case_types[0].labels[0].typo",
    ]


def test_path_key_ignores_case_and_spacing():
    """Paths match case-insensitively and regardless of repeated spaces."""
    assert path_key("Gata/Park", "Snöröjning ") == path_key("gata/park", "SNÖRÖJNING")


# --- guides and the department's personnummer rule --------------------------------------------

def _oil_case_type(document: dict) -> dict:
    return document["functions"][1]["case_types"][0]


def test_guides_on_case_types_and_labels_become_field_specs():
    """A case type's guide is kept per case type, a label's own fields on the label; keys,
    kinds, flags, help and alternatives are read as written."""
    from rosa.guides import FieldKind, FieldSpec

    document = _document()
    document["departments"][1]["personnummer_birth_date_only"] = True
    _oil_case_type(document)["guide"] = [
        {"key": "plats", "title": "Exakt  plats", "kind": "place", "required": True,
         "help": "T.ex. Åsenvägen 1–9."}]
    _label(document, 1)["guide"] = [
        {"key": "amne", "title": "Vad läcker", "kind": "choice", "choices": ["Diesel", "Bensin"]}]
    taxonomy = parse_taxonomy(document)
    assert taxonomy.departments[1].personnummer_birth_date_only
    assert not taxonomy.departments[0].personnummer_birth_date_only
    oil = taxonomy.labels[2]
    assert oil.guide == (FieldSpec("amne", "Vad läcker", FieldKind.CHOICE,
                                   choices=("Diesel", "Bensin")),)
    guides = {guide.case_type: guide.fields for guide in taxonomy.case_type_guides}
    assert guides == {"Sophämtning": (), "Oljeläckage": (
        FieldSpec("plats", "Exakt plats", FieldKind.PLACE, True, "T.ex. Åsenvägen 1–9."),)}


def test_guide_problems_are_located_precisely():
    """Unknown keys, a bad kind, a bad key, a missing title, a choice without alternatives
    and a flag that is not true/false are each reported at their key."""
    document = _document()
    _label(document, 1)["guide"] = [
        {"key": "Plats!", "title": "Plats", "kind": "plats", "requierd": True},
        {"key": "amne", "kind": "choice"},
        {"key": "yta", "title": "Yta", "kind": "choice", "required": "ja"},
    ]
    problems = _problems(document)
    base = "functions[1].case_types[0].labels[0].guide"
    assert problems[f"{base}[0].requierd"] == ["Unknown key requierd; did you mean required?"]
    assert "lower-case letters" in problems[f"{base}[0].key"][0]
    assert problems[f"{base}[0].kind"] == ["Unknown field kind plats; did you mean place?"]
    assert problems[f"{base}[1].title"] == ["This key is required"]
    assert "at least two alternatives" in problems[f"{base}[2].choices"][0]
    assert problems[f"{base}[2].required"] == ["Expected true or false"]


def test_a_key_is_used_once_in_a_labels_combined_guide():
    """A label may not reuse a key of its case type's guide, nor repeat one of its own."""
    document = _document()
    _oil_case_type(document)["guide"] = [{"key": "plats", "title": "Plats", "kind": "place"}]
    _label(document, 1)["guide"] = [
        {"key": "plats", "title": "Plats igen", "kind": "text"},
        {"key": "amne", "title": "Ämne", "kind": "text"},
        {"key": "amne", "title": "Ämne igen", "kind": "text"},
    ]
    problems = _problems(document)
    base = "functions[1].case_types[0].labels[0].guide"
    assert problems[f"{base}[0].key"] == [
        "The key plats is used twice in this guide (also at "
        "functions[1].case_types[0].guide[0].key)"]
    assert "also at " + f"{base}[1].key" in problems[f"{base}[2].key"][0]


def test_guide_must_be_a_list_and_flag_a_boolean():
    """`guide: plats` and `personnummer_birth_date_only: ja` are refused."""
    document = _document()
    _label(document)["guide"] = "plats"
    document["departments"][0]["personnummer_birth_date_only"] = "ja"
    problems = _problems(document)
    assert problems["functions[0].case_types[0].labels[0].guide"] == [
        "Expected a list (lines starting with -)"]
    assert problems["departments[0].personnummer_birth_date_only"] == ["Expected true or false"]
