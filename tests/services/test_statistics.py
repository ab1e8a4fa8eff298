"""Statistics: every figure against a direct count over the cases, and the aggregate's upkeep."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.dashboard import pages
from app.dashboard.pages import Settings
from app.services import casework
from app.services import statistics_refresh as refresh
from app.services.classification import reclassify_case
from app.services.intake import log_contact
from app.services.statistics import drill_query, load_names
from models import Case, CaseEvent, DailyStat, MonthlyStat, StatsState
from models.statistics import COUNTS, KEY, NO_GROUP
from rosa.intake import ContactDraft, CustomerDraft
from rosa.lifecycle import Action
from rosa.statistics import Filters, Granularity, local_day, month_start, parse_drill, parse_filters
from rosa.vocabulary import OPEN_STATUSES, Channel, Resolution

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
START, END = date(2026, 11, 1), date(2026, 11, 23)
SETTINGS = Settings(fcr_target=0.7, rising_min_volume=2)


def at(day: int, hour: int = 9, minute: int = 0, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


def contact(session, world, key, when, *, channel="phone", requested="", business=False,
            words="") -> Case:
    customer = (CustomerDraft(kind="business", name="Bygg AB", phone="0701234567",
                              organisationsnummer="5560360793") if business
                else CustomerDraft(name="Eva Ek", phone="0701234567"))
    draft = ContactDraft(channel=channel, citizen_words=words or f"Fråga om {key}",
                         answer_given="Svar", requested=requested, customer=customer,
                         override_note="Vill tala med förvaltningen" if requested else "")
    return log_contact(session, world.agent, draft, world.labels[key].id, now=when,
                       received_at=when).case


def build_cases(session, world) -> dict[str, Case]:
    """Sixteen contacts in November 2026 with a known life each (see the comments)."""
    c = {}
    c["info_a"] = contact(session, world, "info", at(2))
    c["info_b"] = contact(session, world, "info", at(12), channel="email")
    # 23:30 UTC on the 16th is 00:30 on the 17th in Stockholm.
    c["info_night"] = contact(session, world, "info", at(16, 23, 30))
    c["guidance"] = contact(session, world, "guidance", at(12, 10), channel="chat")
    c["guidance_fwd"] = contact(session, world, "guidance", at(18), channel="chat",
                                requested="forward")
    for i, day in enumerate((11, 18, 19, 20)):  # avoidable, rising this week
        c[f"avoid_{i}"] = contact(session, world, "admin_mandate", at(day),
                                  words=f"Tunnan inte tömd {i}")
    c["routine_overdue"] = contact(session, world, "routine_no_mandate", at(2, 8))
    c["routine_in_time"] = contact(session, world, "routine_no_mandate", at(17, 8),
                                   channel="web")
    c["routine_pending"] = contact(session, world, "routine_no_mandate", at(23, 8))
    c["oil_rerouted"] = contact(session, world, "investigation", at(12, 8))
    c["oil_open"] = contact(session, world, "investigation", at(19, 8), channel="email")
    c["social_late"] = contact(session, world, "evaluative", at(2, 10), channel="letter")
    c["business_overdue"] = contact(session, world, "evaluative", at(18, 8), business=True)
    session.flush()
    h, s = world.handler, world.social_handler
    casework.send_message(session, c["routine_in_time"], h, "Vi tittar på det", now=at(17, 12))
    casework.reroute(session, c["oil_rerouted"], h, world.social_group.id, "Fel grupp",
                     expected_version=None, now=at(12, 12))
    casework.claim(session, c["oil_rerouted"], s, now=at(13, 8))
    casework.change_status(session, c["oil_rerouted"], s, Action.RESOLVE,
                           expected_version=None, now=at(13, 9), message="Sanerat i dag.")
    casework.claim(session, c["oil_open"], h, now=at(19, 9))
    casework.claim(session, c["social_late"], s, now=at(3, 9))
    casework.change_status(session, c["social_late"], s, Action.RESOLVE, expected_version=None,
                           now=at(20, 9), message="Beslutet är fattat.")
    session.commit()
    return c


@pytest.fixture
def data(session, world):
    cases = build_cases(session, world)
    refresh.refresh_statistics(session, now=NOW)
    session.commit()
    return cases


# --- Direct counts, written independently of the code under test ----------------------------

def live(session, start=START, end=END) -> list[Case]:
    session.expire_all()
    return [c for c in session.scalars(select(Case)) if start <= local_day(c.created_at) <= end]


def outcome(case: Case, now: datetime) -> str | None:
    if case.feedback_due_at is None:
        return None
    if case.feedback_given_at is not None:
        return "in_time" if case.feedback_given_at <= case.feedback_due_at else "late"
    return "overdue" if case.feedback_due_at < now else None


def table_dict(table, key_col=0) -> dict:
    return {row.cells[key_col]: row.cells for row in table.rows}


def check_links(session, page, now=NOW) -> int:
    """Every linked number equals the count of the drill-down's cases; returns how many."""
    names = load_names(session)
    checked = 0
    targets = [(row.cells[i], drill) for table in page.tables.values()
               for row in table.rows for i, drill in row.links.items()]
    targets += [(f.value, f.drill) for f in page.figures
                if f.drill is not None and isinstance(f.value, int)]
    for value, drill in targets:
        args = {**page.filters.args(), **drill.args()}
        filters = parse_filters(args, today=END, channels=[c.value for c in Channel])
        query = drill_query(select(Case), filters, parse_drill(args), names, now=now)
        assert session.scalar(query.with_only_columns(func.count(Case.id))) == value, args
        checked += 1
    return checked


