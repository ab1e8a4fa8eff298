"""Thesaurus administration: additions merged with the shipped thesaurus, duplicates and
empty words refused, and the cached thesaurus follows every change."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.services.knowledge.thesaurus import (
    add_entry,
    current_thesaurus,
    delete_entry,
    thesaurus_text,
)
from knowledge_base import Thesaurus, phrase_key
from models import AuditEntry, ThesaurusEntry
from rosa.errors import RuleViolations


def test_current_thesaurus_is_the_shipped_one_plus_additions(session, world, now):
    """An added one-way entry expands the citizen word; the shipped entries stay."""
    before = current_thesaurus(session)
    assert len(before) == len(Thesaurus.default())
    add_entry(session, world.admin, word="Kvarnbadet", official="simhall", now=now)
    session.commit()
    merged = current_thesaurus(session)
    assert phrase_key("simhall") in merged.lookup(phrase_key("kvarnbadet"))
    assert merged.lookup(phrase_key("simhall")) == Thesaurus.default().lookup(
        phrase_key("simhall"))
    assert current_thesaurus(session) is merged  # cached while nothing changes


def test_the_cache_notices_changes_made_elsewhere(session, world, now):
    """A row written by another process (here: directly) changes the signature."""
    current_thesaurus(session)
    session.add(ThesaurusEntry(word="vattenklocka", official="vattenmätare"))
    session.commit()
    assert current_thesaurus(session).lookup(phrase_key("vattenklocka"))
    entry = session.scalar(select(ThesaurusEntry))
    delete_entry(session, world.admin, entry, now=now)
    session.commit()
    assert not current_thesaurus(session).lookup(phrase_key("vattenklocka"))


def test_duplicates_and_empty_words_are_refused(session, world, now):
    """Empty, only stop words, reserved characters, same word, already added or shipped."""
    add_entry(session, world.admin, word="Kvarnbadet", official="simhall", two_way=True,
              now=now)
    cases = [
        (dict(word="", official="simhall"), {"word"}),
        (dict(word="och att", official="simhall"), {"word"}),
        (dict(word="a, b", official="x => y"), {"word", "official"}),
        (dict(word="Simhallen", official="simhall"), {"official"}),
        (dict(word="simhallen", official="kvarnbadet"), {"word"}),  # either way round
        (dict(word="soptippen", official="återvinningscentral"), {"word"}),  # shipped
    ]
    for fields, expected in cases:
        with pytest.raises(RuleViolations) as refused:
            add_entry(session, world.admin, now=now, **fields)
        assert set(refused.value.by_field()) == expected, fields
    reasons = [v.format() for v in refused.value.violations]
    assert "already" in reasons[0]


def test_entries_are_audited_and_exported_in_the_file_format(session, world, now):
    """Words with the same official words share a line; parsed back into the same
    relations."""
    for word, official in (("vattenklocka", "vattenmätare"), ("garbage", "avfall"),
                           ("trash", "avfall"), ("garbage", "sophämtning"),
                           ("trash", "sophämtning"), ("rubbish", "avfall")):
        add_entry(session, world.admin, word=word, official=official, now=now)
    add_entry(session, world.admin, word="utebad", official="badplats", two_way=True, now=now)
    entries = list(session.scalars(select(ThesaurusEntry).order_by(ThesaurusEntry.id)))
    text = thesaurus_text(entries)
    assert text == ("garbage, trash => avfall, sophämtning\nrubbish => avfall\n"
                    "utebad, badplats\nvattenklocka => vattenmätare\n")
    parsed = Thesaurus.parse(text)
    assert {(s.word, s.official, s.two_way) for s in parsed.synonyms} == {
        (e.word, e.official, e.two_way) for e in entries}
    assert session.scalar(select(AuditEntry.action).where(
        AuditEntry.target_type == "thesaurus_entry")) == "thesaurus.added"
