"""API v1 views: parse → load through the scoped query or call the intake service → respond."""

from __future__ import annotations

from flask import current_app, render_template, request, url_for
from sqlalchemy import select
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from app.access import ALL_CASES_ROLES, visible_cases
from app.api import bp, serialisers
from app.api.auth import api_user, record_token_use, roles_allowed
from app.api.errors import not_found, rule_violations
from app.api.openapi import openapi_document
from app.api.schemas import parse_contact, read_json_object
from app.casework.page import record_case_view
from app.extensions import db
from app.services.guides import guides_by_label, label_guide
from app.services.history import case_history
from app.services.intake import load_label, prepare_contact, store_contact
from app.services.references import normalize_reference
from app.transactions import read_then_write, start_writing
from models import Case, CaseType, Function, Label
from models.types import utcnow
from rosa.errors import RuleViolations

INTAKE_ROLES = ALL_CASES_ROLES  # agents, managers and administrators log contacts
TRUE_WORDS = frozenset({"1", "true", "yes"})
_LABEL_PATH = joinedload(Label.case_type).joinedload(CaseType.function)
_LABEL_UNITS = (joinedload(Label.department), joinedload(Label.group))


@bp.get("/v1/taxonomy")
def taxonomy():
    query = (
        select(Label).join(Label.case_type).join(CaseType.function)
        .options(contains_eager(Label.case_type).contains_eager(CaseType.function),
                 *_LABEL_UNITS)
        .order_by(Function.name, CaseType.name, Label.name)
    )
    if request.args.get("include_retired", "").lower() not in TRUE_WORDS:
        query = query.where(Label.active)
    labels = db.session.scalars(query).all()
    guides = (guides_by_label(db.session, labels)
              if request.args.get("include_guides", "").lower() in TRUE_WORDS else None)
    return serialisers.taxonomy(labels, guides)


@bp.post("/v1/contacts")
@read_then_write
@roles_allowed(*INTAKE_ROLES)
def create_contact():
    now = utcnow()
    parsed = parse_contact(read_json_object(), now=now)
    # Held in a variable because the session's identity map only holds it weakly.
    label = load_label(db.session, parsed.label_id)
    try:
        prepared = prepare_contact(db.session, parsed.draft, label.id if label else None)
    except RuleViolations as refused:
        raise rule_violations(refused) from None
    actor = api_user()
    start_writing()
    record_token_use(now)
    result = store_contact(db.session, actor, prepared, now=now,
                           received_at=parsed.received_at,
                           reference_prefix=current_app.config["CASE_REFERENCE_PREFIX"])
    body = serialisers.created_case(result.case, result.decision)
    db.session.commit()
    return body, 201, {"Location": url_for(".case", reference=body["reference"])}


@bp.get("/v1/cases/<reference>")
def case(reference: str):
    found = db.session.scalar(
        visible_cases(api_user())
        .where(Case.reference == normalize_reference(reference))
        .options(joinedload(Case.label).options(_LABEL_PATH), joinedload(Case.department),
                 joinedload(Case.group), joinedload(Case.customer), selectinload(Case.contacts))
    )
    if found is None:
        raise not_found()
    body = serialisers.case_detail(found, case_history(db.session, found),
                                   label_guide(db.session, found.label))
    record_case_view(found, api_user())
    return body


@bp.get("/v1/openapi.json")
def openapi():
    return openapi_document()


@bp.get("/v1/docs")
def docs():
    return render_template("api/docs.html")
