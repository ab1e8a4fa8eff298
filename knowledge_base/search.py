"""An in-memory ranked search over knowledge-base articles (or any short documents).

BM25 over analysed terms, with field weights (a word in the title says more than one in the
body), query expansion (compound parts, thesaurus, typo corrections, prefixes) at lower
weights than what was typed, a preference for documents that explain more of the query, and
an optional per-document boost such as `usage_boost(times_used)` so the articles agents
actually use rise among equally relevant ones.

Documents are analysed when the first search after a change runs, against a vocabulary
built from all of them, because a new document can teach the compound splitter words that
change how older ones split. Build once, search many times; boosts change without a rebuild.
"""

from __future__ import annotations

import heapq
import math
from array import array
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import Generic, TypeVar

from knowledge_base.compounds import Vocabulary
from knowledge_base.fuzzy import FuzzyIndex
from knowledge_base.normalise import content_words
from knowledge_base.query import WEIGHTS, Kind, QueryAnalyser, QueryTerm
from knowledge_base.text import PART_WEIGHT, default_vocabulary, word_terms
from knowledge_base.thesaurus import Thesaurus

K = TypeVar("K", bound=Hashable)
# Per term: the slots of the documents containing it (ascending) and the field-weighted term
# frequency in each. Arrays rather than dicts: a tenth of the memory for a large corpus.
Postings = tuple["array[int]", "array[float]"]

DEFAULT_FIELDS: Mapping[str, float] = {"title": 3.0, "answer": 2.0, "body": 1.0}
MIN_PREFIX = 4  # "förs" is already ambiguous enough
MAX_PREFIX_MATCHES = 8
MAX_AFFIX = 4  # letters a prefix match may add or drop: an ending, not another word


def usage_boost(times_used: int) -> float:
    """A boost that grows with use but flattens: the 1000th use matters less than the 10th."""
    return math.log1p(max(times_used, 0))


@dataclass(frozen=True)
class Hit(Generic[K]):
    """A found document, its score (comparable within one search only) and the index terms
    that matched, e.g. for highlighting."""

    doc_id: K
    score: float
    matched_terms: tuple[str, ...]


@dataclass
class _Built(Generic[K]):
    ids: list[K]
    postings: dict[str, Postings]
    norms: list[float]  # BM25's length normalisation per slot: k1 * (1 - b + b * len / avg)
    multipliers: list[float]  # per slot, from the document's boost
    sorted_terms: list[str]
    analyser: QueryAnalyser


