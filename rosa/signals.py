"""Placing a contact by the citizen's words: rank labels by their path and signal words.

Agents should not need to know the organisation chart (DOMAIN.md, "signal words"): typing
"tunnan har inte tömts" should offer Avfall › Sophämtning › Utebliven. Matching is by word
prefix both ways (tunnan/tunna), and by substring inside compounds (sophämtning/hämtning).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
MIN_STEM = 4  # shorter words must match as a prefix of the label's word


@dataclass(frozen=True)
class LabelEntry:
    id: int
    path: tuple[str, str, str]
    signal_words: tuple[str, ...] = ()
    active: bool = True

    @property
    def path_text(self) -> str:
        return " › ".join(self.path)


@dataclass(frozen=True)
class _Indexed:
    entry: LabelEntry
    fields: tuple[tuple[float, tuple[str, ...]], ...]  # (weight, words)


def words(text: str) -> list[str]:
    return _WORD.findall(unicodedata.normalize("NFC", text).casefold())


def _word_score(token: str, word: str) -> float:
    if word == token:
        return 1.0
    if word.startswith(token):
        return 0.85 if len(token) >= 3 else 0.5
    if len(word) >= MIN_STEM and token.startswith(word):
        return 0.7  # "tunnan" typed, "tunna" in the signal words
    if len(token) >= MIN_STEM and token in word:
        return 0.6  # part of a compound
    if len(word) >= MIN_STEM and len(token) >= MIN_STEM and token[:MIN_STEM + 1] == word[
        :MIN_STEM + 1
    ]:
        return 0.4  # same stem, different ending
    return 0.0


class LabelIndex:
    """An in-memory index over a taxonomy; cheap to build for thousands of labels."""

    def __init__(self, entries: Iterable[LabelEntry]):
        self._items = [self._index(entry) for entry in entries]

    @staticmethod
    def _index(entry: LabelEntry) -> _Indexed:
        function, case_type, label = entry.path
        signal = tuple(w for phrase in entry.signal_words for w in words(phrase))
        return _Indexed(entry, (
            (3.0, tuple(words(label))),
            (3.0, signal),
            (2.0, tuple(words(case_type))),
            (1.5, tuple(words(function))),
        ))

    def search(self, query: str, *, limit: int = 8, include_retired: bool = False
               ) -> list[tuple[LabelEntry, float]]:
        tokens = words(query)
        if not tokens:
            return []
        ranked = []
        for item in self._items:
            if not include_retired and not item.entry.active:
                continue
            score = self._score(item, tokens)
            if score > 0:
                ranked.append((item.entry, score))
        ranked.sort(key=lambda pair: (-pair[1], pair[0].path_text))
        return ranked[:limit]

    @staticmethod
    def _score(item: _Indexed, tokens: Sequence[str]) -> float:
        total = 0.0
        matched = 0
        for token in tokens:
            best = 0.0
            for weight, field_words in item.fields:
                for word in field_words:
                    score = _word_score(token, word)
                    if score:
                        best = max(best, weight * score)
            if best:
                matched += 1
                total += best
        if not matched:
            return 0.0
        # Prefer labels that explain more of what the citizen said.
        return total * (matched / len(tokens))
