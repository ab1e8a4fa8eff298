"""Bearer-token authentication for every API view but the public documentation, and roles.

A missing, unknown or revoked token is a 401 with a WWW-Authenticate challenge (RFC 6750).
Only requests that write anyway record the token's use: a write inside a read request would
contend for SQLite's write lock (see models.base).
"""

from __future__ import annotations

from functools import wraps

from flask import current_app, g, request
from flask_babel import gettext as _

from app.api import bp
from app.api.errors import ApiError
from app.extensions import db
from app.services.users import touch_token, user_for_token
from app.transactions import reads_first
from models import User
from models.types import utcnow
from rosa.vocabulary import Role

PUBLIC_ENDPOINTS = frozenset({"api.openapi", "api.docs"})
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})  # as the write-lock hook in app/__init__
REALM = 'Bearer realm="api"'


def _bearer_secret() -> str | None:
    auth = request.authorization
    if auth is None or auth.type != "bearer" or not auth.token:
        return None
    return auth.token


def _unauthorized(message: str, challenge: str) -> ApiError:
    return ApiError(401, "unauthorized", message, headers={"WWW-Authenticate": challenge})


@bp.before_request
def _authenticate() -> None:
    if request.endpoint in PUBLIC_ENDPOINTS:
        return
    secret = _bearer_secret()
    if secret is None:
        raise _unauthorized(_("Send an API token in the header 'Authorization: Bearer <token>'."),
                            REALM)
    view = current_app.view_functions.get(request.endpoint or "")
    # Views that read first record the token's use themselves, inside their write phase.
    user = user_for_token(db.session, secret, now=utcnow(),
                          touch=request.method not in READ_METHODS and not reads_first(view))
    if user is None:
        raise _unauthorized(_("The API token is unknown or has been revoked."),
                            f'{REALM}, error="invalid_token"')
    g.api_user = user
    g.api_secret = secret


def record_token_use(now) -> None:
    """For `@read_then_write` views: call after `start_writing()`."""
    touch_token(db.session, g.api_secret, now=now)


def api_user() -> User:
    """The user whose token authenticated this request."""
    return g.api_user


def roles_allowed(*roles: Role):
    """Refuse the view with 403 unless the token's user has one of `roles`."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if api_user().role not in roles:
                raise ApiError(403, "forbidden", _("Your role may not do this through the API."))
            return view(*args, **kwargs)

        return wrapped

    return decorator
