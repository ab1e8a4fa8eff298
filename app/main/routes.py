"""Start page redirect and a health check for load balancers."""

from flask import redirect, url_for
from flask_login import current_user
from sqlalchemy import text

from app.access import home_endpoint
from app.extensions import db
from app.main import bp
from app.portal.routes import start as portal_start


@bp.route("/")
def index():
    """Staff go to their own start page; everyone else sees the citizen portal's."""
    if current_user.is_authenticated:
        return redirect(url_for(home_endpoint(current_user)))
    return portal_start()


@bp.route("/healthz")
def healthz():
    db.session.execute(text("SELECT 1"))
    return {"status": "ok"}
