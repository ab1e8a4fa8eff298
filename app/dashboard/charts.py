"""Which tables get which chart, and the chart geometry (rosa.statistics) in the user's language.

The SVG itself is drawn by templates/dashboard/_charts.html; every chart sits beside the
table it was drawn from, which is its accessible text alternative.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask_babel import gettext

from app.dashboard.pages import Page
from rosa.statistics import PALETTE, Kind, Table, bar_chart, line_chart

MAX_BARS = 15


@dataclass(frozen=True)
class Spec:
    label: int  # column with the bar's name
    value: int  # column with its length
    link: int | None = None  # column whose drill-down the bar links to (default: value)


CHARTS: dict[str, tuple[Spec, ...]] = {
    "channels": (Spec(0, 1),),
    "functions": (Spec(0, 1),),
    "departments": (Spec(0, 1), Spec(0, 4, link=3)),
    "rosa": (Spec(0, 1),),
    "compliance_departments": (Spec(0, 5, link=2),),
    "compliance_groups": (Spec(1, 6, link=3),),
    "backlog": (Spec(1, 2),),
    "orders": (Spec(0, 3),),
    "misrouting": (Spec(0, 3, link=2),),
    "avoidable": (Spec(0, 2),),
    "rising": (Spec(0, 3, link=2),),
    "transfer": (Spec(0, 5),),
    "missing_answers": (Spec(0, 5),),
    "support_totals": (Spec(0, 3),),
}


@dataclass(frozen=True)
class Chart:
    kind: str  # "bar" or "line"
    id: str
    title: str
    desc: str
    geometry: object
    caption: str = ""  # shown above a table's bar chart: what the bars measure


def charts_for(page: Page, drill_url: Callable, fmt: Callable) -> dict[str, list[Chart]]:
    """Table key -> its charts, ready to draw."""
    out: dict[str, list[Chart]] = {}
    for key, table in page.tables.items():
        if key == "fcr":
            out[key] = [_fcr_chart(table, page.facts.get("target"), fmt)]
        elif table.rows:
            out[key] = [_bar(table, spec, i, drill_url, fmt)
                        for i, spec in enumerate(CHARTS.get(key, ()))]
    return out


def _bar(table: Table, spec: Spec, index: int, drill_url: Callable, fmt: Callable) -> Chart:
    label_kind = table.columns[spec.label].kind
    value_column = table.columns[spec.value]
    percent = value_column.kind is Kind.PERCENT
    link = spec.value if spec.link is None else spec.link
    rows = table.rows
    caption = gettext(value_column.title)
    if len(rows) > MAX_BARS:  # the largest, in the table's order
        largest = sorted(rows, key=lambda r: -(r.cells[spec.value] or 0))[:MAX_BARS]
        rows = [row for row in rows if row in largest]
        caption = gettext("%(what)s: the %(count)s largest", what=caption, count=MAX_BARS)
    items = [(fmt(row.cells[spec.label], label_kind), row.cells[spec.value],
              drill_url(row.links[link]) if link in row.links else None) for row in rows]
    geometry = bar_chart(items, percent=percent, colour=PALETTE[2] if percent else PALETTE[0])
    valued = [(label, value) for label, value, _ in items if value is not None]
    desc = ""
    if valued:
        high = max(valued, key=lambda item: item[1])
        low = min(valued, key=lambda item: item[1])
        desc = gettext("Bar chart with %(count)s bars. Highest: %(high)s, %(high_value)s. "
                       "Lowest: %(low)s, %(low_value)s. The table has every value.",
                       count=len(items), high=high[0], high_value=fmt(high[1], value_column.kind),
                       low=low[0], low_value=fmt(low[1], value_column.kind))
    return Chart("bar", f"chart-{table.key}-{index}",
                 f"{gettext(table.title)}: {caption}", desc, geometry, caption)


def _fcr_chart(table: Table, target: float | None, fmt: Callable) -> Chart:
    series = [(fmt(row.cells[0], Kind.PERIOD), row.cells[4], row.cells[1])
              for row in table.rows]
    geometry = line_chart(series, target=target)
    rates = [value for _, value, _ in series if value is not None]
    if rates:
        desc = gettext("Line chart of the share resolved at first contact over %(count)s "
                       "periods, from %(first)s to %(last)s, against the target of %(target)s. "
                       "Lowest %(low)s, highest %(high)s. The table has every value.",
                       count=len(series), first=series[0][0], last=series[-1][0],
                       target=fmt(target, Kind.PERCENT), low=fmt(min(rates), Kind.PERCENT),
                       high=fmt(max(rates), Kind.PERCENT))
    else:
        desc = gettext("No contacts in the period.")
    return Chart("line", "chart-fcr", gettext(table.title), desc, geometry)