# --- The overview ----------------------------------------------------------------------------

def test_overview_figures_match_a_direct_count(session, world, data):
    """Contacts, first-contact rate, channels, departments, ROSA levels equal direct counts."""
    page = pages.overview(session, Filters(START, END), now=NOW, settings=SETTINGS)
    cases = live(session)
    assert len(cases) == 16
    first = [c for c in cases if c.resolution is Resolution.FIRST_CONTACT]
    figures = {f.title: f.value for f in page.figures}
    assert figures["Contacts"] == 16
    assert figures["Resolved at first contact"] == pytest.approx(len(first) / 16)
    assert figures["Re-routed"] == pytest.approx(1 / (16 - len(first)))

    channels = table_dict(page.tables["channels"])
    expected = Counter(c.channel.title for c in cases)
    assert {k: v[1] for k, v in channels.items()} == dict(expected)

    departments = table_dict(page.tables["departments"])
    by_department = defaultdict(lambda: [0, 0])
    for c in cases:
        by_department[c.department.name][c.resolution is Resolution.FORWARDED] += 1
    assert {k: (v[1], v[2], v[3]) for k, v in departments.items()} == {
        k: (v[0] + v[1], v[0], v[1]) for k, v in by_department.items()}
    assert departments["Socialförvaltningen"][4] == 1.0

    rosa = {row.cells[0]: row.cells[1] for row in page.tables["rosa"].rows}
    assert rosa == dict(Counter(c.rosa_level for c in cases))

    series = page.tables["fcr"].rows
    assert sum(row.cells[1] for row in series) == 16
    assert sum(row.cells[2] for row in series) == len(first)
    assert page.facts["granularity"] is Granularity.DAY  # 23 days
    assert {row.cells[0].start: row.cells[1] for row in series if row.cells[1]} == dict(
        Counter(local_day(c.created_at) for c in cases))
    weekly = pages.overview(session, Filters(date(2026, 10, 1), END), now=NOW,
                            settings=SETTINGS)
    assert weekly.facts["granularity"] is Granularity.WEEK
    by_week = Counter(local_day(c.created_at) - timedelta(days=local_day(c.created_at).weekday())
                      for c in cases)
    assert {row.cells[0].start: (row.cells[1], row.cells[2]) for row in
            weekly.tables["fcr"].rows if row.cells[1]} == {
        week: (n, sum(1 for c in first if local_day(c.created_at) - timedelta(
            days=local_day(c.created_at).weekday()) == week)) for week, n in by_week.items()}


def test_feedback_compliance_matches_a_direct_count(session, world, data):
    """In time, late and overdue per department and group, as the cases say at `now`."""
    page = pages.overview(session, Filters(START, END), now=NOW, settings=SETTINGS)
    expected = defaultdict(Counter)
    for c in live(session):
        result = outcome(c, NOW)
        if result:
            expected[(c.department.name, c.group.name)][result] += 1
    groups = {(row.cells[0], row.cells[1]): row.cells[2:] for row in
              page.tables["compliance_groups"].rows}
    assert groups == {key: (sum(v.values()), v["in_time"], v["late"], v["overdue"],
                            v["in_time"] / sum(v.values())) for key, v in expected.items()}
    # The pending cases (still within their deadline) are left out; both overdue ones count.
    assert groups[("Tekniska förvaltningen", "Gata och park")][:4] == (2, 1, 0, 1)
    assert groups[("Socialförvaltningen", "Mottagningen")][:4] == (3, 1, 1, 1)
    departments = table_dict(page.tables["compliance_departments"])
    assert departments["Socialförvaltningen"][1:5] == (3, 1, 1, 1)
    overall = [f for f in page.figures if f.title == "Feedback in time"][0]
    assert overall.value == pytest.approx(2 / 5)


