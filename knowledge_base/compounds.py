"""Splitting Swedish compounds into known words, so "bygglov" finds "bygglovsansökan".

Swedish writes compounds as one word, often with a linking letter between the parts
("bygglov|s|ansökan", "gat|u|belysning") or with the first part's final vowel changed
("förskola" → "förskole|plats"). Without splitting, a citizen's "dagisplats" shares no word
with an article about "förskoleplats", and an agent searching "ansökan" never sees
"bygglovsansökan". No Swedish compound dictionary ships with the project, so we split against
a vocabulary of words the system has actually seen (indexed documents, thesaurus, a small base
list); a word is only split into parts that are themselves known, which keeps nonsense splits
rare.
"""

from __future__ import annotations

from collections.abc import Iterable

from knowledge_base.normalise import STOP_WORDS, tokenise
from knowledge_base.stemming import stem

MIN_PART = 3
# Linking morphemes ("fogemorfem"): -s- (bygglovsansökan), -e- (förskoleplats, with the
# first part known by its stem "förskol"), -u- (gatubelysning), -o- (kyrkogård), -a- (gästabud).
LINKING_LETTERS = frozenset("seuoa")
_MAX_CACHED_SPLITS = 100_000
# Inflectional endings a final part may carry (Snowball's Swedish suffixes and the definite
# forms it keeps), so "platsen" is known from "plats" without stemming every substring.
_ENDINGS = frozenset(
    """
    a e n s t ad ar as at en er es et na or an ns ts ade are ast ens ern ets het ans arna erna
    orna aste aren ande ades andes andet arnas ernas ornas arens erns heten heter hetens
    """.split()
) | {""}
_LONGEST_ENDING = max(map(len, _ENDINGS))

# Words (or stems) that, found at a compound boundary, are nearly always something else: a
# derivational suffix ("lärare" is not "lär" + "are", "parkering" not "parker" + "ing"), the
# definite ending of an s-word ("platsen" is not "plat" + "sen") or an adverb ("alltid").
_NOT_PARTS = frozenset(
    """
    all alla allt ande andens andes andet are aren arens arna dit ende for het heten hit ing
    ings lig ligt isk met ning red ring sen ser serna tar
    """.split()
)

Split = tuple[int, int, tuple[str, ...]]  # (number of parts, linking letters, parts)


class Vocabulary:
    """Words (and their stems) known to the system; compounds are split into these.

    Immutable after construction so one instance can be shared by the index and by every
    query; `union` and `with_texts` return new vocabularies. Splits are cached per instance.
    """

    __slots__ = ("_words", "_stems", "_known", "_splits")

    def __init__(self, words: Iterable[str] = ()) -> None:
        """`words` may be any text (phrases, mixed case); it is tokenised first."""
        self._init(token for text in words for token in tokenise(text))

    @classmethod
    def from_tokens(cls, tokens: Iterable[str]) -> Vocabulary:
        """The fast path for tokens that already came out of `tokenise`."""
        vocabulary = cls.__new__(cls)
        vocabulary._init(tokens)
        return vocabulary

    def _init(self, tokens: Iterable[str]) -> None:
        known: set[str] = set()
        for token in tokens:
            for piece in token.split("-") if "-" in token else (token,):
                if len(piece) >= MIN_PART and not piece.isdigit() and piece not in STOP_WORDS:
                    known.add(piece)
        self._words = frozenset(known)
        self._stems = frozenset(s for s in map(stem, known) if len(s) >= MIN_PART)
        self._known = (self._words | self._stems) - _NOT_PARTS
        self._splits: dict[str, tuple[str, ...]] = {}

    @classmethod
    def from_texts(cls, texts: Iterable[str], base: Vocabulary | None = None) -> Vocabulary:
        """A vocabulary of every word in `texts`, plus the words of `base`."""
        tokens = [token for text in texts for token in tokenise(text)]
        return cls.from_tokens([*tokens, *(base.words if base is not None else ())])

    @property
    def words(self) -> frozenset[str]:
        return self._words

    @property
    def stems(self) -> frozenset[str]:
        return self._stems

    def __contains__(self, word: object) -> bool:
        return word in self._words

    def __len__(self) -> int:
        return len(self._words)

    def union(self, other: Vocabulary) -> Vocabulary:
        return Vocabulary.from_tokens(self._words | other.words)

    def with_texts(self, texts: Iterable[str]) -> Vocabulary:
        return Vocabulary.from_texts(texts, base=self)

    def split(self, word: str) -> tuple[str, ...]:
        """The parts of compound `word` (a normalised token), or () if it is not one.

        Parts are surface forms with linking letters removed ("bygglovsansökan" →
        ("bygglov", "ansökan")). The split with fewest parts, then fewest linking letters,
        wins; a hyphen is always a boundary ("p-plats" → ("plats",)).
        """
        cached = self._splits.get(word)
        if cached is None:
            if len(self._splits) >= _MAX_CACHED_SPLITS:
                self._splits.clear()  # query words are unbounded; keep memory bounded
            cached = self._splits[word] = self._split_uncached(word)
        return cached

    def _split_uncached(self, word: str) -> tuple[str, ...]:
        if "-" in word:
            parts: list[str] = []
            for piece in word.split("-"):
                if len(piece) >= MIN_PART:
                    parts.append(piece)
                    parts.extend(self.split(piece))
            return tuple(parts)
        if len(word) < 2 * MIN_PART:
            return ()
        best = _best_split(word, self)
        return best[2] if best is not None else ()

    def _known_final(self, piece: str) -> bool:
        # The last part carries the inflection ("-platsen"): known if, less an ending, it is
        # a known word or stem. Cheaper than stemming every candidate substring.
        if piece in _NOT_PARTS:
            return False
        for cut in range(len(piece), max(len(piece) - _LONGEST_ENDING, MIN_PART) - 1, -1):
            if piece[cut:] in _ENDINGS and piece[:cut] in self._known:
                return True
        return False


def _best_split(word: str, vocabulary: Vocabulary) -> Split | None:
    """Fewest-parts split of `word` into at least two known parts.

    A forward pass finds where known first parts can end (most words have none, which keeps
    this cheap); dynamic programming backwards over those positions then picks the best
    split of each remainder, where the last part may carry an inflection.
    """
    n = len(word)
    known = vocabulary._known  # a non-final part is a word or a bare stem ("förskol-e")
    edges: dict[int, list[tuple[str, int, int]]] = {0: []}  # start → (part, next, linking)
    for start in range(n - 2 * MIN_PART + 1):
        if start not in edges:
            continue
        for end in range(start + MIN_PART, n - MIN_PART + 1):
            piece = word[start:end]
            if piece in known:
                for skip in (0, 1) if word[end] in LINKING_LETTERS else (0,):
                    if n - end - skip >= MIN_PART:
                        edges[start].append((piece, end + skip, skip))
                        edges.setdefault(end + skip, [])
    best: dict[int, Split] = {}
    for start in sorted(edges, reverse=True):
        options: list[Split] = []
        if start and vocabulary._known_final(word[start:]):
            options.append((1, 0, (word[start:],)))
        for piece, following, skip in edges[start]:
            tail = best.get(following)
            if tail is not None:
                options.append((tail[0] + 1, tail[1] + skip, (piece, *tail[2])))
        if options:
            best[start] = min(options)
    return best.get(0)
