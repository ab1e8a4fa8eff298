"""`flask users create|token|revoke-token|list`: accounts and API tokens from the command line."""

from __future__ import annotations

from datetime import UTC, datetime

import click
from flask.cli import AppGroup
from flask_babel import gettext as _
from sqlalchemy import select

from app.extensions import db
from app.services.users import create_user, issue_token
from models import ApiToken, User
from models.base import write_transactions
from rosa.errors import RuleViolations
from rosa.vocabulary import Role

cli = AppGroup("users", help="Staff accounts and API tokens.")


@cli.command("create")
@click.argument("username")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--name", "full_name", default="", help="Full name shown in the UI.")
@click.option("--email", default=None)
@click.option("--department", default=None, help="Department code.")
@click.option("--group", "groups", multiple=True, help="Group code (repeatable).")
@click.password_option(help="At least 10 characters; prompted when omitted.")
def create(username, role, full_name, email, department, groups, password):
    """Create a staff account."""
    with write_transactions():
        try:
            user = create_user(db.session, username=username, full_name=full_name,
                               password=password, role=role, department_code=department,
                               group_codes=tuple(groups), email=email, now=datetime.now(UTC))
        except RuleViolations as refused:
            db.session.rollback()
            for v in refused.violations:
                click.echo(f"{v.field}: {v.format(_)}", err=True)
            raise SystemExit(1) from None
        db.session.commit()
    click.echo(_("Created %(user)s (%(role)s).", user=user.username, role=role))


@cli.command("token")
@click.argument("username")
@click.option("--name", default="api", help="What the token is for.")
def token(username, name):
    """Issue an API token; the secret is shown once."""
    with write_transactions():
        user = db.session.scalar(select(User).where(User.username == username.lower()))
        if user is None:
            click.echo(_("No such user."), err=True)
            raise SystemExit(1)
        secret = issue_token(db.session, user, name, now=datetime.now(UTC))
        db.session.commit()
    click.echo(secret)


@cli.command("revoke-token")
@click.argument("token_id", type=int)
def revoke_token(token_id):
    """Revoke an API token by its id (see `flask users list`)."""
    with write_transactions():
        api_token = db.session.get(ApiToken, token_id)
        if api_token is None:
            click.echo(_("No such token."), err=True)
            raise SystemExit(1)
        api_token.revoked_at = datetime.now(UTC)
        db.session.commit()
    click.echo(_("Token revoked."))


@cli.command("list")
def list_users():
    """List accounts and their tokens."""
    for user in db.session.scalars(select(User).order_by(User.username)):
        groups = ", ".join(g.code for g in user.groups)
        click.echo(f"{user.username:20} {user.role.value:8} {groups}")
        for api_token in db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)):
            state = "revoked" if api_token.revoked_at else "active"
            click.echo(f"    token #{api_token.id} {api_token.name} ({state})")
