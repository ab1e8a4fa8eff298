"""From what someone typed to the weighted terms a search looks for.

A query term can reach a document in several ways, trusted to different degrees: the word
itself, a part of a compound the caller wrote, an official word from the thesaurus, or the
correction of a typo. Each becomes a `QueryTerm` with a weight, so a document that contains
what was actually typed ranks above one reached through a guess.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from enum import StrEnum

from knowledge_base.compounds import MIN_PART, Vocabulary
from knowledge_base.fuzzy import FuzzyIndex
from knowledge_base.normalise import QUESTION_WORDS
from knowledge_base.stemming import stem
from knowledge_base.text import Term, analyse_terms, default_vocabulary
from knowledge_base.thesaurus import Thesaurus


class Kind(StrEnum):
    WORD = "word"  # the stem of a word as typed
    PART = "part"  # the stem of a part of a typed compound
    SYNONYM = "synonym"  # an official word from the thesaurus
    FUZZY = "fuzzy"  # a known term one or two edits from a typed one
    PREFIX = "prefix"  # a known term that begins with a typed one (added by the index)


# Relative trust; multiplied along a chain (a synonym of a part weighs SYNONYM * PART).
WEIGHTS: dict[Kind, float] = {
    Kind.WORD: 1.0,
    Kind.PART: 0.7,
    Kind.SYNONYM: 0.8,
    Kind.FUZZY: 0.7,  # one edit; two edits weigh FUZZY * FUZZY
    Kind.PREFIX: 0.6,
}
MAX_FUZZY_MATCHES = 5
# Compound parts are a fallback for words the index or thesaurus does not know as a whole.
UNDERSTOOD_WHOLE = 0.5
QUESTION_WORD_WEIGHT = 0.3


@dataclass(frozen=True)
class QueryTerm:
    """A term to look for, how much a match counts, and which query words it stands for."""

    text: str
    weight: float
    kind: Kind
    positions: tuple[int, ...]


class QueryAnalyser:
    """Expands a query with compound parts, thesaurus entries and typo corrections.

    `known_terms` are the stems that exist in the index: a typed word whose stem is found
    there is taken as meant, and so is any word in the vocabulary. For the others, `fuzzy`
    (an index of the surface words seen in the documents) proposes corrections. Comparing
    surface words rather than stems matters: stems are short ("dotter" → "dott"), and one
    letter away from a short stem is usually a different word ("dött"), not a typo.
    """

    def __init__(
        self,
        vocabulary: Vocabulary | None = None,
        thesaurus: Thesaurus | None = None,
        *,
        known_terms: Collection[str] = (),
        fuzzy: FuzzyIndex | None = None,
    ) -> None:
        self.vocabulary = default_vocabulary() if vocabulary is None else vocabulary
        self.thesaurus = Thesaurus.default() if thesaurus is None else thesaurus
        self._known = known_terms
        self._fuzzy = fuzzy

    def expand(self, query: str) -> list[QueryTerm]:
        """Every weighted term for `query`, in a deterministic order (typed terms first)."""
        analysed = analyse_terms(query, self.vocabulary)
        understood = {
            term.position for term in analysed
            if not term.part and (term.text in self._known or self.thesaurus.lookup((term.text,)))
        }
        found: list[QueryTerm] = []
        for term in analysed:
            typed = _typed(term, term.position in understood)
            found.append(typed)
            if not term.part:
                found.extend(self._corrections(typed, term.word))
        words = [term.text for term in analysed if not term.part]
        for expansion in self.thesaurus.expand(words):
            positions = tuple(range(expansion.start, expansion.end))
            for text in expansion.terms:
                found.extend(self._official(text, WEIGHTS[Kind.SYNONYM], positions))
        for source in [t for t in found if t.kind in (Kind.PART, Kind.FUZZY)]:
            for text in sorted(self.thesaurus.expand_term(source.text)):
                weight = source.weight * WEIGHTS[Kind.SYNONYM]
                found.extend(self._official(text, weight, source.positions))
        return _deduplicated(found)

    def terms(self, query: str) -> list[str]:
        """The distinct term texts of `expand(query)`, e.g. for a full-text query string."""
        return list(dict.fromkeys(term.text for term in self.expand(query)))

    def _corrections(self, typed: QueryTerm, word: str) -> list[QueryTerm]:
        if self._fuzzy is None or typed.text in self._known or word in self.vocabulary:
            return []  # a word seen anywhere is taken as meant, even if no document has it
        if self.thesaurus.lookup((typed.text,)):
            return []  # a citizen's word the thesaurus knows is not a typo
        corrections: dict[str, QueryTerm] = {}
        for known, distance in self._fuzzy.lookup(word)[:MAX_FUZZY_MATCHES]:
            text = stem(known)
            if text != typed.text and text not in corrections:
                weight = typed.weight * WEIGHTS[Kind.FUZZY] ** distance
                corrections[text] = QueryTerm(text, weight, Kind.FUZZY, typed.positions)
        return list(corrections.values())

    def _official(self, text: str, weight: float, positions: tuple[int, ...]) -> list[QueryTerm]:
        # An official compound also brings its parts: "avfallskärl" finds texts on "kärl".
        terms = [QueryTerm(text, weight, Kind.SYNONYM, positions)]
        for part in analyse_terms(text, self.vocabulary)[1:]:
            if len(part.text) >= MIN_PART:
                part_weight = weight * WEIGHTS[Kind.PART]
                terms.append(QueryTerm(part.text, part_weight, Kind.SYNONYM, positions))
        return terms


def _typed(term: Term, whole_understood: bool) -> QueryTerm:
    kind = Kind.PART if term.part else Kind.WORD
    weight = WEIGHTS[kind]
    if term.part and whole_understood:
        weight *= UNDERSTOOD_WHOLE  # "soptipp" is known: its "sop" matters less
    if term.word in QUESTION_WORDS:
        # Says "information wanted" but nothing about the topic, so it counts little and is
        # not a word a document must cover.
        return QueryTerm(term.text, weight * QUESTION_WORD_WEIGHT, kind, ())
    return QueryTerm(term.text, weight, kind, (term.position,))


def _deduplicated(terms: list[QueryTerm]) -> list[QueryTerm]:
    """One entry per text: the highest weight, and every query word it stands for."""
    best: dict[str, QueryTerm] = {}
    for term in terms:
        seen = best.get(term.text)
        if seen is None:
            best[term.text] = term
            continue
        positions = tuple(sorted({*seen.positions, *term.positions}))
        winner = term if term.weight > seen.weight else seen
        best[term.text] = QueryTerm(winner.text, winner.weight, winner.kind, positions)
    return list(best.values())


def query_terms(
    query: str, *, vocabulary: Vocabulary | None = None, thesaurus: Thesaurus | None = None
) -> list[str]:
    """The analysed and thesaurus-expanded terms of `query` (no typo correction, which needs
    an index's vocabulary: use `SearchIndex.query_terms` for that)."""
    return QueryAnalyser(vocabulary, thesaurus).terms(query)
