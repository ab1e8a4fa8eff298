"""Ranked in-memory search over knowledge-base articles."""

import math

import pytest

from knowledge_base import Kind, SearchIndex, Thesaurus, Vocabulary, usage_boost
from knowledge_base.query import WEIGHTS
from tests.knowledge_base.samples import ARTICLES


def _index(**options) -> SearchIndex[int]:
    index: SearchIndex[int] = SearchIndex(**options)
    for doc_id, fields in ARTICLES.items():
        index.add(doc_id, fields)
    return index


def _ids(index: SearchIndex[int], query: str) -> list[int]:
    return [hit.doc_id for hit in index.search(query)]


INDEX = _index()


def test_a_compound_finds_its_parts_and_the_parts_find_the_compound():
    """"bygglov" finds "bygglovsansökan", and "bygglovsansökan" finds "bygglov"."""
    index: SearchIndex[str] = SearchIndex(thesaurus=Thesaurus())
    index.add("long", {"body": "Så fyller du i bygglovsansökan."})
    index.add("short", {"body": "Regler för bygglov."})
    index.add("other", {"body": "Regler för parkering."})
    assert set(_ids(index, "bygglov")) == {"long", "short"}
    assert set(_ids(index, "bygglovsansökan")) == {"long", "short"}
    assert _ids(index, "bygglovsansökan")[0] == "long"


def test_title_outweighs_answer_outweighs_body():
    """The same word counts most in the title, then the answer, then the body."""
    index: SearchIndex[str] = SearchIndex(thesaurus=Thesaurus())
    index.add("body", {"title": "Om kommunen", "body": "Radon i bostaden"})
    index.add("title", {"title": "Radon i bostaden", "body": "Om kommunen"})
    index.add("answer", {"title": "Om kommunen", "answer": "Radon i bostaden"})
    assert _ids(index, "radon") == ["title", "answer", "body"]


def test_citizens_words_find_official_articles_through_the_thesaurus():
    """"dagis" finds the preschool article, "soptippen" the recycling centre's hours."""
    assert _ids(INDEX, "dagis")[0] == 2
    assert _ids(INDEX, "dagisplats")[0] == 2
    assert _ids(INDEX, "när öppnar soptippen")[0] == 3
    assert _ids(INDEX, "fritids")[0] == 6
    assert _ids(INDEX, "min soptunna har inte tömts")[0] == 4


def test_typos_are_forgiven():
    """A letter missing or two swapped still finds the article."""
    assert _ids(INDEX, "bygglv")[0] == 1
    assert _ids(INDEX, "förskloa")[0] == 2
    assert _ids(INDEX, "återvinningscentarlen")[0] == 3


def test_guesses_score_lower_than_what_was_typed():
    """A typo correction or a thesaurus word counts less than the exact word."""
    index: SearchIndex[str] = SearchIndex()
    index.add("permit", {"title": "Bygglov"})
    exact, typo = index.search("bygglov")[0], index.search("bygglv")[0]
    assert typo.doc_id == "permit" and typo.score < exact.score
    index.add("citizen", {"title": "Dagis"})
    index.add("official", {"title": "Förskola"})
    assert _ids(index, "dagis") == ["citizen", "official"]


def test_words_are_matched_in_any_inflection():
    """"platsen" finds "platser", "förskolor" finds "förskolan", "nyckeln" finds "nyckel"."""
    index: SearchIndex[str] = SearchIndex(thesaurus=Thesaurus())
    index.add("a", {"body": "Lediga platser i förskolan"})
    index.add("b", {"body": "Hämta ut din nyckel i receptionen"})
    assert _ids(index, "platsen") == ["a"]
    assert _ids(index, "förskolor") == ["a"]
    assert _ids(index, "nyckeln") == ["b"]


def test_documents_explaining_more_of_the_query_rank_first():
    """Matching both "avgift" and "förskola" beats repeating one of them."""
    index: SearchIndex[str] = SearchIndex(thesaurus=Thesaurus())
    index.add("one", {"title": "Avgift", "body": "avgift avgift avgift"})
    index.add("both", {"title": "Avgift för förskola"})
    assert _ids(index, "avgift förskola")[0] == "both"


