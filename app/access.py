"""Who may see what, in one place (DESIGN invariant 6).

Every view and the API load cases through `visible_cases(user)`; role checks per blueprint use
`require_roles`. Contact-centre agents, managers and administrators see every case (an agent
must be able to tell any caller the status of their case); handlers see their department's.
"""

from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user
from sqlalchemy import Select, false, select

from models import Case, User
from rosa.vocabulary import Role

ALL_CASES_ROLES = (Role.AGENT, Role.MANAGER, Role.ADMIN)


def visible_cases(user: User) -> Select:
    """A SELECT of the cases `user` may see; narrow it further, never widen it."""
    query = select(Case)
    if user.role in ALL_CASES_ROLES:
        return query
    if user.role is Role.HANDLER and user.department_id is not None:
        # `+ 0` keeps SQLite from choosing the department index (a quarter of all cases) over
        # the narrower group/status indexes that every handler page also filters by.
        return query.where(Case.department_id + 0 == user.department_id)
    return query.where(false())


def require_roles(*roles: Role):
    """A before_request hook for a blueprint: log in first, then have one of `roles`."""

    def check():
        if not current_user.is_authenticated:
            from app.extensions import login_manager

            return login_manager.unauthorized()
        if current_user.role not in roles:
            abort(403)
        return None

    return check


def roles_required(*roles: Role):
    """The same check as a decorator, for single views in a shared blueprint."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            refused = require_roles(*roles)()
            if refused is not None:
                return refused
            return view(*args, **kwargs)

        return wrapped

    return decorator


def home_endpoint(user: User) -> str:
    return {
        Role.AGENT: "agent.console",
        Role.HANDLER: "queues.index",
        Role.MANAGER: "dashboard.overview",
        Role.ADMIN: "admin.taxonomy",
    }[user.role]
