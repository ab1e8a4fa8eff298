"""Notifications: one per user, exactly once with a key, group mail, leads, read state."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import event, func, select

from app.services.intake import log_contact
from app.services.mail import deliver_pending
from app.services.notifications import (
    URGENT_CASE,
    department_managers,
    group_leads,
    list_for,
    mark_read,
    notify_group,
    notify_users,
    unread_count,
)
from models import Notification, OutgoingMail
from rosa.intake import ContactDraft, CustomerDraft
from rosa.vocabulary import Role
from tests.factories import staff


@pytest.fixture
def case(session, world, now):
    draft = ContactDraft(channel="phone", citizen_words="Det läcker olja på gatan",
                         customer=CustomerDraft(name="Eva Ek", phone="0701234567"))
    created = log_contact(session, world.agent, draft, world.labels["routine_no_mandate"].id,
                          now=now).case
    session.commit()
    return created


@pytest.fixture
def streets(session, world):
    """The streets group: the world's handler, a lead with e-mail, one without, one retired."""
    people = {
        "lead": staff(session, "gunilla", Role.HANDLER, department_code="tekn",
                      groups=("tekn-gata",), email="gunilla@exempelkommun.se",
                      lead_of=("tekn-gata",)),
        "quiet": staff(session, "olof", Role.HANDLER, department_code="tekn",
                       groups=("tekn-gata",)),
        "retired": staff(session, "bertil", Role.HANDLER, department_code="tekn",
                         groups=("tekn-gata",), email="bertil@exempelkommun.se", active=False),
    }
    session.commit()
    return people


def _data(case):
    return {"reference": case.reference, "label": "Gata/Park › Oljeläckage › Felanmälan"}


def _count(session, model):
    return session.scalar(select(func.count(model.id)))


def test_notify_users_creates_one_row_per_distinct_user(session, world, case, now):
    """Users or ids, repeated or not: each user gets exactly one notification."""
    created = notify_users(session, [world.handler, world.manager.id, world.handler.id],
                           kind=URGENT_CASE, case_id=case.id, data=_data(case), now=now)
    session.commit()
    assert created == 2
    rows = session.scalars(select(Notification).order_by(Notification.user_id)).all()
    assert {r.user_id for r in rows} == {world.handler.id, world.manager.id}
    assert rows[0].data == _data(case) and rows[0].kind == URGENT_CASE
    assert rows[0].created_at == now and rows[0].read_at is None and rows[0].dedupe_key is None


def test_a_dedupe_key_notifies_each_user_once_even_when_run_again(session, world, case, now):
    """Re-running with the same key adds nothing; a user added to the list later gets one."""
    args = dict(kind=URGENT_CASE, case_id=case.id, data=_data(case), now=now,
                dedupe_key=f"urgent:{case.id}")
    assert notify_users(session, [world.handler], **args) == 1
    session.commit()
    assert notify_users(session, [world.handler], **args) == 0
    assert notify_users(session, [world.handler, world.manager], **args) == 1
    session.commit()
    keys = set(session.scalars(select(Notification.dedupe_key)))
    assert keys == {f"urgent:{case.id}:{world.handler.id}", f"urgent:{case.id}:{world.manager.id}"}


def test_notify_group_reaches_active_members_and_mails_the_group_mailbox(
        session, world, case, streets, now, data_app, smtp_server):
    """One notification per active member; one e-mail to the shared mailbox, sent once."""
    world.streets_group.email = "gata@exempelkommun.se"
    session.commit()
    args = dict(kind=URGENT_CASE, case_id=case.id, data=_data(case), now=now,
                dedupe_key=f"urgent:{case.id}", mail_subject=f"Brådskande ärende {case.reference}",
                mail_body="Ett brådskande ärende väntar i kön Gata och park.")
    assert notify_group(session, world.streets_group, **args) == 3
    session.commit()
    notified = set(session.scalars(select(Notification.user_id)))
    assert notified == {world.handler.id, streets["lead"].id, streets["quiet"].id}

    assert notify_group(session, world.streets_group, **args) == 0  # the sweep ran again
    session.commit()
    assert _count(session, Notification) == 3 and _count(session, OutgoingMail) == 1
    deliver_pending(session, config=data_app.config, now=now)
    [message] = smtp_server.wait_for(1)
    assert message["To"] == "gata@exempelkommun.se"
    assert message["Subject"] == f"Brådskande ärende {case.reference}"
    assert "väntar i kön" in message.get_content()


