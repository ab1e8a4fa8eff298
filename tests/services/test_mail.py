"""The e-mail outbox against a real SMTP server: headers, dedupe, races, outages, give-up."""

from __future__ import annotations

import logging
import threading
from datetime import timedelta
from email.utils import parsedate_to_datetime

import pytest
from sqlalchemy import func, select, update

from app.extensions import db
from app.services.mail import (
    MAX_ATTEMPTS,
    deliver_pending,
    outbox_counts,
    queue_mail,
    send_after_commit,
)
from models import OutgoingMail
from tests.smtp import free_port, start_smtp_server

SUBJECT = "Ärende KC-2026-000042: soptunnan är inte tömd"
BODY = "Hej Åsa Öberg!\n\nVi återkommer inom två arbetsdagar.\n\nMed vänliga hälsningar\n"


def _queue(session, now, to="asa@example.se", **kwargs):
    values = {"subject": SUBJECT, "body": BODY, **kwargs}
    return queue_mail(session, to=to, now=now, **values)


def _rows(session):
    session.rollback()
    return session.scalars(select(OutgoingMail).order_by(OutgoingMail.id)).all()


def _down(config) -> dict:
    return {**config, "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": free_port()}


def test_queued_mail_arrives_intact_with_proper_headers(session, data_app, now, smtp_server):
    """Queue → commit → deliver: the server gets one UTF-8 text mail, å ä ö intact."""
    mail = _queue(session, now)
    session.commit()
    report = deliver_pending(session, config=data_app.config, now=now + timedelta(seconds=5))
    assert (report.sent, report.failed) == (1, 0)
    [message] = smtp_server.wait_for(1)
    assert message["From"] == "kontaktcenter@exempelkommun.se"
    assert message["To"] == "asa@example.se"
    assert message["Subject"] == SUBJECT
    assert parsedate_to_datetime(message["Date"]) == now + timedelta(seconds=5)
    assert message["Message-ID"].startswith(f"<outbox.{mail.id}.")
    assert message["Message-ID"].endswith("@exempelkommun.se>")
    assert message.get_content_type() == "text/plain"
    assert message.get_content_charset() == "utf-8"
    assert message["Content-Transfer-Encoding"] == "quoted-printable"  # 7-bit safe
    assert message.get_content().replace("\r\n", "\n") == BODY  # SMTP lines end in CRLF
    assert smtp_server.envelopes == [("kontaktcenter@exempelkommun.se", ["asa@example.se"])]
    [row] = _rows(session)
    assert (row.sent_at, row.attempts, row.last_error) == (now + timedelta(seconds=5), 1, None)


def test_mail_of_a_rolled_back_change_is_never_sent(session, data_app, now, smtp_server):
    """The outbox row lives in the caller's transaction: rolled back, nothing goes out."""
    _queue(session, now)
    session.rollback()
    assert deliver_pending(session, config=data_app.config, now=now).sent == 0
    assert smtp_server.messages == []


def test_a_line_break_in_the_subject_cannot_inject_headers(session, data_app, now, smtp_server):
    """Subjects are folded onto one line when queued."""
    _queue(session, now, subject="Hej\r\nBcc: spion@example.com")
    session.commit()
    deliver_pending(session, config=data_app.config, now=now)
    [message] = smtp_server.wait_for(1)
    assert message["Subject"] == "Hej Bcc: spion@example.com" and message["Bcc"] is None


def test_same_dedupe_key_is_queued_and_sent_once(session, data_app, now, smtp_server):
    """Queuing a key twice adds nothing the second time; one mail arrives."""
    assert _queue(session, now, dedupe_key="reminder:42") is not None
    assert _queue(session, now, dedupe_key="reminder:42") is None
    session.commit()
    assert _queue(session, now, dedupe_key="reminder:42") is None
    session.commit()
    deliver_pending(session, config=data_app.config, now=now)
    deliver_pending(session, config=data_app.config, now=now)
    assert len(smtp_server.wait_for(1)) == 1
    assert len(_rows(session)) == 1


def _in_threads(data_app, count, work):
    """Run work(db.session) in `count` threads at once, each with its own app context."""
    barrier = threading.Barrier(count)
    results, errors = [], []

    def run():
        try:
            with data_app.app_context():
                barrier.wait(timeout=10)
                results.append(work(db.session))
                db.session.commit()
        except Exception as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    return results


