"""Case-type guides: the information a case type or label needs before it can be forwarded.

A guide is an ordered list of typed fields (DOMAIN.md, "What information a forwarded case must
carry": guides, not templates). This module holds the field kinds, the rules for defining a
field (used by the admin editor and the taxonomy import) and the validation and normalisation
of the answers (used by the intake, so the console, the API and the demo agree).

Answers are normalised to plain JSON values: personnummer as 12 digits YYYYMMDDNNNN (or only
the birth date YYYY-MM-DD where the department wants no more), organisationsnummer as 10
digits, dates as ISO 8601, yes/no as booleans, numbers as int or float.
"""

from __future__ import annotations

import difflib
import math
import re
import unicodedata
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from stdnum.exceptions import InvalidChecksum, ValidationError
from stdnum.se import personnummer as stdnum_personnummer

from rosa.errors import RuleViolation, RuleViolations, violation
from rosa.i18n import N_
from rosa.identity import (
    normalize_email,
    normalize_orgnr,
    normalize_personnummer,
    normalize_phone,
)

FIELD_PREFIX = "guide."  # violations of a guide answer are keyed "guide.<key>"
MAX_KEY = 60
MAX_TITLE = 200
MAX_HELP = 1000
MAX_CHOICES = 50
MAX_CHOICE = 200
MAX_TEXT = 500
MAX_LONG_TEXT = 5000
MAX_NUMBER = 10**12
KEY_PATTERN = re.compile(r"[a-z][a-z0-9_]*\Z")


class FieldKind(StrEnum):
    TEXT = "text"
    LONG_TEXT = "long_text"
    NUMBER = "number"
    DATE = "date"
    CHOICE = "choice"
    YES_NO = "yes_no"
    PLACE = "place"
    PERSONNUMMER = "personnummer"
    ORGANISATIONSNUMMER = "organisationsnummer"
    FASTIGHET = "fastighetsbeteckning"
    VEHICLE = "vehicle"
    PHONE = "phone"
    EMAIL = "email"

    @property
    def title(self) -> str:
        return _KIND_TITLES[self]


_KIND_TITLES = {
    FieldKind.TEXT: N_("Text"),
    FieldKind.LONG_TEXT: N_("Long text"),
    FieldKind.NUMBER: N_("Number"),
    FieldKind.DATE: N_("Date"),
    FieldKind.CHOICE: N_("Choice"),
    FieldKind.YES_NO: N_("Yes/no"),
    FieldKind.PLACE: N_("Address or place description"),
    FieldKind.PERSONNUMMER: N_("Personal identity number"),
    FieldKind.ORGANISATIONSNUMMER: N_("Organisation number"),
    FieldKind.FASTIGHET: N_("Property designation"),
    FieldKind.VEHICLE: N_("Vehicle registration number"),
    FieldKind.PHONE: N_("Phone"),
    FieldKind.EMAIL: N_("E-mail"),
}


@dataclass(frozen=True)
class FieldSpec:
    """One field of a guide as the intake sees it; `key` names the answer on the case."""

    key: str
    title: str
    kind: FieldKind
    required: bool = False
    help_text: str = ""
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class Answer:
    """A stored answer with what is known about its field (None once the field is gone)."""

    key: str
    title: str
    kind: FieldKind | None
    value: object


def field_name(key: str) -> str:
    return f"{FIELD_PREFIX}{key}"


def key_from_title(title: str) -> str:
    """A field key made from its title: "Exakt plats" → "exakt_plats" (å, ä, ö → a, a, o)."""
    plain = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode().lower()
    key = re.sub(r"[^a-z0-9]+", "_", plain).strip("_")[:MAX_KEY].rstrip("_")
    if key and not key[0].isalpha():
        key = f"f_{key}"[:MAX_KEY]
    return key


# --- defining fields ----------------------------------------------------------------------


