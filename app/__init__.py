"""The application factory. It reads like a table of contents and never starts a scheduler."""

from __future__ import annotations

from flask import Flask, g, request

from config import Config, config_from_env


def create_app(config_class: type[Config] | None = None) -> Flask:
    config_class = config_class or config_from_env()
    config_class.validate()
    app = Flask(__name__, instance_path=str(_instance_path()), instance_relative_config=False)
    app.config.from_object(config_class)
    _ensure_instance_dir(app)
    _register_extensions(app)
    _register_request_hooks(app)
    _register_blueprints(app)
    _register_template_helpers(app)
    _register_cli(app)
    _register_error_handlers(app)
    return app


def _instance_path():
    from config import INSTANCE_DIR

    return INSTANCE_DIR


def _ensure_instance_dir(app: Flask) -> None:
    import os

    os.makedirs(app.instance_path, exist_ok=True)


def _register_extensions(app: Flask) -> None:
    from app.auth.loader import configure_login
    from app.extensions import babel, csrf, db, limiter, migrate
    from app.i18n import select_locale
    from models.base import configure_sqlite

    db.init_app(app)
    with app.app_context():
        configure_sqlite(db.engine, app.config["SQLITE_BUSY_TIMEOUT_MS"])
    migrate.init_app(app, db, directory=str(_migrations_dir()))
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    limiter.init_app(app)
    configure_login(app)


def _migrations_dir():
    from pathlib import Path

    return Path(__file__).resolve().parent.parent / "migrations"


def _register_request_hooks(app: Flask) -> None:
    """Requests that may write take SQLite's write lock up front (see models.base)."""
    from app.transactions import reads_first
    from models.base import reset_write_transactions, set_write_transactions

    @app.before_request
    def _begin_writes_immediately():
        view = app.view_functions.get(request.endpoint or "")
        writes = request.method not in ("GET", "HEAD", "OPTIONS")
        g._write_token = set_write_transactions(writes and not reads_first(view))

    @app.teardown_request
    def _end_write_mode(_exc):
        token = g.pop("_write_token", None)
        if token is not None:
            reset_write_transactions(token)

    @app.after_request
    def _security_headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            "frame-ancestors 'none'; form-action 'self'",
        )
        return response


def _register_blueprints(app: Flask) -> None:
    from app.admin import bp as admin_bp
    from app.agent import bp as agent_bp
    from app.api import bp as api_bp
    from app.auth import bp as auth_bp
    from app.casework import bp as casework_bp
    from app.dashboard import bp as dashboard_bp
    from app.main import bp as main_bp
    from app.notifications import bp as notifications_bp
    from app.queues import bp as queues_bp

    for blueprint in (main_bp, auth_bp, agent_bp, queues_bp, casework_bp, admin_bp, api_bp,
                      notifications_bp, dashboard_bp):
        app.register_blueprint(blueprint)
    from app.portal import bp as portal_bp  # the citizen portal (/portal, and / for visitors)
    app.register_blueprint(portal_bp)


def _register_template_helpers(app: Flask) -> None:
    from app.templating import register_template_helpers

    register_template_helpers(app)


def _register_cli(app: Flask) -> None:
    from app.cli import register_cli

    register_cli(app)


def _register_error_handlers(app: Flask) -> None:
    from app.errors import register_error_handlers

    register_error_handlers(app)
