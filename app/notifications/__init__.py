"""Staff notifications: the list page, marking read, and the unread count in the header."""

from flask import Blueprint

from app.access import require_roles
from rosa.vocabulary import Role

bp = Blueprint("notifications", __name__, url_prefix="/notifications")
bp.before_request(require_roles(*Role))

from app.notifications import routes  # noqa: E402,F401
