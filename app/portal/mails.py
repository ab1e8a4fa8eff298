"""The e-mails the portal sends: the receipt for a web-form case and the thank-you for
feedback. Written in the language the citizen used; queued in the request's transaction and
delivered after its commit (app.services.mail)."""

from __future__ import annotations

from datetime import datetime

from flask import current_app, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from app.portal.format import portal_time
from app.services.mail import queue_mail
from app.services.references import format_tracking_code
from models import Case, Feedback


def _contact_line() -> str:
    config = current_app.config
    return _("Questions? Call %(phone)s or write to %(email)s.",
             phone=config["MUNICIPALITY_PHONE"], email=config["MUNICIPALITY_EMAIL"])


def tracking_url(reference: str, code: str) -> str:
    return url_for("portal.track_link", reference=reference, kod=code,
                   lang=str(get_locale()), _external=True)


def queue_receipt(session: Session, case: Case, address: str, *, now: datetime) -> None:
    """Reference, tracking code and the link that shows the case, and the promised date."""
    config = current_app.config
    lines = [
        _("Thank you for contacting %(municipality)s. We have received your case.",
          municipality=config["MUNICIPALITY_NAME"]),
        "",
        _("Reference number: %(ref)s", ref=case.reference),
        _("Tracking code: %(code)s", code=format_tracking_code(case.tracking_code)),
        "",
        _("Follow your case here: %(url)s", url=tracking_url(case.reference, case.tracking_code)),
    ]
    if case.feedback_due_at is not None:
        lines.append(_("We will get back to you by %(time)s at the latest.",
                       time=portal_time(case.feedback_due_at)))
    lines += ["", _("Keep this e-mail. Give the reference number if you contact us about "
                    "the case."), _contact_line()]
    queue_mail(session, to=address,
               subject=_("We have received your case %(ref)s", ref=case.reference),
               body="\n".join(lines) + "\n", case_id=case.id, now=now)


def queue_feedback_thanks(session: Session, feedback: Feedback, *, now: datetime) -> None:
    config = current_app.config
    lines = [
        _("Thank you for your feedback to %(municipality)s.",
          municipality=config["MUNICIPALITY_NAME"]),
        "",
        _("We read every remark and use it to improve what we do. If you gave contact "
          "details, we may contact you to tell you what we did or to ask a question."),
        "",
        _contact_line(),
    ]
    queue_mail(session, to=feedback.email or "", subject=_("Thank you for your feedback"),
               body="\n".join(lines) + "\n", now=now)
