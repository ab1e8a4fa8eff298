"""rosa.statistics: periods, filters, rates, compliance, rising labels, exports, chart geometry."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta

import pytest

from rosa.statistics import (
    Bucket,
    Column,
    Compliance,
    Drill,
    Feedback,
    Filters,
    Granularity,
    Kind,
    Row,
    Table,
    bar_chart,
    bucket_start,
    buckets,
    day_start,
    export_rows,
    export_value,
    granularity_for,
    line_chart,
    local_day,
    median,
    nice_ceiling,
    parse_drill,
    parse_filters,
    range_bounds,
    rate,
    rising,
    shorten,
    split_by_month,
    week_windows,
)

CHANNELS = ("phone", "email", "web")


def upper(text: str) -> str:
    return text.upper()


# --- Periods ---------------------------------------------------------------------------------

def test_local_day_is_the_stockholm_date():
    """23:30 UTC in winter is already the next day in Stockholm."""
    assert local_day(datetime(2026, 11, 16, 23, 30, tzinfo=UTC)) == date(2026, 11, 17)
    assert local_day(datetime(2026, 11, 16, 22, 59, tzinfo=UTC)) == date(2026, 11, 16)


@pytest.mark.parametrize("day,hours", [(date(2026, 3, 29), 23), (date(2026, 10, 25), 25),
                                       (date(2026, 11, 23), 24)])
def test_day_bounds_follow_daylight_saving(day, hours):
    """A Stockholm day lasts 23 or 25 hours when the clocks change."""
    start, end = range_bounds(day, day)
    assert (end - start) == timedelta(hours=hours)
    assert start == day_start(day)


def test_split_by_month_reads_whole_months_from_the_roll_up():
    """Whole months inside the range, and the partial months at both edges as day ranges."""
    months, edges = split_by_month(date(2026, 1, 15), date(2026, 4, 10))
    assert months == [date(2026, 2, 1), date(2026, 3, 1)]
    assert edges == [(date(2026, 1, 15), date(2026, 1, 31)), (date(2026, 4, 1), date(2026, 4, 10))]


def test_split_by_month_single_day_and_exact_month():
    """One day is an edge; an exact calendar month is a whole month."""
    assert split_by_month(date(2026, 2, 10), date(2026, 2, 10)) == (
        [], [(date(2026, 2, 10), date(2026, 2, 10))])
    assert split_by_month(date(2024, 2, 1), date(2024, 2, 29)) == ([date(2024, 2, 1)], [])


@pytest.mark.parametrize("days,expected", [(1, Granularity.DAY), (31, Granularity.DAY),
                                           (32, Granularity.WEEK), (183, Granularity.WEEK),
                                           (184, Granularity.MONTH), (1100, Granularity.MONTH)])
def test_granularity_follows_the_length_of_the_range(days, expected):
    """Days up to a month, weeks up to half a year, months beyond."""
    start = date(2026, 1, 1)
    assert granularity_for(start, start + timedelta(days=days - 1)) is expected


def test_week_buckets_are_clipped_to_the_range():
    """A range from a Wednesday to a Tuesday: a partial first and last ISO week."""
    spans = buckets(date(2026, 11, 4), date(2026, 11, 17), Granularity.WEEK)
    assert [(b.start, b.end) for b in spans] == [
        (date(2026, 11, 4), date(2026, 11, 8)), (date(2026, 11, 9), date(2026, 11, 15)),
        (date(2026, 11, 16), date(2026, 11, 17))]
    assert spans[0].label() == "2026-W45"
    assert spans[0].label("v. %(week)s %(year)s") == "v. 45 2026"
    assert bucket_start(date(2026, 11, 8), Granularity.WEEK) == date(2026, 11, 2)


def test_month_and_day_buckets_and_labels():
    """Months from the first of each month; days one by one."""
    spans = buckets(date(2026, 1, 20), date(2026, 3, 5), Granularity.MONTH)
    assert [b.label() for b in spans] == ["2026-01", "2026-02", "2026-03"]
    assert spans[-1].end == date(2026, 3, 5)
    days = buckets(date(2026, 2, 27), date(2026, 3, 1), Granularity.DAY)
    assert [b.label() for b in days] == ["2026-02-27", "2026-02-28", "2026-03-01"]


def test_week_windows_are_the_seven_days_up_to_the_end_and_the_seven_before():
    """This week ends on the range's last day; last week is the seven days before it."""
    this, last = week_windows(date(2026, 11, 23))
    assert this == (date(2026, 11, 17), date(2026, 11, 23))
    assert last == (date(2026, 11, 10), date(2026, 11, 16))


