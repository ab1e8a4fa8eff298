"""Articles: one writer that sanitises, indexes, versions, audits and refuses stale saves."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select, update

from app.services.knowledge.articles import (
    ArticleFilter,
    ArticleInput,
    EditConflict,
    NeedsConfirmation,
    article_history,
    label_ids_of,
    list_articles,
    render_markdown,
    save_article,
)
from knowledge_base.documents import index_fields
from models import Article, ArticleVersion, AuditEntry
from rosa.errors import RuleViolations
from tests import factories


def _input(article: Article, world, **changes) -> ArticleInput:
    values = dict(slug=article.slug, title=article.title, department_id=article.department_id,
                  answer_script=article.answer_script, body_md=article.body_md,
                  checklist=list(article.checklist), status=article.status,
                  audience=article.audience, valid_from=article.valid_from,
                  valid_to=article.valid_to, review_by=article.review_by,
                  reviewer_id=article.reviewer_id, title_en=article.title_en,
                  citizen_answer_md=article.citizen_answer_md,
                  citizen_answer_en_md=article.citizen_answer_en_md,
                  label_ids=[world.labels["info"].id])
    values.update(changes)
    return ArticleInput(**values)


def test_markdown_is_rendered_and_dangerous_html_removed():
    """Headings, lists, links, emphasis and tables stay; scripts, handlers, javascript: go."""
    html = render_markdown(
        "## Rubrik\n\n- ett\n- två\n\n*kursiv* och **fet** [webb](https://exempel.se)\n\n"
        "| Dag | Tid |\n|---|---|\n| Mån | 7–19 |\n\n"
        "<script>alert(1)</script>[klick](javascript:alert(1)) "
        '<a href="https://x.se" onclick="steal()">x</a> <img src=x onerror=alert(1)>')
    for kept in ("<h2>Rubrik</h2>", "<li>ett</li>", "<em>kursiv</em>", "<strong>fet</strong>",
                 '<a href="https://exempel.se" rel="noopener noreferrer">webb</a>',
                 "<table>", "<td>7–19</td>"):
        assert kept in html
    for removed in ("<script", "alert(1)", "javascript:", "onclick", "<img", "onerror"):
        assert removed not in html


def test_creating_an_article_renders_indexes_versions_and_audits(session, world, now):
    """Version 1 with its labels, rendered HTML, search terms, history row and audit entry."""
    article = factories.article(session, world, checklist=["Fråga om adressen"],
                                labels=("info", "guidance"), now=now)
    session.commit()
    assert article.version == 1 and article.created_at == now
    assert article.body_html.startswith("<h2>Öppettider</h2>")
    assert {k: getattr(article, k) for k in ("search_title", "search_answer", "search_body")} \
        == index_fields(article.title, article.answer_script, ["Fråga om adressen"],
                        article.body_md)
    assert "återvinningscentral" in article.search_title
    assert set(label_ids_of(session, article.id)) == {world.labels["info"].id,
                                                      world.labels["guidance"].id}
    version = session.scalar(select(ArticleVersion))
    assert (version.version, version.changed_by_id, version.title) == (
        1, world.admin.id, article.title)
    assert sorted(version.label_ids) == sorted(label_ids_of(session, article.id))
    entry = session.scalar(select(AuditEntry).where(AuditEntry.target_type == "article"))
    assert entry.action == "article.created" and entry.data["version"] == 1


def test_every_changing_save_adds_a_version_and_an_unchanged_save_adds_none(session, world,
                                                                           now):
    """Version 2 records the editor and what changed; saving the same again writes nothing."""
    article = factories.article(session, world, now=now)
    later = now + timedelta(hours=1)
    result = save_article(session, world.handler, article,
                          _input(article, world, body_md="Vardagar 7–20.", status="archived",
                                 reviewer_id=world.handler.id),
                          now=later, expected_version=1, note="Nya tider")
    session.commit()
    assert set(result.changed) == {"body_md", "status", "reviewer"}
    assert article.version == 2 and article.updated_at == later
    assert article.body_html == "<p>Vardagar 7–20.</p>"
    again = save_article(session, world.handler, article, _input(article, world), now=later,
                         expected_version=2)
    session.commit()
    assert again.changed == () and article.version == 2
    assert session.scalar(select(func.count(ArticleVersion.id))) == 2
    newest = session.scalar(select(ArticleVersion).where(ArticleVersion.version == 2))
    assert (newest.changed_by_id, newest.note, newest.status) == (
        world.handler.id, "Nya tider", "archived")


def test_a_save_based_on_an_old_version_is_refused(session, world, now):
    """The form's version is older than the article's: EditConflict, nothing written."""
    article = factories.article(session, world, now=now)
    save_article(session, world.admin, article, _input(article, world, title="Ny titel"),
                 now=now, expected_version=1)
    session.commit()
    with pytest.raises(EditConflict) as refused:
        save_article(session, world.handler, article,
                     _input(article, world, title="Min titel"), now=now, expected_version=1)
    assert refused.value.current_version == 2
    assert "version 2" in refused.value.violations[0].format()
    session.rollback()
    assert session.get(Article, article.id).title == "Ny titel"


def test_a_concurrent_save_between_read_and_write_is_refused(session, world, now):
    """Another transaction bumped the version after we loaded the row: the flush refuses."""
    article = factories.article(session, world, now=now)
    session.commit()
    session.execute(update(Article).where(Article.id == article.id).values(version=7))
    with pytest.raises(EditConflict):
        save_article(session, world.admin, article, _input(article, world, title="X"),
                     now=now, expected_version=1)
    session.rollback()
    assert session.get(Article, article.id).title != "X"


def test_every_problem_is_reported_at_once(session, world, now):
    """Bad slug, empty title, reversed validity, bad date, unknown department and label."""
    factories.article(session, world, slug="finns-redan", now=now)
    with pytest.raises(RuleViolations) as refused:
        save_article(session, world.admin, None, ArticleInput(
            slug="Finns Redan!", title="  ", department_id=999_999, valid_from="2026-12-01",
            valid_to="2026-11-01", review_by="1 mars", label_ids=[999_999]), now=now)
    fields = set(refused.value.by_field())
    assert fields == {"slug", "title", "valid_to", "review_by", "department_id", "label_ids"}
    with pytest.raises(RuleViolations) as taken:
        save_article(session, world.admin, None, ArticleInput(
            slug="finns-redan", title="Dubblett", department_id=world.tech.id,
            answer_script="Svar"), now=now)
    assert set(taken.value.by_field()) == {"slug"}


def test_history_lists_versions_newest_first_with_what_changed(session, world, now):
    """Each version names its editor and its changes: text as a line diff, short fields
    as old → new, labels by path."""
    article = factories.article(session, world, now=now)
    save_article(session, world.handler, article, _input(
        article, world, body_md="## Öppettider\n\nVardagar 7–20, lördagar 9–15.",
        review_by=date(2027, 3, 1), label_ids=[world.labels["info"].id,
                                               world.labels["guidance"].id]),
        now=now, expected_version=1)
    session.commit()
    history = article_history(session, article)
    assert [entry.version.version for entry in history] == [2, 1]
    assert history[0].version.changed_by.username == "handler"
    changes = {change.name: change for change in history[0].changes}
    assert set(changes) == {"body_md", "labels", "review_by"}
    assert ("-", "Vardagar 7–19, lördagar 9–15.") in changes["body_md"].diff
    assert ("+", "Vardagar 7–20, lördagar 9–15.") in changes["body_md"].diff
    assert ("+", "Avfall › Abonnemang › Information") in changes["labels"].diff
    assert (changes["review_by"].old, changes["review_by"].new) == ("", "2027-03-01")


def test_article_list_filters_and_marks_stale_articles(session, world, now):
    """Stale = review-by date passed (not for archived); filters combine."""
    today = now.date()
    factories.article(session, world, slug="gammal", title="Gammal", now=now,
                      review_by=today - timedelta(days=1))
    factories.article(session, world, slug="arkiv", title="Arkiverad", now=now,
                      status="archived", review_by=today - timedelta(days=30))
    factories.article(session, world, slug="publik", title="Öppet för alla", now=now,
                      audience="public", review_by=today)
    session.commit()
    rows = list_articles(session, ArticleFilter(), today=today)
    assert [(r.article.slug, r.stale) for r in rows] == [
        ("arkiv", False), ("gammal", True), ("publik", False)]  # by title: Ö sorts last
    assert [r.article.slug for r in list_articles(session, ArticleFilter(stale=True),
                                                  today=today)] == ["gammal"]
    assert [r.article.slug for r in list_articles(
        session, ArticleFilter(audience="public", status="published",
                               department_id=world.tech.id), today=today)] == ["publik"]
    assert [r.article.slug for r in list_articles(session, ArticleFilter(text="GAMM"),
                                                  today=today)] == ["gammal"]
    assert [r.article.slug for r in list_articles(session, ArticleFilter(text="öppet"),
                                                  today=today)] == ["publik"]
    assert list_articles(session, ArticleFilter(department_id=world.social.id),
                         today=today) == []


CITIZEN = "Du kan lämna grovsopor **gratis** på återvinningscentralen.<script>x()</script>"


def test_citizen_answers_are_rendered_indexed_with_the_body_and_versioned(session, world, now):
    """Both citizen answers get sanitised HTML, their words are searchable in the body
    field (not the script's), and the version keeps them."""
    article = factories.article(session, world, now=now, audience="public",
                                citizen_answer_md=CITIZEN, title_en="Recycling centre",
                                citizen_answer_en_md="You can leave bulky waste for free.")
    session.commit()
    assert article.citizen_answer_html == (
        "<p>Du kan lämna grovsopor <strong>gratis</strong> på återvinningscentralen.</p>")
    assert article.citizen_answer_en_html == "<p>You can leave bulky waste for free.</p>"
    body_terms = article.search_body.split()
    assert "grovsop" in body_terms and "bulky" in body_terms
    assert "grovsop" not in article.search_answer.split()
    version = session.scalar(select(ArticleVersion))
    assert (version.title_en, version.citizen_answer_md, version.citizen_answer_en_md) == (
        "Recycling centre", article.citizen_answer_md, "You can leave bulky waste for free.")


def test_history_shows_changes_to_the_citizen_answers(session, world, now):
    """A new Swedish answer is a line diff; a new English title is old → new."""
    article = factories.article(session, world, now=now, audience="public",
                                citizen_answer_md="Öppet vardagar.")
    save_article(session, world.handler, article, _input(
        article, world, citizen_answer_md="Öppet alla dagar.", title_en="Opening hours",
        citizen_answer_en_md="Open every day."), now=now, expected_version=1)
    session.commit()
    changes = {c.name: c for c in article_history(session, article)[0].changes}
    assert set(changes) == {"citizen_answer_md", "citizen_answer_en_md", "title_en"}
    assert ("-", "Öppet vardagar.") in changes["citizen_answer_md"].diff
    assert ("+", "Open every day.") in changes["citizen_answer_en_md"].diff
    assert (changes["title_en"].old, changes["title_en"].new) == ("", "Opening hours")


def test_publishing_a_public_article_without_citizen_answer_asks_first(session, world, now):
    """Unconfirmed: refused and nothing written. Confirmed: saved with the warning. Editing
    an article that already was so does not ask again."""
    data = ArticleInput(slug="utan-svar", title="Utan svar", department_id=world.tech.id,
                        answer_script="Säg till kunden att ringa", status="published",
                        audience="public", label_ids=[world.labels["info"].id])
    with pytest.raises(NeedsConfirmation) as asked:
        save_article(session, world.admin, None, data, now=now, confirmed=False)
    assert [w.field for w in asked.value.violations] == ["citizen_answer"]
    session.rollback()
    assert session.scalar(select(func.count(Article.id))) == 0
    result = save_article(session, world.admin, None, data, now=now)
    assert [w.field for w in result.warnings] == ["citizen_answer"]
    session.commit()
    again = save_article(session, world.admin, result.article, _input(
        result.article, world, title="Utan svar ännu"), now=now, expected_version=1,
        confirmed=False)
    assert again.changed == ("title",) and again.warnings
    internal = save_article(session, world.admin, result.article, _input(
        result.article, world, audience="internal"), now=now, confirmed=False)
    assert internal.warnings == ()
