"""Deadline states ("due soon" in working hours) and elapsed time without pauses."""

from datetime import timedelta

import pytest

from sla import DeadlineState, deadline_state, elapsed_working_time
from tests.sla.helpers import at

THURSDAY_17 = at(2026, 3, 12, 17)


def test_on_track_with_a_working_day_left():
    """Wednesday 17:30 is nine working hours before a Thursday 17:00 deadline."""
    assert deadline_state(THURSDAY_17, at(2026, 3, 11, 17, 30)) is DeadlineState.ON_TRACK


def test_due_soon_in_the_last_four_working_hours():
    """Thursday 13:00 has exactly four working hours left."""
    assert deadline_state(THURSDAY_17, at(2026, 3, 12, 13)) is DeadlineState.DUE_SOON
    assert deadline_state(THURSDAY_17, at(2026, 3, 12, 12, 59)) is DeadlineState.ON_TRACK


def test_due_soon_counts_working_hours_across_a_weekend():
    """Friday 15:00 → Monday 10:00 is 64 wall-clock hours but only 4 working hours."""
    assert deadline_state(at(2026, 3, 16, 10), at(2026, 3, 13, 15)) is DeadlineState.DUE_SOON


def test_due_soon_hours_is_configurable():
    """With an 8-hour warning, Thursday 09:00 is already due soon."""
    state = deadline_state(THURSDAY_17, at(2026, 3, 12, 9), due_soon_hours=8)
    assert state is DeadlineState.DUE_SOON


def test_deadline_moment_itself_is_not_yet_overdue():
    """At 17:00 sharp the deadline is reached, not passed."""
    assert deadline_state(THURSDAY_17, THURSDAY_17) is DeadlineState.DUE_SOON
    assert deadline_state(THURSDAY_17, at(2026, 3, 12, 17, 1)) is DeadlineState.OVERDUE


def test_met_and_met_late():
    """Once answered, the answer time decides and `now` no longer matters."""
    later = at(2026, 4, 1, 9)
    assert deadline_state(THURSDAY_17, later, met_at=at(2026, 3, 12, 16)) is DeadlineState.MET
    state = deadline_state(THURSDAY_17, later, met_at=at(2026, 3, 13, 9))
    assert state is DeadlineState.MET_LATE


def test_elapsed_working_time_without_pauses():
    """Monday 09:00 to Tuesday 11:00 is 8 + 3 working hours."""
    assert elapsed_working_time(at(2026, 3, 9, 9), at(2026, 3, 10, 11)) == timedelta(hours=11)


def test_paused_time_is_excluded():
    """A pause waiting for the citizen from Monday 13:00 to Tuesday 09:00 removes 5 hours."""
    pauses = [(at(2026, 3, 9, 13), at(2026, 3, 10, 9))]
    assert elapsed_working_time(at(2026, 3, 9, 9), at(2026, 3, 10, 11), pauses) == \
        timedelta(hours=6)


def test_open_pause_lasts_until_end():
    """A pause without an end is still running."""
    pauses = [(at(2026, 3, 10, 10), None)]
    assert elapsed_working_time(at(2026, 3, 9, 9), at(2026, 3, 10, 11), pauses) == \
        timedelta(hours=10)


def test_overlapping_pauses_count_once():
    """Two overlapping pauses do not subtract the shared hour twice."""
    pauses = [(at(2026, 3, 9, 10), at(2026, 3, 9, 12)), (at(2026, 3, 9, 11), at(2026, 3, 9, 13))]
    assert elapsed_working_time(at(2026, 3, 9, 9), at(2026, 3, 9, 17), pauses) == \
        timedelta(hours=5)


def test_pause_outside_the_interval_or_opening_hours_changes_nothing():
    """Pauses at night or before the start remove no working time."""
    pauses = [(at(2026, 3, 9, 18), at(2026, 3, 10, 7)), (at(2026, 3, 1, 9), at(2026, 3, 2, 9))]
    assert elapsed_working_time(at(2026, 3, 9, 9), at(2026, 3, 10, 11), pauses) == \
        timedelta(hours=11)


def test_pause_ending_before_it_starts_is_refused():
    """An inverted pause is a data error, not a negative pause."""
    with pytest.raises(ValueError):
        elapsed_working_time(at(2026, 3, 9, 9), at(2026, 3, 10, 11),
                             [(at(2026, 3, 9, 12), at(2026, 3, 9, 10))])
