"""Query strings for the databases' own full-text search, built from analysed terms.

The web layer may also search with SQLite FTS5 or PostgreSQL; it must send the same terms
the in-memory index uses (`SearchIndex.query_terms` / `query_terms`). Both query languages
have operators (FTS5: `"`, `*`, `-`, `:`, `^`, `NEAR`, `AND`/`OR`/`NOT`; tsquery: `&`, `|`,
`!`, `<->`, `:*`, quotes), so terms are never pasted in raw: each becomes one quoted string
(FTS5) or is reduced to letters and digits (tsquery), and the result is always bound as a
query parameter, never formatted into SQL.

Stems work as prefixes in both ("förskol"* matches "förskolan" and "förskoleplats"), which
gives inflection and leading-compound matching on columns indexed as plain text. Parts in the
middle of compounds ("ansökan" in "bygglovsansökan") are only found if the column holds the
analysed terms (`" ".join(analyse(text, vocabulary))`) rather than, or beside, the raw text.
Create FTS5 tables with `tokenize = "unicode61 remove_diacritics 0"`: the default folds å, ä
and ö to a and o, which conflates "för" with "for" and "får" with "far".
"""

from __future__ import annotations

import re
from collections.abc import Iterable

MIN_PREFIX = 3  # shorter stems are matched exactly: "va"* would match half the dictionary
_WORD_RUN = re.compile(r"[^\W_]+")


def fts5_match(terms: Iterable[str], *, prefix: bool = True) -> str:
    """An FTS5 MATCH expression finding rows with any of `terms`: `"bygglov"* OR "lov"*`.

    Each term is a double-quoted FTS5 string (embedded quotes doubled), so operators,
    column filters and `NEAR` inside a term are plain text. Returns "" when there is nothing
    to search for; MATCH '' is a syntax error, so the caller should skip the query then.
    """
    parts = []
    for term in dict.fromkeys(terms):
        text = term.replace("\x00", "").strip()
        if not _WORD_RUN.search(text):
            continue  # only punctuation: FTS5 would see an empty phrase
        quoted = '"' + text.replace('"', '""') + '"'
        parts.append(quoted + "*" if prefix and len(text) >= MIN_PREFIX else quoted)
    return " OR ".join(parts)


def pg_tsquery(terms: Iterable[str], *, prefix: bool = True) -> str:
    """A `to_tsquery('simple', …)` string finding rows with any of `terms`:
    `'bygglov':* | 'lov':*`.

    Terms are reduced to runs of letters and digits, so nothing in them can be read as an
    operator; a hyphenated term becomes a phrase (`'p' <-> 'plat':*`). Use the 'simple'
    configuration: the terms are already stemmed. Returns "" when there is nothing to search.
    """
    parts = []
    for term in dict.fromkeys(terms):
        runs = _WORD_RUN.findall(term)
        if not runs:
            continue
        lexemes = [f"'{run}'" for run in runs]
        if prefix and len(runs[-1]) >= MIN_PREFIX:
            lexemes[-1] += ":*"
        parts.append(lexemes[0] if len(lexemes) == 1 else "(" + " <-> ".join(lexemes) + ")")
    return " | ".join(dict.fromkeys(parts))
