"""The notifications page and the header count: listing, links by role, marking read, CSRF,
and nobody seeing or marking another user's notifications."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import event, select

from app.extensions import db
from app.services.intake import log_contact
from app.services.notifications import URGENT_CASE, notify_users
from models import Notification
from rosa.intake import ContactDraft, CustomerDraft
from tests.conftest import csrf_token
from tests.factories import NOW

LABEL = "Gata/Park › Oljeläckage › Felanmälan"


@pytest.fixture
def case(session, world):
    draft = ContactDraft(channel="phone", citizen_words="Det läcker olja på gatan",
                         customer=CustomerDraft(name="Eva Ek", phone="0701234567"))
    created = log_contact(session, world.agent, draft, world.labels["routine_no_mandate"].id,
                          now=NOW).case
    session.commit()
    return created


def _notify(session, users, case, *, kind=URGENT_CASE, minutes=0, data=None):
    data = {"reference": case.reference, "label": LABEL} if data is None else data
    notify_users(session, users, kind=kind, case_id=case.id if case else None, data=data,
                 now=NOW + timedelta(minutes=minutes))
    session.commit()


def _ids(session, user):
    session.rollback()
    return list(session.scalars(select(Notification.id).where(Notification.user_id == user.id)
                                .order_by(Notification.id)))


def _unread(session, user):
    session.rollback()
    return session.scalars(select(Notification.id).where(
        Notification.user_id == user.id, Notification.read_at.is_(None))).all()


def _post_read(client, **data):
    token = csrf_token(client.get("/notifications/").get_data(as_text=True))
    return client.post("/notifications/read", data={"csrf_token": token, **data})


def test_page_lists_newest_first_with_case_links_for_a_handler(session, world, case,
                                                               login_as):
    """Swedish sentences, newest first, unread marked in text, links to the queue's case page."""
    _notify(session, [world.handler], case, minutes=0)
    _notify(session, [world.handler], case, kind="deadline_due_soon", minutes=5,
            data={"reference": case.reference, "due": "2026-11-25"})
    _notify(session, [world.handler], None, kind="something_new", minutes=10, data={})
    page = login_as(world.handler).get("/notifications/").get_data(as_text=True)
    urgent = f"Brådskande ärende {case.reference}: {LABEL}"
    generic = f"Nytt om ärende {case.reference}"
    assert "<h1>Notiser</h1>" in page
    assert page.index("Ny notis") < page.index(generic) < page.index(urgent)
    assert f'<a href="/queues/cases/{case.reference}">{urgent}</a>' in page
    assert page.count(">Oläst<") == 3 and "3 olästa" in page
    assert "Notiser (3)</a>" in page


def test_agents_and_managers_are_linked_to_the_agent_case_page(session, world, case,
                                                               login_as):
    """The link follows the reader's role: agents and managers open /agent/cases/…."""
    _notify(session, [world.agent, world.manager], case)
    for user in (world.agent, world.manager):
        page = login_as(user).get("/notifications/").get_data(as_text=True)
        assert f'href="/agent/cases/{case.reference}"' in page


def test_marking_one_and_then_all_read_updates_page_and_header(session, world, case,
                                                                login_as):
    """One button marks one; the other marks all; the header count follows."""
    for minutes in range(3):
        _notify(session, [world.handler], case, minutes=minutes)
    client = login_as(world.handler)
    first, *_rest = _ids(session, world.handler)
    response = _post_read(client, id=str(first))
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/notifications/")
    assert first not in _unread(session, world.handler)
    page = client.get("/notifications/").get_data(as_text=True)
    assert "Notisen är markerad som läst." in page and "Notiser (2)</a>" in page

    assert _post_read(client, all="1").status_code == 303
    assert _unread(session, world.handler) == []
    page = client.get("/notifications/").get_data(as_text=True)
    assert "Oläst" not in page and ">Notiser</a>" in page and "Markera alla" not in page


def test_marking_read_goes_back_to_a_local_page_only(session, world, case, login_as):
    """`next` may name a page of this site; anything else falls back to the list."""
    _notify(session, [world.handler], case)
    client = login_as(world.handler)
    back = _post_read(client, all="1", next="/queues/?sort=urgent")
    assert back.headers["Location"] == "/queues/?sort=urgent"
    for outside in ("//evil.example/", "https://evil.example/", "/\\evil.example"):
        response = _post_read(client, all="1", next=outside)
        assert response.headers["Location"].endswith("/notifications/")


def test_marking_read_requires_the_csrf_token(session, world, case, login_as):
    """A forged form post is refused and marks nothing."""
    _notify(session, [world.handler], case)
    client = login_as(world.handler)
    response = client.post("/notifications/read", data={"all": "1"})
    assert response.status_code == 400
    assert len(_unread(session, world.handler)) == 1


def test_another_users_notifications_are_neither_shown_nor_markable(session, world, case,
                                                                     login_as):
    """The agent's notification is invisible to the handler and survives their posts."""
    _notify(session, [world.agent], case, data={"reference": case.reference,
                                                "label": "Bara för agenten"})
    [agents] = _ids(session, world.agent)
    client = login_as(world.handler)
    page = client.get("/notifications/").get_data(as_text=True)
    assert "Bara för agenten" not in page and "Du har inga notiser." in page
    assert _post_read(client, id=str(agents)).status_code == 303
    assert _post_read(client, all="1").status_code == 303
    assert _unread(session, world.agent) == [agents]


def test_a_malformed_mark_request_is_refused(session, world, login_as):
    """Neither an id nor "all": 400."""
    assert _post_read(login_as(world.handler), id="abc").status_code == 400


@pytest.mark.parametrize("method,path", [("get", "/notifications/"),
                                         ("post", "/notifications/read")])
def test_anonymous_visitors_are_sent_to_log_in(client, world, method, path):
    """Notifications are for logged-in staff only."""
    response = getattr(client, method)(path)
    assert response.status_code in (302, 400)
    if response.status_code == 302:
        assert "/auth/login" in response.headers["Location"]


def test_the_header_count_costs_one_query_per_page(session, world, case, login_as, app):
    """Every staff page shows the unread count, read with a single COUNT."""
    _notify(session, [world.handler], case)
    client = login_as(world.handler)
    with app.app_context():
        engine = db.engine
    statements = []

    def capture(_conn, _cursor, statement, _parameters, _context, _many):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", capture)
    try:
        page = client.get("/queues/").get_data(as_text=True)
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    assert '>Notiser (1)</a>' in page
    assert len([s for s in statements if "notifications" in s]) == 1


def test_the_login_page_runs_no_count(client, world):
    """Anonymous pages have no notifications link."""
    assert "/notifications/" not in client.get("/auth/login").get_data(as_text=True)
