"""Handlers working forwarded cases: queues, lifecycle, re-routing, completion, locking, audit."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
import requests
from sqlalchemy import func, select

from app.services.intake import log_contact
from models import AuditEntry, Case, CaseEvent, group_members
from rosa.intake import ContactDraft, CustomerDraft
from rosa.vocabulary import CaseStatus, EventKind, Role
from tests import factories
from tests.conftest import csrf_token

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def forward(session, world, key="investigation", *, email=None, name="Eva Ek"):
    draft = ContactDraft(channel="phone", citizen_words="Det läcker olja vid bron",
                         customer=CustomerDraft(name=name, phone="0701234567", email=email or ""))
    case = log_contact(session, world.agent, draft, world.labels[key].id, now=NOW).case
    session.commit()
    return case


def colleague(session, world, username="kollega", *, lead=False):
    """A second handler in the streets group (optionally its lead)."""
    user = factories.user(session, username, Role.HANDLER, department_code="tekn",
                          groups=("tekn-gata",))
    session.flush()
    if lead:
        session.execute(group_members.update().where(
            group_members.c.user_id == user.id).values(is_lead=True))
    session.commit()
    return user


def act(client, case, action, **data):
    """POST an action with the CSRF token and version from the case page, as a browser would."""
    page = client.get(f"/queues/cases/{case.reference}").get_data(as_text=True)
    data.setdefault("csrf_token", csrf_token(page))
    if "version" not in data:
        data["version"] = _version(page)
    return client.post(f"/cases/{case.reference}/{action}", data=data)


def _version(page: str) -> str:
    marker = 'name="version" value="'
    start = page.find(marker)
    return page[start + len(marker):page.index('"', start + len(marker))] if start >= 0 else ""


def reload(session, case) -> Case:
    session.rollback()
    return session.get(Case, case.id)


def events_of(session, case) -> list[CaseEvent]:
    session.rollback()
    return list(session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id)
                                .order_by(CaseEvent.id)))


def test_full_lifecycle_records_every_step_with_who_and_when(world, login_as, session):
    """claim → wait → resume → resolve → close → reopen, each an event by the handler."""
    case = forward(session, world)
    client = login_as(world.handler)
    for action, status in [("claim", CaseStatus.IN_PROGRESS), ("wait", CaseStatus.WAITING),
                           ("resume", CaseStatus.IN_PROGRESS), ("resolve", CaseStatus.RESOLVED),
                           ("close", CaseStatus.CLOSED), ("reopen", CaseStatus.IN_PROGRESS)]:
        response = act(client, case, action)
        assert response.status_code == 303, response.get_data(as_text=True)[:800]
        assert reload(session, case).status is status
    stored = reload(session, case)
    assert stored.claimed_by_id == world.handler.id and stored.resolved_at is None
    assert stored.feedback_given_at is None  # resolving without words told the citizen nothing
    kinds = [e.kind for e in events_of(session, case)]
    assert kinds[-6:] == [EventKind.CLAIMED, EventKind.STATUS_CHANGED, EventKind.STATUS_CHANGED,
                          EventKind.STATUS_CHANGED, EventKind.STATUS_CHANGED, EventKind.REOPENED]
    assert all(e.actor_id == world.handler.id for e in events_of(session, case)[-6:])


@pytest.mark.parametrize(("action", "expected"), [
    ("close", "kan inte stängas"), ("resolve", "kan inte lösas"), ("resume", "kan inte återupptas"),
])
def test_invalid_transitions_are_refused_with_a_clear_message(world, login_as, session, action,
                                                               expected):
    """Closing, resolving or resuming a case nobody has taken is refused, in Swedish."""
    case = forward(session, world)
    client = login_as(world.handler)
    response = act(client, case, action)
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and expected in page
    assert reload(session, case).status is CaseStatus.FORWARDED


def test_another_handler_cannot_resolve_a_claimed_case(world, login_as, session):
    """Only the holder (or the group lead) moves a claimed case on."""
    case = forward(session, world)
    other = colleague(session, world)
    act(login_as(world.handler), case, "claim")
    response = act(login_as(other), case, "resolve")
    assert response.status_code == 422
    assert "Bara handläggaren som har ärendet" in response.get_data(as_text=True)
    assert reload(session, case).status is CaseStatus.IN_PROGRESS


def test_the_group_lead_assigns_within_the_group(world, login_as, session):
    """A lead gives the case to a member; a non-member cannot be chosen."""
    case = forward(session, world)
    lead = colleague(session, world, "ledare", lead=True)
    client = login_as(lead)
    refused = act(client, case, "assign", assignee_id=str(world.social_handler.id))
    assert refused.status_code == 422 and "Välj en medlem i gruppen" in refused.get_data(
        as_text=True)
    assert act(client, case, "assign", assignee_id=str(world.handler.id)).status_code == 303
    stored = reload(session, case)
    assert stored.claimed_by_id == world.handler.id and stored.status is CaseStatus.IN_PROGRESS


def test_plain_members_cannot_assign(world, login_as, session):
    """Assigning is the group lead's job."""
    case = forward(session, world)
    response = act(login_as(world.handler), case, "assign", assignee_id=str(world.handler.id))
    assert response.status_code == 422
    assert reload(session, case).claimed_by_id is None


