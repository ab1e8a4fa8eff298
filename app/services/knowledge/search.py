"""Knowledge-base search in the database, with the same results on SQLite and PostgreSQL.

A query goes through three steps:

1. *Analysis* (knowledge_base): stems, compound parts, the current thesaurus (citizens' words
   → official ones) and typo correction against the terms the index actually holds, each
   as a weighted term — what was typed 1.0, a thesaurus word 0.8, a compound part or a
   one-edit correction 0.7, an ending away in the index ("plog" → "plogning") 0.6 — so an
   article with the caller's own words ranks above one reached through a guess.
2. *Candidates* from the full-text index of migration 0006 (FTS5 on SQLite, the GIN-indexed
   weighted tsvector on PostgreSQL): the articles holding the query's terms, each with
   which of its fields (title, answer, body) holds which term. A first ranking over those
   field masks — BM25F without length normalisation: IDF × term weight × field weight
   3 (title) / 2 (answer) / 1 (body) — keeps the best `CANDIDATES` that are published,
   valid today and, when asked, public or filed under a label.
3. *Ranking* of the candidates over their analysed columns: BM25F with field lengths, the
   same term and field weights, a preference for articles that cover more of the query,
   and `usage_boost(times_used)` so the answers agents actually use rise among equals.

A search for citizens (`audience="public"`, the portal) keeps to public articles that have a
citizen answer, and looks in titles and bodies only — the body field holds the citizen
answers beside the agents' background (knowledge_base.documents.index_fields) — so an article
is never found, nor ranked, by the words of the agent's script or checklist.

Both rankings run here, in Python, over what the databases return, so SQLite and PostgreSQL
give the same answers in the same order. Sorting by their own ranks instead (FTS5 `bm25()`
with column weights, PostgreSQL `ts_rank` with A/B/C weights) was tried first: `ts_rank`
has no IDF and `bm25()` no per-term weights, so on 10,000 articles the two back ends picked
different candidates and agreed on the first hit for only 82 % of the benchmark's queries;
ranked here, they return the same top ten for 399 of 400 (bench/kb.py). What the index
holds (statistics, typo index, field masks) is read by app.services.knowledge.index.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import exists, or_, select
from sqlalchemy.orm import Session

from app.services.knowledge.index import (
    ALL,
    ANSWER,
    BODY,
    RUN,
    TITLE,
    IndexStats,
    field_masks,
    forget_cached_index,
    index_signature,
    index_stats,
)
from app.services.knowledge.thesaurus import current_thesaurus
from knowledge_base import QueryTerm, Thesaurus, usage_boost
from knowledge_base.search import DEFAULT_FIELDS
from models import Article, article_labels

__all__ = ["ArticleHit", "forget_cached_index", "index_signature", "search_articles",
           "search_thesaurus", "shown_articles"]

STOCKHOLM = ZoneInfo("Europe/Stockholm")
FIELD_WEIGHTS = (DEFAULT_FIELDS["title"], DEFAULT_FIELDS["answer"], DEFAULT_FIELDS["body"])
CANDIDATES = 60  # kept by the first ranking for the second
# A query whose terms are in more articles than this looks for candidates with its rarest
# terms only (see `_candidate_terms`); below it, every term finds candidates.
BROAD_QUERY = 600
K1, B = 1.2, 0.75
COVERAGE_WEIGHT = 0.5  # 0: plain BM25; 1: score scaled by the share of query words found
BOOST_WEIGHT = 0.1  # score × exp(BOOST_WEIGHT × usage_boost(times_used))
CITIZEN_FIELDS = TITLE | BODY  # never ANSWER: the agent's script and checklist


@dataclass(frozen=True)
class ArticleHit:
    """A found article; `score` compares hits of one search only; `matched_terms` are the
    index terms it matched (stems, e.g. for highlighting)."""

    article: Article
    score: float
    matched_terms: tuple[str, ...]


def search_thesaurus(session: Session) -> Thesaurus:
    """The thesaurus queries are expanded with: shipped entries plus administrators'."""
    return current_thesaurus(session)


