"""One POST endpoint per lifecycle action; each commits once or shows the page with reasons."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import abort, current_app, flash, redirect, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError

from app.casework import bp
from app.casework.page import case_url_endpoint, load_case, render_case
from app.extensions import db
from app.services import casework
from app.services.mail import send_after_commit
from rosa.errors import RuleViolations, violation
from rosa.i18n import N_
from rosa.lifecycle import Action

MAX_FORM_TEXT = 12_000


def _field(name: str) -> str:
    return (request.form.get(name) or "")[:MAX_FORM_TEXT]


def _int(name: str) -> int | None:
    raw = request.form.get(name, "").strip()
    return int(raw) if raw.isdigit() else None


def _citizen_mail(case, text: str) -> tuple[str, str]:
    """Subject and body of a message e-mailed to the citizen, in the default language."""
    with force_locale(current_app.config.get("BABEL_DEFAULT_LOCALE", "sv")):
        subject = _("About your case %(ref)s", ref=case.reference)
        body = _("Hello,\n\n%(department)s has written about your case %(ref)s:\n\n%(text)s\n\n"
                 "You can follow the case with its reference and tracking code. Please do not "
                 "reply to this e-mail; contact us through the contact centre instead.\n\n"
                 "%(municipality)s",
                 department=case.department.name, ref=case.reference, text=text,
                 municipality=current_app.config.get("MUNICIPALITY_NAME", ""))
    return subject, body


def _apply(action: Action, case, now: datetime) -> str:
    """Run the action; returns the confirmation to show."""
    user = current_user._get_current_object()
    version = _int("version")
    session = db.session
    if action is Action.CLAIM:
        casework.claim(session, case, user, now=now)
        return _("You have the case now.")
    if action is Action.RELEASE:
        casework.release(session, case, user, expected_version=version, now=now)
        return _("The case is back in the group queue.")
    if action is Action.ASSIGN:
        casework.assign(session, case, user, _int("assignee_id"), expected_version=version,
                        now=now)
        return _("The case was assigned.")
    if action in (Action.WAIT, Action.RESUME, Action.RESOLVE, Action.CLOSE, Action.REOPEN):
        message = _field("message").strip()
        if message and action is Action.RESOLVE:
            subject, body = _citizen_mail(case, message)
            casework.send_message(session, case, user, message, now=now, mail_subject=subject,
                                  mail_body=body)
        casework.change_status(session, case, user, action, expected_version=version, now=now,
                               comment=_field("comment"))
        return _("Status: %(status)s.", status=_(case.status.title))
    if action is Action.RETURN:
        casework.return_for_completion(session, case, user, _field("missing"),
                                       expected_version=version, now=now)
        return _("The case was returned to the contact centre for completion.")
    if action is Action.COMPLETE:
        casework.complete(session, case, user, _field("added"), expected_version=version,
                          now=now)
        return _("The case was sent back to %(group)s.", group=case.group.name)
    if action is Action.REROUTE:
        casework.reroute(session, case, user, _int("group_id"), _field("reason"),
                         expected_version=version, now=now)
        casework.alert_urgent_case(session, case, now=now)
        return _("The case was sent to %(group)s.", group=case.group.name)
    if action is Action.NOTE:
        casework.add_note(session, case, user, _field("note"), now=now)
        return _("The note was saved.")
    if action is Action.MESSAGE:
        text = _field("message").strip()
        subject, body = _citizen_mail(case, text)
        mailed = casework.send_message(session, case, user, text, now=now,
                                       mail_subject=subject, mail_body=body)
        return (_("The message was saved and e-mailed to the citizen.") if mailed
                else _("The message was saved; the citizen sees it when tracking the case."))
    if action is Action.EDIT:
        casework.edit_details(session, case, user, _field("summary"), expected_version=version,
                              now=now)
        return _("The case details were saved.")
    abort(404)


@bp.post("/<reference>/<action>")
def act(reference: str, action: str):
    try:
        chosen = Action(action)
    except ValueError:
        abort(404)
    case = load_case(reference)
    now = datetime.now(UTC)
    try:
        confirmation = _apply(chosen, case, now)
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
    send_after_commit()  # a failure leaves the e-mail in the outbox for `flask mail send`
    flash(confirmation, "success")
    if current_user.role.value == "handler" and case.department_id != current_user.department_id:
        return redirect(url_for("queues.index"), code=303)
    return redirect(url_for(case_url_endpoint(current_user), reference=case.reference),
                    code=303)
