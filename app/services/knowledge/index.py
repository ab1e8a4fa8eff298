"""What the knowledge base's full-text index holds, read alike from SQLite and PostgreSQL.

The search (app.services.knowledge.search) needs, besides the database's matching, what the index
knows: every term with the number of articles holding it (for IDF, typo correction and the
compound splitter), the average length of each field, and, for the articles a query
touches, which of their fields hold which query term. SQLite answers from FTS5's own tables
(`articles_fts_vocab`, `articles_fts_instance`); PostgreSQL from the weighted
`search_vector` (A title, B answer, C body) with its GIN index, a second GIN index on
titles and answers only, and the analysed columns. Terms are split the way FTS5's unicode61
tokenizer splits, so both databases give the same figures (tests/services/test_kb_search.py).
That is also why the tsquery strings are built here and not with knowledge_base.pg_tsquery:
a hyphenated term ("p-plat") counts in a field holding all its parts, which FTS5's instance
rows can tell, not only as pg_tsquery's adjacent phrase. The statistics, typo index and
vocabulary are cached per process and database, and rebuilt when `index_signature` changes.
"""

from __future__ import annotations

import math
import re
import threading
from bisect import bisect_left
from collections import Counter
from collections.abc import Sequence

from sqlalchemy import Integer, bindparam, cast, literal_column, select, text
from sqlalchemy.dialects.postgresql import TSQUERY
from sqlalchemy.orm import Session

from knowledge_base import (
    FuzzyIndex,
    QueryAnalyser,
    QueryTerm,
    Thesaurus,
    Vocabulary,
    default_vocabulary,
    stem,
)
from knowledge_base.query import WEIGHTS, Kind
from knowledge_base.search import MAX_AFFIX, MAX_PREFIX_MATCHES, MIN_PREFIX
from models import Article, article_labels

RUN = re.compile(r"[^\W_]+")  # what FTS5's unicode61 tokenizer sees as one token
# Bits of a field mask: which fields of an article hold a term.
TITLE, ANSWER, BODY = 4, 2, 1
ALL = TITLE | ANSWER | BODY
# Migration 0006's second GIN index, on titles and answers only; a query must repeat the
# expression exactly for the planner to use it.
PG_HEAD = ("setweight(to_tsvector('simple'::regconfig, search_title), 'A') || "
           "setweight(to_tsvector('simple'::regconfig, search_answer), 'B')")
_COLUMN_BITS = {"search_title": TITLE, "search_answer": ANSWER, "search_body": BODY}


class _StemCorrections:
    """Typo correction against the index's stems, for `QueryAnalyser(fuzzy=...)`.

    The analyser looks up the word as typed and stems what it gets back. The index holds
    stems only, which are short ("förskol"), so both the word and its stem are looked up:
    "förskloa" is two edits from "förskola" but one from "förskol" once stemmed.
    """

    def __init__(self, stems: Sequence[str]) -> None:
        self._index = FuzzyIndex(stems)

    def lookup(self, word: str) -> list[tuple[str, int]]:
        found: dict[str, int] = {}
        for candidate in dict.fromkeys((word, stem(word))):
            for term, distance in self._index.lookup(candidate):
                found[term] = min(distance, found.get(term, distance))
        return sorted(found.items(), key=lambda pair: (pair[1], pair[0]))


