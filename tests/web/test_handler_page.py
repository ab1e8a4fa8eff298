"""The handler's case page and queue over HTTP: answers, e-mail truth, double submits, finding."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app.queues.routes import DONE_DAYS
from app.services.intake import log_contact
from models import Case, CaseEvent, OutgoingMail
from rosa.intake import ContactDraft, CustomerDraft
from rosa.vocabulary import CaseStatus, EventKind
from tests.conftest import csrf_token
from tests.smtp import free_port
from tests.web.test_casework import _version, act, colleague, events_of, forward, reload


def _flash(page: str) -> str:
    match = re.search(r'<p class="flash flash-(\w+)">(.*?)</p>', page, re.S)
    assert match, "no flash on the page"
    return f"{match.group(1)}: {html.unescape(match.group(2))}"


def _claimed(session, world, login_as, **kwargs):
    case = forward(session, world, **kwargs)
    client = login_as(world.handler)
    assert act(client, case, "claim").status_code == 303
    return case, client


def _track(client, session, case) -> str:
    stored = reload(session, case)
    return client.get(f"/portal/arende/{stored.reference}?kod={stored.tracking_code}"
                      ).get_data(as_text=True)


def test_resolving_with_an_answer_mails_it_and_says_so(world, login_as, session, smtp_server,
                                                       client):
    """The answer is saved, e-mailed (really), shown in the history as sent and to the citizen."""
    case, handler = _claimed(session, world, login_as, email="eva.ek@example.se")
    response = act(handler, case, "resolve", message="Oljan är sanerad. /Åsa",
                   comment="Firma X sanerade")
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    page = handler.get(response.headers["Location"]).get_data(as_text=True)
    assert _flash(page) == "success: Status: Löst. Det mejlades till medborgaren."
    [mail] = smtp_server.wait_for(1)
    assert "Oljan är sanerad. /Åsa" in mail.get_content() and "löst" in mail["Subject"]
    assert "E-post: skickad" in page and "Firma X sanerade" in page
    stored = reload(session, case)
    assert stored.status is CaseStatus.RESOLVED and stored.feedback_given_at is not None
    tracked = _track(client, session, case)
    assert "Oljan är sanerad. /Åsa" in tracked and "Firma X" not in tracked


def test_an_unreachable_mail_server_is_not_reported_as_sent(world, login_as, session, app,
                                                           data_app, monkeypatch):
    """SMTP down: the flash says the e-mail goes when the server answers; history: queued."""
    for application in (app, data_app):
        monkeypatch.setitem(application.config, "MAIL_SERVER", "127.0.0.1")
        monkeypatch.setitem(application.config, "MAIL_PORT", free_port())
    case, handler = _claimed(session, world, login_as, email="eva.ek@example.se")
    act(handler, case, "message", message="Vi kommer i morgon.")
    page = handler.get(f"/queues/cases/{case.reference}").get_data(as_text=True)
    response = handler.post(f"/cases/{case.reference}/message", follow_redirects=True, data={
        "csrf_token": csrf_token(page), "version": _version(page), "message": "Och i dag."})
    page = response.get_data(as_text=True)
    assert "mejlades" not in _flash(page)
    assert _flash(page) == ("warning: Meddelandet sparades. Sparat; e-posten till medborgaren "
                            "är inte skickad än, den skickas när e-postservern svarar.")
    assert page.count("E-post: i kö") == 2
    session.rollback()
    assert session.scalar(select(OutgoingMail.sent_at).limit(1)) is None


def test_a_refused_e_mail_is_shown_as_failed(world, login_as, session, smtp_server):
    """A permanent refusal (550): the flash says so and the history marks the e-mail failed."""
    smtp_server.refuse["fel@example.se"] = "550 5.1.1 No such user"
    case, handler = _claimed(session, world, login_as, email="fel@example.se")
    page = act(handler, case, "message", message="Hej!")
    page = handler.get(page.headers["Location"]).get_data(as_text=True)
    assert _flash(page).startswith("warning: Meddelandet sparades. E-posten kunde inte "
                                   "levereras")
    assert "E-post: misslyckades" in page


def test_waiting_with_a_question_reaches_the_citizen(world, login_as, session, client):
    """"Send and wait" moves the case to waiting, with the question on the tracking page."""
    case, handler = _claimed(session, world, login_as)
    response = act(handler, case, "wait", message="Var exakt ligger fläcken?")
    assert response.status_code == 303
    stored = reload(session, case)
    assert stored.status is CaseStatus.WAITING and stored.feedback_given_at is not None
    page = handler.get(response.headers["Location"]).get_data(as_text=True)
    assert _flash(page) == ("success: Status: Väntar på medborgaren. Medborgaren ser det när "
                            "hen följer ärendet (det finns ingen e-postadress).")
    tracked = _track(client, session, case)
    assert "Vi väntar på uppgifter från dig" in tracked
    assert "Var exakt ligger fläcken?" in tracked


def test_resolving_without_an_answer_warns_and_does_not_meet_the_deadline(world, login_as,
                                                                           session, client):
    """No words, no feedback: the flash says so and the tracking page shows no answer."""
    case, handler = _claimed(session, world, login_as)
    response = act(handler, case, "resolve", message="   ")
    page = handler.get(response.headers["Location"]).get_data(as_text=True)
    assert _flash(page) == ("warning: Status: Löst. Medborgaren har inte fått något besked, "
                            "så återkopplingstiden är inte uppfylld: skriv till medborgaren.")
    assert reload(session, case).feedback_given_at is None
    assert '<blockquote class="message"' not in _track(client, session, case)


def test_a_double_submitted_message_is_saved_once(world, login_as, session):
    """The same form posted twice: the second is refused plainly, its text kept, no double."""
    case, handler = _claimed(session, world, login_as)
    page = handler.get(f"/queues/cases/{case.reference}").get_data(as_text=True)
    form = {"csrf_token": csrf_token(page), "version": _version(page),
            "message": "Vi kommer i dag."}
    assert handler.post(f"/cases/{case.reference}/message", data=form).status_code == 303
    second = handler.post(f"/cases/{case.reference}/message", data=form)
    text = second.get_data(as_text=True)
    assert second.status_code == 409
    assert "Du ändrade redan ärendet" in text and "inget gjordes två gånger" in text
    assert 'id="message-text"' in text and ">Vi kommer i dag.</textarea>" in text
    assert len([e for e in events_of(session, case) if e.kind is EventKind.MESSAGE]) == 1


def test_a_double_submitted_resolve_is_applied_once(world, login_as, session):
    """Resolving twice from the same page resolves once and mails once."""
    case, handler = _claimed(session, world, login_as, email="eva.ek@example.se")
    page = handler.get(f"/queues/cases/{case.reference}").get_data(as_text=True)
    form = {"csrf_token": csrf_token(page), "version": _version(page), "message": "Klart."}
    assert handler.post(f"/cases/{case.reference}/resolve", data=form).status_code == 303
    assert handler.post(f"/cases/{case.reference}/resolve", data=form).status_code == 409
    session.rollback()
    assert len(session.scalars(select(OutgoingMail)).all()) == 1
    changes = session.scalars(select(CaseEvent).where(
        CaseEvent.case_id == case.id, CaseEvent.kind == EventKind.STATUS_CHANGED)).all()
    assert len(changes) == 1


def test_taking_a_case_twice_says_you_already_have_it(world, login_as, session):
    """A double click on "take the case" is told plainly, not as someone else's claim."""
    case, handler = _claimed(session, world, login_as)
    response = act(handler, case, "claim")
    assert response.status_code == 409
    assert "Du har redan ärendet" in response.get_data(as_text=True)


