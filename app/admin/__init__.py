"""Administration: the taxonomy (labels and their routing facts)."""

from flask import Blueprint

from app.access import require_roles
from rosa.vocabulary import Role

bp = Blueprint("admin", __name__, url_prefix="/admin")
bp.before_request(require_roles(Role.ADMIN))

from app.admin import calendar as _calendar  # noqa: E402,F401
from app.admin import case_audit, routes  # noqa: E402,F401
from app.admin import knowledge as _knowledge  # noqa: E402,F401
