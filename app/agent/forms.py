"""Reading the console's contact form into the domain's draft, and back for re-display.

The form is plain HTML (CSRF is enforced app-wide by Flask-WTF); validation is the domain's
`check_contact`, so the API and the console cannot drift apart. Guide answers are inputs named
`guide-<key>`; only the chosen label's keys are read, so answers typed for a label the agent
then changed are simply left out.
"""

from __future__ import annotations

from collections.abc import Iterable

from werkzeug.datastructures import MultiDict

from rosa.intake import ContactDraft, CustomerDraft
from rosa.vocabulary import Channel, CustomerKind

CUSTOMER_FIELDS = ("kind", "name", "email", "phone", "address", "personnummer",
                   "organisationsnummer")
GUIDE_PREFIX = "guide-"
MAX_FIELD = 6000  # anything longer is cut before validation reports it


def _get(form: MultiDict, name: str) -> str:
    return (form.get(name) or "")[:MAX_FIELD]


def label_id_of(form: MultiDict) -> int | None:
    label_raw = _get(form, "label_id").strip()
    return int(label_raw) if label_raw.isdigit() and len(label_raw) < 19 else None


def contact_draft(form: MultiDict, guide_keys: Iterable[str] = ()
                  ) -> tuple[ContactDraft, int | None]:
    """The draft, reading the guide answers of `guide_keys` (the chosen label's guide)."""
    customer = CustomerDraft(**{f: _get(form, f"customer-{f}") for f in CUSTOMER_FIELDS})
    draft = ContactDraft(
        channel=_get(form, "channel"),
        citizen_words=_get(form, "citizen_words"),
        answer_given=_get(form, "answer_given"),
        requested="forward" if form.get("forward") else "",
        override_reason=_get(form, "override_reason") if form.get("forward") else "",
        override_note=_get(form, "override_note") if form.get("forward") else "",
        customer=customer,
        guide={key: _get(form, f"{GUIDE_PREFIX}{key}") for key in guide_keys},
    )
    return draft, label_id_of(form)


def empty_values() -> dict[str, str]:
    values = {"channel": Channel.PHONE.value, "customer-kind": CustomerKind.PRIVATE.value}
    return values


def form_values(form: MultiDict) -> dict[str, str]:
    """What the agent typed, to put back into the form after a validation error."""
    return {key: _get(form, key) for key in form if key != "csrf_token"}


def field_name(domain_field: str) -> str:
    """Map a violation's field (customer.email) to the form's input name (customer-email)."""
    return domain_field.replace(".", "-")
