"""Suggesting labels (function › case type › label) from a citizen's own words.

Agents should not need the organisation chart to place a contact (DOMAIN.md, "signal
words"): "min soptunna har inte tömts" should offer Avfall › Sophämtning › Utebliven. This is
the knowledge-base search pointed at the taxonomy: the same analysis, compound splitting,
thesaurus and typo tolerance, with the signal words weighted highest because they are
written in the citizens' language, and a strong preference for labels that explain all of
what was said (short label texts make plain BM25 too eager to reward a single word).

What was said is weighed by how specific each word is among the labels (BM25's IDF over
labels), and that weighing must not be drowned by one generic word: "när töms mina sopor"
should lead to Sophämtning › Hämtningsdagar, whose signal words and answers say "töms", not
to Abonnemang › Information, whose texts say the generic "sopor" in every form the thesaurus
knows (sopor, avfall, hushållsavfall). Plain BM25 added each of those forms; here the
further thesaurus words for one typed word add only `ALTERNATIVE_SHARE` of theirs. (Coverage
weighted by each word's IDF was tried too and left out: the negation "inte", common among
labels but decisive between a fault report and information, then counted too little.)
The titles and answer scripts of the articles filed under a label (`LabelText.answers`)
count toward it: they are written in the words callers use about the label's matter.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from knowledge_base.compounds import Vocabulary
from knowledge_base.search import SearchIndex
from knowledge_base.thesaurus import Thesaurus

PATH_SEPARATOR = "›"
LABEL_FIELDS = {
    "signal_words": 3.5,
    "label": 3.0,
    "case_type": 2.0,
    "function": 1.5,
    "description": 0.5,
    "answers": 0.5,  # higher weights let long answers outvote the signal words
}
# On the demo relevance set: 1 (plain BM25) label top-1 0.74, 0.75 gives 0.78, 0.5 0.77.
ALTERNATIVE_SHARE = 0.75


@dataclass(frozen=True)
class LabelText:
    """What the suggester knows of a label: its path (a tuple of levels, or text such as
    "Avfall › Sophämtning › Utebliven"), signal words (phrases), description and the texts
    of the articles that answer it (titles and answer scripts)."""

    id: int
    path: tuple[str, ...] | str
    signal_words: Sequence[str] = ()
    description: str = ""
    active: bool = True
    answers: Sequence[str] = ()

    @property
    def levels(self) -> tuple[str, ...]:
        if isinstance(self.path, str):
            return tuple(level.strip() for level in self.path.split(PATH_SEPARATOR))
        return tuple(self.path)


@dataclass(frozen=True)
class Suggestion:
    """A suggested label; `score` ranks suggestions for one text and means nothing alone."""

    label_id: int
    score: float
    matched_terms: tuple[str, ...]


class LabelSuggester:
    """Ranks labels for free text; cheap to build for a few thousand labels."""

    def __init__(
        self,
        labels: Iterable[LabelText],
        *,
        thesaurus: Thesaurus | None = None,
        vocabulary: Vocabulary | None = None,
    ) -> None:
        self._index: SearchIndex[int] = SearchIndex(
            LABEL_FIELDS, thesaurus=thesaurus, vocabulary=vocabulary, b=0.3, coverage_weight=1.0,
            alternative_share=ALTERNATIVE_SHARE,
        )
        self._active: set[int] = set()
        for label in labels:
            self._index.add(label.id, _fields(label))
            if label.active:
                self._active.add(label.id)
        self._index.build()  # now, not in the first request: the suggester is shared

    def suggest(
        self, text: str, *, limit: int = 5, include_retired: bool = False
    ) -> list[Suggestion]:
        """The best labels for `text`, best first; retired labels only when asked for
        (e.g. when re-classifying an old case)."""
        where = None if include_retired else self._active.__contains__
        return [
            Suggestion(hit.doc_id, hit.score, hit.matched_terms)
            for hit in self._index.search(text, limit, where=where)
        ]


def _fields(label: LabelText) -> dict[str, str]:
    *upper, case_type, name = ("", "", *label.levels)
    return {
        "function": " ".join(upper),
        "case_type": case_type,
        "label": name,
        "signal_words": "\n".join(label.signal_words),
        "description": label.description,
        "answers": "\n".join(label.answers),
    }
