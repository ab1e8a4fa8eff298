"""The managers' dashboards: figures that steer the municipality, drill-downs and exports.

`flask stats refresh` (this blueprint's CLI group) keeps the statistics aggregate up to date.
"""

from flask import Blueprint

from app.access import require_roles
from rosa.vocabulary import Role

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard", cli_group="stats")
bp.before_request(require_roles(Role.MANAGER, Role.ADMIN))

from app.dashboard import commands, routes  # noqa: E402,F401
