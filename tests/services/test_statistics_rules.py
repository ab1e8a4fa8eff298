"""Statistics of the routing rules: orders to departments and reclassifications."""

from __future__ import annotations

import pytest

from app.dashboard import pages
from app.services import statistics_refresh as refresh
from app.services.classification import reclassify_case
from rosa.statistics import Filters
from tests.services.test_statistics import (
    END,
    NOW,
    SETTINGS,
    START,
    at,
    build_cases,
    check_links,
    contact,
    live,
)


@pytest.fixture
def data(session, world):
    """The statistics test data, plus two action contacts (one about a business) and two
    reclassifications: an answered case moved to a level 5 label, and another answered one
    moved to an action label."""
    world.labels["admin_mandate"].action = True
    session.flush()
    cases = build_cases(session, world)
    cases["order_a"] = contact(session, world, "admin_mandate", at(21))
    cases["order_b"] = contact(session, world, "admin_mandate", at(22), business=True)
    reclassify_case(session, world.agent, cases["info_a"], world.labels["investigation"].id,
                    "Oljeläckage", now=at(3))
    reclassify_case(session, world.agent, cases["info_b"], world.labels["admin_mandate"].id,
                    "Utebliven hämtning", now=at(13))
    session.commit()
    refresh.refresh_statistics(session, now=NOW)
    session.commit()
    return cases


def test_an_order_counts_as_answered_at_first_contact_and_as_an_order(session, world, data):
    """First-contact resolution includes orders; "Orders to departments" counts them apart."""
    page = pages.overview(session, Filters(START, END), now=NOW, settings=SETTINGS)
    cases = live(session)
    first = sum(c.resolution.value == "first_contact" for c in cases)
    orders = [c for c in cases if c.action_ordered]
    # The four "Utebliven" contacts of the base data are orders too, now that it is an action.
    assert {c.id for c in orders} == {data[k].id for k in (
        "avoid_0", "avoid_1", "avoid_2", "avoid_3", "order_a", "order_b", "info_b")}
    assert all(c.resolution.value == "first_contact" for c in orders)
    figures = {f.title: f.value for f in page.figures}
    assert figures["Orders to departments"] == 7
    assert figures["Resolved at first contact"] == pytest.approx(first / len(cases))
    row = {r.cells[0]: r.cells for r in page.tables["orders"].rows}["Tekniska förvaltningen"]
    assert row[3] == 7 and row[4] == 2


def test_reclassifications_are_counted_and_listed(session, world, data):
    """Two of the contacts were reclassified; the forwarded one is no longer first contact."""
    page = pages.overview(session, Filters(START, END), now=NOW, settings=SETTINGS)
    cases = live(session)
    figures = {f.title: f.value for f in page.figures}
    assert figures["Reclassified"] == pytest.approx(2 / len(cases))
    assert data["info_a"].resolution.value == "forwarded"


def test_the_new_figures_link_to_exactly_their_cases(session, world, data):
    """Every number, the new ones included, equals the count of its drill-down."""
    page = pages.overview(session, Filters(START, END), now=NOW, settings=SETTINGS)
    assert page.tables["orders"].rows
    assert check_links(session, page) > 50
