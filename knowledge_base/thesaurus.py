"""The thesaurus: citizens' words mapped to the municipality's words.

Citizens say "dagis", "soptipp" and "p-plats"; articles and labels say "förskola",
"återvinningscentral" and "parkeringsplats" (DOMAIN.md, "citizens' words differ from the
municipality's"). A query is expanded with the official words before it is ranked, so agents
find the article however the caller put it. The relation is usually one-way ("soptipp" finds
"återvinningscentral", not the reverse, because officials mean different things by them);
true synonyms are marked two-way.

Entries are kept as surface words for display and editing and compared as tuples of stems,
so "soptippen" and "soptippar" hit the entry for "soptipp". Expansion is one step and not
transitive, so an administrator's entry cannot set off a chain of drifting meanings.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from knowledge_base.normalise import content_words
from knowledge_base.stemming import stem

Phrase = tuple[str, ...]  # stems of a word or phrase's content words


def phrase_key(phrase: str) -> Phrase:
    """The stems under which `phrase` is compared; () when it has no content words.

    An admin form can reject an entry whose key is empty (only stop words or punctuation).
    """
    return tuple(stem(word) for word in content_words(phrase))


@dataclass(frozen=True)
class Synonym:
    """One relation: a search for `word` also searches `official` (and back if `two_way`)."""

    word: str
    official: str
    two_way: bool = False


@dataclass(frozen=True)
class Expansion:
    """Official terms found for the query words at positions [start, end)."""

    start: int
    end: int
    terms: tuple[str, ...]


class ThesaurusSyntaxError(ValueError):
    """Every problem in a thesaurus file at once, as (line number, reason) pairs."""

    def __init__(self, problems: Sequence[tuple[int, str]]) -> None:
        self.problems = tuple(problems)
        super().__init__("; ".join(f"line {line}: {reason}" for line, reason in self.problems))


class Thesaurus:
    """An immutable set of synonym relations with lookup by stemmed phrase."""

    def __init__(self, synonyms: Iterable[Synonym] = ()) -> None:
        self._synonyms = tuple(dict.fromkeys(synonyms))
        targets: dict[Phrase, dict[Phrase, None]] = {}
        for synonym in self._synonyms:
            word, official = phrase_key(synonym.word), phrase_key(synonym.official)
            if not word or not official or word == official:
                continue
            targets.setdefault(word, {})[official] = None
            if synonym.two_way:
                targets.setdefault(official, {})[word] = None
        self._targets = {key: tuple(found) for key, found in targets.items()}
        self._max_length = max((len(key) for key in self._targets), default=0)

    @classmethod
    def from_pairs(
        cls, pairs: Iterable[tuple[str, str] | tuple[str, str, bool]]
    ) -> Thesaurus:
        """Build from (citizen word, official word[, two_way]) rows, e.g. from the database.

        Rows whose words have no content (empty, only stop words) are ignored rather than
        failing the whole search over one bad row.
        """
        return cls(Synonym(*pair) for pair in pairs)

    @classmethod
    def parse(cls, text: str) -> Thesaurus:
        """Read the file format documented in data/thesaurus_sv.txt."""
        synonyms: list[Synonym] = []
        problems: list[tuple[int, str]] = []
        for number, raw in enumerate(text.splitlines(), start=1):
            line = raw.split("#", 1)[0].strip()
            if not line:
                continue
            found, problem = _parse_line(line)
            if problem:
                problems.append((number, problem))
            synonyms.extend(found)
        if problems:
            raise ThesaurusSyntaxError(problems)
        return cls(synonyms)

    @classmethod
    def load(cls, path: str | Path) -> Thesaurus:
        return cls.parse(Path(path).read_text(encoding="utf-8"))

    @classmethod
    def default(cls) -> Thesaurus:
        """The thesaurus shipped with the package (read once, then shared)."""
        return _default_thesaurus()

    def merged(self, other: Thesaurus) -> Thesaurus:
        """Both thesauri's relations: the shipped set plus administrators' entries."""
        return Thesaurus((*self._synonyms, *other.synonyms))

    @property
    def synonyms(self) -> tuple[Synonym, ...]:
        return self._synonyms

    def __len__(self) -> int:
        return len(self._synonyms)

    def words(self) -> list[str]:
        """Every word and phrase on either side, e.g. to teach the compound splitter."""
        return [w for s in self._synonyms for w in (s.word, s.official)]

    def keys(self) -> list[Phrase]:
        """Every stemmed phrase that has an expansion."""
        return list(self._targets)

    def lookup(self, key: Phrase) -> tuple[Phrase, ...]:
        """The official phrases for a stemmed phrase, in file order; () if none."""
        return self._targets.get(key, ())

    def expand_term(self, term: str) -> frozenset[str]:
        """The official stems one analysed term leads to ("dagis" → {"förskol"})."""
        return frozenset(s for phrase in self.lookup((term,)) for s in phrase)

    def expand(self, stems: Sequence[str]) -> list[Expansion]:
        """Every entry matching a run of consecutive query stems, longest runs included."""
        found: list[Expansion] = []
        for start in range(len(stems)):
            for end in range(start + 1, min(start + self._max_length, len(stems)) + 1):
                phrases = self.lookup(tuple(stems[start:end]))
                if phrases:
                    terms = tuple(dict.fromkeys(s for phrase in phrases for s in phrase))
                    found.append(Expansion(start, end, terms))
        return found


def _parse_line(line: str) -> tuple[list[Synonym], str | None]:
    empty = [item for item in _items(line.replace("=>", ",")) if not phrase_key(item)]
    if empty:
        return [], f"no searchable words in {', '.join(map(repr, empty))}"
    if line.count("=>") > 1:
        return [], "more than one '=>'"
    if "=>" in line:
        left, right = (_items(side) for side in line.split("=>"))
        if not left or not right:
            return [], "'=>' needs words on both sides"
        return [Synonym(word, official) for word in left for official in right], None
    items = _items(line)
    if len(items) < 2:
        return [], "an equivalence needs at least two words separated by commas"
    pairs = [Synonym(a, b, two_way=True) for i, a in enumerate(items) for b in items[i + 1 :]]
    return pairs, None


def _items(side: str) -> list[str]:
    return [item.strip() for item in side.split(",") if item.strip()]


@cache
def _default_thesaurus() -> Thesaurus:
    text = resources.files("knowledge_base").joinpath("data/thesaurus_sv.txt")
    return Thesaurus.parse(text.read_text(encoding="utf-8"))
