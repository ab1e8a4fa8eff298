"""The e-mail outbox: mail is queued in the transaction that causes it and sent after commit.

A change that is rolled back must never have mailed, and a mail server that is down must not
undo a handler's work; so `queue_mail` only adds an `OutgoingMail` row, and `deliver_pending`
(right after the commit through `send_after_commit`, from `flask mail send`, or from a job)
talks SMTP.

Exactly once, across processes:

* Queuing with a `dedupe_key` is an INSERT … ON CONFLICT DO NOTHING on its unique index, so
  two sweeps that both decide to send the same reminder leave one row.
* Delivering claims each row with a conditional UPDATE (attempts + 1, last_error cleared),
  committed before the SMTP conversation. A claimed row with no result yet (attempts > 0, no
  last_error, not sent) is *in flight*, and no other deliverer may claim it; a failed attempt
  writes last_error, which makes the row claimable again. A deliverer that dies mid-send
  leaves its row in flight for good: nobody knows whether it went out, and mailing a citizen
  twice is the worse mistake. `flask mail status` counts such rows.

Failures: a server that cannot be reached (connect, STARTTLS, login, sender refused) uses up
no attempt: the row stays pending with last_error and the batch stops. A message the server
refuses for now (4xx) or a connection lost mid-message uses one of MAX_ATTEMPTS; a permanent
refusal (5xx) gives up at once.

What staff are shown per e-mail (`delivery_states`, e.g. on a message in the case history):

* **sent** — the SMTP server accepted it (`sent_at` is set);
* **failed** — the outbox gave up: the server refused it for good (5xx, or it could not be
  written), or MAX_ATTEMPTS attempts were refused or broken off; nothing will retry it;
* **queued** — everything else: not tried yet, in flight, or waiting for a retry because the
  server could not be reached or said "later" (then `last_error` says why). The scheduler's
  sweep (`flask scheduler run`, every minute) and `flask mail send` retry it.
"""

from __future__ import annotations

import enum
import logging
import smtplib
import ssl
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from typing import Any, TypeVar

from sqlalchemy import Row, and_, case, event, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, scoped_session

from models import OutgoingMail
from models.base import write_transactions

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
_QUEUED = "envagin.mail.queued"  # session.info: ids queued in the open transaction
_COMMITTED = "envagin.mail.committed"  # ids committed, not yet handed to send_after_commit
_MAIL = OutgoingMail.__table__
_INSERTS = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}
M = TypeVar("M")


@dataclass(frozen=True)
class DeliveryReport:
    sent: int
    failed: int


class Delivery(enum.StrEnum):
    QUEUED = "queued"
    SENT = "sent"
    FAILED = "failed"


@dataclass(frozen=True)
class DeliveryState:
    """Where one e-mail stands, for staff (see the module docstring for the three states)."""

    state: Delivery
    last_error: str | None
    sent_at: datetime | None


@dataclass(frozen=True)
class OutboxCounts:
    pending: int
    in_flight: int
    sent: int
    failed: int


def insert_once(session: Session, model: type[M], values: Mapping[str, Any]) -> M | None:
    """INSERT unless a row with the same `dedupe_key` exists; the new object, or None.

    The database decides (ON CONFLICT DO NOTHING on the unique key), so two processes racing
    to add the same key cannot both win and neither sees an IntegrityError.
    """
    dialect = session.get_bind().dialect.name
    if dialect not in _INSERTS:
        raise RuntimeError(f"En väg in runs on SQLite or PostgreSQL, not {dialect}")
    statement = (_INSERTS[dialect](model).values(**values)
                 .on_conflict_do_nothing(index_elements=["dedupe_key"]).returning(model))
    return session.scalars(statement).one_or_none()


def queue_mail(
    session: Session, *, to: str, subject: str, body: str, case_id: int | None = None,
    dedupe_key: str | None = None, now: datetime,
) -> OutgoingMail | None:
    """Add an e-mail to the outbox in the caller's transaction; None if `dedupe_key` is taken.

    The subject is folded onto one line (a line break in a header would be refused at
    sending time, or worse, inject headers).
    """
    values = {"to_address": to.strip(), "subject": " ".join(subject.split())[:300],
              "body": body, "case_id": case_id, "dedupe_key": dedupe_key, "created_at": now,
              "attempts": 0}
    mail = insert_once(session, OutgoingMail, values)
    if mail is not None:
        session.info.setdefault(_QUEUED, []).append(mail.id)
    return mail


@event.listens_for(Session, "after_commit")
def _queued_mail_committed(session: Session) -> None:
    queued = session.info.pop(_QUEUED, None)
    if queued:
        session.info.setdefault(_COMMITTED, []).extend(queued)


@event.listens_for(Session, "after_rollback")
def _queued_mail_rolled_back(session: Session) -> None:
    session.info.pop(_QUEUED, None)


