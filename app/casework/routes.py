"""One POST endpoint per lifecycle action; each commits once or shows the page with reasons."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError

from app.casework import bp
from app.casework.page import case_url_endpoint, load_case, render_case
from app.extensions import db
from app.services import casework
from app.services.casework import Told
from app.services.mail import Delivery, delivery_states, send_after_commit
from rosa.errors import RuleViolations, violation
from rosa.i18n import N_
from rosa.lifecycle import Action

MAX_FORM_TEXT = 12_000


def _field(name: str) -> str:
    return (request.form.get(name) or "")[:MAX_FORM_TEXT]


def _int(name: str) -> int | None:
    raw = request.form.get(name, "").strip()
    return int(raw) if raw.isdigit() else None


def _apply(action: Action, case, now: datetime) -> tuple[str, Told | None]:
    """Run the one action (one version check, one transaction); the confirmation to show, and
    what the citizen was told, if anything."""
    user = current_user._get_current_object()
    version = _int("version")
    session = db.session
    if action is Action.CLAIM:
        casework.claim(session, case, user, now=now)
        return _("You have the case now."), None
    if action is Action.RELEASE:
        casework.release(session, case, user, expected_version=version, now=now)
        return _("The case is back in the group queue."), None
    if action is Action.ASSIGN:
        casework.assign(session, case, user, _int("assignee_id"), expected_version=version,
                        now=now)
        return _("The case was assigned."), None
    if action in (Action.WAIT, Action.RESUME, Action.RESOLVE, Action.CLOSE, Action.REOPEN):
        told = casework.change_status(
            session, case, user, action, expected_version=version, now=now,
            comment=_field("comment"),
            message=_field("message") if action in casework.TELLING else "")
        return _("Status: %(status)s.", status=_(case.status.title)), told
    if action is Action.RETURN:
        casework.return_for_completion(session, case, user, _field("missing"),
                                       expected_version=version, now=now)
        return _("The case was returned to the contact centre for completion."), None
    if action is Action.COMPLETE:
        casework.complete(session, case, user, _field("added"), expected_version=version,
                          now=now)
        return _("The case was sent back to %(group)s.", group=case.group.name), None
    if action is Action.REROUTE:
        casework.reroute(session, case, user, _int("group_id"), _field("reason"),
                         expected_version=version, now=now)
        casework.alert_urgent_case(session, case, now=now)
        return _("The case was sent to %(group)s.", group=case.group.name), None
    if action is Action.NOTE:
        casework.add_note(session, case, user, _field("note"), expected_version=version,
                          now=now)
        return _("The note was saved."), None
    if action is Action.MESSAGE:
        told = casework.send_message(session, case, user, _field("message"),
                                     expected_version=version, now=now)
        return _("The message was saved."), told
    if action is Action.EDIT:
        casework.edit_details(session, case, user, _field("summary"), expected_version=version,
                              now=now)
        return _("The case details were saved."), None
    abort(404)


def _delivery_news(told: Told | None) -> tuple[str, str]:
    """What is true about the citizen's copy, asked of the outbox after the send attempt, and
    the flash category for it (a warning while the e-mail has not gone out)."""
    if told is None:
        return "", "success"
    if told.mail_id is None:
        return _("The citizen sees it when tracking the case (there is no e-mail address)."), \
            "success"
    state = delivery_states(db.session, [told.mail_id]).get(told.mail_id)
    if state is not None and state.state is Delivery.SENT:
        return _("It was e-mailed to the citizen."), "success"
    if state is not None and state.state is Delivery.FAILED:
        return _("The e-mail could not be delivered (the mail server refused it); the citizen "
                 "sees it when tracking the case. Check the address, or call the citizen."), \
            "warning"
    return _("The e-mail to the citizen has not gone out yet; it will be sent when the mail "
             "server responds."), "warning"


@bp.post("/<reference>/<action>")
def act(reference: str, action: str):
    try:
        chosen = Action(action)
    except ValueError:
        abort(404)
    case = load_case(reference)
    now = datetime.now(UTC)
    try:
        outcome = _apply(chosen, case, now)
        db.session.commit()
    except (RuleViolations, StaleDataError) as refused:
        db.session.rollback()
        if isinstance(refused, StaleDataError):
            refused = RuleViolations([violation("version", N_(
                "Someone else changed this case while you had it open. Nothing was saved; "
                "reload the case to see the change, then try again."))])
        case = load_case(reference)
        errors: dict[str, list[str]] = {}
        for field, problems in refused.by_field().items():
            errors.setdefault(field, []).extend(p.format(_) for p in problems)
        values = {k: v[:MAX_FORM_TEXT] for k, v in request.form.items() if k != "csrf_token"}
        values["action"] = chosen.value
        return render_case(case, errors=errors, values=values, status=409 if (
            "version" in errors or chosen is Action.CLAIM) else 422)
    confirmation, told = outcome
    send_after_commit()  # a failure leaves the e-mail in the outbox for retries
    news, category = _delivery_news(told)
    if chosen is Action.RESOLVE and case.feedback_due_at and not case.feedback_given_at:
        news, category = _("The citizen has not been told anything, so the feedback deadline "
                           "is not met: write to the citizen."), "warning"
    flash(f"{confirmation} {news}".strip(), category)
    if current_user.role.value == "handler" and case.department_id != current_user.department_id:
        return redirect(url_for("queues.index"), code=303)
    return redirect(url_for(case_url_endpoint(current_user), reference=case.reference),
                    code=303)
