"""The dashboard pages, the drill-down list behind every figure, and the exports."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from urllib.parse import urlencode

from babel import Locale
from babel.numbers import get_decimal_symbol, get_group_symbol
from flask import abort, current_app, render_template, request, url_for
from flask_babel import get_locale, gettext
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from app.access import visible_cases
from app.dashboard import bp, exports
from app.dashboard.charts import charts_for
from app.dashboard.commands import ensure_fresh
from app.dashboard.pages import PAGES, Settings
from app.extensions import db
from app.services.statistics import drill_query, load_names
from models import Case, Department, Function, Label
from rosa.i18n import N_
from rosa.statistics import (
    NO,
    YES,
    Drill,
    Filters,
    Kind,
    level_text,
    local_day,
    parse_drill,
    parse_filters,
)
from rosa.vocabulary import Channel

PAGE_SIZE = 50
COUNT_CAP = 10_000  # the drill-down counts up to here ("more than 10 000 cases")
TABS = (("overview", "dashboard.overview"), ("avoidable", "dashboard.avoidable"),
        ("services", "dashboard.services"), ("support", "dashboard.support"),
        ("overrides", "dashboard.overrides"))
WEEK_FORMAT = N_("w. %(week)s %(year)s")


def _filters() -> Filters:
    return parse_filters(request.args, today=local_day(datetime.now(UTC)),
                         channels=[c.value for c in Channel])


def _settings() -> Settings:
    config = current_app.config
    return Settings(fcr_target=config["FCR_TARGET"],
                    rising_min_volume=config["STATS_RISING_MIN_VOLUME"])


def _choices() -> dict:
    return {
        "departments": db.session.execute(
            select(Department.id, Department.name).order_by(Department.name)).all(),
        "functions": db.session.execute(
            select(Function.id, Function.name).order_by(Function.name)).all(),
        "channels": list(Channel),
    }


@bp.context_processor
def _helpers() -> dict:
    return {"cell": format_cell, "tabs": TABS}


def format_cell(value, kind: Kind | str) -> str:
    """A table cell or key figure as text in the current language ("–" for no value).

    Numbers are formatted with the locale's symbols directly: a large table has a thousand
    of them, and Babel's general formatter would be a third of the page's time.
    """
    if value is None or (kind in (Kind.PERCENT, Kind.DAYS) and value != value):
        return "–"
    kind = Kind(kind) if kind != "percent0" else kind
    if kind in _NUMBERS:
        group, decimal, before, after = _symbols(str(get_locale()))
        text = _NUMBERS[kind](value).replace(",", "\0").replace(".", decimal)
        text = text.replace("\0", group)
        return f"{before}{text}{after}" if kind in (Kind.PERCENT, "percent0") else text
    if kind is Kind.TITLE:
        return gettext(value)
    if kind is Kind.LEVEL:
        return level_text(int(value), gettext)
    if kind is Kind.PERIOD:
        return value.label(gettext(WEEK_FORMAT))
    if kind is Kind.YES_NO:
        return gettext(YES if value else NO)
    if kind is Kind.DATE:
        return value.isoformat()
    return str(value)


_NUMBERS = {
    Kind.COUNT: lambda v: f"{v:,}",
    Kind.DAYS: lambda v: f"{v:,.1f}",
    Kind.PERCENT: lambda v: f"{v * 100:,.1f}",
    "percent0": lambda v: f"{v * 100:,.0f}",
}


@lru_cache(maxsize=8)
def _symbols(locale: str) -> tuple[str, str, str, str]:
    """(group, decimal, text before and after a percentage) in `locale`: in Swedish a
    no-break space, a comma, nothing and a no-break space and %; in English , . and %."""
    pattern = Locale.parse(locale).percent_formats[None].pattern.split(";")[0]
    before, after = pattern[:pattern.index("#")], pattern[pattern.rindex("0") + 1:]
    return get_group_symbol(locale), get_decimal_symbol(locale), before, after


def _render(key: str):
    refreshed_at = ensure_fresh()
    filters = _filters()
    page = PAGES[key](db.session, filters, now=datetime.now(UTC), settings=_settings())

    base, common = url_for("dashboard.cases"), filters.args()

    def drill_url(drill: Drill) -> str:  # url_for once: pages have a thousand links
        return f"{base}?{urlencode({**common, **drill.args()})}"

    return render_template(f"dashboard/{key}.html", page=page, filters=filters,
                           charts=charts_for(page, drill_url, format_cell),
                           drill_url=drill_url, refreshed_at=refreshed_at,
                           presets=_presets(local_day(datetime.now(UTC))), **_choices())


def _presets(today: date) -> list[tuple[str, date, date]]:
    """Quick periods: the last 30 and 90 days, this year, the last 12 months, 3 years."""
    return [
        (gettext("Last 30 days"), today - timedelta(days=29), today),
        (gettext("Last 90 days"), today - timedelta(days=89), today),
        (gettext("This year"), today.replace(month=1, day=1), today),
        (gettext("Last 12 months"), today - timedelta(days=364), today),
        (gettext("Last 3 years"), today - timedelta(days=3 * 365 - 1), today),
    ]


@bp.get("/")
def overview():
    return _render("overview")


@bp.get("/avoidable")
def avoidable():
    return _render("avoidable")


@bp.get("/services")
def services():
    return _render("services")


@bp.get("/support")
def support():
    return _render("support")


@bp.get("/overrides")
def overrides():
    return _render("overrides")


@bp.get("/cases")
def cases():
    """The cases behind one figure: the page's filters plus the figure's condition.

    Newest registered first (by id: on SQLite an index on the condition then yields the rows
    in order, with nothing to sort). Counted up to COUNT_CAP: the figure itself has the
    exact number, and counting a quarter of a million cases live takes half a second.
    """
    filters, drill = _filters(), parse_drill(request.args)
    raw = request.args.get("page", "1")
    number = max(1, min(int(raw), COUNT_CAP // PAGE_SIZE)) if raw.isdigit() else 1
    names = load_names(db.session)
    query = drill_query(visible_cases(current_user), filters, drill, names,
                        now=datetime.now(UTC))
    total = db.session.scalar(select(func.count()).select_from(
        query.with_only_columns(Case.id).limit(COUNT_CAP + 1).subquery()))
    found = db.session.scalars(
        query.options(joinedload(Case.label).joinedload(Label.case_type), joinedload(Case.group),
                      joinedload(Case.department))
        .order_by(Case.id.desc()).limit(PAGE_SIZE).offset((number - 1) * PAGE_SIZE)).all()
    return render_template(
        "dashboard/cases.html", cases=found, total=min(total, COUNT_CAP),
        more=total > COUNT_CAP, page_number=number,
        pages=max(1, -(-min(total, COUNT_CAP) // PAGE_SIZE)), filters=filters, drill=drill,
        conditions=exports.describe(filters, drill, names),
        args={**filters.args(), **drill.args()}, **_choices())


@bp.get("/export/<page>/<key>.<fmt>")
def export(page: str, key: str, fmt: str):
    """One table of a page as CSV or Excel, with the page's filters."""
    if page not in PAGES or fmt not in ("csv", "xlsx"):
        abort(404)
    ensure_fresh()
    filters = _filters()
    built = PAGES[page](db.session, filters, now=datetime.now(UTC), settings=_settings())
    table = built.tables.get(key)
    if table is None:
        abort(404)
    if fmt == "csv":
        return exports.csv_response(table, filters)
    return exports.xlsx_response(table, filters,
                                 exports.describe(filters, Drill(), load_names(db.session)))
