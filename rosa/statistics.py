"""The arithmetic of the managers' dashboards, in plain Python.

Periods (Stockholm days, weeks, months), the dashboard filters and drill-down conditions as
read from a query string, rates and medians, feedback-deadline compliance, the week-on-week
rise of labels, the tables every figure is shown and exported as, and the geometry of the
server-rendered SVG charts. The web layer runs the queries and translates the N_ strings.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from rosa.i18n import N_
from rosa.levels import RosaLevel

STOCKHOLM = ZoneInfo("Europe/Stockholm")
DEFAULT_DAYS = 90
MAX_DAYS = 366 * 10


# --- Periods ---------------------------------------------------------------------------------

def local_day(instant: datetime) -> date:
    """The Stockholm calendar day of an aware instant."""
    return instant.astimezone(STOCKHOLM).date()


def day_start(day: date) -> datetime:
    """Midnight in Stockholm at the start of `day`, as a UTC instant (23 or 25 h days too)."""
    return datetime.combine(day, time(0), tzinfo=STOCKHOLM).astimezone(UTC)


def range_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """[start 00:00, the day after end 00:00) in Stockholm, as UTC instants."""
    return day_start(start), day_start(end + timedelta(days=1))


def month_start(day: date) -> date:
    return day.replace(day=1)


def next_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def split_by_month(start: date, end: date) -> tuple[list[date], list[tuple[date, date]]]:
    """Whole months inside [start, end] (by first day), and the day ranges left at the edges.

    Whole months are read from the monthly roll-up, the edges from the daily table.
    """
    months: list[date] = []
    edges: list[tuple[date, date]] = []
    cursor = start
    while cursor <= end:
        following = next_month(cursor)
        last = min(end, following - timedelta(days=1))
        if cursor.day == 1 and last == following - timedelta(days=1):
            months.append(cursor)
        else:
            edges.append((cursor, last))
        cursor = following
    return months, edges


class Granularity(StrEnum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"


def granularity_for(start: date, end: date) -> Granularity:
    """Days up to a month, weeks up to half a year, months beyond."""
    days = (end - start).days + 1
    if days <= 31:
        return Granularity.DAY
    if days <= 183:
        return Granularity.WEEK
    return Granularity.MONTH


@dataclass(frozen=True)
class Bucket:
    """One point of a time series: the days [start, end] (clipped to the selected range)."""

    start: date
    end: date
    granularity: Granularity

    def label(self, week_format: str = "%(year)s-W%(week)02d") -> str:
        """2026-11-23, 2026-11, or the week in `week_format` (e.g. a translated "v. 47")."""
        if self.granularity is Granularity.DAY:
            return self.start.isoformat()
        if self.granularity is Granularity.WEEK:
            year, week, _ = self.start.isocalendar()
            return week_format % {"year": year, "week": week}
        return self.start.strftime("%Y-%m")


def bucket_start(day: date, granularity: Granularity) -> date:
    if granularity is Granularity.WEEK:
        return day - timedelta(days=day.weekday())
    if granularity is Granularity.MONTH:
        return month_start(day)
    return day


def buckets(start: date, end: date, granularity: Granularity) -> list[Bucket]:
    """The consecutive buckets covering [start, end]; the first and last may be partial."""
    out = []
    cursor = start
    while cursor <= end:
        if granularity is Granularity.DAY:
            following = cursor + timedelta(days=1)
        elif granularity is Granularity.WEEK:
            following = bucket_start(cursor, granularity) + timedelta(days=7)
        else:
            following = next_month(cursor)
        out.append(Bucket(cursor, min(end, following - timedelta(days=1)), granularity))
        cursor = following
    return out


def week_windows(end: date) -> tuple[tuple[date, date], tuple[date, date]]:
    """(this week, last week): the seven days ending on `end`, and the seven before."""
    this = (end - timedelta(days=6), end)
    last = (end - timedelta(days=13), end - timedelta(days=7))
    return this, last


# --- Filters and drill-down conditions -------------------------------------------------------

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


# --- Rates -----------------------------------------------------------------------------------

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


# --- Tables ----------------------------------------------------------------------------------

class Kind(StrEnum):
    TEXT = "text"        # shown as it is (names from the database)
    TITLE = "title"      # an N_ string, translated when shown
    COUNT = "count"
    PERCENT = "percent"  # a fraction 0..1, or None
    DAYS = "days"        # a duration in days, or None
    DATE = "date"
    YES_NO = "yes_no"
    LEVEL = "level"      # a ROSA level 1–6, shown with its title
    PERIOD = "period"    # a Bucket


@dataclass(frozen=True)
class Column:
    title: str  # N_
    kind: Kind = Kind.TEXT


@dataclass(frozen=True)
class Row:
    cells: tuple
    # Column index -> the drill-down that lists the cases behind that cell.
    links: Mapping[int, Drill] = field(default_factory=dict)
    key: object = None  # e.g. the label id, for what a page shows beside the row


@dataclass(frozen=True)
class Table:
    key: str
    title: str  # N_
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    note: str = ""  # N_
    empty: str = N_("No cases in this selection.")  # N_, shown instead of an empty table

    def column(self, index: int) -> list:
        return [row.cells[index] for row in self.rows]

    def with_rows(self, rows: Iterable[Row]) -> Table:
        return replace(self, rows=tuple(rows))


YES, NO = N_("Yes"), N_("No")


def level_text(level: int, translate: Callable[[str], str]) -> str:
    return f"{level} – {translate(RosaLevel(level).title)}"

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def export_value(kind: Kind, value: object, translate: Callable[[str], str], *,
                 defuse: bool = True) -> object:
    """A cell as it goes into a CSV or Excel file: numbers stay numbers, text is defused.

    Text that starts like a formula gets a leading apostrophe (`defuse`), so that a label
    named "=HYPERLINK(…)" is shown, not run, when a CSV file is opened in a spreadsheet.
    (Excel cells are typed as text instead.)
    """
    if value is None:
        return ""
    if kind is Kind.TITLE:
        value = translate(str(value))
    elif kind is Kind.YES_NO:
        value = translate(YES if value else NO)
    elif kind is Kind.PERCENT:
        return round(float(value) * 100, 1)
    elif kind is Kind.DAYS:
        return round(float(value), 1)
    elif kind is Kind.DATE:
        return value.isoformat() if isinstance(value, date) else str(value)
    elif kind is Kind.LEVEL:
        value = level_text(int(value), translate)
    elif kind is Kind.PERIOD:
        return value.label()
    if defuse and isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def export_rows(table: Table, translate: Callable[[str], str]) -> list[list[object]]:
    """Header and rows of a table for CSV; percentages as numbers 0–100 with "(%)" headers."""
    header = [translate(c.title) + (" (%)" if c.kind is Kind.PERCENT else "")
              for c in table.columns]
    return [header] + [[export_value(c.kind, v, translate)
                        for c, v in zip(table.columns, row.cells, strict=True)]
                       for row in table.rows]


# --- Chart geometry --------------------------------------------------------------------------

# Okabe & Ito's palette, distinguishable with every common colour-vision deficiency; every
# colour has at least 3:1 contrast against white (WCAG 1.4.11 for graphics).
PALETTE = ("#0072B2", "#D55E00", "#007A5E", "#B8407F", "#5F4B8B", "#8A6100")


@dataclass(frozen=True)
class Tick:
    pos: float
    value: float


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    label: str
    value: float
    total: int


@dataclass(frozen=True)
class LineChart:
    width: int
    height: int
    left: int
    top: int
    right: int
    bottom: int
    segments: tuple[str, ...]  # "x,y x,y …" for <polyline points>, broken where no data
    points: tuple[Point, ...]
    y_ticks: tuple[Tick, ...]
    x_labels: tuple[tuple[float, str], ...]
    target_y: float | None
    target: float | None


def line_chart(series: Sequence[tuple[str, float | None, int]], *, target: float | None,
               width: int = 960, height: int = 280, max_x_labels: int = 10) -> LineChart:
    """A rate (0..1) over time: (label, value or None, total) per point, on a 0–100 % axis."""
    left, right, top, bottom = 48, width - 16, 16, height - 36
    n = len(series)
    step = (right - left) / (n - 1) if n > 1 else 0.0

    def x_at(i: int) -> float:
        return round(left + i * step if n > 1 else (left + right) / 2, 1)

    def y_at(v: float) -> float:
        return round(bottom - max(0.0, min(1.0, v)) * (bottom - top), 1)

    points, segments, current = [], [], []
    for i, (label, value, total) in enumerate(series):
        if value is None:
            if current:
                segments.append(" ".join(current))
            current = []
            continue
        point = Point(x_at(i), y_at(value), label, value, total)
        points.append(point)
        current.append(f"{point.x},{point.y}")
    if current:
        segments.append(" ".join(current))
    every = max(1, math.ceil(n / max_x_labels))
    x_labels = tuple((x_at(i), series[i][0]) for i in range(0, n, every))
    y_ticks = tuple(Tick(y_at(v), v) for v in (0.0, 0.25, 0.5, 0.75, 1.0))
    return LineChart(width, height, left, top, right, bottom, tuple(segments), tuple(points),
                     y_ticks, x_labels, y_at(target) if target is not None else None, target)


@dataclass(frozen=True)
class Bar:
    y: float
    width: float
    label: str
    short_label: str
    value: float
    value_x: float
    href: str | None = None


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    label_width: int
    bar_height: int
    bars: tuple[Bar, ...]
    colour: str
    percent: bool


def nice_ceiling(value: float) -> float:
    """The next "round" number at or above value: 1, 2, 2.5 or 5 times a power of ten."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * power:
            return step * power
    return 10 * power  # pragma: no cover - the loop always returns


