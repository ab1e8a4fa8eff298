"""The admin label form refuses exactly what the taxonomy import refuses (rosa.label_rules).

One table of bad labels; each is posted to the form (over HTTP, in English so the message can
be compared) and imported as a file against the same database. Both must refuse it with the
same reason, the form on the right field with everything typed kept, the file at the label's
key.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

import pytest
import yaml

from app.services.taxonomy_io import import_taxonomy
from rosa.errors import RuleViolations
from tests import factories
from tests.conftest import csrf_token
from tests.factories import NOW

LONG_WORD = "sopkärl" * 15  # 105 characters
LONG_TEXT = "x" * 2001


@dataclass(frozen=True)
class Bad:
    form: dict  # overrides of the valid form below
    file: dict  # overrides of the valid file label below (None removes a key)
    form_field: str
    key: str  # the label's key in the file
    message: str  # the English message, as the form shows it
    file_message: str = ""  # when the file names departments and groups by code
    kept: tuple[str, ...] = field(default_factory=tuple)  # typed text the page must show


BAD = {
    "level 5 routed to the contact centre": Bad(
        {"rosa_level": "5", "department_id": "kc", "group_id": "kc-allmant", "mandate": None},
        {"rosa": 5, "department": "kc", "group": "kc-allmant", "mandate": None},
        "rosa_level", "rosa", "Levels 5–6 are never handled by the contact centre; route the "
        "label to a department's group"),
    "level 6 routed to the contact centre by its group alone": Bad(
        {"rosa_level": "6", "department_id": "", "group_id": "kc-allmant", "mandate": None},
        {"rosa": 6, "department": None, "group": "kc-allmant", "mandate": None},
        "rosa_level", "rosa", "Levels 5–6 are never handled by the contact centre; route the "
        "label to a department's group"),
    "mandate on level 2": Bad(
        {"rosa_level": "2"}, {"rosa": 2}, "mandate", "mandate",
        "A mandate applies only to ROSA levels 3 and 4"),
    "mandate on level 5": Bad(
        {"rosa_level": "5"}, {"rosa": 5}, "mandate", "mandate",
        "A mandate applies only to ROSA levels 3 and 4"),
    "group of another department": Bad(
        {"group_id": "soc-mottag"}, {"group": "soc-mottag"}, "group_id", "group",
        "Group Mottagningen belongs to department Socialförvaltningen, not Tekniska "
        "förvaltningen", "Group soc-mottag belongs to department soc, not tekn"),
    "no group": Bad(
        {"group_id": ""}, {"group": None}, "group_id", "group",
        "A label needs a group that receives its cases"),
    "no ROSA level": Bad(
        {"rosa_level": ""}, {"rosa": None}, "rosa_level", "rosa",
        "A label needs a ROSA level from 1 to 6"),
    "ROSA level 7": Bad(
        {"rosa_level": "7"}, {"rosa": 7}, "rosa_level", "rosa",
        "ROSA level must be a whole number from 1 to 6"),
    "action on a level the centre never answers": Bad(
        {"rosa_level": "5", "mandate": None, "action": "y"},
        {"rosa": 5, "mandate": None, "action": True}, "action", "action",
        "Only a label the contact centre answers can be an action label: levels 1–2, or 3–4 "
        "with the mandate"),
    "action on level 3 without the mandate": Bad(
        {"mandate": None, "action": "y"}, {"mandate": None, "action": True}, "action", "action",
        "Only a label the contact centre answers can be an action label: levels 1–2, or 3–4 "
        "with the mandate"),
    "action routed to the contact centre": Bad(
        {"rosa_level": "1", "mandate": None, "action": "y", "department_id": "kc",
         "group_id": "kc-allmant"},
        {"rosa": 1, "mandate": None, "action": True, "department": "kc",
         "group": "kc-allmant"}, "action", "action",
        "An action label sends an order to a department; route it to a department's group, "
        "not to the contact centre"),
    "deadline in days and hours": Bad(
        {"feedback_working_days": "2", "feedback_working_hours": "4"},
        {"feedback_working_days": 2, "feedback_working_hours": 4},
        "feedback_working_hours", "feedback_working_hours",
        "Give the deadline in working days or in working hours, not both"),
    "deadline of 31 working days": Bad(
        {"feedback_working_days": "31"}, {"feedback_working_days": 31},
        "feedback_working_days", "feedback_working_days",
        "Expected a whole number from 1 to 30", kept=('value="31"',)),
    "deadline in words": Bad(
        {"feedback_working_hours": "fyra"}, {"feedback_working_hours": "fyra"},
        "feedback_working_hours", "feedback_working_hours",
        "Expected a whole number from 1 to 200", kept=('value="fyra"',)),
    "signal word over 100 characters": Bad(
        {"signal_words": f"soffa\n{LONG_WORD}"}, {"signal_words": ["soffa", LONG_WORD]},
        "signal_words", "signal_words",
        f"A signal word has at most 100 characters: {LONG_WORD[:40]}…", kept=(LONG_WORD,)),
    "name over 120 characters": Bad(
        {"name": "Hämtning " + "a" * 120}, {"name": "Hämtning " + "a" * 120}, "name", "name",
        "At most 120 characters", kept=("Hämtning " + "a" * 120,)),
    "description over 2,000 characters": Bad(
        {"description": LONG_TEXT}, {"description": LONG_TEXT}, "description", "description",
        "At most 2000 characters", kept=(LONG_TEXT,)),
}


def _ids(world) -> dict[str, str]:
    """Form values name departments and groups by id; the table names them by code."""
    groups = {g.code: g for g in (world.waste_group, world.streets_group, world.social_group,
                                  world.kc_group)}
    departments = {d.code: d for d in (world.contact_centre, world.tech, world.social)}
    return {**{k: str(v.id) for k, v in groups.items()},
            **{k: str(v.id) for k, v in departments.items()}, "": ""}


VALID_FORM = {"function": "Avfall", "case_type": "Grovsopor", "name": "Hämtning av soffa",
              "rosa_level": "3", "department_id": "tekn", "group_id": "tekn-avfall",
              "mandate": "y", "signal_words": "soffa\nmöbler", "description": "Boka hämtning.",
              "feedback_working_days": "", "feedback_working_hours": ""}
VALID_LABEL = {"name": "Hämtning av soffa", "rosa": 3, "department": "tekn",
               "group": "tekn-avfall", "mandate": True, "signal_words": ["soffa", "möbler"],
               "description": "Boka hämtning."}


@pytest.fixture
def world(session):
    """The test municipality with a group in the contact centre, as the demo has."""
    built = factories.build_world(session)
    built.kc_group = factories.group(session, built.contact_centre, "kc-allmant",
                                     "Kontaktcenter allmänt")
    session.commit()
    return built


def _post(client, world, values: dict):
    ids = _ids(world)
    data = {k: ids[v] if k in ("department_id", "group_id") else v
            for k, v in values.items() if v is not None}
    token = csrf_token(client.get("/admin/labels/new?lang=en").get_data(as_text=True))
    return client.post("/admin/labels/new", data={**data, "csrf_token": token})


def _field_errors(page: str, field_id: str) -> list[str]:
    match = re.search(rf'<ul class="field-errors" id="{field_id}-errors">(.*?)</ul>', page,
                      re.S)
    return [html.unescape(m) for m in re.findall(r"<li>(.*?)</li>", match.group(1), re.S)] \
        if match else []


def _file(label: dict) -> str:
    label = {k: v for k, v in label.items() if v is not None}
    return yaml.safe_dump({"version": 1, "functions": [
        {"name": "Avfall", "case_types": [{"name": "Grovsopor", "labels": [label]}]}]},
        allow_unicode=True)


def _import_problems(session, label: dict) -> dict[str, list[str]]:
    try:
        import_taxonomy(session, _file(label), now=NOW)
    except RuleViolations as refused:
        return {f.split(": ", 1)[-1]: [v.format() for v in vs]
                for f, vs in refused.by_field().items()}
    finally:
        session.rollback()
    return {}


def test_the_valid_label_is_accepted_by_both(world, login_as, session):
    """The table's starting point is a good label: the form saves it and the file imports."""
    assert _import_problems(session, VALID_LABEL) == {}
    response = _post(login_as(world.admin), world, VALID_FORM)
    assert response.status_code == 303, response.get_data(as_text=True)[-3000:]


@pytest.mark.parametrize("case", list(BAD), ids=list(BAD))
def test_a_bad_label_is_refused_by_form_and_import_alike(world, login_as, session, case):
    """The form shows the reason on the right field and keeps the input; the import refuses
    the same label at the same key with the same reason."""
    bad = BAD[case]
    response = _post(login_as(world.admin), world, {**VALID_FORM, **bad.form})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert bad.message in _field_errors(page, bad.form_field), _field_errors(
        page, bad.form_field)
    assert f'value="{bad.form.get("name", VALID_FORM["name"])}"' in page
    assert 'value="Grovsopor"' in page
    for typed in bad.kept:
        assert html.escape(typed, quote=False) in page or typed in page
    problems = _import_problems(session, {**VALID_LABEL, **bad.file})
    where = f"functions[0].case_types[0].labels[0].{bad.key}"
    assert problems.get(where) == [bad.file_message or bad.message], problems
