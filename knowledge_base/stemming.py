"""Swedish stemming: Snowball, plus the definite-form endings Snowball leaves alone.

Snowball's Swedish stemmer removes most inflections but keeps the definite "-an", "-et" and
"-n" ("tunnan", "förskolan", "kärlet", "nyckeln"), so "tunnan har inte tömts" would not meet
"tunna" and a prefix query for "förskolan" would miss "förskola". We strip those endings and
run Snowball once more so that double consonants are treated alike ("soptunnan" → "soptun",
like "soptunna"). Where Snowball's single pass leaves an s that it strips from the shorter
form ("platsen" → "plats", but "plats" → "plat"), we strip it too. In the common cases every
stem is then a prefix of the word's other forms, which the full-text prefix queries rely on.
"""

from __future__ import annotations

import threading
from functools import lru_cache

import snowballstemmer

_VOWELS = frozenset("aeiouyåäöéè")
_EXTRA_ENDINGS = ("an", "et")
_S_ENDINGS = frozenset("bcdfghjklmnoprtvy")  # letters before a final s that Snowball strips
_MIN_STEM = 3
_local = threading.local()


def _snowball(word: str) -> str:
    # Snowball stemmer objects keep state while stemming, so each thread gets its own.
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:
        stemmer = _local.stemmer = snowballstemmer.stemmer("swedish")
    return str(stemmer.stemWord(word))


def _r1(word: str) -> int:
    # Snowball's R1: after the first non-vowel that follows a vowel, but at least 3 letters in.
    for i in range(1, len(word)):
        if word[i] not in _VOWELS and word[i - 1] in _VOWELS:
            return max(i + 1, _MIN_STEM)
    return len(word)


@lru_cache(maxsize=65536)
def _stem_simple(word: str) -> str:
    stem = _snowball(word)
    if stem != word and stem.endswith("s") and stem[-2:-1] in _S_ENDINGS:
        # Snowball strips one suffix: "platsen" → "plats", but "plats" → "plat". Strip the
        # s it would have stripped from the shorter form, so both meet at "plat".
        if len(stem) - 1 >= _r1(stem):
            return stem[:-1]
    for ending in _EXTRA_ENDINGS:
        if (
            stem.endswith(ending)
            and len(stem) - len(ending) >= _MIN_STEM
            and stem[-len(ending) - 1] not in _VOWELS
        ):
            return _snowball(stem[: -len(ending)])
    if stem.endswith("eln") and len(stem) > _MIN_STEM + 2:
        return stem[:-1]  # "nyckeln" → "nyckel", "vigseln" → "vigsel"
    return stem


def stem(word: str) -> str:
    """The stem under which `word` (a normalised token) is indexed and searched.

    Hyphenated words keep their first pieces and stem the last one ("p-plats" → "p-plat"),
    because only the last piece inflects. Digits are returned unchanged.
    """
    if word.isdigit():
        return word
    head, sep, last = word.rpartition("-")
    return head + sep + _stem_simple(last) if last else word
