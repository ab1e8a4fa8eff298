"""The citizen portal over HTTP: tracking, the web form, feedback, limits and bots."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.services import casework
from app.services.intake import log_contact
from app.services.knowledge.articles import ArticleInput, save_article
from app.services.portal import answer_counts
from app.services.taxonomy_io import import_taxonomy
from app.services.users import create_user
from models import Case, CaseEvent, Contact, Customer, Feedback, Group, Label
from rosa.intake import ContactDraft, CustomerDraft
from rosa.lifecycle import Action
from rosa.vocabulary import Channel, Resolution, Role
from tests.conftest import csrf_token
from tests.factories import PASSWORD

DEMO = Path(__file__).resolve().parents[2] / "app" / "demo" / "exempelkommun.yaml"
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
STAFF_NAME = "Olle Ekström"
NOTE = "Internt: grannen har klagat förut"
REASON = "Fel grupp enligt Olle"
COMMENT = "Internt avslut"
MESSAGE = "Vi byter ert kärl på tisdag."


# --- helpers shared with test_accessibility ------------------------------------------------


@pytest.fixture
def municipality(session):
    """The demo taxonomy (which the portal's topics map to), a handler and an agent."""
    return build_municipality(session)


def build_municipality(session) -> dict:
    import_taxonomy(session, DEMO.read_text(encoding="utf-8"), now=NOW)
    session.flush()
    handler = create_user(session, username="olle", full_name=STAFF_NAME, password=PASSWORD,
                          role=Role.HANDLER, department_code="tekn",
                          group_codes=("tekn-avfall", "tekn-gata", "tekn-va"), now=NOW)
    agent = create_user(session, username="agent", full_name="Agda Agent", password=PASSWORD,
                        role=Role.AGENT, department_code="kc", now=NOW)
    session.commit()
    return {"handler": handler, "agent": agent}


def label_id(session, *path: str) -> int:
    return next(label.id for label in session.scalars(select(Label)) if label.path == path)


def publish_article(session, *, slug: str, title: str, answer: str, body: str = "",
                    labels=(), audience: str = "public", citizen: str = "",
                    citizen_en: str = "", title_en: str = ""):
    """A published knowledge-base article, saved through the knowledge-base service:
    `answer` is the agent's script, `citizen` (and `citizen_en`) the citizen answer."""
    department_id = session.scalar(select(Label.department_id).limit(1))
    result = save_article(session, None, None, ArticleInput(
        slug=slug, title=title, department_id=department_id, answer_script=answer,
        body_md=body, status="published", audience=audience, label_ids=list(labels),
        citizen_answer_md=citizen, citizen_answer_en_md=citizen_en, title_en=title_en),
        now=NOW)
    session.commit()
    return result.article


def worked_case(session, municipality) -> Case:
    """A web case with a whole history: claimed, a note, re-routed with a reason, claimed
    again, a message to the citizen, resolved with an internal comment."""
    handler = municipality["handler"]
    draft = ContactDraft(channel="web", citizen_words="Soptunnan har inte tömts på två veckor",
                         requested="forward", override_reason="self_service",
                         customer=CustomerDraft(name="Eva Ek", email="eva@example.se"))
    case = log_contact(session, None, draft,
                       label_id(session, "Avfall", "Sophämtning", "Utebliven"), now=NOW).case
    session.commit()
    step = NOW
    for action in ("claim", "note", "reroute", "claim", "message", "resolve"):
        step += timedelta(hours=1)
        case = session.get(Case, case.id)
        if action == "claim":
            casework.claim(session, case, handler, now=step)
        elif action == "note":
            casework.add_note(session, case, handler, NOTE, now=step)
        elif action == "reroute":
            streets = session.scalar(select(Group).where(Group.code == "tekn-gata"))
            casework.reroute(session, case, handler, streets.id, REASON, expected_version=None,
                             now=step)
        elif action == "message":
            casework.send_message(session, case, handler, MESSAGE, now=step)
        else:
            casework.change_status(session, case, handler, Action.RESOLVE,
                                   expected_version=None, now=step, comment=COMMENT)
        session.commit()
    return session.get(Case, case.id)


def form_of(client, path: str) -> str:
    return csrf_token(client.get(path).get_data(as_text=True))


def hidden_fields(html: str) -> dict[str, str]:
    return {name: value for name, value in re.findall(
        r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html)}


def old_stamp() -> str:
    """A form first shown a minute ago (as a person would take)."""
    from app.portal.forms import started_stamp

    return started_stamp(datetime.now(UTC).timestamp() - 60)


# --- start page -----------------------------------------------------------------------------


def test_the_site_root_shows_visitors_the_citizen_start_page(client, municipality):
    """Anonymous visitors get the portal at /, with the three ways in and the phone number."""
    page = client.get("/").get_data(as_text=True)
    assert "Hur kan vi hjälpa dig?" in page
    for link in ("/portal/kontakt", "/portal/arende", "/portal/synpunkter",
                 "/portal/integritet", "/auth/login"):
        assert f'href="{link}"' in page
    assert "0123-45 67 00" in page and 'lang="sv"' in page


def test_staff_still_get_their_own_start_page(municipality, login_as):
    """A logged-in agent going to / is sent to the console, as before."""
    client = login_as(municipality["agent"])
    response = client.get("/")
    assert response.status_code == 302 and response.headers["Location"].endswith("/agent/")


def test_every_portal_page_has_an_english_version(client, municipality):
    """?lang=en switches the portal to English; the link back says "På svenska"."""
    page = client.get("/portal/?lang=en").get_data(as_text=True)
    assert "How can we help you?" in page and "På svenska" in page and 'lang="en"' in page
    form = client.get("/portal/kontakt").get_data(as_text=True)
    assert "My bin was not emptied" in form and "Soptunnan" not in form


# --- tracking -------------------------------------------------------------------------------


def test_the_tracking_link_shows_only_what_a_citizen_may_see(client, session, municipality):
    """Received, sent to the department, in progress, the message, resolved: nothing
    internal — no note, no reason, no comment, no staff or group names, no citizen data."""
    case = worked_case(session, municipality)
    response = client.get(f"/portal/arende/{case.reference}?kod={case.tracking_code}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    steps = re.findall(r'<p class="what">([^<]+)</p>', page)
    assert steps == [
        "Vi har tagit emot ditt ärende (Webbformulär)",
        "Ditt ärende har skickats till Tekniska förvaltningen",
        "En handläggare arbetar med ditt ärende",
        "Ditt ärende har lämnats över till rätt enhet inom Tekniska förvaltningen",
        "En handläggare arbetar med ditt ärende",
        "Meddelande från Tekniska förvaltningen",
        "Ditt ärende är klart",
    ]
    assert MESSAGE in page
    visible = session.scalar(select(func.count()).select_from(CaseEvent).where(
        CaseEvent.case_id == case.id, CaseEvent.citizen_visible.is_(True)))
    assert visible == len(steps)
    for secret in (NOTE, REASON, COMMENT, STAFF_NAME, "Olle", "Avfall och återvinning",
                   "Gata och park", "Eva Ek", "eva@example.se", "Sophämtning"):
        assert secret not in page, secret
    assert "Tekniska förvaltningen" in page and "Klart" in page
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Referrer-Policy"] == "no-referrer"


def test_the_english_timeline_keeps_department_names_marked_swedish(client, session,
                                                                    municipality):
    """In English the sentences are English and the department's name is marked lang="sv"."""
    case = worked_case(session, municipality)
    page = client.get(f"/portal/arende/{case.reference}?kod={case.tracking_code}&lang=en"
                      ).get_data(as_text=True)
    assert ('Your case was sent to <span lang="sv">Tekniska förvaltningen</span>' in page)
    assert "We received your case (Web form)" in page and "Done" in page


def test_the_feedback_deadline_is_shown_in_stockholm_time_and_whether_it_was_met(
        client, session, municipality):
    """The promise shows the due time in local time, and that the message met it."""
    case = worked_case(session, municipality)
    page = client.get(f"/portal/arende/{case.reference}?kod={case.tracking_code}"
                      ).get_data(as_text=True)
    due_local = case.feedback_due_at.astimezone(NOW.tzinfo).astimezone(
        __import__("zoneinfo").ZoneInfo("Europe/Stockholm"))
    assert f"kl. {due_local:%H:%M}" in page
    assert "Vi lovade att höra av oss senast" in page and "och gjorde det" in page


def test_the_tracking_form_posts_the_code_and_accepts_it_as_typed(client, session,
                                                                  municipality):
    """Lower case, spaces and dashes are fine; the code never goes into a URL."""
    case = worked_case(session, municipality)
    code = case.tracking_code.lower()
    typed = f"{code[:4]}-{code[4:8]} {code[8:]}"
    response = client.post("/portal/arende", data={
        "reference": case.reference.lower(), "code": typed,
        "csrf_token": form_of(client, "/portal/arende")})
    assert response.status_code == 200
    assert re.search(rf"<h1>Ditt ärende <span[^>]*>{case.reference}</span></h1>",
                     response.get_data(as_text=True))


def test_every_tracking_failure_looks_the_same(client, session, municipality):
    """Unknown reference, wrong code, a malformed reference: one message, one status."""
    case = worked_case(session, municipality)
    attempts = [("KC-2026-999999", case.tracking_code), (case.reference, "ABCDEFGHJKMN"),
                ("nonsense", "x"), (case.reference, case.tracking_code[:-1])]
    pages = []
    for reference, code in attempts:
        response = client.get(f"/portal/arende/{reference}?kod={code}")
        assert response.status_code == 404
        html = response.get_data(as_text=True)
        pages.append(re.search(r'<div class="error-summary".*?</div>', html, re.S).group(0))
    assert len(set(pages)) == 1 and "Vi kunde inte visa något ärende" in pages[0]
    posted = client.post("/portal/arende", data={
        "reference": "KC-2026-999999", "code": "ABCD-EFGH-JKMN",
        "csrf_token": form_of(client, "/portal/arende")})
    assert posted.status_code == 404
    assert re.search(r'<div class="error-summary".*?</div>', posted.get_data(as_text=True),
                     re.S).group(0) == pages[0]


def test_a_link_without_its_code_asks_for_the_code(client, municipality):
    """/portal/arende/<reference> alone shows the form with the reference filled in."""
    page = client.get("/portal/arende/KC-2026-000001").get_data(as_text=True)
    assert 'value="KC-2026-000001"' in page and "Spårningskod" in page


def test_empty_tracking_fields_are_named(client, municipality):
    """A form sent without reference or code says which is missing (not a failed look-up)."""
    response = client.post("/portal/arende", data={
        "reference": "", "code": "", "csrf_token": form_of(client, "/portal/arende")})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Skriv ärendenumret" in page and "Skriv spårningskoden" in page


@pytest.fixture
def limited(app, monkeypatch):
    """A client of an app instance with rate limiting switched on (tests switch it off)."""
    from app import create_app
    from app.extensions import db, limiter
    from tests.conftest import _Config

    class Limited(_Config):
        RATELIMIT_ENABLED = True

    limited_app = create_app(Limited)
    limiter.reset()
    yield limited_app.test_client()
    limiter.reset()
    limiter.enabled = False
    with limited_app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_failed_lookups_are_limited_per_address(limited, session, municipality):
    """After ten failures a minute the answer is 429, even for the right code; successful
    look-ups do not count."""
    case = worked_case(session, municipality)
    good = f"/portal/arende/{case.reference}?kod={case.tracking_code}"
    for _ in range(12):
        assert limited.get(good).status_code == 200
    for attempt in range(10):
        assert limited.get(f"/portal/arende/KC-2026-{attempt:06d}?kod=ABCDEFGHJKMN"
                           ).status_code == 404
    blocked = limited.get(good)
    assert blocked.status_code == 429
    assert "För många försök" in blocked.get_data(as_text=True)
    token = csrf_token(blocked.get_data(as_text=True))
    posted = limited.post("/portal/arende", data={"reference": case.reference,
                                                  "code": case.tracking_code,
                                                  "csrf_token": token})
    assert posted.status_code == 429  # the form shares the limit with the link


def test_submissions_are_limited_per_address(limited, session, municipality):
    """Five feedback submissions a minute from one address; the sixth is refused."""
    for number in range(6):
        token = csrf_token(limited.get("/portal/synpunkter").get_data(as_text=True))
        response = limited.post("/portal/synpunkter", data={
            "kind": "praise", "text": f"Bra bemötande {number}", "started": old_stamp(),
            "csrf_token": token})
        assert response.status_code == (303 if number < 5 else 429)
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Feedback)) == 5


