"""Guides in plain Python: defining fields, and checking and normalising the answers."""

from __future__ import annotations

import pytest

from rosa.errors import RuleViolations
from rosa.guides import (
    FieldKind,
    FieldSpec,
    answers,
    check_guide,
    define_field,
    key_from_title,
    looks_like_personnummer,
)
from rosa.intake import ContactDraft, CustomerDraft, LabelFacts, check_contact
from rosa.levels import RosaLevel

OIL_LEAK = (
    FieldSpec("plats", "Exakt plats", FieldKind.PLACE, required=True),
    FieldSpec("pagaende", "Läcker det fortfarande?", FieldKind.YES_NO, required=True),
    FieldSpec("amne", "Vad läcker", FieldKind.CHOICE, required=True,
              choices=("Diesel", "Bensin", "Vet inte")),
    FieldSpec("fordon", "Fordon", FieldKind.VEHICLE),
)


def _field(kind: str, **kwargs) -> FieldSpec:
    return FieldSpec("svar", "Svar", FieldKind(kind), **kwargs)


def _problems(fields, values, **kwargs) -> dict[str, list[str]]:
    with pytest.raises(RuleViolations) as raised:
        check_guide(fields, values, **kwargs)
    return {field: [v.format() for v in found] for field, found in raised.value.by_field().items()}


@pytest.mark.parametrize("kind,given,stored", [
    ("text", "  Sjöstrands   Åkeri AB ", "Sjöstrands Åkeri AB"),
    ("long_text", "  Rad ett  \r\nRad två\n", "Rad ett\nRad två"),
    ("place", "mellan Preemstationen\noch rondellen", "mellan Preemstationen och rondellen"),
    ("number", "1 200,5", 1200.5),
    ("number", "12", 12),
    ("number", 3.0, 3),
    ("number", "−4", -4),
    ("date", "2026-12-01", "2026-12-01"),
    ("date", "20261201", "2026-12-01"),
    ("yes_no", "ja", True),
    ("yes_no", "no", False),
    ("yes_no", True, True),
    ("personnummer", "19121212-1212", "191212121212"),
    ("personnummer", "121212-1212", "201212121212"),
    ("organisationsnummer", "556036-0793", "5560360793"),
    ("fastighetsbeteckning", "exempelstad  KVARNEN 3 : 14", "Exempelstad Kvarnen 3:14"),
    ("fastighetsbeteckning", "Norra Ryd 1:205", "Norra Ryd 1:205"),
    ("vehicle", "abc 123", "ABC123"),
    ("vehicle", "ABC12A", "ABC12A"),
    ("phone", "070-123  45 67", "070-123 45 67"),
    ("email", "Anna@Example.SE", "anna@example.se"),
])
def test_answers_are_normalised_by_kind(kind, given, stored):
    """Each kind of answer is stored in one form, whatever way it was typed."""
    assert check_guide([_field(kind)], {"svar": given}) == {"svar": stored}


def test_choice_keeps_the_administrators_spelling():
    """A choice matches case-insensitively and is stored as the guide writes it."""
    spec = _field("choice", choices=("Diesel", "Vet inte"))
    assert check_guide([spec], {"svar": "vet  INTE"}) == {"svar": "Vet inte"}


@pytest.mark.parametrize("kind,given,reason", [
    ("personnummer", "19121212-1213", "check digit is wrong"),
    ("personnummer", "1912", "not a valid personal identity number"),
    ("organisationsnummer", "556036-0794", "check digit is wrong"),
    ("organisationsnummer", "55603", "not a valid organisation number"),
    ("number", "tolv", "write a number"),
    ("number", True, "write a number"),
    ("date", "2026-02-30", "write a date as YYYY-MM-DD"),
    ("date", "1/12", "write a date as YYYY-MM-DD"),
    ("yes_no", "kanske", "answer yes or no"),
    ("fastighetsbeteckning", "Kvarnen 3", "block:unit"),
    ("vehicle", "ÅÄÖ 123", "Swedish registration number"),
    ("vehicle", "ABI 123", "Swedish registration number"),
    ("vehicle", "ABC 12O", "Swedish registration number"),
    ("phone", "ring mig", "phone number"),
    ("email", "anna@", "e-mail address"),
    ("text", "x" * 501, "at most 500 characters"),
    ("text", False, "answer with text"),
])
def test_bad_answers_are_refused_with_the_fields_title(kind, given, reason):
    """A wrong answer is refused with a reason that names the field's title."""
    problems = _problems([_field(kind)], {"svar": given})
    [message] = problems["guide.svar"]
    assert message.startswith("“Svar”") and reason in message


