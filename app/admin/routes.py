"""Taxonomy administration views: the tree, a label form, retire and reactivate."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.admin import bp
from app.admin.forms import LabelForm
from app.extensions import db
from app.services.labels import LabelInput, save_label, set_label_active
from models import CaseType, Department, Function, Label
from rosa.errors import RuleViolations


@bp.get("/")
def taxonomy():
    functions = db.session.scalars(
        select(Function).order_by(Function.name).options(
            selectinload(Function.case_types).selectinload(CaseType.labels)
            .selectinload(Label.group))
    ).all()
    return render_template("admin/taxonomy.html", functions=functions)


def _form(label: Label | None = None) -> LabelForm:
    form = LabelForm()
    departments = db.session.scalars(select(Department).order_by(Department.name)).all()
    form.fill_choices(departments, _)
    if label is not None and not form.is_submitted():
        form.function.data, form.case_type.data, form.name.data = label.path
        form.rosa_level.data = str(label.rosa_level)
        form.department_id.data = str(label.department_id)
        form.group_id.data = str(label.group_id)
        form.mandate.data, form.urgent.data = label.mandate, label.urgent
        form.avoidable.data = label.avoidable
        form.signal_words.data = label.signal_words
        form.description.data = label.description
    return form


def _input(form: LabelForm) -> LabelInput:
    def as_id(value):
        return int(value) if value and str(value).isdigit() else None

    return LabelInput(
        function=form.function.data or "", case_type=form.case_type.data or "",
        name=form.name.data or "", rosa_level=form.rosa_level.data or "",
        department_id=as_id(form.department_id.data), group_id=as_id(form.group_id.data),
        mandate=bool(form.mandate.data), urgent=bool(form.urgent.data),
        avoidable=bool(form.avoidable.data), signal_words=form.signal_words.data or "",
        description=form.description.data or "",
    )


def _edit(label: Label | None):
    form = _form(label)
    if form.validate_on_submit():
        try:
            saved = save_label(db.session, current_user, label, _input(form),
                               now=datetime.now(UTC))
        except RuleViolations as refused:
            db.session.rollback()
            for field, violations in refused.by_field().items():
                getattr(form, field).errors = [v.format(_) for v in violations]
        else:
            db.session.commit()
            flash(_("The label %(path)s was saved.", path=saved.path_text), "success")
            return redirect(url_for("admin.taxonomy", _anchor=f"label-{saved.id}"), code=303)
    status = 422 if form.is_submitted() else 200
    functions = db.session.scalars(select(Function.name).order_by(Function.name)).all()
    return render_template("admin/label_form.html", form=form, label=label,
                           function_names=functions), status


@bp.route("/labels/new", methods=["GET", "POST"])
def new_label():
    return _edit(None)


@bp.route("/labels/<int:label_id>", methods=["GET", "POST"])
def edit_label(label_id: int):
    label = db.session.get(Label, label_id) or abort(404)
    return _edit(label)


@bp.post("/labels/<int:label_id>/retire")
def retire_label(label_id: int):
    return _set_active(label_id, False)


@bp.post("/labels/<int:label_id>/reactivate")
def reactivate_label(label_id: int):
    return _set_active(label_id, True)


def _set_active(label_id: int, active: bool):
    label = db.session.get(Label, label_id) or abort(404)
    set_label_active(db.session, current_user, label, active, now=datetime.now(UTC))
    db.session.commit()
    message = _("The label was reactivated.") if active else _(
        "The label was retired. Old cases keep it; new contacts cannot use it.")
    flash(message, "success")
    return redirect(url_for("admin.taxonomy", _anchor=f"label-{label.id}"), code=303)
