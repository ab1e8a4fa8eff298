"""The minute sweep: remind the group when feedback is due soon, escalate when it is overdue.

Exactly once, whatever runs it: a batch of alerts first moves the cases' `sla_stage` forward
with one conditional UPDATE … RETURNING (only the transaction that moved a case from its stage
gets it back), and the notifications and e-mails it writes carry unique dedupe keys. Two
sweeps at the same moment, or a sweep after downtime, therefore alert each case at most once
per stage. A sweep that finds a case already overdue without a reminder (the scheduler was
down) sends the escalation only.

Work is done per batch of cases in one write transaction: a handful of statements whatever
the batch size, and a crash mid-batch commits nothing, so the next sweep sends the batch.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import IntEnum
from zoneinfo import ZoneInfo

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, joinedload

from app.services.notifications import active_members, department_managers, group_leads
from models import Case, CaseType, Group, Label, Notification, OutgoingMail, User
from models.base import write_transactions
from rosa.vocabulary import OPEN_STATUSES

BATCH = 500
STOCKHOLM = ZoneInfo("Europe/Stockholm")


class SlaStage(IntEnum):
    NONE = 0
    REMINDED = 1
    ESCALATED = 2


@dataclass
class SweepReport:
    examined: int = 0
    reminded: int = 0
    escalated: int = 0


def due_cases(session: Session, now: datetime, *, after_id: int = 0, limit: int = BATCH):
    """Open cases without feedback whose next alert is due, in id order (the pending index)."""
    return session.execute(
        select(Case.id, Case.feedback_due_at, Case.sla_stage)
        .where(Case.feedback_given_at.is_(None), Case.feedback_due_at.is_not(None),
               Case.feedback_due_soon_at <= now, Case.sla_stage < SlaStage.ESCALATED,
               Case.status.in_(OPEN_STATUSES), Case.id > after_id)
        .order_by(Case.id).limit(limit)).all()


def sweep(session: Session, *, now: datetime, locale: str = "sv") -> SweepReport:
    """Send every alert that is due at `now`, batch by batch."""
    report = SweepReport()
    people = _People(session)
    last_id = 0
    while True:
        rows = due_cases(session, now, after_id=last_id)
        session.rollback()  # end the read snapshot; the batch is written below
        if not rows:
            return report
        last_id = rows[-1][0]
        report.examined += len(rows)
        wanted: dict[tuple[int, SlaStage], list[int]] = {}
        for case_id, due_at, stage in rows:
            target = SlaStage.ESCALATED if due_at < now else SlaStage.REMINDED
            if target > stage:
                wanted.setdefault((stage, target), []).append(case_id)
        if not wanted:
            continue
        with write_transactions():
            alerts = _Alerts(session, now, locale, people)
            for (seen, target), case_ids in wanted.items():
                for case in _claim(session, case_ids, seen, target):
                    alerts.add(case, target)
                    if target is SlaStage.ESCALATED:
                        report.escalated += 1
                    else:
                        report.reminded += 1
            alerts.write()
            session.commit()


def _claim(session: Session, case_ids: list[int], seen: int, target: SlaStage) -> list[Case]:
    """Move the cases this transaction may alert; return them loaded for the messages."""
    moved = session.scalars(
        update(Case).where(Case.id.in_(case_ids), Case.sla_stage == seen,
                           Case.feedback_given_at.is_(None))
        .values(sla_stage=target).returning(Case.id)
        .execution_options(synchronize_session=False)).all()
    if not moved:
        return []  # another sweep got there first, or feedback was given meanwhile
    return list(session.scalars(
        select(Case).where(Case.id.in_(moved)).order_by(Case.id)
        .options(joinedload(Case.label).joinedload(Label.case_type)
                 .joinedload(CaseType.function),
                 joinedload(Case.group).joinedload(Group.department))).unique())


class _People:
    """Who hears of a group's cases, read once per sweep rather than once per case."""

    def __init__(self, session: Session):
        self.session = session
        self._cache: dict[tuple[str, int], list[User]] = {}

    def _get(self, kind: str, group: Group, load: Callable) -> list[User]:
        key = (kind, group.id)
        if key not in self._cache:
            self._cache[key] = load()
        return self._cache[key]

    def members(self, group: Group) -> list[User]:
        return self._get("members", group, lambda: active_members(self.session, group))

    def escalation(self, group: Group) -> list[User]:
        def load():
            found = {u.id: u for u in group_leads(self.session, group)}
            found.update({u.id: u for u in department_managers(self.session, group.department)})
            return list(found.values())

        return self._get("escalation", group, load)


class _Alerts:
    """The notifications and e-mails of one batch, inserted in two statements."""

    def __init__(self, session: Session, now: datetime, locale: str, people: _People):
        self.session, self.now, self.locale, self.people = session, now, locale, people
        self.notifications: list[dict] = []
        self.mails: list[dict] = []

    def add(self, case: Case, target: SlaStage) -> None:
        group = case.group
        if group is None:
            return
        label = " › ".join(case.label.path)
        data = {"reference": case.reference, "label": label,
                "due_at": case.feedback_due_at.isoformat()}
        due = case.feedback_due_at.astimezone(STOCKHOLM).strftime("%Y-%m-%d %H:%M")
        with force_locale(self.locale):
            if target is SlaStage.REMINDED:
                kind, key = "deadline_due_soon", f"sla:{case.id}:due_soon"
                subject = _("Feedback due soon: %(ref)s", ref=case.reference)
                body = _("The citizen in case %(ref)s (%(label)s) must have feedback by "
                         "%(due)s. Nobody has written to the citizen yet.",
                         ref=case.reference, label=label, due=due)
                told = self.people.members(group)
                mailbox = group.email
            else:
                kind, key = "deadline_overdue", f"sla:{case.id}:overdue"
                subject = _("Feedback overdue: %(ref)s", ref=case.reference)
                body = _("The feedback deadline of case %(ref)s (%(label)s, group %(group)s) "
                         "passed at %(due)s without a message to the citizen.",
                         ref=case.reference, label=label, group=group.name, due=due)
                told = self.people.escalation(group)
                mailbox = None
                if not told:  # nobody to escalate to: the whole group hears it
                    told, mailbox = self.people.members(group), group.email
        for user in told:
            self.notifications.append({
                "user_id": user.id, "case_id": case.id, "kind": kind, "data": data,
                "dedupe_key": f"{key}:{user.id}", "created_at": self.now})
        recipients = [(mailbox, "group")] if mailbox else [
            (user.email, str(user.id)) for user in told if user.email]
        for address, who in recipients:
            self.mails.append({
                "to_address": address, "subject": " ".join(subject.split())[:300],
                "body": body, "case_id": case.id, "dedupe_key": f"{key}:mail:{who}",
                "created_at": self.now, "attempts": 0})

    def write(self) -> None:
        for model, rows in ((Notification, self.notifications), (OutgoingMail, self.mails)):
            if rows:
                self.session.execute(_insert_ignoring_duplicates(self.session, model), rows)


def _insert_ignoring_duplicates(session: Session, model):
    """INSERT … ON CONFLICT (dedupe_key) DO NOTHING, for many rows at once."""
    dialect = session.get_bind().dialect.name
    make = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}.get(dialect)
    if make is None:  # pragma: no cover - only SQLite and PostgreSQL are supported
        return insert(model)
    return make(model).on_conflict_do_nothing(index_elements=["dedupe_key"])