def search_articles(
    session: Session, query: str, *, audience: str | None = None, label_id: int | None = None,
    limit: int = 10, now: datetime | None = None,
) -> list[ArticleHit]:
    """The best published, currently valid articles for what an agent or citizen typed.

    `audience="public"` searches as a citizen: articles citizens may read, by their titles,
    bodies and citizen answers, never by the script. `label_id` keeps to one label's
    articles. `now` (default: the current time) decides validity by the Swedish date.
    """
    today = (now or datetime.now(UTC)).astimezone(STOCKHOLM).date()
    stats = index_stats(session)
    if not stats.doc_count or not query.strip():
        return []
    terms = stats.expand(query[:500], search_thesaurus(session))
    allowed = CITIZEN_FIELDS if audience == "public" else ALL
    wanted, fields = _candidate_terms(terms, stats, narrowed=label_id is not None)
    fields &= allowed
    if not wanted:
        return []
    rows = _candidates(session, wanted, fields, audience=audience, label_id=label_id,
                       today=today, stats=stats)
    ranked = _rank(rows, terms, stats, fields=allowed)[:limit]
    found = {a.id: a for a in session.scalars(
        select(Article).where(Article.id.in_([doc_id for doc_id, _s, _m in ranked])))}
    return [ArticleHit(found[doc_id], score, matched) for doc_id, score, matched in ranked
            if doc_id in found]


# --- candidates ----------------------------------------------------------------------------


def shown_articles(audience: str | None, label_id: int | None, today: date) -> list:
    """WHERE conditions for articles that may be shown: published, valid on `today` (the
    Swedish date), for the audience and linked to the label when those are given. Citizens
    (`audience="public"`) see only articles with a citizen answer."""
    conditions = [Article.status == "published",
                  or_(Article.valid_from.is_(None), Article.valid_from <= today),
                  or_(Article.valid_to.is_(None), Article.valid_to >= today)]
    if audience:
        conditions.append(Article.audience == audience)
    if audience == "public":
        conditions.append(Article.citizen_answer_md != "")
    if label_id is not None:
        conditions.append(exists().where(article_labels.c.article_id == Article.id,
                                         article_labels.c.label_id == label_id))
    return conditions


def _candidate_terms(terms: Sequence[QueryTerm], stats: IndexStats, *,
                     narrowed: bool = False) -> tuple[list[QueryTerm], int]:
    """The terms that find candidates, and in which fields.

    Normally every term but question words, in every field. A broad query (its terms in
    more than BROAD_QUERY articles) looks with its rarest terms only, as many as stay within
    that many articles; and when even its rarest term is in more ("dag", "barn"), it looks
    in titles and answers only. Ranking the candidates still counts every term and field.
    Articles that hold none of a query's rare terms rarely reach its top ten, and this keeps
    a query of common words from ranking half of a 10,000-article index (bench/kb.py). A
    search `narrowed` to a label's few articles keeps every term.
    """
    wanted = [term for term in terms if term.positions]  # question words only rank
    if narrowed or stats.matches_at_most([t.text for t in wanted]) <= BROAD_QUERY:
        return wanted, ALL
    chosen: list[QueryTerm] = []
    budget = BROAD_QUERY
    for term in sorted(wanted, key=lambda t: (stats.matches_at_most([t.text]), t.text)):
        found = stats.matches_at_most([term.text])
        if chosen and found > budget:
            break
        chosen.append(term)
        budget -= found
    return chosen, ALL if budget >= 0 else TITLE | ANSWER


def _candidates(session: Session, terms: Sequence[QueryTerm], fields: int, *,
                audience: str | None, label_id: int | None, today: date,
                stats: IndexStats) -> list:
    """(id, title, answer, body, times_used) of the best `CANDIDATES` shown articles,
    in the order of the first ranking."""
    runs = [tuple(RUN.findall(term.text)) for term in terms]
    if session.get_bind().dialect.name == "postgresql":
        masks = field_masks(session, runs, fields=fields,
                            conditions=shown_articles(audience, label_id, today))
        return _rows(session, _first_ranking(masks, terms, stats)[:CANDIDATES], ())
    # SQLite: the masks cover every status and audience; filter the best, a batch at a time,
    # until there are enough (the same articles PostgreSQL's filtered masks give).
    order = _first_ranking(field_masks(session, runs, fields=fields, label_id=label_id),
                           terms, stats)
    conditions = shown_articles(audience, None, today)
    rows: list = []
    batch = CANDIDATES + CANDIDATES // 4  # most articles are published and valid
    for start in range(0, len(order), batch):
        rows += _rows(session, order[start:start + batch], conditions)
        if len(rows) >= CANDIDATES:
            break
    return rows[:CANDIDATES]


