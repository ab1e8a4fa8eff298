"""Rule violations carry the field they concern and a reason, so a form can show them in place."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


class Term(str):
    """A parameter that is itself a translatable source string (a status, an action)."""

    __slots__ = ()


@dataclass(frozen=True)
class RuleViolation:
    field: str
    reason: str  # an English source string marked with N_, possibly with %(name)s placeholders
    params: tuple[tuple[str, object], ...] = ()

    def format(self, translate=lambda s: s) -> str:
        if not self.params:
            return translate(self.reason)
        params = {k: translate(v) if isinstance(v, Term) else v for k, v in self.params}
        return translate(self.reason) % params


class RuleViolations(Exception):
    """All violations found in one input, raised once so the user sees every problem at once."""

    def __init__(self, violations: Iterable[RuleViolation]):
        self.violations = tuple(violations)
        super().__init__("; ".join(f"{v.field}: {v.format()}" for v in self.violations))

    def by_field(self) -> dict[str, list[RuleViolation]]:
        grouped: dict[str, list[RuleViolation]] = {}
        for violation in self.violations:
            grouped.setdefault(violation.field, []).append(violation)
        return grouped


def violation(field: str, reason: str, **params: object) -> RuleViolation:
    return RuleViolation(field, reason, tuple(sorted(params.items())))
