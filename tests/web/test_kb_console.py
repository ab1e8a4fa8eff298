"""The knowledge base in the agent console: suggestions, the label's answers and bulletins,
"answered with article", the search and article pages, and flagging an article."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.services.knowledge.bulletins import BulletinInput, save_bulletin
from models import Article, ArticleFlag, ArticleUse, Case, Notification, OutgoingMail
from rosa.vocabulary import Role
from tests import factories
from tests.conftest import csrf_token
from tests.web.test_browser import CHROMIUM, CHROMIUM_ARGS


@pytest.fixture
def kb(session, world):
    """Two articles on the missed-collection label, one on parking, a road-works bulletin for
    the waste function and a system outage for everyone; a manager and a reviewer with
    e-mail addresses who own the articles."""
    boss = factories.staff(session, "teknikchef", Role.MANAGER, department_code="tekn",
                           email="chef@exempelkommun.se")
    reviewer = factories.staff(session, "granskare", Role.HANDLER, department_code="tekn",
                               email="granskare@exempelkommun.se")
    missed = factories.article(
        session, world, slug="utebliven-hamtning", title="Utebliven sophämtning",
        labels=("admin_mandate",), reviewer_id=reviewer.id,
        answer_script="Vi skickar en bil inom två arbetsdagar.",
        checklist=["Stod kärlet vid tomtgränsen?", "Handtaget utåt?"],
        body_md="Kärlet töms **varannan vecka**.\n\n<script>alert(1)</script>")
    factories.article(session, world, slug="hamtningsdagar", title="Hämtningsdagar för sopor",
                      labels=("admin_mandate",), answer_script="Se tömningsschemat.")
    parking = factories.article(session, world, slug="parkering", title="Parkering på gatan",
                                labels=("routine_no_mandate",),
                                answer_script="Högst 24 timmar på samma plats.")
    now = datetime.now(UTC)
    waste = world.labels["admin_mandate"].case_type.function_id
    save_bulletin(session, world.admin, None, BulletinInput(
        title="Vägarbete på Storgatan", kind="road_works", starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(days=2), function_id=waste, body="Sopbilen kommer sent."),
        now=now)
    save_bulletin(session, world.admin, None, BulletinInput(
        title="E-tjänsterna ligger nere", kind="system_outage",
        starts_at=now - timedelta(hours=1), ends_at=now + timedelta(hours=3)), now=now)
    save_bulletin(session, world.admin, None, BulletinInput(
        title="Gammal notis", starts_at=now - timedelta(days=3),
        ends_at=now - timedelta(days=1)), now=now)
    session.commit()
    return {"missed": missed, "parking": parking, "boss": boss, "reviewer": reviewer}


def test_active_bulletins_show_on_the_consoles_board(world, kb, login_as):
    """Every notice in force is on the console's board, once and folded to its title line;
    ended ones are not."""
    page = login_as(world.agent).get("/agent/").get_data(as_text=True)
    start = page.index('id="board-heading-board"')
    board = page[start:page.index("</section>", start)]
    assert "Vägarbete på Storgatan" in board and "E-tjänsterna ligger nere" in board
    assert page.count("Vägarbete på Storgatan") == 1
    assert board.count("<details>") == 2 and "<details open" not in board
    assert "Gammal notis" not in page


def test_without_javascript_the_chosen_labels_bulletins_are_marked_not_repeated(
        world, kb, login_as):
    """Re-rendered with a label (no JavaScript), the notice for its function is marked on
    the board and not listed again beside the label's answers."""
    client = login_as(world.agent)
    page = client.post("/agent/contacts", data=_contact_form(
        client, world.labels["admin_mandate"], show_guide="1")).get_data(as_text=True)
    assert page.count("Vägarbete på Storgatan") == 1
    storm = page[:page.index("Vägarbete på Storgatan")].rindex("<li ")
    assert "concerns-label" in page[storm:page.index("Vägarbete på Storgatan")]
    assert "1 notis på anslagstavlan gäller den här etiketten." in page


