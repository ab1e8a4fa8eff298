"""Agent console views: short adapters from HTTP to the intake, look-up and case services."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.access import visible_cases
from app.agent import bp
from app.agent.forms import contact_draft, empty_values, field_name, form_values
from app.extensions import db
from app.services.classification import reclassify_case
from app.services.history import case_history
from app.services.intake import load_label, prepare_contact, store_contact
from app.services.lookup import find_cases
from app.services.references import normalize_reference
from app.services.taxonomy import grouped_choices, label_catalogue
from app.transactions import read_then_write, start_writing
from models import Case, Contact
from rosa.errors import RuleViolations
from rosa.vocabulary import Channel, CustomerKind

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def _errors_by_field(refused: RuleViolations) -> dict[str, list[str]]:
    return {field_name(f): [v.format(_) for v in vs] for f, vs in refused.by_field().items()}


def _my_contacts_today():
    start = datetime.now(STOCKHOLM).replace(hour=0, minute=0, second=0, microsecond=0)
    return db.session.scalars(
        select(Contact).options(joinedload(Contact.case).joinedload(Case.label))
        .where(Contact.agent_id == current_user.id, Contact.received_at >= start.astimezone(UTC))
        .order_by(Contact.received_at.desc()).limit(100)
    ).all()


def _render_console(values: dict, errors: dict | None = None, status: int = 200):
    views, _index = label_catalogue(db.session)
    label = views.get(int(values["label_id"])) if values.get("label_id", "").isdigit() else None
    return render_template(
        "agent/console.html", values=values, errors=errors or {}, label=label,
        label_groups=grouped_choices(views), channels=list(Channel),
        customer_kinds=list(CustomerKind), contacts_today=_my_contacts_today(),
    ), status


@bp.get("/")
def console():
    return _render_console(empty_values())


@bp.post("/contacts")
@read_then_write
def create_contact():
    draft, label_id = contact_draft(request.form)
    now = datetime.now(UTC)
    agent = current_user._get_current_object()
    label = load_label(db.session, label_id)
    try:
        prepared = prepare_contact(db.session, draft, label.id if label else None)
    except RuleViolations as refused:
        db.session.rollback()
        return _render_console(form_values(request.form), _errors_by_field(refused), 422)
    start_writing()
    result = store_contact(db.session, agent, prepared, now=now,
                           reference_prefix=current_app.config["CASE_REFERENCE_PREFIX"])
    db.session.commit()
    if result.decision.forwards:
        flash(_("Case %(ref)s forwarded to %(group)s.", ref=result.case.reference,
                group=result.case.group.name), "success")
    else:
        flash(_("Contact %(ref)s saved as resolved at first contact.",
                ref=result.case.reference), "success")
    return redirect(url_for("agent.case_detail", reference=result.case.reference,
                            created=1), code=303)


@bp.get("/labels/suggest")
def suggest_labels():
    views, index = label_catalogue(db.session)
    query = request.args.get("q", "")[:300]
    hits = index.search(query, limit=8)
    return jsonify([_label_json(views[entry.id]) for entry, _score in hits])


@bp.get("/labels/<int:label_id>")
def label_info(label_id: int):
    views, _index = label_catalogue(db.session)
    view = views.get(label_id)
    if view is None:
        abort(404)
    return jsonify(_label_json(view))


def _label_json(view) -> dict:
    return {
        "id": view.id, "path": view.path_text, "level": view.level,
        "level_title": _("Level %(n)s", n=view.level), "forwards": view.forwards,
        "outcome": (_("Forward to %(group)s (%(department)s)", group=view.group,
                      department=view.department) if view.forwards else _("Answer now")),
        "reason": _(view.reason), "urgent": view.urgent, "active": view.active,
    }


@bp.get("/cases")
def lookup():
    query = request.args.get("q", "").strip()[:200]
    kind, cases = find_cases(db.session, current_user, query) if query else (None, [])
    return render_template("agent/lookup.html", query=query, kind=kind, cases=cases)


def _load_case(reference: str) -> Case:
    case = db.session.scalar(
        visible_cases(current_user).where(Case.reference == normalize_reference(reference))
    )
    if case is None:
        abort(404)
    return case


@bp.get("/cases/<reference>")
def case_detail(reference: str, errors: dict | None = None, values: dict | None = None,
                status: int = 200):
    case = _load_case(reference)
    views, _index = label_catalogue(db.session)
    recent = datetime.now(UTC) - case.created_at < timedelta(minutes=30)
    return render_template(
        "agent/case.html", case=case, events=case_history(db.session, case),
        show_tracking=request.args.get("created") == "1" and recent,
        label_groups=grouped_choices(views), errors=errors or {}, values=values or {},
    ), status


@bp.post("/cases/<reference>/reclassify")
def reclassify(reference: str):
    case = _load_case(reference)
    label_raw = request.form.get("label_id", "")
    try:
        reclassify_case(db.session, current_user, case,
                        int(label_raw) if label_raw.isdigit() else None,
                        request.form.get("reason", "")[:1000], now=datetime.now(UTC))
    except RuleViolations as refused:
        db.session.rollback()
        return case_detail(reference, errors=_errors_by_field(refused),
                           values=form_values(request.form), status=422)
    db.session.commit()
    flash(_("The case was reclassified."), "success")
    return redirect(url_for("agent.case_detail", reference=case.reference), code=303)
