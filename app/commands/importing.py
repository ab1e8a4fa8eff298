"""The shared shape of every `flask … import`: all or nothing, one line per problem."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import click
from flask_babel import gettext as _

from app.extensions import db
from app.i18n import violation_text
from models.base import write_transactions
from rosa.errors import RuleViolations

T = TypeVar("T")


def echo_violations(problems: RuleViolations, source: str | None = None) -> None:
    """One line per problem on stderr, prefixed with where it came from when given."""
    prefix = f"{source}: " if source else ""
    for problem in problems.violations:
        click.echo(f"{prefix}{problem.field}: {violation_text(problem)}", err=True)


def import_all_or_nothing(do_import: Callable[[], T], *, shown_as: str, dry_run: bool,
                          prefix: str | None = None) -> T:
    """Run `do_import` in one write transaction; commit it, or on any problem print them
    all, roll back and exit with status 1 (a dry run always rolls back)."""
    with write_transactions():
        try:
            summary = do_import()
        except RuleViolations as problems:
            db.session.rollback()
            echo_violations(problems, prefix)
            click.echo(_("Nothing was imported: %(count)s problem(s) in %(file)s.",
                         count=len(problems.violations), file=shown_as), err=True)
            raise SystemExit(1) from None
        if dry_run:
            db.session.rollback()
        else:
            db.session.commit()
    return summary
