"""When a deadline becomes "due soon", and the state read from a case's stored marks."""

from datetime import timedelta

import pytest

from sla import DEFAULT_CALENDAR, DeadlineState, due_soon_at, state_at
from tests.sla.helpers import at


def test_due_soon_is_four_working_hours_before_a_closing_time_deadline():
    """Thursday 17:00 is due soon from Thursday 13:00."""
    assert due_soon_at(at(2026, 11, 26, 17)) == at(2026, 11, 26, 13)


def test_due_soon_reaches_back_over_the_night():
    """A deadline at 10:00 is due soon from 15:00 the working day before (2 h + 2 h)."""
    assert due_soon_at(at(2026, 11, 26, 10)) == at(2026, 11, 25, 15)


def test_due_soon_skips_the_weekend_and_holidays():
    """Monday 09:00 after a weekend: due soon from Friday 14:00; after Easter Monday, Thursday."""
    assert due_soon_at(at(2026, 11, 30, 9)) == at(2026, 11, 27, 14)
    assert due_soon_at(at(2026, 4, 7, 9)) == at(2026, 4, 2, 14)


def test_due_soon_and_working_time_agree():
    """Between the due-soon moment and the deadline lie exactly the four working hours."""
    deadline = at(2026, 12, 28, 11, 30)
    start = due_soon_at(deadline)
    assert DEFAULT_CALENDAR.working_time_between(start, deadline) == timedelta(hours=4)


@pytest.mark.parametrize(("now", "met", "state"), [
    (at(2026, 11, 26, 12), None, DeadlineState.ON_TRACK),
    (at(2026, 11, 26, 13), None, DeadlineState.DUE_SOON),
    (at(2026, 11, 26, 17, 1), None, DeadlineState.OVERDUE),
    (at(2026, 11, 27, 9), at(2026, 11, 26, 16), DeadlineState.MET),
    (at(2026, 11, 27, 9), at(2026, 11, 27, 8), DeadlineState.MET_LATE),
])
def test_state_from_stored_marks(now, met, state):
    """Lists read the state from the stored deadline and due-soon moment."""
    assert state_at(now, due_at=at(2026, 11, 26, 17), due_soon=at(2026, 11, 26, 13),
                    met_at=met) is state


def test_no_deadline_no_state():
    """Cases resolved at first contact have no feedback deadline."""
    assert state_at(at(2026, 11, 26, 12), due_at=None, due_soon=None, met_at=None) is None
