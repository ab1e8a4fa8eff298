"""A handler's group queues: open cases of their groups, urgent first, then by deadline.

The status filter also offers the groups' finished cases ("resolved or closed", received in the
last DONE_DAYS days, the latest resolved first),
and `/queues/search` is the case look-up scoped by `visible_cases`, so a handler finds the
department's cases, closed ones included, when a citizen calls back.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import render_template, request
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from app.access import visible_cases
from app.casework.page import load_case, render_case
from app.extensions import db
from app.queues import bp
from app.services.lookup import find_cases
from models import Case, Label
from rosa.vocabulary import OPEN_STATUSES, CaseStatus

PAGE_SIZE = 50
AGES = {"1": 1, "3": 3, "7": 7, "30": 30}  # "older than N days"
QUEUE_STATUSES = (CaseStatus.FORWARDED, CaseStatus.IN_PROGRESS, CaseStatus.WAITING,
                  CaseStatus.RETURNED)
DONE = "done"  # the status filter's "resolved or closed"
DONE_STATUSES = (CaseStatus.RESOLVED, CaseStatus.CLOSED)
# Finished cases pile up for ever (84,000 in three groups at a million cases), so the filter
# lists those received in the last DONE_DAYS; older ones are found with the look-up.
DONE_DAYS = 90


class QueueFilters:
    """The queue's filters, read leniently from the query string (bad values are ignored)."""

    def __init__(self, args, group_ids: list[int]):
        group = args.get("group", "")
        self.group_id = int(group) if group.isdigit() and int(group) in group_ids else None
        self.status = args.get("status") if args.get("status") in {
            s.value for s in QUEUE_STATUSES} | {DONE} else ""
        label = args.get("label", "")
        self.label_id = int(label) if label.isdigit() else None
        self.age = args.get("age") if args.get("age") in AGES else ""
        self.claim = args.get("claim") if args.get("claim") in ("mine", "unclaimed") else ""
        self.sort = "received" if args.get("sort") == "received" else "deadline"
        if self.status == DONE:
            self.sort = "finished"
        page = args.get("page", "1")
        self.page = max(1, min(int(page), 10_000)) if page.isdigit() else 1

    def apply(self, query, user, group_ids: list[int], now: datetime):
        query = query.where(Case.group_id.in_([self.group_id] if self.group_id else group_ids))
        if self.status == DONE:
            # `urgent IN (false, true)` matches every case, but lets the database range-scan
            # ix_cases_queue (group, status, urgent, created_at) on the date: without it every
            # finished case of the groups is read (250 ms instead of 16 at a million cases).
            query = query.where(Case.status.in_(DONE_STATUSES), Case.urgent.in_([False, True]),
                                Case.created_at >= now - timedelta(days=DONE_DAYS))
        else:
            query = query.where(Case.status == self.status if self.status
                                else Case.status.in_(OPEN_STATUSES))
        if self.label_id:
            query = query.where(Case.label_id == self.label_id)
        if self.age:
            query = query.where(Case.created_at < now - timedelta(days=AGES[self.age]))
        if self.claim == "mine":
            query = query.where(Case.claimed_by_id == user.id)
        elif self.claim == "unclaimed":
            query = query.where(Case.claimed_by_id.is_(None))
        return query

    def args(self, **override) -> dict:
        current = {"group": self.group_id or "", "status": self.status,
                   "label": self.label_id or "", "age": self.age, "claim": self.claim,
                   "sort": self.sort if self.sort == "received" else ""}
        current.update(override)
        return {k: v for k, v in current.items() if v not in ("", None)}


_ORDER = {
    # Cases without a deadline (none yet for old data) sort after those with one.
    "deadline": (Case.urgent.desc(), Case.feedback_due_at.is_(None), Case.feedback_due_at,
                 Case.created_at, Case.id),
    "received": (Case.urgent.desc(), Case.created_at, Case.id),
    "finished": (Case.resolved_at.desc(), Case.id.desc()),  # the latest resolved first
}


@bp.get("/")
def index():
    user = current_user._get_current_object()
    groups = sorted(user.groups, key=lambda g: (g.department.name, g.name))
    group_ids = [g.id for g in groups]
    filters = QueueFilters(request.args, group_ids)
    now = datetime.now(UTC)
    counts = _counts(group_ids, user.id)
    query = filters.apply(visible_cases(user), user, group_ids, now)
    total = db.session.scalar(query.with_only_columns(func.count(Case.id))) if group_ids else 0
    cases = _page_of_cases(query, filters) if group_ids else []
    labels = db.session.execute(
        select(Label.id, Label.name).where(Label.group_id.in_(group_ids))
        .order_by(Label.name)).all() if group_ids else []
    return render_template(
        "queues/index.html", groups=groups, counts=counts, cases=cases, total=total,
        filters=filters, labels=labels, statuses=QUEUE_STATUSES, done=DONE, done_days=DONE_DAYS,
        ages=AGES,
        pages=max(1, -(-total // PAGE_SIZE)), now=now)


def _page_of_cases(query, filters: QueueFilters) -> list[Case]:
    """One page in queue order: pick the ids on the cases table alone, then load those rows
    with their label, group, citizen and handler (joining before the LIMIT made SQLite join
    every open case of the queue)."""
    ids = db.session.scalars(query.with_only_columns(Case.id).order_by(*_ORDER[filters.sort])
                             .limit(PAGE_SIZE).offset((filters.page - 1) * PAGE_SIZE)).all()
    if not ids:
        return []
    loaded = db.session.scalars(
        select(Case).where(Case.id.in_(ids))
        .options(joinedload(Case.label).joinedload(Label.case_type), joinedload(Case.group),
                 joinedload(Case.customer), joinedload(Case.claimed_by))).unique().all()
    by_id = {case.id: case for case in loaded}
    return [by_id[case_id] for case_id in ids]


def _counts(group_ids: list[int], user_id: int) -> dict[int, dict[str, int]]:
    """Per group: open, unclaimed, urgent and mine, in one grouped query."""
    if not group_ids:
        return {}
    rows = db.session.execute(
        select(Case.group_id, func.count(Case.id),
               func.count(Case.id).filter(Case.claimed_by_id.is_(None)),
               func.count(Case.id).filter(Case.urgent.is_(True)),
               func.count(Case.id).filter(Case.claimed_by_id == user_id))
        .where(Case.group_id.in_(group_ids), Case.status.in_(OPEN_STATUSES))
        .group_by(Case.group_id)).all()
    return {group_id: {"open": n, "unclaimed": unclaimed, "urgent": urgent, "mine": mine}
            for group_id, n, unclaimed, urgent, mine in rows}


@bp.get("/cases/<reference>")
def case_detail(reference: str):
    return render_case(load_case(reference))



@bp.get("/search")
def lookup():
    """Find a case by reference, phone, e-mail or name among the cases the user may see."""
    query = request.args.get("q", "").strip()[:200]
    kind, cases = find_cases(db.session, current_user, query) if query else (None, [])
    return render_template("cases/lookup.html", query=query, kind=kind, cases=cases,
                           case_endpoint="queues.case_detail")