def test_two_processes_queuing_the_same_key_leave_one_row(session, data_app, now):
    """Concurrent sessions insert the same dedupe_key: one wins, the other gets None."""
    results = _in_threads(data_app, 4, lambda s: _queue(s, now, dedupe_key="escalation:7"))
    assert sum(r is not None for r in results) == 1
    assert session.scalar(select(func.count(OutgoingMail.id))) == 1


def test_two_deliverers_at_once_send_every_mail_exactly_once(session, data_app, now,
                                                              smtp_server):
    """Two sessions deliver the same outbox in parallel: each mail arrives once."""
    for i in range(12):
        _queue(session, now, to=f"person{i}@example.se")
    session.commit()
    smtp_server.delay = 0.03  # keep both deliverers busy at the same time
    reports = _in_threads(data_app, 2, lambda s: deliver_pending(
        s, config=data_app.config, now=now))
    assert sum(r.sent for r in reports) == 12 and sum(r.failed for r in reports) == 0
    messages = smtp_server.wait_for(12)
    assert sorted(m["To"] for m in messages) == sorted(f"person{i}@example.se" for i in range(12))
    assert len({m["Message-ID"] for m in messages}) == 12
    assert all(r.sent_at is not None and r.attempts == 1 for r in _rows(session))


def test_a_row_being_sent_by_another_deliverer_is_left_alone(session, data_app, now,
                                                             smtp_server):
    """Claimed but without a result (attempts > 0, no error): never sent a second time."""
    mail = _queue(session, now)
    session.commit()
    session.execute(update(OutgoingMail).where(OutgoingMail.id == mail.id).values(attempts=1))
    session.commit()
    assert deliver_pending(session, config=data_app.config, now=now).sent == 0
    assert smtp_server.messages == []
    assert outbox_counts(session).in_flight == 1


def test_smtp_down_keeps_mail_pending_and_a_later_run_sends_it(session, data_app, now,
                                                                smtp_server):
    """No server: the row keeps its attempts and records the error; the batch stops early."""
    for i in range(3):
        _queue(session, now, to=f"person{i}@example.se")
    session.commit()
    report = deliver_pending(session, config=_down(data_app.config), now=now)
    assert (report.sent, report.failed) == (0, 1)
    first, second, third = _rows(session)
    assert first.sent_at is None and first.attempts == 0
    assert "ConnectionRefusedError" in first.last_error
    assert second.last_error is None and third.last_error is None
    assert outbox_counts(session).pending == 3

    report = deliver_pending(session, config=data_app.config, now=now)
    assert (report.sent, report.failed) == (3, 0)
    assert len(smtp_server.wait_for(3)) == 3
    assert all(r.sent_at == now and r.last_error is None for r in _rows(session))


def test_a_temporary_refusal_is_retried_and_given_up_after_five(session, data_app, now,
                                                                 smtp_server):
    """4xx: each run uses one attempt; after MAX_ATTEMPTS the row counts as failed."""
    smtp_server.refuse["busy@example.se"] = "450 4.2.0 Mailbox busy"
    _queue(session, now, to="busy@example.se")
    session.commit()
    for _run in range(MAX_ATTEMPTS + 2):
        deliver_pending(session, config=data_app.config, now=now)
    assert smtp_server.rcpt_seen == MAX_ATTEMPTS
    [row] = _rows(session)
    assert row.attempts == MAX_ATTEMPTS and row.sent_at is None and "450" in row.last_error
    counts = outbox_counts(session)
    assert (counts.pending, counts.in_flight, counts.failed) == (0, 0, 1)


def test_a_permanent_refusal_gives_up_at_once_and_the_batch_goes_on(session, data_app, now,
                                                                    smtp_server):
    """5xx for one address: that row is given up; the next mail still goes out."""
    smtp_server.refuse["nobody@example.se"] = "550 5.1.1 No such user"
    _queue(session, now, to="nobody@example.se")
    _queue(session, now, to="anna@example.se")
    session.commit()
    report = deliver_pending(session, config=data_app.config, now=now)
    assert (report.sent, report.failed) == (1, 1)
    refused, delivered = _rows(session)
    assert refused.attempts == MAX_ATTEMPTS and "550" in refused.last_error
    assert delivered.sent_at == now
    assert [m["To"] for m in smtp_server.wait_for(1)] == ["anna@example.se"]


