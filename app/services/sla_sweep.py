"""The minute sweep: remind the group when feedback is due soon, escalate when it is overdue.

Exactly once, whatever runs it: each alert first moves the case's `sla_stage` forward with a
conditional UPDATE (only one transaction can move it from a given stage), and the notifications
and e-mails it writes carry unique dedupe keys. Two sweeps at the same moment, or a sweep after
downtime, therefore alert each case at most once per stage. A sweep that finds a case already
overdue without a reminder (the scheduler was down) sends the escalation only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import IntEnum

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.services.notifications import department_managers, group_leads, notify_group, notify_users
from models import Case, Group
from models.base import write_transactions
from rosa.vocabulary import OPEN_STATUSES

BATCH = 200


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
    """Send every alert that is due at `now`; commits per case so work is never lost."""
    report = SweepReport()
    last_id = 0
    while True:
        rows = due_cases(session, now, after_id=last_id)
        session.rollback()  # end the read snapshot; the alerts are written below
        if not rows:
            return report
        last_id = rows[-1][0]
        report.examined += len(rows)
        due = [(case_id, stage, SlaStage.ESCALATED if due_at < now else SlaStage.REMINDED)
               for case_id, due_at, stage in rows]
        due = [row for row in due if row[2] > row[1]]
        if not due:
            continue
        # One write transaction per batch: all of its alerts or none (a crash means the next
        # sweep sends them), and far fewer commits than one per case.
        with write_transactions():
            for case_id, stage, target in due:
                if _alert(session, case_id, stage, target, now=now, locale=locale):
                    if target is SlaStage.ESCALATED:
                        report.escalated += 1
                    else:
                        report.reminded += 1
            session.commit()


def _alert(session: Session, case_id: int, seen: int, target: SlaStage, *, now: datetime,
           locale: str) -> bool:
    """Move the case's stage; if this transaction moved it, write its alerts."""
    moved = session.execute(
        update(Case).where(Case.id == case_id, Case.sla_stage == seen,
                           Case.feedback_given_at.is_(None))
        .values(sla_stage=target).execution_options(synchronize_session=False)).rowcount
    if moved != 1:
        return False  # another sweep got there first, or feedback was given meanwhile
    case = session.get(Case, case_id)
    group = session.get(Group, case.group_id) if case.group_id else None
    if group is None:
        return True
    data = {"reference": case.reference, "label": " › ".join(case.label.path),
            "due_at": case.feedback_due_at.isoformat()}
    with force_locale(locale):
        if target is SlaStage.REMINDED:
            subject = _("Feedback due soon: %(ref)s", ref=case.reference)
            body = _("The citizen in case %(ref)s (%(label)s) must have feedback by %(due)s. "
                     "Nobody has written to the citizen yet.",
                     ref=case.reference, label=data["label"], due=_local(case.feedback_due_at))
            notify_group(session, group, kind="deadline_due_soon", case_id=case.id, data=data,
                         now=now, dedupe_key=f"sla:{case.id}:due_soon", mail_subject=subject,
                         mail_body=body)
        else:
            subject = _("Feedback overdue: %(ref)s", ref=case.reference)
            body = _("The feedback deadline of case %(ref)s (%(label)s, group %(group)s) "
                     "passed at %(due)s without a message to the citizen.",
                     ref=case.reference, label=data["label"], group=group.name,
                     due=_local(case.feedback_due_at))
            people = {u.id: u for u in group_leads(session, group)}
            people.update({u.id: u for u in department_managers(session, group.department)})
            if people:
                notify_users(session, list(people.values()), kind="deadline_overdue",
                             case_id=case.id, data=data, now=now,
                             dedupe_key=f"sla:{case.id}:overdue")
                _mail_people(session, list(people.values()), case, subject, body, now)
            else:  # nobody to escalate to: the whole group hears it
                notify_group(session, group, kind="deadline_overdue", case_id=case.id,
                             data=data, now=now, dedupe_key=f"sla:{case.id}:overdue",
                             mail_subject=subject, mail_body=body)
    return True


def _mail_people(session, people, case, subject, body, now) -> None:
    from app.services.mail import queue_mail

    for person in people:
        if person.email:
            queue_mail(session, to=person.email, subject=subject, body=body, case_id=case.id,
                       dedupe_key=f"sla:{case.id}:overdue:mail:{person.id}", now=now)


def _local(moment: datetime) -> str:
    from zoneinfo import ZoneInfo

    return moment.astimezone(ZoneInfo("Europe/Stockholm")).strftime("%Y-%m-%d %H:%M")