def test_without_a_group_mailbox_each_member_with_an_address_is_mailed(
        session, world, case, streets, now):
    """No group e-mail: one message per active member who has an address, once per key."""
    for _run in range(2):
        notify_group(session, world.streets_group, kind=URGENT_CASE, case_id=case.id,
                     data=_data(case), now=now, dedupe_key="k", mail_subject="Ämne")
        session.commit()
    mails = session.scalars(select(OutgoingMail)).all()
    assert [(m.to_address, m.subject, m.body, m.case_id) for m in mails] == [
        ("gunilla@exempelkommun.se", "Ämne", "Ämne", case.id)]


def test_notify_group_without_mail_subject_sends_no_mail(session, world, case, streets, now):
    """In-app only unless a subject is given."""
    notify_group(session, world.streets_group, kind=URGENT_CASE, case_id=case.id,
                 data=_data(case), now=now)
    session.commit()
    assert _count(session, OutgoingMail) == 0 and _count(session, Notification) == 3


def test_group_leads_and_department_managers(session, world, streets):
    """Leads are marked members; managers are the department's active managers."""
    assert group_leads(session, world.streets_group) == [streets["lead"]]
    assert group_leads(session, world.waste_group) == []
    boss = staff(session, "teknikchef", Role.MANAGER, department_code="tekn")
    staff(session, "fd-chef", Role.MANAGER, department_code="tekn", active=False)
    session.commit()
    assert department_managers(session, world.tech) == [boss]
    assert department_managers(session, world.contact_centre) == [world.manager]


def test_read_state_is_per_user_and_only_the_owner_can_mark(session, world, case, now):
    """Counts, newest-first lists and marking read never cross from one user to another."""
    for minutes in range(3):
        notify_users(session, [world.handler, world.agent], kind=URGENT_CASE, case_id=case.id,
                     data={"reference": case.reference, "label": str(minutes)},
                     now=now + timedelta(minutes=minutes))
    session.commit()
    mine = list_for(session, world.handler)
    assert [n.data["label"] for n in mine] == ["2", "1", "0"]
    assert unread_count(session, world.handler) == 3
    theirs = list_for(session, world.agent)
    assert mark_read(session, world.handler, [theirs[0].id], now) == 0
    assert mark_read(session, world.handler, [mine[0].id], now) == 1
    assert mark_read(session, world.handler, [mine[0].id], now) == 0  # already read
    session.commit()
    assert (unread_count(session, world.handler), unread_count(session, world.agent)) == (2, 3)
    assert mark_read(session, world.handler, "all", now) == 2
    session.commit()
    assert (unread_count(session, world.handler), unread_count(session, world.agent)) == (0, 3)
    assert list_for(session, world.handler, limit=1)[0].read_at == now


def test_unread_count_is_one_query_answered_from_the_index(session, world):
    """The header's COUNT is a single statement; on SQLite it reads only the covering index
    (PostgreSQL's planner may prefer a sequential scan on a tiny table, so its plan is not
    asserted)."""
    engine = session.get_bind()
    session.rollback()
    seen = []

    def capture(_conn, _cursor, statement, parameters, _context, _many):
        seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", capture)
    try:
        unread_count(session, world.handler)
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    [(statement, parameters)] = [q for q in seen if "notifications" in q[0]]
    if engine.dialect.name != "sqlite":
        return
    plan = session.connection().exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
    assert "USING COVERING INDEX ix_notifications_user_read" in " ".join(r[-1] for r in plan)