# --- the web form ------------------------------------------------------------------------------


def _step1(client, topic="fordon", words="En bil har stått på vår gata i en månad."):
    token = form_of(client, "/portal/kontakt")
    return client.post("/portal/kontakt", data={"topic": topic, "words": words,
                                                "started": old_stamp(), "csrf_token": token})


def test_step_one_names_each_problem_and_keeps_what_was_typed(client, municipality):
    """No topic and too long a text: both fields say so, in Swedish, text kept."""
    token = form_of(client, "/portal/kontakt")
    words = "x" * 4001
    response = client.post("/portal/kontakt", data={"words": words, "csrf_token": token})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Välj vad ditt ärende gäller" in page
    assert "Högst 4" in page and "du skrev 4" in page
    assert words in page


def test_a_matter_without_a_matching_answer_goes_straight_to_the_details(client, municipality):
    """With no public answer to suggest, step two asks for the topic's guide and contact."""
    page = _step1(client).get_data(as_text=True)
    assert "Skicka din fråga" in page
    assert "Fordonets registreringsnummer" in page and "Var står fordonet?" in page
    assert 'name="homepage"' in page


SCRIPT = "Säg till kunden att bärgaren kommer, och läs upp regnumret för bärgaren."
BACKGROUND = "Bärgningsfirman Bilhjälpen har avtal till 2027."


