"""The managers' figures: read from the aggregate where they can be, live where they must be.

Counts per label, channel, department, group, resolution and ROSA level come from
`stats_daily` / `stats_monthly` (kept fresh by app.services.statistics_refresh): whole months
of the selected range from the monthly roll-up, the days at its edges from the daily table.
What depends on the present moment is counted live on indexed, small sets: cases past their
feedback deadline without feedback, and the open cases per queue.

Every figure has a drill-down (`drill_query`) that selects exactly the cases it counted; the
tests hold the two to each other. Departments are the case's current department (a re-routed
case counts for the department that has it now), except in the support report, where cases
answered at first contact count for the department that owns their label.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import Select, and_, case, func, or_, select
from sqlalchemy.orm import Session

from app.services.statistics_overrides import override_exists
from models import (
    Case,
    CaseType,
    Contact,
    DailyStat,
    Department,
    Function,
    Group,
    Label,
    MonthlyStat,
    User,
)
from models.statistics import COUNTS, KEY, NO_GROUP
from rosa.statistics import (
    Bucket,
    Compliance,
    Drill,
    Feedback,
    Filters,
    Granularity,
    bucket_start,
    buckets,
    granularity_for,
    median,
    month_start,
    range_bounds,
    split_by_month,
)
from rosa.vocabulary import OPEN_STATUSES, Resolution

FC, FWD = Resolution.FIRST_CONTACT.value, Resolution.FORWARDED.value


@dataclass(frozen=True)
class LabelInfo:
    id: int
    name: str
    path: str
    function_id: int
    department_id: int
    rosa_level: int
    mandate: bool
    avoidable: bool


@dataclass(frozen=True)
class Names:
    """The taxonomy one page needs, loaded once: names and facts by id."""

    labels: dict[int, LabelInfo]
    functions: dict[int, str]
    departments: dict[int, str]
    groups: dict[int, tuple[str, int]]  # id -> (name, department id)
    users: dict[int, str] = field(default_factory=dict)  # id -> full name (agents on pages)

    def labels_where(self, **facts: object) -> list[int]:
        return [label.id for label in self.labels.values()
                if all(getattr(label, k) == v for k, v in facts.items())]

    def department(self, department_id: int | None) -> str:
        return self.departments.get(department_id or 0, "–")

    def group(self, group_id: int | None) -> str:
        return self.groups.get(group_id or 0, ("–", 0))[0]

    def user(self, user_id: int | None) -> str:
        return self.users.get(user_id or 0, "–")

    def label(self, label_id: int) -> str:
        info = self.labels.get(label_id)
        return info.path if info else f"#{label_id}"


def load_names(session: Session) -> Names:
    rows = session.execute(
        select(Label.id, Label.name, Label.department_id, Label.rosa_level, Label.mandate,
               Label.avoidable, CaseType.name, Function.id, Function.name)
        .join(CaseType, Label.case_type_id == CaseType.id)
        .join(Function, CaseType.function_id == Function.id)).all()
    labels = {r[0]: LabelInfo(r[0], r[1], " › ".join((r[8], r[6], r[1])), r[7], r[2], r[3],
                              r[4], r[5]) for r in rows}
    return Names(
        labels=labels,
        functions=dict(session.execute(select(Function.id, Function.name)).all()),
        departments=dict(session.execute(select(Department.id, Department.name)).all()),
        groups={gid: (name, dep) for gid, name, dep in session.execute(
            select(Group.id, Group.name, Group.department_id))},
        users=dict(session.execute(select(User.id, User.full_name)).all()),
    )


# --- The aggregate ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Fact:
    """The counts of one combination of the aggregate's key over the selected range."""

    label_id: int
    channel: str
    department_id: int
    group_id: int  # NO_GROUP for none
    resolution: str
    rosa_level: int
    cases: int
    rerouted: int
    with_deadline: int
    in_time: int
    late: int
    orders: int = 0  # answered at first contact and sent to the department for an action
    reclassified: int = 0  # moved to another label at least once


def _conditions(table, filters: Filters, names: Names) -> list:
    conditions = []
    if filters.department_id:
        conditions.append(table.department_id == filters.department_id)
    if filters.channel:
        conditions.append(table.channel == filters.channel)
    if filters.function_id:
        conditions.append(table.label_id.in_(names.labels_where(function_id=filters.function_id)))
    return conditions