def _first_ranking(masks: dict[int, list[int]], terms: Sequence[QueryTerm],
                   stats: IndexStats) -> list[int]:
    """Article ids by BM25F over field masks (no field lengths, no usage), best first."""
    factors = [t.weight * stats.idf(t.text) * (K1 + 1) for t in terms]
    fields = [sum(weight for weight, bit in zip(FIELD_WEIGHTS, (TITLE, ANSWER, BODY),
                                                strict=True) if mask & bit)
              for mask in range(8)]
    saturated = [frequency / (frequency + K1) for frequency in fields]
    coverage = _coverage(terms)
    scored = []
    for doc_id, term_masks in masks.items():
        score, words = 0.0, 0
        for i, mask in enumerate(term_masks):
            if mask:
                score += factors[i] * saturated[mask]
                words |= coverage[i]
        if score:
            scored.append((-score * _covered(words, coverage), doc_id))
    scored.sort()
    return [doc_id for _score, doc_id in scored]


def _rows(session: Session, ids: Sequence[int], conditions: Sequence) -> list:
    if not ids:
        return []
    place = {doc_id: i for i, doc_id in enumerate(ids)}
    rows = session.execute(select(
        Article.id, Article.search_title, Article.search_answer, Article.search_body,
        Article.times_used).where(Article.id.in_(ids), *conditions)).all()
    return sorted(rows, key=lambda row: place[row[0]])


def _coverage(terms: Sequence[QueryTerm]) -> list[int]:
    """Per term, the bit mask of the query words it stands for; the last item is the mask
    of all query words (question words stand for none)."""
    masks = [sum(1 << p for p in term.positions) for term in terms]
    everything = 0
    for mask in masks:
        everything |= mask
    return [*masks, everything]


def _covered(words: int, coverage: list[int]) -> float:
    share = words.bit_count() / max(coverage[-1].bit_count(), 1)
    return 1 - COVERAGE_WEIGHT + COVERAGE_WEIGHT * min(share, 1.0)


def _rank(rows: Sequence, terms: Sequence[QueryTerm], stats: IndexStats, *,
          fields: int = ALL) -> list[tuple[int, float, tuple[str, ...]]]:
    """BM25F with per-term weights, coverage and usage boost; best first, then by id.

    As knowledge_base.SearchIndex ranks: coverage is the share of the query's words an
    article matched through any of their terms. (Weighting each word by its IDF and by how
    it was reached was tried and ranked the relevance set slightly worse.) Only the
    `fields` given (TITLE | ANSWER | BODY bits) count.
    """
    slots: dict[str, list[int]] = {}  # index token → the query terms it stands for
    for i, term in enumerate(terms):
        slots.setdefault(term.text, []).append(i)
    factors = [t.weight * stats.idf(t.text) * (K1 + 1) for t in terms]
    coverage = _coverage(terms)
    ranked = []
    counted = [bool(fields & bit) for bit in (TITLE, ANSWER, BODY)]
    for doc_id, *values, times_used in rows:
        frequency = [0.0] * len(terms)
        for weight, average, value, used in zip(FIELD_WEIGHTS, stats.lengths, values, counted,
                                                strict=True):
            tokens = value.split() if used else ()
            if not tokens:
                continue
            share = weight / (1 - B + B * len(tokens) / average)
            for token in set(tokens):
                for i in slots.get(token, ()):
                    frequency[i] += share
        matched = [i for i, tf in enumerate(frequency) if tf]
        if not matched:
            continue
        score = sum(factors[i] * frequency[i] / (frequency[i] + K1) for i in matched)
        words = 0
        for i in matched:
            words |= coverage[i]
        score *= _covered(words, coverage) * math.exp(BOOST_WEIGHT * usage_boost(times_used))
        ranked.append((doc_id, score, tuple(sorted({terms[i].text for i in matched}))))
    ranked.sort(key=lambda hit: (-hit[1], hit[0]))
    return ranked