def test_citizens_words_suggest_labels_and_answers(world, kb, login_as):
    """One request gives the likely labels (path, level, outcome) and matching articles
    (title, answer script, highlighted matches, link)."""
    data = login_as(world.agent).get("/agent/kb/suggest?q=soptunnan har inte tömts").get_json()
    assert data["labels"][0]["path"] == "Avfall › Sophämtning › Utebliven"
    assert data["labels"][0]["level"] == 3 and data["labels"][0]["forwards"] is False
    first = data["articles"][0]
    assert first["title"] == "Utebliven sophämtning"
    assert first["answer"] == "Vi skickar en bil inom två arbetsdagar."
    assert "<mark>sophämtning</mark>" in first["title_html"]
    assert first["url"] == f"/agent/kb/articles/{kb['missed'].id}"
    assert first["checklist"] == ["Stod kärlet vid tomtgränsen?", "Handtaget utåt?"]


def test_too_short_words_suggest_nothing(world, kb, login_as):
    """A letter or two is not worth a search."""
    assert login_as(world.agent).get("/agent/kb/suggest?q=s").get_json() == {
        "labels": [], "articles": []}


def test_a_chosen_label_shows_its_answers_and_names_its_bulletins(world, kb, login_as,
                                                                   session):
    """The label's fragment lists its articles (answer script, checklist), not those for
    other labels, and names the bulletins on the board for its function (not the notice
    for everyone) without repeating them."""
    from models import Bulletin

    client = login_as(world.agent)
    html = client.get(f"/agent/kb/labels/{world.labels['admin_mandate'].id}").get_data(
        as_text=True)
    assert "Utebliven sophämtning" in html and "Vi skickar en bil inom två arbetsdagar." in html
    assert "Stod kärlet vid tomtgränsen?" in html and "Hämtningsdagar för sopor" in html
    assert "Parkering på gatan" not in html and "Vägarbete på Storgatan" not in html
    road_works = session.scalar(select(Bulletin.id).where(
        Bulletin.title == "Vägarbete på Storgatan"))
    assert f'data-bulletins="{road_works}"' in html
    assert client.get("/agent/kb/labels/99999").status_code == 404


def _contact_form(client, label, **fields):
    page = client.get("/agent/").get_data(as_text=True)
    data = {"csrf_token": csrf_token(page), "channel": "phone", "label_id": str(label.id),
            "citizen_words": "Soptunnan har inte tömts", "answer_given": "En bil kommer.",
            "customer-kind": "private", "customer-name": "", "customer-phone": "",
            "customer-email": "", "customer-address": "", "customer-personnummer": "",
            "customer-organisationsnummer": ""}
    data.update(fields)
    return data


def test_answered_with_article_is_recorded_on_the_contact(world, kb, login_as, session):
    """Saving the contact stores who used which article on which contact and case, and
    counts the use without bumping the article's edit version."""
    client = login_as(world.agent)
    article = kb["missed"]
    response = client.post("/agent/contacts", data=_contact_form(
        client, world.labels["admin_mandate"], answered_article_id=str(article.id)))
    assert response.status_code == 303
    session.rollback()
    use = session.scalar(select(ArticleUse))
    case = session.scalar(select(Case))
    assert (use.article_id, use.case_id, use.user_id) == (article.id, case.id, world.agent.id)
    assert use.contact_id == case.contacts[0].id
    refreshed = session.get(Article, article.id)
    assert refreshed.times_used == 1 and refreshed.version == article.version


def test_no_article_records_nothing(world, kb, login_as, session):
    """The default "no article" and an unknown id leave the statistics alone."""
    client = login_as(world.agent)
    for chosen in ("", "99999"):
        response = client.post("/agent/contacts", data=_contact_form(
            client, world.labels["admin_mandate"], answered_article_id=chosen))
        assert response.status_code == 303
    session.rollback()
    assert session.scalar(select(func.count(ArticleUse.id))) == 0
    assert session.scalar(select(func.count(Case.id))) == 2


def test_without_javascript_the_labels_answers_can_be_chosen(world, kb, login_as):
    """"Show the label's case details" re-renders the console with the label's answers and
    a radio for each; a choice survives a validation error."""
    client = login_as(world.agent)
    label = world.labels["admin_mandate"]
    page = client.post("/agent/contacts", data=_contact_form(
        client, label, show_guide="1")).get_data(as_text=True)
    assert "Vi skickar en bil inom två arbetsdagar." in page
    assert f'name="answered_article_id" value="{kb["missed"].id}"' in page
    response = client.post("/agent/contacts", data=_contact_form(
        client, label, answered_article_id=str(kb["missed"].id), answer_given="",
        **{"customer-email": "fel@"}))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'value="{kb["missed"].id}" checked' in page