class IndexStats:
    """What the index holds: document frequencies, average field lengths, typo index."""

    def __init__(self, doc_count: int, frequencies: Counter, lengths: tuple[float, ...]):
        self.doc_count = doc_count
        self.frequencies = frequencies
        self.lengths = tuple(max(length, 1.0) for length in lengths)
        self.sorted_terms = sorted(frequencies)
        self._fuzzy = _StemCorrections([t for t in self.sorted_terms if not t.isdigit()])
        # The analyser stems corrections again; stemming is not idempotent for a few stems
        # ("registrer" → "registr"), so those are mapped back to the term the index holds.
        self._restem = {stem(t): t for t in self.sorted_terms if stem(t) != t}
        self._analysers: tuple[Thesaurus, QueryAnalyser] | None = None

    def idf(self, term: str) -> float:
        runs = RUN.findall(term)
        found = min((self.frequencies.get(run, 0) for run in runs), default=0)
        return math.log(1 + (self.doc_count - found + 0.5) / (found + 0.5))

    def matches_at_most(self, terms: Sequence[str]) -> int:
        """An upper bound of how many articles hold any of `terms`."""
        return sum(min((self.frequencies.get(run, 0) for run in RUN.findall(term)),
                       default=0) for term in terms)

    def known(self, term: str) -> bool:
        runs = RUN.findall(term)
        return bool(runs) and all(run in self.frequencies for run in runs)

    def analyser(self, thesaurus: Thesaurus) -> QueryAnalyser:
        cached = self._analysers
        if cached is not None and cached[0] is thesaurus:
            return cached[1]
        # The index's own terms teach the compound splitter the articles' words ("sopbil",
        # "hämtningsdag"); short ones would split "förskola" into "för" + "skola".
        words = [*default_vocabulary().words, *thesaurus.words(),
                 *(term for term in self.sorted_terms if len(term) >= MIN_PREFIX)]
        analyser = QueryAnalyser(Vocabulary(words), thesaurus, known_terms=self.frequencies,
                                 fuzzy=self._fuzzy)  # type: ignore[arg-type]
        self._analysers = (thesaurus, analyser)
        return analyser

    def expand(self, query: str, thesaurus: Thesaurus) -> list[QueryTerm]:
        """Weighted terms for `query` that the index holds, best weight per term."""
        best: dict[str, QueryTerm] = {}
        terms = self.analyser(thesaurus).expand(query)
        for term in [*terms, *self._prefix_terms(terms)]:
            if term.text not in self.frequencies and term.text in self._restem:
                term = QueryTerm(self._restem[term.text], term.weight, term.kind, term.positions)
            if not self.known(term.text):
                continue
            seen = best.get(term.text)
            if seen is not None:
                positions = tuple(sorted({*seen.positions, *term.positions}))
                winner = term if term.weight > seen.weight else seen
                term = QueryTerm(winner.text, winner.weight, winner.kind, positions)
            best[term.text] = term
        return list(best.values())

    def _prefix_terms(self, terms: list[QueryTerm]) -> list[QueryTerm]:
        """Index terms a typed term extends or is extended by, within an ending's length
        ("plog" → "plogning"), weighted like knowledge_base.SearchIndex does."""
        found: list[QueryTerm] = []
        for term in terms:
            if term.kind not in (Kind.WORD, Kind.PART) or len(term.text) < MIN_PREFIX:
                continue
            shortest = max(MIN_PREFIX, len(term.text) - MAX_AFFIX)
            shorter = [term.text[:n] for n in range(shortest, len(term.text))]
            for candidate in self._extensions(term.text) + shorter:
                if candidate in self.frequencies:
                    ratio = (min(len(candidate), len(term.text))
                             / max(len(candidate), len(term.text)))
                    found.append(QueryTerm(candidate, term.weight * WEIGHTS[Kind.PREFIX] * ratio,
                                           Kind.PREFIX, term.positions))
        return found

    def _extensions(self, prefix: str) -> list[str]:
        start = bisect_left(self.sorted_terms, prefix)
        end = bisect_left(self.sorted_terms, prefix + "\U0010ffff", lo=start)
        longer = [t for t in self.sorted_terms[start:end]
                  if len(prefix) < len(t) <= len(prefix) + MAX_AFFIX]
        return sorted(longer, key=lambda t: (len(t), t))[:MAX_PREFIX_MATCHES]


_lock = threading.Lock()
_cache: dict[str, tuple[tuple, IndexStats]] = {}


def index_stats(session: Session) -> IndexStats:
    """The cached statistics of this database's index, rebuilt when the index changed."""
    bind = session.get_bind()
    key = str(getattr(bind, "url", id(bind)))
    signature = index_signature(session)
    cached = _cache.get(key)
    if cached is not None and cached[0] == signature:
        return cached[1]
    stats = _build_stats(session)
    with _lock:
        _cache[key] = (signature, stats)
    return stats


def forget_cached_index() -> None:
    """Drop the cached statistics (tests, benchmarks; other processes see `index_signature`)."""
    with _lock:
        _cache.clear()


def index_signature(session: Session) -> tuple:
    """Cheap values that change whenever the indexed text does.

    SQLite: FTS5's averages record (row count, tokens per column) and structure record
    (its write counter), two rows of its shadow table. PostgreSQL: the change counter that
    migration 0006's triggers keep (transactional, so a rebuild never caches text that was
    not yet committed under a newer count).
    """
    if session.get_bind().dialect.name == "sqlite":
        return tuple(session.execute(text(
            "SELECT id, block FROM articles_fts_data WHERE id IN (1, 10) ORDER BY id")).all())
    return (session.execute(text("SELECT changes FROM articles_search_state")).scalar(),)


def _build_stats(session: Session) -> IndexStats:
    def terms_in(name: str):
        return f"CASE WHEN {name} = '' THEN 0 ELSE length({name}) - length(replace({name}, ' ', '')) + 1 END"  # noqa: E501

    count, *lengths = session.execute(text(
        "SELECT count(*), " + ", ".join(f"avg({terms_in(name)})" for name in
                                        ("search_title", "search_answer", "search_body"))
        + " FROM articles")).one()
    return IndexStats(count, index_frequencies(session),
                   tuple(float(length or 0) for length in lengths))


