"""Jinja filters and globals: local time, masking, enum titles, translated domain strings."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Flask, request, url_for
from flask_babel import format_datetime, get_locale, gettext

from app.services.references import format_tracking_code
from rosa.identity import format_orgnr, mask_personnummer

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def local_time(value: datetime | None, fmt: str = "yyyy-MM-dd HH:mm") -> str:
    if value is None:
        return ""
    return format_datetime(value, fmt)


def title_of(value) -> str:
    """Translated title of a domain enum member (Channel, CaseStatus, RosaLevel …)."""
    if value is None:
        return ""
    return gettext(value.title)


def status_title(value: str | None) -> str:
    """Translated title of a status stored as its value (e.g. in an event's data)."""
    from rosa.vocabulary import CaseStatus

    try:
        return gettext(CaseStatus(value).title)
    except ValueError:
        return value or ""


def deadline_state(case) -> str:
    """The case's feedback-deadline state now ("" when it has no deadline)."""
    from datetime import UTC

    from sla import state_at

    state = state_at(datetime.now(UTC), due_at=case.feedback_due_at,
                     due_soon=case.feedback_due_soon_at, met_at=case.feedback_given_at)
    return state.value if state is not None else ""


def lang_url(code: str) -> str:
    """The current page in another language (the start page after a form post)."""
    if request.method != "GET" or request.endpoint is None:
        return url_for("main.index", lang=code)
    args = {k: v for k, v in request.args.items() if k != "lang"}
    return url_for(request.endpoint, **(request.view_args or {}), **args, lang=code)


def register_template_helpers(app: Flask) -> None:
    app.jinja_env.filters.update(
        local_time=local_time,
        title_of=title_of,
        mask_pnr=mask_personnummer,
        orgnr=format_orgnr,
        tracking=format_tracking_code,
        tr=lambda s: gettext(s) if s else "",
        status_title=status_title,
        deadline_state=deadline_state,
    )
    app.jinja_env.add_extension("jinja2.ext.do")

    @app.context_processor
    def _globals():
        return {
            "current_locale": str(get_locale()),
            "municipality": app.config["MUNICIPALITY_NAME"],
            "lang_url": lang_url,
        }
