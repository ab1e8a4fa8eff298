"""Keeping the statistics aggregate (models.statistics) in step with the cases.

A refresh finds the Stockholm days whose cases changed since the last one and recomputes each
such day, and its month, *as a whole* from `cases` (DELETE the day's rows, INSERT … SELECT …
GROUP BY), all in one transaction under a lock on the `stats_state` row. Nothing is ever
incremented, so refreshing twice, or in two processes at once, cannot count anything twice;
the unique key on each table is the second line of defence.

Which days changed: every change of a case appends a `case_events` row (DESIGN invariant 2),
so the days are those of the cases behind events newer than the watermark. On PostgreSQL an
event with a lower id can become visible after one with a higher id (sequence values are
taken at INSERT, rows appear at COMMIT), so the watermark trails by OVERLAP: it only moves to
the newest event older than five minutes, and the events of the last minutes are looked at
again by the next refresh (a few hundred rows; a day recomputed twice is harmless). That
assumes no write transaction stays open longer than OVERLAP; `flask stats refresh --full`
rebuilds everything from scratch should that ever be in doubt.

Freshness: `refresh_statistics(max_age=…)` does nothing when the last refresh *started* less
than `max_age` ago, so the figures on a page include every change committed more than
`max_age` before it was rendered. The scheduler refreshes every STATS_REFRESH_SECONDS and the
dashboard refreshes lazily when the scheduler is not running.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Date, and_, case, delete, func, insert, literal, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from models import Case, CaseEvent, DailyStat, MonthlyStat, StatsState
from models.statistics import COUNTS, KEY, NO_GROUP
from rosa.statistics import day_start, local_day, month_start, next_month

OVERLAP = timedelta(minutes=5)
# More new events than this since the last refresh (a bulk load): rebuild everything instead.
FULL_REBUILD_EVENTS = 300_000
STATE_ID = 1


@dataclass(frozen=True)
class RefreshReport:
    full: bool
    days: int
    months: int
    seconds: float


def _locked_state(session: Session) -> StatsState:
    """The state row, locked for this transaction (PostgreSQL: FOR UPDATE; SQLite: the write
    lock the caller's BEGIN IMMEDIATE holds). Created on first use."""
    query = (select(StatsState).where(StatsState.id == STATE_ID).with_for_update()
             .execution_options(populate_existing=True))
    state = session.scalar(query)
    if state is None:
        dialect = {"postgresql": postgresql, "sqlite": sqlite}[session.get_bind().dialect.name]
        session.execute(dialect.insert(StatsState).values(
            id=STATE_ID, refreshed_at=None, event_watermark=0, days_recomputed=0, seconds=0.0)
            .on_conflict_do_nothing(index_elements=["id"]))
        state = session.scalar(query)
    return state


def _day_statement(day: date):
    """INSERT the aggregate rows of one Stockholm day, computed from `cases`."""
    start, end = day_start(day), day_start(day + timedelta(days=1))
    given, due = Case.feedback_given_at, Case.feedback_due_at
    with_both = and_(given.is_not(None), due.is_not(None))
    group = func.coalesce(Case.group_id, NO_GROUP)
    dims = (Case.label_id, Case.channel, Case.department_id, group, Case.resolution,
            Case.rosa_level)
    rows = (select(literal(day, Date()), *dims, func.count(Case.id),
                   func.coalesce(func.sum(case((Case.reroute_count > 0, 1), else_=0)), 0),
                   func.count(due),
                   func.coalesce(func.sum(case((and_(with_both, given <= due), 1), else_=0)), 0),
                   func.coalesce(func.sum(case((and_(with_both, given > due), 1), else_=0)), 0),
                   func.coalesce(func.sum(case((Case.action_ordered, 1), else_=0)), 0),
                   func.coalesce(func.sum(case((Case.reclassify_count > 0, 1), else_=0)), 0))
            .where(Case.created_at >= start, Case.created_at < end)
            .group_by(*dims))
    return insert(DailyStat).from_select(["day", *KEY, *COUNTS], rows)


def _month_statement(month: date):
    """INSERT the month's roll-up, summed from its daily rows."""
    dims = [getattr(DailyStat, name) for name in KEY]
    sums = [func.sum(getattr(DailyStat, name)) for name in COUNTS]
    rows = (select(literal(month, Date()), *dims, *sums)
            .where(DailyStat.day >= month, DailyStat.day < next_month(month))
            .group_by(*dims))
    return insert(MonthlyStat).from_select(["month", *KEY, *COUNTS], rows)


def recompute_days(session: Session, days: Iterable[date]) -> tuple[int, int]:
    """Recompute the given days and their months in the caller's transaction.

    Returns (days, months) recomputed.
    """
    days = sorted(set(days))
    for day in days:
        session.execute(delete(DailyStat).where(DailyStat.day == day))
        session.execute(_day_statement(day))
    months = sorted({month_start(day) for day in days})
    for month in months:
        session.execute(delete(MonthlyStat).where(MonthlyStat.month == month))
        session.execute(_month_statement(month))
    return len(days), len(months)


def _safe_watermark(session: Session, newest: int, now: datetime) -> int | None:
    """The newest event id at or below `newest` written more than OVERLAP before `now`."""
    return session.scalar(select(CaseEvent.id)
                          .where(CaseEvent.id <= newest, CaseEvent.at < now - OVERLAP)
                          .order_by(CaseEvent.id.desc()).limit(1))


def _changed_days(session: Session, since_event: int) -> set[date]:
    # IN (subquery), not a join: the planner must start from the few new events.
    changed = select(CaseEvent.case_id).where(CaseEvent.id > since_event)
    created = session.scalars(select(Case.created_at).distinct().where(Case.id.in_(changed)))
    return {local_day(instant) for instant in created}


def is_fresh(state: StatsState | None, *, now: datetime, max_age: timedelta) -> bool:
    return (state is not None and state.refreshed_at is not None
            and state.refreshed_at > now - max_age)


def refresh_statistics(session: Session, *, now: datetime, max_age: timedelta | None = None,
                       checkpoint: Callable[[], None] | None = None) -> RefreshReport | None:
    """Bring the aggregate up to date in the caller's transaction; None if already fresh.

    The caller must have started a write transaction (SQLite) and commits. A database that
    was never aggregated, or got a bulk load since, is rebuilt in full.
    """
    started = time.perf_counter()
    state = _locked_state(session)
    if max_age is not None and is_fresh(state, now=now, max_age=max_age):
        return None
    newest = session.scalar(select(func.max(CaseEvent.id))) or 0
    if state.refreshed_at is None or newest - state.event_watermark > FULL_REBUILD_EVENTS:
        return rebuild_statistics(session, now=now, checkpoint=checkpoint)
    days, months = recompute_days(session, _changed_days(session, state.event_watermark))
    watermark = _safe_watermark(session, newest, now)
    state.event_watermark = max(state.event_watermark, watermark or 0)
    return _finish(state, now=now, full=False, days=days, months=months, started=started)


def rebuild_statistics(session: Session, *, now: datetime,
                       checkpoint: Callable[[], None] | None = None) -> RefreshReport:
    """Recompute every day that has cases, month by month, and drop all other rows.

    `checkpoint` (the CLI passes a commit) runs after each month, so a long rebuild holds
    SQLite's write lock a month at a time; each month is still recomputed as a whole in one
    transaction. The state records the watermark taken *before* the first read, so changes
    made during the rebuild are picked up by the next refresh.
    """
    started = time.perf_counter()
    state = _locked_state(session)
    newest = session.scalar(select(func.max(CaseEvent.id))) or 0
    watermark = _safe_watermark(session, newest, now) or 0
    first, last = session.execute(select(func.min(Case.created_at),
                                         func.max(Case.created_at))).one()
    days = months = 0
    if first is None:
        session.execute(delete(DailyStat))
        session.execute(delete(MonthlyStat))
    else:
        first_day, last_day = local_day(first), local_day(last)
        session.execute(delete(DailyStat).where((DailyStat.day < month_start(first_day))
                                                | (DailyStat.day >= next_month(last_day))))
        session.execute(delete(MonthlyStat).where(
            (MonthlyStat.month < month_start(first_day)) | (MonthlyStat.month > last_day)))
        month = month_start(first_day)
        while month <= last_day:
            if checkpoint is not None:
                checkpoint()
                _locked_state(session)
            span = (next_month(month) - month).days
            counted = recompute_days(session, (month + timedelta(days=i) for i in range(span)))
            days, months = days + counted[0], months + counted[1]
            month = next_month(month)
        if checkpoint is not None:
            checkpoint()
            state = _locked_state(session)
    state.event_watermark = watermark
    return _finish(state, now=now, full=True, days=days, months=months, started=started)


def _finish(state: StatsState, *, now: datetime, full: bool, days: int, months: int,
            started: float) -> RefreshReport:
    seconds = time.perf_counter() - started
    state.refreshed_at = now
    state.days_recomputed = days
    state.seconds = round(seconds, 3)
    return RefreshReport(full=full, days=days, months=months, seconds=seconds)
