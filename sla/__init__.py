"""Business calendar and feedback-deadline arithmetic (plain Python, no Flask, no database).

`feedback_deadline` is the rule; `BusinessCalendar` says when the contact centre is open.
"""

from sla.calendar import DEFAULT_CALENDAR, BusinessCalendar
from sla.config import CalendarConfigError
from sla.deadlines import (
    DeadlineState,
    deadline_state,
    due_soon_at,
    elapsed_working_time,
    feedback_deadline,
    state_at,
)

__all__ = [
    "DEFAULT_CALENDAR",
    "BusinessCalendar",
    "CalendarConfigError",
    "DeadlineState",
    "deadline_state",
    "due_soon_at",
    "elapsed_working_time",
    "feedback_deadline",
    "state_at",
]