# --- Filters and drill-down ------------------------------------------------------------------

def test_filters_default_to_the_last_90_days():
    """Without arguments: 90 days up to today, nothing else."""
    filters = parse_filters({}, today=date(2026, 11, 23), channels=CHANNELS)
    assert (filters.start, filters.end) == (date(2026, 8, 26), date(2026, 11, 23))
    assert filters.days == 90
    assert filters.args() == {"start": "2026-08-26", "end": "2026-11-23"}


def test_bad_filter_values_are_ignored_and_reversed_dates_swapped():
    """Unknown channel, non-numeric ids and a reversed range do not break the page."""
    filters = parse_filters({"start": "2026-11-23", "end": "2026-11-01", "channel": "fax",
                             "department": "x1", "function": "7"},
                            today=date(2026, 11, 23), channels=CHANNELS)
    assert (filters.start, filters.end) == (date(2026, 11, 1), date(2026, 11, 23))
    assert filters.channel is None and filters.department_id is None
    assert filters.function_id == 7


def test_very_long_ranges_are_capped():
    """At most ten years are read."""
    filters = parse_filters({"start": "1900-01-01", "end": "2026-01-01"},
                            today=date(2026, 11, 23), channels=CHANNELS)
    assert filters.days == 366 * 10


def test_drill_round_trips_through_the_query_string():
    """A drill-down's arguments read back as the same condition; link fields become filters."""
    drill = Drill(resolution="forwarded", label_id=3, group_id=0, rerouted=True,
                  feedback=Feedback.OVERDUE, rosa_level=4, start=date(2026, 11, 1),
                  end=date(2026, 11, 7), channel="phone")
    args = drill.args()
    assert args["start"] == "2026-11-01" and args["channel"] == "phone"
    back = parse_drill(args)
    assert back == Drill(resolution="forwarded", label_id=3, group_id=0, rerouted=True,
                         feedback=Feedback.OVERDUE, rosa_level=4)
    assert Drill(start=date(2026, 1, 1)).is_empty and not back.is_empty
    filters = parse_filters(args, today=date(2026, 11, 23), channels=CHANNELS)
    assert filters == Filters(date(2026, 11, 1), date(2026, 11, 7), channel="phone")


def test_drill_ignores_unknown_values():
    """A made-up resolution, level or feedback state is dropped."""
    assert parse_drill({"resolution": "maybe", "rosa": "9", "feedback": "soon"}) == Drill()


# --- Rates, compliance, rising ---------------------------------------------------------------

def test_rate_is_none_without_a_whole():
    """Nothing to divide is "no value", not 0 %."""
    assert rate(0, 0) is None
    assert rate(7, 10) == pytest.approx(0.7)


def test_median():
    """Odd and even counts, and none."""
    assert median([]) is None
    assert median([3.0, 1.0, 2.0]) == 2.0
    assert median([4.0, 1.0, 2.0, 3.0]) == 2.5


def test_compliance_counts_late_and_overdue_as_missed():
    """In time over everything decided: late feedback and a passed deadline both miss."""
    c = Compliance(in_time=6, late=1, overdue=1) + Compliance(in_time=2)
    assert (c.decided, c.missed) == (10, 2)
    assert c.rate == pytest.approx(0.8)
    assert Compliance().rate is None


def test_rising_ranks_by_absolute_rise_above_the_volume_floor():
    """Small labels are left out; falls are left out; a new question has no ratio."""
    this = {1: 30, 2: 12, 3: 9, 4: 50, 5: 15}
    last = {1: 10, 2: 2, 3: 1, 4: 60}
    rises = rising(this, last, min_volume=10)
    assert [r.label_id for r in rises] == [1, 5, 2]
    assert rises[0].change == 20 and rises[0].ratio == pytest.approx(2.0)
    assert rises[1].ratio is None
    assert rising(this, last, min_volume=10, limit=1)[0].label_id == 1
    assert rising({}, {}, min_volume=1) == []


# --- Tables and exports ----------------------------------------------------------------------

def _table() -> Table:
    return Table("t", "Title", (Column("Name"), Column("Channel", Kind.TITLE),
                                Column("Count", Kind.COUNT), Column("Share", Kind.PERCENT),
                                Column("Level", Kind.LEVEL), Column("Ok", Kind.YES_NO),
                                Column("Period", Kind.PERIOD), Column("Days", Kind.DAYS),
                                Column("Day", Kind.DATE)),
                 (Row(("=SUM(A1)", "Phone", 12, 0.3333, 3, True,
                       Bucket(date(2026, 11, 1), date(2026, 11, 30), Granularity.MONTH),
                       1.25, date(2026, 11, 2))),
                  Row(("Plain", "Email", 0, None, 1, False,
                       Bucket(date(2026, 11, 2), date(2026, 11, 8), Granularity.WEEK),
                       None, None))))


