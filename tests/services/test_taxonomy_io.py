"""Taxonomy import and export: all-or-nothing validation with precise errors, upsert by path,
retiring instead of deleting, and a lossless round trip."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.services.intake import log_contact
from app.services.taxonomy_io import export_taxonomy, import_taxonomy, load_yaml
from models import CaseType, Department, Function, Group, GuideField, Label
from rosa.errors import RuleViolations
from rosa.intake import ContactDraft, CustomerDraft

DATA = Path(__file__).resolve().parent.parent / "data"
ANNANKOMMUN = (DATA / "annankommun.yaml").read_text(encoding="utf-8")
DEMO = (Path(__file__).resolve().parents[2] / "app" / "demo" / "exempelkommun.yaml").read_text(
    encoding="utf-8")


@pytest.fixture
def english(app, data_app, monkeypatch):
    """CLI output in the English source strings, whatever the default locale is. Both app
    instances: the CLI runner reuses the app context the `session` fixture pushed."""
    for application in (app, data_app):
        monkeypatch.setitem(application.config, "BABEL_DEFAULT_LOCALE", "en")


def _counts(session) -> tuple[int, ...]:
    return tuple(session.scalar(select(func.count()).select_from(model))
                 for model in (Department, Group, Function, CaseType, Label))


def _label(session, function: str, case_type: str, name: str) -> Label:
    return session.scalar(select(Label).join(Label.case_type).join(CaseType.function).where(
        Function.name == function, CaseType.name == case_type, Label.name == name))


def _line_of(text: str, fragment: str) -> int:
    return text[: text.index(fragment)].count("\n") + 1


def test_another_municipality_imports_cleanly(session, now):
    """A different municipality's file creates its organisation and tree as written."""
    summary = import_taxonomy(session, ANNANKOMMUN, now=now)
    session.commit()
    assert summary.created == {"departments": 4, "groups": 6, "functions": 5,
                               "case_types": 8, "labels": 14}
    assert _counts(session) == (4, 6, 5, 8, 14)
    leak = _label(session, "Vatten", "Läckage", "Akut läcka")
    assert (leak.rosa_level, leak.urgent, leak.department.code, leak.group.code) == (
        5, True, "teknik", "tf-vatten")
    assert leak.description.splitlines() == [
        "Fråga efter exakt plats.", "Ring jourhavande om vatten tränger in i hus."]
    retired = _label(session, "Renhållning", "Återvinning", "Gammal kampanj")
    assert not retired.active and retired.retired_at == now
    assert session.scalar(select(Department).where(Department.code == "medborgarservice")
                          ).is_contact_centre


BROKEN = {
    "bad ROSA level": (
        ("          - name: Avläsning\n            rosa: 4",
         "          - name: Avläsning\n            rosa: 8"),
        "rosa: 8", "functions[1].case_types[1].labels[0].rosa",
        "ROSA level must be a whole number from 1 to 6"),
    "unknown department": (
        ("    department: utbildning\n    group: ub-antagning",
         "    department: skola\n    group: ub-antagning"),
        "department: skola", "functions[3].department", "Unknown department skola"),
    "duplicate path": (
        ("          - name: Regler\n            rosa: 2",
         "          - name: REGLER\n            rosa: 2\n          - name: regler\n"
         "            rosa: 2"),
        "name: regler", "functions[2].case_types[0].labels[2].name",
        "Label regler appears twice in this case type"),
    "unknown key": (
        ("            urgent: true\n", "            urgnet: true\n"),
        "urgnet: true", "functions[1].case_types[0].labels[0].urgnet",
        "Unknown key urgnet; did you mean urgent?"),
    "YAML syntax error": (
        ("      - name: Hämtning\n", "      - name: Hämtning\n     bad: [indent\n"),
        "bad: [indent", "", "Not valid YAML"),
}


@pytest.mark.parametrize("case", list(BROKEN), ids=list(BROKEN))
def test_broken_file_is_rejected_precisely_and_changes_nothing(runner, session, tmp_path, case,
                                                               english):
    """Each broken file is refused with file, line, path and reason; the database is unchanged."""
    (old, new), fragment, path, reason = BROKEN[case]
    assert old in ANNANKOMMUN
    text = ANNANKOMMUN.replace(old, new, 1)
    file = tmp_path / "broken.yaml"
    file.write_text(text, encoding="utf-8")
    result = runner.invoke(args=["taxonomy", "import", str(file)])
    assert result.exit_code == 1, result.output
    expected = f"broken.yaml: line {_line_of(text, fragment)}: {path}"
    problem_lines = [line for line in result.output.splitlines() if line.startswith("broken")]
    assert any(line.startswith(expected) and reason in line for line in problem_lines), \
        result.output
    assert "Nothing was imported" in result.output
    assert _counts(session) == (0, 0, 0, 0, 0)


