"""The portal's knowledge-base answers speak to citizens: the citizen answer in Swedish or
English, never the agent's phone script, checklist or background — over HTTP and in a real
browser, on the Swedish and the English portal."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.services.knowledge.search import search_articles
from app.services.portal import answer_counts, suggest_answers
from models import Article
from tests.web.test_browser import CHROMIUM, CHROMIUM_ARGS
from tests.web.test_portal import (
    _step1,
    build_municipality,
    hidden_fields,
    label_id,
    publish_article,
)

SCRIPT = "Säg till kunden att vi flyttar bilen, och läs upp regnumret för bärgaren."
CHECK = "Kontrollera med bärgningsfirman Bilhjälpen"
BACKGROUND = "Avtalet med Bilhjälpen gäller till 2027; fakturan går till gatuenheten."
CITIZEN = ("## Så gör vi\n\nVi sätter en varning på en bil som verkar övergiven. Står den kvar "
           "efter **en vecka** flyttar vi den.")
CITIZEN_EN = ("## What we do\n\nWe put a notice on a car that seems abandoned. If it is still "
              "there after **a week**, we move it.")
WORDS = "Det står en övergiven bil på gatan sedan länge"
NOTE_EN = "This answer is only available in Swedish."


@pytest.fixture
def answers(session):
    """Two public answers for abandoned cars (one also in English), one public article
    without a citizen answer and one internal article, all matching the same words."""
    build_municipality(session)
    label = label_id(session, "Gata/Park", "Parkering", "Felparkerat fordon")
    both = publish_article(session, slug="overgivna-bilar", title="Övergivna bilar",
                           answer=SCRIPT, body=BACKGROUND, labels=[label], citizen=CITIZEN,
                           citizen_en=CITIZEN_EN, title_en="Abandoned cars")
    swedish = publish_article(session, slug="bil-pa-gatan", title="Bil på gatan länge",
                              answer="Berätta att en bil får stå 24 timmar.", labels=[label],
                              citizen="En bil får stå högst 24 timmar på samma plats på "
                                      "gatan.")
    bare = publish_article(session, slug="bilar-manus", title="Övergiven bil – manus",
                           answer="Säg att vi ringer tillbaka om bilen.", labels=[label])
    internal = publish_article(session, slug="bilar-intern", title="Övergivna bilar intern",
                               answer="Ring bärgaren.", labels=[label], audience="internal",
                               citizen="Bärgaren kommer.")
    article = session.get(Article, both.id)
    article.checklist = [CHECK]
    session.commit()
    return {"both": both, "swedish": swedish, "bare": bare, "internal": internal}


def _staff_only_text(page: str) -> list[str]:
    """Whatever of the agents' texts a page shows (it should be none)."""
    return [text for text in (SCRIPT, "Säg till kunden", CHECK, "Bilhjälpen", "Berätta att",
                              "Säg att vi ringer", "Ring bärgaren", "Bärgaren kommer")
            if text in page]


def test_swedish_portal_shows_citizen_answers_and_never_the_script(client, session, answers):
    """Step 2 shows each answer's citizen text as sanitised HTML under its title; no script,
    checklist or background; no public article without a citizen answer; no internal one."""
    page = _step1(client, words=WORDS).get_data(as_text=True)
    assert "Övergivna bilar" in page and "Bil på gatan länge" in page
    assert "<strong>en vecka</strong>" in page and "24 timmar på samma plats" in page
    assert "<h3>Så gör vi</h3>" in page  # the answer's own heading sits under the h2 title
    assert _staff_only_text(page) == []
    assert answers["bare"].title not in page and answers["internal"].title not in page
    assert "What we do" not in page and NOTE_EN not in page and "Detta svar" not in page


