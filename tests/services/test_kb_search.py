"""Knowledge-base search in the database (runs on SQLite and, in CI, again on PostgreSQL).

The expected results are written out, so the same assertions passing on both back ends
show that both return the same articles in the same order.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import delete, select, text

from app.services.knowledge.articles import ArticleInput, save_article
from app.services.knowledge.index import IndexStats, index_frequencies
from app.services.knowledge.search import _rank, search_articles
from app.services.knowledge.thesaurus import add_entry
from models import Article
from tests import factories

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)

CORPUS = [
    # slug, title, answer, body, labels
    ("bygglov-ansokan", "Ansöka om bygglov",
     "Ansökan görs i e-tjänsten. Bifoga situationsplan och ritningar.",
     "En bygglovsansökan handläggs inom tio veckor från komplett ansökan.", ()),
    ("forskola-plats", "Plats i förskola",
     "Ställ barnet i kö senast fyra månader innan platsen behövs.",
     "Förskoleplatsen erbjuds i första hand nära hemmet.", ()),
    ("avc-oppettider", "Återvinningscentralens öppettider",
     "Vardagar 7–19, helger 9–16.",
     "Här lämnar du grovavfall, elavfall och farligt avfall.", ("info",)),
    ("avfall-utebliven", "Utebliven avfallshämtning",
     "Om avfallskärlet inte tömts: registrera en felanmälan, hämtning inom två dagar.",
     "Kontrollera att kärlet stod vid tomtgränsen med handtaget utåt.", ("admin_mandate",)),
    ("parkering-gata", "Parkering på gatan",
     "Parkeringsplatser på gatan får användas i högst 24 timmar.",
     "Boendeparkering kräver boendekort.", ("routine_no_mandate",)),
    ("fritidshem", "Fritidshem",
     "Fritidshemmet är öppet före och efter skoltid för barn 6–12 år.",
     "Ansök om plats i fritidshem i e-tjänsten.", ()),
    ("snorojning", "Snöröjning och halkbekämpning",
     "Huvudgator plogas först, bostadsgator när snödjupet är över tio centimeter.",
     "Plogningen pågår dygnet runt vid kraftigt snöfall.", ()),
    ("oljelacka", "Oljeläckage på gata",
     "Olja på gatan är brådskande: skicka ärendet till Gata och park direkt.",
     "Fråga efter förorenare, fordon och exakt plats.", ("investigation",)),
]
EXPECTED_TOP = {
    "bygglov": "bygglov-ansokan",
    "hur söker jag bygglov": "bygglov-ansokan",
    "dagisplats": "forskola-plats",  # thesaurus: dagisplats → förskoleplats
    "dagis": "forskola-plats",  # thesaurus: dagis → förskola
    "förskloa": "forskola-plats",  # a typo
    "bygglv": "bygglov-ansokan",  # a typo
    "när öppnar soptippen": "avc-oppettider",  # thesaurus: soptipp → återvinningscentral
    "tunnan har inte tömts": "avfall-utebliven",  # thesaurus: tunna → avfallskärl
    "p-plats": "parkering-gata",  # thesaurus: p-plats → parkeringsplats
    "ploga": "snorojning",
    "fritids": "fritidshem",
    "det läcker olja": "oljelacka",
}


@pytest.fixture
def corpus(session, world):
    """The articles above, published and internal, saved through the article service."""
    articles = {}
    for slug, title, answer, body, labels in CORPUS:
        articles[slug] = factories.article(session, world, slug=slug, title=title,
                                           answer_script=answer, body_md=body, labels=labels)
    session.commit()
    return articles


def _slugs(session, query, **options):
    return [hit.article.slug for hit in search_articles(session, query, now=NOW, **options)]


@pytest.mark.parametrize("query,slug", sorted(EXPECTED_TOP.items()))
def test_citizens_words_typos_and_compounds_find_the_article(session, corpus, query, slug):
    """Own words, thesaurus words, compound parts and typos put the right article first."""
    assert _slugs(session, query)[0] == slug


def test_whole_result_lists_are_the_same_on_every_back_end(session, corpus):
    """Full orders, not just the first hit, are fixed for a few multi-word queries."""
    # "Ansök om plats i fritidshem" covers both words; "ansök" is the rarer word.
    assert _slugs(session, "ansökan plats") == ["fritidshem", "bygglov-ansokan",
                                                "forskola-plats", "parkering-gata", "oljelacka"]
    assert _slugs(session, "gatan") == ["parkering-gata", "oljelacka", "snorojning"]
    assert _slugs(session, "avfall") == ["avfall-utebliven", "avc-oppettider"]


def test_unknown_words_and_empty_queries_find_nothing(session, corpus):
    """Nothing matches nonsense, stop words or an empty box; no SQL error on operators."""
    for query in ("", "   ", "xyzzy qwerty", "och att", 'NEAR("a" b) OR -*', "'; drop"):
        assert _slugs(session, query) == []


def test_title_counts_more_than_answer_and_answer_more_than_body(session, world):
    """The same word ranks an article with it in the title above answer above body."""
    for slug, where in (("i-brodtext", "body_md"), ("i-titel", "title"),
                        ("i-svar", "answer_script")):
        fields = {"title": "Allmän information", "answer_script": "Se nedan.",
                  "body_md": "Mer finns på webben."}
        fields[where] = fields[where] + " Hundrastgård"
        title = fields.pop("title")
        factories.article(session, world, slug=slug, title=title, labels=(), **fields)
    session.commit()
    assert _slugs(session, "hundrastgård") == ["i-titel", "i-svar", "i-brodtext"]


def test_typed_words_rank_above_thesaurus_expansions(session, world):
    """"soptipp" typed ranks the article saying "soptipp" above one saying the official word."""
    factories.article(session, world, slug="officiellt", title="Återvinningscentral i Söderby",
                      labels=())
    factories.article(session, world, slug="medborgarens", title="Soptipp i Norrby", labels=())
    session.commit()
    assert _slugs(session, "soptipp") == ["medborgarens", "officiellt"]


def test_articles_agents_use_rise_among_equals(session, world):
    """Of two equally relevant articles, the one used more often comes first."""
    factories.article(session, world, slug="sallan", title="Hämtning av julgranar", labels=())
    used = factories.article(session, world, slug="ofta", title="Hämtning av julgranar",
                             labels=())
    session.commit()
    assert _slugs(session, "julgran") == ["sallan", "ofta"]  # a tie goes to the older one
    used.times_used = 40
    session.commit()
    assert _slugs(session, "julgran") == ["ofta", "sallan"]


def test_only_published_articles_valid_today(session, world, corpus):
    """Drafts, archived articles and those outside valid_from/valid_to are never found."""
    for slug, extra in (("utkast", {"status": "draft"}), ("arkiv", {"status": "archived"}),
                        ("framtid", {"valid_from": date(2026, 11, 24)}),
                        ("utgangen", {"valid_to": date(2026, 11, 22)}),
                        ("idag", {"valid_from": date(2026, 11, 23),
                                  "valid_to": date(2026, 11, 23)})):
        factories.article(session, world, slug=slug, title="Granhämtning efter jul",
                          labels=(), **extra)
    session.commit()
    assert _slugs(session, "granhämtning") == ["idag"]


def test_audience_and_label_filters(session, world, corpus):
    """Citizens see only public articles with a citizen answer; a label narrows to the
    articles linked to it."""
    factories.article(session, world, slug="publik", title="Parkering för besökare",
                      audience="public", labels=(),
                      citizen_answer_md="Du parkerar gratis i tre timmar.")
    factories.article(session, world, slug="publik-manus", title="Parkering, bara manus",
                      audience="public", labels=())
    session.commit()
    assert _slugs(session, "parkering")[:2] == ["parkering-gata", "publik"]
    assert _slugs(session, "parkering", audience="public") == ["publik"]
    label = world.labels["routine_no_mandate"]
    assert _slugs(session, "parkering", label_id=label.id) == ["parkering-gata"]
    assert _slugs(session, "bygglov", label_id=label.id) == []


def test_hits_say_which_index_terms_matched(session, corpus):
    """matched_terms lists the stems found, including thesaurus words, for highlighting."""
    hit = search_articles(session, "dagisplats", now=NOW)[0]
    assert "förskoleplat" in hit.matched_terms or "förskolepl" in hit.matched_terms
    assert hit.score > 0


def test_limit_is_respected(session, corpus):
    """`limit` caps the list."""
    assert len(_slugs(session, "gatan", limit=2)) == 2


def test_the_index_follows_edits_and_deletes(session, world, corpus):
    """Saving new text re-indexes the article (triggers / expression index), deleting drops
    it, and the typo index learns the new words."""
    article = corpus["fritidshem"]
    save_article(session, world.admin, article, ArticleInput(
        slug="fritidshem", title="Sommarkollo", department_id=world.tech.id,
        answer_script="Kollo för barn under sommarlovet.", status="published"), now=NOW)
    session.commit()
    assert _slugs(session, "fritidshem") == []
    assert _slugs(session, "sommarkollo") == ["fritidshem"]
    assert _slugs(session, "somarkollo") == ["fritidshem"]  # corrected to the new word
    session.execute(delete(Article).where(Article.id == article.id))
    session.commit()
    assert _slugs(session, "sommarkollo") == []


def test_administrators_thesaurus_entries_are_used(session, world, corpus):
    """A word added in the admin thesaurus finds the official word's article at once."""
    assert _slugs(session, "kvarnbadet") == []
    factories.article(session, world, slug="simhall", title="Simhallens öppettider", labels=())
    add_entry(session, world.admin, word="Kvarnbadet", official="simhall", now=NOW)
    session.commit()
    assert _slugs(session, "kvarnbadet") == ["simhall"]


