"""Knowledge-base administration pages: articles (preview, history, optimistic locking),
bulletins and the thesaurus — for administrators only, every form with CSRF, errors per
field in Swedish with everything typed kept, every change audited."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.services.knowledge.articles import label_ids_of
from models import Article, ArticleVersion, AuditEntry, Bulletin, ThesaurusEntry
from tests import factories
from tests.conftest import csrf_token


def _article_form(world, **overrides) -> dict:
    data = {"title": "Grovsopor – hämtning vid fastigheten", "slug": "grovsopor-hamtning",
            "answer_script": "Säg att hen kan beställa hämtning av grovsopor via e-tjänsten.",
            "citizen_answer_md": "Du beställer hämtning av grovsopor i e-tjänsten **Grovsopor**.",
            "title_en": "", "citizen_answer_en_md": "",
            "checklist": "Fråga efter adressen\nFråga vad som ska hämtas",
            "body_md": "## Så går det till\n\n- Beställ\n- Ställ ut", "status": "published",
            "audience": "public", "department_id": str(world.tech.id),
            "reviewer_id": str(world.handler.id), "valid_from": "2026-01-01", "valid_to": "",
            "review_by": "2027-01-31", "note": "", "action": "save",
            "label_ids": [str(world.labels["admin_mandate"].id)]}
    data.update(overrides)
    return data


def _post(client, url, data):
    token = csrf_token(client.get(url).get_data(as_text=True))
    return client.post(url, data={**data, "csrf_token": token})


def test_admin_writes_an_article_that_is_saved_indexed_and_audited(world, login_as, session):
    """The new article has its labels, sanitised HTML, search terms, version 1 and an audit
    entry; the list shows it."""
    client = login_as(world.admin)
    response = _post(client, "/admin/kb/articles/new", _article_form(world))
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    session.rollback()
    article = session.scalar(select(Article))
    assert (article.slug, article.status, article.audience, article.version) == (
        "grovsopor-hamtning", "published", "public", 1)
    assert article.checklist == ["Fråga efter adressen", "Fråga vad som ska hämtas"]
    assert "<h2>Så går det till</h2>" in article.body_html and article.search_body
    assert label_ids_of(session, article.id) == (world.labels["admin_mandate"].id,)
    assert session.scalar(select(AuditEntry.actor_id).where(
        AuditEntry.action == "article.created")) == world.admin.id
    page = client.get("/admin/kb/articles").get_data(as_text=True)
    assert "Grovsopor – hämtning vid fastigheten" in page and "Publik" in page


def test_bad_article_input_is_explained_per_field_and_kept(world, login_as, session):
    """Swedish errors next to each field, linked from a summary; what was typed stays."""
    client = login_as(world.admin)
    response = _post(client, "/admin/kb/articles/new", _article_form(
        world, title="", slug="Fel Slug", valid_from="2026-12-01", valid_to="2026-11-01",
        review_by="nästa vår", department_id="", body_md="Min **text** finns kvar"))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Fältet är obligatoriskt" in page
    assert "Giltig till får inte vara före giltig från" in page
    assert "Skriv ett datum som ÅÅÅÅ-MM-DD" in page
    assert "Välj ansvarig förvaltning" in page
    assert 'value="Fel Slug"' in page and "Min **text** finns kvar" in page
    assert 'aria-describedby="slug-help slug-errors"' in page
    assert '<a href="#title">' in page
    assert session.scalar(select(func.count(Article.id))) == 0


def test_the_form_says_who_reads_which_field(world, login_as):
    """The citizens' fields and the agents' fields are labelled and explained apart."""
    page = login_as(world.admin).get("/admin/kb/articles/new").get_data(as_text=True)
    citizen = page[page.index("För invånare: webben"):page.index("För kundtjänst: telefonen")]
    agent = page[page.index("För kundtjänst: telefonen"):]
    assert 'for="citizen_answer_md">Svar till invånare, på svenska (Markdown)' in citizen
    assert 'for="citizen_answer_en_md">Svar till invånare, på engelska (Markdown)' in citizen
    assert 'for="title_en">Rubrik på engelska' in citizen
    assert "utan instruktioner till personalen" in citizen
    assert 'for="answer_script">Svarsmanus för kundtjänst' in agent
    assert "Bara för personalen: visas aldrig för invånare." in agent
    assert 'aria-describedby="citizen_answer_md-help"' in page


def test_publishing_a_public_article_without_citizen_answer_warns_first(world, login_as,
                                                                        session):
    """First save: refused with a warning on the field and a box to tick, everything kept.
    Ticked: saved, with a warning flash, and marked "not on the portal" in list and form."""
    client = login_as(world.admin)
    data = _article_form(world, citizen_answer_md="")
    response = _post(client, "/admin/kb/articles/new", data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Invånarna ser inte den här publika artikeln förrän den har ett svar" in page
    assert 'aria-describedby="citizen_answer_md-help citizen_answer_md-errors"' in page
    assert 'id="publish_hidden"' in page and "Publicera ändå, bara för personalen" in page
    assert '<a href="#publish_hidden">' in page
    assert "Säg att hen kan beställa" in page and 'value="grovsopor-hamtning"' in page
    assert session.scalar(select(func.count(Article.id))) == 0
    saved = _post(client, "/admin/kb/articles/new", {**data, "publish_hidden": "y"})
    assert saved.status_code == 303
    form = client.get(saved.headers["Location"]).get_data(as_text=True)
    assert "flash-warning" in form and "Inte på webben" in form
    assert "ser den inte: den har inget svar till invånare" in form
    listing = client.get("/admin/kb/articles").get_data(as_text=True)
    assert "kb-hidden" in listing
    session.rollback()
    article = session.scalar(select(Article))
    assert (article.status, article.audience, article.citizen_answer_md) == (
        "published", "public", "")
    answered = _post(client, saved.headers["Location"], _article_form(world, version="1"))
    assert answered.status_code == 303
    assert "kb-hidden" not in client.get("/admin/kb/articles").get_data(as_text=True)


def test_english_answer_rules_are_explained_on_their_fields(world, login_as, session):
    """An English answer needs an English title and a Swedish answer; errors in Swedish,
    next to the fields, with the text kept."""
    client = login_as(world.admin)
    response = _post(client, "/admin/kb/articles/new", _article_form(
        world, citizen_answer_md="", citizen_answer_en_md="You order it online.",
        status="draft"))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Ge det engelska svaret en engelsk rubrik" in page
    assert "Skriv svaret på svenska också" in page
    assert 'aria-describedby="title_en-help title_en-errors"' in page
    assert "You order it online." in page
    assert session.scalar(select(func.count(Article.id))) == 0


def test_citizen_answer_is_previewed_saved_and_in_the_history(world, login_as, session):
    """Preview shows the citizens' text apart from the agents'; saving renders it; the
    history names the changed citizen answer."""
    client = login_as(world.admin)
    preview = _post(client, "/admin/kb/articles/new", _article_form(
        world, action="preview", citizen_answer_md="## Så gör du\n\n<script>x()</script>Beställ",
        title_en="Bulky waste", citizen_answer_en_md="Order *online*."))
    page = preview.get_data(as_text=True)
    shown = page[page.index('id="preview"'):]
    assert shown.index("Det invånarna läser") < shown.index("<h2>Så gör du</h2>") \
        < shown.index("Det kundtjänst ser")
    assert "<em>online</em>" in shown and "<script>" not in shown.split("</section>")[0]
    response = _post(client, "/admin/kb/articles/new", _article_form(
        world, title_en="Bulky waste", citizen_answer_en_md="Order *online*."))
    assert response.status_code == 303
    url = response.headers["Location"]
    edited = _post(client, url, _article_form(world, version="1", citizen_answer_md="Ring oss.",
                                              title_en="Bulky waste",
                                              citizen_answer_en_md="Order *online*."))
    assert edited.status_code == 303
    history = client.get(f"{url}/history").get_data(as_text=True)
    assert "Svar till invånare (svenska)" in history
    assert re.search(r"<ins>.*Ring oss.</ins>", history)
    session.rollback()
    assert session.scalar(select(Article.citizen_answer_en_html)) == "<p>Order <em>online</em>.</p>"


def test_preview_shows_sanitised_html_and_saves_nothing(world, login_as, session):
    """The preview button renders the body as agents will see it, without scripts."""
    client = login_as(world.admin)
    response = _post(client, "/admin/kb/articles/new", _article_form(
        world, action="preview",
        body_md="## Rubrik\n\n<script>alert('x')</script>[länk](javascript:alert(1))"))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    preview = page[page.index('id="preview"'):]
    assert "<h2>Rubrik</h2>" in preview and "<script>" not in preview
    assert "javascript:" not in preview.split("</section>")[0]
    assert session.scalar(select(func.count(Article.id))) == 0


def test_a_stale_edit_is_refused_and_the_typed_text_kept(world, login_as, session):
    """Two administrators open version 1; the second save gets 409 and a clear message."""
    article = factories.article(session, world)
    session.commit()
    first, second = login_as(world.admin), login_as(world.admin)
    url = f"/admin/kb/articles/{article.id}"
    token_one = csrf_token(first.get(url).get_data(as_text=True))
    token_two = csrf_token(second.get(url).get_data(as_text=True))
    base = _article_form(world, slug=article.slug, version="1")
    saved = first.post(url, data={**base, "title": "Första", "csrf_token": token_one})
    assert saved.status_code == 303
    refused = second.post(url, data={**base, "title": "Andra", "body_md": "Mitt utkast",
                                     "csrf_token": token_two})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 409
    assert "Någon annan sparade artikeln medan du redigerade den" in page
    assert "version 2" in page and "Mitt utkast" in page and 'value="Andra"' in page
    session.rollback()
    assert (session.get(Article, article.id).title, session.get(Article, article.id).version) \
        == ("Första", 2)


def test_history_page_lists_versions_and_what_changed(world, login_as, session):
    """Newest first, with the editor's name, the note and a line diff of the body."""
    article = factories.article(session, world)
    session.commit()
    client = login_as(world.admin)
    url = f"/admin/kb/articles/{article.id}"
    response = _post(client, url, _article_form(
        world, slug=article.slug, version="1", body_md="Helt ny text", note="Nya regler"))
    assert response.status_code == 303
    page = client.get(f"{url}/history").get_data(as_text=True)
    assert page.index("Version 2") < page.index("Version 1")
    assert "Nya regler" in page and world.admin.full_name in page
    assert re.search(r"<ins>.*Helt ny text</ins>", page)
    assert re.search(r"<del>.*Vardagar 7–19, lördagar 9–15.</del>", page)
    session.rollback()
    assert session.scalar(select(func.count(ArticleVersion.id))) == 2