def test_english_portal_shows_english_answers_or_says_they_are_swedish(client, answers):
    """The English answer under its English title where one is written; elsewhere the
    Swedish answer, marked lang="sv", after the note that it is only in Swedish."""
    client.get("/portal/?lang=en")
    page = _step1(client, words=WORDS).get_data(as_text=True)
    assert "Abandoned cars" in page and "<h3>What we do</h3>" in page
    assert "<strong>a week</strong>" in page and "Så gör vi" not in page
    swedish = page[page.index("Bil på gatan länge"):]
    assert swedish.index(NOTE_EN) < swedish.index("24 timmar på samma plats")
    assert page.count(NOTE_EN) == 1
    heading = f'<h2 id="answer-{answers["swedish"].id}" lang="sv">Bil på gatan länge</h2>'
    assert heading in page
    assert '<div class="answer-text article-body" lang="sv">' in page
    assert _staff_only_text(page) == []


def test_suggestions_while_typing_never_show_the_script(client, answers):
    """The live fragment carries the same citizen answers, in Swedish and in English."""
    fragment = client.get("/portal/kontakt/forslag?q=" + WORDS.replace(" ", "+")
                          + "&topic=fordon").get_data(as_text=True)
    assert "Så gör vi" in fragment and _staff_only_text(fragment) == []
    client.get("/portal/?lang=en")
    english = client.get("/portal/kontakt/forslag?q=" + WORDS.replace(" ", "+")
                         + "&topic=fordon").get_data(as_text=True)
    assert "What we do" in english and NOTE_EN in english and _staff_only_text(english) == []


def test_the_portal_search_does_not_find_articles_by_their_script(session, answers):
    """Words only in the script find the article for agents, never for citizens; words of
    the citizen answer find it for citizens (the English ones too)."""
    assert "overgivna-bilar" in [h.article.slug for h in search_articles(session, "regnumret")]
    assert search_articles(session, "regnumret", audience="public") == []
    assert suggest_answers(session, "bärgaren regnumret") == []
    found = [h.article.slug for h in suggest_answers(session, "notice abandoned car")]
    assert found[:1] == ["overgivna-bilar"]


def test_a_public_article_without_citizen_answer_is_never_shown_or_counted(client, session,
                                                                          answers):
    """Its title matches, but it is not suggested, and a forged vote on it is not counted."""
    bare = answers["bare"]
    assert bare.id not in [h.article.id for h in suggest_answers(session, "övergiven bil manus")]
    state = hidden_fields(_step1(client, words=WORDS).get_data(as_text=True))
    client.post("/portal/kontakt/svar", data={**state, "vote": f"{bare.id}:yes"})
    session.rollback()
    assert answer_counts(session, bare.id) == (0, 0, 0)


def test_stored_answer_html_is_cleaned_again_on_the_way_out(client, session, answers):
    """A citizen answer's HTML written around the service (a manual fix) loses its script."""
    article = session.scalar(select(Article).where(Article.slug == "overgivna-bilar"))
    article.citizen_answer_html += '<script>alert(1)</script><a href="javascript:x()">y</a>'
    session.commit()
    page = _step1(client, words=WORDS).get_data(as_text=True)
    assert "alert(1)" not in page and "javascript:x()" not in page


@pytest.fixture
def browser_page():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1366, "height": 768})
        yield page
        browser.close()


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_a_citizen_in_the_browser_never_sees_the_script(lang, live_server, answers,
                                                        browser_page, monkeypatch):
    """Typing (live answers) and the answers step, as a citizen in Chromium: the citizen
    answers are there, in English with the note on the English portal, and nothing the
    page shows or holds is the agents' text."""
    monkeypatch.setattr("app.portal.forms.MIN_FILL_SECONDS", 0)
    page = browser_page
    page.goto(f"{live_server}/portal/kontakt?lang={lang}")
    page.check("#topic-fordon")
    page.fill("#words", WORDS)
    page.wait_for_selector("#live-answers .answer")
    live = page.inner_text("#live-answers")
    assert ("What we do" if lang == "en" else "Så gör vi") in live
    assert _staff_only_text(page.content()) == []
    page.click("#contact-form button[type=submit]")
    page.wait_for_selector(".answer-list")
    shown = page.inner_text("main")
    if lang == "en":
        assert "Abandoned cars" in shown and "a week" in shown and NOTE_EN in shown
    else:
        assert "Övergivna bilar" in shown and "en vecka" in shown and NOTE_EN not in shown
    assert "24 timmar" in shown
    assert _staff_only_text(page.content()) == []
