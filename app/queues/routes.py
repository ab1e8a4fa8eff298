"""A handler's queues: open cases addressed to the groups they belong to, urgent first."""

from __future__ import annotations

from flask import abort, render_template
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from app.access import visible_cases
from app.extensions import db
from app.queues import bp
from app.services.history import case_history
from app.services.references import normalize_reference
from models import Case, Label
from rosa.vocabulary import CaseStatus

OPEN = (CaseStatus.FORWARDED, CaseStatus.IN_PROGRESS, CaseStatus.WAITING)


@bp.get("/")
def index():
    group_ids = [g.id for g in current_user.groups]
    counts = dict(db.session.execute(
        select(Case.group_id, func.count(Case.id))
        .where(Case.group_id.in_(group_ids), Case.status.in_(OPEN)).group_by(Case.group_id)
    ).all())
    cases = db.session.scalars(
        visible_cases(current_user)
        .where(Case.group_id.in_(group_ids), Case.status.in_(OPEN))
        .options(joinedload(Case.label).joinedload(Label.case_type), joinedload(Case.group),
                 joinedload(Case.customer))
        .order_by(Case.urgent.desc(), Case.created_at).limit(200)
    ).unique().all()
    return render_template("queues/index.html", groups=current_user.groups, counts=counts,
                           cases=cases)


@bp.get("/cases/<reference>")
def case_detail(reference: str):
    case = db.session.scalar(
        visible_cases(current_user).where(Case.reference == normalize_reference(reference))
    )
    if case is None:
        abort(404)
    return render_template("agent/case.html", case=case, events=case_history(db.session, case),
                           readonly=True, show_tracking=False, errors={}, values={},
                           label_groups=[])