def test_public_answers_are_suggested_and_a_yes_is_counted(client, session, municipality):
    """Matching public answers are shown before sending, with their citizen answer and never
    the script or background; internal ones never; yes counts."""
    label = label_id(session, "Gata/Park", "Parkering", "Felparkerat fordon")
    public = publish_article(session, slug="overgivna-bilar", title="Övergivna bilar",
                             answer=SCRIPT, body=BACKGROUND, labels=[label],
                             citizen="Vi flyttar en övergiven bil efter en varning på bilen. "
                                     "Det tar **minst en vecka**.")
    internal = publish_article(session, slug="bilar-internt", title="Övergivna bilar internt",
                               answer="Ring bärgaren direkt.", labels=[label],
                               audience="internal", citizen="Bärgaren kommer.")
    response = _step1(client, words="Det står en övergiven bil på gatan")
    page = response.get_data(as_text=True)
    assert "Besvarar det här din fråga?" in page
    assert public.title in page and "<strong>minst en vecka</strong>" in page
    assert SCRIPT not in page and "Säg till kunden" not in page and "Bilhjälpen" not in page
    assert internal.title not in page and "bärgaren" not in page
    state = hidden_fields(page)
    voted = client.post("/portal/kontakt/svar", data={**state, "vote": f"{public.id}:yes"})
    assert "Bra, vad roligt att det hjälpte" in voted.get_data(as_text=True)
    again = client.post("/portal/kontakt/svar", data={**hidden_fields(
        voted.get_data(as_text=True)), "vote": f"{public.id}:yes"})
    assert again.status_code == 200
    session.rollback()
    assert answer_counts(session, public.id) == (1, 1, 0)  # the second yes is not counted