# Plain-text AUTH is fine on the loopback test server (production uses MAIL_USE_TLS).
@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning")
def test_logs_in_when_a_username_is_configured(session, data_app, now):
    """MAIL_USERNAME set: AUTH with the configured password; a wrong one keeps mail pending."""
    _queue(session, now)
    session.commit()
    with start_smtp_server(users={"kc": "hemligt-losen"}) as server:
        config = {**server.config(), "MAIL_USERNAME": "kc", "MAIL_PASSWORD": "fel"}
        assert deliver_pending(session, config=config, now=now).failed == 1
        assert "SMTPAuthenticationError" in _rows(session)[0].last_error
        config["MAIL_PASSWORD"] = "hemligt-lösen"  # smtplib cannot send non-ASCII secrets
        assert deliver_pending(session, config=config, now=now).failed == 1
        assert "UnicodeEncodeError" in _rows(session)[0].last_error
        config["MAIL_PASSWORD"] = "hemligt-losen"
        assert deliver_pending(session, config=config, now=now).sent == 1
        assert server.logins[0] == ("kc", "fel") and server.logins[-1] == ("kc", "hemligt-losen")
        assert len(server.wait_for(1)) == 1
        assert _rows(session)[0].attempts == 1  # failed log-ins used no attempt


def test_send_after_commit_delivers_only_what_was_just_committed(session, data_app, now,
                                                                 smtp_server):
    """Older pending mail is left to `flask mail send`; this transaction's mail goes now."""
    with data_app.app_context():  # an earlier request, with its own session
        _queue(db.session, now, to="older@example.se")
        db.session.commit()
    _queue(session, now, to="new@example.se")
    with pytest.raises(RuntimeError):
        send_after_commit()
    session.commit()
    report = send_after_commit()
    assert (report.sent, report.failed) == (1, 0)
    assert [m["To"] for m in smtp_server.wait_for(1)] == ["new@example.se"]
    assert send_after_commit() is None  # nothing new since


def test_send_after_commit_survives_smtp_down_and_logs(session, data_app, now, caplog,
                                                       monkeypatch):
    """SMTP down after commit: a warning, no exception, and the mail stays pending."""
    monkeypatch.setitem(data_app.config, "MAIL_PORT", free_port())
    _queue(session, now)
    session.commit()
    with caplog.at_level(logging.WARNING, logger="app.services.mail"):
        report = send_after_commit()
    assert report.failed == 1
    assert "stay in the outbox" in caplog.text
    assert outbox_counts(session).pending == 1


def test_send_after_commit_does_nothing_when_mail_is_off(session, data_app, now, smtp_server,
                                                         monkeypatch):
    """MAIL_ENABLED off: nothing is sent; the mail waits in the outbox."""
    monkeypatch.setitem(data_app.config, "MAIL_ENABLED", False)
    _queue(session, now)
    session.commit()
    assert send_after_commit() is None
    assert smtp_server.messages == [] and outbox_counts(session).pending == 1


def test_mail_commands_send_and_report_status(session, now, app, data_app, runner,
                                              smtp_server, monkeypatch):
    """`flask mail send` delivers; `flask mail status` counts; an outage exits with 1."""
    _queue(session, now)
    session.commit()
    status = runner.invoke(args=["mail", "status"])
    assert status.exit_code == 0 and "Väntar: 1" in status.output
    sent = runner.invoke(args=["mail", "send"])
    assert sent.exit_code == 0, sent.output
    assert len(smtp_server.wait_for(1)) == 1
    assert "Skickade: 1" in runner.invoke(args=["mail", "status"]).output

    _queue(session, now, to="other@example.se")
    session.commit()
    port = free_port()  # the command runs in whichever app context is active
    for application in (app, data_app):
        monkeypatch.setitem(application.config, "MAIL_PORT", port)
    failed = runner.invoke(args=["mail", "send"])
    assert failed.exit_code == 1