def test_index_vocabulary_is_the_columns_split_like_fts5(session, corpus):
    """The document frequencies typo correction and IDF use equal the analysed columns
    split into letter runs, whichever database computed them."""
    expected = {}
    for row in session.execute(select(Article.search_title, Article.search_answer,
                                      Article.search_body)):
        import re
        for term in set(re.findall(r"[^\W_]+", " ".join(row))):
            expected[term] = expected.get(term, 0) + 1
    assert dict(index_frequencies(session)) == expected
    assert "förskol" in expected and "å" not in "".join(expected)[:0]


def test_swedish_letters_stay_distinct(session, world):
    """"får" is not "far" and "för" is not "for": no diacritics are folded."""
    factories.article(session, world, slug="far", title="Far och barn", labels=())
    session.commit()
    assert _slugs(session, "far") == ["far"]
    assert _slugs(session, "fär") == []


def test_the_database_uses_its_full_text_index(session, corpus):
    """SQLite reads postings from the FTS5 index (its instance vocabulary, by term);
    PostgreSQL's planner can use the GIN index."""
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        plan = session.execute(text(
            "EXPLAIN QUERY PLAN SELECT doc, col FROM articles_fts_instance "
            "WHERE term IN ('bygglov', 'ansök')")).all()
        assert any("VIRTUAL TABLE INDEX" in str(row) for row in plan)
    else:
        session.execute(text("SET LOCAL enable_seqscan = off"))
        plan = session.execute(text(
            "EXPLAIN SELECT id FROM articles WHERE search_vector @@ "
            "to_tsquery('simple', 'bygglov')")).scalars().all()
        session.rollback()
        assert any("ix_articles_search" in line for line in plan)