def test_sending_creates_a_web_case_through_the_intake_and_mails_a_receipt(
        client, session, municipality, smtp_server):
    """Channel web, the topic's label, guide answers, the citizen's details; the receipt
    shows reference and code, and the e-mail carries them with the tracking link."""
    state = hidden_fields(_step1(client).get_data(as_text=True))
    response = client.post("/portal/kontakt/skicka", data={
        **state, "guide-regnummer": "abc 123", "guide-plats": "Storgatan 4",
        "guide-overgivet": "yes", "guide-sedan": "2026-10-20", "name": "Eva Ek",
        "email": "eva@example.se", "phone": "", "action": "send"})
    assert response.status_code == 303 and response.headers["Location"].endswith(
        "/portal/kontakt/kvitto")
    session.rollback()
    case = session.scalar(select(Case))
    assert case.channel is Channel.WEB and case.created_by_id is None
    assert case.label.path == ("Gata/Park", "Parkering", "Felparkerat fordon")
    assert case.resolution is Resolution.FORWARDED
    assert case.guide_values == {"regnummer": "ABC123", "plats": "Storgatan 4",
                                 "overgivet": True, "sedan": "2026-10-20"}
    contact = session.scalar(select(Contact).where(Contact.case_id == case.id))
    assert contact.citizen_words == "En bil har stått på vår gata i en månad."
    assert session.get(Customer, case.customer_id).email == "eva@example.se"
    receipt = client.get("/portal/kontakt/kvitto")
    page = receipt.get_data(as_text=True)
    code = f"{case.tracking_code[:4]}-{case.tracking_code[4:8]}-{case.tracking_code[8:]}"
    assert case.reference in page and code in page
    assert receipt.headers["Cache-Control"] == "no-store"
    [mail] = smtp_server.wait_for(1)
    assert mail["To"] == "eva@example.se" and case.reference in mail["Subject"]
    body = mail.get_content()
    assert code in body
    assert f"/portal/arende/{case.reference}?kod={case.tracking_code}" in body
    link = re.search(r"http://localhost(/portal/arende/\S+)", body).group(1)
    assert client.get(link).status_code == 200


