"""The dashboard filters and drill-down conditions, as read from a query string."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta
from enum import StrEnum

from rosa.statistics.periods import (
    DEFAULT_DAYS,
    MAX_DAYS,
)


def _int(value: str | None) -> int | None:
    value = (value or "").strip()
    return int(value) if value.isdigit() and len(value) < 10 else None


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat((value or "").strip())
    except ValueError:
        return None


@dataclass(frozen=True)
class Filters:
    """What every dashboard page and drill-down is narrowed to. Days are Stockholm days."""

    start: date
    end: date
    department_id: int | None = None
    channel: str | None = None
    function_id: int | None = None

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def args(self, **override: object) -> dict[str, str]:
        """The query-string arguments that reproduce these filters (with overrides)."""
        values: dict[str, object] = {
            "start": self.start.isoformat(), "end": self.end.isoformat(),
            "department": self.department_id, "channel": self.channel,
            "function": self.function_id}
        values.update(override)
        return {k: str(v) for k, v in values.items() if v not in (None, "")}


def parse_filters(args: Mapping[str, str], *, today: date, channels: Iterable[str],
                  default_days: int = DEFAULT_DAYS) -> Filters:
    """Read the filters leniently: a bad or missing value falls back to the default."""
    end = _date(args.get("end")) or today
    start = _date(args.get("start")) or end - timedelta(days=default_days - 1)
    if start > end:
        start, end = end, start
    if (end - start).days >= MAX_DAYS:
        start = end - timedelta(days=MAX_DAYS - 1)
    channel = args.get("channel") or None
    return Filters(start=start, end=end, department_id=_int(args.get("department")),
                   channel=channel if channel in set(channels) else None,
                   function_id=_int(args.get("function")))


class Feedback(StrEnum):
    """Drill-down into the feedback-deadline figures (see `Compliance`)."""

    DECIDED = "decided"
    IN_TIME = "in_time"
    LATE = "late"
    OVERDUE = "overdue"
    MISSED = "missed"


@dataclass(frozen=True)
class Drill:
    """The condition of one figure, on top of the filters: which cases it counted."""

    resolution: str | None = None
    label_id: int | None = None
    label_department_id: int | None = None  # the label's department (support report)
    # Support report total: answered at first contact for the department's labels, or
    # forwarded to the department.
    support_department_id: int | None = None
    rosa_level: int | None = None
    group_id: int | None = None
    rerouted: bool = False
    feedback: Feedback | None = None
    open: bool = False  # open now, whenever created (backlog): the date range is ignored
    avoidable: bool = False
    ordered: bool = False  # answered at first contact and sent for an action (action labels)
    reclassified: bool = False  # moved to another label at least once
    # Forwarded although the contact centre could answer (by one agent, for one reason).
    overridden: bool = False
    agent_id: int | None = None
    override_reason: str | None = None
    # In links only, overriding the filters (the drill-down page reads them back as its
    # filters): a narrower period (a point of a time series, a month), a department, a
    # channel or a function.
    start: date | None = None
    end: date | None = None
    department_id: int | None = None
    channel: str | None = None
    function_id: int | None = None

    def args(self) -> dict[str, str]:
        values = {"start": self.start, "end": self.end, "department": self.department_id,
                  "channel": self.channel, "function": self.function_id,
                  "resolution": self.resolution, "label": self.label_id,
                  "label_department": self.label_department_id,
                  "support_department": self.support_department_id, "rosa": self.rosa_level,
                  "group": self.group_id, "rerouted": "1" if self.rerouted else None,
                  "feedback": self.feedback.value if self.feedback else None,
                  "open": "1" if self.open else None,
                  "avoidable": "1" if self.avoidable else None,
                  "ordered": "1" if self.ordered else None,
                  "reclassified": "1" if self.reclassified else None,
                  "overridden": "1" if self.overridden else None, "agent": self.agent_id,
                  "override_reason": self.override_reason}
        return {k: str(v) for k, v in values.items() if v is not None}

    @property
    def is_empty(self) -> bool:
        return replace(self, start=None, end=None, department_id=None, channel=None,
                       function_id=None) == Drill()


RESOLUTIONS = ("first_contact", "forwarded")


def parse_drill(args: Mapping[str, str]) -> Drill:
    resolution = args.get("resolution")
    feedback = args.get("feedback")
    level = _int(args.get("rosa"))
    return Drill(
        resolution=resolution if resolution in RESOLUTIONS else None,
        label_id=_int(args.get("label")),
        label_department_id=_int(args.get("label_department")),
        support_department_id=_int(args.get("support_department")),
        rosa_level=level if level in range(1, 7) else None,
        group_id=_int(args.get("group")),
        rerouted=args.get("rerouted") == "1",
        feedback=Feedback(feedback) if feedback in {f.value for f in Feedback} else None,
        open=args.get("open") == "1",
        avoidable=args.get("avoidable") == "1",
        ordered=args.get("ordered") == "1",
        reclassified=args.get("reclassified") == "1",
        overridden=args.get("overridden") == "1",
        agent_id=_int(args.get("agent")),
        override_reason=(args.get("override_reason") or "")[:40] or None,
    )
