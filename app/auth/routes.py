"""Login with throttling per address (Flask-Limiter) and lock-out per account."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from app.access import home_endpoint
from app.auth import bp
from app.auth.forms import LoginForm
from app.extensions import db, limiter
from app.services.users import authenticate


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for(home_endpoint(current_user)))
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(
            db.session, form.username.data, form.password.data, now=datetime.now(UTC),
            max_failures=current_app.config["LOGIN_MAX_FAILURES"],
            lock_minutes=current_app.config["LOGIN_LOCK_MINUTES"],
        )
        db.session.commit()
        if user is not None:
            locale = session.get("locale")
            session.clear()  # no session fixation
            if locale:
                session["locale"] = locale
            login_user(user)
            return redirect(_safe_next() or url_for(home_endpoint(user)))
        form.password.errors.append(
            _("Wrong username or password, or the account is locked for a while.")
        )
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout():
    logout_user()
    flash(_("You are logged out."), "info")
    return redirect(url_for("auth.login"))


def _safe_next() -> str | None:
    target = request.args.get("next", "")
    parts = urlsplit(target)
    if target.startswith("/") and not target.startswith("//") and not parts.netloc:
        return target
    return None