def test_choice_outside_the_alternatives_is_refused():
    """Only the listed alternatives are accepted."""
    spec = _field("choice", choices=("Diesel", "Bensin"))
    assert "choose one of the alternatives" in _problems([spec], {"svar": "Vatten"})[
        "guide.svar"][0]


def test_birth_date_only_never_keeps_the_last_four_digits():
    """Where the department wants only the birth date, a full number is cut to the date
    (after its check digit is verified) and a birth date alone is enough."""
    spec = _field("personnummer")
    for given in ("19121212-1212", "191212121212", "19121212", "1912-12-12"):
        assert check_guide([spec], {"svar": given}, birth_date_only=True) == {
            "svar": "1912-12-12"}
    assert "check digit" in _problems([spec], {"svar": "19121212-1213"},
                                      birth_date_only=True)["guide.svar"][0]
    assert "only the birth date" in _problems([spec], {"svar": "121212"},
                                              birth_date_only=True)["guide.svar"][0]


def test_missing_required_answers_are_named_one_by_one():
    """Every required field without an answer is reported, each with its title; optional
    ones are not, and the given answers are still checked."""
    problems = _problems(OIL_LEAK, {"plats": "  ", "fordon": "ABC"})
    assert problems == {
        "guide.plats": ["“Exakt plats” is needed to forward the case"],
        "guide.pagaende": ["“Läcker det fortfarande?” is needed to forward the case"],
        "guide.amne": ["“Vad läcker” is needed to forward the case"],
        "guide.fordon": ["“Fordon”: write a Swedish registration number, e.g. ABC 123 or "
                         "ABC 12A"],
    }


def test_required_answers_are_optional_when_answered_at_first_contact():
    """Without `require`, nothing is missing, but what is given is validated."""
    assert check_guide(OIL_LEAK, {"pagaende": "nej"}, require=False) == {"pagaende": False}
    assert "guide.fordon" in _problems(OIL_LEAK, {"fordon": "x"}, require=False)


def test_answers_to_unknown_fields_are_refused():
    """A key the guide does not have is an error, not silently dropped."""
    problems = _problems(OIL_LEAK, {"plats": "Torget", "pagaende": True, "amne": "Diesel",
                                    "farg": "svart"})
    assert problems == {"guide.farg": ["This label's guide has no field farg"]}


def test_cleaned_answers_follow_the_guides_order():
    """The stored answers are in the guide's order, without the blank ones."""
    cleaned = check_guide(OIL_LEAK, {"fordon": "", "amne": "diesel", "pagaende": "ja",
                                     "plats": "Torget"})
    assert list(cleaned) == ["plats", "pagaende", "amne"]


def test_definition_rules_are_reported_per_attribute():
    """Key format, a taken key, a missing title, an unknown kind and alternatives."""
    with pytest.raises(RuleViolations) as raised:
        define_field(key="Exakt plats", title=" ", kind="plase", choices=["a"])
    fields = raised.value.by_field()
    assert set(fields) == {"key", "title", "kind"}
    assert "did you mean place?" in fields["kind"][0].format()
    with pytest.raises(RuleViolations) as raised:
        define_field(key="plats", title="Plats", kind="place", choices=["a", "b"],
                     taken={"plats"})
    assert set(raised.value.by_field()) == {"key", "choices"}
    with pytest.raises(RuleViolations) as raised:
        define_field(key="amne", title="Ämne", kind="choice", choices=["Diesel", "diesel"])
    messages = [v.format() for v in raised.value.violations]
    assert "The alternative diesel is listed twice" in messages
    assert any("at least two alternatives" in m for m in messages)