def test_a_broken_reimport_leaves_the_existing_taxonomy_untouched(session, now):
    """Validation happens before the first write, so a bad file cannot half-apply."""
    import_taxonomy(session, ANNANKOMMUN, now=now)
    session.commit()
    text = ANNANKOMMUN.replace("name: Schema", "name: Nytt schema").replace("rosa: 4", "rosa: 0")
    with pytest.raises(RuleViolations):
        import_taxonomy(session, text, now=now)
    session.rollback()
    assert _label(session, "Renhållning", "Hämtning", "Schema").active
    assert _label(session, "Renhållning", "Hämtning", "Nytt schema") is None


def test_round_trip_export_import_changes_nothing(session, now):
    """Export → import reports no change and the second export is identical."""
    import_taxonomy(session, ANNANKOMMUN, now=now)
    session.commit()
    exported = export_taxonomy(session, municipality="Annankommun")
    summary = import_taxonomy(session, exported, now=now)
    assert not summary.changed and summary.unchanged == 14
    assert export_taxonomy(session, municipality="Annankommun") == exported


def test_demo_taxonomy_round_trips(session, now):
    """The demo municipality's file, with routing on three levels, also round-trips."""
    import_taxonomy(session, DEMO, now=now)
    session.flush()
    summary = import_taxonomy(session, export_taxonomy(session), now=now)
    assert not summary.changed and summary.unchanged == 112


def test_missing_label_is_retired_and_returns_reactivated(session, world, now):
    """A label left out of the file is retired (its cases keep it); put back, it is reactivated."""
    first = import_taxonomy(session, ANNANKOMMUN, now=now)
    session.commit()
    assert first.retired == 6  # the world's own active labels are not in the file
    schema = _label(session, "Renhållning", "Hämtning", "Schema")
    case = log_contact(session, world.agent, ContactDraft(
        channel="phone", citizen_words="När hämtas soporna?", answer_given="På tisdag",
        customer=CustomerDraft()), schema.id, now=now).case
    session.commit()
    without = ANNANKOMMUN.replace("          - name: Schema\n            rosa: 1\n"
                                  "            signal_words: [hämtningsdag]\n", "")
    later = now.replace(hour=12)
    summary = import_taxonomy(session, without, now=later)
    session.commit()
    assert summary.retired == 1
    assert not schema.active and schema.retired_at == later
    assert session.get(type(case), case.id).label_id == schema.id
    summary = import_taxonomy(session, ANNANKOMMUN, now=later)
    session.commit()
    assert summary.reactivated == 1 and schema.active and schema.retired_at is None


def test_case_type_and_function_follow_their_labels_activity(session, now):
    """A case type whose labels are all retired is retired with them, and comes back too."""
    import_taxonomy(session, ANNANKOMMUN, now=now)
    text = ANNANKOMMUN.replace("          - name: Avläsning\n            rosa: 4\n"
                               "            mandate: true\n", "          - name: Avläsning\n"
                               "            rosa: 4\n            mandate: true\n"
                               "            active: false\n")
    import_taxonomy(session, text, now=now)
    meters = session.scalar(select(CaseType).where(CaseType.name == "Mätare"))
    assert not meters.active and meters.function.active  # Läckage is still live
    import_taxonomy(session, ANNANKOMMUN, now=now)
    assert meters.active


def test_changes_are_updates_by_path_not_duplicates(session, now):
    """Changing a label's facts or the case of a name updates the row in place."""
    import_taxonomy(session, ANNANKOMMUN, now=now)
    label_id = _label(session, "Skola", "Gymnasieval", "Information").id
    text = ANNANKOMMUN.replace("  - name: Skola\n", "  - name: SKOLA\n").replace(
        "          - name: Information\n            rosa: 1\n",
        "          - name: Information\n            rosa: 2\n            avoidable: true\n")
    summary = import_taxonomy(session, text, now=now)
    assert summary.updated == {"functions": 1, "labels": 1}
    assert not +summary.created
    label = session.get(Label, label_id)
    assert (label.case_type.function.name, label.rosa_level, label.avoidable) == ("SKOLA", 2, True)


def test_file_may_use_departments_already_in_the_database(session, world, now):
    """Departments and groups known to the database need not be declared again."""
    text = ("functions:\n  - name: Avfall\n    group: tekn-avfall\n    case_types:\n"
            "      - name: Kärl\n        labels:\n          - name: Trasigt\n            rosa: 3\n")
    summary = import_taxonomy(session, text, now=now)
    assert summary.created["labels"] == 1
    assert _label(session, "Avfall", "Kärl", "Trasigt").department.code == "tekn"