def _parts(start: date, end: date) -> list[tuple[type, object, object]]:
    """(table, period column, condition) covering [start, end]: months, then edge days."""
    months, edges = split_by_month(start, end)
    parts: list[tuple[type, object, object]] = []
    if months:
        parts.append((MonthlyStat, MonthlyStat.month,
                      MonthlyStat.month.between(months[0], months[-1])))
    # One query per edge: SQLite reads two ranges OR-ed together twice as slowly.
    parts += [(DailyStat, DailyStat.day, DailyStat.day.between(a, b)) for a, b in edges]
    return parts


def facts(session: Session, filters: Filters, names: Names, *,
          start: date | None = None, end: date | None = None) -> list[Fact]:
    """The counts over the range (the filters', or [start, end]) by the whole key."""
    merged: dict[tuple, list[int]] = {}
    for table, _period, in_range in _parts(start or filters.start, end or filters.end):
        dims = [getattr(table, name) for name in KEY]
        rows = session.execute(
            select(*dims, *(func.sum(getattr(table, name)) for name in COUNTS))
            .where(in_range, *_conditions(table, filters, names)).group_by(*dims))
        for row in rows:
            sums = merged.setdefault(tuple(row[:len(KEY)]), [0] * len(COUNTS))
            for i, value in enumerate(row[len(KEY):]):
                sums[i] += int(value or 0)
    return [Fact(*key, *sums) for key, sums in merged.items()]


@dataclass(frozen=True)
class SeriesPoint:
    bucket: Bucket
    total: int
    first_contact: int


def fcr_series(session: Session, filters: Filters, names: Names) -> list[SeriesPoint]:
    """Contacts and contacts resolved at first contact per day, week or month of the range."""
    granularity = granularity_for(filters.start, filters.end)
    spans = buckets(filters.start, filters.end, granularity)
    totals: dict[date, list[int]] = {b.start: [0, 0] for b in spans}
    parts = (_parts(filters.start, filters.end) if granularity is Granularity.MONTH else
             [(DailyStat, DailyStat.day, DailyStat.day.between(filters.start, filters.end))])
    for table, period, in_range in parts:
        rows = session.execute(
            select(period, table.resolution, func.sum(table.cases))
            .where(in_range, *_conditions(table, filters, names))
            .group_by(period, table.resolution))
        for day, resolution, count in rows:
            key = max(filters.start, bucket_start(day, granularity))
            totals[key][0] += int(count)
            if resolution == FC:
                totals[key][1] += int(count)
    return [SeriesPoint(b, *totals[b.start]) for b in spans]


def support_counts(session: Session, filters: Filters, names: Names
                   ) -> dict[tuple[int, date], list[int]]:
    """Per (department, month): [answered at first contact, forwarded].

    Answered at first contact counts for the department that owns the label (joined from
    `labels`, so the database sums per department); forwarded for the case's department.
    """
    out: dict[tuple[int, date], list[int]] = {}
    for table, period, in_range in _parts(filters.start, filters.end):
        department = case((table.resolution == FC, Label.department_id),
                          else_=table.department_id)
        rows = session.execute(
            select(period, department, table.resolution, func.sum(table.cases))
            .join(Label, Label.id == table.label_id)
            .where(in_range, *_conditions(table, filters, names))
            .group_by(period, department, table.resolution))
        for day, department_id, resolution, count in rows:
            sums = out.setdefault((department_id, max(filters.start, month_start(day))), [0, 0])
            sums[0 if resolution == FC else 1] += int(count)
    return out


def label_weeks(session: Session, filters: Filters, names: Names, this: tuple[date, date],
                last: tuple[date, date]) -> tuple[dict[int, int], dict[int, int]]:
    """Contacts per label in two periods (this week, last week), from the daily table."""
    out: tuple[dict[int, int], dict[int, int]] = ({}, {})
    for counts, (start, end) in zip(out, (this, last), strict=True):
        rows = session.execute(
            select(DailyStat.label_id, func.sum(DailyStat.cases))
            .where(DailyStat.day.between(start, end),
                   *_conditions(DailyStat, filters, names))
            .group_by(DailyStat.label_id))
        counts.update({label_id: int(n) for label_id, n in rows})
    return out


