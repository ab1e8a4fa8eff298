"""The handler's work in a real headless Chromium against the live server.

1. Keyboard only: take the case, write to the citizen, resolve with an answer, counting every
   key press except the letters of the texts themselves (they are the handler's words, not
   navigation): fewer than 20.
2. The whole main flow: an agent logs a contact that is forwarded; the handler finds it in
   the queue, takes it, writes, resolves with an answer; the citizen's tracking page shows the
   answer, the e-mails reach the real SMTP sink, and the manager's dashboard counts the case.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from app.services.statistics_refresh import refresh_statistics
from models import Case
from rosa.vocabulary import CaseStatus, Resolution
from tests.factories import PASSWORD
from tests.web.test_browser import CHROMIUM, CHROMIUM_ARGS
from tests.web.test_casework import forward, reload

KEY_BUDGET = 20


@pytest.fixture
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _page(chromium):
    return chromium.new_page(viewport={"width": 1366, "height": 768})


def _log_in(page, base, user) -> None:
    page.goto(f"{base}/auth/login")
    page.fill("#username", user.username)
    page.fill("#password", PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/auth/login" not in url)
    page.wait_for_load_state()


class Keyboard:
    """Presses keys and counts them; typing a text is not counted."""

    def __init__(self, page):
        self.page, self.presses = page, 0

    def press(self, *keys: str) -> None:
        for key in keys:
            self.page.keyboard.press(key)
            self.presses += 1

    def type(self, text: str) -> None:
        self.page.keyboard.type(text)

    def focused(self) -> str:
        return self.page.evaluate(
            "document.activeElement.id || document.activeElement.getAttribute('href') || ''")

    def submit(self) -> None:
        """Enter on the focused button; waits for the page the redirect brings."""
        with self.page.expect_navigation():
            self.press("Enter")


def test_take_write_and_resolve_with_the_keyboard_in_under_20_presses(world, live_server,
                                                                      chromium, session):
    """Skip link, the action bar and the open forms: 18 presses from the case page."""
    case = forward(session, world, email="")
    page = _page(chromium)
    _log_in(page, live_server, world.handler)
    page.goto(f"{live_server}/queues/cases/{case.reference}")
    keys = Keyboard(page)

    keys.press("Tab", "Enter", "Tab")  # skip to the content: the first action is "take"
    assert keys.focused() == "do-claim"
    keys.submit()
    assert page.inner_text(".flash") == "Du har ärendet nu."

    keys.press("Tab", "Enter", "Tab")
    assert keys.focused() == "#message-text"  # "write to the citizen" in the action bar
    keys.press("Enter")
    assert keys.focused() == "message-text"
    keys.type("Vi kommer och sanerar i eftermiddag.")
    keys.press("Tab")
    assert keys.focused() == "do-message"
    keys.submit()
    assert page.inner_text(".flash").startswith("Meddelandet sparades.")

    keys.press("Tab", "Enter", "Tab", "Tab")
    assert keys.focused() == "#resolve-answer"  # "resolve with an answer"
    keys.press("Enter")
    assert keys.focused() == "resolve-answer"
    keys.type("Oljan är sanerad. Tack för att du hörde av dig!")
    keys.press("Tab", "Tab")
    assert keys.focused() == "do-resolve"
    keys.submit()
    assert page.inner_text(".flash").startswith("Status: Löst.")

    assert keys.presses < KEY_BUDGET, keys.presses
    stored = reload(session, case)
    assert stored.status is CaseStatus.RESOLVED and stored.feedback_given_at is not None


def test_the_main_flow_from_the_console_to_the_dashboard(world, live_server, chromium,
                                                          session, smtp_server, app):
    """Console → queue → take → message → resolve with answer → tracking, e-mail, dashboard."""
    agent = _page(chromium)
    _log_in(agent, live_server, world.agent)
    agent.focus("#citizen_words")
    agent.keyboard.type("Det har läckt olja på gatan utanför skolan")
    agent.focus("#label-search")
    agent.keyboard.type("olja")
    agent.wait_for_selector("#label-suggestions li")
    agent.keyboard.press("ArrowDown")
    agent.keyboard.press("Enter")
    assert "Skicka vidare till Gata och park" in agent.inner_text("#label-outcome")
    agent.fill("#customer-name", "Eva Ek")
    agent.fill("#customer-email", "eva.ek@example.se")
    agent.focus("#customer-email")
    agent.keyboard.press("Control+Enter")
    agent.wait_for_selector("text=Spårningskod")
    session.rollback()
    case = session.scalar(select(Case))
    assert case.resolution is Resolution.FORWARDED and case.group_id == world.streets_group.id

    handler = _page(chromium)
    _log_in(handler, live_server, world.handler)
    row = handler.locator("tr", has=handler.locator(f"a:text-is('{case.reference}')"))
    assert "Ny, ej tagen" in row.inner_text()
    handler.click(f"a:text-is('{case.reference}')")
    handler.click("#do-claim")
    handler.fill("#message-text", "Vi sanerar i eftermiddag.")
    handler.click("#do-message")
    assert handler.inner_text(".flash") == ("Meddelandet sparades. Det mejlades till "
                                            "medborgaren.")
    handler.fill("#resolve-answer", "Oljan är sanerad. Tack för tipset!")
    handler.click("#do-resolve")
    assert handler.inner_text(".flash") == "Status: Löst. Det mejlades till medborgaren."
    assert handler.locator(".badge.mail-sent").count() == 2

    stored = reload(session, case)
    citizen = _page(chromium)
    citizen.goto(f"{live_server}/portal/arende/{stored.reference}?kod={stored.tracking_code}")
    timeline = citizen.inner_text(".timeline")
    assert "Ditt ärende är klart" in timeline
    assert "Oljan är sanerad. Tack för tipset!" in timeline
    assert "Vi sanerar i eftermiddag." in timeline

    to_citizen = [m for m in smtp_server.wait_for(2) if m["To"] == "eva.ek@example.se"]
    assert [stored.reference in m["Subject"] for m in to_citizen] == [True, True]
    assert "Oljan är sanerad. Tack för tipset!" in to_citizen[1].get_content()

    with app.app_context():  # what `flask stats refresh` does (the scheduler every 30 s)
        from app.extensions import db

        refresh_statistics(db.session, now=datetime.now(UTC))
        db.session.commit()
    manager = _page(chromium)
    _log_in(manager, live_server, world.manager)
    today = datetime.now(UTC).date().isoformat()
    manager.goto(f"{live_server}/dashboard/?start={today}&end={today}"
                 f"&department={world.tech.id}")
    contacts = manager.locator(".kf-title:text-is('Kontakter') + .kf-value")
    assert contacts.inner_text() == "1"
    manager.click("#t-departments tbody a >> nth=0")  # the department's count → its cases
    manager.wait_for_load_state()
    assert stored.reference in manager.inner_text("main")

