"""The four dashboard pages as data: key figures and tables, each cell with its drill-down.

No request in here: the views, the exports and the tests build the same pages from a
session, the filters and the moment. Titles are N_ strings, translated when shown.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from app.services import statistics as stats
from app.services import statistics_overrides as overrides_stats
from app.services.statistics import FC, FWD, Fact, Names
from models.statistics import NO_GROUP
from rosa.i18n import N_
from rosa.routing import OVERRIDE_REASON_TITLES, OverrideReason
from rosa.statistics import (
    Column,
    Drill,
    Feedback,
    Filters,
    Granularity,
    Kind,
    Row,
    Table,
    buckets,
    granularity_for,
    local_day,
    rate,
    rising,
    week_windows,
)
from rosa.vocabulary import Channel


@dataclass(frozen=True)
class KeyFigure:
    title: str  # N_
    value: float | int | None
    kind: Kind
    drill: Drill | None = None
    note: str = ""  # N_


@dataclass
class Page:
    key: str
    title: str  # N_
    filters: Filters
    figures: list[KeyFigure] = field(default_factory=list)
    tables: dict[str, Table] = field(default_factory=dict)
    examples: dict[int, list[str]] = field(default_factory=dict)
    facts: dict[str, object] = field(default_factory=dict)  # page-specific extras

    def add(self, table: Table) -> None:
        self.tables[table.key] = table


@dataclass(frozen=True)
class Settings:
    fcr_target: float = 0.70
    rising_min_volume: int = 10
    top: int = 15


CONTACTS = Column(N_("Contacts"), Kind.COUNT)
FIRST_CONTACT = Column(N_("Resolved at first contact"), Kind.COUNT)
FORWARDED = Column(N_("Forwarded"), Kind.COUNT)
DEPARTMENT = Column(N_("Department"))
LABEL = Column(N_("Label"))


# --- Overview --------------------------------------------------------------------------------

def overview(session: Session, filters: Filters, *, now: datetime, settings: Settings) -> Page:
    names = stats.load_names(session)
    page = Page("overview", N_("Overview"), filters)
    rows = stats.facts(session, filters, names)
    late_open = stats.overdue(session, filters, names, now=now)
    queues = stats.backlog(session, filters, names, now=now)
    total = sum(f.cases for f in rows)
    first = sum(f.cases for f in rows if f.resolution == FC)
    forwarded = total - first
    rerouted = sum(f.rerouted for f in rows)
    orders = sum(f.orders for f in rows)
    reclassified = sum(f.reclassified for f in rows)
    compliance = sum(stats.compliance_by(rows, late_open, lambda d, g: 0).values(),
                     start=stats.Compliance())
    page.figures = [
        KeyFigure(N_("Contacts"), total, Kind.COUNT, Drill()),
        KeyFigure(N_("Resolved at first contact"), rate(first, total), Kind.PERCENT,
                  Drill(resolution=FC), N_("target %(target)s")),
        KeyFigure(N_("Forwarded"), rate(forwarded, total), Kind.PERCENT, Drill(resolution=FWD)),
        KeyFigure(N_("Feedback in time"), compliance.rate, Kind.PERCENT,
                  Drill(feedback=Feedback.DECIDED)),
        KeyFigure(N_("Re-routed"), rate(rerouted, forwarded), Kind.PERCENT,
                  Drill(rerouted=True), N_("of forwarded cases")),
        KeyFigure(N_("Open in the queues now"), sum(q.open for q in queues), Kind.COUNT,
                  Drill(open=True)),
        KeyFigure(N_("Orders to departments"), orders, Kind.COUNT, Drill(ordered=True),
                  N_("answered at first contact and sent for action")),
        KeyFigure(N_("Reclassified"), rate(reclassified, total), Kind.PERCENT,
                  Drill(reclassified=True), N_("of contacts")),
    ]
    page.facts["target"] = settings.fcr_target
    page.facts["granularity"] = granularity_for(filters.start, filters.end)
    page.add(_fcr_table(stats.fcr_series(session, filters, names)))
    page.add(_channel_table(rows, total))
    page.add(_function_table(rows, total, names))
    page.add(_department_table(rows, names))
    page.add(_rosa_table(rows, total))
    page.add(_compliance_departments(rows, late_open, names))
    page.add(_compliance_groups(rows, late_open, names))
    page.add(_backlog_table(queues, names, now))
    page.add(_orders_table(rows, names))
    page.add(_misrouting_table(rows, names))
    page.add(_misrouted_labels(rows, names, settings.top))
    return page


def _fcr_table(series: list[stats.SeriesPoint]) -> Table:
    out = []
    for point in series:
        b = point.bucket
        out.append(Row(
            (b, point.total, point.first_contact, point.total - point.first_contact,
             rate(point.first_contact, point.total)),
            {1: Drill(start=b.start, end=b.end),
             2: Drill(start=b.start, end=b.end, resolution=FC),
             3: Drill(start=b.start, end=b.end, resolution=FWD)}))
    return Table("fcr", N_("First-contact resolution over time"),
                 (Column(N_("Period"), Kind.PERIOD), CONTACTS, FIRST_CONTACT, FORWARDED,
                  Column(N_("Share resolved at first contact"), Kind.PERCENT)), tuple(out))


def _share_rows(sums: dict, total: int, label: Callable, drill: Callable) -> list[Row]:
    ordered = sorted(sums.items(), key=lambda item: (-item[1][0], str(label(item[0]))))
    return [Row((label(key), s[0], rate(s[0], total), rate(s[1], s[0])),
                {1: drill(key)}) for key, s in ordered]


SHARE = Column(N_("Share of contacts"), Kind.PERCENT)
FCR_SHARE = Column(N_("Share resolved at first contact"), Kind.PERCENT)


def _channel_table(rows: list[Fact], total: int) -> Table:
    sums = stats.sum_by(rows, lambda f: f.channel)
    return Table("channels", N_("Contacts by channel"),
                 (Column(N_("Channel"), Kind.TITLE), CONTACTS, SHARE, FCR_SHARE),
                 tuple(_share_rows(sums, total, lambda c: Channel(c).title,
                                   lambda c: Drill(channel=c))))


def _function_table(rows: list[Fact], total: int, names: Names) -> Table:
    sums = stats.sum_by(rows, lambda f: names.labels[f.label_id].function_id)
    return Table("functions", N_("Contacts by function"),
                 (Column(N_("Function")), CONTACTS, SHARE, FCR_SHARE),
                 tuple(_share_rows(sums, total, lambda k: names.functions.get(k, "–"),
                                   lambda k: Drill(function_id=k))))


def _department_table(rows: list[Fact], names: Names) -> Table:
    sums = stats.sum_by(rows, lambda f: f.department_id)
    out = [Row((names.department(d), s[0], s[1], s[2], rate(s[2], s[0])),
               {1: Drill(department_id=d), 2: Drill(department_id=d, resolution=FC),
                3: Drill(department_id=d, resolution=FWD)})
           for d, s in sorted(sums.items(), key=lambda i: (-i[1][0], names.department(i[0])))]
    return Table("departments", N_("Contacts and forwarding by department"),
                 (DEPARTMENT, CONTACTS, FIRST_CONTACT, FORWARDED,
                  Column(N_("Share forwarded"), Kind.PERCENT)), tuple(out))


def _rosa_table(rows: list[Fact], total: int) -> Table:
    sums = stats.sum_by(rows, lambda f: f.rosa_level)
    out = [Row((level, s[0], rate(s[0], total), rate(s[1], s[0])),
               {1: Drill(rosa_level=level)}) for level, s in sorted(sums.items())]
    return Table("rosa", N_("Contacts by ROSA level"),
                 (Column(N_("ROSA level"), Kind.LEVEL), CONTACTS, SHARE, FCR_SHARE), tuple(out))


COMPLIANCE_COLUMNS = (
    Column(N_("Outcome known"), Kind.COUNT),
    Column(N_("Feedback in time"), Kind.COUNT),
    Column(N_("Feedback late"), Kind.COUNT),
    Column(N_("No feedback, deadline passed"), Kind.COUNT),
    Column(N_("Share in time"), Kind.PERCENT),
)
COMPLIANCE_NOTE = N_("Forwarded cases with a feedback deadline whose outcome is known: feedback "
                     "given, or the deadline passed without it. Cases still within their "
                     "deadline and cases without one are left out.")


def _compliance_cells(c: stats.Compliance, base: dict) -> tuple[tuple, dict[int, Drill]]:
    cells = (c.decided, c.in_time, c.late, c.overdue, c.rate)
    links = {i: Drill(feedback=kind, **base) for i, kind in enumerate(
        (Feedback.DECIDED, Feedback.IN_TIME, Feedback.LATE, Feedback.OVERDUE))}
    return cells, links


def _compliance_departments(rows, late_open, names: Names) -> Table:
    by = stats.compliance_by(rows, late_open, lambda d, g: d)
    out = []
    for d, c in sorted(by.items(), key=lambda i: names.department(i[0])):
        cells, links = _compliance_cells(c, {"department_id": d})
        out.append(Row((names.department(d), *cells), {i + 1: v for i, v in links.items()}))
    return Table("compliance_departments", N_("Feedback deadlines met, by department"),
                 (DEPARTMENT, *COMPLIANCE_COLUMNS), tuple(out), COMPLIANCE_NOTE)


def _compliance_groups(rows, late_open, names: Names) -> Table:
    by = stats.compliance_by(rows, late_open, lambda d, g: (d, g))
    out = []
    for (d, g), c in sorted(by.items(), key=lambda i: (names.department(i[0][0]),
                                                       names.group(i[0][1]))):
        cells, links = _compliance_cells(c, {"department_id": d, "group_id": g})
        out.append(Row((names.department(d), names.group(g) if g != NO_GROUP else "–", *cells),
                       {i + 2: v for i, v in links.items()}))
    return Table("compliance_groups", N_("Feedback deadlines met, by group"),
                 (DEPARTMENT, Column(N_("Group")), *COMPLIANCE_COLUMNS), tuple(out),
                 COMPLIANCE_NOTE)


def _backlog_table(queues: list[stats.QueueAge], names: Names, now: datetime) -> Table:
    def department_of(q):
        return names.department(names.groups.get(q.group_id, ("", 0))[1])

    out = [Row((department_of(q), names.group(q.group_id), q.open,
                local_day(q.oldest), q.oldest_days(now), q.median_days),
               {2: Drill(open=True, group_id=q.group_id)})
           for q in sorted(queues, key=lambda q: (-q.open, names.group(q.group_id)))]
    return Table("backlog", N_("Open cases per queue now"),
                 (DEPARTMENT, Column(N_("Group")), Column(N_("Open cases"), Kind.COUNT),
                  Column(N_("Oldest received"), Kind.DATE),
                  Column(N_("Age of the oldest (days)"), Kind.DAYS),
                  Column(N_("Median age (days)"), Kind.DAYS)), tuple(out),
                 N_("All open cases now, whenever they arrived: the period does not apply."))


def _orders_table(rows: list[Fact], names: Names) -> Table:
    sums = stats.sum_by(rows, lambda f: f.department_id)
    out = [Row((names.department(d), s[0], s[1], s[7], s[8], rate(s[8], s[0])),
               {1: Drill(department_id=d), 2: Drill(department_id=d, resolution=FC),
                3: Drill(department_id=d, ordered=True),
                4: Drill(department_id=d, reclassified=True)})
           for d, s in sorted(sums.items(), key=lambda i: names.department(i[0]))
           if s[7] or s[8]]
    return Table("orders", N_("Orders for action and reclassifications, by department"),
                 (DEPARTMENT, CONTACTS, FIRST_CONTACT,
                  Column(N_("Orders to the department"), Kind.COUNT),
                  Column(N_("Reclassified"), Kind.COUNT),
                  Column(N_("Share reclassified"), Kind.PERCENT)), tuple(out),
                 N_("Orders: contacts about an action label, answered at first contact and "
                    "also sent to the department's group to act; they count as answered at "
                    "first contact too. Reclassified: cases an agent moved to another label, "
                    "counted under the label they have now."),
                 empty=N_("No orders for action and no reclassifications in this selection."))


REROUTED = Column(N_("Re-routed"), Kind.COUNT)
REROUTED_SHARE = Column(N_("Share re-routed"), Kind.PERCENT)


def _misrouting_table(rows: list[Fact], names: Names) -> Table:
    sums = stats.sum_by((f for f in rows if f.resolution == FWD), lambda f: f.department_id)
    out = [Row((names.department(d), s[0], s[3], rate(s[3], s[0])),
               {1: Drill(department_id=d, resolution=FWD),
                2: Drill(department_id=d, rerouted=True)})
           for d, s in sorted(sums.items(), key=lambda i: names.department(i[0]))]
    return Table("misrouting", N_("Mis-routing by department"),
                 (DEPARTMENT, FORWARDED, REROUTED, REROUTED_SHARE), tuple(out),
                 N_("Forwarded cases that a handler sent on to another group. A re-routed "
                    "case counts for the department that has it now."))


def _misrouted_labels(rows: list[Fact], names: Names, top: int) -> Table:
    sums = stats.sum_by((f for f in rows if f.resolution == FWD), lambda f: f.label_id)
    ranked = sorted(((k, s) for k, s in sums.items() if s[3]),
                    key=lambda i: (-i[1][3], names.label(i[0])))[:top]
    out = [Row((names.label(k), s[0], s[3], rate(s[3], s[0])),
               {1: Drill(label_id=k, resolution=FWD), 2: Drill(label_id=k, rerouted=True)},
               key=k) for k, s in ranked]
    return Table("misrouted_labels", N_("Labels most often re-routed"),
                 (LABEL, FORWARDED, REROUTED, REROUTED_SHARE), tuple(out),
                 N_("Candidates for a corrected group in the taxonomy."))


# --- Questions that should never have arisen -------------------------------------------------

def avoidable(session: Session, filters: Filters, *, now: datetime, settings: Settings) -> Page:
    names = stats.load_names(session)
    page = Page("avoidable", N_("Questions that should never have arisen"), filters)
    rows = stats.facts(session, filters, names)
    total = sum(f.cases for f in rows)
    sums = stats.sum_by((f for f in rows if names.labels[f.label_id].avoidable),
                        lambda f: f.label_id)
    avoidable_total = sum(s[0] for s in sums.values())
    page.figures = [
        KeyFigure(N_("Contacts"), total, Kind.COUNT, Drill()),
        KeyFigure(N_("About avoidable questions"), avoidable_total, Kind.COUNT,
                  Drill(avoidable=True)),
        KeyFigure(N_("Share avoidable"), rate(avoidable_total, total), Kind.PERCENT,
                  Drill(avoidable=True)),
    ]
    top = sorted(sums.items(), key=lambda i: (-i[1][0], names.label(i[0])))[:settings.top]
    page.add(Table(
        "avoidable", N_("Most frequent avoidable questions"),
        (LABEL, DEPARTMENT, CONTACTS, SHARE),
        tuple(Row((names.label(k), names.department(names.labels[k].department_id), s[0],
                   rate(s[0], total)), {2: Drill(label_id=k)}, key=k) for k, s in top),
        N_("Labels marked avoidable in the taxonomy: questions caused by an unclear letter, "
           "invoice, form or web page.")))
    this, last = week_windows(filters.end)
    this_counts, last_counts = stats.label_weeks(session, filters, names, this, last)
    rises = rising(this_counts, last_counts, min_volume=settings.rising_min_volume,
                   limit=settings.top)
    page.add(Table(
        "rising", N_("Fastest-rising questions, this week against last week"),
        (LABEL, Column(N_("Last week"), Kind.COUNT), Column(N_("This week"), Kind.COUNT),
         Column(N_("Change"), Kind.COUNT), Column(N_("Change (share)"), Kind.PERCENT),
         Column(N_("Avoidable"), Kind.YES_NO)),
        tuple(Row((names.label(r.label_id), r.last_week, r.this_week, r.change, r.ratio,
                   names.labels[r.label_id].avoidable),
                  {1: Drill(label_id=r.label_id, start=last[0], end=last[1]),
                   2: Drill(label_id=r.label_id, start=this[0], end=this[1])},
                  key=r.label_id) for r in rises),
        empty=N_("No question rose from last week to this with at least the minimum volume.")))
    page.facts.update(this_week=this, last_week=last, min_volume=settings.rising_min_volume)
    page.examples = stats.example_wordings(session, filters, names, [k for k, _ in top])
    page.examples.update(stats.example_wordings(
        session, filters, names, [r.label_id for r in rises if r.label_id not in page.examples],
        start=this[0], end=this[1]))
    return page


# --- Service selection (tjänsteurval) --------------------------------------------------------

def services(session: Session, filters: Filters, *, now: datetime, settings: Settings) -> Page:
    names = stats.load_names(session)
    page = Page("services", N_("Service selection"), filters)
    sums = stats.sum_by(stats.facts(session, filters, names), lambda f: f.label_id)
    columns = (LABEL, DEPARTMENT, Column(N_("ROSA level"), Kind.LEVEL),
               Column(N_("Contact centre has the mandate"), Kind.YES_NO), CONTACTS, FORWARDED,
               Column(N_("Share forwarded"), Kind.PERCENT))

    def table(key: str, title: str, levels: tuple[int, ...], note: str) -> Table:
        chosen = [(k, s) for k, s in sums.items()
                  if names.labels[k].rosa_level in levels and s[2] > 0]
        chosen.sort(key=lambda i: (-i[1][2], names.label(i[0])))
        return Table(key, title, columns, tuple(
            Row((names.label(k), names.department(names.labels[k].department_id),
                 names.labels[k].rosa_level, names.labels[k].mandate, s[0], s[2],
                 rate(s[2], s[0])),
                {4: Drill(label_id=k), 5: Drill(label_id=k, resolution=FWD)}, key=k)
            for k, s in chosen), note)

    page.add(table("transfer", N_("Level 3–4 questions still forwarded"), (3, 4),
                   N_("Candidates to transfer to the contact centre by agreement with the "
                      "department: the more often, the better the case for it.")))
    page.add(table("missing_answers", N_("Level 1–2 questions that were forwarded"), (1, 2),
                   N_("The contact centre answers these itself; a forwarded one points to a "
                      "missing knowledge-base answer or mandate.")))
    return page


# --- Department support report ---------------------------------------------------------------

def support(session: Session, filters: Filters, *, now: datetime, settings: Settings) -> Page:
    names = stats.load_names(session)
    page = Page("support", N_("Support to the departments"), filters)
    months = {m.start: m for m in buckets(filters.start, filters.end, Granularity.MONTH)}
    counts = stats.support_counts(session, filters, names)
    rows, totals = [], {}
    for (d, m), (fc, fwd) in sorted(counts.items(), key=lambda i: (names.department(i[0][0]),
                                                                    i[0][1])):
        span = {"start": months[m].start, "end": months[m].end}
        rows.append(Row((names.department(d), months[m], *_support_cells(fc, fwd)),
                        _support_links(d, 2, span)))
        t = totals.setdefault(d, [0, 0])
        t[0], t[1] = t[0] + fc, t[1] + fwd
    page.add(Table("support", N_("Support per department and month"),
                   (DEPARTMENT, Column(N_("Month"), Kind.PERIOD), *SUPPORT_COLUMNS), tuple(rows),
                   SUPPORT_NOTE))
    page.add(Table("support_totals", N_("Support per department, whole period"),
                   (DEPARTMENT, *SUPPORT_COLUMNS),
                   tuple(Row((names.department(d), *_support_cells(fc, fwd)),
                             _support_links(d, 1, {}))
                         for d, (fc, fwd) in sorted(totals.items(),
                                                    key=lambda i: names.department(i[0]))),
                   SUPPORT_NOTE))
    return page


def _support_cells(fc: int, fwd: int) -> tuple[int, int, int]:
    return fc, fwd, fc + fwd


def _support_links(d: int, first: int, span: dict) -> dict[int, Drill]:
    return {first: Drill(label_department_id=d, resolution=FC, **span),
            first + 1: Drill(department_id=d, resolution=FWD, **span),
            first + 2: Drill(support_department_id=d, **span)}


SUPPORT_COLUMNS = (
    Column(N_("Answered at first contact for the department"), Kind.COUNT),
    Column(N_("Forwarded to the department"), Kind.COUNT),
    Column(N_("Total"), Kind.COUNT),
)
SUPPORT_NOTE = N_("Answered at first contact: contacts the contact centre resolved itself about "
                  "a label the department owns. Forwarded: cases sent on to the department's "
                  "groups (where they are now). The basis for invoicing.")


# --- Forwarded although the contact centre could answer ("vidareskickat trots mandat") ------

AGENT = Column(N_("Agent"))
OVERRIDES = Column(N_("Forwarded anyway"), Kind.COUNT)
MAIN_REASON = Column(N_("Most given reason"), Kind.TITLE)


def overrides(session: Session, filters: Filters, *, now: datetime, settings: Settings) -> Page:
    """Overrides per label and per agent, with the reasons: a label forwarded this way again
    and again lacks an answer or a mandate; an agent doing it often may need support."""
    names = stats.load_names(session)
    page = Page("overrides", N_("Forwarded anyway"), filters)
    found = overrides_stats.override_facts(session, stats.case_conditions(filters, names))
    total = sum(f.cases for f in stats.facts(session, filters, names))
    page.figures = [
        KeyFigure(N_("Forwarded anyway"), len(found), Kind.COUNT, Drill(overridden=True)),
        KeyFigure(N_("Share of all contacts"), rate(len(found), total), Kind.PERCENT),
    ]
    agents = names.users
    by_label = _grouped(found, lambda f: f.label_id)
    page.add(Table("override_labels", N_("Forwarded anyway, per label"),
                   (LABEL, DEPARTMENT, OVERRIDES, MAIN_REASON), tuple(
                       Row((names.label(k), names.department(names.labels[k].department_id)
                            if k in names.labels else "–", len(fs), _main_reason(fs)),
                           {2: Drill(overridden=True, label_id=k)}, key=k)
                       for k, fs in _by_size(by_label, names.label))))
    by_agent = _grouped(found, lambda f: f.agent_id)
    page.add(Table("override_agents", N_("Forwarded anyway, per agent"),
                   (AGENT, OVERRIDES, MAIN_REASON), tuple(
                       Row((agents.get(k, "–"), len(fs), _main_reason(fs)),
                           {1: Drill(overridden=True, agent_id=k)}, key=k)
                       for k, fs in _by_size(by_agent, lambda k: agents.get(k, "")))))
    by_reason = _grouped(found, lambda f: f.reason)
    page.add(Table("override_reasons", N_("Reasons given"),
                   (Column(N_("Reason"), Kind.TITLE), OVERRIDES), tuple(
                       Row((_reason_title(k), len(fs)),
                           {1: Drill(overridden=True, override_reason=k)}, key=k)
                       for k, fs in _by_size(by_reason, _reason_title))))
    page.add(Table("override_words", N_("In the agents' own words, latest first"),
                   (Column(N_("Date"), Kind.DATE), LABEL, AGENT,
                    Column(N_("Reason"), Kind.TITLE), Column(N_("Words"))), tuple(
                       Row((local_day(f.at), names.label(f.label_id), agents.get(f.agent_id, "–"),
                            _reason_title(f.reason), f.note), key=f.case_id)
                       for f in found if f.note)[:settings.top * 2],
                   empty=N_("No agent wrote a reason in their own words.")))
    return page


def _grouped(found, key) -> dict:
    out: dict = {}
    for fact in found:
        out.setdefault(key(fact), []).append(fact)
    return out


def _by_size(groups: dict, name) -> list:
    return sorted(groups.items(), key=lambda item: (-len(item[1]), name(item[0])))


def _main_reason(found) -> str:
    counts: dict[str, int] = {}
    for fact in found:
        counts[fact.reason] = counts.get(fact.reason, 0) + 1
    return _reason_title(max(sorted(counts), key=counts.__getitem__))


def _reason_title(reason: str) -> str:
    try:
        return OVERRIDE_REASON_TITLES[OverrideReason(reason)]
    except ValueError:
        return N_("No reason recorded")


PAGES: dict[str, Callable[..., Page]] = {
    "overview": overview, "avoidable": avoidable, "services": services, "support": support,
    "overrides": overrides}