def define_field(*, key: str, title: str, kind: str | FieldKind, required: bool = False,
                 help_text: str = "", choices: Iterable[str] = (),
                 taken: Collection[str] = ()) -> FieldSpec:
    """Check one field definition; raise RuleViolations keyed by attribute name.

    `taken` holds the keys already used in the same combined guide (the case type's fields
    and its labels' fields): an answer is stored under its key, so a key must mean one thing.
    """
    problems: list[RuleViolation] = []
    key = key.strip()
    if not key:
        problems.append(violation("key", N_("This field is required")))
    elif len(key) > MAX_KEY:
        problems.append(violation("key", N_("At most %(max)s characters"), max=MAX_KEY))
    elif not KEY_PATTERN.match(key):
        problems.append(violation("key", N_("A key may contain only lower-case letters a–z, "
                                            "digits and _, and starts with a letter (e.g. "
                                            "exact_place)")))
    elif key in taken:
        problems.append(violation("key", N_("Another field of this guide already has the key "
                                            "%(key)s"), key=key))
    title = " ".join(title.split())
    if not title:
        problems.append(violation("title", N_("This field is required")))
    elif len(title) > MAX_TITLE:
        problems.append(violation("title", N_("At most %(max)s characters"), max=MAX_TITLE))
    parsed = _kind(kind, problems)
    help_text = help_text.strip()
    if len(help_text) > MAX_HELP:
        problems.append(violation("help_text", N_("At most %(max)s characters"), max=MAX_HELP))
    options = _choices(choices, parsed, problems)
    if problems:
        raise RuleViolations(problems)
    assert parsed is not None
    return FieldSpec(key, title, parsed, bool(required), help_text, options)


def _kind(kind: str | FieldKind, problems: list[RuleViolation]) -> FieldKind | None:
    try:
        return FieldKind(kind)
    except ValueError:
        names = [k.value for k in FieldKind]
        hint = difflib.get_close_matches(str(kind), names, n=1, cutoff=0.6)
        if hint:
            problems.append(violation("kind", N_("Unknown field kind %(kind)s; did you mean "
                                                 "%(suggestion)s?"), kind=str(kind),
                                      suggestion=hint[0]))
        else:
            problems.append(violation("kind", N_("Unknown field kind %(kind)s; expected one of: "
                                                 "%(expected)s"), kind=str(kind),
                                      expected=", ".join(names)))
        return None


def _choices(choices: Iterable[str], kind: FieldKind | None,
             problems: list[RuleViolation]) -> tuple[str, ...]:
    found: dict[str, str] = {}
    for raw in choices:
        choice = " ".join(str(raw).split())
        if not choice:
            continue
        if len(choice) > MAX_CHOICE:
            problems.append(violation("choices", N_("At most %(max)s characters"),
                                      max=MAX_CHOICE))
        elif choice.casefold() in found:
            problems.append(violation("choices", N_("The alternative %(choice)s is listed "
                                                    "twice"), choice=choice))
        else:
            found[choice.casefold()] = choice
    options = tuple(found.values())
    if kind is FieldKind.CHOICE and len(options) < 2:
        problems.append(violation("choices", N_("A choice field needs at least two "
                                                "alternatives, one per line")))
    elif kind is FieldKind.CHOICE and len(options) > MAX_CHOICES:
        problems.append(violation("choices", N_("At most %(max)s alternatives"),
                                  max=MAX_CHOICES))
    elif kind is not None and kind is not FieldKind.CHOICE and options:
        problems.append(violation("choices", N_("Only fields of the kind Choice have "
                                                "alternatives")))
    return options


# --- checking answers -----------------------------------------------------------------------


def check_guide(fields: Iterable[FieldSpec], values: Mapping[str, object], *,
                birth_date_only: bool = False, require: bool = True) -> dict[str, object]:
    """Validate and normalise the answers to a guide; raise RuleViolations naming each field.

    `require` is true when the case is forwarded: then every required field must be answered.
    A contact answered at first contact needs none, but what is given is still checked.
    """
    problems: list[RuleViolation] = []
    cleaned = collect_guide(fields, values, problems, birth_date_only=birth_date_only,
                            require=require)
    if problems:
        raise RuleViolations(problems)
    return cleaned


def collect_guide(fields: Iterable[FieldSpec], values: Mapping[str, object],
                  problems: list[RuleViolation], *, birth_date_only: bool,
                  require: bool) -> dict[str, object]:
    """Like check_guide, but add the problems to the caller's list (the intake collects all
    problems of a contact and raises once). Returns the answers given, in guide order."""
    fields = tuple(fields)
    known = {spec.key for spec in fields}
    for key in values:
        if key not in known:
            problems.append(violation(field_name(str(key)),
                                      N_("This label's guide has no field %(key)s"),
                                      key=str(key)))
    cleaned: dict[str, object] = {}
    for spec in fields:
        raw = values.get(spec.key)
        if _blank(raw):
            if spec.required and require:
                problems.append(violation(field_name(spec.key), N_(
                    "“%(title)s” is needed to forward the case"), title=spec.title))
            continue
        try:
            cleaned[spec.key] = clean_answer(spec, raw, birth_date_only=birth_date_only)
        except ValueError as error:
            problems.append(violation(field_name(spec.key), str(error), title=spec.title))
    return cleaned