class SearchIndex(Generic[K]):
    """BM25F-style ranking over weighted fields with Swedish-aware query expansion.

    `fields` maps field names to weights. `thesaurus` and `vocabulary` default to the shipped
    ones (pass `Thesaurus()` / `Vocabulary()` for none). `coverage_weight` is how strongly a
    document that matches all query words beats one matching a few (0 = plain BM25,
    1 = score scaled by the share of words matched). `boost_weight` scales per-document
    boosts: a document's score is multiplied by exp(boost_weight * boost).

    `alternative_share` is for short documents such as labels, where plain BM25 rewards a
    document for saying one generic word many ways. A typed word reaches documents by two
    routes: as typed (its stem, compound parts, typo corrections and prefixes) and through
    the thesaurus ("sopor" → avfall, hushållsavfall). `alternative_share` is how much the
    further terms of one route add beyond its best-matching term: 1 adds them all (plain
    BM25), 0.75 counts the best fully and the others three quarters.
    """

    def __init__(
        self,
        fields: Mapping[str, float] = DEFAULT_FIELDS,
        *,
        thesaurus: Thesaurus | None = None,
        vocabulary: Vocabulary | None = None,
        k1: float = 1.2,
        b: float = 0.75,
        coverage_weight: float = 0.5,
        boost_weight: float = 0.1,
        typo_tolerance: bool = True,
        alternative_share: float = 1.0,
    ) -> None:
        if not fields or any(weight <= 0 for weight in fields.values()):
            raise ValueError("fields need positive weights")
        self.fields = dict(fields)
        self.thesaurus = Thesaurus.default() if thesaurus is None else thesaurus
        self._base = default_vocabulary() if vocabulary is None else vocabulary
        self.k1, self.b = k1, b
        self.coverage_weight, self.boost_weight = coverage_weight, boost_weight
        self.typo_tolerance = typo_tolerance
        self.alternative_share = alternative_share
        self._docs: dict[K, dict[str, str]] = {}
        self._boosts: dict[K, float] = {}
        self._built: _Built[K] | None = None

    def __len__(self) -> int:
        return len(self._docs)

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self._docs

    def add(self, doc_id: K, fields: Mapping[str, str | None], boost: float = 0.0) -> None:
        """Add or replace a document; unknown field names are an error (a typo'd "titel"
        would otherwise be silently unsearchable)."""
        unknown = set(fields) - set(self.fields)
        if unknown:
            raise ValueError(f"unknown fields: {', '.join(sorted(unknown))}")
        self._docs[doc_id] = {name: text for name, text in fields.items() if text}
        self._boosts[doc_id] = boost
        self._built = None

    def add_many(self, documents: Iterable[tuple[K, Mapping[str, str | None]]]) -> None:
        for doc_id, fields in documents:
            self.add(doc_id, fields)

    def remove(self, doc_id: K) -> None:
        if self._docs.pop(doc_id, None) is not None:
            self._boosts.pop(doc_id, None)
            self._built = None

    def set_boost(self, doc_id: K, boost: float) -> None:
        """Change a document's boost (e.g. after an agent used it) without re-indexing."""
        if doc_id not in self._docs:
            raise KeyError(doc_id)
        self._boosts[doc_id] = boost
        if self._built is not None:
            slot = self._built.ids.index(doc_id)
            self._built.multipliers[slot] = self._multiplier(boost)

    @property
    def vocabulary(self) -> Vocabulary:
        """The compound-splitting vocabulary: base words, thesaurus and every indexed word."""
        return self._build().analyser.vocabulary

    def expand(self, query: str) -> list[QueryTerm]:
        """Weighted terms for `query`, including prefix matches against the index."""
        built = self._build()
        terms = built.analyser.expand(query)
        return terms + _prefix_terms(terms, built)

    def query_terms(self, query: str) -> list[str]:
        """Analysed, thesaurus-expanded and typo-corrected terms for a full-text query.

        Prefix matches are left out: `fts5_match` and `pg_tsquery` ask the database for them.
        """
        return self._build().analyser.terms(query)

    def search(
        self, query: str, limit: int = 10, *, where: Callable[[K], bool] | None = None
    ) -> list[Hit[K]]:
        """The best `limit` documents for `query`, best first; ties keep insertion order.

        `where` filters documents (e.g. only published articles) before ranking.
        """
        built = self._build()
        terms = self.expand(query)
        if not terms or not built.ids:
            return []
        # Coverage counts the words a document should explain (question words are exempt).
        word_count = max(len({p for term in terms for p in term.positions}), 1)
        cw = self.coverage_weight
        by_coverage = [1 - cw + cw * min(n / word_count, 1.0) for n in range(64)]
        scores, masks = self._score(terms, built)
        multipliers = built.multipliers
        ranked = (
            (score * by_coverage[min(masks[slot].bit_count(), 63)] * multipliers[slot], -slot)
            for slot, score in enumerate(scores)
            if score and (where is None or where(built.ids[slot]))
        )
        return [
            Hit(built.ids[-negative], score, _matched(-negative, terms, built))
            for score, negative in heapq.nlargest(limit, ranked)
        ]

    def _score(self, terms: list[QueryTerm], built: _Built[K]) -> tuple[list[float], list[int]]:
        """BM25 per slot, and a bit mask of the query words each slot matched.

        The terms of one route for the same query words form a group; beyond its
        best-matching term, a group adds `alternative_share` of the others' contributions.
        Question words stand for no query word and always add theirs.
        """
        total = len(built.ids)
        scores = [0.0] * total
        masks = [0] * total
        norms = built.norms
        groups: dict[tuple[tuple[int, ...], bool], dict[int, list[float]]] = {}
        for term in terms:
            postings = built.postings.get(term.text)
            if not postings:
                continue
            slots, frequencies = postings
            factor = term.weight * _idf(total, len(slots)) * (self.k1 + 1)
            mask = sum(1 << position for position in term.positions)
            if self.alternative_share == 1.0 or not term.positions:  # adds all it matches
                for slot, tf in zip(slots, frequencies, strict=True):
                    scores[slot] += factor * tf / (tf + norms[slot])
                    masks[slot] |= mask
                continue
            group = groups.setdefault((term.positions, term.kind is Kind.SYNONYM), {})
            for slot, tf in zip(slots, frequencies, strict=True):
                contribution = factor * tf / (tf + norms[slot])
                best = group.get(slot)
                if best is None:
                    group[slot] = [contribution, 0.0]
                elif contribution > best[0]:
                    best[0], best[1] = contribution, best[1] + best[0]
                else:
                    best[1] += contribution
                masks[slot] |= mask
        share = self.alternative_share
        for group in groups.values():
            for slot, (best, others) in group.items():
                scores[slot] += best + share * others
        return scores, masks

    def build(self) -> None:
        """Analyse the documents now (e.g. at start-up or in a background job) rather than
        in the first search. Building is not locked: build before sharing across threads."""
        self._build()

    def _build(self) -> _Built[K]:
        if self._built is None:
            self._built = self._build_uncached()
        return self._built

    def _build_uncached(self) -> _Built[K]:
        tokenised = [
            [(self.fields[name], content_words(text)) for name, text in doc.items()]
            for doc in self._docs.values()
        ]
        words = {word for doc in tokenised for _, field in doc for word in field}
        extra = content_words(" ".join((*self._base.words, *self.thesaurus.words())))
        vocabulary = Vocabulary.from_tokens([*words, *extra])
        # Per distinct word: (stem, weight as a whole word) and (part stem, part weight).
        cache = {word: _word_weights(word, vocabulary) for word in words}
        postings: dict[str, Postings] = {}
        lengths: list[float] = []
        for slot, doc in enumerate(tokenised):
            length = 0.0
            frequencies: dict[str, float] = {}
            for weight, field in doc:
                length += weight * len(field)
                for word, count in Counter(field).items():
                    for text, share in cache[word]:
                        frequencies[text] = frequencies.get(text, 0.0) + weight * share * count
            for text, frequency in frequencies.items():
                entry = postings.get(text)
                if entry is None:
                    entry = postings[text] = (array("i"), array("f"))
                entry[0].append(slot)
                entry[1].append(frequency)
            lengths.append(length)
        average = (sum(lengths) / len(lengths) if lengths else 0.0) or 1.0
        norms = [self.k1 * (1 - self.b + self.b * length / average) for length in lengths]
        known = set(postings)
        fuzzy = FuzzyIndex(words | set(extra)) if self.typo_tolerance else None
        analyser = QueryAnalyser(vocabulary, self.thesaurus, known_terms=known, fuzzy=fuzzy)
        multipliers = [self._multiplier(self._boosts[doc_id]) for doc_id in self._docs]
        return _Built(list(self._docs), postings, norms, multipliers, sorted(known), analyser)

    def _multiplier(self, boost: float) -> float:
        return math.exp(self.boost_weight * boost)


