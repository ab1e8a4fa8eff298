"""The agent console through HTTP: logging contacts, validation, look-up and reclassification."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from models import Case, CaseEvent, Contact
from rosa.vocabulary import CaseStatus, EventKind, Resolution
from tests.conftest import csrf_token


def _post_contact(client, label, **fields):
    page = client.get("/agent/")
    data = {
        "csrf_token": csrf_token(page.get_data(as_text=True)),
        "channel": "phone", "label_id": str(label.id),
        "citizen_words": "Soptunnan har inte tömts på två veckor",
        "answer_given": "", "customer-kind": "private", "customer-name": "Anna Maria Svensson",
        "customer-phone": "070-123 45 67", "customer-email": "anna@example.se",
        "customer-address": "", "customer-personnummer": "", "customer-organisationsnummer": "",
    }
    data.update(fields)
    return client.post("/agent/contacts", data=data)


@pytest.mark.parametrize("key", ["info", "guidance", "admin_mandate"])
def test_console_stores_resolvable_contacts_as_first_contact(world, login_as, session, key):
    """Levels 1–2 and 3–4 with mandate, logged in the console, are resolved at first contact."""
    client = login_as(world.agent)
    response = _post_contact(client, world.labels[key], answer_given="Hämtning sker på tisdag.")
    assert response.status_code == 303
    session.rollback()  # end the test's read snapshot to see what the request committed
    case = session.scalar(select(Case))
    assert case.resolution is Resolution.FIRST_CONTACT and case.status is CaseStatus.RESOLVED
    assert response.headers["Location"].endswith(f"/agent/cases/{case.reference}?created=1")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert case.reference in page and "-".join(
        case.tracking_code[i:i + 4] for i in (0, 4, 8)) in page


@pytest.mark.parametrize("key,group", [("routine_no_mandate", "streets_group"),
                                       ("investigation", "streets_group"),
                                       ("evaluative", "social_group")])
def test_console_forwards_department_contacts_to_the_group_queue(world, login_as, session,
                                                                 key, group):
    """Levels 5–6 and 3–4 without mandate land in the label's group queue."""
    client = login_as(world.agent)
    assert _post_contact(client, world.labels[key]).status_code == 303
    session.rollback()  # end the test's read snapshot to see what the request committed
    case = session.scalar(select(Case))
    assert case.resolution is Resolution.FORWARDED
    assert case.group_id == getattr(world, group).id


