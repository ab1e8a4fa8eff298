"""The citizen portal: track a case, the web form (one way in), feedback, privacy notice.

Open to everyone; nothing here needs an account. Every page is a plain form that works
without JavaScript (static/js/portal.js only adds suggestions while typing).
"""

from flask import Blueprint

bp = Blueprint("portal", __name__, url_prefix="/portal")

from app.portal import routes, templating  # noqa: E402,F401
