"""Normalising and validating what identifies a customer: personnummer, organisationsnummer,
phone number, e-mail and name. Validation uses python-stdnum and email-validator, not regexes.
"""

from __future__ import annotations

import re
import unicodedata

from email_validator import EmailNotValidError, validate_email
from stdnum.exceptions import ValidationError
from stdnum.se import orgnr, personnummer

from rosa.i18n import N_

_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def normalize_personnummer(value: str) -> str:
    """Return the 12-digit form YYYYMMDDNNNN, or raise ValueError with a reason for people."""
    try:
        compact = personnummer.validate(value.strip())
        born = personnummer.get_birth_date(compact)
    except ValidationError:
        raise ValueError(N_("Not a valid personal identity number (ÅÅÅÅMMDD-NNNN)")) from None
    digits = compact.replace("-", "").replace("+", "")[-10:]
    return f"{born.year // 100:02d}{digits}"


def mask_personnummer(value: str | None) -> str:
    """Show only the birth date, as lists and look-ups must (DESIGN invariant 8)."""
    if not value:
        return ""
    return f"{value[:8]}-****"


def normalize_orgnr(value: str) -> str:
    try:
        return orgnr.validate(value.strip())
    except ValidationError:
        raise ValueError(N_("Not a valid organisation number (NNNNNN-NNNN)")) from None


def format_orgnr(value: str | None) -> str:
    return orgnr.format(value) if value else ""


def phone_key(value: str) -> str:
    """Digits only, with +46/0046 turned into the domestic leading 0, so look-ups match."""
    digits = re.sub(r"\D", "", value)
    if value.strip().startswith("+46") or digits.startswith("0046"):
        digits = "0" + digits[2:] if not digits.startswith("0046") else "0" + digits[4:]
    return digits


def normalize_phone(value: str) -> tuple[str, str]:
    """Return (as typed but tidied, look-up key) or raise ValueError."""
    tidy = " ".join(value.split())
    if len(tidy) > 40:
        raise ValueError(N_("A phone number may have at most 40 characters"))
    if re.search(r"[^\d\s+\-()]", tidy):
        raise ValueError(N_("A phone number may contain only digits, spaces, +, - and brackets"))
    key = phone_key(tidy)
    if not 5 <= len(key) <= 15:
        raise ValueError(N_("A phone number must have between 5 and 15 digits"))
    return tidy, key


def normalize_email(value: str) -> str:
    try:
        result = validate_email(value.strip(), check_deliverability=False)
    except EmailNotValidError:
        raise ValueError(N_("Not a valid e-mail address")) from None
    return result.normalized.lower()


def name_terms(name: str) -> list[str]:
    """The words of a name, case-folded, for prefix look-up ("svens" finds "Svensson")."""
    text = unicodedata.normalize("NFC", name).casefold()
    seen: dict[str, None] = {}
    for word in _WORD.findall(text):
        seen.setdefault(word[:80], None)
    return list(seen)
