"""Typo tolerance: vocabulary terms within a small edit distance of a misspelt query term.

Agents type fast while on the phone ("bygglv", "förskloa") and citizens write from phones.
Comparing a query term against every one of ~50,000 vocabulary terms would cost tens of
milliseconds per term in pure Python, so we use a deletion-neighbourhood index (the SymSpell
idea): two strings within edit distance d share a string reachable from each by at most d
deletions. Each term's deletions are indexed once; a query generates its own deletions and
verifies the few candidates with a real distance. Deletions are taken from the first
`PREFIX_LENGTH` letters only, which bounds memory (Swedish compounds share long prefixes)
without losing matches: an edit inside the prefix still needs at most d deletions on each side.

Distance is optimal string alignment (Damerau-Levenshtein where a swapped pair of letters
counts as one edit, "förskloa" → "förskola"). Allowed edits depend on the shorter word's
length: none below 4 letters (too many short words are one letter apart), 1 up to 7, 2 from 8.
"""

from __future__ import annotations

from collections.abc import Iterable

PREFIX_LENGTH = 6
MIN_FUZZY_LENGTH = 4
TWO_EDITS_FROM = 8


def max_edits(length: int) -> int:
    """How many edits a word of `length` letters may be away from its intended word."""
    if length < MIN_FUZZY_LENGTH:
        return 0
    return 1 if length < TWO_EDITS_FROM else 2


def edit_distance(a: str, b: str, limit: int | None = None) -> int:
    """Optimal string alignment distance; stops early and returns limit + 1 beyond `limit`."""
    if limit is not None and abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                value = min(value, previous2[j - 2] + 1)
            current[j] = value
        if limit is not None and min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


def _deletions(word: str, edits: int) -> set[str]:
    found = {word[:PREFIX_LENGTH]}
    frontier = found
    for _ in range(edits):
        frontier = {w[:i] + w[i + 1 :] for w in frontier for i in range(len(w))}
        found |= frontier
    return found


class FuzzyIndex:
    """Finds known terms close to a misspelt one; cheap to query, built once per vocabulary."""

    def __init__(self, terms: Iterable[str] = ()) -> None:
        self._terms: set[str] = set()
        # deletion → the term, or a list of terms when several share it (most keys have one).
        self._index: dict[str, str | list[str]] = {}
        for term in terms:
            self.add(term)

    def __contains__(self, term: object) -> bool:
        return term in self._terms

    def __len__(self) -> int:
        return len(self._terms)

    def add(self, term: str) -> None:
        # A pair may differ by max_edits of the shorter word, never more than of this one.
        if term in self._terms or len(term) < MIN_FUZZY_LENGTH:
            return
        self._terms.add(term)
        for key in _deletions(term, max_edits(len(term))):
            found = self._index.get(key)
            if found is None:
                self._index[key] = term
            elif isinstance(found, str):
                self._index[key] = [found, term]
            else:
                found.append(term)

    def lookup(self, word: str) -> list[tuple[str, int]]:
        """Known terms within the allowed distance of `word`, as (term, distance), closest
        first then alphabetical; `word` itself is left out."""
        edits = max_edits(len(word))
        if not edits:
            return []
        candidates: set[str] = set()
        for key in _deletions(word, edits):
            found = self._index.get(key)
            if found is not None:
                candidates.update((found,) if isinstance(found, str) else found)
        candidates.discard(word)
        matches = []
        for term in candidates:
            allowed = max_edits(min(len(term), len(word)))
            if allowed and (distance := edit_distance(word, term, allowed)) <= allowed:
                matches.append((term, distance))
        return sorted(matches, key=lambda match: (match[1], match[0]))
