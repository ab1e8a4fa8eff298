"""The arithmetic of the managers' dashboards, in plain Python.

Periods (Stockholm days, weeks, months), the dashboard filters and drill-down conditions as
read from a query string, rates and medians, feedback-deadline compliance, the week-on-week
rise of labels, the tables every figure is shown and exported as, and the geometry of the
server-rendered SVG charts. The web layer runs the queries and translates the N_ strings.
"""

from __future__ import annotations

from rosa.statistics.charts import (
    PALETTE,
    Bar,
    BarChart,
    LineChart,
    Point,
    Tick,
    bar_chart,
    line_chart,
    nice_ceiling,
    shorten,
)
from rosa.statistics.filters import (
    RESOLUTIONS,
    Drill,
    Feedback,
    Filters,
    parse_drill,
    parse_filters,
)
from rosa.statistics.periods import (
    DEFAULT_DAYS,
    MAX_DAYS,
    STOCKHOLM,
    Bucket,
    Granularity,
    bucket_start,
    buckets,
    day_start,
    granularity_for,
    local_day,
    month_start,
    next_month,
    range_bounds,
    split_by_month,
    week_windows,
)
from rosa.statistics.rates import (
    Compliance,
    Rise,
    median,
    rate,
    rising,
)
from rosa.statistics.tables import (
    NO,
    YES,
    Column,
    Kind,
    Row,
    Table,
    export_rows,
    export_value,
    level_text,
)

__all__ = [
    "Bar",
    "BarChart",
    "Bucket",
    "Column",
    "Compliance",
    "DEFAULT_DAYS",
    "Drill",
    "Feedback",
    "Filters",
    "Granularity",
    "Kind",
    "LineChart",
    "MAX_DAYS",
    "NO",
    "PALETTE",
    "Point",
    "RESOLUTIONS",
    "Rise",
    "Row",
    "STOCKHOLM",
    "Table",
    "Tick",
    "YES",
    "bar_chart",
    "bucket_start",
    "buckets",
    "day_start",
    "export_rows",
    "export_value",
    "granularity_for",
    "level_text",
    "line_chart",
    "local_day",
    "median",
    "month_start",
    "next_month",
    "nice_ceiling",
    "parse_drill",
    "parse_filters",
    "range_bounds",
    "rate",
    "rising",
    "shorten",
    "split_by_month",
    "week_windows",
]
