"""Locale choice and helpers that translate strings the domain packages marked with N_."""

from __future__ import annotations

from flask import current_app, has_request_context, request, session
from flask_babel import gettext

SESSION_KEY = "locale"


def select_locale() -> str:
    """Swedish unless the user picked another supported language (kept in the session)."""
    supported = current_app.config["LANGUAGES"]
    if not has_request_context():  # CLI commands and jobs speak the default language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    chosen = request.args.get("lang")
    if chosen in supported:
        session[SESSION_KEY] = chosen
        return chosen
    stored = session.get(SESSION_KEY)
    if stored in supported:
        return stored
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def t(message: str, **params: object) -> str:
    """Translate a string that was marked with N_ in a domain package."""
    return gettext(message, **params) if params else gettext(message)


def violation_text(violation) -> str:
    return violation.format(gettext)
