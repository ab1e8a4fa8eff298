"""`flask stats refresh [--full]`: bring the statistics aggregate up to date.

The scheduler (`flask scheduler run`) calls `refresh_once` every STATS_REFRESH_SECONDS; the
dashboard refreshes lazily when the figures are older than STATS_MAX_AGE_SECONDS.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import click
from flask import current_app
from flask_babel import gettext as _

from app.dashboard import bp
from app.extensions import db
from app.services.statistics_refresh import (
    RefreshReport,
    is_fresh,
    rebuild_statistics,
    refresh_statistics,
)
from models import StatsState
from models.base import write_transactions


def refresh_once(*, full: bool = False, max_age: timedelta | None = None,
                 checkpoint: bool = False) -> RefreshReport | None:
    """One refresh in its own write transaction(s), committed; None if nothing was due."""
    now = datetime.now(UTC)
    commit = db.session.commit if checkpoint else None
    try:
        with write_transactions():
            db.session.commit()  # end any read snapshot: the refresh must see the latest
            if full:
                report = rebuild_statistics(db.session, now=now, checkpoint=commit)
            else:
                report = refresh_statistics(db.session, now=now, max_age=max_age,
                                            checkpoint=commit)
            db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return report


def ensure_fresh() -> datetime | None:
    """Refresh now if the figures are older than STATS_MAX_AGE_SECONDS; their time."""
    max_age = timedelta(seconds=current_app.config["STATS_MAX_AGE_SECONDS"])
    state = db.session.get(StatsState, 1)
    if not is_fresh(state, now=datetime.now(UTC), max_age=max_age):
        refresh_once(max_age=max_age)
        state = db.session.get(StatsState, 1)
    return state.refreshed_at if state is not None else None


@bp.cli.command("refresh")
@click.option("--full", is_flag=True, help="Recompute every day, not only the changed ones.")
def refresh_command(full: bool) -> None:
    """Bring the dashboards' statistics up to date (the scheduler does this every minute)."""
    report = refresh_once(full=full, checkpoint=True)
    click.echo(_("Statistics refreshed in %(seconds).2f s (%(kind)s): %(days)s days, "
                 "%(months)s months recomputed.", seconds=report.seconds,
                 kind=_("in full") if report.full else _("changed days"), days=report.days,
                 months=report.months))
