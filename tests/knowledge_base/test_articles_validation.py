"""Article rules and the file format's front matter, as plain Python (no app, no database)."""

from __future__ import annotations

from datetime import date

import pytest

from knowledge_base.articles import (
    ArticleDraft,
    checklist_items,
    clean_article,
    is_current,
    is_stale,
    label_key,
    on_portal,
    portal_warnings,
    read_front_matter,
    split_front_matter,
)
from rosa.errors import RuleViolations

KNOWN = dict(departments={"tekn"}, reviewers={"handlare"},
             labels={label_key("Avfall › Sophämtning › Utebliven"),
                     label_key("Avfall › Sortergård › Öppettider")})


def test_fields_are_tidied_into_their_stored_form():
    """Spaces in the title, CRLF and blank edges in texts, a checklist typed as lines."""
    fields = clean_article(ArticleDraft(
        slug="avfall-1", title="  Tömning   av kärl ", answer_script="\r\nSvar.\r\n\r\n",
        body="\n\nRad 1\r\nRad 2  \n\n", checklist="Adress\n\n  Fastighet  \n",
        status="published", valid_from="2026-01-01", valid_to=date(2026, 12, 31)))
    assert fields.title == "Tömning av kärl" and fields.answer_script == "Svar."
    assert fields.body == "Rad 1\nRad 2" and fields.checklist == ("Adress", "Fastighet")
    assert fields.valid_from == date(2026, 1, 1) and fields.audience == "internal"


def test_every_rule_is_checked_and_reported_together():
    """Slug shape, title, status, audience, dates, reversed validity, long texts."""
    with pytest.raises(RuleViolations) as refused:
        clean_article(ArticleDraft(
            slug="Avfall_1", title="", status="klar", audience="alla", valid_from="2026-12-01",
            valid_to="2026-11-30", review_by="snart", answer_script="x" * 2001,
            checklist=["y" * 301]))
    assert set(refused.value.by_field()) == {
        "slug", "title", "status", "audience", "valid_to", "review_by", "answer_script",
        "checklist"}


def test_a_published_article_must_say_something():
    """Neither answer script nor body: refused when published, allowed as a draft."""
    with pytest.raises(RuleViolations) as refused:
        clean_article(ArticleDraft(slug="tom", title="Tom", status="published"))
    assert set(refused.value.by_field()) == {"answer_script"}
    assert clean_article(ArticleDraft(slug="tom", title="Tom")).status == "draft"


def test_the_citizen_voice_is_tidied_and_its_rules_checked_together():
    """An English answer needs the Swedish one and an English title; long texts are refused;
    a citizen answer alone is enough for a published article."""
    fields = clean_article(ArticleDraft(
        slug="a", title="A", status="published", title_en="  Bin   collection ",
        citizen_answer="\r\nDu ser din dag i appen.\r\n", citizen_answer_en="You see it. "))
    assert (fields.title_en, fields.citizen_answer, fields.citizen_answer_en) == (
        "Bin collection", "Du ser din dag i appen.", "You see it.")
    with pytest.raises(RuleViolations) as refused:
        clean_article(ArticleDraft(slug="a", title="A", citizen_answer_en="Only English",
                                   title_en="x" * 201))
    assert set(refused.value.by_field()) == {"citizen_answer", "title_en"}
    with pytest.raises(RuleViolations) as refused:
        clean_article(ArticleDraft(slug="a", title="A", citizen_answer="Svar",
                                   citizen_answer_en="Answer"))
    assert [p.reason for p in refused.value.violations] == [
        "Give the English answer an English title"]
    with pytest.raises(RuleViolations) as refused:
        clean_article(ArticleDraft(slug="a", title="A", citizen_answer="x" * 20_001))
    assert set(refused.value.by_field()) == {"citizen_answer"}


def test_a_public_article_without_citizen_answer_is_not_for_the_portal():
    """Published and public without a citizen answer: a warning, and not on the portal;
    internal articles and drafts need none."""
    bare = clean_article(ArticleDraft(slug="a", title="A", status="published",
                                      audience="public", answer_script="Säg till kunden"))
    assert [w.field for w in portal_warnings(bare)] == ["citizen_answer"] and not on_portal(bare)
    answered = clean_article(ArticleDraft(slug="a", title="A", status="published",
                                          audience="public", citizen_answer="Du kan …"))
    assert portal_warnings(answered) == [] and on_portal(answered)
    for quiet in (ArticleDraft(slug="a", title="A", status="published", answer_script="S"),
                  ArticleDraft(slug="a", title="A", audience="public")):
        assert portal_warnings(clean_article(quiet)) == []


def test_front_matter_is_cut_from_the_body_with_line_numbers():
    """The body starts after the second '---'; a missing delimiter is named."""
    split = split_front_matter("---\ntitle: X\ndepartment: tekn\n---\n\n# Rubrik\ntext\n")
    assert split.front_matter == "title: X\ndepartment: tekn"
    assert split.body == "# Rubrik\ntext" and split.body_line == 5
    for broken in ("title: X\n", "---\ntitle: X\n"):
        with pytest.raises(RuleViolations) as refused:
            split_front_matter(broken)
        assert set(refused.value.by_field()) == {"front matter"}


def test_front_matter_references_are_checked_by_name():
    """Labels by path in any case and with '>' or '›'; unknown and repeated ones named by
    index; unknown department, reviewer and field."""
    spec = read_front_matter("avfall", {
        "title": "Avfall", "department": "tekn", "reviewer": "handlare", "status": "draft",
        "labels": ["avfall > sophämtning > utebliven", "Avfall ›  Sortergård › Öppettider"],
        "checklist": ["Adress"], "review_by": date(2027, 1, 1)}, "Text",
        **KNOWN)
    assert spec.labels == (("avfall", "sophämtning", "utebliven"),
                           ("avfall", "sortergård", "öppettider"))
    assert spec.reviewer == "handlare" and spec.fields.review_by == date(2027, 1, 1)
    with pytest.raises(RuleViolations) as refused:
        read_front_matter("avfall", {
            "title": "Avfall", "department": "bygg", "reviewer": "okänd", "colour": "blå",
            "labels": ["Avfall › Sophämtning › Utebliven", "Avfall",
                       "avfall › sophämtning › utebliven", "Avfall › X › Y"],
            "checklist": "inte en lista"}, "", **KNOWN)
    assert set(refused.value.by_field()) == {
        "department", "reviewer", "colour", "labels[1]", "labels[2]", "labels[3]",
        "checklist"}
    with pytest.raises(RuleViolations):
        read_front_matter("avfall", ["inte", "en", "mapping"], "", **KNOWN)


def test_stale_and_current_follow_the_dates():
    """Stale after review-by unless archived; current when published and within validity."""
    today = date(2026, 11, 23)
    assert is_stale(date(2026, 11, 22), "published", today)
    assert not is_stale(date(2026, 11, 23), "published", today)
    assert not is_stale(date(2026, 1, 1), "archived", today)
    assert not is_stale(None, "draft", today)
    fields = clean_article(ArticleDraft(slug="a", title="A", answer_script="Svar",
                                        status="published", valid_to="2026-11-22"))
    assert not is_current(fields, today)
    assert is_current(clean_article(ArticleDraft(slug="a", title="A", answer_script="Svar",
                                                 status="published")), today)


def test_checklist_items_accept_lines_or_lists():
    """Blank items vanish and inner spacing is tidied."""
    assert checklist_items(["  a  b ", "", 3]) == ("a b", "3")
    assert checklist_items(None) == ()