def index_frequencies(session: Session) -> Counter:
    """How many articles hold each index term, as the full-text index tokenises them.

    SQLite reads FTS5's own vocabulary; PostgreSQL's `ts_stat` would also list the whole
    hyphenated words its parser keeps beside their parts, so the columns are read instead and
    split as FTS5 splits them, which gives both databases the same figures.
    """
    if session.get_bind().dialect.name == "sqlite":
        vocabulary = text("SELECT term, doc FROM articles_fts_vocab")
        return Counter(dict(session.execute(vocabulary).all()))
    found: Counter = Counter()
    rows = session.execute(select(Article.search_title + " " + Article.search_answer + " "
                                  + Article.search_body)).scalars()
    for terms in rows:
        tokens = set(terms.split())
        for token in [t for t in tokens if not t.isalnum()]:
            tokens.discard(token)
            tokens.update(RUN.findall(token))
        found.update(tokens)
    return found



def field_masks(session: Session, runs: Sequence[tuple[str, ...]], *, fields: int = ALL,
                conditions: Sequence = (), label_id: int | None = None) -> dict[int, list[int]]:
    """For each article holding any of the terms (each given as its letter runs, so
    "p-plat" is ("p", "plat")) in any of `fields`, which of those fields hold each term:
    TITLE | ANSWER | BODY bits.

    A term of several runs is in a field when all its runs are. PostgreSQL applies the
    WHERE `conditions` and `label_id` here; SQLite only `label_id` (its rows are filtered
    later, a few at a time, because reading an article's record for its status is costly).
    """
    if session.get_bind().dialect.name == "sqlite":
        return _sqlite_masks(session, runs, fields, label_id)
    return _postgres_masks(session, runs, fields, conditions)


def _sqlite_masks(session: Session, runs: Sequence[tuple[str, ...]], fields: int,
                  label_id: int | None) -> dict[int, list[int]]:
    wanted = sorted({run for term in runs for run in term})
    columns = sorted(name for name, bit in _COLUMN_BITS.items() if fields & bit)
    by_run: dict[str, dict[int, int]] = {}
    instances = text("SELECT term, doc, col FROM articles_fts_instance "
                     "WHERE term IN :terms AND col IN :columns")
    for term, doc, col in session.execute(
            instances.bindparams(bindparam("terms", expanding=True),
                                 bindparam("columns", expanding=True)),
            {"terms": wanted, "columns": columns}):
        docs = by_run.setdefault(term, {})
        docs[doc] = docs.get(doc, 0) | _COLUMN_BITS[col]
    allowed = None
    if label_id is not None:
        allowed = set(session.scalars(select(article_labels.c.article_id).where(
            article_labels.c.label_id == label_id)))
    masks: dict[int, list[int]] = {}
    for i, term in enumerate(runs):
        found = [by_run.get(run, {}) for run in term]
        for doc, bits in min(found, key=len).items():
            for other in found:
                bits &= other.get(doc, 0)
            if bits and (allowed is None or doc in allowed):
                masks.setdefault(doc, [0] * len(runs))[i] = bits
    return masks


def _postgres_masks(session: Session, runs: Sequence[tuple[str, ...]], fields: int,
                    conditions: Sequence) -> dict[int, list[int]]:
    vector = literal_column("articles.search_vector")

    def holds(name: str, query: str):
        # A tsquery literal rather than to_tsquery(): parsed once, not once per row.
        return vector.op("@@")(cast(bindparam(name, query), TSQUERY))

    weights = [(weight, bit) for weight, bit in (("A", TITLE), ("B", ANSWER), ("C", BODY))
               if fields & bit]
    columns = []
    for i, term in enumerate(runs):
        bits = [cast(holds(f"t{i}{weight}", " & ".join(f"'{run}':{weight}" for run in term)),
                     Integer) * bit for weight, bit in weights]
        columns.append(sum(bits[1:], bits[0]).label(f"m{i}"))
    # Terms are runs of letters and digits (RUN), so quoting them cannot make an operator.
    anything = " | ".join("(" + " & ".join(f"'{run}'" for run in term) + ")" for term in runs)
    if fields == TITLE | ANSWER:  # matched through the index of titles and answers only
        found = literal_column(f"({PG_HEAD})").op("@@")(cast(bindparam("any", anything),
                                                             TSQUERY))
    else:
        found = holds("any", anything)
    rows = session.execute(select(Article.id, *columns).where(found, *conditions))
    return {doc_id: list(masks) for doc_id, *masks in rows}
