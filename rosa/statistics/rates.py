"""Rates, medians, feedback-deadline compliance and the week-on-week rise of labels."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass


def rate(part: int, whole: int) -> float | None:
    """part / whole, or None when there is nothing to divide (shown as "–", not 0 %)."""
    return part / whole if whole else None


def median(values: Sequence[float]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


@dataclass(frozen=True)
class Compliance:
    """Feedback deadlines of forwarded cases: met, met late, and passed without feedback.

    A case counts once its outcome is known: feedback was given (in time when
    feedback_given_at <= feedback_due_at), or the deadline passed without it ("overdue",
    a miss whether or not the case is still open). Cases without a deadline, and cases still
    within theirs without feedback, are left out.
    """

    in_time: int = 0
    late: int = 0
    overdue: int = 0

    @property
    def missed(self) -> int:
        return self.late + self.overdue

    @property
    def decided(self) -> int:
        return self.in_time + self.missed

    @property
    def rate(self) -> float | None:
        return rate(self.in_time, self.decided)

    def __add__(self, other: Compliance) -> Compliance:
        return Compliance(self.in_time + other.in_time, self.late + other.late,
                          self.overdue + other.overdue)


@dataclass(frozen=True)
class Rise:
    label_id: int
    this_week: int
    last_week: int

    @property
    def change(self) -> int:
        return self.this_week - self.last_week

    @property
    def ratio(self) -> float | None:
        """The relative rise; None when last week had none (a new question)."""
        return self.change / self.last_week if self.last_week else None


def rising(this_week: Mapping[int, int], last_week: Mapping[int, int], *, min_volume: int,
           limit: int = 10) -> list[Rise]:
    """Labels that rose most from last week to this, with at least `min_volume` this week.

    Ranked by the absolute rise (a rise from 2 to 6 matters less than from 200 to 260), then
    by the relative rise; the volume floor keeps one-off questions out.
    """
    rises = [Rise(label_id, count, last_week.get(label_id, 0))
             for label_id, count in this_week.items()
             if count >= min_volume and count > last_week.get(label_id, 0)]
    rises.sort(key=lambda r: (-r.change, -(r.ratio if r.ratio is not None else math.inf),
                              r.label_id))
    return rises[:limit]
