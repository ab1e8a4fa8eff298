"""Flask-Login wiring: load users by id for sessions."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.extensions import db, login_manager
from models import User


def configure_login(app) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to continue.")
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def load_user(user_id: str) -> User | None:
        if not user_id.isdigit():
            return None
        user = db.session.get(User, int(user_id))
        return user if user is not None and user.is_active_account else None