def _idf(total: int, containing: int) -> float:
    return math.log(1 + (total - containing + 0.5) / (containing + 0.5))


def _matched(slot: int, terms: list[QueryTerm], built: _Built[K]) -> tuple[str, ...]:
    found = set()
    for term in terms:
        postings = built.postings.get(term.text)
        if postings is not None:
            slots = postings[0]
            at = bisect_left(slots, slot)
            if at < len(slots) and slots[at] == slot:
                found.add(term.text)
    return tuple(sorted(found))


def _word_weights(word: str, vocabulary: Vocabulary) -> list[tuple[str, float]]:
    return [(t.text, PART_WEIGHT if t.part else 1.0) for t in word_terms(word, 0, vocabulary)]


def _prefix_terms(terms: list[QueryTerm], built: _Built[K]) -> list[QueryTerm]:
    """Index terms a typed term extends or is extended by, within an ending's length
    ("plog" → "plogning"): inflections and derivations the stemmer did not bring together.
    Longer extensions are compounds, which splitting handles with better weights."""
    existing = {term.text for term in terms}
    found: dict[str, QueryTerm] = {}
    for term in terms:
        if term.kind not in (Kind.WORD, Kind.PART) or len(term.text) < MIN_PREFIX:
            continue
        shortest = max(MIN_PREFIX, len(term.text) - MAX_AFFIX)
        shorter = [term.text[:n] for n in range(shortest, len(term.text))]
        for text in _extensions(term.text, built.sorted_terms) + shorter:
            if text in existing or text not in built.postings:
                continue
            ratio = min(len(text), len(term.text)) / max(len(text), len(term.text))
            weight = term.weight * WEIGHTS[Kind.PREFIX] * ratio
            seen = found.get(text)
            if seen is not None:
                weight = max(weight, seen.weight)
                positions = tuple(sorted({*seen.positions, *term.positions}))
            else:
                positions = term.positions
            found[text] = QueryTerm(text, weight, Kind.PREFIX, positions)
    return list(found.values())


def _extensions(prefix: str, sorted_terms: list[str]) -> list[str]:
    start = bisect_left(sorted_terms, prefix)
    end = bisect_left(sorted_terms, prefix + "\U0010ffff", lo=start)
    longer = [
        t for t in sorted_terms[start:end] if len(prefix) < len(t) <= len(prefix) + MAX_AFFIX
    ]
    return sorted(longer, key=lambda t: (len(t), t))[:MAX_PREFIX_MATCHES]
