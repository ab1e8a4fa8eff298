"""The agent console: log a contact, find a case, tell a caller its status."""

from flask import Blueprint

from app.access import require_roles
from rosa.vocabulary import Role

bp = Blueprint("agent", __name__, url_prefix="/agent")
bp.before_request(require_roles(Role.AGENT, Role.MANAGER, Role.ADMIN))

from app.agent import kb, routes  # noqa: E402,F401
