"""The six ROSA levels (the Danish "function distributor") and who may perform them."""

from __future__ import annotations

from enum import IntEnum

from rosa.i18n import N_


class RosaLevel(IntEnum):
    INFORMATION = 1
    GUIDANCE = 2
    ADMINISTRATIVE_PREPARATION = 3
    ROUTINE_DECISION = 4
    INVESTIGATION = 5
    EVALUATIVE_DECISION = 6

    @property
    def title(self) -> str:
        return _TITLES[self]

    @property
    def needs_mandate(self) -> bool:
        """Levels 3–4 go to the contact centre only by agreement with the owning department."""
        return self in (RosaLevel.ADMINISTRATIVE_PREPARATION, RosaLevel.ROUTINE_DECISION)

    @property
    def department_only(self) -> bool:
        """Levels 5–6 are never performed by contact-centre staff."""
        return self >= RosaLevel.INVESTIGATION

    @classmethod
    def parse(cls, value: object) -> RosaLevel:
        """Accept 1–6 as int or numeric string; raise ValueError otherwise."""
        try:
            number = int(str(value).strip())
        except (TypeError, ValueError):
            raise ValueError(N_("ROSA level must be a whole number from 1 to 6")) from None
        try:
            return cls(number)
        except ValueError:
            raise ValueError(N_("ROSA level must be a whole number from 1 to 6")) from None


_TITLES = {
    RosaLevel.INFORMATION: N_("Information"),
    RosaLevel.GUIDANCE: N_("Guidance and advice"),
    RosaLevel.ADMINISTRATIVE_PREPARATION: N_("Administrative preparation"),
    RosaLevel.ROUTINE_DECISION: N_("Routine, rule-based handling and decisions"),
    RosaLevel.INVESTIGATION: N_("Department-specific preparation (investigation)"),
    RosaLevel.EVALUATIVE_DECISION: N_("Evaluative handling and decisions"),
}
