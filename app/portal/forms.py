"""Reading the portal's plain HTML forms, checking them in the citizen's words, and the
defences against bots.

The forms are plain HTML (CSRF comes from Flask-WTF, app-wide). What a case needs is still
decided by the one intake (`rosa.intake.check_contact` via `prepare_contact`); this module
only adds what the web form asks on top (a topic, a name, a way to answer) and rewords the
intake's messages, which are written for agents ("read the number back to the citizen").

Bots: a honeypot field that people never see (hidden with `hidden`, so neither sighted users
nor assistive technology meet it) and a signed timestamp of when the form was first shown;
a form sent back sooner than MIN_FILL_SECONDS after that, or without a valid stamp, or with
the honeypot filled in, is dropped without creating anything.
"""

from __future__ import annotations

import time
from collections.abc import Mapping

from babel.numbers import format_decimal
from flask import current_app
from flask_babel import get_locale
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer
from werkzeug.datastructures import MultiDict

from app.portal.format import max_text
from app.services.portal import MAX_NAME, MAX_TEXT, CitizenField, PortalTopic
from rosa.errors import RuleViolation, RuleViolations
from rosa.guides import FIELD_PREFIX
from rosa.intake import ContactDraft, CustomerDraft
from rosa.routing import OverrideReason
from rosa.vocabulary import Channel, CustomerKind

MAX_FIELD = MAX_TEXT + 2000  # anything longer is cut before validation reports it
GUIDE_PREFIX = "guide-"
HONEYPOT = "homepage"
STARTED = "started"
MIN_FILL_SECONDS = 3
DESCRIPTION_FIELDS = ("topic", "words", STARTED, "voted")
CONTACT_FIELDS = ("name", "email", "phone", "business")

# The intake's reasons (English source strings) that the web form says differently.
_REQUIRED_GUIDE = "“%(title)s” is needed to forward the case"
_REWORDED = {
    "Write down what the citizen asked": "words",
    "A forwarded case needs the citizen's name": "name",
    "A forwarded case needs a phone number, e-mail or address for feedback": "email",
}
_INPUT_OF = {"citizen_words": "words", "customer.name": "name", "customer.email": "email",
             "customer.phone": "phone", "label_id": "topic"}


def get(form: Mapping, name: str) -> str:
    return (form.get(name) or "")[:MAX_FIELD]


def values_of(form: MultiDict, topic: PortalTopic | None = None) -> dict[str, str]:
    """What the citizen has typed so far, to carry between steps and to show again."""
    names = list(DESCRIPTION_FIELDS) + list(CONTACT_FIELDS)
    if topic is not None:
        names += [GUIDE_PREFIX + spec.key for spec in topic.label.guide]
    return {name: get(form, name) for name in names if form.get(name)}


def voted_ids(values: Mapping[str, str]) -> list[int]:
    return [int(part) for part in values.get("voted", "").split(",")
            if part.isdigit() and len(part) < 12][:20]


# --- step 1: what is it about ---------------------------------------------------------------


def check_description(values: Mapping[str, str], topics: Mapping[str, PortalTopic]
                      ) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if values.get("topic") not in topics:
        errors["topic"] = [_("Choose what your matter is about")]
    words = values.get("words", "").strip()
    if not words:
        errors["words"] = [_("Describe your matter")]
    elif len(words) > MAX_TEXT:
        errors["words"] = [too_long(len(words))]
    return errors


def too_long(count: int) -> str:
    return _("At most %(max)s characters; you wrote %(count)s", max=max_text(),
             count=format_decimal(count, locale=str(get_locale())))


# --- step 3: details and how to reach you ------------------------------------------------------


def contact_draft(values: Mapping[str, str], topic: PortalTopic, locale: str) -> ContactDraft:
    """The intake's draft: a web contact, always forwarded (nobody has answered it yet)."""
    keys = [field.key for field in topic.fields(locale)]
    customer = CustomerDraft(
        kind=CustomerKind.BUSINESS.value if values.get("business") else CustomerKind.PRIVATE.value,
        name=values.get("name", ""), email=values.get("email", ""),
        phone=values.get("phone", ""))
    return ContactDraft(channel=Channel.WEB.value, citizen_words=values.get("words", ""),
                        requested="forward", override_reason=OverrideReason.SELF_SERVICE.value,
                        customer=customer,
                        guide={key: values.get(GUIDE_PREFIX + key, "") for key in keys})


def check_contact_details(values: Mapping[str, str]) -> dict[str, list[str]]:
    """What the web form asks on top of the intake: a name and a way to answer."""
    errors: dict[str, list[str]] = {}
    name = values.get("name", "").strip()
    if not name:
        errors["name"] = [_("Write your name, so that we know whom to answer")]
    elif len(name) > MAX_NAME:
        errors["name"] = [_("At most %(max)s characters", max=MAX_NAME)]
    if not values.get("email", "").strip() and not values.get("phone", "").strip():
        errors["email"] = [_("Give an e-mail address or a phone number, so that we can "
                             "answer you")]
    return errors


def citizen_errors(refused: RuleViolations, fields: list[CitizenField]
                   ) -> dict[str, list[str]]:
    """The intake's violations, by form input, in the citizen's words and language."""
    titles = {field.key: field.title for field in fields}
    errors: dict[str, list[str]] = {}
    for item in refused.violations:
        name, message = _citizen_message(item, titles)
        errors.setdefault(name, []).append(message)
    return errors


def _citizen_message(item: RuleViolation, titles: Mapping[str, str]) -> tuple[str, str]:
    if item.reason in _REWORDED:
        name = _REWORDED[item.reason]
        return name, {
            "words": _("Describe your matter"),
            "name": _("Write your name, so that we know whom to answer"),
            "email": _("Give an e-mail address or a phone number, so that we can answer you"),
        }[name]
    if item.field.startswith(FIELD_PREFIX):
        key = item.field[len(FIELD_PREFIX):]
        title = titles.get(key, key)
        if item.reason == _REQUIRED_GUIDE:
            return GUIDE_PREFIX + key, _("Answer “%(title)s”", title=title)
        params = tuple((k, title if k == "title" else v) for k, v in item.params)
        return GUIDE_PREFIX + key, RuleViolation(item.field, item.reason, params).format(_)
    return _INPUT_OF.get(item.field, "form"), item.format(_)


# --- bots ---------------------------------------------------------------------------------------


def _stamps() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="portal-form-started")


def started_stamp(at: float | None = None) -> str:
    """A signed note of when the form was first shown (carried in a hidden field)."""
    return _stamps().dumps(int(time.time() if at is None else at))


def looks_like_a_bot(form: Mapping, *, now: float | None = None) -> bool:
    if (form.get(HONEYPOT) or "").strip():
        return True
    try:
        started = _stamps().loads(form.get(STARTED) or "")
    except BadSignature:
        return True
    now = time.time() if now is None else now
    return not isinstance(started, int) or now - started < MIN_FILL_SECONDS