def send_after_commit() -> DeliveryReport | None:
    """Deliver the mail this request queued and committed, now; never fail the request.

    Called by a view after its commit. SMTP trouble is logged and the rows stay in the outbox
    for `flask mail send`; with MAIL_ENABLED off nothing is sent.
    """
    from flask import current_app

    from app.extensions import db

    session = db.session()
    if session.info.get(_QUEUED):
        raise RuntimeError("send_after_commit() before commit: the queued mail is not saved")
    ids = session.info.pop(_COMMITTED, None)
    if not ids or not current_app.config.get("MAIL_ENABLED", True):
        return None
    try:
        report = deliver_pending(session, config=current_app.config, now=datetime.now(UTC),
                                 limit=len(ids), ids=ids)
    except Exception:  # the user's change is saved; the outbox keeps the mail for later
        session.rollback()
        logger.warning("Queued e-mail %s not delivered after commit; it stays in the outbox",
                       ids, exc_info=True)
        return None
    if report.failed:
        logger.warning("%s queued e-mail(s) not delivered after commit; they stay in the "
                       "outbox for `flask mail send`", report.failed)
    return report


def deliver_pending(
    session: Session, *, config: Mapping, now: datetime, limit: int = 100,
    ids: Collection[int] | None = None,
) -> DeliveryReport:
    """Send up to `limit` claimable outbox rows (only `ids`, if given) over one SMTP session.

    Unlike other services this commits, row by row: a claim must be visible to other
    deliverers before the (slow) SMTP conversation starts. Call it with nothing unsaved.
    """
    if isinstance(session, scoped_session):
        session = session()
    if session.new or session.dirty or session.deleted:
        raise RuntimeError("deliver_pending() with unsaved changes: commit them first")
    if session.in_transaction():
        session.commit()  # end the read snapshot, so claims see other deliverers' claims
    query = select(_MAIL.c.id, _MAIL.c.attempts).where(_claimable()).order_by(_MAIL.c.id)
    if ids is not None:
        query = query.where(_MAIL.c.id.in_(list(ids)))
    candidates = session.execute(query.limit(limit)).all()
    session.commit()
    sent = failed = 0
    smtp = _Smtp(config)
    try:
        for row_id, seen in candidates:
            claimed = _claim(session, row_id, seen)
            if claimed is None:
                continue  # another deliverer got there first
            outcome = smtp.send(claimed, sender=config["MAIL_FROM"], now=now)
            _record(session, claimed, outcome, now)
            sent, failed = (sent + 1, failed) if outcome is None else (sent, failed + 1)
            if outcome is not None and outcome.stop:
                break
    finally:
        smtp.close()
        for obj in list(session.identity_map.values()):
            if isinstance(obj, OutgoingMail):
                session.expire(obj)  # they were changed behind the ORM's back
    return DeliveryReport(sent=sent, failed=failed)


def outbox_counts(session: Session) -> OutboxCounts:
    """How many rows wait, are being sent (or were lost mid-send), went out, or were given up."""
    unsent = _MAIL.c.sent_at.is_(None)
    in_flight = and_(unsent, _MAIL.c.attempts > 0, _MAIL.c.last_error.is_(None))
    failed = and_(unsent, _MAIL.c.attempts >= MAX_ATTEMPTS, _MAIL.c.last_error.is_not(None))

    def count(condition):
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    row = session.execute(select(count(_claimable()), count(in_flight),
                                 count(_MAIL.c.sent_at.is_not(None)), count(failed))).one()
    return OutboxCounts(*row)


def delivery_states(session: Session, ids: Collection[int | None]) -> dict[int, DeliveryState]:
    """The delivery state of each of these outbox rows, by id (unknown ids are left out)."""
    wanted = sorted({i for i in ids if isinstance(i, int)})
    if not wanted:
        return {}
    rows = session.execute(select(_MAIL.c.id, _MAIL.c.sent_at, _MAIL.c.attempts,
                                  _MAIL.c.last_error).where(_MAIL.c.id.in_(wanted))).all()
    return {row.id: DeliveryState(_state(row), row.last_error, row.sent_at) for row in rows}


def _state(row: Row) -> Delivery:
    """The same rule as `outbox_counts`: failed once no attempt is left and the last failed."""
    if row.sent_at is not None:
        return Delivery.SENT
    if row.attempts >= MAX_ATTEMPTS and row.last_error is not None:
        return Delivery.FAILED
    return Delivery.QUEUED


def _claimable():
    """Not sent, attempts left, and not in flight (never tried, or the last try failed)."""
    return and_(_MAIL.c.sent_at.is_(None), _MAIL.c.attempts < MAX_ATTEMPTS,
                or_(_MAIL.c.attempts == 0, _MAIL.c.last_error.is_not(None)))


