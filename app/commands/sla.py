"""`flask sla sweep` (once) and `flask scheduler run` (the sweep every minute, its own process).

Run exactly one scheduler process beside the web workers (gunicorn starts several workers;
none of them starts a scheduler). Running two by mistake sends nothing twice: the sweep is
exactly-once by construction (app.services.sla_sweep), only wasteful.
"""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext
from flask_babel import gettext as _

from app.extensions import db

cli = AppGroup("sla", help="Feedback deadlines: reminders and escalations.")
scheduler_cli = AppGroup("scheduler", help="Background jobs in their own process.")
log = logging.getLogger(__name__)


def run_sweep_once() -> tuple:
    """One sweep, then deliver the e-mail it queued. Returns (report, delivery, seconds)."""
    from app.services.mail import deliver_pending
    from app.services.sla_sweep import sweep

    started = time.perf_counter()
    report = sweep(db.session, now=datetime.now(UTC),
                   locale=current_app.config.get("BABEL_DEFAULT_LOCALE", "sv"))
    delivery = None
    if current_app.config.get("MAIL_ENABLED", True):
        delivery = deliver_pending(db.session, config=current_app.config, now=datetime.now(UTC))
    db.session.remove()
    return report, delivery, time.perf_counter() - started


@cli.command("sweep")
def sweep_command() -> None:
    """Send the reminders and escalations that are due now, once."""
    report, delivery, seconds = run_sweep_once()
    click.echo(_("Sweep in %(seconds).2f s: %(examined)s cases examined, %(reminded)s "
                 "reminders, %(escalated)s escalations.", seconds=seconds,
                 examined=report.examined, reminded=report.reminded,
                 escalated=report.escalated))
    if delivery is not None:
        click.echo(_("E-mail: %(sent)s sent, %(failed)s failed.", sent=delivery.sent,
                      failed=delivery.failed))


@scheduler_cli.command("run")
@with_appcontext
def scheduler_command() -> None:
    """Run the sweep every SLA_SWEEP_SECONDS (default 60) until stopped (Ctrl+C)."""
    from apscheduler.schedulers.blocking import BlockingScheduler

    app = current_app._get_current_object()
    interval = int(app.config.get("SLA_SWEEP_SECONDS", 60))

    def job() -> None:
        with app.app_context():
            try:
                report, _delivery, seconds = run_sweep_once()
                log.info("sla sweep: %s examined, %s reminded, %s escalated in %.2fs",
                         report.examined, report.reminded, report.escalated, seconds)
            except Exception:  # keep the scheduler alive; the next run catches up
                log.exception("sla sweep failed")

    scheduler = BlockingScheduler(timezone="Europe/Stockholm")
    # coalesce + one instance: after downtime it runs once, not once per missed minute.
    scheduler.add_job(job, "interval", seconds=interval, id="sla-sweep", coalesce=True,
                      max_instances=1, next_run_time=datetime.now(UTC))

    def stats_job() -> None:  # the dashboards' statistics (app.dashboard.commands)
        with app.app_context():
            try:
                from app.dashboard.commands import refresh_once
                refresh_once()
            except Exception:
                log.exception("statistics refresh failed")

    scheduler.add_job(stats_job, "interval", seconds=int(app.config["STATS_REFRESH_SECONDS"]),
                      id="stats-refresh", coalesce=True, max_instances=1,
                      next_run_time=datetime.now(UTC))
    click.echo(_("Scheduler running: the deadline sweep every %(seconds)s s. Stop with Ctrl+C.",
                 seconds=interval))
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        pass
