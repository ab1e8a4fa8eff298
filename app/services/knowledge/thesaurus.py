"""Administrators' additions to the thesaurus, and the thesaurus search uses.

The shipped thesaurus (knowledge_base/data/thesaurus_sv.txt) covers the common citizen words;
each municipality adds its own ("Kvarnbadet" for the swimming hall, a local nickname for the
recycling centre). `current_thesaurus` merges both. Search calls it for every query, so the
merged thesaurus is cached in the process and rebuilt only when the table changed: a single
cheap aggregate (count, highest id, newest creation time) tells.
"""

from __future__ import annotations

import threading
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.services.audit import audit
from knowledge_base import Thesaurus, phrase_key
from models import ThesaurusEntry, User
from rosa.errors import RuleViolation, RuleViolations, violation
from rosa.i18n import N_

MAX_WORD = 200
# The file format (Solr synonyms) gives these characters a meaning; inside a word they would
# make the exported thesaurus.txt say something else.
_RESERVED = (",", "=>", "#")

_lock = threading.Lock()
_cache: dict[object, tuple[tuple, Thesaurus]] = {}


def current_thesaurus(session: Session) -> Thesaurus:
    """The shipped thesaurus merged with the database's entries (cached per process)."""
    bind = session.get_bind()
    key = str(getattr(bind, "url", id(bind)))
    signature = tuple(session.execute(select(
        func.count(ThesaurusEntry.id), func.max(ThesaurusEntry.id),
        func.max(ThesaurusEntry.created_at))).one())
    cached = _cache.get(key)
    if cached is not None and cached[0] == signature:
        return cached[1]
    rows = session.execute(select(ThesaurusEntry.word, ThesaurusEntry.official,
                                  ThesaurusEntry.two_way).order_by(ThesaurusEntry.id)).all()
    thesaurus = Thesaurus.default().merged(Thesaurus.from_pairs(tuple(r) for r in rows))
    with _lock:
        _cache[key] = (signature, thesaurus)
    return thesaurus


def forget_cached_thesaurus() -> None:
    """Drop the cache (after a change in this process; other processes see the signature)."""
    with _lock:
        _cache.clear()


def list_entries(session: Session) -> list[ThesaurusEntry]:
    return list(session.scalars(select(ThesaurusEntry).order_by(
        func.lower(ThesaurusEntry.official), func.lower(ThesaurusEntry.word))))


def check_entry(session: Session, word: str, official: str, two_way: bool
                ) -> tuple[str, str, list[RuleViolation]]:
    """The entry's words with spacing tidied, and every reason to refuse it."""
    word, official = " ".join((word or "").split()), " ".join((official or "").split())
    problems: list[RuleViolation] = []
    for name, value in (("word", word), ("official", official)):
        if not value:
            problems.append(violation(name, N_("This field is required")))
        elif len(value) > MAX_WORD:
            problems.append(violation(name, N_("At most %(max)s characters"), max=MAX_WORD))
        elif any(mark in value for mark in _RESERVED):
            problems.append(violation(name, N_("Write one word or phrase, without commas, "
                                               "'=>' or '#'")))
        elif not phrase_key(value):
            problems.append(violation(name, N_("Only common little words; write a word that "
                                               "says what is meant")))
    if problems:
        return word, official, problems
    word_key, official_key = phrase_key(word), phrase_key(official)
    if word_key == official_key:
        problems.append(violation("official", N_("The two words are the same word")))
    elif _in_table(session, word_key, official_key):
        problems.append(violation("word", N_(
            "'%(word)s' and '%(official)s' already have an entry in the list; delete it first "
            "to change it"), word=word, official=official))
    elif _shipped(word_key, official_key, two_way):
        problems.append(violation("word", N_(
            "The shipped thesaurus already leads from '%(word)s' to '%(official)s'"),
            word=word, official=official))
    return word, official, problems


def _in_table(session: Session, word_key, official_key) -> bool:
    """An entry for the same two words exists, either way round (compared by stems, so
    "soptippen" is the same word as "soptipp")."""
    pair = {word_key, official_key}
    return any({phrase_key(w), phrase_key(o)} == pair for w, o in session.execute(
        select(ThesaurusEntry.word, ThesaurusEntry.official)))


def _shipped(word_key, official_key, two_way: bool) -> bool:
    shipped = Thesaurus.default()
    found = official_key in shipped.lookup(word_key)
    return found and (not two_way or word_key in shipped.lookup(official_key))


def add_entry(session: Session, actor: User | None, *, word: str, official: str,
              two_way: bool = False, now: datetime) -> ThesaurusEntry:
    """Add "a search for `word` also finds `official`" (and back, if two-way)."""
    word, official, problems = check_entry(session, word, official, two_way)
    if problems:
        raise RuleViolations(problems)
    entry = ThesaurusEntry(word=word, official=official, two_way=bool(two_way),
                           created_by_id=actor.id if actor else None)
    session.add(entry)
    session.flush()
    audit(session, actor, "thesaurus.added", "thesaurus_entry", entry.id, now=now, word=word,
          official=official, two_way=bool(two_way))
    forget_cached_thesaurus()
    return entry


def delete_entry(session: Session, actor: User | None, entry: ThesaurusEntry, *,
                 now: datetime) -> None:
    audit(session, actor, "thesaurus.deleted", "thesaurus_entry", entry.id, now=now,
          word=entry.word, official=entry.official, two_way=entry.two_way)
    session.delete(entry)
    session.flush()
    forget_cached_thesaurus()


def thesaurus_text(entries: list[ThesaurusEntry]) -> str:
    """The entries in the shipped file's format (for export): citizen words that lead to the
    same official words share a line ("garbage, trash => avfall"), two-way pairs get a line
    each. Reading the text back gives exactly the same relations."""
    officials: dict[str, list[str]] = {}
    lines: list[tuple[str, str]] = []
    for entry in entries:
        if entry.two_way:
            lines.append((entry.official.casefold(), f"{entry.word}, {entry.official}"))
        else:
            officials.setdefault(entry.word, []).append(entry.official)
    groups: dict[tuple[str, ...], list[str]] = {}
    for word, targets in officials.items():
        groups.setdefault(tuple(dict.fromkeys(targets)), []).append(word)
    for targets, words in groups.items():
        lines.append((targets[0].casefold(), f"{', '.join(words)} => {', '.join(targets)}"))
    return "".join(f"{line}\n" for _key, line in sorted(lines, key=lambda item: item[0]))