def test_the_receipt_is_shown_for_half_an_hour_only(client, session, municipality,
                                                     monkeypatch):
    """On a shared computer the next person does not find the last citizen's code."""
    from app.portal import routes

    state = hidden_fields(_step1(client, topic="annat", words="Vem sköter bryggan?").get_data(
        as_text=True))
    sent = client.post("/portal/kontakt/skicka", data={**state, "name": "Eva Ek",
                                                      "phone": "070-111 22 33",
                                                      "action": "send"})
    assert sent.status_code == 303
    assert client.get("/portal/kontakt/kvitto").status_code == 200
    later = datetime.now(UTC) + timedelta(minutes=31)
    monkeypatch.setattr(routes, "_now", lambda: later)
    gone = client.get("/portal/kontakt/kvitto")
    assert gone.status_code == 302 and gone.headers["Location"].endswith("/portal/kontakt")


def test_details_are_checked_in_the_citizens_words_with_everything_kept(client, session,
                                                                          municipality):
    """Missing name and contact, a bad plate, a missing required answer: each field says
    what to do, in words meant for the citizen; everything typed is shown again."""
    state = hidden_fields(_step1(client).get_data(as_text=True))
    response = client.post("/portal/kontakt/skicka", data={
        **state, "guide-regnummer": "123", "guide-sedan": "igår", "name": "",
        "phone": "", "email": "", "action": "send"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Skriv ditt namn" in page
    assert "Ange en e-postadress eller ett telefonnummer" in page
    assert "Fordonets registreringsnummer" in page and "ABC 123" in page
    assert "Svara på ”Var står fordonet?”" in page
    assert "vidarebefordra" not in page and "läs upp" not in page  # no agent wording
    assert 'value="123"' in page and 'value="igår"' in page
    assert session.scalar(select(func.count()).select_from(Case)) == 0


def test_english_errors_use_the_english_wording_of_the_guide(client, municipality):
    """An English page names the guide's questions in English."""
    client.get("/portal/?lang=en")
    state = hidden_fields(_step1(client).get_data(as_text=True))
    page = client.post("/portal/kontakt/skicka", data={
        **state, "name": "Eva", "email": "eva@example.se", "action": "send"}
    ).get_data(as_text=True)
    assert "Answer “Where is the vehicle?”" in page
    assert "Answer “The vehicle's registration number”" in page or \
        "Answer “The vehicle&#39;s registration number”" in page


def test_the_honeypot_drops_a_submission_without_a_case(client, session, municipality):
    """A bot filling the hidden field gets 400 and nothing is stored."""
    state = hidden_fields(_step1(client, topic="annat", words="Hej, en fråga").get_data(
        as_text=True))
    response = client.post("/portal/kontakt/skicka", data={
        **state, "name": "Bot", "email": "bot@example.se", "homepage": "http://spam.example",
        "action": "send"})
    assert response.status_code == 400
    assert "Ditt meddelande kunde inte skickas" in response.get_data(as_text=True)
    assert "spam.example" not in response.get_data(as_text=True)
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Case)) == 0


def test_a_form_sent_back_at_once_is_dropped(client, session, municipality):
    """Sent within a second of being shown, or with a forged stamp: not a person."""
    from app.portal.forms import started_stamp

    state = hidden_fields(_step1(client, topic="annat", words="Hej, en fråga").get_data(
        as_text=True))
    for stamp in (started_stamp(), "forged"):
        response = client.post("/portal/kontakt/skicka", data={
            **state, "started": stamp, "name": "Eva", "email": "eva@example.se",
            "action": "send"})
        assert response.status_code == 400
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Case)) == 0


def test_going_back_keeps_the_description(client, municipality):
    """“Go back and change” shows step one with topic and text as they were."""
    state = hidden_fields(_step1(client).get_data(as_text=True))
    page = client.post("/portal/kontakt", data={**state, "action": "edit",
                                                "name": "Eva"}).get_data(as_text=True)
    assert "En bil har stått på vår gata i en månad." in page
    assert re.search(r'value="fordon" checked', page)


