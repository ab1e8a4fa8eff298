"""Overrides on the managers' dashboard: contacts forwarded although the contact centre could
answer, per label and per agent, with the reasons, each figure linking to exactly its cases."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from app.dashboard import pages
from app.dashboard.pages import Settings
from app.services import statistics_refresh as refresh
from app.services.intake import log_contact
from rosa.intake import ContactDraft, CustomerDraft
from rosa.statistics import Filters
from rosa.vocabulary import Role
from tests import factories
from tests.services.test_statistics import check_links

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
START, END = date(2026, 11, 1), date(2026, 11, 23)
SETTINGS = Settings()


def _contact(session, world, agent, key, day, *, reason="", note="", channel="phone"):
    draft = ContactDraft(channel=channel, citizen_words=f"Fråga om {key}", answer_given="Svar",
                         requested="forward", override_reason=reason, override_note=note,
                         customer=CustomerDraft(name="Eva Ek", phone="0701234567"))
    when = datetime(2026, 11, day, 9, tzinfo=UTC)
    return log_contact(session, agent, draft, world.labels[key].id, now=when,
                       received_at=when).case


@pytest.fixture
def overridden(session, world):
    """Three overrides of "guidance" and one of "info" by two agents; a web-form contact
    (self-service) and a level-5 case forwarded on request, which are no overrides."""
    other = factories.staff(session, "agent-b", Role.AGENT)
    other.full_name = "Bo Berg"
    made = {
        "a1": _contact(session, world, world.agent, "guidance", 3, reason="citizen_asks"),
        "a2": _contact(session, world, world.agent, "guidance", 10, reason="citizen_asks",
                       note="Vill tala med bygglovshandläggaren"),
        "a3": _contact(session, world, world.agent, "info", 12,
                       note="Kunden litar inte på webben"),
        "b1": _contact(session, world, other, "guidance", 20, reason="answer_insufficient"),
        "web": _contact(session, world, None, "info", 14, reason="self_service",
                        channel="web"),
        "level5": _contact(session, world, world.agent, "investigation", 15),
    }
    refresh.refresh_statistics(session, now=NOW)
    session.commit()
    return {"cases": made, "other": other}


def _table(page, key):
    return {row.cells[0]: row for row in page.tables[key].rows}


def test_overrides_are_counted_per_label_and_per_agent_with_their_reasons(
        session, world, overridden):
    """Four overrides: 3 on guidance, 1 on info; 3 by one agent, 1 by the other; the most
    given reason beside each; the web form and the level-5 request are left out."""
    page = pages.overrides(session, Filters(START, END), now=NOW, settings=SETTINGS)
    assert page.figures[0].value == 4
    assert page.figures[1].value == pytest.approx(4 / 6)
    labels = _table(page, "override_labels")
    guidance, info = world.labels["guidance"], world.labels["info"]
    assert [row.cells[0] for row in page.tables["override_labels"].rows] == [
        guidance.path_text, info.path_text]
    assert labels[guidance.path_text].cells[2:] == (
        3, "The citizen asks to deal with the department")
    assert labels[info.path_text].cells[2:] == (1, "Other reason")
    agents = _table(page, "override_agents")
    assert agents[world.agent.full_name].cells[1] == 3
    assert agents["Bo Berg"].cells[1:] == (1, "The knowledge base's answer does not cover it")
    reasons = {row.key: row.cells[1] for row in page.tables["override_reasons"].rows}
    assert reasons == {"citizen_asks": 2, "other": 1, "answer_insufficient": 1}
    words = [row.cells[-1] for row in page.tables["override_words"].rows]
    assert words == ["Kunden litar inte på webben", "Vill tala med bygglovshandläggaren"]


def test_every_override_figure_links_to_exactly_its_cases(session, world, overridden):
    """Each count's drill-down (all, per label, per agent, per reason) selects its cases."""
    page = pages.overrides(session, Filters(START, END), now=NOW, settings=SETTINGS)
    assert check_links(session, page, now=NOW) == 1 + 2 + 2 + 3


def test_the_filters_narrow_the_overrides(session, world, overridden):
    """The period filter applies: only the overrides of cases created in it count."""
    page = pages.overrides(session, Filters(date(2026, 11, 9), date(2026, 11, 13)), now=NOW,
                           settings=SETTINGS)
    assert page.figures[0].value == 2
    assert check_links(session, page, now=NOW) > 0


def test_the_manager_sees_the_page_with_links_to_the_cases(world, overridden, login_as,
                                                          session):
    """The dashboard tab lists the overrides; a count opens the list of its cases, and the
    list names what it shows."""
    client = login_as(world.manager)
    page = client.get("/dashboard/overrides?start=2026-11-01&end=2026-11-23").get_data(
        as_text=True)
    assert "Vidareskickat trots mandat, per etikett" in page
    assert "Vill tala med bygglovshandläggaren" in page
    agent = overridden["other"]
    link = ("/dashboard/cases?start=2026-11-01&amp;end=2026-11-23&amp;overridden=1"
            f"&amp;agent={agent.id}")
    assert link in page
    listed = client.get(link.replace("&amp;", "&")).get_data(as_text=True)
    b1 = overridden["cases"]["b1"]
    assert b1.reference in listed and "Bo Berg" in listed
    assert overridden["cases"]["a1"].reference not in listed
    assert "Vidareskickat trots mandat" in listed and "Kundtjänstmedarbetare" in listed
