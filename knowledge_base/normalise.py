"""Turning free Swedish text into comparable word tokens.

Citizens' text arrives from phones, e-mail and web forms: mixed case, decomposed Unicode (an
"ö" typed on a Mac may be "o" + combining diaeresis), soft hyphens pasted from web pages and
typographic dashes. All of it must reduce to the same tokens as the knowledge base's own text,
or nothing matches. å, ä and ö are kept: they are letters in Swedish, not accents ("för" and
"for" are different words).
"""

from __future__ import annotations

import re
import unicodedata

# Invisible characters that split or glue words without the writer seeing them.
_INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")
# Typographic hyphens become ASCII "-" so "p‑plats" (non-breaking hyphen) equals "p-plats".
_HYPHENS = re.compile("[\u2010\u2011\u2012\u2013\u2212\ufe63\uff0d]")
# A word is letters/digits, optionally joined by single hyphens ("p-plats", "va-taxa").
_TOKEN = re.compile(r"[^\W_]+(?:-[^\W_]+)*")
MIN_TOKEN_LENGTH = 2  # single letters carry no meaning on their own ("i" is a stop word anyway)

# Function words that say nothing about what a text is about. Deliberately short: negations
# ("inte", "ingen") and question words ("när", "hur") stay, because "tunnan har inte tömts"
# (a fault report) and "när töms tunnan" (information) must lead to different labels.
STOP_WORDS: frozenset[str] = frozenset(
    """
    och att det som en ett den de dem på i av för med till om är var varit vara blir bli
    blev har hade ha jag vi du ni han hon hen man mig dig oss er sig honom henne deras hans
    hennes min mitt mina din ditt dina sin sitt sina vår vårt våra er ert era kan kunde
    ska skall skulle vill ville måste får fick så eller men nu då här där från ut upp
    denna detta dessa också bara än hej tack åt vid mot efter under över sedan
    """.split()
)

# Kept, but weak: they tell information requests from fault reports ("när töms tunnan" vs
# "tunnan har inte tömts") and say nothing about the topic.
QUESTION_WORDS: frozenset[str] = frozenset(
    "när hur vad vilken vilket vilka varför vem vems vart varifrån".split()
)


def normalise(text: str) -> str:
    """Case-fold and compose `text` so equal words compare equal byte for byte.

    NFC composes "o" + U+0308 into "ö"; casefold is applied between two NFC passes because
    folding can itself produce decomposed sequences.
    """
    text = _HYPHENS.sub("-", _INVISIBLE.sub("", unicodedata.normalize("NFC", text)))
    return unicodedata.normalize("NFC", text.casefold())


def tokenise(text: str) -> list[str]:
    """Split text into normalised word tokens; punctuation separates words and is dropped.

    Hyphenated words stay whole ("p-plats") so the compound splitter can use the hyphen as a
    known boundary; tokens shorter than two characters are dropped.
    """
    return [
        token
        for token in _TOKEN.findall(normalise(text))
        if len(token) >= MIN_TOKEN_LENGTH
    ]


def is_stop_word(token: str) -> bool:
    """Whether `token` (already normalised) is a function word to leave out of analysis."""
    return token in STOP_WORDS


def content_words(text: str) -> list[str]:
    """The tokens of `text` that carry meaning, in order (stop words removed)."""
    return [token for token in tokenise(text) if token not in STOP_WORDS]
