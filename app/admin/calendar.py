"""The business calendar page: opening hours, closed days and shortened days.

Invalid settings are refused field by field and the calendar in force stays as it was; a saved
calendar applies to deadlines of cases forwarded from then on (existing deadlines stand, as
promised to the citizen).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.admin import bp
from app.extensions import db
from app.services.audit import audit
from app.services.deadlines import effective_settings, save_settings
from rosa.errors import RuleViolations
from rosa.i18n import N_
from sla.config import WEEKDAYS

_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
_WEEKDAY_TITLES = (N_("Monday"), N_("Tuesday"), N_("Wednesday"), N_("Thursday"), N_("Friday"),
                   N_("Saturday"), N_("Sunday"))


def _form_from_settings(settings: dict) -> dict[str, str]:
    values: dict[str, str] = {}
    hours = settings.get("opening_hours", {}) or {}
    for i, day in enumerate(WEEKDAYS):
        spec = hours.get(day, "08:00-17:00" if i < 5 else None)
        opens, _sep, closes = (spec or "").partition("-")
        values[f"{day}-opens"], values[f"{day}-closes"] = opens.strip(), closes.strip()
    values["closed_days"] = "\n".join(str(d) for d in settings.get("closed_days", []) or [])
    values["special_hours"] = "\n".join(
        f"{d} {h}" for d, h in (settings.get("special_hours", {}) or {}).items())
    return values


def _settings_from_form(form) -> tuple[dict, dict[str, list[str]]]:
    """The config mapping sla reads, and problems per form field in the user's language."""
    errors: dict[str, list[str]] = {}
    hours: dict[str, str | None] = {}
    for day, title in zip(WEEKDAYS, _WEEKDAY_TITLES, strict=True):
        opens, closes = form.get(f"{day}-opens", "").strip(), form.get(f"{day}-closes", "").strip()
        if not opens and not closes:
            hours[day] = None
            continue
        bad = [v for v in (opens, closes) if not _TIME.match(v)]
        if bad:
            errors.setdefault(f"{day}-opens", []).append(
                _("%(day)s: write times as HH:MM, e.g. 08:00 and 17:00, or leave both empty "
                  "for closed", day=_(title)))
        elif opens >= closes and len(opens) == len(closes):
            errors.setdefault(f"{day}-opens", []).append(
                _("%(day)s: closing time must be after opening time", day=_(title)))
        hours[day] = f"{opens}-{closes}"
    closed: list[str] = []
    for n, line in enumerate(form.get("closed_days", "").splitlines(), start=1):
        text = line.strip()
        if not text:
            continue
        if not _is_date(text[:10]) or len(text) > 10 and not text[10].isspace():
            errors.setdefault("closed_days", []).append(
                _("Line %(n)s: write a date as YYYY-MM-DD", n=n))
        else:
            closed.append(text[:10])
    special: dict[str, str] = {}
    for n, line in enumerate(form.get("special_hours", "").splitlines(), start=1):
        parts = line.split()
        if not parts:
            continue
        times = parts[1] if len(parts) == 2 else ""
        spans = times.split("-")
        if (len(parts) != 2 or not _is_date(parts[0]) or len(spans) > 2
                or not all(_TIME.match(t) for t in spans)):
            errors.setdefault("special_hours", []).append(
                _("Line %(n)s: write a date and a closing time (2027-01-05 15:00) or opening "
                  "hours (2027-01-05 09:00-12:00)", n=n))
        elif parts[0] in closed:
            errors.setdefault("special_hours", []).append(
                _("Line %(n)s: %(day)s is also a closed day", n=n, day=parts[0]))
        else:
            special[parts[0]] = times
    settings = {"opening_hours": hours, "closed_days": closed, "special_hours": special}
    if not any(hours.values()) and "monday-opens" not in errors:
        errors.setdefault("monday-opens", []).append(
            _("The contact centre must be open at least one day a week"))
    return settings, errors


def _is_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return len(text) == 10


@bp.route("/calendar", methods=["GET", "POST"])
def calendar():
    if request.method == "GET":
        settings = effective_settings(db.session, current_app.config)
        return render_template("admin/calendar.html", values=_form_from_settings(settings),
                               errors={}, weekdays=list(zip(WEEKDAYS, _WEEKDAY_TITLES,
                                                            strict=True)))
    settings, errors = _settings_from_form(request.form)
    if not errors:
        try:
            save_settings(db.session, current_user, settings, now=datetime.now(UTC))
        except RuleViolations as refused:
            errors = {"calendar": [_("The calendar cannot be used: %(problem)s",
                                     problem=v.format()) for v in refused.violations]}
    if errors:
        db.session.rollback()
        values = {k: v[:5000] for k, v in request.form.items() if k != "csrf_token"}
        return render_template("admin/calendar.html", values=values, errors=errors,
                               weekdays=list(zip(WEEKDAYS, _WEEKDAY_TITLES, strict=True))), 422
    audit(db.session, current_user, "calendar.saved", "calendar", 1, now=datetime.now(UTC),
          settings=settings)
    db.session.commit()
    flash(_("The calendar was saved. New deadlines are counted with it."), "success")
    return redirect(url_for("admin.calendar"), code=303)
