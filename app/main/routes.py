"""Start page redirect and a health check for load balancers."""

from flask import redirect, url_for
from flask_login import current_user
from sqlalchemy import text

from app.access import home_endpoint
from app.extensions import db
from app.main import bp


@bp.route("/")
def index():
    if current_user.is_authenticated:
        return redirect(url_for(home_endpoint(current_user)))
    return redirect(url_for("auth.login"))


@bp.route("/healthz")
def healthz():
    db.session.execute(text("SELECT 1"))
    return {"status": "ok"}