def test_ranking_is_deterministic_for_ties():
    """Equal scores are ordered by id, so both databases' row orders give one result."""
    from knowledge_base import QueryTerm
    from knowledge_base.query import Kind

    corpus = IndexStats(10, {"julgran": 2}, (2.0, 5.0, 20.0))
    terms = [QueryTerm("julgran", 1.0, Kind.WORD, (0,))]
    rows = [(7, "julgran", "", "", 0), (3, "julgran", "", "", 0)]
    assert [doc for doc, _s, _m in _rank(rows, terms, corpus)] == [3, 7]


def test_field_masks_say_which_fields_hold_each_term(session, corpus):
    """Both databases report, per article, the fields holding each term (hyphenated terms
    need all their parts in the field), equal to reading the analysed columns."""
    from app.services.knowledge.index import ANSWER, BODY, TITLE, field_masks

    runs = [("gat",), ("ansök",), ("e", "tjänst")]
    masks = field_masks(session, runs)
    expected = {}
    for row in session.execute(select(Article.id, Article.search_title, Article.search_answer,
                                      Article.search_body)):
        found = []
        for term in runs:
            bits = 0
            for bit, value in zip((TITLE, ANSWER, BODY), row[1:], strict=True):
                tokens = set(value.replace("-", " ").split())
                if all(run in tokens for run in term):
                    bits |= bit
            found.append(bits)
        if any(found):
            expected[row[0]] = found
    assert masks == expected
    assert masks[corpus["bygglov-ansokan"].id] == [0, TITLE | ANSWER | BODY, ANSWER]


def test_broad_queries_look_in_titles_and_answers(session, world, corpus, monkeypatch):
    """A word in more articles than BROAD_QUERY is looked for in titles and answers only;
    a search narrowed to a label still looks everywhere."""
    from app.services.knowledge import search as kb_search

    for slug, fields in (("i-titel", {"title": "Kyrkogårdens öppettider"}),
                         ("i-brodtext", {"body_md": "Vägen till kyrkogården är avstängd."})):
        factories.article(session, world, slug=slug, labels=("info",),
                          **{"title": "Allmänt", **fields})
    session.commit()
    assert _slugs(session, "kyrkogård") == ["i-titel", "i-brodtext"]
    monkeypatch.setattr(kb_search, "BROAD_QUERY", 1)
    assert _slugs(session, "kyrkogård") == ["i-titel"]
    assert _slugs(session, "kyrkogård", label_id=world.labels["info"].id) == [
        "i-titel", "i-brodtext"]


def test_each_back_end_searches_through_its_full_text_index(session, corpus):
    """SQLite answers from the FTS5 table; PostgreSQL's broad queries use the title and
    answer GIN index that migration 0006 made for exactly the expression search repeats."""
    if session.get_bind().dialect.name == "sqlite":
        plan = session.execute(text(
            "EXPLAIN QUERY PLAN SELECT rowid FROM articles_fts WHERE articles_fts MATCH 'gat'"
        )).all()
        session.rollback()
        assert any("VIRTUAL TABLE" in str(row[-1]) for row in plan)
        return
    from app.services.knowledge.index import PG_HEAD

    session.execute(text("SET LOCAL enable_seqscan = off"))
    plan = session.execute(text(
        f"EXPLAIN SELECT id FROM articles WHERE ({PG_HEAD}) @@ 'gat'::tsquery")).scalars().all()
    session.rollback()
    assert any("ix_articles_search_head" in line for line in plan)