def _blank(raw: object) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def clean_answer(spec: FieldSpec, raw: object, *, birth_date_only: bool = False) -> object:
    """One answer in its stored form, or ValueError whose message has a %(title)s slot."""
    kind = spec.kind
    if kind is FieldKind.YES_NO:
        return _yes_no(raw)
    if kind is FieldKind.NUMBER:
        return _number(raw)
    text = _text(raw)
    if kind is FieldKind.CHOICE:
        return _choice(text, spec.choices)
    if kind is FieldKind.PERSONNUMMER:
        return _birth_date(text) if birth_date_only else _personnummer(text)
    return _CLEANERS[kind](text)


def _text(raw: object) -> str:
    if isinstance(raw, bool) or not isinstance(raw, str | int | float):
        raise ValueError(N_("“%(title)s”: answer with text"))
    return str(raw)


def _short_text(text: str) -> str:
    text = " ".join(text.split())
    if len(text) > MAX_TEXT:
        raise ValueError(N_("“%(title)s”: at most 500 characters"))
    return text


def _long_text(text: str) -> str:
    text = "\n".join(line.rstrip() for line in text.strip().splitlines())
    if len(text) > MAX_LONG_TEXT:
        raise ValueError(N_("“%(title)s”: at most 5000 characters"))
    return text


_YES = frozenset({"yes", "ja", "j", "y", "true", "1"})
_NO = frozenset({"no", "nej", "n", "false", "0"})


def _yes_no(raw: object) -> bool:
    if isinstance(raw, bool):
        return raw
    word = str(raw).strip().casefold() if isinstance(raw, str | int) else ""
    if word in _YES:
        return True
    if word in _NO:
        return False
    raise ValueError(N_("“%(title)s”: answer yes or no"))


_NUMBER = re.compile(r"[-+−]?\d+(?:[.,]\d+)?\Z")


def _number(raw: object) -> int | float:
    if isinstance(raw, bool):
        raise ValueError(N_("“%(title)s”: write a number, e.g. 12 or 3,5"))
    if isinstance(raw, int | float):
        value: int | float = raw
    elif isinstance(raw, str):
        compact = re.sub(r"[\s\u00a0\u202f]", "", raw)
        if not _NUMBER.match(compact):
            raise ValueError(N_("“%(title)s”: write a number, e.g. 12 or 3,5"))
        compact = compact.replace("−", "-").replace(",", ".")
        value = float(compact) if "." in compact else int(compact)
    else:
        raise ValueError(N_("“%(title)s”: write a number, e.g. 12 or 3,5"))
    if not math.isfinite(value) or abs(value) > MAX_NUMBER:
        raise ValueError(N_("“%(title)s”: write a number, e.g. 12 or 3,5"))
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _date(text: str) -> str:
    text = text.strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}|\d{8}", text):
        try:
            return date.fromisoformat(text).isoformat()
        except ValueError:
            pass
    raise ValueError(N_("“%(title)s”: write a date as YYYY-MM-DD"))


def _choice(text: str, choices: tuple[str, ...]) -> str:
    wanted = " ".join(text.split())
    for choice in choices:
        if choice == wanted:
            return choice
    for choice in choices:
        if choice.casefold() == wanted.casefold():
            return choice
    raise ValueError(N_("“%(title)s”: choose one of the alternatives"))


def _personnummer(text: str) -> str:
    try:
        return normalize_personnummer(text)
    except ValueError:
        if _wrong_check_digit(text):
            raise ValueError(N_("“%(title)s”: the check digit is wrong; read the number back "
                                "to the citizen")) from None
        raise ValueError(N_("“%(title)s”: not a valid personal identity number "
                            "(YYYYMMDD-NNNN)")) from None


def _wrong_check_digit(text: str) -> bool:
    try:
        stdnum_personnummer.validate(text.strip())
    except InvalidChecksum:
        return True
    except ValidationError:
        return False
    return False


