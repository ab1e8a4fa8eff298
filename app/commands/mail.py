"""`flask mail send [--limit N]` and `flask mail status`: the e-mail outbox by hand or cron.

`send` exits with status 1 when a message could not be sent (so cron and monitoring notice);
the message stays in the outbox and the next run tries again.
"""

from __future__ import annotations

from datetime import UTC, datetime

import click
from flask import current_app
from flask.cli import AppGroup
from flask_babel import gettext as _

from app.extensions import db
from app.services.mail import MAX_ATTEMPTS, deliver_pending, outbox_counts

cli = AppGroup("mail", help="The outbox of e-mail waiting to be sent.")


@cli.command("send")
@click.option("--limit", default=100, show_default=True, type=click.IntRange(1),
              help="Send at most this many messages.")
def send_command(limit: int) -> None:
    """Send the e-mail waiting in the outbox now."""
    if not current_app.config.get("MAIL_ENABLED", True):
        click.echo(_("Mail is switched off (MAIL_ENABLED); nothing was sent."), err=True)
        return
    report = deliver_pending(db.session, config=current_app.config, now=datetime.now(UTC),
                             limit=limit)
    click.echo(_("Sent: %(sent)s. Not sent: %(failed)s.", sent=report.sent,
                 failed=report.failed))
    if report.failed:
        click.echo(_("Unsent messages stay in the outbox; see `flask mail status`."), err=True)
        raise SystemExit(1)


@cli.command("status")
def status_command() -> None:
    """Count the outbox: waiting, being sent, sent, and given up."""
    counts = outbox_counts(db.session)
    db.session.rollback()
    click.echo(_("Waiting: %(count)s", count=counts.pending))
    click.echo(_("Being sent (or interrupted while sending): %(count)s",
                 count=counts.in_flight))
    click.echo(_("Sent: %(count)s", count=counts.sent))
    click.echo(_("Given up after %(max)s attempts or refused: %(count)s", max=MAX_ATTEMPTS,
                 count=counts.failed))