def _claim(session: Session, row_id: int, seen: int) -> Row | None:
    """Take the row for this deliverer: only one UPDATE can match (id, attempts seen)."""
    with write_transactions():
        claimed = session.execute(
            update(_MAIL).where(_MAIL.c.id == row_id, _MAIL.c.attempts == seen, _claimable())
            .values(attempts=_MAIL.c.attempts + 1, last_error=None)
            .returning(_MAIL.c.id, _MAIL.c.to_address, _MAIL.c.subject, _MAIL.c.body,
                       _MAIL.c.created_at, _MAIL.c.attempts)
        ).first()
        session.commit()
    return claimed


class _Kind(enum.Enum):
    UNREACHABLE = "unreachable"  # nothing was tried: hand the attempt back, stop the batch
    TEMPORARY = "temporary"  # the server said "later" (4xx): one attempt used
    BROKEN = "broken"  # connection lost mid-message: one attempt used, stop the batch
    PERMANENT = "permanent"  # refused for good (5xx) or cannot be written: give up


@dataclass(frozen=True)
class _Failure:
    kind: _Kind
    error: str

    @property
    def stop(self) -> bool:
        return self.kind in (_Kind.UNREACHABLE, _Kind.BROKEN)


def _record(session: Session, claimed: Row, failure: _Failure | None, now: datetime) -> None:
    """Write the outcome of one claimed row; the claim's attempt count guards the UPDATE."""
    if failure is None:
        values: dict[str, Any] = {"sent_at": now, "last_error": None}
    else:
        logger.warning("E-mail %s not sent (%s): %s", claimed.id, failure.kind.value,
                       failure.error)
        values = {"last_error": failure.error}
        if failure.kind is _Kind.UNREACHABLE:
            values["attempts"] = claimed.attempts - 1
        elif failure.kind is _Kind.PERMANENT:
            values["attempts"] = MAX_ATTEMPTS
    with write_transactions():
        session.execute(update(_MAIL).where(_MAIL.c.id == claimed.id,
                                            _MAIL.c.attempts == claimed.attempts,
                                            _MAIL.c.sent_at.is_(None)).values(**values))
        session.commit()


def build_message(claimed: Row, *, sender: str, now: datetime) -> EmailMessage:
    """A plain-text UTF-8 message; the Message-ID is fixed per outbox row, retries included."""
    domain = parseaddr(sender)[1].rpartition("@")[2] or "localhost"
    message = EmailMessage()
    message["From"] = sender
    message["To"] = claimed.to_address
    message["Subject"] = claimed.subject
    message["Date"] = format_datetime(now.astimezone(UTC))
    message["Message-ID"] = (f"<outbox.{claimed.id}.{int(claimed.created_at.timestamp())}"
                             f"@{domain}>")
    message.set_content(claimed.body, charset="utf-8", cte="quoted-printable")
    return message


class _Smtp:
    """One SMTP session for a batch, opened when the first message is ready."""

    def __init__(self, config: Mapping) -> None:
        self.config = config
        self.client: smtplib.SMTP | None = None

    def send(self, claimed: Row, *, sender: str, now: datetime) -> _Failure | None:
        try:
            message = build_message(claimed, sender=sender, now=now)
        except (ValueError, TypeError) as error:
            return _Failure(_Kind.PERMANENT, _describe(error))
        if self.client is None:
            try:
                self.client = self._connect()
            except Exception as error:  # nothing was sent yet, whatever went wrong
                return _Failure(_Kind.UNREACHABLE, _describe(error))
        try:
            self.client.send_message(message)
        except smtplib.SMTPSenderRefused as error:  # MAIL_FROM is wrong: no message would go
            return _Failure(_Kind.UNREACHABLE, _describe(error))
        except smtplib.SMTPRecipientsRefused as error:
            codes = [code for code, _text in error.recipients.values()]
            return _Failure(_Kind.PERMANENT if min(codes, default=500) >= 500
                            else _Kind.TEMPORARY, _describe(error))
        except smtplib.SMTPResponseException as error:
            return _Failure(_Kind.PERMANENT if error.smtp_code >= 500 else _Kind.TEMPORARY,
                            _describe(error))
        except Exception as error:  # lost mid-message (or a bug): retry, but not now
            self.client.close()
            self.client = None
            return _Failure(_Kind.BROKEN, _describe(error))
        return None

    def _connect(self) -> smtplib.SMTP:
        config = self.config
        client = smtplib.SMTP(config["MAIL_SERVER"], int(config["MAIL_PORT"]),
                              timeout=float(config.get("MAIL_TIMEOUT", 10)))
        try:
            client.ehlo_or_helo_if_needed()
            if config.get("MAIL_USE_TLS"):
                client.starttls(context=ssl.create_default_context())
            if config.get("MAIL_USERNAME"):
                client.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD", ""))
        except BaseException:
            client.close()
            raise
        return client

    def close(self) -> None:
        if self.client is None:
            return
        try:
            self.client.quit()
        except (OSError, smtplib.SMTPException):
            self.client.close()
        self.client = None


def _describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"[:1000]