def test_backlog_and_misrouting_match_a_direct_count(session, world, data):
    """Open cases per group now with their oldest and median age; re-routed per department."""
    page = pages.overview(session, Filters(START, END), now=NOW, settings=SETTINGS)
    session.expire_all()
    open_cases = defaultdict(list)
    for c in session.scalars(select(Case).where(Case.status.in_(OPEN_STATUSES))):
        open_cases[c.group.name].append((NOW - c.created_at).total_seconds() / 86400)
    backlog = {row.cells[1]: row.cells[2:] for row in page.tables["backlog"].rows}
    assert set(backlog) == set(open_cases)
    for group, ages in open_cases.items():
        ages.sort()
        middle = (ages[(len(ages) - 1) // 2] + ages[len(ages) // 2]) / 2
        assert backlog[group][0] == len(ages)
        assert backlog[group][2] == pytest.approx(ages[-1])
        assert backlog[group][3] == pytest.approx(middle)
    misrouting = table_dict(page.tables["misrouting"])
    assert misrouting["Socialförvaltningen"][1:] == (3, 1, pytest.approx(1 / 3))
    assert misrouting["Tekniska förvaltningen"][1:] == (5, 0, 0.0)
    labels = page.tables["misrouted_labels"].rows
    assert [row.cells[0] for row in labels] == ["Gata/Park › Oljeläckage › Felanmälan"]


def test_every_number_on_every_page_links_to_exactly_its_cases(session, world, data):
    """The drill-down of each figure selects as many cases as the figure says."""
    checked = 0
    for build in pages.PAGES.values():
        checked += check_links(session, build(session, Filters(START, END), now=NOW,
                                              settings=SETTINGS))
    assert checked > 100


def test_filters_narrow_every_figure(session, world, data):
    """Department, channel and function filters give the counts of the matching cases."""
    names = load_names(session)
    avfall = [k for k, v in names.functions.items() if v == "Avfall"][0]
    for filters, keep in [
        (Filters(START, END, department_id=world.social.id), lambda c: c.department.name
         == "Socialförvaltningen"),
        (Filters(START, END, channel="email"), lambda c: c.channel is Channel.EMAIL),
        (Filters(START, END, function_id=avfall),
         lambda c: c.label.case_type.function.name == "Avfall"),
        (Filters(date(2026, 11, 17), date(2026, 11, 17)), lambda c: True),
    ]:
        page = pages.overview(session, filters, now=NOW, settings=SETTINGS)
        expected = [c for c in live(session, filters.start, filters.end) if keep(c)]
        assert page.figures[0].value == len(expected)
        check_links(session, page)
    single = pages.overview(session, Filters(date(2026, 11, 17), date(2026, 11, 17)), now=NOW,
                            settings=SETTINGS)
    assert single.figures[0].value == 2  # the night contact and the web form, both on the 17th


# --- The other pages -------------------------------------------------------------------------

def test_avoidable_and_rising_questions(session, world, data):
    """Avoidable labels by volume with the citizens' words; rises week on week."""
    page = pages.avoidable(session, Filters(START, END), now=NOW, settings=SETTINGS)
    avoidable = page.tables["avoidable"].rows
    assert [(row.cells[0], row.cells[2]) for row in avoidable] == [
        ("Avfall › Sophämtning › Utebliven", 4)]
    assert page.examples[avoidable[0].key] == ["Tunnan inte tömd 3", "Tunnan inte tömd 2",
                                               "Tunnan inte tömd 1"]
    assert page.figures[2].value == pytest.approx(4 / 16)
    rising = {row.cells[0]: row.cells[1:5] for row in page.tables["rising"].rows}
    # This week 17–23 November against 10–16 November; at least two contacts this week.
    assert rising["Avfall › Sophämtning › Utebliven"] == (1, 3, 2, 2.0)
    assert rising["Gata/Park › Parkering › Parkeringstillstånd"] == (0, 2, 2, None)
    assert "Avfall › Sortergård › Öppettider" not in rising  # one this week (the night one)


def test_service_selection(session, world, data):
    """Level 3–4 labels still forwarded; level 1–2 labels forwarded at all."""
    page = pages.services(session, Filters(START, END), now=NOW, settings=SETTINGS)
    transfer = [(r.cells[0], r.cells[2], r.cells[3], r.cells[4], r.cells[5])
                for r in page.tables["transfer"].rows]
    assert transfer == [("Gata/Park › Parkering › Parkeringstillstånd", 4, False, 3, 3)]
    missing = [(r.cells[0], r.cells[4], r.cells[5], r.cells[6])
               for r in page.tables["missing_answers"].rows]
    assert missing == [("Avfall › Abonnemang › Information", 2, 1, 0.5)]


def test_department_support_report(session, world, data):
    """Per department and month: answered at first contact for its labels, forwarded to it."""
    page = pages.support(session, Filters(date(2026, 10, 15), END), now=NOW, settings=SETTINGS)
    expected = defaultdict(lambda: [0, 0])
    for c in live(session, date(2026, 10, 15), END):
        if c.resolution is Resolution.FIRST_CONTACT:
            expected[c.label.department.name][0] += 1
        else:
            expected[c.department.name][1] += 1
    rows = {(r.cells[0], r.cells[1].label()): r.cells[2:] for r in page.tables["support"].rows}
    assert rows == {(d, "2026-11"): (fc, fwd, fc + fwd) for d, (fc, fwd) in expected.items()}
    totals = {r.cells[0]: r.cells[1:] for r in page.tables["support_totals"].rows}
    assert totals["Tekniska förvaltningen"] == (8, 5, 13)


def test_no_data_gives_empty_pages(session, world):
    """Without cases every page renders with empty tables and no rates."""
    report = refresh.refresh_statistics(session, now=NOW)
    session.commit()
    assert report.full and report.days == 0
    for build in pages.PAGES.values():
        page = build(session, Filters(START, END), now=NOW, settings=SETTINGS)
        assert all(not table.rows or table.key == "fcr" for table in page.tables.values())
        assert all(f.value in (0, None) for f in page.figures)


def test_a_department_without_forwarded_cases(session, world):
    """Only first-contact answers: no forwarding share, mis-routing or compliance rows."""
    contact(session, world, "info", at(10))
    contact(session, world, "guidance", at(11))
    session.commit()
    refresh.refresh_statistics(session, now=NOW)
    session.commit()
    page = pages.overview(session, Filters(START, END), now=NOW, settings=SETTINGS)
    assert table_dict(page.tables["departments"])["Tekniska förvaltningen"][1:] == (2, 2, 0, 0.0)
    assert page.tables["misrouting"].rows == ()
    assert page.tables["compliance_departments"].rows == ()
    assert {f.title: f.value for f in page.figures}["Feedback in time"] is None
    assert {f.title: f.value for f in page.figures}["Re-routed"] is None


# --- The aggregate ---------------------------------------------------------------------------

def recount(session) -> dict[tuple, tuple]:
    """stats_daily as it should be: grouped in Python from the cases."""
    session.expire_all()
    out: dict[tuple, list[int]] = defaultdict(lambda: [0] * len(COUNTS))
    for c in session.scalars(select(Case)):
        key = (local_day(c.created_at), c.label_id, c.channel.value, c.department_id,
               c.group_id or NO_GROUP, c.resolution.value, c.rosa_level)
        sums = out[key]
        sums[0] += 1
        sums[1] += c.reroute_count > 0
        if c.feedback_due_at is not None:
            sums[2] += 1
            if c.feedback_given_at is not None:
                sums[3 if c.feedback_given_at <= c.feedback_due_at else 4] += 1
        sums[5] += c.action_ordered
        sums[6] += c.reclassify_count > 0
    return {k: tuple(v) for k, v in out.items()}


def stored(session, model=DailyStat, period="day") -> dict[tuple, tuple]:
    session.expire_all()
    return {(getattr(r, period), *(getattr(r, k) for k in KEY)): tuple(getattr(r, k)
                                                                       for k in COUNTS)
            for r in session.scalars(select(model))}


def monthly_from(daily: dict) -> dict:
    out: dict[tuple, list[int]] = defaultdict(lambda: [0] * len(COUNTS))
    for (day, *key), counts in daily.items():
        sums = out[(month_start(day), *key)]
        for i, n in enumerate(counts):
            sums[i] += n
    return {k: tuple(v) for k, v in out.items()}


def test_aggregate_equals_a_recount_after_changes_and_refreshing_twice(session, world, data):
    """Changes reach the aggregate at the next refresh; refreshing again changes nothing."""
    # Re-routing, reclassifying, feedback, and a contact logged late for an old day.
    assert stored(session) == recount(session)
    later = NOW + timedelta(minutes=1)
    casework.reroute(session, data["oil_open"], world.handler, world.social_group.id, "Fel",
                     expected_version=None, now=later)
    reclassify_case(session, world.agent, data["info_a"], world.labels["guidance"].id, "Fel",
                    now=later)
    casework.send_message(session, data["routine_pending"], world.handler, "Hej", now=later)
    contact(session, world, "evaluative", at(5, 9, 30), channel="visit")  # logged afterwards
    session.commit()
    assert stored(session) != recount(session)
    first = refresh.refresh_statistics(session, now=later + timedelta(minutes=1))
    session.commit()
    assert not first.full and first.days == 4  # the 2nd, 5th, 19th and 23rd
    assert stored(session) == recount(session)
    assert stored(session, MonthlyStat, "month") == monthly_from(recount(session))
    refresh.refresh_statistics(session, now=later + timedelta(minutes=2))
    refresh.refresh_statistics(session, now=later + timedelta(minutes=2))
    session.commit()
    assert stored(session) == recount(session)
    refresh.rebuild_statistics(session, now=later + timedelta(minutes=3),
                               checkpoint=session.commit)
    session.commit()
    assert stored(session) == recount(session)
    assert stored(session, MonthlyStat, "month") == monthly_from(recount(session))


def test_figures_after_a_change_match_the_drill_down_again(session, world, data):
    """After changes and a refresh, every figure still equals its drill-down count."""
    casework.reroute(session, data["oil_open"], world.handler, world.social_group.id, "Fel",
                     expected_version=None, now=NOW)
    session.commit()
    refresh.refresh_statistics(session, now=NOW + timedelta(minutes=1))
    session.commit()
    page = pages.overview(session, Filters(START, END), now=NOW, settings=SETTINGS)
    assert check_links(session, page) > 50
    assert table_dict(page.tables["misrouting"])["Socialförvaltningen"][2] == 2


def test_refresh_is_skipped_while_fresh(session, world, data):
    """With max_age, a refresh that started less than max_age ago is enough."""
    state = session.get(StatsState, 1)
    assert state.refreshed_at == NOW
    assert refresh.refresh_statistics(session, now=NOW + timedelta(seconds=59),
                                      max_age=timedelta(seconds=60)) is None
    report = refresh.refresh_statistics(session, now=NOW + timedelta(seconds=61),
                                        max_age=timedelta(seconds=60))
    session.commit()
    assert report is not None
    assert session.get(StatsState, 1).refreshed_at == NOW + timedelta(seconds=61)


def test_watermark_trails_recent_events(session, world, data):
    """Events of the last five minutes are looked at again by the next refresh; older not."""
    # On PostgreSQL an older transaction may still commit an event below the newest id.
    assert session.get(StatsState, 1).event_watermark == session.scalar(
        select(func.max(CaseEvent.id)))
    contact(session, world, "info", NOW - timedelta(minutes=1))
    session.commit()
    newest = session.scalar(select(func.max(CaseEvent.id)))
    refresh.refresh_statistics(session, now=NOW)
    session.commit()
    assert session.get(StatsState, 1).event_watermark < newest
    again = refresh.refresh_statistics(session, now=NOW + timedelta(minutes=1))
    session.commit()
    assert again.days == 1  # the 23rd once more: harmless, it is recomputed as a whole
    refresh.refresh_statistics(session, now=NOW + timedelta(minutes=10))
    session.commit()
    assert session.get(StatsState, 1).event_watermark == newest
    assert refresh.refresh_statistics(session, now=NOW + timedelta(minutes=11)).days == 0
    assert stored(session) == recount(session)


def test_a_bulk_load_is_rebuilt_in_full(session, world, data, monkeypatch):
    """Far more new events than usual since the last refresh: everything is recomputed."""
    monkeypatch.setattr(refresh, "FULL_REBUILD_EVENTS", 3)
    contact(session, world, "info", at(3))
    session.commit()
    report = refresh.refresh_statistics(session, now=NOW + timedelta(minutes=1))
    session.commit()
    assert report.full and report.days == 30
    assert stored(session) == recount(session)


def test_days_are_stockholm_days(session, world, data):
    """The contact at 23:30 UTC on the 16th is counted on the 17th."""
    night = data["info_night"]
    days = {key[0] for key in stored(session) if key[1] == night.label_id}
    assert date(2026, 11, 17) in days and date(2026, 11, 16) not in days
