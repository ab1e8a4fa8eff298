"""FTS5 MATCH and PostgreSQL tsquery strings built from analysed terms."""

import re
import sqlite3

from knowledge_base import fts5_match, pg_tsquery, query_terms

TOKENIZE = "tokenize = 'unicode61 remove_diacritics 0'"  # keeps å, ä, ö apart from a, o
HOSTILE = ['bygglov" OR "x', "NEAR(förskola plats)", "*", "-avfall", "title:hemligt",
           "AND", "^start", '"', "(", "a\x00b"]


def test_fts5_match_is_a_prefix_or_query_of_quoted_terms():
    """Each stem becomes a quoted prefix string; very short terms are matched exactly."""
    assert fts5_match(["förskol", "va", "p-plat"]) == '"förskol"* OR "va" OR "p-plat"*'
    assert fts5_match(["förskol"], prefix=False) == '"förskol"'
    assert fts5_match([]) == "" and fts5_match(["*", "-"]) == ""


def test_fts5_match_from_hostile_input_parses_and_finds_only_literal_text():
    """Quotes, NEAR, *, -, : and ^ in the input are searched as words, never as syntax."""
    db = sqlite3.connect(":memory:")
    db.execute(f"CREATE VIRTUAL TABLE articles USING fts5(title, body, {TOKENIZE})")
    db.executemany("INSERT INTO articles(rowid, title, body) VALUES (?, ?, ?)", [
        (1, "Ansöka om bygglov", "Bygglovsansökan görs i e-tjänsten."),
        (2, "Förskoleplats", "Ställ barnet i kö till förskolan."),
        (3, "Avfall", "Hämtning av hushållsavfall varannan vecka."),
        (4, "Hemligt", "Detta är ingen rad om titeln."),
        (5, "Plats", "En plats i förskola ordnas."),
    ])

    def rows(expression: str) -> list[int]:
        query = "SELECT rowid FROM articles WHERE articles MATCH ? ORDER BY rowid"
        return [row for (row,) in db.execute(query, (expression,))]

    assert rows(fts5_match(["title:hemligt"])) == []  # a column filter would find row 4
    assert rows(fts5_match(["NEAR(förskola plats)"])) == []  # NEAR would find row 5
    assert rows(fts5_match(['bygglov" OR "avfall'])) == []  # no OR smuggled in
    assert rows(fts5_match(HOSTILE)) == [3]  # parses; "-avfall" is the word, not "NOT avfall"
    analysed = fts5_match(query_terms(" ".join(HOSTILE)))
    assert rows(analysed) == [1, 2, 3, 4, 5]  # the words themselves are found
    assert rows(fts5_match(query_terms("NEAR title:x *"))) == []


def test_stems_as_prefixes_find_inflected_and_leading_compound_forms():
    """"förskolan" as a query finds "förskoleplats" and "förskolor" in plain-text columns."""
    db = sqlite3.connect(":memory:")
    db.execute(f"CREATE VIRTUAL TABLE t USING fts5(body, {TOKENIZE})")
    db.executemany("INSERT INTO t(rowid, body) VALUES (?, ?)",
                   [(1, "Lediga förskoleplatser"), (2, "Nya förskolor"), (3, "Grundskola")])
    expression = fts5_match(query_terms("förskolan"))
    assert db.execute("SELECT rowid FROM t WHERE t MATCH ? ORDER BY rowid",
                      (expression,)).fetchall() == [(1,), (2,)]


def test_pg_tsquery_contains_only_lexemes_and_operators():
    """Terms are reduced to letters and digits; hyphenated ones become phrases."""
    assert pg_tsquery(["förskol", "va", "p-plat"]) == "'förskol':* | 'va' | ('p' <-> 'plat':*)"
    query = pg_tsquery(HOSTILE)
    assert re.fullmatch(r"[\w':*|<>() -]*", query)
    for lexeme in re.findall(r"'([^']*)'", query):
        assert re.fullmatch(r"\w+", lexeme)
    assert pg_tsquery([]) == "" and pg_tsquery(["!&|"]) == ""


def test_query_terms_for_the_database_include_parts_and_official_words():
    """A citizen's compound reaches official texts in the database search as well."""
    terms = query_terms("dagisplats")
    assert terms == ["dagisplat", "dagis", "plat", "förskoleplat", "förskol"]
    assert fts5_match(terms) == (
        '"dagisplat"* OR "dagis"* OR "plat"* OR "förskoleplat"* OR "förskol"*'
    )
