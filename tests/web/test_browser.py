"""The console in a real headless Chromium: keyboard-only logging of a forwarded contact."""

from __future__ import annotations

import shutil

import pytest
from sqlalchemy import select

from models import Case
from rosa.vocabulary import Resolution
from tests.factories import PASSWORD

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture
def browser_page():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        yield page
        browser.close()


def test_agent_logs_a_forwarded_contact_with_the_keyboard_only(world, live_server,
                                                               browser_page, session):
    """Type the words, pick the suggested label with arrows + Enter, save with Ctrl+Enter."""
    page = browser_page
    page.goto(f"{live_server}/auth/login")
    page.fill("#username", world.agent.username)
    page.fill("#password", PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server}/agent/")
    page.focus("#citizen_words")
    page.keyboard.type("Det har läckt olja på gatan")
    page.focus("#label-search")
    page.keyboard.type("olja")
    page.wait_for_selector("#label-suggestions li")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    assert "Skicka vidare till Gata och park" in page.inner_text("#label-outcome")
    page.focus("#customer-name")
    page.keyboard.type("Eva Ek")
    page.focus("#customer-phone")
    page.keyboard.type("070-111 22 33")
    page.keyboard.press("Control+Enter")
    page.wait_for_selector("text=Spårningskod")
    session.rollback()
    case = session.scalar(select(Case))
    assert case.resolution is Resolution.FORWARDED and case.group_id == world.streets_group.id
    assert case.reference in page.inner_text("h1")