def test_loader_records_lines_and_refuses_repeated_keys():
    """Mappings remember their lines; a key written twice is a YAML error, not a silent win."""
    document = load_yaml("a: 1\nb:\n  c: 2\n")
    assert (document.line, document.key_lines, document["b"].line) == (1, {"a": 1, "b": 2}, 3)
    with pytest.raises(RuleViolations) as raised:
        load_yaml("label:\n  rosa: 1\n  rosa: 5\n")
    [problem] = raised.value.violations
    assert problem.field == "line 3" and "twice" in problem.format()


def test_dry_run_reports_and_saves_nothing(runner, session, english):
    """--dry-run validates and summarises, then rolls back."""
    result = runner.invoke(args=["taxonomy", "import", "--dry-run",
                                 str(DATA / "annankommun.yaml")])
    assert result.exit_code == 0, result.output
    assert "14 created" in result.output and "Dry run" in result.output
    assert _counts(session) == (0, 0, 0, 0, 0)


def test_cli_import_commits_and_export_writes_file_or_stdout(runner, session, tmp_path,
                                                             english):
    """Import commits once; export goes to a file or standard output in the same format."""
    result = runner.invoke(args=["taxonomy", "import", str(DATA / "annankommun.yaml")])
    assert result.exit_code == 0, result.output
    assert _counts(session) == (4, 6, 5, 8, 14)
    target = tmp_path / "out.yaml"
    assert runner.invoke(args=["taxonomy", "export", str(target)]).exit_code == 0
    stdout = runner.invoke(args=["taxonomy", "export"])
    assert stdout.exit_code == 0 and stdout.output == target.read_text(encoding="utf-8")
    again = runner.invoke(args=["taxonomy", "import", str(target)])
    assert again.exit_code == 0 and "No changes." in again.output


# --- guides -------------------------------------------------------------------------------------

GUIDED = """\
departments:
  - code: tekn
    name: Tekniska
    groups:
      - code: tekn-gata
        name: Gata
  - code: voo
    name: Vård och omsorg
    personnummer_birth_date_only: true
    groups:
      - code: voo-fardtjanst
        name: Färdtjänst
functions:
  - name: Gata/Park
    group: tekn-gata
    case_types:
      - name: Oljeläckage
        guide:
          - key: plats
            title: Exakt plats
            kind: place
            required: true
            help: T.ex. Åsenvägen 1–9.
        labels:
          - name: Felanmälan
            rosa: 5
            urgent: true
            guide:
              - key: amne
                title: Vad läcker
                kind: choice
                required: true
                choices: [Diesel, Bensin]
              - key: fordon
                title: Fordon
                kind: vehicle
  - name: Färdtjänst
    group: voo-fardtjanst
    case_types:
      - name: Ansökan
        labels:
          - name: Ny ansökan
            rosa: 5
            guide:
              - key: sokande
                title: Sökandens födelsedatum
                kind: personnummer
                required: true
"""


def test_guides_are_imported_and_used_by_the_intake(session, world, now):
    """Guide fields from the file become the labels' guides, and the intake asks for them;
    a department's personnummer rule comes from the file too."""
    from app.services.guides import label_guide

    summary = import_taxonomy(session, GUIDED, now=now)
    session.commit()
    assert summary.created["guide_fields"] == 4
    leak = _label(session, "Gata/Park", "Oljeläckage", "Felanmälan")
    assert [spec.key for spec in label_guide(session, leak)] == ["plats", "amne", "fordon"]
    with pytest.raises(RuleViolations) as refused:
        log_contact(session, world.agent, ContactDraft(
            channel="phone", citizen_words="Olja på gatan",
            customer=CustomerDraft(name="Eva Ek", phone="070-111 22 33")), leak.id, now=now)
    assert set(refused.value.by_field()) == {"guide.plats", "guide.amne"}
    application = _label(session, "Färdtjänst", "Ansökan", "Ny ansökan")
    case = log_contact(session, world.agent, ContactDraft(
        channel="phone", citizen_words="Jag vill söka färdtjänst",
        customer=CustomerDraft(name="Eva Ek", phone="070-111 22 33"),
        guide={"sokande": "19121212-1212"}), application.id, now=now).case
    assert case.guide_values == {"sokande": "1912-12-12"}


