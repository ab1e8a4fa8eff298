"""Agent console views: short adapters from HTTP to the intake, look-up and case services."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask import abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.exc import StaleDataError

from app.agent import bp
from app.agent.forms import contact_draft, empty_values, field_name, form_values, label_id_of
from app.casework.page import created_recently, load_case, render_case
from app.extensions import db
from app.services.classification import reclassify_case
from app.services.guides import case_answers, label_guide
from app.services.intake import load_label, prepare_contact, store_contact
from app.services.knowledge.bulletins import active_bulletins, concerning_bulletins
from app.services.knowledge.search import search_articles
from app.services.knowledge.usage import label_articles, record_article_use
from app.services.lookup import find_cases
from app.services.mail import send_after_commit
from app.services.submissions import (
    MAX_TOKEN,
    earlier_submission,
    new_form_token,
    remember_submission,
)
from app.services.taxonomy import grouped_choices, label_catalogue, suggested_labels
from app.transactions import read_then_write, start_writing
from models import Article, Case, Contact
from rosa.errors import RuleViolations
from rosa.guides import looks_like_personnummer
from rosa.identity import format_orgnr, mask_personnummer
from rosa.routing import AGENT_OVERRIDE_REASONS, OVERRIDE_REASON_TITLES, OverrideReason
from rosa.vocabulary import CaseStatus, Channel, CustomerKind

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
    label = views.get(label_id_of(values))  # type: ignore[arg-type]
    return render_template(
        "agent/console.html", values=values, errors=errors or {}, label=label,
        label_groups=grouped_choices(views), label_views=views, channels=list(Channel),
        customer_kinds=list(CustomerKind), override_reasons=AGENT_OVERRIDE_REASONS,
        contacts_today=_my_contacts_today(), form_token=new_form_token(),
        returned=_returned_for_completion(), **_knowledge_context(values, label),
    ), status


def _knowledge_context(values: dict, label) -> dict:
    """The bulletin board, and (when the page is rendered again, e.g. without JavaScript)
    the chosen label's answers and the articles matching the citizen's words, each one a
    choice for "answered with article" (and the one chosen before, whatever it was)."""
    now = datetime.now(UTC)
    panel = label_panel(label, now) if label is not None else None
    words = (values.get("citizen_words") or "").strip()
    hits = search_articles(db.session, words, limit=5, now=now) if words else []
    offered = [*(panel["articles"] if panel else ()), *(hit.article for hit in hits)]
    chosen = str(values.get("answered_article_id") or "")
    if chosen.isdigit():
        offered.append(db.session.get(Article, int(chosen)))
    return {"bulletins": active_bulletins(db.session, now=now), "label_panel": panel,
            "article_hits": hits,
            "offered_articles": list({a.id: a for a in offered if a is not None}.values())}


def label_panel(label, now: datetime) -> dict:
    """What the console shows for a chosen label: its answers, and which bulletins on the
    board concern it (tied to the label or its function; notices for everyone are not
    singled out)."""
    return {"label": label,
            "articles": label_articles(db.session, label.id, now=now, limit=5),
            "bulletins": concerning_bulletins(db.session, now=now, label_id=label.id)}


def _returned_for_completion():
    """Cases departments sent back for completion: the contact centre's own queue."""
    return db.session.scalars(
        select(Case).options(joinedload(Case.label), joinedload(Case.group))
        .where(Case.status == CaseStatus.RETURNED).order_by(Case.updated_at).limit(50)).all()


@bp.get("/")
def console():
    return _render_console(empty_values())


@bp.post("/contacts")
@read_then_write
def create_contact():
    now = datetime.now(UTC)
    agent = current_user._get_current_object()
    label = load_label(db.session, label_id_of(request.form))
    guide = label_guide(db.session, label) if label is not None else ()
    draft, _label_id = contact_draft(request.form, [spec.key for spec in guide])
    if request.form.get("show_guide"):  # without JavaScript: show the chosen label's guide
        db.session.rollback()
        return _render_console(form_values(request.form))
    try:
        prepared = prepare_contact(db.session, draft, label.id if label else None)
    except RuleViolations as refused:
        db.session.rollback()
        return _render_console(form_values(request.form), _errors_by_field(refused), 422)
    token = request.form.get("form_token", "")
    if earlier_submission(db.session, token) is not None:
        return _sent_twice(token)
    start_writing()
    result = store_contact(db.session, agent, prepared, now=now,
                           reference_prefix=current_app.config["CASE_REFERENCE_PREFIX"])
    article_id = request.form.get("answered_article_id", "")
    if article_id.isdigit():  # "Answered with article": counted in the same transaction
        record_article_use(db.session, article_id=int(article_id), contact=result.contact,
                           case=result.case, user=agent, now=now)
    if token and len(token) <= MAX_TOKEN:
        try:
            remember_submission(db.session, agent, token, result.case.reference, now=now)
        except IntegrityError:  # the same form, saved meanwhile by another request
            return _sent_twice(token)
    db.session.commit()
    if result.decision.forwards:
        flash(_("Case %(ref)s forwarded to %(group)s.", ref=result.case.reference,
                group=result.case.group.name), "success")
    elif result.decision.action:
        flash(_("Contact %(ref)s answered and sent to %(group)s for action.",
                ref=result.case.reference, group=result.case.group.name), "success")
    else:
        flash(_("Contact %(ref)s saved as resolved at first contact.",
                ref=result.case.reference), "success")
    return redirect(url_for("agent.case_detail", reference=result.case.reference,
                            created=1), code=303)


