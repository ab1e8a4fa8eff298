"""The managers' dashboards over HTTP: access, filters, drill-down, exports, markup, freshness."""

from __future__ import annotations

import csv
import html
import io
import re
from datetime import UTC, datetime

import pytest
from openpyxl import load_workbook

from app.dashboard import pages
from app.dashboard.pages import Settings
from app.services import casework
from app.services.intake import log_contact
from rosa.intake import ContactDraft, CustomerDraft
from rosa.lifecycle import Action
from rosa.statistics import Filters, Kind, export_rows
from tests.conftest import csrf_token

RANGE = "start=2026-11-01&end=2026-11-23"
PAGES = ("/dashboard/", "/dashboard/avoidable", "/dashboard/services", "/dashboard/support")
DRILL_LINK = re.compile(r'href="(/dashboard/cases\?[^"]+)">([^<]+)</a>')


def at(day: int, hour: int = 9, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC)


def contact(session, world, key, when, channel="phone", words=""):
    draft = ContactDraft(channel=channel, citizen_words=words or f"Fråga om {key}",
                         answer_given="Svar",
                         customer=CustomerDraft(name="Eva Ek", phone="0701234567"))
    return log_contact(session, world.agent, draft, world.labels[key].id, now=when,
                       received_at=when).case


@pytest.fixture
def cases(session, world):
    """Nine contacts in November 2026: answered, forwarded, re-routed, resolved late."""
    made = [contact(session, world, "info", at(2)), contact(session, world, "info", at(12)),
            contact(session, world, "info", at(16, 23, 30), "email"),
            contact(session, world, "admin_mandate", at(18), words="Tunnan =inte tömd"),
            contact(session, world, "admin_mandate", at(19), words="Soporna står kvar"),
            contact(session, world, "routine_no_mandate", at(3)),
            contact(session, world, "routine_no_mandate", at(18), "web"),
            contact(session, world, "investigation", at(12)),
            contact(session, world, "evaluative", at(5), "letter")]
    session.flush()
    casework.reroute(session, made[7], world.handler, world.social_group.id, "Fel grupp",
                     expected_version=None, now=at(12, 12))
    casework.claim(session, made[8], world.social_handler, now=at(6))
    casework.change_status(session, made[8], world.social_handler, Action.RESOLVE,
                           expected_version=None, now=at(20), message="Beslutet är fattat.")
    session.commit()
    return made


def number(text: str) -> int:
    return int(re.sub(r"\D", "", html.unescape(text)))


def listed_total(page_html: str) -> int:
    match = re.search(r'<p role="status" class="big">([^<]+)</p>', page_html)
    return number(match.group(1))


# --- Access ----------------------------------------------------------------------------------

@pytest.mark.parametrize("who", ["agent", "handler"])
def test_agents_and_handlers_are_refused(world, login_as, who):
    """Statistics are for managers and administrators only."""
    client = login_as(getattr(world, who))
    for url in (*PAGES, "/dashboard/cases", "/dashboard/export/overview/channels.csv"):
        assert client.get(url).status_code == 403, url


def test_anonymous_visitors_are_sent_to_log_in(world, client):
    """Not logged in: to the login page."""
    response = client.get("/dashboard/")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


@pytest.mark.parametrize("who", ["manager", "admin"])
def test_managers_and_admins_see_every_page(world, login_as, cases, who):
    """Every page answers, with the Statistics link in the menu marked current."""
    client = login_as(getattr(world, who))
    for url in PAGES:
        body = client.get(f"{url}?{RANGE}").get_data(as_text=True)
        assert 'href="/dashboard/" aria-current="page">Statistik</a>' in body, url


def test_a_managers_start_page_is_the_dashboard(world, app):
    """Logging in as a manager lands on the overview; an agent has no Statistics link."""
    client = app.test_client()
    token = csrf_token(client.get("/auth/login").get_data(as_text=True))
    response = client.post("/auth/login", data={"username": world.manager.username,
                                                "password": "correct horse battery",
                                                "csrf_token": token})
    assert response.headers["Location"].endswith("/dashboard/")


def test_agents_have_no_statistics_link(world, login_as):
    """The menu item is only shown to those who may open it."""
    body = login_as(world.agent).get("/agent/").get_data(as_text=True)
    assert "/dashboard/" not in body


