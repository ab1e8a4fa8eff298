"""Text analysis: from Swedish text to the terms that are indexed and searched.

One function decides what a text "means" to every search in the system — the in-memory
ranking, label suggestion, and the SQLite FTS5 / PostgreSQL queries the web layer builds —
so that they agree. Analysis is deterministic: the same text and vocabulary always give the
same terms in the same order.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

from knowledge_base.compounds import MIN_PART, Vocabulary
from knowledge_base.normalise import content_words
from knowledge_base.stemming import stem
from knowledge_base.thesaurus import Thesaurus

# An occurrence as a compound part counts for half an occurrence of the whole word when
# indexed: a text about "bygglovsansökan" is about "bygglov", but less so than one saying it.
PART_WEIGHT = 0.5


@dataclass(frozen=True)
class Term:
    """One analysed term and the content word it came from.

    `position` counts content words (stop words skipped) so a query's coverage can be
    measured per word; `part` marks the stem of a compound part rather than of a whole word;
    `word` is the surface form the stem came from (typo correction compares those).
    """

    text: str
    position: int
    part: bool = False
    word: str = ""


def analyse_terms(text: str, vocabulary: Vocabulary | None = None) -> list[Term]:
    """Stems of each content word of `text`, each followed by the stems of its compound parts.

    `vocabulary` decides which compounds can be split; None means `default_vocabulary()`,
    and an empty `Vocabulary()` turns splitting off. Index and query must use the same one.
    """
    vocabulary = default_vocabulary() if vocabulary is None else vocabulary
    return [
        term
        for position, word in enumerate(content_words(text))
        for term in word_terms(word, position, vocabulary)
    ]


def word_terms(word: str, position: int, vocabulary: Vocabulary) -> list[Term]:
    """The terms of one content word (a token from `tokenise`): its stem, then its parts'.

    Exposed so an indexer can cache the result per distinct word; a corpus repeats words.
    """
    whole = stem(word)
    terms = [Term(whole, position, word=word)]
    seen = {whole}
    for piece in vocabulary.split(word):
        part = stem(piece)
        if part not in seen and len(part) >= MIN_PART:
            seen.add(part)
            terms.append(Term(part, position, part=True, word=piece))
    return terms


def analyse(text: str, vocabulary: Vocabulary | None = None) -> list[str]:
    """The distinct terms of `text` in order of first appearance (words, then their parts).

    "Bygglovsansökan" gives ["bygglovsansök", "bygglov", "ansök"], so a search for
    "bygglov" finds it and a search for it finds texts about "bygglov".
    """
    return list(dict.fromkeys(term.text for term in analyse_terms(text, vocabulary)))


def base_words() -> list[str]:
    """The shipped base word list (data/ord_sv.txt) that seeds compound splitting."""
    return list(_base_words())


@cache
def _base_words() -> tuple[str, ...]:
    text = resources.files("knowledge_base").joinpath("data/ord_sv.txt").read_text("utf-8")
    return tuple(w for line in text.splitlines() for w in line.split("#", 1)[0].split())


@cache
def default_vocabulary() -> Vocabulary:
    """Base words plus the default thesaurus: enough to split common municipal compounds."""
    return Vocabulary((*_base_words(), *Thesaurus.default().words()))