def test_usage_boost_lifts_articles_agents_use():
    """Between equally relevant articles the used one wins; boosts change without a rebuild."""
    index: SearchIndex[str] = SearchIndex(thesaurus=Thesaurus())
    index.add("a", {"title": "Hämtningsdagar för sopor"})
    index.add("b", {"title": "Hämtningsdagar för sopor"}, boost=usage_boost(40))
    assert _ids(index, "hämtningsdagar") == ["b", "a"]
    index.set_boost("a", usage_boost(400))
    assert _ids(index, "hämtningsdagar") == ["a", "b"]
    assert usage_boost(0) == 0 and usage_boost(9) == pytest.approx(math.log(10))


def test_filter_limit_and_empty_query():
    """`where` filters before ranking, `limit` caps the list; no words, no hits."""
    unpublished = {1}
    hits = INDEX.search("bygglov ansökan", where=lambda doc_id: doc_id not in unpublished)
    assert hits and 1 not in [hit.doc_id for hit in hits]
    assert len(INDEX.search("plats", limit=1)) == 1
    assert INDEX.search("  ?! ") == [] and INDEX.search("och i att") == []


def test_hits_name_the_index_terms_that_matched():
    """matched_terms tells the agent (or the highlighter) why an article came up."""
    [hit, *_] = INDEX.search("förskoleplats")
    assert hit.doc_id == 2 and {"förskoleplat", "förskol"} <= set(hit.matched_terms)


def test_new_documents_teach_the_compound_splitter():
    """A later document with "bygglov" and "ansökan" lets the earlier "bygglovsansökan" be
    found by them."""
    index: SearchIndex[str] = SearchIndex(vocabulary=Vocabulary(), thesaurus=Thesaurus())
    index.add("compound", {"body": "bygglovsansökan"})
    assert _ids(index, "ansökan") == []
    index.add("simple", {"body": "ansökan om bygglov"})
    assert set(_ids(index, "ansökan")) == {"compound", "simple"}
    index.remove("simple")
    assert "simple" not in index and len(index) == 1


def test_unknown_field_is_an_error():
    """A misspelt field name would make a document silently unsearchable."""
    with pytest.raises(ValueError, match="titel"):
        SearchIndex().add(1, {"titel": "Bygglov"})
    with pytest.raises(ValueError):
        SearchIndex(fields={"title": 0.0})


def test_expand_shows_how_each_term_was_reached():
    """Typed words, compound parts, thesaurus words, typo corrections and prefixes are told
    apart, with typed words weighing most."""
    kinds = {term.text: term for term in INDEX.expand("bygglv dagisplats")}
    assert kinds["bygglov"].kind is Kind.FUZZY
    assert kinds["dagis"].kind is Kind.PART
    assert kinds["förskol"].kind is Kind.SYNONYM
    assert kinds["dagisplat"].kind is Kind.WORD and kinds["dagisplat"].weight == 1.0
    assert max(t.weight for t in kinds.values() if t.kind is not Kind.WORD) < 1.0
    assert any(t.kind is Kind.PREFIX for t in INDEX.expand("förskola"))


def test_query_terms_are_the_same_terms_a_database_query_needs():
    """Analysed, expanded and typo-corrected terms, deterministic, without prefix matches."""
    terms = INDEX.query_terms("bygglv dagis")
    assert terms == INDEX.query_terms("bygglv dagis")
    assert {"bygglv", "bygglov", "dagis", "förskol"} <= set(terms)
    assert "förskoleplat" not in terms  # prefixes are left to the database


def test_question_words_and_parts_of_known_words_count_little():
    """"när" hints at a question but is not a topic; "sop" in "soptippen" matters less once
    the thesaurus knows "soptipp" as a whole."""
    terms = {term.text: term for term in INDEX.expand("när öppnar soptippen")}
    assert terms["när"].positions == () and terms["när"].weight < 0.5
    assert terms["sop"].weight < terms["soptipp"].weight * WEIGHTS[Kind.PART]


def test_thesaurus_alternatives_of_one_word_add_only_their_share():
    """Beyond the best-matching thesaurus word for a typed word, the others add
    `alternative_share` of their score (1 = plain BM25)."""
    thesaurus = Thesaurus.parse("dagis => förskola, barnomsorg\n")

    def score(share: float) -> float:
        index: SearchIndex[str] = SearchIndex(thesaurus=thesaurus, vocabulary=Vocabulary(),
                                              alternative_share=share)
        index.add("both", {"body": "förskola och barnomsorg"})
        index.add("other", {"body": "simhall"})
        return index.search("dagis")[0].score

    best = score(0.0)
    assert best < score(0.5) < score(1.0)
    assert score(0.5) - best == pytest.approx((score(1.0) - best) / 2)