def test_release_puts_the_case_back_in_the_queue(world, login_as, session):
    """A handler going on leave releases the case; it is unclaimed and forwarded again."""
    case = forward(session, world)
    client = login_as(world.handler)
    act(client, case, "claim")
    assert act(client, case, "release").status_code == 303
    stored = reload(session, case)
    assert stored.status is CaseStatus.FORWARDED and stored.claimed_by_id is None


def test_concurrent_claims_have_exactly_one_winner(world, session, live_server):
    """Two handlers press "take the case" at the same instant: one gets it, one is told who."""
    case = forward(session, world)
    other = colleague(session, world)
    clients = [_browser_session(live_server, user) for user in (world.handler, other)]
    tokens = [_token(s, live_server, case) for s in clients]
    barrier = threading.Barrier(2)
    results: list[requests.Response | None] = [None, None]

    def claim(i):
        barrier.wait()
        results[i] = clients[i].post(f"{live_server}/cases/{case.reference}/claim",
                                     data={"csrf_token": tokens[i]}, allow_redirects=False)

    threads = [threading.Thread(target=claim, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    statuses = sorted(r.status_code for r in results)
    assert statuses == [303, 409], [r.text[:300] for r in results]
    loser = next(r for r in results if r.status_code == 409)
    stored = reload(session, case)
    winner = world.handler if stored.claimed_by_id == world.handler.id else other
    assert f"{winner.full_name} har redan ärendet" in loser.text
    claimed = [e for e in events_of(session, case) if e.kind is EventKind.CLAIMED]
    assert len(claimed) == 1


def _browser_session(base, user) -> requests.Session:
    http = requests.Session()
    page = http.get(f"{base}/auth/login").text
    response = http.post(f"{base}/auth/login", data={
        "username": user.username, "password": factories.PASSWORD,
        "csrf_token": csrf_token(page)}, allow_redirects=False)
    assert response.status_code == 302
    return http


def _token(http, base, case) -> str:
    return csrf_token(http.get(f"{base}/queues/cases/{case.reference}").text)


def test_second_save_of_a_stale_page_is_refused_not_overwritten(world, login_as, session):
    """Optimistic locking: the second of two edits made on the same version is refused."""
    case = forward(session, world)
    first, second = login_as(world.handler), login_as(colleague(session, world))
    page = first.get(f"/queues/cases/{case.reference}").get_data(as_text=True)
    stale = {"csrf_token": "", "version": _version(page)}
    assert act(first, case, "edit", summary="Oljefläck 2 m², Storgatan 4",
               version=stale["version"]).status_code == 303
    response = act(second, case, "edit", summary="Något annat", version=stale["version"])
    text = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "ändrade ärendet" in text and "Något annat" in text  # told, and the text is kept
    assert reload(session, case).summary == "Oljefläck 2 m², Storgatan 4"


def test_reroute_needs_a_reason_and_is_counted_as_misrouted(world, login_as, session):
    """Re-routing keeps the history, records the reason and moves the department's access."""
    case = forward(session, world)
    client = login_as(world.handler)
    refused = act(client, case, "reroute", group_id=str(world.social_group.id), reason=" ")
    assert refused.status_code == 422 and "Ange varför" in refused.get_data(as_text=True)
    response = act(client, case, "reroute", group_id=str(world.social_group.id),
                   reason="Gäller försörjningsstöd, inte gata")
    assert response.status_code == 303 and response.headers["Location"].endswith("/queues/")
    stored = reload(session, case)
    assert stored.group_id == world.social_group.id
    assert stored.department_id == world.social.id and stored.reroute_count == 1
    rerouted = [e for e in events_of(session, case) if e.kind is EventKind.REROUTED][-1]
    assert rerouted.data["reason"] == "Gäller försörjningsstöd, inte gata"
    assert rerouted.data["misrouted"] is True and rerouted.citizen_visible
    assert login_as(world.handler).get(f"/queues/cases/{case.reference}").status_code == 404
    assert login_as(world.social_handler).get(
        f"/queues/cases/{case.reference}").status_code == 200


def test_return_for_completion_and_the_contact_centre_completes(world, login_as, session):
    """A handler names what is missing; the agent adds it and the case goes back to the group."""
    case = forward(session, world)
    handler = login_as(world.handler)
    assert act(handler, case, "return", missing="Exakt plats saknas").status_code == 303
    assert reload(session, case).status is CaseStatus.RETURNED
    agent = login_as(world.agent)
    assert case.reference in agent.get("/agent/").get_data(as_text=True)  # the console lists it
    page = agent.get(f"/agent/cases/{case.reference}").get_data(as_text=True)
    assert "Exakt plats saknas" in page
    response = agent.post(f"/cases/{case.reference}/complete", data={
        "csrf_token": csrf_token(page), "version": _version(page),
        "added": "Vid Storgatan 4, bakom busskuren"})
    assert response.status_code == 303
    stored = reload(session, case)
    assert stored.status is CaseStatus.FORWARDED and stored.group_id == world.streets_group.id


def test_notes_are_internal_and_messages_are_citizen_visible(world, login_as, session):
    """A note stays with staff; a message is shown to the citizen and meets the deadline."""
    case = forward(session, world)
    client = login_as(world.handler)
    act(client, case, "claim")
    assert act(client, case, "note", note="Ringt Eva, ej svar").status_code == 303
    assert reload(session, case).feedback_given_at is None
    assert act(client, case, "message", message="Vi sanerar i dag.").status_code == 303
    events = events_of(session, case)
    note = next(e for e in events if e.kind is EventKind.NOTE)
    message = next(e for e in events if e.kind is EventKind.MESSAGE)
    assert not note.citizen_visible and message.citizen_visible
    assert message.data["text"] == "Vi sanerar i dag."
    assert reload(session, case).feedback_given_at is not None


def test_empty_note_is_refused_field_by_field(world, login_as, session):
    """An empty note gets a message at the field, and nothing is stored."""
    case = forward(session, world)
    response = act(login_as(world.handler), case, "note", note="   ")
    assert response.status_code == 422 and "Skriv anteckningen" in response.get_data(as_text=True)
    assert not [e for e in events_of(session, case) if e.kind is EventKind.NOTE]


def test_unknown_action_and_foreign_case_are_404(world, login_as, session):
    """No action names or other departments' references can be probed."""
    own, foreign = forward(session, world), forward(session, world, "evaluative")
    client = login_as(world.handler)
    token = csrf_token(client.get("/queues/").get_data(as_text=True))
    assert client.post(f"/cases/{own.reference}/explode",
                       data={"csrf_token": token}).status_code == 404
    assert client.post(f"/cases/{foreign.reference}/claim",
                       data={"csrf_token": token}).status_code == 404
    assert reload(session, foreign).claimed_by_id is None


def test_actions_need_the_csrf_token(world, login_as, session):
    """Without the form's token nothing changes."""
    case = forward(session, world)
    response = login_as(world.handler).post(f"/cases/{case.reference}/claim", data={})
    assert response.status_code == 400 and reload(session, case).claimed_by_id is None


def test_queue_puts_urgent_first_and_filters(world, login_as, session):
    """Urgent cases come first; the filters narrow by claim and status; counts per queue."""
    plain = forward(session, world, "routine_no_mandate")
    urgent = forward(session, world, "investigation")
    client = login_as(world.handler)
    page = client.get("/queues/").get_data(as_text=True)
    assert page.index(urgent.reference) < page.index(plain.reference)
    act(client, urgent, "claim")
    mine = client.get("/queues/?claim=mine").get_data(as_text=True)
    assert urgent.reference in mine and plain.reference not in mine
    unclaimed = client.get("/queues/?claim=unclaimed").get_data(as_text=True)
    assert plain.reference in unclaimed and urgent.reference not in unclaimed
    waiting = client.get("/queues/?status=waiting").get_data(as_text=True)
    assert plain.reference not in waiting and urgent.reference not in waiting
    by_group = client.get(f"/queues/?group={world.streets_group.id}").get_data(as_text=True)
    assert '<span class="count">2</span>' in by_group
    nonsense = client.get("/queues/?status=x&age=99&page=-3&label=abc")
    assert nonsense.status_code == 200


def test_every_view_of_a_case_is_audited_and_admins_can_read_the_log(world, login_as,
                                                                       session):
    """Who looked at the case's personal data, and when, is logged and shown to admins."""
    case = forward(session, world)
    login_as(world.handler).get(f"/queues/cases/{case.reference}")
    login_as(world.agent).get(f"/agent/cases/{case.reference}")
    session.rollback()
    viewers = session.scalars(select(AuditEntry.actor_id).where(
        AuditEntry.action == "case.viewed", AuditEntry.target_id == str(case.id))).all()
    assert viewers == [world.handler.id, world.agent.id]
    page = login_as(world.admin).get(f"/admin/cases/{case.reference}/audit")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and world.handler.full_name in text
    assert login_as(world.agent).get(f"/admin/cases/{case.reference}/audit").status_code == 403
    assert session.scalar(select(func.count(AuditEntry.id))) >= 2


def test_a_message_reaches_the_citizen_by_real_email(world, login_as, session, smtp_server):
    """With an address, the message goes out by e-mail at once, in Swedish, with å ä ö."""
    case = forward(session, world, email="eva.ek@example.se")
    client = login_as(world.handler)
    act(client, case, "claim")
    response = act(client, case, "message", message="Vi sanerar i dag. Hälsningar, Åsa")
    assert response.status_code == 303
    mail = smtp_server.wait_for(1)[0]
    assert mail["To"] == "eva.ek@example.se" and case.reference in mail["Subject"]
    assert "Vi sanerar i dag. Hälsningar, Åsa" in mail.get_content()


def test_an_urgent_case_rerouted_alerts_its_new_group(world, login_as, session):
    """Urgent cases alert the group they arrive in, also after re-routing."""
    from models import Notification

    case = forward(session, world, "investigation")
    act(login_as(world.handler), case, "reroute", group_id=str(world.social_group.id),
        reason="Fel förvaltning")
    session.rollback()
    alerts = session.execute(select(Notification.user_id, Notification.kind).where(
        Notification.case_id == case.id)).all()
    assert (world.social_handler.id, "urgent_case") in alerts


def test_the_api_hides_other_departments_cases_and_audits_reads(world, session, client):
    """A handler's token reads its department's case (logged) and gets 404 for another's."""
    from app.services.users import issue_token

    own, foreign = forward(session, world), forward(session, world, "evaluative")
    secret = issue_token(session, world.handler, "test", now=NOW)
    session.commit()
    headers = {"Authorization": f"Bearer {secret}"}
    assert client.get(f"/api/v1/cases/{own.reference}", headers=headers).status_code == 200
    missing = client.get(f"/api/v1/cases/{foreign.reference}", headers=headers)
    assert missing.status_code == 404 and missing.is_json
    session.rollback()
    logged = session.scalars(select(AuditEntry.target_id).where(
        AuditEntry.action == "case.viewed", AuditEntry.actor_id == world.handler.id)).all()
    assert logged == [str(own.id)]


def test_two_simultaneous_edits_of_one_version_save_exactly_one(world, session, live_server):
    """Two people save the same version at the same instant: one is saved, one refused."""
    case = forward(session, world)
    other = colleague(session, world)
    clients = [_browser_session(live_server, user) for user in (world.handler, other)]
    pages = [c.get(f"{live_server}/queues/cases/{case.reference}").text for c in clients]
    barrier = threading.Barrier(2)
    results: list[requests.Response | None] = [None, None]

    def save(i):
        barrier.wait()
        results[i] = clients[i].post(
            f"{live_server}/cases/{case.reference}/edit", allow_redirects=False,
            data={"csrf_token": csrf_token(pages[i]), "version": _version(pages[i]),
                  "summary": f"Version {i}"})

    threads = [threading.Thread(target=save, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(r.status_code for r in results) == [303, 409]
    winner = next(i for i, r in enumerate(results) if r.status_code == 303)
    assert reload(session, case).summary == f"Version {winner}"
    edits = [e for e in events_of(session, case) if e.kind is EventKind.DETAILS_EDITED]
    assert len(edits) == 1
