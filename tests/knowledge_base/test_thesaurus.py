"""The thesaurus maps citizens' words to the municipality's words."""

import pytest

from knowledge_base import Synonym, Thesaurus, ThesaurusSyntaxError, phrase_key, stem


def test_default_thesaurus_covers_the_citizens_words_in_the_domain():
    """The shipped file has the classic mismatches from the domain notes (40+ entries)."""
    thesaurus = Thesaurus.default()
    assert len({s.word for s in thesaurus.synonyms}) >= 40
    assert thesaurus.expand_term("soptipp") == {"återvinningscentral"}
    assert thesaurus.expand_term("dagis") == {stem("förskola")}
    assert stem("parkeringsplats") in thesaurus.expand_term(stem("p-plats"))
    assert stem("fritidshem") in thesaurus.expand_term(stem("fritids"))
    assert stem("avfallskärl") in thesaurus.expand_term(stem("soptunna"))
    assert stem("avfallshämtning") in thesaurus.expand_term(stem("sophämtning"))
    assert stem("försörjningsstöd") in thesaurus.expand_term(stem("socialbidrag"))


def test_one_way_entries_do_not_expand_backwards():
    """"soptipp => återvinningscentral": officials searching their own word get only it."""
    assert Thesaurus.default().expand_term("återvinningscentral") == frozenset()


def test_equivalent_words_expand_both_ways():
    """"bygglov, lov": each finds the other."""
    thesaurus = Thesaurus.default()
    assert thesaurus.expand_term("bygglov") == {"lov"}
    assert thesaurus.expand_term("lov") == {"bygglov"}


def test_inflected_query_words_hit_the_base_form_entry():
    """Entries are compared by stem, so "soptippen" hits "soptipp"."""
    assert Thesaurus.default().expand_term(stem("soptippen")) == {"återvinningscentral"}


def test_phrases_match_consecutive_query_words():
    """"hjälp hemma" is an entry of two words; it matches only as a run."""
    thesaurus = Thesaurus.default()
    stems = [stem(w) for w in ("mamma", "behöver", "hjälp", "hemma")]
    [expansion] = thesaurus.expand(stems)
    assert (expansion.start, expansion.end, expansion.terms) == (2, 4, ("hemtjänst",))
    assert thesaurus.expand([stem("hjälp")]) == []


def test_expansion_is_one_step_not_transitive():
    """a => b and b => c does not make a find c: an admin entry cannot set off a chain."""
    thesaurus = Thesaurus.parse("tippen => soptipp\nsoptipp => återvinningscentral")
    assert thesaurus.expand_term(stem("tippen")) == {"soptipp"}


def test_parse_reads_the_documented_format():
    """Comments, one-way "=>" with several words per side, and equivalence lines."""
    thesaurus = Thesaurus.parse(
        "# kommentar\n"
        "dagis, lekis => förskola, pedagogisk omsorg  # both official words\n"
        "\n"
        "simhall, badhus\n"
    )
    assert Synonym("lekis", "pedagogisk omsorg") in thesaurus.synonyms
    assert Synonym("simhall", "badhus", two_way=True) in thesaurus.synonyms
    assert thesaurus.lookup(phrase_key("lekis")) == (("förskol",), ("pedagogisk", "omsorg"))


def test_parse_reports_every_bad_line_at_once():
    """All problems with their line numbers, so a file is fixed in one go."""
    with pytest.raises(ThesaurusSyntaxError) as error:
        Thesaurus.parse("dagis => förskola\nensamt\na => b => c\n => förskola\noch => i\n")
    assert [line for line, _ in error.value.problems] == [2, 3, 4, 5]


def test_administrators_entries_merge_with_the_shipped_ones():
    """Entries from the database (from_pairs) add to the shipped set without replacing it."""
    extra = Thesaurus.from_pairs([("kommunhuset", "stadshuset"), ("ÅVC", "sortergård", True),
                                  ("", "tomt"), ("och", "i")])
    merged = Thesaurus.default().merged(extra)
    assert merged.expand_term("kommunhus") == {"stadshus"}
    assert merged.expand_term("sortergård") == {"åvc"}
    assert merged.expand_term("soptipp") == {"återvinningscentral"}
    assert len(merged) == len(Thesaurus.default()) + 4
    assert phrase_key("och") == ()  # an admin form can refuse such an entry
