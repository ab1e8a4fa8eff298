"""Taxonomy administration views: the tree, a label form, retire and reactivate, and the
guide editor (the fields a case type or label asks the agent for)."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.admin import bp
from app.admin.forms import GuideFieldForm, LabelForm
from app.extensions import db
from app.services.guides import (
    GuideFieldInput,
    add_guide_field,
    delete_guide_field,
    fields_of,
    move_guide_field,
    owner_of,
    update_guide_field,
)
from app.services.labels import LabelInput, save_label, set_label_active
from models import CaseType, Department, Function, GuideField, Label
from rosa.errors import RuleViolations


@bp.get("/")
def taxonomy():
    functions = db.session.scalars(
        select(Function).order_by(Function.name).options(
            selectinload(Function.case_types).selectinload(CaseType.labels)
            .selectinload(Label.group))
    ).all()
    counts: dict[tuple[str, int | None], int] = {}
    for case_type_id, label_id in db.session.execute(
            select(GuideField.case_type_id, GuideField.label_id)):
        owner = ("case_type", case_type_id) if case_type_id else ("label", label_id)
        counts[owner] = counts.get(owner, 0) + 1
    return render_template("admin/taxonomy.html", functions=functions, guide_counts=counts)


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
        form.avoidable.data, form.action.data = label.avoidable, label.action
        form.signal_words.data = label.signal_words
        form.description.data = label.description
        form.feedback_working_days.data = _text(label.feedback_working_days)
        form.feedback_working_hours.data = _text(label.feedback_working_hours)
    return form


def _text(value: int | None) -> str:
    return "" if value is None else str(value)


def _input(form: LabelForm) -> LabelInput:
    def as_id(value):
        return int(value) if value and str(value).isdigit() else None

    return LabelInput(
        function=form.function.data or "", case_type=form.case_type.data or "",
        name=form.name.data or "", rosa_level=form.rosa_level.data or "",
        department_id=as_id(form.department_id.data), group_id=as_id(form.group_id.data),
        mandate=bool(form.mandate.data), urgent=bool(form.urgent.data),
        avoidable=bool(form.avoidable.data), action=bool(form.action.data),
        signal_words=form.signal_words.data or "",
        description=form.description.data or "",
        feedback_working_days=form.feedback_working_days.data or "",
        feedback_working_hours=form.feedback_working_hours.data or "",
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


# --- guides -------------------------------------------------------------------------------


@bp.route("/case-types/<int:case_type_id>/guide", methods=["GET", "POST"])
def case_type_guide(case_type_id: int):
    return _guide_page(db.session.get(CaseType, case_type_id) or abort(404))


@bp.route("/labels/<int:label_id>/guide", methods=["GET", "POST"])
def label_guide(label_id: int):
    return _guide_page(db.session.get(Label, label_id) or abort(404))


def _guide_url(owner: CaseType | Label, **kwargs) -> str:
    if isinstance(owner, Label):
        return url_for("admin.label_guide", label_id=owner.id, **kwargs)
    return url_for("admin.case_type_guide", case_type_id=owner.id, **kwargs)


def _guide_form(row: GuideField | None = None) -> GuideFieldForm:
    form = GuideFieldForm()
    form.fill_choices(_)
    if row is not None and not form.is_submitted():
        form.title.data, form.kind.data = row.title, row.kind.value
        form.required.data = row.required
        form.help_text.data, form.choices.data = row.help_text, "\n".join(row.choices or ())
    return form


def _field_input(form: GuideFieldForm) -> GuideFieldInput:
    return GuideFieldInput(title=form.title.data or "", kind=form.kind.data or "",
                           required=bool(form.required.data), help_text=form.help_text.data or "",
                           choices=form.choices.data or "", key=form.key.data or "")


def _show_violations(form: GuideFieldForm, refused: RuleViolations) -> None:
    for field, violations in refused.by_field().items():
        getattr(form, field).errors = [v.format(_) for v in violations]


def _guide_page(owner: CaseType | Label):
    """The owner's fields with their actions, and the form that adds one."""
    form = _guide_form()
    if form.validate_on_submit():
        try:
            row = add_guide_field(db.session, current_user, owner, _field_input(form),
                                  now=datetime.now(UTC))
        except RuleViolations as refused:
            db.session.rollback()
            _show_violations(form, refused)
        else:
            db.session.commit()
            flash(_("The field %(title)s was added.", title=row.title), "success")
            return redirect(_guide_url(owner, _anchor=f"field-{row.id}"), code=303)
    case_type = owner if isinstance(owner, CaseType) else owner.case_type
    return render_template(
        "admin/guide.html", owner=owner, is_label=isinstance(owner, Label), form=form,
        fields=fields_of(db.session, owner), case_type=case_type,
        inherited=fields_of(db.session, case_type) if isinstance(owner, Label) else [],
    ), 422 if form.is_submitted() else 200


@bp.route("/guide-fields/<int:field_id>", methods=["GET", "POST"])
def edit_guide_field(field_id: int):
    row = db.session.get(GuideField, field_id) or abort(404)
    owner = owner_of(db.session, row)
    form = _guide_form(row)
    if form.validate_on_submit():
        try:
            update_guide_field(db.session, current_user, row, _field_input(form),
                               now=datetime.now(UTC))
        except RuleViolations as refused:
            db.session.rollback()
            _show_violations(form, refused)
        else:
            db.session.commit()
            flash(_("The field %(title)s was saved.", title=row.title), "success")
            return redirect(_guide_url(owner, _anchor=f"field-{row.id}"), code=303)
    return render_template("admin/guide_field_form.html", form=form, row=row, owner=owner,
                           back=_guide_url(owner)), 422 if form.is_submitted() else 200


@bp.post("/guide-fields/<int:field_id>/move")
def move_guide(field_id: int):
    row = db.session.get(GuideField, field_id) or abort(404)
    step = -1 if request.form.get("direction") == "up" else 1
    move_guide_field(db.session, current_user, row, step, now=datetime.now(UTC))
    owner = owner_of(db.session, row)
    db.session.commit()
    return redirect(_guide_url(owner, _anchor=f"field-{row.id}"), code=303)


@bp.post("/guide-fields/<int:field_id>/delete")
def delete_guide(field_id: int):
    row = db.session.get(GuideField, field_id) or abort(404)
    owner, title = owner_of(db.session, row), row.title
    delete_guide_field(db.session, current_user, row, now=datetime.now(UTC))
    db.session.commit()
    flash(_("The field %(title)s was removed. Answers already on cases are kept.", title=title),
          "success")
    return redirect(_guide_url(owner), code=303)