def test_export_rows_have_typed_values_and_defused_text():
    """Numbers stay numbers, percentages are 0–100, formula-like text gets an apostrophe."""
    rows = export_rows(_table(), upper)
    assert rows[0] == ["NAME", "CHANNEL", "COUNT", "SHARE (%)", "LEVEL", "OK", "PERIOD", "DAYS",
                       "DAY"]
    assert rows[1] == ["'=SUM(A1)", "PHONE", 12, 33.3, "3 – ADMINISTRATIVE PREPARATION", "YES",
                       "2026-11", 1.2, "2026-11-02"]
    assert rows[2][3] == "" and rows[2][6] == "2026-W45" and rows[2][7] == ""


def test_export_value_without_defusing_keeps_the_text():
    """Excel cells are typed as text instead of prefixed."""
    assert export_value(Kind.TEXT, "=1+1", upper, defuse=False) == "=1+1"
    assert export_value(Kind.TEXT, "-5 grader", upper) == "'-5 grader"
    assert export_value(Kind.COUNT, -5, upper) == -5


# --- Chart geometry --------------------------------------------------------------------------

def test_nice_ceiling_and_shorten():
    """Round axis maxima; long names cut with an ellipsis, paths from the front."""
    assert [nice_ceiling(v) for v in (0, 0.7, 7, 12, 26, 480, 1001)] == [
        1.0, 1.0, 10, 20, 50, 500, 2000]
    path = "Avfall › Sophämtning › Utebliven"
    assert shorten(path, 32) == path
    assert shorten(path, 28) == "… › Sophämtning › Utebliven"
    assert shorten(path, 26) == "… › Utebliven"
    assert shorten("Samhällsbyggnadsförvaltningen", 10) == "Samhällsb…"


def test_line_chart_breaks_the_line_where_there_is_no_data():
    """A period without contacts has no rate: the line has a gap there, not a zero."""
    chart = line_chart([("a", 0.5, 2), ("b", None, 0), ("c", 1.0, 4), ("d", 0.0, 1)],
                       target=0.7)
    assert len(chart.segments) == 2
    assert [p.label for p in chart.points] == ["a", "c", "d"]
    top, bottom = chart.top, chart.bottom
    assert chart.points[1].y == top and chart.points[2].y == bottom
    assert chart.points[0].y == pytest.approx((top + bottom) / 2, abs=0.1)
    assert chart.target_y == pytest.approx(bottom - 0.7 * (bottom - top), abs=0.1)
    assert [t.value for t in chart.y_ticks] == [0.0, 0.25, 0.5, 0.75, 1.0]


def test_line_chart_of_one_point_and_many_labels():
    """One point sits in the middle; x labels are thinned to a readable number."""
    one = line_chart([("a", 0.4, 3)], target=None)
    assert one.points[0].x == (one.left + one.right) / 2 and one.target_y is None
    many = line_chart([(str(i), 0.5, 1) for i in range(37)], target=0.7, max_x_labels=8)
    assert len(many.x_labels) <= 8
    assert many.x_labels[0] == (many.left, "0")


def test_bar_chart_scales_counts_to_a_round_maximum_and_percentages_to_100():
    """Bars are proportional; a missing value draws no bar; long labels are shortened."""
    counts = bar_chart([("Telefon", 80, "/x"), ("E-post", 20, None), ("x" * 60, None, None)])
    span = counts.width - counts.label_width - 72
    assert counts.bars[0].width == pytest.approx(span * 80 / 100)
    assert counts.bars[1].width == pytest.approx(span * 20 / 100)
    assert counts.bars[2].width == 0 and math.isnan(counts.bars[2].value)
    assert counts.bars[2].short_label.endswith("…") and counts.bars[0].href == "/x"
    assert counts.height == 3 * 26 + 8
    shares = bar_chart([("A", 0.5, None)], percent=True)
    assert shares.bars[0].width == pytest.approx((shares.width - shares.label_width - 72) / 2)


def test_bar_chart_of_nothing():
    """No bars, no division by zero."""
    empty = bar_chart([])
    assert empty.bars == () and empty.height == 26