# --- Live figures ----------------------------------------------------------------------------
#
# Both read a small, indexed set in full and filter it here: cases without feedback past their
# deadline (the partial index ix_cases_feedback_pending) and open cases per group (ix_cases_queue).
# Filtering in SQL would invite the planner to walk a department's or a day range's cases
# instead (measured: a second at a million cases).

def _case_conditions(filters: Filters, names: Names, *, dated: bool = True) -> list:
    conditions = _conditions(Case, filters, names)
    if dated:
        start, end = range_bounds(filters.start, filters.end)
        conditions += [Case.created_at >= start, Case.created_at < end]
    return conditions


def _overdue_condition(now: datetime):
    return and_(Case.feedback_given_at.is_(None), Case.feedback_due_at.is_not(None),
                Case.feedback_due_at < now)


class _Matcher:
    """The filters as a test on (label id, channel, department id, created at) in Python."""

    def __init__(self, filters: Filters, names: Names, *, dated: bool) -> None:
        self.filters = filters
        self.labels = (set(names.labels_where(function_id=filters.function_id))
                       if filters.function_id else None)
        self.bounds = range_bounds(filters.start, filters.end) if dated else None

    def __call__(self, label_id: int, channel: str, department_id: int,
                 created_at: datetime) -> bool:
        f = self.filters
        return ((not f.department_id or department_id == f.department_id)
                and (not f.channel or channel == f.channel)
                and (self.labels is None or label_id in self.labels)
                and (self.bounds is None or self.bounds[0] <= created_at < self.bounds[1]))


def overdue(session: Session, filters: Filters, names: Names, *, now: datetime
            ) -> dict[tuple[int, int], int]:
    """Cases of the range whose deadline passed without feedback, per (department, group)."""
    matches = _Matcher(filters, names, dated=True)
    out: dict[tuple[int, int], int] = defaultdict(int)
    rows = session.execute(select(Case.label_id, Case.channel, Case.department_id,
                                  Case.created_at, Case.group_id)
                           .where(_overdue_condition(now)))
    for label_id, channel, department_id, created_at, group_id in rows:
        if matches(label_id, channel, department_id, created_at):
            out[(department_id, group_id or NO_GROUP)] += 1
    return dict(out)


@dataclass(frozen=True)
class QueueAge:
    group_id: int
    open: int
    oldest: datetime
    median_days: float | None

    def oldest_days(self, now: datetime) -> float:
        return (now - self.oldest).total_seconds() / 86400


def backlog(session: Session, filters: Filters, names: Names, *, now: datetime
            ) -> list[QueueAge]:
    """Open cases per group now (whenever they arrived), the oldest and the median age."""
    filtered = bool(filters.department_id or filters.channel or filters.function_id)
    matches = _Matcher(filters, names, dated=False)
    columns = [Case.group_id, Case.created_at]
    if filtered:
        columns += [Case.label_id, Case.channel, Case.department_id]
    received: dict[int, list[datetime]] = defaultdict(list)
    rows = session.connection().execute(  # Core: thousands of rows, no ORM needed
        select(*columns).where(Case.group_id.in_(list(names.groups)),
                               Case.status.in_(OPEN_STATUSES)))
    for row in rows:
        if not filtered or matches(row[2], row[3], row[4], row[1]):
            received[row[0]].append(row[1])
    return [QueueAge(group_id, len(times), min(times),
                     median([(now - t).total_seconds() / 86400 for t in times]))
            for group_id, times in received.items()]


def example_wordings(session: Session, filters: Filters, names: Names,
                     label_ids: Iterable[int], *, per_label: int = 3,
                     start: date | None = None, end: date | None = None) -> dict[int, list[str]]:
    """A few of the citizens' own words per label, newest first and each said once."""
    lo, hi = range_bounds(start or filters.start, end or filters.end)
    out: dict[int, list[str]] = {}
    base = _conditions(Case, filters, names)
    for label_id in label_ids:
        words = session.scalars(
            select(Contact.citizen_words).join(Case, Contact.case_id == Case.id)
            .where(Case.label_id == label_id, Case.created_at >= lo, Case.created_at < hi,
                   Contact.citizen_words != "", *base)
            .order_by(Case.created_at.desc()).limit(per_label * 4)).all()
        distinct: dict[str, str] = {}
        for text in (" ".join(w.split())[:240] for w in words):
            distinct.setdefault(text.casefold(), text)
        out[label_id] = list(distinct.values())[:per_label]
    return out


