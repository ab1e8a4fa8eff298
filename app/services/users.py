"""Staff accounts: creation, password checks with lock-out, and API tokens."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import bindparam, func, or_, select, update
from sqlalchemy.orm import Session, joinedload
from werkzeug.security import check_password_hash, generate_password_hash

from models import ApiToken, Department, Group, User
from models.types import UTCDateTime
from rosa.errors import RuleViolations, violation
from rosa.i18n import N_
from rosa.vocabulary import Role

MIN_PASSWORD = 10
# werkzeug's default (scrypt) is deliberately slow; tests lower it through this setting only.
PASSWORD_METHOD = "scrypt"
TOKEN_PREFIX = "evi_"
# A constant hash to compare against when the user does not exist, so timing does not tell.
_DUMMY_HASH = generate_password_hash("not-a-real-password-at-all")


def create_user(
    session: Session, *, username: str, full_name: str, password: str, role: Role | str,
    department_code: str | None = None, group_codes: tuple[str, ...] = (),
    email: str | None = None, now: datetime,
) -> User:
    problems = []
    username = username.strip().lower()
    if not username:
        problems.append(violation("username", N_("A username is required")))
    elif session.scalar(select(User.id).where(User.username == username)):
        problems.append(violation("username", N_("That username is taken")))
    if len(password) < MIN_PASSWORD:
        problems.append(violation("password", N_("At least %(min)s characters"), min=MIN_PASSWORD))
    try:
        role = Role(role)
    except ValueError:
        problems.append(violation("role", N_("Unknown role")))
    department = None
    if department_code:
        department = session.scalar(select(Department).where(Department.code == department_code))
        if department is None:
            problems.append(violation("department", N_("Unknown department")))
    groups = list(session.scalars(select(Group).where(Group.code.in_(group_codes))))
    if len(groups) != len(set(group_codes)):
        problems.append(violation("groups", N_("Unknown group")))
    if problems:
        raise RuleViolations(problems)
    user = User(username=username, full_name=full_name.strip() or username, email=email,
                password_hash=generate_password_hash(password, method=PASSWORD_METHOD), role=role,
                department=department, created_at=now)
    user.groups = groups
    session.add(user)
    return user


def authenticate(
    session: Session, username: str, password: str, *, now: datetime,
    max_failures: int = 5, lock_minutes: int = 15,
) -> User | None:
    """Return the user if the password is right and the account is open; count failures.

    The caller shows one message for every failure, so nobody learns which usernames exist.
    """
    user = session.scalar(
        select(User).where(func.lower(User.username) == username.strip().lower())
    )
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not user.is_active_account or (user.locked_until and user.locked_until > now):
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not check_password_hash(user.password_hash, password):
        user.failed_logins += 1
        if user.failed_logins >= max_failures:
            user.locked_until = now + timedelta(minutes=lock_minutes)
            user.failed_logins = 0
        return None
    user.failed_logins = 0
    user.locked_until = None
    return user


def issue_token(session: Session, user: User, name: str, *, now: datetime) -> str:
    """Create an API token and return its secret; only its digest is stored."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    session.add(ApiToken(user=user, name=name or "api", token_digest=_digest(secret),
                         created_at=now))
    return secret


def user_for_token(
    session: Session, secret: str, *, now: datetime, touch: bool = False
) -> User | None:
    """The token's user. `touch` records use; pass it only in requests that write anyway,
    since a write inside a read request would contend for SQLite's write lock."""
    if not secret.startswith(TOKEN_PREFIX):
        return None
    token = session.scalar(select(ApiToken).where(ApiToken.token_digest == _digest(secret))
                           .options(joinedload(ApiToken.user)))
    if token is None or token.revoked_at is not None or not token.user.is_active_account:
        return None
    if touch:
        touch_token(session, secret, now=now)
    return token.user


def touch_token(session: Session, secret: str, *, now: datetime) -> None:
    """Record that a token was used (at most every five minutes), as one UPDATE statement."""
    session.connection().execute(_TOUCH, {"digest": _digest(secret), "used_at": now,
                                         "stale_before": now - timedelta(minutes=5)})


_tokens = ApiToken.__table__
_TOUCH = (
    update(_tokens)
    .where(_tokens.c.token_digest == bindparam("digest"),
           or_(_tokens.c.last_used_at.is_(None),
               _tokens.c.last_used_at < bindparam("stale_before", type_=UTCDateTime())))
    .values(last_used_at=bindparam("used_at"))
)


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()
