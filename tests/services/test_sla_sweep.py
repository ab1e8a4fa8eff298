"""The deadline sweep: reminders when due soon, escalations when overdue, each exactly once."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.services.intake import log_contact
from app.services.mail import deliver_pending
from app.services.sla_sweep import SlaStage, sweep
from models import Case, Notification, OutgoingMail, group_members
from rosa.intake import ContactDraft, CustomerDraft
from rosa.vocabulary import Role
from tests import factories

NOW = datetime(2026, 11, 25, 13, 0, tzinfo=UTC)


@pytest.fixture
def staff(session, world):
    """A group lead with e-mail in the streets group, and the department's manager."""
    lead = factories.user(session, "ledare", Role.HANDLER, department_code="tekn",
                          groups=("tekn-gata",))
    lead.email = "ledare@exempelkommun.se"
    boss = factories.user(session, "chef-tekn", Role.MANAGER, department_code="tekn")
    boss.email = "chef.tekn@exempelkommun.se"
    session.flush()
    session.execute(group_members.update().where(group_members.c.user_id == lead.id)
                    .values(is_lead=True))
    world.streets_group.email = "gata@exempelkommun.se"
    session.commit()
    return lead, boss


def forwarded(session, world, *, due_in: timedelta, soon_in: timedelta) -> Case:
    draft = ContactDraft(channel="phone", citizen_words="Olja på gatan",
                         customer=CustomerDraft(name="Eva Ek", phone="0701234567"))
    case = log_contact(session, world.agent, draft, world.labels["routine_no_mandate"].id,
                       now=NOW - timedelta(days=2)).case
    case.feedback_due_at, case.feedback_due_soon_at = NOW + due_in, NOW + soon_in
    case.sla_stage = 0
    session.commit()
    return case


def _count(session, model, **where) -> int:
    session.rollback()
    query = select(func.count()).select_from(model)
    for key, value in where.items():
        query = query.where(getattr(model, key) == value)
    return session.scalar(query)


def test_due_soon_reminds_the_group_by_notification_and_mail(session, world, staff,
                                                            smtp_server, data_app):
    """Inside the last working hours the group is reminded, in the app and by e-mail."""
    case = forwarded(session, world, due_in=timedelta(hours=3), soon_in=timedelta(hours=-1))
    report = sweep(session, now=NOW)
    assert (report.reminded, report.escalated) == (1, 0)
    assert _count(session, Notification, kind="deadline_due_soon") == 2  # handler and lead
    deliver_pending(session, config=data_app.config, now=NOW)
    mails = smtp_server.wait_for(1)
    assert [m["To"] for m in mails] == ["gata@exempelkommun.se"]
    assert case.reference in mails[0]["Subject"] and "snart" in mails[0]["Subject"]
    assert session.get(Case, case.id).sla_stage == SlaStage.REMINDED


def test_overdue_escalates_to_the_group_lead_and_department_manager(session, world, staff,
                                                                   smtp_server, data_app):
    """After the deadline the lead and the manager hear of it, each once."""
    lead, boss = staff
    case = forwarded(session, world, due_in=timedelta(hours=-1), soon_in=timedelta(hours=-5))
    case.sla_stage = SlaStage.REMINDED
    session.commit()
    report = sweep(session, now=NOW)
    assert (report.reminded, report.escalated) == (0, 1)
    session.rollback()
    told = set(session.scalars(select(Notification.user_id).where(
        Notification.kind == "deadline_overdue")))
    assert told == {lead.id, boss.id}
    deliver_pending(session, config=data_app.config, now=NOW)
    addresses = sorted(m["To"] for m in smtp_server.wait_for(2))
    assert addresses == ["chef.tekn@exempelkommun.se", "ledare@exempelkommun.se"]


def test_sweeping_again_sends_nothing_new(session, world, staff):
    """A second sweep at the same or a later moment repeats no alert."""
    forwarded(session, world, due_in=timedelta(hours=3), soon_in=timedelta(hours=-1))
    sweep(session, now=NOW)
    before = (_count(session, Notification), _count(session, OutgoingMail))
    again = sweep(session, now=NOW + timedelta(minutes=1))
    assert (again.reminded, again.escalated) == (0, 0)
    assert (_count(session, Notification), _count(session, OutgoingMail)) == before


def test_catch_up_after_downtime_escalates_without_a_late_reminder(session, world, staff):
    """Down through the due-soon window: the overdue case gets the escalation only."""
    forwarded(session, world, due_in=timedelta(hours=-2), soon_in=timedelta(hours=-6))
    report = sweep(session, now=NOW)
    assert (report.reminded, report.escalated) == (0, 1)
    assert _count(session, Notification, kind="deadline_due_soon") == 0


def test_feedback_given_or_resolved_cases_are_left_alone(session, world, staff):
    """A message to the citizen met the deadline: no alerts."""
    case = forwarded(session, world, due_in=timedelta(hours=-1), soon_in=timedelta(hours=-5))
    case.feedback_given_at = NOW - timedelta(hours=6)
    session.commit()
    assert sweep(session, now=NOW).examined == 0
    assert _count(session, Notification) == 0


def test_two_sweeps_at_the_same_time_alert_exactly_once(app, data_app, session, world, staff):
    """Two processes sweeping at once: every case is reminded once, never twice."""
    cases = [forwarded(session, world, due_in=timedelta(hours=2), soon_in=timedelta(hours=-1))
             for _ in range(12)]
    barrier = threading.Barrier(2)
    reports = []

    def run(application):
        with application.app_context():
            barrier.wait()
            reports.append(sweep(db.session, now=NOW))
            db.session.remove()

    threads = [threading.Thread(target=run, args=(a,)) for a in (app, data_app)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sum(r.reminded for r in reports) == len(cases)
    session.rollback()
    per_case = session.execute(select(Notification.case_id, func.count()).where(
        Notification.kind == "deadline_due_soon").group_by(Notification.case_id)).all()
    assert len(per_case) == len(cases) and {n for _id, n in per_case} == {2}
    assert _count(session, OutgoingMail) == len(cases)  # one to the group mailbox per case


def test_flask_sla_sweep_runs_once_and_reports(runner, session, world, staff):
    """`flask sla sweep` is the one-shot form of the scheduler's job."""
    forwarded(session, world, due_in=timedelta(days=-1), soon_in=timedelta(days=-1, hours=-4))
    result = runner.invoke(args=["sla", "sweep"])
    assert result.exit_code == 0, result.output
    assert "1 eskaleringar" in result.output or "1 escalations" in result.output
