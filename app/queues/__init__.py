"""Department handlers' group queues (the full lifecycle arrives with the queue issue)."""

from flask import Blueprint

from app.access import require_roles
from rosa.vocabulary import Role

bp = Blueprint("queues", __name__, url_prefix="/queues")
bp.before_request(require_roles(Role.HANDLER, Role.MANAGER, Role.ADMIN))

from app.queues import routes  # noqa: E402,F401
