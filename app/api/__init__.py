"""JSON API v1 for integrators: the taxonomy, logging contacts and reading cases.

Shaped like the other blueprints: the blueprint and its request hooks live here (the client's
language, then bearer-token authentication), the views in `routes.py`. The API uses tokens,
never cookies, so it is exempt from CSRF protection. Its contract is the OpenAPI document built
in `openapi.py`; docs/api.md is the human guide.
"""

from flask import Blueprint

from app.extensions import csrf

bp = Blueprint("api", __name__, url_prefix="/api", template_folder="templates")
csrf.exempt(bp)

# Hooks run in the order these modules register them: language first, so even a refused
# token is explained in the client's language.
from app.api import language  # noqa: E402,F401,I001
from app.api import auth, errors, routes  # noqa: E402,F401
