"""Citizen portal views: short adapters from plain HTML forms to the portal services and the
one intake.

Tracking works two ways, both with the same lookup and the same limits:

* GET /portal/arende/<reference>?kod=<code> — the link in the receipt e-mail: one click, and
  one request (fast, bookmarkable). The code then appears in the address bar and in access
  logs; it only opens this read-only page, every such response carries `Cache-Control:
  no-store` and `Referrer-Policy: no-referrer`, and production proxies should log paths
  without query strings.
* POST /portal/arende — the form where the citizen types reference and code; a code typed
  in never appears in a URL, a log line or the browser history.

Only failed look-ups count against TRACK_RATE_LIMIT (a citizen reloading their own page is
never blocked), every failure gives the same page and message, and the status is 404 alike.
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask import current_app, redirect, render_template, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError

from app.extensions import db, limiter
from app.portal import bp
from app.portal.forms import (
    CONTACT_FIELDS,
    GUIDE_PREFIX,
    STARTED,
    check_contact_details,
    check_description,
    citizen_errors,
    contact_draft,
    get,
    looks_like_a_bot,
    started_stamp,
    too_long,
    values_of,
    voted_ids,
)
from app.portal.mails import queue_feedback_thanks, queue_receipt, tracking_url
from app.services.intake import prepare_contact, store_contact
from app.services.mail import send_after_commit
from app.services.portal import (
    MAX_TEXT,
    FeedbackDraft,
    PortalTopic,
    count_answer_vote,
    count_answers_shown,
    portal_topics,
    public_article,
    store_feedback,
    suggest_answers,
    track_case,
)
from app.transactions import read_then_write, start_writing
from models import FeedbackKind
from rosa.errors import RuleViolations

RECEIPT_KEY = "portal_receipt"
RECEIPT_MINUTES = 30
FEEDBACK_KEY = "portal_feedback"
SUGGESTIONS = 3
VOTE_LIMIT = "30 per minute"
SUGGEST_LIMIT = "120 per minute"


def _locale() -> str:
    return str(get_locale())


def _now() -> datetime:
    return datetime.now(UTC)


def _private(response, status: int = 200):
    """Pages that show a tracking code or a case: never cached, never sent as a referrer."""
    response = current_app.make_response((response, status))
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


# --- pages without a form ---------------------------------------------------------------------


@bp.get("/")
def start():
    return render_template("portal/start.html")


@bp.get("/integritet")
def privacy():
    return render_template("portal/privacy.html")


# --- tracking ---------------------------------------------------------------------------------


def _track_limit() -> str:
    return current_app.config["TRACK_RATE_LIMIT"]


def _failed_lookup(response) -> bool:
    return response.status_code == 404


_track_limited = limiter.shared_limit(_track_limit, scope="portal-track",
                                      deduct_when=_failed_lookup)


@bp.errorhandler(429)
def _too_many(_error):
    template = "portal/track.html" if request.endpoint in ("portal.track", "portal.track_link") \
        else "portal/error.html"
    return render_template(template, values={}, errors={}, too_many=True,
                           message=_("Too many attempts. Wait a while and try again, or call "
                                     "us.")), 429


@bp.route("/arende", methods=["GET", "POST"])
@_track_limited
@read_then_write  # it never writes: no reason to take SQLite's write lock
def track():
    if request.method == "GET":
        return render_template("portal/track.html", values={}, errors={})
    reference, code = get(request.form, "reference"), get(request.form, "code")
    errors = {}
    if not reference.strip():
        errors["reference"] = [_("Write the reference number")]
    if not code.strip():
        errors["code"] = [_("Write the tracking code")]
    if errors:
        return render_template("portal/track.html", values={"reference": reference[:40]},
                               errors=errors), 422
    return _show_case(reference, code)


@bp.get("/arende/<reference>")
@_track_limited
def track_link(reference: str):
    code = request.args.get("kod", "")[:100]
    if not code:  # a link without its code: ask for the code
        return render_template("portal/track.html", values={"reference": reference[:40]},
                               errors={})
    return _show_case(reference, code)


def _show_case(reference: str, code: str):
    tracked = track_case(db.session, reference[:100], code, now=_now())
    db.session.rollback()  # end the read transaction before rendering
    if tracked is None:
        return _private(render_template("portal/track.html", values={"reference": reference[:40]},
                                        errors={}, failed=True), 404)
    return _private(render_template("portal/tracked.html", case=tracked, now=_now()))


# --- the web form: describe → answers that may help → details and send ------------------------


def _topics() -> dict[str, PortalTopic]:
    return {topic.key: topic for topic in portal_topics(db.session)}


def _describe_page(values: dict, errors: dict | None = None, status: int = 200):
    values.setdefault(STARTED, started_stamp())
    return render_template("portal/contact_describe.html", values=values, errors=errors or {},
                           topics=list(_topics().values()), locale=_locale()), status


def _answers_page(values: dict, topic: PortalTopic, answers: list, *, helped: bool = False,
                  status: int = 200):
    return render_template("portal/contact_answers.html", values=values, topic=topic,
                           answers=answers, voted=voted_ids(values), helped=helped,
                           locale=_locale()), status


def _details_page(values: dict, topic: PortalTopic, errors: dict | None = None,
                  status: int = 200):
    fields = topic.fields(_locale())
    order = ["words", *(GUIDE_PREFIX + field.key for field in fields), "name", "email", "phone"]
    return render_template("portal/contact_details.html", values=values, topic=topic,
                           fields=fields, order=order, errors=errors or {},
                           locale=_locale()), status


@bp.get("/kontakt")
def contact():
    topic = request.args.get("amne", "")[:60]
    return _describe_page({"topic": topic} if topic else {})


@bp.post("/kontakt")
@read_then_write
def contact_describe():
    """Step 1 sent: show public answers that may help, or go straight on to the details."""
    topics = _topics()
    values = values_of(request.form, topics.get(request.form.get("topic", "")))
    if request.form.get("action") == "edit":
        return _describe_page(values)
    errors = check_description(values, topics)
    if errors:
        return _describe_page(values, errors, 422)
    topic = topics[values["topic"]]
    answers = suggest_answers(db.session, values["words"], label_id=topic.label.id,
                              limit=SUGGESTIONS)
    if not answers:
        return _details_page(values, topic)
    ids = [hit.article.id for hit in answers]
    start_writing()
    count_answers_shown(db.session, ids, day=_now().date())
    db.session.commit()
    return _answers_page(values, topic, answers)


@bp.post("/kontakt/svar")
@limiter.limit(VOTE_LIMIT)  # a vote is counted once per form, but a bot could start afresh
@read_then_write
def contact_answers():
    """Step 2: a yes/no on one answer (counted once per answer), or on to the details."""
    topics = _topics()
    values = values_of(request.form, topics.get(request.form.get("topic", "")))
    if check_description(values, topics):
        return _describe_page(values, check_description(values, topics), 422)
    topic = topics[values["topic"]]
    article_id, _sep, verdict = request.form.get("vote", "").partition(":")
    if not article_id.isdigit() or verdict not in ("yes", "no"):
        return _details_page(values, topic)
    voted = voted_ids(values)
    if int(article_id) not in voted and public_article(db.session, int(article_id)):
        start_writing()
        count_answer_vote(db.session, int(article_id), verdict == "yes", day=_now().date())
        db.session.commit()
        values["voted"] = ",".join(str(i) for i in [*voted, int(article_id)])
    answers = suggest_answers(db.session, values["words"], label_id=topic.label.id,
                              limit=SUGGESTIONS)
    return _answers_page(values, topic, answers, helped=verdict == "yes")


def _submit_limit() -> str:
    return current_app.config["SUBMIT_RATE_LIMIT"]


def _counted_submission(response) -> bool:
    """Sent (303) or dropped as a bot (400) counts; a form returned with errors does not."""
    return response.status_code in (303, 400)


@bp.post("/kontakt/skicka")
@limiter.limit(_submit_limit, deduct_when=_counted_submission)
@read_then_write
def contact_send():
    """Step 3 sent: the case is made by the one intake, then the receipt."""
    topics = _topics()
    topic = topics.get(request.form.get("topic", ""))
    values = values_of(request.form, topic)
    if topic is None or check_description(values, topics):
        return _describe_page(values, check_description(values, topics), 422)
    if looks_like_a_bot(request.form):
        return _details_page(_fresh_stamp(values), topic, {"form": [_not_sent()]}, 400)
    errors = check_contact_details(values)
    draft = contact_draft(values, topic, _locale())
    try:
        prepared = prepare_contact(db.session, draft, topic.label.id)
    except RuleViolations as refused:
        errors = {**citizen_errors(refused, topic.fields(_locale())), **errors}
    if errors:
        db.session.rollback()
        return _details_page(values, topic, errors, 422)
    start_writing()
    now = _now()
    result = store_contact(db.session, None, prepared, now=now,
                           reference_prefix=current_app.config["CASE_REFERENCE_PREFIX"])
    address = prepared.clean.customer.email
    if address:
        queue_receipt(db.session, result.case, address, now=now)
    db.session.commit()
    send_after_commit()
    case = result.case
    session[RECEIPT_KEY] = {"reference": case.reference, "code": case.tracking_code,
                            "due": case.feedback_due_at.isoformat() if case.feedback_due_at
                            else None, "mailed": bool(address), "at": int(now.timestamp())}
    return redirect(url_for("portal.receipt"), code=303)


def _fresh_stamp(values: dict) -> dict:
    """A bot-suspect form shown again: a person who sends it again in a while gets through."""
    return {**values, STARTED: started_stamp()}


def _not_sent() -> str:
    return _("Your message could not be sent. Wait a moment and send it again, or call us.")


@bp.get("/kontakt/kvitto")
def receipt():
    """The receipt, for RECEIPT_MINUTES: on a shared computer the next person must not find
    the previous citizen's tracking code in the browser's session."""
    data = session.get(RECEIPT_KEY)
    if not data or _now().timestamp() - data.get("at", 0) > RECEIPT_MINUTES * 60:
        session.pop(RECEIPT_KEY, None)
        return redirect(url_for("portal.contact"))
    due = datetime.fromisoformat(data["due"]) if data.get("due") else None
    return _private(render_template("portal/receipt.html", receipt=data, due=due,
                                    link=tracking_url(data["reference"], data["code"])))


@bp.get("/kontakt/forslag")
@limiter.limit(SUGGEST_LIMIT)  # a search per pause in typing: generous, but not unlimited
def suggestions():
    """Answers while typing (portal.js); the same answers step 2 shows, as an HTML fragment."""
    words = request.args.get("q", "")[:MAX_TEXT]
    topic = _topics().get(request.args.get("topic", "")) if request.args.get("topic") else None
    answers = (suggest_answers(db.session, words, label_id=topic.label.id if topic else None,
                               limit=SUGGESTIONS) if len(words.strip()) >= 3 else [])
    return render_template("portal/_suggestions.html", answers=answers)


# --- feedback ("synpunkter") --------------------------------------------------------------------

FEEDBACK_FIELDS = ("kind", "text", "suggestion", "topic", "case_reference", *CONTACT_FIELDS,
                   STARTED)


def _feedback_page(values: dict, errors: dict | None = None, status: int = 200):
    values.setdefault(STARTED, started_stamp())
    return render_template("portal/feedback.html", values=values, errors=errors or {},
                           kinds=list(FeedbackKind), topics=list(_topics().values()),
                           locale=_locale()), status


@bp.get("/synpunkter")
def feedback():
    reference = request.args.get("arende", "")[:20]
    return _feedback_page({"case_reference": reference} if reference else {})


@bp.post("/synpunkter")
@limiter.limit(_submit_limit, deduct_when=_counted_submission)
def feedback_send():
    values = {name: get(request.form, name) for name in FEEDBACK_FIELDS if request.form.get(name)}
    if looks_like_a_bot(request.form):
        return _feedback_page(_fresh_stamp(values), {"form": [_not_sent()]}, 400)
    draft = FeedbackDraft(**{name: values.get(name, "") for name in (
        "kind", "text", "suggestion", "topic", "name", "email", "phone", "case_reference")},
        locale=_locale())
    try:
        stored = store_feedback(db.session, draft, topic_keys=_topics(), now=_now())
    except RuleViolations as refused:
        db.session.rollback()
        errors = {name: [item.format(_) for item in found]
                  for name, found in refused.by_field().items()}
        for name in ("text", "suggestion"):
            if len(values.get(name, "").strip()) > MAX_TEXT:
                errors[name] = [too_long(len(values[name].strip()))]
        return _feedback_page(values, errors, 422)
    if stored.email:
        queue_feedback_thanks(db.session, stored, now=_now())
    db.session.commit()
    send_after_commit()
    session[FEEDBACK_KEY] = {"mailed": bool(stored.email)}
    return redirect(url_for("portal.feedback_thanks"), code=303)


@bp.get("/synpunkter/tack")
def feedback_thanks():
    return render_template("portal/feedback_thanks.html",
                           mailed=bool((session.get(FEEDBACK_KEY) or {}).get("mailed")))


# --- a form sent after its session expired: show it again with what was typed --------------------


@bp.errorhandler(CSRFError)
def _expired(_error):
    message = _("The page had been open for a long time. Check what you wrote and send it "
                "again.")
    endpoint = request.endpoint or ""
    if endpoint == "portal.feedback_send":
        values = {name: get(request.form, name) for name in FEEDBACK_FIELDS
                  if request.form.get(name)}
        return _feedback_page(_fresh_stamp(values), {"form": [message]}, 400)
    if endpoint.startswith("portal.contact"):
        topics = _topics()
        topic = topics.get(request.form.get("topic", ""))
        values = values_of(request.form, topic)
        if endpoint == "portal.contact_send" and topic is not None:
            return _details_page(_fresh_stamp(values), topic, {"form": [message]}, 400)
        return _describe_page(values, {"form": [message]}, 400)
    if endpoint == "portal.track":
        return render_template("portal/track.html", values={}, errors={"form": [message]}), 400
    return render_template("portal/error.html", message=message), 400