def test_article_list_filters_and_flags_stale_articles(world, login_as, session):
    """Status, audience, department and 'only stale' filter the list; stale is shown."""
    today = datetime.now(UTC).date()
    factories.article(session, world, slug="inaktuell", title="Inaktuell artikel",
                      review_by=today - timedelta(days=3))
    factories.article(session, world, slug="utkast", title="Ett utkast", status="draft")
    session.commit()
    client = login_as(world.admin)
    page = client.get("/admin/kb/articles").get_data(as_text=True)
    assert "Inaktuell artikel" in page and "Ett utkast" in page and "Inaktuell</span>" in page
    stale = client.get("/admin/kb/articles?stale=1").get_data(as_text=True)
    assert "Inaktuell artikel" in stale and "Ett utkast" not in stale
    drafts = client.get(f"/admin/kb/articles?status=draft&department={world.tech.id}"
                        ).get_data(as_text=True)
    assert "Ett utkast" in drafts and "Inaktuell artikel" not in drafts
    assert client.get("/admin/kb/articles?status=<x>&department=abc").status_code == 200


@pytest.mark.parametrize("data", [
    {"label_ids": ["abc"]}, {"department_id": "xyz"}, {"version": "abc"},
    {"reviewer_id": "99999"}, {"status": "hemlig"},
])
def test_garbage_input_never_gives_a_server_error(world, login_as, session, data):
    """Tampered form values are refused as field errors (or a conflict), never a 500."""
    article = factories.article(session, world)
    session.commit()
    client = login_as(world.admin)
    response = _post(client, f"/admin/kb/articles/{article.id}",
                     {**_article_form(world, slug=article.slug, version="1"), **data})
    assert response.status_code in (409, 422)