def test_an_empty_message_is_refused_at_its_field_and_other_text_kept(world, login_as,
                                                                      session):
    """The refusal names the field it belongs to; the comment typed for resolving is kept."""
    case, handler = _claimed(session, world, login_as)
    response = act(handler, case, "message", message=" ")
    text = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="message-text-errors"' in text and "Skriv meddelandet" in text
    long = act(handler, case, "resolve", message="x" * 10_001, comment="Behåll mig")
    text = long.get_data(as_text=True)
    assert long.status_code == 422 and 'id="resolve-answer-errors"' in text
    assert ">Behåll mig</textarea>" in text
    assert reload(session, case).status is CaseStatus.IN_PROGRESS


def test_the_case_page_offers_the_primary_actions_unfolded(world, login_as, session):
    """Take, write and resolve are in the action bar, and their forms are not folded away."""
    case = forward(session, world)
    handler = login_as(world.handler)
    page = handler.get(f"/queues/cases/{case.reference}").get_data(as_text=True)
    bar = page[page.index('class="button-row action-bar"'):]
    assert bar.index('id="do-claim"') < bar.index('href="#message-text"')
    act(handler, case, "claim")
    page = handler.get(f"/queues/cases/{case.reference}").get_data(as_text=True)
    for anchor in ('href="#message-text"', 'href="#resolve-answer"'):
        assert anchor in page
    for field in ('id="message-text"', 'id="resolve-answer"'):
        before = page[:page.index(field)]
        assert before.count("<details") == before.count("</details>")  # not inside one


