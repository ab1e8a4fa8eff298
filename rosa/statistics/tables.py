"""The tables every figure is shown and exported as, and the values of an export."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum

from rosa.i18n import N_
from rosa.levels import RosaLevel
from rosa.statistics.filters import Drill


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