# --- Figures, filters, drill-down ------------------------------------------------------------

def key_figure(body: str, title: str) -> str:
    match = re.search(rf'<span class="kf-title">{title}</span>\s*<span class="kf-value">'
                      r'(?:<a [^>]+>)?([^<]+)<', body)
    return html.unescape(match.group(1))


def test_filters_change_the_figures(world, login_as, cases):
    """Channel, department and period narrow the key figures."""
    client = login_as(world.manager)
    body = client.get(f"/dashboard/?{RANGE}").get_data(as_text=True)
    assert key_figure(body, "Kontakter") == "9"
    assert key_figure(body, "Löst vid första kontakt") == "55,6\xa0%"
    email = client.get(f"/dashboard/?{RANGE}&channel=email").get_data(as_text=True)
    assert key_figure(email, "Kontakter") == "1"
    social = client.get(f"/dashboard/?{RANGE}&department={world.social.id}").get_data(
        as_text=True)
    assert key_figure(social, "Kontakter") == "2"
    one_day = client.get("/dashboard/?start=2026-11-17&end=2026-11-17").get_data(as_text=True)
    assert key_figure(one_day, "Kontakter") == "1"  # 23:30 UTC on the 16th


def test_every_drill_down_lists_exactly_the_counted_cases(world, login_as, cases):
    """Each number links to a list of exactly that many cases, each linked to its page."""
    client = login_as(world.manager)
    followed = 0
    for url in PAGES:
        body = client.get(f"{url}?{RANGE}").get_data(as_text=True)
        for href, text in set(DRILL_LINK.findall(body)):
            if "%" in text:
                continue
            listing = client.get(html.unescape(href)).get_data(as_text=True)
            assert listed_total(listing) == number(text), href
            assert listing.count('href="/agent/cases/KC-') == number(text), href
            followed += 1
    assert followed > 60


def test_drill_down_pages_through_long_lists(world, login_as, session):
    """Fifty cases a page, newest first, with the condition kept on the next page."""
    for minute in range(53):
        contact(session, world, "info", at(10, 9, minute))
    session.commit()
    client = login_as(world.manager)
    first = client.get(f"/dashboard/cases?{RANGE}&resolution=first_contact").get_data(
        as_text=True)
    assert listed_total(first) == 53 and first.count('href="/agent/cases/KC-') == 50
    assert "KC-2026-000053" in first and "KC-2026-000001" not in first
    second_href = re.search(r'href="([^"]+)" rel="next"', first).group(1)
    second = client.get(html.unescape(second_href)).get_data(as_text=True)
    assert second.count('href="/agent/cases/KC-') == 3 and "KC-2026-000001" in second
    assert "Löst vid första kontakt" in second  # the condition is described


# --- Exports ---------------------------------------------------------------------------------

def test_csv_and_excel_downloads_hold_the_tables(world, login_as, cases, session):
    """Every table of every page downloads as CSV and as Excel with the same rows."""
    client = login_as(world.manager)
    assert client.get(f"/dashboard/?{RANGE}").status_code == 200  # builds the aggregate
    session.rollback()
    now = datetime.now(UTC)
    filters = Filters(datetime(2026, 11, 1).date(), datetime(2026, 11, 23).date())
    for key, build in pages.PAGES.items():
        page = build(session, filters, now=now, settings=Settings())
        for table in page.tables.values():
            url = f"/dashboard/export/{key}/{table.key}"
            response = client.get(f"{url}.csv?{RANGE}")
            assert response.status_code == 200 and response.mimetype == "text/csv"
            assert "attachment" in response.headers["Content-Disposition"]
            text = response.get_data().decode("utf-8-sig")
            rows = list(csv.reader(io.StringIO(text)))
            expected = [[str(v) for v in row] for row in export_rows(table, _sv)]
            assert rows[0] == expected[0]
            assert len(rows) == len(expected), url
            if table.key not in ("backlog",):  # ages move with the clock
                assert rows == expected, url
            book = load_workbook(io.BytesIO(client.get(f"{url}.xlsx?{RANGE}").data))
            sheet = book.worksheets[0]
            values = list(sheet.iter_rows(values_only=True))
            assert len(values) == len(table.rows) + 1
            for got, row in zip(values[1:], table.rows, strict=True):
                for cell, column, value in zip(got, table.columns, row.cells, strict=True):
                    if column.kind in (Kind.COUNT,):
                        assert cell == value
                    elif column.kind is Kind.PERCENT and value is not None:
                        assert cell == pytest.approx(value)
            assert book.worksheets[1]["A1"].value == sheet.title or book.worksheets[1]["A1"].value


