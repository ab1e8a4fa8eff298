"""Normalisation, tokenisation, stemming and compound splitting of Swedish text."""

import pytest

from knowledge_base import Vocabulary, analyse, analyse_terms, normalise, stem, tokenise


def test_normalise_composes_and_folds_case_but_keeps_swedish_letters():
    """A decomposed "Ö" from a Mac keyboard equals a composed "ö"; å, ä, ö are not stripped."""
    assert normalise("FO\u0308RSKOLA Åsenvägen") == "förskola åsenvägen"
    assert normalise("förskola") != normalise("forskola")


def test_tokenise_drops_punctuation_and_keeps_hyphenated_words_whole():
    """Punctuation separates words; "p-plats" stays one token, also with a typographic
    hyphen or a soft hyphen pasted from the web."""
    tokens = tokenise("P‑platsen (vid skolan) är full!")
    assert tokens == ["p-platsen", "vid", "skolan", "är", "full"]
    assert tokenise("bygg\u00adlovs\u00adansökan") == ["bygglovsansökan"]


def test_stop_words_are_left_out_but_negations_stay():
    """Function words go; "inte" stays because it separates a fault report from a question."""
    assert analyse("min soptunna har inte tömts", Vocabulary()) == ["soptun", "int", "tömt"]


@pytest.mark.parametrize("forms", [
    ("tunna", "tunnan", "tunnor", "tunnorna"),
    ("förskola", "förskolan", "förskolor", "förskolans"),
    ("plats", "platsen", "platser", "platserna"),
    ("kärl", "kärlet", "kärlen"),
    ("nyckel", "nyckeln"),
    ("bygglov", "bygglovet", "bygglovs"),
])
def test_inflected_forms_share_one_stem(forms):
    """Definite and plural forms meet at one stem, including the "-an"/"-et" Snowball keeps."""
    assert len({stem(form) for form in forms}) == 1


def test_stem_is_a_prefix_of_the_base_form():
    """Stems work as full-text prefixes: "förskol"* finds "förskola" and "förskoleplats"."""
    for word in ("förskola", "soptunnan", "parkeringsplatser", "ansökan", "kärlet"):
        assert word.startswith(stem(word))


def test_hyphenated_word_stems_its_last_piece():
    """Only the last piece of "p-platsen" inflects."""
    assert stem("p-platsen") == stem("p-plats") == "p-plat"


@pytest.mark.parametrize(("word", "parts"), [
    ("bygglovsansökan", ("bygglov", "ansökan")),  # linking -s-
    ("förskoleplats", ("förskol", "plats")),  # förskola → förskole-
    ("gatubelysning", ("gat", "belysning")),  # gata → gatu-
    ("soptunnan", ("sop", "tunnan")),  # inflected last part
    ("avfallskärl", ("avfall", "kärl")),
    ("p-plats", ("plats",)),  # the hyphen is a boundary; "p" is too short to be a part
])
def test_compounds_split_into_known_words(word, parts):
    """Compounds split at linking letters and changed vowels into words the system knows."""
    vocabulary = Vocabulary(["bygglov", "ansökan", "förskola", "plats", "gata", "belysning",
                             "sopor", "tunna", "avfall", "kärl"])
    assert vocabulary.split(word) == parts


def test_words_are_not_split_into_unknown_parts():
    """Without known parts there is no split, and parts need at least three letters."""
    vocabulary = Vocabulary(["plats", "ansökan"])
    assert vocabulary.split("ansökan") == ()
    assert vocabulary.split("information") == ()
    assert vocabulary.split("abplats") == ()


def test_fewest_parts_win():
    """"bygglovsansökan" splits in two (bygglov + ansökan), not three (bygg + lov + ansökan)."""
    vocabulary = Vocabulary(["bygg", "lov", "bygglov", "ansökan"])
    assert vocabulary.split("bygglovsansökan") == ("bygglov", "ansökan")


def test_analyse_indexes_whole_words_and_their_parts():
    """A compound yields its own stem and its parts', so either side of a search can be
    the compound."""
    vocabulary = Vocabulary(["bygglov", "ansökan"])
    assert analyse("Bygglovsansökan", vocabulary) == ["bygglovsansök", "bygglov", "ansök"]
    assert "bygglov" in analyse("bygglovsansökan") and "bygglov" in analyse("bygglov")


def test_analyse_uses_the_default_vocabulary_and_an_empty_one_disables_splitting():
    """None means the shipped base words and thesaurus; Vocabulary() means no splitting."""
    assert analyse("dagisplatsen") == ["dagisplat", "dagis", "plat"]  # "dagis" is shipped
    assert analyse("förskoleplatsen") == ["förskoleplat", "förskol", "plat"]
    assert analyse("förskoleplatsen", Vocabulary()) == ["förskoleplat"]


def test_analysis_is_deterministic_and_records_positions():
    """Same text, same terms in the same order; parts carry the position of their word."""
    terms = analyse_terms("när töms soptunnan")
    assert [(t.text, t.position, t.part) for t in terms] == [
        ("när", 0, False), ("töm", 1, False), ("soptun", 2, False),
        ("sop", 2, True), ("tunn", 2, True),
    ]
    assert analyse_terms("när töms soptunnan") == terms


def test_suffixes_are_not_mistaken_for_parts():
    """"lärare" is not "lär" + "are", "parkering" not "park" + "ring", "platsen" not
    "plat" + "sen", even when those strings are known words."""
    vocabulary = Vocabulary(["lära", "are", "park", "ring", "plats", "sen", "and", "störa"])
    for word in ("lärare", "parkering", "platsen", "störande"):
        assert vocabulary.split(word) == ()


def test_index_fields_hold_analysed_terms_per_weighted_field():
    """Title, answer (with checklist) and body are analysed separately for the index."""
    from knowledge_base.documents import index_fields

    fields = index_fields("Bygglov för pool", "Ring bygglovsenheten", ["Ta med ritning"],
                          "## Ansökan\n*Bygglovsansökan* görs [på webben](https://x.se).")
    assert "bygglov" in fields["search_title"].split()
    assert "ritning" in fields["search_answer"].split()
    assert "bygglov" in fields["search_body"].split() and "##" not in fields["search_body"]