def _birth_date(text: str) -> str:
    """Only the birth date, even when the whole number is given (data minimisation)."""
    digits = re.sub(r"[\s\-+]", "", text)
    if re.fullmatch(r"\d{10}|\d{12}", digits):
        twelve = _personnummer(text)
        born = stdnum_personnummer.get_birth_date(twelve)
        return born.isoformat()
    if re.fullmatch(r"\d{8}", digits):
        try:
            return date(int(digits[:4]), int(digits[4:6]), int(digits[6:])).isoformat()
        except ValueError:
            pass
    raise ValueError(N_("“%(title)s”: write only the birth date, as YYYYMMDD"))


def _orgnr(text: str) -> str:
    try:
        return normalize_orgnr(text)
    except ValueError:
        digits = re.sub(r"\D", "", text)
        if len(digits) == 10 and not re.search(r"[^\d\s\-]", text):
            raise ValueError(N_("“%(title)s”: the check digit is wrong; read the number back "
                                "to the citizen")) from None
        raise ValueError(N_("“%(title)s”: not a valid organisation number (NNNNNN-NNNN)")) \
            from None


_FASTIGHET = re.compile(
    r"(?P<area>[^\W\d_]+(?:[ -][^\W\d_]+)*) (?P<block>\d{1,4}) ?: ?(?P<unit>\d{1,4})\Z")


def _fastighet(text: str) -> str:
    """"exempelstad  KVARNEN 3 : 14" → "Exempelstad Kvarnen 3:14" (district, block:unit)."""
    match = _FASTIGHET.match(" ".join(text.split()))
    if match is None or len(match["area"]) > 100:
        raise ValueError(N_("“%(title)s”: write the district and block:unit, e.g. "
                            "Exempelstad Kvarnen 3:14"))
    area = " ".join(_capitalise(word) for word in match["area"].split(" "))
    return f"{area} {int(match['block'])}:{int(match['unit'])}"


def _capitalise(word: str) -> str:
    if word.islower() or word.isupper():
        return "-".join(part.capitalize() for part in word.split("-"))
    return word


# Swedish plates: three letters (no I, Q, V, Å, Ä, Ö), two digits, then a digit or a letter
# (no O). Foreign and personalised plates are written in a text field instead.
_VEHICLE = re.compile(r"[A-HJ-PR-UW-Z]{3}\d{2}[\dA-HJ-NPR-UW-Z]\Z")


def _vehicle(text: str) -> str:
    compact = re.sub(r"[\s\-]", "", text).upper()
    if not _VEHICLE.match(compact):
        raise ValueError(N_("“%(title)s”: write a Swedish registration number, e.g. ABC 123 or "
                            "ABC 12A"))
    return compact


def _phone(text: str) -> str:
    try:
        tidy, _key = normalize_phone(text)
    except ValueError:
        raise ValueError(N_("“%(title)s”: write a phone number with 5 to 15 digits")) from None
    return tidy


def _email(text: str) -> str:
    try:
        return normalize_email(text)
    except ValueError:
        raise ValueError(N_("“%(title)s”: not a valid e-mail address")) from None


_CLEANERS = {
    FieldKind.TEXT: _short_text,
    FieldKind.PLACE: _short_text,
    FieldKind.LONG_TEXT: _long_text,
    FieldKind.DATE: _date,
    FieldKind.ORGANISATIONSNUMMER: _orgnr,
    FieldKind.FASTIGHET: _fastighet,
    FieldKind.VEHICLE: _vehicle,
    FieldKind.PHONE: _phone,
    FieldKind.EMAIL: _email,
}


# --- reading answers back -------------------------------------------------------------------


def answers(fields: Iterable[FieldSpec], values: Mapping[str, object]) -> list[Answer]:
    """The stored answers in guide order; answers to fields since removed come last, by key."""
    result = []
    seen = set()
    for spec in fields:
        if spec.key in values:
            result.append(Answer(spec.key, spec.title, spec.kind, values[spec.key]))
            seen.add(spec.key)
    for key in sorted(set(values) - seen):
        result.append(Answer(key, key.replace("_", " ").capitalize(), None, values[key]))
    return result


def looks_like_personnummer(answer: Answer) -> bool:
    """Whether an answer must be masked when shown: a personnummer field's value, or any
    twelve-digit value whose field is no longer known (better masked once too often)."""
    if answer.kind is FieldKind.PERSONNUMMER:
        return True
    return answer.kind is None and isinstance(answer.value, str) and bool(
        re.fullmatch(r"\d{12}", answer.value))