def test_a_good_definition_is_tidied():
    """Titles and alternatives are trimmed; the kind becomes the enum."""
    spec = define_field(key="amne", title="  Vad   läcker ", kind="choice", required=True,
                        help_text=" Fråga. ", choices=[" Diesel ", "", "Bensin"])
    assert spec == FieldSpec("amne", "Vad läcker", FieldKind.CHOICE, True, "Fråga.",
                             ("Diesel", "Bensin"))


def test_keys_are_made_from_titles():
    """Swedish letters become plain ones; a key always starts with a letter."""
    assert key_from_title("Exakt plats (gata, nr)") == "exakt_plats_gata_nr"
    assert key_from_title("Förorenarens företag") == "fororenarens_foretag"
    assert key_from_title("1:a kontakt") == "f_1_a_kontakt"


def test_stored_answers_are_read_back_with_titles_and_masking_hints():
    """Answers come back in guide order; fields since removed keep their key and are masked
    when they look like a personnummer."""
    fields = (FieldSpec("barn", "Barnets personnummer", FieldKind.PERSONNUMMER),
              FieldSpec("start", "Startdatum", FieldKind.DATE))
    read = answers(fields, {"start": "2027-01-07", "barn": "202001012380",
                            "gammalt_pnr": "191212121212", "ovrigt": "x"})
    assert [(a.key, a.title) for a in read] == [
        ("barn", "Barnets personnummer"), ("start", "Startdatum"),
        ("gammalt_pnr", "Gammalt pnr"), ("ovrigt", "Ovrigt")]
    assert [looks_like_personnummer(a) for a in read] == [True, False, True, False]


def _contact(**overrides) -> ContactDraft:
    values = dict(channel="phone", citizen_words="Det läcker olja", answer_given="",
                  customer=CustomerDraft(name="Eva Ek", phone="070-111 22 33"))
    values.update(overrides)
    return ContactDraft(**values)


def test_intake_refuses_to_forward_without_the_required_answers():
    """A forwarded contact without required answers is refused, with the other problems."""
    label = LabelFacts(RosaLevel(5), False, guide=OIL_LEAK)
    with pytest.raises(RuleViolations) as raised:
        check_contact(_contact(citizen_words="", guide={"plats": "Torget"}), label)
    assert set(raised.value.by_field()) == {"citizen_words", "guide.pagaende", "guide.amne"}
    clean = check_contact(_contact(guide={"plats": "Torget", "pagaende": "ja",
                                          "amne": "Diesel"}), label)
    assert clean.guide_values == {"plats": "Torget", "pagaende": True, "amne": "Diesel"}


def test_intake_asks_for_required_answers_only_when_forwarding():
    """Answered at first contact, the guide is optional; asked to forward, it is required."""
    label = LabelFacts(RosaLevel(2), False, guide=OIL_LEAK)
    clean = check_contact(_contact(answer_given="Svar", guide={"fordon": "abc123"}), label)
    assert clean.guide_values == {"fordon": "ABC123"} and not clean.decision.forwards
    with pytest.raises(RuleViolations) as raised:
        check_contact(_contact(requested="forward"), label)
    assert {"guide.plats", "guide.pagaende", "guide.amne"} <= set(raised.value.by_field())


def test_intake_follows_the_departments_personnummer_rule():
    """The label's department decides whether a personnummer is kept whole."""
    guide = (FieldSpec("sokande", "Sökande", FieldKind.PERSONNUMMER, required=True),)
    draft = _contact(guide={"sokande": "19121212-1212"})
    whole = check_contact(draft, LabelFacts(RosaLevel(5), False, guide=guide))
    birth = check_contact(draft, LabelFacts(RosaLevel(5), False, guide=guide,
                                            birth_date_only=True))
    assert whole.guide_values == {"sokande": "191212121212"}
    assert birth.guide_values == {"sokande": "1912-12-12"}
