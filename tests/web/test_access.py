"""Who may reach which page: roles per blueprint and department scoping of cases."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.services.intake import log_contact
from rosa.intake import ContactDraft, CustomerDraft

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def _forward(session, world, key):
    draft = ContactDraft(channel="phone", citizen_words="Hjälp",
                         customer=CustomerDraft(name="Eva", phone="0701234567"))
    case = log_contact(session, world.agent, draft, world.labels[key].id, now=NOW).case
    session.commit()
    return case


@pytest.mark.parametrize("path", ["/agent/", "/queues/", "/admin/"])
def test_anonymous_users_are_sent_to_login(client, world, path):
    """Nothing but the login page is open without an account."""
    response = client.get(path)
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


@pytest.mark.parametrize("who,path,status", [
    ("handler", "/agent/", 403), ("handler", "/admin/", 403), ("agent", "/admin/", 403),
    ("agent", "/agent/", 200), ("handler", "/queues/", 200), ("admin", "/admin/", 200),
    ("manager", "/agent/", 200), ("manager", "/admin/", 403),
])
def test_roles_are_enforced_per_blueprint(world, login_as, who, path, status):
    """Each kind of user reaches their own pages and no others."""
    client = login_as(getattr(world, who))
    assert client.get(path).status_code == status


def test_handler_sees_own_department_case_and_not_another(world, login_as, session):
    """A handler reading another department's case by URL gets 404, as if it did not exist."""
    own = _forward(session, world, "investigation")
    other = _forward(session, world, "evaluative")
    client = login_as(world.handler)
    assert client.get(f"/queues/cases/{own.reference}").status_code == 200
    assert client.get(f"/queues/cases/{other.reference}").status_code == 404
    assert client.get("/queues/cases/KC-2026-999999").status_code == 404
    queue = client.get("/queues/").get_data(as_text=True)
    assert own.reference in queue and other.reference not in queue


def test_login_locks_the_account_after_repeated_failures(client, world, app):
    """After five wrong passwords even the right one is refused, with the same message."""
    from tests.conftest import csrf_token
    from tests.factories import PASSWORD

    def attempt(username, password):
        token = csrf_token(client.get("/auth/login").get_data(as_text=True))
        return client.post("/auth/login", data={"username": username, "password": password,
                                                "csrf_token": token})

    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        assert attempt("agent", "wrong password!").status_code == 200
    locked = attempt("agent", PASSWORD)
    unknown = attempt("nobody", PASSWORD)
    assert locked.status_code == unknown.status_code == 200  # no redirect: not logged in
    message = "Fel användarnamn eller lösenord"
    assert message in locked.get_data(as_text=True) and message in unknown.get_data(as_text=True)


def test_logout_needs_post_with_csrf(world, login_as):
    """Logging out is a form post, so a link on another site cannot log an agent out."""
    client = login_as(world.agent)
    assert client.get("/auth/logout").status_code == 405
