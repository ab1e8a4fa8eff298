"""Tables as CSV and Excel files, and the words that describe a selection.

CSV is UTF-8 with a byte-order mark (so Excel shows å, ä and ö) and comma separators;
percentages are numbers 0–100 with "(%)" in the header. The Excel file keeps numbers,
percentages and dates typed, and a second sheet says which selection it was made from.
Neither contains the citizens' own words: examples stay on the page.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

from flask import Response
from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from app.services.statistics import Names
from rosa.i18n import N_
from rosa.levels import RosaLevel
from rosa.routing import OVERRIDE_REASON_TITLES, OverrideReason
from rosa.statistics import Drill, Filters, Kind, Table, export_rows, export_value
from rosa.vocabulary import Channel, Resolution

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_FORMATS = {Kind.COUNT: "#,##0", Kind.PERCENT: "0.0%", Kind.DAYS: "0.0", Kind.DATE: "yyyy-mm-dd"}


def _filename(table: Table, filters: Filters, extension: str) -> str:
    return f"{table.key}_{filters.start.isoformat()}_{filters.end.isoformat()}.{extension}"


def _attachment(body: bytes, mimetype: str, filename: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


def csv_bytes(table: Table) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(export_rows(table, _))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def csv_response(table: Table, filters: Filters) -> Response:
    return _attachment(csv_bytes(table), "text/csv; charset=utf-8",
                       _filename(table, filters, "csv"))


def _xlsx_value(kind: Kind, value: object) -> object:
    if value is None:
        return None
    if kind in (Kind.PERCENT, Kind.DAYS):
        return float(value) if value == value else None
    if kind is Kind.DATE:
        return value
    return export_value(kind, value, _, defuse=False)


def _sheet_title(text: str) -> str:
    for char in "[]:*?/\\":
        text = text.replace(char, " ")
    return text[:31]


def xlsx_bytes(table: Table, selection: list[tuple[str, str]]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = _sheet_title(_(table.title))
    sheet.append([_(column.title) for column in table.columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in table.rows:
        sheet.append([_xlsx_value(column.kind, value)
                      for column, value in zip(table.columns, row.cells, strict=True)])
    for index, column in enumerate(table.columns, start=1):
        letter = sheet.cell(row=1, column=index).column_letter
        sheet.column_dimensions[letter].width = 40 if column.kind is Kind.TEXT else 16
        for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text that looks like a formula stays text
            elif column.kind in _FORMATS:
                cell.number_format = _FORMATS[column.kind]
    sheet.freeze_panes = "A2"
    about = book.create_sheet(_sheet_title(_("Selection")))
    about.append([_(table.title)])
    about["A1"].font = Font(bold=True)
    for name, value in selection:
        about.append([name, value])
    about.append([_("Created"), datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")])
    about.column_dimensions["A"].width = 28
    about.column_dimensions["B"].width = 60
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def xlsx_response(table: Table, filters: Filters, selection: list[tuple[str, str]]) -> Response:
    return _attachment(xlsx_bytes(table, selection), XLSX, _filename(table, filters, "xlsx"))


_FEEDBACK = {
    "decided": N_("Outcome known"),
    "in_time": N_("Feedback in time"),
    "late": N_("Feedback late"),
    "overdue": N_("No feedback, deadline passed"),
    "missed": N_("Deadline missed"),
}


def describe(filters: Filters, drill: Drill, names: Names) -> list[tuple[str, str]]:
    """The selection in words, (what, which), for the drill-down page and the Excel file."""
    out = []
    if drill.open:
        out.append((_("Cases"), _("Open now, whenever they arrived")))
    else:
        out.append((_("Period"), f"{filters.start.isoformat()} – {filters.end.isoformat()}"))
    if filters.department_id:
        out.append((_("Department"), names.department(filters.department_id)))
    if filters.channel:
        out.append((_("Channel"), _(Channel(filters.channel).title)))
    if filters.function_id:
        out.append((_("Function"), names.functions.get(filters.function_id, "–")))
    if drill.resolution:
        out.append((_("Outcome"), _(Resolution(drill.resolution).title)))
    if drill.label_id:
        out.append((_("Label"), names.label(drill.label_id)))
    if drill.label_department_id:
        out.append((_("Label owned by"), names.department(drill.label_department_id)))
    if drill.support_department_id:
        out.append((_("Support to"), names.department(drill.support_department_id)))
    if drill.rosa_level:
        level = RosaLevel(drill.rosa_level)
        out.append((_("ROSA level"), f"{level.value} – {_(level.title)}"))
    if drill.group_id is not None:
        out.append((_("Group"), names.group(drill.group_id)))
    if drill.rerouted:
        out.append((_("Re-routed"), _("Sent on to another group at least once")))
    if drill.feedback:
        out.append((_("Feedback deadline"), _(_FEEDBACK[drill.feedback.value])))
    if drill.avoidable:
        out.append((_("Avoidable"), _("Labels marked avoidable")))
    if drill.ordered:
        out.append((_("Orders to departments"),
                    _("Answered at first contact and sent to the department for action")))
    if drill.reclassified:
        out.append((_("Reclassified"), _("Moved to another label at least once")))
    if drill.overridden:
        out.append((_("Forwarded anyway"), _("Although the contact centre could answer")))
    if drill.agent_id:
        out.append((_("Agent"), names.user(drill.agent_id)))
    if drill.override_reason:
        reason = drill.override_reason
        out.append((_("Reason"), _(OVERRIDE_REASON_TITLES[OverrideReason(reason)])
                    if reason in set(OverrideReason) else _("No reason recorded")))
    return out
