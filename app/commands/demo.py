"""`flask demo load [--cases N] [--force]` and `flask demo users`.

The demo logins have published passwords, so both commands refuse to run where
DEMO_USERS_ALLOWED is off (production). Loading commits once, or not at all; loading again
into a database that already holds the demo does nothing, so `make run` can always call it.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

import click
from flask import current_app
from flask.cli import AppGroup
from flask_babel import gettext as _

from app.commands.importing import echo_violations
from app.extensions import db
from app.i18n import t
from app.services.demo import DEFAULT_CASES, DEMO_LOGINS, demo_is_loaded, load_demo
from models.base import write_transactions
from rosa.errors import RuleViolations

cli = AppGroup("demo", help="The demo municipality Exempelkommun.")


def _refuse_in_production() -> None:
    if not current_app.config.get("DEMO_USERS_ALLOWED", False):
        click.echo(_("Demo users are not allowed in this environment (DEMO_USERS_ALLOWED is "
                     "off, as in production). To load only the demo taxonomy, run: flask "
                     "taxonomy import app/demo/exempelkommun.yaml"), err=True)
        raise SystemExit(1)


@cli.command("load")
@click.option("--cases", default=DEFAULT_CASES, show_default=True, type=click.IntRange(0),
              help="How many historical contacts to log over the last 90 days.")
@click.option("--force", is_flag=True,
              help="Load although departments exist, provided there are no cases and no "
                   "demo users yet. Labels outside the demo taxonomy are retired, as in "
                   "any taxonomy import.")
def load_command(cases: int, force: bool) -> None:
    """Load Exempelkommun (taxonomy, demo users, historical cases) into an empty database."""
    _refuse_in_production()
    started = time.perf_counter()
    with write_transactions():
        if demo_is_loaded(db.session):
            db.session.rollback()
            click.echo(_("The demo municipality is already loaded; nothing to do."))
            return
        try:
            summary = load_demo(
                db.session, now=datetime.now(UTC), cases=cases, force=force,
                users_allowed=current_app.config["DEMO_USERS_ALLOWED"],
                reference_prefix=current_app.config["CASE_REFERENCE_PREFIX"])
        except RuleViolations as problems:
            db.session.rollback()
            echo_violations(problems, "demo")
            click.echo(_("Nothing was loaded. --force loads into a database that has "
                         "departments but no cases and no demo users."), err=True)
            raise SystemExit(1) from None
        db.session.commit()
    click.echo(_("Loaded the demo municipality in %(seconds).1f s: %(departments)s "
                 "departments, %(labels)s labels, %(users)s users, %(cases)s cases "
                 "(%(share).0f %% resolved at first contact). Logins: flask demo users",
                 seconds=time.perf_counter() - started, departments=summary.departments,
                 labels=summary.labels, users=summary.users, cases=summary.cases,
                 share=100 * summary.first_contact_share))


@cli.command("users")
def users_command() -> None:
    """Print the demo logins (username, password, role)."""
    _refuse_in_production()
    click.echo(_("Demo logins (username, password, role):"))
    for login in DEMO_LOGINS:
        click.echo(f"  {login.username:<12} {login.password:<18} {t(login.role.title)} – "
                   f"{t(login.description)}")