def test_only_administrators_reach_the_knowledge_base_pages(world, login_as):
    """Agents, handlers and managers get 403; the nav shows the link to administrators."""
    for user in (world.agent, world.handler, world.manager):
        client = login_as(user)
        for url in ("/admin/kb/articles", "/admin/kb/bulletins", "/admin/kb/thesaurus"):
            assert client.get(url).status_code == 403
    page = login_as(world.admin).get("/admin/kb/articles").get_data(as_text=True)
    assert 'aria-current="page">Kunskapsbank</a>' in page


def test_bulletins_are_posted_edited_and_removed(world, login_as, session):
    """A notice in force appears under 'Gäller nu'; bad times are refused; all audited."""
    client = login_as(world.admin)
    now = datetime.now(UTC).astimezone()
    form = {"title": "Vägarbete Storgatan", "kind": "road_works",
            "starts_at": (now - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (now + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"),
            "body": "Omledning via Kyrkogatan.", "function_id": "", "area": "Storgatan",
            "label_ids": [str(world.labels["info"].id)]}
    bad = _post(client, "/admin/kb/bulletins/new", {**form, "title": "",
                                                    "ends_at": form["starts_at"]})
    page = bad.get_data(as_text=True)
    assert bad.status_code == 422 and "Slutet måste vara efter starten" in page
    assert "Omledning via Kyrkogatan." in page
    assert _post(client, "/admin/kb/bulletins/new", form).status_code == 303
    session.rollback()
    notice = session.scalar(select(Bulletin))
    board = client.get("/admin/kb/bulletins").get_data(as_text=True)
    active = board.index("Gäller nu")
    assert active < board.index("Vägarbete Storgatan", active) < board.index("Kommande")
    edited = _post(client, f"/admin/kb/bulletins/{notice.id}", {**form, "kind": "disruption"})
    assert edited.status_code == 303
    edit_page = client.get(f"/admin/kb/bulletins/{notice.id}").get_data(as_text=True)
    assert f'action="/admin/kb/bulletins/{notice.id}/delete"' in edit_page
    token = csrf_token(edit_page)
    assert client.post(f"/admin/kb/bulletins/{notice.id}/delete",
                       data={"csrf_token": token}).status_code == 303
    session.rollback()
    assert session.scalar(select(func.count(Bulletin.id))) == 0
    assert [a for a in session.scalars(select(AuditEntry.action).where(
        AuditEntry.target_type == "bulletin").order_by(AuditEntry.id))] == [
        "bulletin.created", "bulletin.updated", "bulletin.deleted"]


def test_thesaurus_words_are_added_refused_and_removed(world, login_as, session):
    """Duplicates and empty words get Swedish messages; additions are listed and audited."""
    client = login_as(world.admin)
    ok = _post(client, "/admin/kb/thesaurus", {"word": "Kvarnbadet", "official": "simhall"})
    assert ok.status_code == 303
    again = _post(client, "/admin/kb/thesaurus", {"word": "kvarnbadet", "official": "Simhall"})
    page = again.get_data(as_text=True)
    assert again.status_code == 422 and "har redan en rad i listan" in page
    assert 'value="kvarnbadet"' in page
    empty = _post(client, "/admin/kb/thesaurus", {"word": " ", "official": "och"})
    assert empty.status_code == 422 and "Fältet är obligatoriskt" in empty.get_data(as_text=True)
    session.rollback()
    entry = session.scalar(select(ThesaurusEntry))
    listing = client.get("/admin/kb/thesaurus").get_data(as_text=True)
    assert "Kvarnbadet" in listing and "återvinningscentral" in listing  # shipped list too
    assert client.post(f"/admin/kb/thesaurus/{entry.id}/delete",
                       data={"csrf_token": csrf_token(listing)}).status_code == 303
    session.rollback()
    assert session.scalar(select(func.count(ThesaurusEntry.id))) == 0
    assert session.scalar(select(func.count(AuditEntry.id)).where(
        AuditEntry.target_type == "thesaurus_entry")) == 2


def test_forms_without_csrf_token_are_refused(world, login_as, session):
    """Flask-WTF's CSRF protection covers every knowledge-base form."""
    client = login_as(world.admin)
    response = client.post("/admin/kb/thesaurus", data={"word": "a", "official": "b"})
    assert response.status_code == 400
    assert session.scalar(select(func.count(ThesaurusEntry.id))) == 0