def test_article_page_shows_sanitised_body_checklist_and_labels(world, kb, login_as,
                                                                session):
    """The page shows the answer script, checklist and labels; markup is sanitised even if
    the stored HTML was tampered with."""
    article = kb["missed"]
    article.body_html += '<img src=x onerror="alert(2)"><a href="javascript:alert(3)">x</a>'
    session.commit()
    page = login_as(world.agent).get(f"/agent/kb/articles/{article.id}").get_data(as_text=True)
    assert "Vi skickar en bil inom två arbetsdagar." in page
    assert "<strong>varannan vecka</strong>" in page
    assert "Handtaget utåt?" in page and "Avfall › Sophämtning › Utebliven" in page
    assert "<script>" not in page.split("</main>")[0].split('id="article-heading"')[1]
    assert "onerror" not in page and "javascript:alert" not in page
    assert 'id="flag-form"' in page


def test_article_page_keeps_the_script_and_shows_what_the_web_says(world, login_as, session):
    """Agents see the script to read out and, for a public article, the citizens' answer as
    'what the web says'; an internal article's citizen text is not offered as the web's."""
    public = factories.article(session, world, slug="webb", title="Återvinning på webben",
                               audience="public",
                               citizen_answer_md="Du lämnar **grovsopor** gratis.")
    internal = factories.article(session, world, slug="intern", title="Intern rutin",
                                 citizen_answer_md="Inget för webben.")
    session.commit()
    client = login_as(world.agent)
    page = client.get(f"/agent/kb/articles/{public.id}").get_data(as_text=True)
    assert "Återvinningscentralen har öppet vardagar 7–19." in page  # the script
    assert "Det här står på webben" in page and "<strong>grovsopor</strong>" in page
    assert page.index("Svar att läsa upp") < page.index("Det här står på webben")
    other = client.get(f"/agent/kb/articles/{internal.id}").get_data(as_text=True)
    assert "Det här står på webben" not in other and "Inget för webben." not in other


def test_flagging_tells_the_owners_in_app_and_by_mail(world, kb, login_as, session,
                                                      smtp_server):
    """A report is stored; the department's managers and the reviewer get a notification and
    an e-mail (outbox, then sent after the commit); the agent sees a confirmation."""
    client = login_as(world.agent)
    article = kb["missed"]
    page = client.get(f"/agent/kb/articles/{article.id}").get_data(as_text=True)
    response = client.post(f"/agent/kb/articles/{article.id}/flag", data={
        "csrf_token": csrf_token(page), "reason": "Hämtning sker nu inom en dag."})
    assert response.status_code == 303
    session.rollback()
    flag = session.scalar(select(ArticleFlag))
    assert (flag.article_id, flag.user_id, flag.reason) == (
        article.id, world.agent.id, "Hämtning sker nu inom en dag.")
    notified = session.scalars(select(Notification).where(
        Notification.kind == "article_flagged")).all()
    assert sorted(n.user_id for n in notified) == sorted([kb["boss"].id, kb["reviewer"].id])
    assert notified[0].data["title"] == "Utebliven sophämtning"
    mails = session.scalars(select(OutgoingMail)).all()
    assert sorted(m.to_address for m in mails) == ["chef@exempelkommun.se",
                                                   "granskare@exempelkommun.se"]
    assert "Utebliven sophämtning" in mails[0].subject
    assert "Hämtning sker nu inom en dag." in mails[0].body
    delivered = smtp_server.wait_for(2)
    assert sorted(m["To"] for m in delivered) == ["chef@exempelkommun.se",
                                                  "granskare@exempelkommun.se"]
    assert f"/agent/kb/articles/{article.id}" in delivered[0].get_content()
    followed = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "ägare har fått veta" in followed or "owners have been told" in followed


def test_a_flag_needs_a_reason(world, kb, login_as, session):
    """An empty report is refused with a field error, as a page or as JSON; nothing stored."""
    client = login_as(world.agent)
    article = kb["missed"]
    token = csrf_token(client.get(f"/agent/kb/articles/{article.id}").get_data(as_text=True))
    response = client.post(f"/agent/kb/articles/{article.id}/flag",
                           data={"csrf_token": token, "reason": "  "})
    assert response.status_code == 422 and 'aria-invalid="true"' in response.get_data(
        as_text=True)
    response = client.post(f"/agent/kb/articles/{article.id}/flag",
                           data={"csrf_token": token, "reason": ""},
                           headers={"Accept": "application/json"})
    assert response.status_code == 422 and "reason" in response.get_json()["errors"]
    ok = client.post(f"/agent/kb/articles/{article.id}/flag",
                     data={"csrf_token": token, "reason": "Fel telefonnummer"},
                     headers={"Accept": "application/json"})
    assert ok.status_code == 200 and ok.get_json()["message"]
    session.rollback()
    assert session.scalar(select(func.count(ArticleFlag.id))) == 1


