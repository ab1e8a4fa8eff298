"""The console for all-day use, in a real headless Chromium on the demo municipality:
where the caret starts, Enter in "Sök etikett", one-line bulletins shown once, answer cards
that open on demand, and label, outcome and "Spara" on the first screen at 1366×768."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.services.knowledge.bulletins import BulletinInput, save_bulletin
from models import Case, Function, Label
from tests.web.test_browser import CHROMIUM, CHROMIUM_ARGS

SCREEN = {"width": 1366, "height": 768}
SCREENSHOTS = Path(os.environ.get("INSTANCE_PATH", "/tmp")) / "screenshots"
COLLECTION_DAYS = "Avfall › Sophämtning › Hämtningsdagar"


@pytest.fixture
def demo(session):
    """The demo municipality without history, and two notices in force: one for the waste
    function (it concerns Hämtningsdagar) and one for everyone."""
    from app.services.demo import load_demo

    now = datetime.now(UTC)
    load_demo(session, now=now, users_allowed=True, cases=0)
    waste = session.scalar(select(Function.id).where(Function.name == "Avfall"))
    save_bulletin(session, None, None, BulletinInput(
        title="Försenad sophämtning efter stormen", kind="disruption", function_id=waste,
        starts_at=now - timedelta(hours=2), ends_at=now + timedelta(days=2),
        body="Missade turer körs ikapp under veckan.\nRegistrera inte utebliven hämtning "
             "förrän fredag."), now=now)
    save_bulletin(session, None, None, BulletinInput(
        title="Telefonerna går trögt", kind="system_outage",
        starts_at=now - timedelta(hours=1), ends_at=now + timedelta(hours=5),
        body="Växeln byts ut. Ring tillbaka om samtalet bryts."), now=now)
    session.commit()


@pytest.fixture
def console(demo, live_server):
    """The demo agent's console at 1366×768, logged in."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport=SCREEN)
        page.goto(f"{live_server}/auth/login")
        page.fill("#username", "agent")
        page.fill("#password", "demo-agent-2026")
        page.keyboard.press("Enter")
        page.wait_for_url(f"{live_server}/agent/")
        yield page
        browser.close()


def _choose_suggested_label(page, words: str) -> None:
    page.keyboard.type(words)
    page.wait_for_selector("#kb-suggest .kb-label-choice")
    page.click("#kb-suggest .kb-label-choice >> nth=0")
    page.wait_for_selector("#label-knowledge .kb-answer .use-article:not([hidden])")


def test_the_caret_starts_in_what_the_citizen_says(console):
    """The page opens with the caret in "Vad medborgaren säger": the agent types at once."""
    assert console.evaluate("document.activeElement.id") == "citizen_words"
    console.keyboard.type("Vilken dag töms soporna?")
    assert console.input_value("#citizen_words") == "Vilken dag töms soporna?"


def test_enter_in_search_label_picks_the_first_suggestion(console, session):
    """Enter in "Sök etikett" chooses the highlighted (first) suggestion, even typed before
    the suggestions arrived, and does not submit the form."""
    url = console.url
    console.focus("#label-search")
    console.keyboard.type("tömningsdag")
    console.keyboard.press("Enter")  # at once: faster than the suggestions come
    console.wait_for_function("document.getElementById('label_id').value !== ''")
    chosen = console.eval_on_selector("#label_id", "s => s.selectedOptions[0].textContent")
    assert chosen.startswith(COLLECTION_DAYS)
    assert COLLECTION_DAYS in console.inner_text("#label-outcome")
    console.fill("#label-search", "")
    console.keyboard.type("olja på gatan")
    console.wait_for_selector("#label-suggestions li[aria-selected='true']")
    first = console.inner_text("#label-suggestions li >> nth=0 >> .path")
    console.keyboard.press("Enter")
    assert console.input_value("#label-search") == first
    assert console.url == url
    session.rollback()
    assert session.scalar(select(func.count(Case.id))) == 0


def test_label_outcome_and_save_are_on_the_first_screen_at_1366x768(console):
    """After choosing a label with answers and a bulletin, the label field, the outcome and
    "Spara kontakt" lie within the 1366×768 window without scrolling."""
    _choose_suggested_label(console, "Vilken dag töms soporna?")
    assert console.input_value("#label-search") == COLLECTION_DAYS
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    console.screenshot(path=str(SCREENSHOTS / "console-1366x768.png"))
    assert console.evaluate("window.scrollY") == 0
    for selector in ("#label_id", "#label-outcome", "button.primary"):
        box = console.locator(selector).bounding_box()
        assert box is not None and box["height"] > 0, selector
        assert 0 <= box["y"] and box["y"] + box["height"] <= SCREEN["height"], (selector, box)
        assert 0 <= box["x"] and box["x"] + box["width"] <= SCREEN["width"], (selector, box)
    assert console.inner_text("button.primary") == "Spara kontakt"
    assert "Besvara direkt" in console.inner_text("#label-outcome")


def test_answer_cards_show_the_first_lines_and_open_on_demand(console):
    """A long answer shows its first lines; "Visa hela svaret" opens the rest and says so."""
    _choose_suggested_label(console, "Vilken dag töms soporna?")
    script = console.locator("#label-knowledge .kb-answer .script >> nth=0")
    full = script.evaluate("p => p.scrollHeight")
    assert script.evaluate("p => p.clientHeight") < full
    more = console.locator("#label-knowledge .kb-answer button.more >> nth=0")
    assert more.inner_text() == "Visa hela svaret"
    assert more.get_attribute("aria-expanded") == "false"
    more.focus()
    console.keyboard.press("Enter")
    assert more.get_attribute("aria-expanded") == "true"
    assert script.evaluate("p => p.clientHeight") >= full - 2


def test_bulletins_take_one_line_each_and_show_once(console, session):
    """Each notice is one line (kind and title) that opens on demand, appears once on the
    console, and the ones for the chosen label are marked on the board, not repeated."""
    board = console.locator("#board-heading-board")
    items = board.locator(".bulletin")
    assert items.count() >= 2  # the demo's own notices in force, and the two above
    line = console.evaluate("parseFloat(getComputedStyle(document.body).lineHeight)") or 24
    for index in range(items.count()):
        assert items.nth(index).bounding_box()["height"] < 2 * line + 8
        assert items.nth(index).locator("details").get_attribute("open") is None
    _choose_suggested_label(console, "Vilken dag töms soporna?")
    text = console.inner_text("body")
    assert text.count("Försenad sophämtning efter stormen") == 1
    assert text.count("Telefonerna går trögt") == 1
    storm = board.locator(".bulletin", has_text="Försenad sophämtning")
    assert "concerns-label" in storm.get_attribute("class")
    assert storm.locator(".concerns-badge").is_visible()
    assert not board.locator(".bulletin", has_text="Telefonerna").locator(
        ".concerns-badge").is_visible()
    storm.locator("summary").click()
    assert storm.locator(".bulletin-body").is_visible()
    label_id = session.scalar(select(Label.id).join(Label.case_type).where(
        Label.name == "Hämtningsdagar"))
    assert console.input_value("#label_id") == str(label_id)


def test_ticking_forward_anyway_asks_why(console):
    """The reason fields appear when "forward anyway" is ticked and go when it is not."""
    assert console.is_hidden("#override")
    console.check("#forward")
    assert console.is_visible("#override_reason") and console.is_visible("#override_note")
    console.select_option("#override_reason", "needs_assessment")
    console.uncheck("#forward")
    assert console.is_hidden("#override")