def shorten(text: str, limit: int) -> str:
    """Cut to `limit` characters; a path "A › B › C" loses its first parts first."""
    if len(text) <= limit:
        return text
    parts = text.split(" › ")
    while len(parts) > 1 and len("… › " + " › ".join(parts)) > limit:
        parts.pop(0)
    if len(parts) < len(text.split(" › ")):
        text = "… › " + " › ".join(parts)
        if len(text) <= limit:
            return text
    return text[:limit - 1].rstrip() + "…"


def bar_chart(items: Sequence[tuple[str, float | None, str | None]], *, percent: bool = False,
              width: int = 560, row: int = 26, colour: str = PALETTE[0],
              max_label: int = 34) -> BarChart:
    """Horizontal bars: (label, value, link) per bar; a fraction on a 0–100 % scale if
    `percent`, else counts scaled to the largest. Missing values draw no bar."""
    longest = max((len(shorten(t, max_label)) for t, _, _ in items), default=0)
    label_width = min(272, max(96, round(7.5 * longest) + 16))  # ~7.5 px a character at 13 px
    value_space = 72
    span = width - label_width - value_space
    top_value = 1.0 if percent else nice_ceiling(max((v or 0 for _, v, _ in items), default=0))
    bars = []
    for i, (label, value, href) in enumerate(items):
        length = round(span * (value or 0) / top_value, 1) if value is not None else 0.0
        bars.append(Bar(y=i * row + 4, width=length, label=label,
                        short_label=shorten(label, max_label),
                        value=value if value is not None else math.nan,
                        value_x=label_width + length + 6, href=href))
    return BarChart(width, max(row, len(items) * row + 8), label_width, row - 8, tuple(bars),
                    colour, percent)
