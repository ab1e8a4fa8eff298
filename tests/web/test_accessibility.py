"""Every citizen page passes axe-core (WCAG 2.1 A and AA, and axe's best practices) in real
headless Chromium, in Swedish and in English.

axe-core comes from npm (package.json; `make test` runs `npm ci` when node_modules is
missing). The pages' Content-Security-Policy forbids inline scripts, so the browser context
bypasses CSP only to inject axe itself.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.web.test_browser import CHROMIUM, CHROMIUM_ARGS
from tests.web.test_portal import build_municipality, label_id, publish_article, worked_case

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


@pytest.fixture
def browser_context():
    if not AXE.exists():
        pytest.fail("node_modules/axe-core is missing: run `npm ci` (make test does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900})
        yield context
        browser.close()


class Audit:
    """Runs axe on the page as it is now and keeps the violations per page name."""

    def __init__(self, page):
        self.page = page
        self.found: dict[str, list[str]] = {}
        self.names: list[str] = []

    def check(self, name: str) -> None:
        self.page.add_script_tag(path=str(AXE))
        result = self.page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, "
            "resultTypes: ['violations']})", TAGS)
        self.names.append(name)
        problems = [f"{v['id']} ({v['impact']}): {v['help']} — "
                    + "; ".join(json.dumps(node["target"]) for node in v["nodes"][:5])
                    for v in result["violations"]]
        if problems:
            self.found[name] = problems


@pytest.fixture
def citizen_data(session):
    """A case with a whole history and a public answer the web form will suggest."""
    case = worked_case(session, build_municipality(session))
    label = label_id(session, "Gata/Park", "Parkering", "Felparkerat fordon")
    publish_article(session, slug="overgivna-bilar", title="Övergivna bilar",
                    answer="Säg att vi flyttar övergivna bilar efter en varning på bilen.",
                    body="## Så går det till\n\nDet tar **minst en vecka**.", labels=[label],
                    citizen="## Så går det till\n\nVi sätter en varning på bilen. Det tar "
                            "**minst en vecka**.\n\n| Steg | När |\n|---|---|\n"
                            "| Varning | dag 1 |\n| Flytt | dag 8 |",
                    title_en="Abandoned cars",
                    citizen_en="## What we do\n\nWe put a notice on the car first.")
    publish_article(session, slug="bil-pa-gatan", title="Bil på gatan länge",
                    answer="Berätta att en bil får stå 24 timmar.", labels=[label],
                    citizen="En bil får stå högst 24 timmar på samma plats på gatan.")
    return case


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_every_citizen_page_has_no_accessibility_violations(lang, live_server, citizen_data,
                                                            browser_context, monkeypatch):
    """Start, tracking (form, result, failure), web form (empty, errors, answers, details
    with errors, receipt), feedback (form, errors, thanks) and the privacy notice."""
    monkeypatch.setattr("app.portal.forms.MIN_FILL_SECONDS", 0)
    case = citizen_data
    page = browser_context.new_page()
    audit = Audit(page)
    base = f"{live_server}/portal"

    page.goto(f"{base}/?lang={lang}")
    assert page.get_attribute("html", "lang") == lang
    audit.check("start page")
    page.goto(f"{live_server}/")
    audit.check("site root")
    page.goto(f"{base}/integritet")
    audit.check("privacy notice")

    page.goto(f"{base}/arende")
    audit.check("tracking form")
    page.fill("#reference", case.reference)
    page.fill("#code", "ABCD-EFGH-JKMN")
    page.click("form.form button[type=submit]")
    page.wait_for_selector("#problem")
    audit.check("tracking failure")
    page.goto(f"{base}/arende/{case.reference}?kod={case.tracking_code}")
    assert page.locator(".timeline li").count() == 7
    audit.check("tracking result")

    page.goto(f"{base}/kontakt")
    audit.check("web form, empty")
    page.click("#contact-form button[type=submit]")
    page.wait_for_selector("#error-summary")
    audit.check("web form, with errors")
    page.check("#topic-fordon")
    page.fill("#words", "Det står en övergiven bil på gatan sedan länge")
    page.click("#contact-form button[type=submit]")
    page.wait_for_selector(".answer-list")
    audit.check("web form, answers that may help")
    page.click("button[name=action][value=details]")
    page.wait_for_selector("#name")
    page.fill("#guide-regnummer", "123")
    page.click("button[name=action][value=send]")
    page.wait_for_selector("#error-summary")
    audit.check("web form details, with errors")
    page.fill("#guide-regnummer", "ABC 123")
    page.fill("#guide-plats", "Storgatan 4")
    page.fill("#name", "Eva Ek")
    page.fill("#phone", "070-111 22 33")
    page.click("button[name=action][value=send]")
    page.wait_for_url(re.compile(r".*/portal/kontakt/kvitto$"))
    audit.check("receipt")

    page.goto(f"{base}/synpunkter")
    audit.check("feedback form")
    page.click("form.form button[type=submit]")
    page.wait_for_selector("#error-summary")
    audit.check("feedback form, with errors")
    page.check("#kind")
    page.fill("#text", "Bra bemötande i telefon")
    page.click("form.form button[type=submit]")
    page.wait_for_url(re.compile(r".*/portal/synpunkter/tack$"))
    audit.check("feedback thanks")

    assert len(audit.names) == 14
    assert audit.found == {}, "\n".join(
        f"{name}: {problem}" for name, problems in audit.found.items() for problem in problems)


def test_the_web_form_can_be_sent_with_the_keyboard_only(live_server, citizen_data,
                                                         browser_context, monkeypatch):
    """Skip link first and visibly focused, arrow keys pick the topic, Tab moves on, and
    Enter in the last field sends the form (Send is the form's default button)."""
    monkeypatch.setattr("app.portal.forms.MIN_FILL_SECONDS", 0)
    page = browser_context.new_page()
    page.goto(f"{live_server}/portal/kontakt?lang=sv")
    page.keyboard.press("Tab")
    focused = page.evaluate("() => [document.activeElement.className, "
                            "getComputedStyle(document.activeElement).outlineStyle, "
                            "document.activeElement.getBoundingClientRect().left]")
    assert focused[0] == "skip-link" and focused[1] != "none" and focused[2] >= 0
    page.focus("#topic")
    page.keyboard.press("ArrowDown")
    assert page.is_checked("#topic-trasigt-karl")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "words"
    page.keyboard.type("Locket på vår soptunna har gått sönder")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_selector("#name")
    page.focus("#name")
    page.keyboard.type("Eva Ek")
    page.keyboard.press("Tab")
    page.keyboard.type("eva@example.se")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/portal/kontakt/kvitto$"))
    assert "KC-2026-" in page.inner_text("main")
