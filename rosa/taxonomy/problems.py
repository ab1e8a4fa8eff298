"""Where a problem is written in the document, and the reader that reports it in place."""

from __future__ import annotations

import difflib
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass

from rosa.errors import RuleViolation, RuleViolations, violation
from rosa.i18n import N_
from rosa.identity import normalize_email
from rosa.label_rules import (
    MAX_SIGNAL_WORD,
    Deadline,
    check_deadline,
)
from rosa.taxonomy.specs import CODE_PATTERN


@dataclass(frozen=True)
class _Loc:
    path: str
    line: int | None

    @property
    def field(self) -> str:
        return f"line {self.line}: {self.path}" if self.line else self.path


class _Problems:
    """Violations in document order; the same problem reached twice is reported once."""

    def __init__(self) -> None:
        self._found: dict[RuleViolation, None] = {}

    def add(self, loc: _Loc, reason: str, **params: object) -> None:
        self._found.setdefault(violation(loc.field, reason, **params), None)

    def raise_if_any(self) -> None:
        if self._found:
            raise RuleViolations(self._found)


def _suggestion(value: str, candidates: Collection[str]) -> str | None:
    matches = difflib.get_close_matches(value, sorted(candidates), n=1, cutoff=0.6)
    return matches[0] if matches else None


def _join(path: str, key: str) -> str:
    return key if path in ("", "document") else f"{path}.{key}"


class _Node:
    """A mapping in the document with typed accessors that report problems in place."""

    def __init__(self, data: Mapping, loc: _Loc, problems: _Problems):
        self.data, self.loc, self.problems = data, loc, problems

    @classmethod
    def of(cls, value: object, loc: _Loc, allowed: tuple[str, ...],
           problems: _Problems) -> _Node | None:
        if not isinstance(value, Mapping):
            problems.add(loc, N_("Expected key: value pairs here"))
            return None
        node = cls(value, _Loc(loc.path, getattr(value, "line", None) or loc.line), problems)
        for key in value:
            if key not in allowed:
                node._unknown(key, allowed)
        return node

    def _unknown(self, key: object, allowed: tuple[str, ...]) -> None:
        where = self.at(str(key))
        hint = _suggestion(str(key), allowed)
        if hint:
            self.problems.add(where, N_("Unknown key %(key)s; did you mean %(suggestion)s?"),
                              key=str(key), suggestion=hint)
        else:
            self.problems.add(where, N_("Unknown key %(key)s; expected one of: %(expected)s"),
                              key=str(key), expected=", ".join(allowed))

    def _line(self, key: object) -> int | None:
        lines = getattr(self.data, "key_lines", None) or {}
        return lines.get(key, self.loc.line)

    def at(self, key: str) -> _Loc:
        return _Loc(_join(self.loc.path, key), self._line(key))

    def raw(self, key: str, default: object = None) -> object:
        return self.data.get(key, default)

    def text(self, key: str, *, required: bool = False, max_len: int | None,
             collapse: bool = True) -> str | None:
        value = self.data.get(key)
        if value is None:
            if required:
                self.problems.add(self.at(key), N_("This key is required"))
            return None
        if not isinstance(value, str):
            self.problems.add(self.at(key), N_("Expected text here; put the value in quotes if "
                                               "it is a number or yes/no"))
            return None
        value = " ".join(value.split()) if collapse else value.strip()
        if not value:
            if required:
                self.problems.add(self.at(key), N_("Must not be empty"))
            return None
        if max_len is not None and len(value) > max_len:
            self.problems.add(self.at(key), N_("At most %(max)s characters"), max=max_len)
            return None
        return value

    def code(self, key: str, *, max_len: int) -> str | None:
        value = self.text(key, required=True, max_len=max_len)
        if value is not None and not CODE_PATTERN.match(value):
            self.problems.add(self.at(key), N_("A code may contain only lower-case letters "
                                               "a–z, digits, - and _ (e.g. tekn-avfall)"))
        return value

    def flag(self, key: str, default: bool = False) -> bool:
        value = self.data.get(key, default)
        if not isinstance(value, bool):
            self.problems.add(self.at(key), N_("Expected true or false"))
            return default
        return value

    def email(self, key: str) -> str | None:
        value = self.text(key, max_len=254)
        if value is None:
            return None
        try:
            return normalize_email(value)
        except ValueError as error:
            self.problems.add(self.at(key), str(error))
            return None

    def deadline(self) -> Deadline:
        """A case type's deadline override, checked by the same rule as a label's."""
        found: list[RuleViolation] = []
        deadline = check_deadline(self.data.get("feedback_working_days"),
                                  self.data.get("feedback_working_hours"), found)
        for problem in found:
            self.problems.add(self.at(problem.field), problem.reason, **dict(problem.params))
        return deadline

    def words(self, key: str, *, reason: str = N_("A signal word must be non-empty text"),
              max_len: int | None = MAX_SIGNAL_WORD) -> tuple[str, ...]:
        found: dict[str, None] = {}
        for loc, value in self.items(key, required=False):
            if not isinstance(value, str) or not value.strip():
                self.problems.add(loc, reason)
            elif max_len is not None and len(value) > max_len:
                self.problems.add(loc, N_("At most %(max)s characters"), max=max_len)
            else:
                word = " ".join(value.split())
                if word.casefold() not in {w.casefold() for w in found}:
                    found[word] = None
        return tuple(found)

    def items(self, key: str, *, required: bool) -> Iterator[tuple[_Loc, object]]:
        """The elements of a list, each with its own location (its line if it is a mapping)."""
        value = self.data.get(key)
        where = self.at(key)
        if value is None:
            if required:
                self.problems.add(where, N_("This key is required"))
            return
        if isinstance(value, str) or not isinstance(value, list):
            self.problems.add(where, N_("Expected a list (lines starting with -)"))
            return
        if required and not value:
            self.problems.add(where, N_("The list must not be empty"))
        for index, element in enumerate(value):
            yield _Loc(f"{where.path}[{index}]", getattr(element, "line", None) or where.line), \
                element