def test_validation_error_keeps_everything_typed(world, login_as, session):
    """A bad e-mail and a missing answer are reported per field; the typed text comes back."""
    client = login_as(world.agent)
    response = _post_contact(client, world.labels["info"], **{
        "customer-email": "anna@", "citizen_words": "När öppnar återvinningscentralen?",
        "customer-personnummer": "19121212-1213"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Ogiltig e-postadress" in page or "giltig e-postadress" in page
    assert "När öppnar återvinningscentralen?" in page
    assert 'value="Anna Maria Svensson"' in page and 'value="anna@"' in page
    assert session.scalar(select(func.count(Case.id))) == 0


def test_missing_csrf_token_is_refused(world, login_as, session):
    """Every form needs its CSRF token; without it nothing is stored."""
    client = login_as(world.agent)
    response = client.post("/agent/contacts", data={"channel": "phone"})
    assert response.status_code == 400
    assert session.scalar(select(func.count(Case.id))) == 0


def test_label_suggestions_come_from_signal_words(world, login_as):
    """Typing the citizen's words suggests the label with path, level and outcome."""
    client = login_as(world.agent)
    hits = client.get("/agent/labels/suggest?q=tunnan inte tömd").get_json()
    assert hits[0]["id"] == world.labels["admin_mandate"].id
    assert hits[0]["path"] == "Avfall › Sophämtning › Utebliven"
    assert hits[0]["forwards"] is False


def test_my_contacts_today_lists_what_i_logged(world, login_as):
    """The console lists the agent's own contacts of the day, each with its label's whole
    path (function › case type › label), not only "Information"."""
    client = login_as(world.agent)
    _post_contact(client, world.labels["info"], answer_given="Öppet 7–19.")
    page = client.get("/agent/").get_data(as_text=True)
    today = page[page.index('id="today-heading"'):]
    assert "KC-" in today
    assert f"<td>{world.labels['info'].path_text}</td>" in today


def test_the_label_field_shows_the_whole_path(world, login_as):
    """Every option of the label field, and so the closed field, names the whole path."""
    page = login_as(world.agent).get("/agent/").get_data(as_text=True)
    field = page[page.index('<select id="label_id"'):page.index("</select>")]
    options = re.findall(r'<option value="\d+" >([^<]+)</option>', field)
    assert options and all(text.count(" › ") == 2 for text in options)
    info = world.labels["info"]
    assert f'<option value="{info.id}" >{info.path_text} (nivå {info.rosa_level})</option>' in field


@pytest.mark.parametrize("query", ["{ref}", "070 123 45 67", "+46701234567", "ANNA@example.se",
                                   "svens", "anna sv", "anna maria svensson"])
def test_lookup_finds_a_case_by_reference_phone_email_or_name(world, login_as, session, query):
    """Agents find a caller's case by any of the ways callers identify themselves."""
    client = login_as(world.agent)
    _post_contact(client, world.labels["investigation"])
    session.rollback()  # end the test's read snapshot to see what the request committed
    case = session.scalar(select(Case))
    page = client.get("/agent/cases", query_string={"q": query.format(ref=case.reference)})
    assert case.reference in page.get_data(as_text=True)


def test_lookup_does_not_match_other_people(world, login_as, session):
    """A name that is not there finds nothing."""
    client = login_as(world.agent)
    _post_contact(client, world.labels["investigation"])
    page = client.get("/agent/cases", query_string={"q": "Karlsson"}).get_data(as_text=True)
    assert "0 ärenden hittades via namn." in page and "<tbody>" not in page


def test_reclassify_moves_an_open_case_and_keeps_history(world, login_as, session):
    """Reclassifying a forwarded case re-routes it and records both events."""
    client = login_as(world.agent)
    _post_contact(client, world.labels["investigation"])
    session.rollback()  # end the test's read snapshot to see what the request committed
    case = session.scalar(select(Case))
    page = client.get(f"/agent/cases/{case.reference}").get_data(as_text=True)
    response = client.post(f"/agent/cases/{case.reference}/reclassify", data={
        "csrf_token": csrf_token(page), "label_id": world.labels["evaluative"].id,
        "reason": "Gäller ekonomiskt bistånd"})
    assert response.status_code == 303
    session.rollback()
    case = session.get(Case, case.id)
    assert case.group_id == world.social_group.id
    kinds = session.scalars(select(CaseEvent.kind).where(CaseEvent.case_id == case.id)).all()
    assert kinds[-2:] == [EventKind.RECLASSIFIED, EventKind.REROUTED]


def test_reclassify_without_reason_is_refused(world, login_as, session):
    """A reclassification must say why."""
    client = login_as(world.agent)
    _post_contact(client, world.labels["investigation"])
    session.rollback()  # end the test's read snapshot to see what the request committed
    case = session.scalar(select(Case))
    page = client.get(f"/agent/cases/{case.reference}").get_data(as_text=True)
    response = client.post(f"/agent/cases/{case.reference}/reclassify", data={
        "csrf_token": csrf_token(page), "label_id": world.labels["evaluative"].id, "reason": ""})
    assert response.status_code == 422


def test_english_is_one_click_away(world, login_as):
    """The UI is Swedish by default and English on request."""
    client = login_as(world.agent)
    assert "Logga en kontakt" in client.get("/agent/").get_data(as_text=True)
    assert "Log a contact" in client.get("/agent/?lang=en").get_data(as_text=True)


def test_forward_anyway_without_a_reason_is_refused_keeping_what_was_typed(world, login_as,
                                                                           session):
    """Ticking "forward anyway" on a label the centre answers needs a reason: refused with
    a message naming the field, everything typed kept, nothing stored."""
    client = login_as(world.agent)
    response = _post_contact(client, world.labels["guidance"], forward="1",
                             answer_given="Blankett på webben", override_note="")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert ('<a href="#override_reason">Ange varför kontakten skickas vidare fast '
            'kontaktcenter kunde svara</a>') in page
    assert 'id="override_reason" name="override_reason" aria-invalid="true"' in page
    assert "Soptunnan har inte tömts på två veckor" in page
    assert 'value="Anna Maria Svensson"' in page
    assert 'id="forward" aria-controls="override" checked' in page
    response = _post_contact(client, world.labels["guidance"], forward="1",
                             override_reason="other", override_note="")
    assert response.status_code == 422
    assert 'href="#override_note">Skriv varför ärendet skickas vidare' in response.get_data(
        as_text=True)
    assert session.scalar(select(func.count(Case.id))) == 0


def test_forward_anyway_stores_the_reason_with_the_forwarded_event(world, login_as, session):
    """A listed reason and the agent's words go with the FORWARDED event and show in the
    case's history for staff."""
    client = login_as(world.agent)
    response = _post_contact(client, world.labels["guidance"], forward="1",
                             override_reason="citizen_asks", override_note="Vill ha beslut")
    assert response.status_code == 303
    session.rollback()
    case = session.scalar(select(Case))
    forwarded = session.scalar(select(CaseEvent).where(CaseEvent.case_id == case.id,
                                                       CaseEvent.kind == EventKind.FORWARDED))
    assert forwarded.data["overridden"] is True
    assert forwarded.data["override_reason"] == "citizen_asks"
    assert forwarded.data["override_note"] == "Vill ha beslut"
    page = client.get(f"/agent/cases/{case.reference}").get_data(as_text=True)
    assert "Medborgaren vill ha kontakt med förvaltningen — Vill ha beslut" in page


def test_the_reason_is_asked_only_when_forwarding_anyway(world, login_as, session):
    """Unticked, whatever is in the reason fields is ignored; the contact is answered."""
    client = login_as(world.agent)
    response = _post_contact(client, world.labels["guidance"], answer_given="Svar",
                             override_reason="nonsense", override_note="x")
    assert response.status_code == 303
    session.rollback()
    assert session.scalar(select(Case)).resolution is Resolution.FIRST_CONTACT


def test_a_form_sent_twice_logs_one_contact(world, login_as, session):
    """The second submission of the same form (its one-time token) shows the first one's
    case and says so; one case, one contact."""
    client = login_as(world.agent)
    page = client.get("/agent/").get_data(as_text=True)
    token = re.search(r'name="form_token" value="([^"]+)"', page).group(1)
    first = _post_contact(client, world.labels["info"], answer_given="På tisdag",
                          form_token=token)
    second = _post_contact(client, world.labels["info"], answer_given="På tisdag",
                           form_token=token)
    assert first.status_code == second.status_code == 303
    assert second.headers["Location"] == first.headers["Location"]
    shown = client.get(second.headers["Location"]).get_data(as_text=True)
    session.rollback()
    case = session.scalar(select(Case))
    assert f"Kontakten är redan sparad som {case.reference}" in shown
    assert session.scalar(select(func.count(Case.id))) == 1
    assert session.scalar(select(func.count(Contact.id))) == 1


def test_every_console_page_has_a_fresh_token(world, login_as):
    """Two contacts in a row are two forms: each page carries its own token."""
    client = login_as(world.agent)
    tokens = {re.search(r'name="form_token" value="([^"]+)"',
                        client.get("/agent/").get_data(as_text=True)).group(1)
              for _ in range(3)}
    assert len(tokens) == 3


def test_a_double_click_racing_on_two_connections_logs_one_contact(world, live_server,
                                                                   session):
    """Two submissions of one form at the same moment (two connections) make one case;
    both browsers end on it."""
    import http.cookiejar
    import threading
    import urllib.parse
    import urllib.request

    from tests.factories import PASSWORD

    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    login = opener.open(f"{live_server}/auth/login").read().decode()
    opener.open(f"{live_server}/auth/login", urllib.parse.urlencode({
        "username": world.agent.username, "password": PASSWORD,
        "csrf_token": csrf_token(login)}).encode())
    page = opener.open(f"{live_server}/agent/").read().decode()
    body = urllib.parse.urlencode({
        "csrf_token": csrf_token(page), "channel": "phone",
        "form_token": re.search(r'name="form_token" value="([^"]+)"', page).group(1),
        "label_id": str(world.labels["info"].id), "citizen_words": "När töms soporna?",
        "answer_given": "På tisdag", "customer-kind": "private"}).encode()
    start, landed = threading.Barrier(2), []

    def submit():
        start.wait()
        with opener.open(f"{live_server}/agent/contacts", body, timeout=30) as response:
            landed.append(response.geturl().split("?")[0])

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    session.rollback()
    case = session.scalar(select(Case))
    assert session.scalar(select(func.count(Case.id))) == 1
    assert landed == [f"{live_server}/agent/cases/{case.reference}"] * 2
