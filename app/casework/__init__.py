"""Working a case from its page: the lifecycle actions shared by handlers and agents.

Handlers reach their department's cases through the queues, agents every case through the
console; both load cases only through `visible_cases`, and the rules in `rosa.lifecycle` say
who may do what.
"""

from flask import Blueprint

from app.access import require_roles
from rosa.vocabulary import Role

bp = Blueprint("casework", __name__, url_prefix="/cases")
bp.before_request(require_roles(Role.HANDLER, Role.AGENT))

from app.casework import routes  # noqa: E402,F401