def _sv(text: str) -> str:
    from flask_babel import force_locale, gettext

    with force_locale("sv"):
        return gettext(text)


def test_formula_like_text_stays_text_in_both_files(world, login_as, session):
    """A name that looks like a formula is defused in CSV and a text cell in Excel."""
    world.labels["info"].case_type.function.name = "=1+2"
    contact(session, world, "info", at(10))
    session.commit()
    client = login_as(world.manager)
    url = f"/dashboard/export/overview/functions.{{}}?{RANGE}"
    rows = list(csv.reader(io.StringIO(client.get(url.format("csv")).get_data().decode(
        "utf-8-sig"))))
    assert rows[1][0] == "'=1+2"
    cell = load_workbook(io.BytesIO(client.get(url.format("xlsx")).data)).worksheets[0]["A2"]
    assert cell.value == "=1+2" and cell.data_type == "s"


def test_unknown_exports_are_not_found(world, login_as):
    """A made-up page, table or format is a 404."""
    client = login_as(world.manager)
    for url in ("/dashboard/export/nope/channels.csv", "/dashboard/export/overview/nope.csv",
                "/dashboard/export/overview/channels.pdf"):
        assert client.get(url).status_code == 404, url


# --- Markup and freshness --------------------------------------------------------------------

def test_pages_need_no_inline_style_or_script_and_charts_are_described(world, login_as, cases):
    """No style attributes or scripts (CSP); every chart is an image with title and desc."""
    client = login_as(world.manager)
    for url in PAGES:
        body = client.get(f"{url}?{RANGE}").get_data(as_text=True)
        assert " style=" not in body and "<script" not in body and "<style" not in body
        assert "/static/css/dashboard.css" in body
        for chart_id in re.findall(r'<svg [^>]*aria-labelledby="([\w-]+)-title \1-desc"', body):
            assert f'<title id="{chart_id}-title">' in body
            assert re.search(rf'<desc id="{chart_id}-desc">[^<]+</desc>', body)
    overview = client.get(f"/dashboard/?{RANGE}").get_data(as_text=True)
    assert overview.count('role="img"') >= 8
    assert "Mål 70,0\xa0%" in overview  # the target line is named in the legend
    with client.get("/static/css/dashboard.css") as stylesheet:
        assert stylesheet.status_code == 200 and b".chart-label" in stylesheet.data


def test_figures_lag_at_most_the_configured_age(world, login_as, cases, session, app):
    """A new contact appears once the figures are older than STATS_MAX_AGE_SECONDS."""
    client = login_as(world.manager)
    assert key_figure(client.get(f"/dashboard/?{RANGE}").get_data(as_text=True),
                      "Kontakter") == "9"
    session.rollback()  # end the snapshot taken before the request refreshed
    contact(session, world, "guidance", at(20))
    session.commit()
    assert key_figure(client.get(f"/dashboard/?{RANGE}").get_data(as_text=True),
                      "Kontakter") == "9"  # refreshed less than a minute ago
    old = app.config["STATS_MAX_AGE_SECONDS"]
    app.config["STATS_MAX_AGE_SECONDS"] = 0
    try:
        body = client.get(f"/dashboard/?{RANGE}").get_data(as_text=True)
    finally:
        app.config["STATS_MAX_AGE_SECONDS"] = old
    assert key_figure(body, "Kontakter") == "10"


def test_english_on_request(world, login_as, cases):
    """The dashboard speaks English when asked."""
    body = login_as(world.manager).get(f"/dashboard/?{RANGE}&lang=en").get_data(as_text=True)
    assert "Statistics: overview" in body and "Contacts by channel" in body


def test_refresh_command(world, runner, cases):
    """`flask stats refresh` builds the aggregate; run again it finds nothing to do."""
    first = runner.invoke(args=["stats", "refresh"])
    assert first.exit_code == 0, first.output
    assert "i sin helhet" in first.output or "in full" in first.output
    second = runner.invoke(args=["stats", "refresh", "--full"])
    assert second.exit_code == 0, second.output
