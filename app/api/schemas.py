"""Reading a request body strictly: JSON object, known fields, the right JSON types.

Shape problems (bad JSON, wrong type, unknown or missing field) are a 400 naming each field;
whether the values make a valid contact is the intake rules' business (a 422 from the view).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import request
from flask_babel import gettext as _

from app.api.errors import ApiError, bad_request, validation_failed
from rosa.intake import ContactDraft, CustomerDraft

CLOCK_SKEW = timedelta(minutes=5)  # how far in the future a client's received_at may lie
CONTACT_REQUIRED = ("channel", "label_id", "citizen_words")
CONTACT_OPTIONAL = ("answer_given", "requested", "override_reason", "override_note")
CUSTOMER_FIELDS = (
    "kind", "name", "email", "phone", "address", "personnummer", "organisationsnummer",
)
MAX_ID = 2**63 - 1  # larger numbers cannot even be compared with an id column in SQLite
MAX_GUIDE_KEYS = 100  # far more than any guide has; refuses a body built to waste our time
MAX_GUIDE_TEXT = 6000  # longer answers are cut before the guide's rules report them
BODY = "body"  # the key under which problems with the body as a whole are reported


@dataclass(frozen=True)
class ContactRequest:
    draft: ContactDraft
    label_id: int
    received_at: datetime | None


def read_json_object() -> dict:
    """The request body as a JSON object, or an ApiError saying why it is not one."""
    if not request.is_json:
        raise ApiError(415, "unsupported_media_type",
                       _("Send the body as JSON with 'Content-Type: application/json'."))
    try:
        body = json.loads(request.get_data(cache=False))
    except (ValueError, RecursionError):
        raise bad_request({BODY: [_("Not valid JSON")]},
                          _("The request body is not valid JSON.")) from None
    if not isinstance(body, dict):
        raise bad_request({BODY: [_("Must be a JSON object")]})
    return body


def parse_contact(body: dict, *, now: datetime) -> ContactRequest:
    """Turn the body of POST /api/v1/contacts into the intake service's draft."""
    problems: dict[str, list[str]] = {}
    _unknown(body, (*CONTACT_REQUIRED, *CONTACT_OPTIONAL, "received_at", "customer", "guide"),
             "", problems)
    values = {key: _string(body, key, key, problems, required=True)
              for key in ("channel", "citizen_words")}
    values.update((key, _string(body, key, key, problems)) for key in CONTACT_OPTIONAL)
    label_id = _integer(body, "label_id", problems)
    received_at = _instant(body, "received_at", problems)
    customer = _customer(body.get("customer"), problems)
    guide = _guide(body.get("guide"), problems)
    if problems:
        raise bad_request(problems)
    if received_at is not None and received_at > now + CLOCK_SKEW:
        raise validation_failed({"received_at": [_("The time lies in the future")]})
    return ContactRequest(ContactDraft(customer=customer, guide=guide, **values), label_id,
                          received_at)


def _guide(value: object, problems: dict[str, list[str]]) -> dict[str, object]:
    """The answers to the label's guide by field key; whether they fit the guide is the
    intake's business (422), only their JSON types are checked here (400)."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        problems["guide"] = [_("Must be an object or null")]
        return {}
    if len(value) > MAX_GUIDE_KEYS:
        problems["guide"] = [_("At most %(max)s answers", max=MAX_GUIDE_KEYS)]
        return {}
    answers: dict[str, object] = {}
    for key, answer in value.items():
        if answer is not None and (isinstance(answer, dict | list)):
            problems.setdefault(f"guide.{key}"[:100], []).append(
                _("Must be a string, a number, true or false, or null"))
        elif answer is not None:
            answers[key] = answer[:MAX_GUIDE_TEXT] if isinstance(answer, str) else answer
    return answers


def _customer(value: object, problems: dict[str, list[str]]) -> CustomerDraft:
    if value is None:
        return CustomerDraft()
    if not isinstance(value, dict):
        problems["customer"] = [_("Must be an object or null")]
        return CustomerDraft()
    _unknown(value, CUSTOMER_FIELDS, "customer.", problems)
    fields = {key: _string(value, key, f"customer.{key}", problems) for key in CUSTOMER_FIELDS}
    return CustomerDraft(**{key: text for key, text in fields.items() if text})


def _unknown(body: dict, known: tuple[str, ...], prefix: str, problems) -> None:
    for key in body:
        if key not in known:
            problems.setdefault(f"{prefix}{key}", []).append(_("Unknown field"))


def _string(body: dict, key: str, name: str, problems, *, required: bool = False) -> str:
    if key not in body:
        if required:
            problems.setdefault(name, []).append(_("This field is required"))
        return ""
    value = body[key]
    if value is None and not required:
        return ""
    if not isinstance(value, str):
        problems.setdefault(name, []).append(
            _("Must be a string") if required else _("Must be a string or null")
        )
        return ""
    return value


def _integer(body: dict, key: str, problems) -> int:
    if key not in body:
        problems.setdefault(key, []).append(_("This field is required"))
        return 0
    value = body[key]
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= MAX_ID:
        problems.setdefault(key, []).append(_("Must be a positive whole number"))
        return 0
    return value


def _instant(body: dict, key: str, problems) -> datetime | None:
    value = body.get(key)
    if value is None:
        return None
    parsed = None
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            parsed = None
    if parsed is None or parsed.tzinfo is None or parsed.utcoffset() is None:
        problems.setdefault(key, []).append(
            _("Must be an ISO 8601 date and time with a time zone, e.g. 2026-11-23T10:15:00+01:00")
        )
        return None
    return parsed