# --- Drill-down ------------------------------------------------------------------------------

def _feedback_condition(feedback: Feedback, now: datetime):
    given, due = Case.feedback_given_at, Case.feedback_due_at
    in_time = and_(given.is_not(None), due.is_not(None), given <= due)
    late = and_(given.is_not(None), due.is_not(None), given > due)
    return {
        Feedback.IN_TIME: in_time,
        Feedback.LATE: late,
        Feedback.OVERDUE: _overdue_condition(now),
        Feedback.MISSED: or_(late, _overdue_condition(now)),
        Feedback.DECIDED: or_(in_time, late, _overdue_condition(now)),
    }[feedback]


def drill_query(query: Select, filters: Filters, drill: Drill, names: Names, *,
                now: datetime) -> Select:
    """Narrow `query` (app.access.visible_cases) to the cases behind one figure."""
    query = query.where(*_case_conditions(filters, names, dated=not drill.open))
    if drill.open:
        query = query.where(Case.status.in_(OPEN_STATUSES), Case.group_id.is_not(None))
    if drill.resolution:
        query = query.where(Case.resolution == drill.resolution)
    if drill.label_id:
        query = query.where(Case.label_id == drill.label_id)
    if drill.label_department_id:
        query = query.where(Case.label_id.in_(
            names.labels_where(department_id=drill.label_department_id)))
    if drill.support_department_id:
        department = drill.support_department_id
        query = query.where(or_(
            and_(Case.resolution == FC,
                 Case.label_id.in_(names.labels_where(department_id=department))),
            and_(Case.resolution == FWD, Case.department_id == department)))
    if drill.rosa_level:
        query = query.where(Case.rosa_level == drill.rosa_level)
    if drill.group_id is not None:
        query = query.where(Case.group_id.is_(None) if drill.group_id == NO_GROUP
                            else Case.group_id == drill.group_id)
    if drill.rerouted:
        query = query.where(Case.reroute_count > 0)
    if drill.feedback:
        query = query.where(_feedback_condition(drill.feedback, now))
    if drill.avoidable:
        query = query.where(Case.label_id.in_(names.labels_where(avoidable=True)))
    if drill.ordered:
        query = query.where(Case.action_ordered.is_(True))
    if drill.reclassified:
        query = query.where(Case.reclassify_count > 0)
    if drill.overridden:
        query = query.where(override_exists(agent_id=drill.agent_id,
                                            reason=drill.override_reason))
    return query


def case_conditions(filters: Filters, names: Names) -> list:
    """The filters as conditions on cases (created in the period), for live counts."""
    return _case_conditions(filters, names)


# --- Sums over facts (pure helpers used by the pages) ----------------------------------------

def sum_by(rows: Iterable[Fact], key) -> dict:
    """cases, first contact, forwarded, rerouted, with deadline, in time, late, orders and
    reclassified per key."""
    out: dict = defaultdict(lambda: [0] * 9)
    for fact in rows:
        sums = out[key(fact)]
        sums[0] += fact.cases
        sums[1 if fact.resolution == FC else 2] += fact.cases
        sums[3] += fact.rerouted
        sums[4] += fact.with_deadline
        sums[5] += fact.in_time
        sums[6] += fact.late
        sums[7] += fact.orders
        sums[8] += fact.reclassified
    return dict(out)


def compliance_by(rows: Iterable[Fact], late_open: dict[tuple[int, int], int],
                  key) -> dict:
    """Compliance per key(department, group): aggregate in time / late + live overdue."""
    out: dict = defaultdict(Compliance)
    for fact in rows:
        if fact.in_time or fact.late:
            k = key(fact.department_id, fact.group_id)
            out[k] = out[k] + Compliance(fact.in_time, fact.late, 0)
    for (department_id, group_id), count in late_open.items():
        k = key(department_id, group_id)
        out[k] = out[k] + Compliance(0, 0, count)
    return dict(out)