def test_search_page_highlights_and_updates_in_place(world, kb, login_as):
    """The server-rendered page marks matched words; `partial=1` gives only the results; a
    label without words lists that label's articles."""
    client = login_as(world.agent)
    page = client.get("/agent/kb?q=parkera bilen").get_data(as_text=True)
    assert 'role="search"' in page and 'aria-live="polite"' in page
    assert "<mark>Parkering</mark> på gatan" in page
    partial = client.get("/agent/kb?q=parkering&partial=1").get_data(as_text=True)
    assert "<mark>Parkering</mark> på gatan" in partial and "<html" not in partial
    listed = client.get(f"/agent/kb?label={world.labels['admin_mandate'].id}").get_data(
        as_text=True)
    assert "Utebliven sophämtning" in listed and "Parkering på gatan" not in listed


def test_handlers_cannot_use_the_agent_knowledge_pages(world, kb, login_as):
    """The console's knowledge base is for the contact centre (role check of the blueprint)."""
    client = login_as(world.handler)
    assert client.get("/agent/kb?q=parkering").status_code == 403
    assert client.get("/agent/kb/suggest?q=parkering").status_code == 403


def test_the_console_in_a_browser_suggests_and_records_an_article(world, kb, live_server,
                                                                   session):
    """Typing the citizen's words shows labels and answers; choosing the label shows its
    answers; "Use this answer" fills the answer and is recorded when the contact is saved."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 1000})
        page.goto(f"{live_server}/auth/login")
        page.fill("#username", world.agent.username)
        page.fill("#password", factories.PASSWORD)
        page.keyboard.press("Enter")
        page.wait_for_url(f"{live_server}/agent/")
        page.focus("#citizen_words")
        page.keyboard.type("soptunnan har inte tömts")
        page.wait_for_selector("#kb-suggest .kb-label-choice")
        assert "Utebliven sophämtning" in page.inner_text("#kb-suggest")
        page.click("#kb-suggest .kb-label-choice")
        page.wait_for_selector("#label-knowledge .kb-answer .use-article:not([hidden])")
        assert "concerns-label" in page.get_attribute(
            "#board-heading-board .bulletin:has-text('Vägarbete på Storgatan')", "class")
        page.click(f'#label-knowledge .use-article[data-article-id="{kb["missed"].id}"]')
        assert page.input_value("#answer_given") == "Vi skickar en bil inom två arbetsdagar."
        page.keyboard.press("Control+Enter")
        page.wait_for_selector("text=Spårningskod")
        browser.close()
    session.rollback()
    use = session.scalar(select(ArticleUse))
    assert use is not None and use.article_id == kb["missed"].id


def test_knowledge_pages_pass_axe(world, kb, live_server, session):
    """The console with suggestions and a chosen label's answers, the search page and an
    article page have no axe-core violations (WCAG 2.1 A/AA and best practices)."""
    from playwright.sync_api import sync_playwright

    from tests.web.test_accessibility import AXE, Audit

    assert AXE.exists(), "node_modules/axe-core is missing: run `npm ci` (make test does)"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900}
                                   ).new_page()
        page.goto(f"{live_server}/auth/login")
        page.fill("#username", world.agent.username)
        page.fill("#password", factories.PASSWORD)
        page.keyboard.press("Enter")
        page.wait_for_url(f"{live_server}/agent/")
        audit = Audit(page)
        page.focus("#citizen_words")
        page.keyboard.type("soptunnan har inte tömts")
        page.wait_for_selector("#kb-suggest .kb-label-choice")
        page.click("#kb-suggest .kb-label-choice")
        page.wait_for_selector("#label-knowledge .use-article:not([hidden])")
        audit.check("console")
        page.goto(f"{live_server}/agent/kb?q=parkering")
        audit.check("search")
        page.goto(f"{live_server}/agent/kb/articles/{kb['missed'].id}")
        audit.check("article")
        browser.close()
    assert audit.found == {}