def test_guides_round_trip_and_follow_the_file(session, now):
    """Export → import changes nothing; edited, added and removed guide fields are applied
    by key, and every affected label is marked changed so caches refresh."""
    from app.services.guides import label_guide

    import_taxonomy(session, GUIDED, now=now)
    session.flush()
    exported = export_taxonomy(session)
    assert "personnummer_birth_date_only: true" in exported
    assert "choices: [Diesel, Bensin]" in exported
    summary = import_taxonomy(session, exported, now=now)
    assert not summary.changed and export_taxonomy(session) == exported
    leak = _label(session, "Gata/Park", "Oljeläckage", "Felanmälan")
    label_guide(session, leak)  # cached now
    later = now.replace(hour=12)
    edited = GUIDED.replace("title: Exakt plats", "title: Var exakt").replace(
        "              - key: fordon\n                title: Fordon\n"
        "                kind: vehicle\n",
        "              - key: yta\n                title: Yta\n                kind: number\n")
    summary = import_taxonomy(session, edited, now=later)
    assert (summary.created["guide_fields"], summary.updated["guide_fields"],
            summary.removed["guide_fields"]) == (1, 1, 1)
    assert summary.changed and summary.unchanged == 2  # the labels' own facts are the same
    assert leak.updated_at == later
    assert [(s.key, s.title) for s in label_guide(session, leak)] == [
        ("plats", "Var exakt"), ("amne", "Vad läcker"), ("yta", "Yta")]


def test_a_case_type_left_without_guide_loses_its_fields(session, now):
    """The file is the whole truth: no `guide` means no fields."""
    import_taxonomy(session, GUIDED, now=now)
    without = GUIDED.replace(
        "        guide:\n          - key: plats\n            title: Exakt plats\n"
        "            kind: place\n            required: true\n"
        "            help: T.ex. Åsenvägen 1–9.\n", "")
    summary = import_taxonomy(session, without, now=now)
    assert summary.removed["guide_fields"] == 1
    assert session.scalar(select(func.count()).select_from(GuideField)) == 3


def test_a_broken_guide_is_refused_with_line_and_path(runner, session, tmp_path, english):
    """A guide problem is reported like any other: file, line, path and reason."""
    text = GUIDED.replace("kind: vehicle", "kind: fordon")
    file = tmp_path / "broken.yaml"
    file.write_text(text, encoding="utf-8")
    result = runner.invoke(args=["taxonomy", "import", str(file)])
    assert result.exit_code == 1
    expected = (f"broken.yaml: line {_line_of(text, 'kind: fordon')}: "
                "functions[0].case_types[0].labels[0].guide[1].kind: Unknown field kind fordon")
    assert expected in result.output
    assert session.scalar(select(func.count()).select_from(GuideField)) == 0


def test_demo_guides_round_trip(session, now):
    """The demo municipality's guides survive export and import unchanged."""
    summary = import_taxonomy(session, DEMO, now=now)
    assert summary.created["guide_fields"] >= 40
    session.flush()
    again = import_taxonomy(session, export_taxonomy(session), now=now)
    assert not again.changed


def test_deadline_overrides_import_export_and_reach_intake(session, now):
    """A case type's working days and a label's working hours are stored and exported."""
    before = ("      - name: Läckage\n        labels:\n"
              "          - name: Akut läcka\n            rosa: 5\n")
    after = ("      - name: Läckage\n        feedback_working_days: 2\n        labels:\n"
             "          - name: Akut läcka\n            rosa: 5\n"
             "            feedback_working_hours: 4\n")
    text = ANNANKOMMUN.replace(before, after)
    assert text != ANNANKOMMUN
    import_taxonomy(session, text, now=now)
    session.commit()
    leak = _label(session, "Vatten", "Läckage", "Akut läcka")
    assert (leak.feedback_working_hours, leak.case_type.feedback_working_days) == (4, 2)
    exported = export_taxonomy(session)
    assert "feedback_working_hours: 4" in exported and "feedback_working_days: 2" in exported
    assert import_taxonomy(session, exported, now=now).changed is False


@pytest.mark.parametrize(("lines", "message"), [
    ("            feedback_working_hours: 0\n", "whole number from 1 to 200"),
    ("            feedback_working_days: 2\n            feedback_working_hours: 4\n",
     "not both"),
])
def test_bad_deadline_overrides_are_refused_with_their_place(session, now, lines, message):
    """Zero hours, or days and hours together, are named with the key's line."""
    text = ANNANKOMMUN.replace("          - name: Akut läcka\n            rosa: 5\n",
                               "          - name: Akut läcka\n            rosa: 5\n" + lines)
    with pytest.raises(RuleViolations) as refused:
        import_taxonomy(session, text, now=now)
    assert any(message in v.format() for v in refused.value.violations)