def test_the_queue_marks_new_cases_and_counts_in_good_swedish(world, login_as, session):
    """Unclaimed cases carry a "new" badge (not only colour); counts use singular and plural;
    references and dates do not wrap."""
    first = forward(session, world)
    handler = login_as(world.handler)
    page = handler.get(f"/queues/?group={world.streets_group.id}").get_data(as_text=True)
    assert "1 ej tagen" in page and 'class="urgent-row unclaimed-row"' in page
    assert "Ny, ej tagen" in page
    forward(session, world)
    page = handler.get("/queues/").get_data(as_text=True)
    assert "2 ej tagna" in page and page.count("Ny, ej tagen") == 2
    act(handler, first, "claim")
    page = handler.get("/queues/").get_data(as_text=True)
    assert "1 ej tagen" in page and page.count("Ny, ej tagen") == 1
    assert f'<a class="ref" href="/queues/cases/{first.reference}">' in page  # no wrapping
    assert re.search(r'<td class="nowrap">\d{4}-\d\d-\d\d \d\d:\d\d</td>', page)
    assert re.search(r'återkoppling senast <span class="nowrap">\d{4}-\d\d-\d\d \d\d:\d\d'
                     r'</span>', page)


def _received(session, world, days_ago: float) -> Case:
    """A forwarded case received `days_ago` days before the real now (the queue reads the
    clock)."""
    draft = ContactDraft(channel="phone", citizen_words="Trasig gatlykta",
                         customer=CustomerDraft(name="Eva Ek", phone="0701234567"))
    case = log_contact(session, world.agent, draft, world.labels["routine_no_mandate"].id,
                       now=datetime.now(UTC) - timedelta(days=days_ago)).case
    session.commit()
    return case


def test_the_status_filter_finds_recently_finished_cases(world, login_as, session):
    """"Löst/Stängd" lists the groups' finished cases of the last 90 days, latest resolved
    first; open ones are left out, older ones are found with the look-up."""
    resolved, closed, still_open = (_received(session, world, 5) for _ in range(3))
    old = _received(session, world, DONE_DAYS + 1)
    handler = login_as(world.handler)
    for case in (old, resolved, closed):
        act(handler, case, "claim")
        act(handler, case, "resolve", message="Klart.")
    act(handler, closed, "close")
    default = handler.get("/queues/").get_data(as_text=True)
    assert still_open.reference in default and resolved.reference not in default
    done = handler.get("/queues/?status=done").get_data(as_text=True)
    assert '<option value="done" selected>Löst/Stängd</option>' in done
    assert closed.reference in done and resolved.reference in done
    assert still_open.reference not in done and old.reference not in done
    assert done.index(closed.reference) < done.index(resolved.reference)  # latest first
    assert "som kom in de senaste 90 dagarna" in done and 'href="/queues/search"' in done
    found = handler.get(f"/queues/search?q={old.reference}").get_data(as_text=True)
    assert f'href="/queues/cases/{old.reference}"' in found


def test_handlers_look_up_their_departments_cases_closed_ones_included(world, login_as,
                                                                       session):
    """The look-up finds the department's cases by reference or name; other departments' not."""
    own = forward(session, world, name="Greta Garbo")
    foreign = forward(session, world, "evaluative", name="Greta Garbo")
    handler = login_as(world.handler)
    act(handler, own, "claim")
    act(handler, own, "resolve", message="Klart.")
    act(handler, own, "close")
    by_reference = handler.get(f"/queues/search?q={own.reference}").get_data(as_text=True)
    assert f'href="/queues/cases/{own.reference}"' in by_reference
    by_name = handler.get("/queues/search?q=Garbo").get_data(as_text=True)
    assert own.reference in by_name and foreign.reference not in by_name
    assert "1 ärende hittades via namn" in by_name
    other = handler.get(f"/queues/search?q={foreign.reference}").get_data(as_text=True)
    results = other.split('role="search"', 1)[1].split("</form>", 1)[1]
    assert "0 ärenden hittades" in results and foreign.reference not in results
    assert 'href="/queues/search"' in handler.get("/queues/").get_data(as_text=True)


@pytest.mark.parametrize(("who", "status"), [("agent", 403), ("manager", 200)])
def test_the_handler_look_up_belongs_to_the_queue_roles(world, login_as, who, status):
    """Agents have their own look-up; managers may use this one."""
    assert login_as(getattr(world, who)).get("/queues/search?q=x").status_code == status


def test_a_colleague_sees_the_message_history_with_its_e_mail_state(world, login_as, session,
                                                                      smtp_server):
    """Another member of the group sees what the citizen was told and that it was sent."""
    other = colleague(session, world)
    case, handler = _claimed(session, world, login_as, email="eva.ek@example.se")
    act(handler, case, "message", message="Vi kommer i dag.")
    smtp_server.wait_for(1)
    page = login_as(other).get(f"/queues/cases/{case.reference}")
    text = page.get_data(as_text=True)
    assert "Vi kommer i dag." in text and "E-post: skickad" in text
    assert reload(session, case).status is CaseStatus.IN_PROGRESS
    assert session.get(Case, case.id).feedback_given_at is not None
