"""The geometry of the server-rendered SVG charts: palette, line and bar charts."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

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