def test_an_expired_form_is_shown_again_with_what_was_typed(client, municipality):
    """Without a valid CSRF token nothing is saved, but the citizen's text is not lost."""
    response = client.post("/portal/synpunkter", data={"kind": "complaint",
                                                      "text": "Lång väntetid i telefon"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Lång väntetid i telefon" in page and "Sidan har varit öppen länge" in page


def test_suggestions_while_typing_return_an_html_fragment(client, session, municipality):
    """The script's endpoint returns the same public answers as a fragment (citizen answer,
    not the agent's script)."""
    publish_article(session, slug="gatlampor", title="Trasiga gatlampor",
                    answer="Säg att vi lagar gatlampor inom två veckor.",
                    citizen="Vi lagar gatlampan inom två veckor efter din felanmälan.")
    fragment = client.get("/portal/kontakt/forslag?q=gatlampan+lyser+inte").get_data(
        as_text=True)
    assert "Trasiga gatlampor" in fragment and "<html" not in fragment
    assert "efter din felanmälan" in fragment and "Säg att" not in fragment
    assert client.get("/portal/kontakt/forslag?q=ab").get_data(as_text=True).strip() == ""


# --- feedback ---------------------------------------------------------------------------------


def test_feedback_always_asks_for_the_citizens_own_solution(client, municipality):
    """The form asks “How do you think we should solve it?” and may be sent anonymously."""
    page = client.get("/portal/synpunkter").get_data(as_text=True)
    assert "Hur tycker du att vi ska lösa det?" in page
    assert "Du kan vara anonym" in page


def test_anonymous_feedback_is_stored_for_the_improvement_process(client, session,
                                                                  municipality):
    """Type, text, suggestion, topic, channel web and date; no contact details needed."""
    response = client.post("/portal/synpunkter", data={
        "kind": "suggestion", "text": "Fler papperskorgar i parken",
        "suggestion": "Sätt upp två vid lekplatsen", "topic": "lekplats",
        "started": old_stamp(), "csrf_token": form_of(client, "/portal/synpunkter")})
    assert response.status_code == 303
    thanks = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Tack för din synpunkt" in thanks
    session.rollback()
    stored = session.scalar(select(Feedback))
    assert (stored.kind.value, stored.text, stored.suggestion, stored.topic) == (
        "suggestion", "Fler papperskorgar i parken", "Sätt upp två vid lekplatsen", "lekplats")
    assert stored.channel is Channel.WEB and stored.anonymous and stored.case_id is None
    assert stored.created_at is not None


def test_feedback_about_a_case_is_linked_and_thanked_by_mail(client, session, municipality,
                                                             smtp_server):
    """A reference links the case; an e-mail address gets the automatic thank-you."""
    case = worked_case(session, municipality)
    response = client.post("/portal/synpunkter", data={
        "kind": "praise", "text": "Snabbt och vänligt", "case_reference": case.reference,
        "email": "eva@example.se", "started": old_stamp(),
        "csrf_token": form_of(client, f"/portal/synpunkter?arende={case.reference}")})
    assert response.status_code == 303
    session.rollback()
    stored = session.scalar(select(Feedback))
    assert stored.case_id == case.id and stored.email == "eva@example.se"
    messages = smtp_server.wait_for(2)
    thanks = [m for m in messages if m["To"] == "eva@example.se"
              and "synpunkt" in m["Subject"]]
    assert thanks and "Tack för din synpunkt" in thanks[0].get_content()


def test_feedback_problems_are_shown_per_field(client, session, municipality):
    """No type, no text, a bad e-mail and too long a suggestion: each field says so."""
    response = client.post("/portal/synpunkter", data={
        "text": "", "suggestion": "y" * 4001, "email": "inte-en-adress",
        "case_reference": "123", "started": old_stamp(),
        "csrf_token": form_of(client, "/portal/synpunkter")})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    for message in ("Välj klagomål, beröm eller förslag", "Skriv din synpunkt",
                    "Ogiltig e-postadress", "du skrev 4", "KC-2026-000123"):
        assert message in page, message
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Feedback)) == 0


def test_the_privacy_notice_says_what_why_how_long_and_whom_to_ask(client, municipality):
    """The notice covers storage, legal basis, retention, rights and contact, and every
    form links to it."""
    page = client.get("/portal/integritet").get_data(as_text=True)
    for words in ("Vad vi sparar", "allmänt intresse", "myndighetsutövning", "Hur länge",
                  "Dina rättigheter", "IMY", "kontaktcenter@exempelkommun.se"):
        assert words in page, words
    for form in ("/portal/kontakt", "/portal/synpunkter"):
        assert 'href="/portal/integritet"' in client.get(form).get_data(as_text=True)