def _sent_twice(token: str):
    """The form was saved before: show that contact's case instead of logging it again."""
    db.session.rollback()
    earlier = earlier_submission(db.session, token)
    if earlier is None or earlier.user_id != current_user.id:
        flash(_("This form was already sent. Start a new contact."), "error")
        return redirect(url_for("agent.console"), code=303)
    flash(_("This contact was already saved as %(ref)s; it was not logged again.",
            ref=earlier.case_reference), "info")
    return redirect(url_for("agent.case_detail", reference=earlier.case_reference,
                            created=1), code=303)


@bp.get("/labels/suggest")
def suggest_labels():
    query = request.args.get("q", "")[:300]
    return jsonify([_label_json(view) for view in suggested_labels(db.session, query)])


@bp.get("/labels/<int:label_id>")
def label_info(label_id: int):
    views, _index = label_catalogue(db.session)
    view = views.get(label_id)
    if view is None:
        abort(404)
    return jsonify(_label_json(view))


@bp.get("/labels/<int:label_id>/guide")
def label_guide_fragment(label_id: int):
    """The label's guide fields as an HTML fragment, for the console to show in place."""
    views, _index = label_catalogue(db.session)
    view = views.get(label_id)
    if view is None:
        abort(404)
    forwards = view.to_department or request.args.get("forward") == "1"
    return render_template("agent/_guide.html", label=view, values={}, errors={},
                           forwards=forwards)


@bp.app_template_global("guide_answers")
def guide_answers(case: Case) -> list[tuple[str, str]]:
    """(title, text) of the case's guide answers for the case page; personnummer masked."""
    shown = []
    for answer in case_answers(db.session, case):
        value = answer.value
        if isinstance(value, bool):
            text = _("Yes") if value else _("No")
        elif looks_like_personnummer(answer) and len(str(value)) == 12:
            text = mask_personnummer(str(value))
        elif answer.kind is not None and answer.kind.value == "organisationsnummer":
            text = format_orgnr(str(value))
        else:
            text = str(value).replace(".", ",") if isinstance(value, float) else str(value)
        shown.append((answer.title, text))
    return shown


@bp.app_template_global("label_outcome")
def label_outcome(view) -> str:
    """The console's outcome line for a label: answer now, forward, or both for an action."""
    if view.forwards:
        return _("Forward to %(group)s (%(department)s)", group=view.group,
                 department=view.department)
    if view.action:
        return _("Answer now and send to %(group)s (%(department)s) for action",
                 group=view.group, department=view.department)
    return _("Answer now")
@bp.app_template_filter("override_reason_title")
def override_reason_title(value: str) -> str:
    """The translated title of an override reason (a stored value or the enum)."""
    try:
        return _(OVERRIDE_REASON_TITLES[OverrideReason(value)])
    except ValueError:
        return str(value)


def _label_json(view) -> dict:
    return {
        "id": view.id, "path": view.path_text, "level": view.level,
        "level_title": _("Level %(n)s", n=view.level), "forwards": view.forwards,
        "action": view.action, "outcome": label_outcome(view),
        "reason": _(view.reason), "urgent": view.urgent, "active": view.active,
        "guide_fields": len(view.guide),
    }


@bp.get("/cases")
def lookup():
    query = request.args.get("q", "").strip()[:200]
    kind, cases = find_cases(db.session, current_user, query) if query else (None, [])
    return render_template("cases/lookup.html", query=query, kind=kind, cases=cases,
                           case_endpoint="agent.case_detail")


@bp.get("/cases/<reference>")
def case_detail(reference: str):
    case = load_case(reference)
    return render_case(case, show_tracking=request.args.get("created") == "1"
                       and created_recently(case))


@bp.post("/cases/<reference>/reclassify")
def reclassify(reference: str):
    case = load_case(reference)
    label_raw = request.form.get("label_id", "")
    try:
        reclassify_case(db.session, current_user, case,
                        int(label_raw) if label_raw.isdigit() else None,
                        request.form.get("reason", "")[:1000], now=datetime.now(UTC))
        db.session.commit()
    except (RuleViolations, StaleDataError) as refused:
        db.session.rollback()
        errors = _errors_by_field(refused) if isinstance(refused, RuleViolations) else {
            "label_id": [_("Someone else changed this case while you had it open. Nothing "
                           "was saved; reload the case to see the change, then try again.")]}
        return render_case(load_case(reference), errors=errors,
                           values=form_values(request.form), status=422)
    send_after_commit()  # an urgent label's alert e-mail
    flash(_("The case was reclassified."), "success")
    return redirect(url_for("agent.case_detail", reference=case.reference), code=303)
