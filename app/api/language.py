"""The language of API messages: `?lang=`, else the Accept-Language header, else Swedish.

The site's `select_locale` remembers a choice in the cookie session; API clients have no
session and send Accept-Language instead, so the API fixes its locale per request here, before
any message is produced, and says which one it used in Content-Language.
"""

from __future__ import annotations

from contextlib import ExitStack
from functools import cache

from babel import Locale
from flask import current_app, g, request
from flask_babel import force_locale, get_locale

from app.api import bp


@cache
def _locale(code: str) -> Locale:
    return Locale.parse(code)  # parsing per request would cost more than the rest of the hook


def api_locale() -> str:
    supported = current_app.config["LANGUAGES"]
    chosen = request.args.get("lang")
    if chosen in supported:
        return chosen
    return request.accept_languages.best_match(supported) or current_app.config[
        "BABEL_DEFAULT_LOCALE"
    ]


@bp.before_request
def _speak_the_clients_language() -> None:
    scope = ExitStack()
    scope.enter_context(force_locale(_locale(api_locale())))
    g.api_locale_scope = scope


@bp.after_request
def _say_which_language(response):
    response.headers["Content-Language"] = str(get_locale())
    response.vary.add("Accept-Language")
    return response


@bp.teardown_request
def _end_language_scope(_exc) -> None:
    scope = g.pop("api_locale_scope", None)
    if scope is not None:
        scope.close()
