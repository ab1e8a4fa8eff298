"""Administrators read who did what with a case, including every view of its personal data."""

from __future__ import annotations

from flask import render_template
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.admin import bp
from app.casework.page import load_case
from app.extensions import db
from models import AuditEntry


@bp.get("/cases/<reference>/audit")
def case_audit(reference: str):
    case = load_case(reference)
    entries = db.session.scalars(
        select(AuditEntry).options(joinedload(AuditEntry.actor))
        .where(AuditEntry.target_type == "case",
               AuditEntry.target_id == str(case.id))
        .order_by(AuditEntry.id.desc()).limit(1000)).all()
    return render_template("admin/case_audit.html", case=case, entries=entries)
