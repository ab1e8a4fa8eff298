"""Knowledge-base administration: articles (with preview and version history), the bulletin
board and the thesaurus additions.

Views are adapters: the forms carry what was typed, the article, bulletin and thesaurus
services check the rules and write (and audit), and a refusal comes back as errors on the
fields with everything typed kept. An article edit carries the version it was loaded at; a
save against a newer version is refused with 409 and the typed text stays on the page.

The article form keeps the two voices apart: what agents use on the phone (script, checklist,
background) and what citizens read on the portal (the citizen answer, in Swedish and
optionally English). Publishing a public article without a citizen answer is stopped once
with a warning (citizens would not see it) until the editor ticks "publish anyway".
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload
from wtforms import (
    BooleanField,
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Length, Optional

from app.admin import bp
from app.extensions import db
from app.services.knowledge.articles import (
    FIELD_TITLES,
    ArticleFilter,
    ArticleInput,
    ArticleRow,
    EditConflict,
    NeedsConfirmation,
    article_history,
    label_ids_of,
    list_articles,
    render_markdown,
    save_article,
)
from app.services.knowledge.bulletins import (
    KIND_TITLES,
    KINDS,
    BulletinInput,
    bulletin_board,
    delete_bulletin,
    labels_by_bulletin,
    save_bulletin,
)
from app.services.knowledge.thesaurus import add_entry, delete_entry, list_entries
from knowledge_base import Thesaurus
from knowledge_base.articles import (
    AUDIENCE_TITLES,
    MAX_CITIZEN_ANSWER,
    STATUS_TITLES,
    STATUSES,
    is_stale,
)
from models import Article, Bulletin, CaseType, Department, Function, Label, ThesaurusEntry, User
from rosa.errors import RuleViolations

STOCKHOLM = ZoneInfo("Europe/Stockholm")
_DATE = {"type": "date"}
_DATETIME = {"type": "datetime-local"}
# The services' field names where the form calls them something else.
_FORM_FIELD = {"body": "body_md", "citizen_answer": "citizen_answer_md",
               "citizen_answer_en": "citizen_answer_en_md"}


def _now() -> datetime:
    return datetime.now(UTC)


def _as_id(value) -> int | None:
    return int(value) if value and str(value).isdigit() else None


def _show(form: FlaskForm, refused: RuleViolations) -> None:
    """Put each problem on its field (or on the form when no field matches)."""
    for name, problems in refused.by_field().items():
        target = getattr(form, _FORM_FIELD.get(name, name), None)
        messages = [p.format(_) for p in problems]
        if target is None or not hasattr(target, "errors"):
            form.form_errors.extend(messages)
        else:
            target.errors = list(target.errors) + messages


class ArticleForm(FlaskForm):
    title = StringField(_l("Title"), validators=[Length(max=200)])
    slug = StringField(_l("Slug (file name)"), validators=[Length(max=120)])
    answer_script = TextAreaField(_l("Agent's answer script"), validators=[Length(max=2000)])
    checklist = TextAreaField(_l("Checklist"), validators=[Length(max=10000)])
    body_md = TextAreaField(_l("Background for agents (Markdown)"),
                            validators=[Length(max=100000)])
    citizen_answer_md = TextAreaField(_l("Answer for citizens, in Swedish (Markdown)"),
                                      validators=[Length(max=MAX_CITIZEN_ANSWER)])
    title_en = StringField(_l("Title in English"), validators=[Length(max=200)])
    citizen_answer_en_md = TextAreaField(_l("Answer for citizens, in English (Markdown)"),
                                         validators=[Length(max=MAX_CITIZEN_ANSWER)])
    publish_hidden = BooleanField(_l("Publish anyway, for staff only"))
    label_ids = SelectMultipleField(_l("Labels"), coerce=int, choices=[],
                                    validate_choice=False)
    department_id = SelectField(_l("Owning department"), choices=[], validators=[Optional()])
    reviewer_id = SelectField(_l("Reviewer"), choices=[], validators=[Optional()])
    status = SelectField(_l("Status"), choices=[], validators=[Optional()])
    audience = SelectField(_l("Audience"), choices=[], validators=[Optional()])
    valid_from = StringField(_l("Valid from"), render_kw=_DATE)
    valid_to = StringField(_l("Valid to"), render_kw=_DATE)
    review_by = StringField(_l("Review by"), render_kw=_DATE)
    note = StringField(_l("What did you change? (optional)"), validators=[Length(max=500)])
    version = HiddenField()

    def fill_choices(self) -> None:
        departments = db.session.scalars(select(Department).order_by(Department.name))
        self.department_id.choices = [("", "—")] + [(str(d.id), d.name) for d in departments]
        users = db.session.scalars(select(User).where(User.is_active_account)
                                   .order_by(User.full_name))
        self.reviewer_id.choices = [("", _("No reviewer"))] + [
            (str(u.id), f"{u.full_name} ({u.username})") for u in users]
        self.status.choices = [(s, _(STATUS_TITLES[s])) for s in STATUSES]
        self.audience.choices = [(a, _(t)) for a, t in AUDIENCE_TITLES.items()]

    def load(self, article: Article) -> None:
        for name in ("title", "slug", "answer_script", "body_md", "status", "audience",
                     "title_en", "citizen_answer_md", "citizen_answer_en_md"):
            getattr(self, name).data = getattr(article, name)
        self.checklist.data = "\n".join(article.checklist or ())
        self.department_id.data = str(article.department_id)
        self.reviewer_id.data = str(article.reviewer_id or "")
        for name in ("valid_from", "valid_to", "review_by"):
            value = getattr(article, name)
            getattr(self, name).data = value.isoformat() if value else ""
        self.label_ids.data = list(label_ids_of(db.session, article.id))
        self.version.data = str(article.version)

    def input(self) -> ArticleInput:
        return ArticleInput(
            slug=self.slug.data or "", title=self.title.data or "",
            answer_script=self.answer_script.data or "", body_md=self.body_md.data or "",
            checklist=self.checklist.data or "", status=self.status.data or "",
            audience=self.audience.data or "", valid_from=self.valid_from.data or None,
            valid_to=self.valid_to.data or None, review_by=self.review_by.data or None,
            department_id=_as_id(self.department_id.data),
            reviewer_id=_as_id(self.reviewer_id.data), label_ids=self.label_ids.data or [],
            title_en=self.title_en.data or "",
            citizen_answer_md=self.citizen_answer_md.data or "",
            citizen_answer_en_md=self.citizen_answer_en_md.data or "")


def _label_tree(selected: set[int]) -> list[tuple[str, list[tuple[Label, bool]], int]]:
    """Active labels (and retired ones already chosen) by function, for the label picker:
    (function name, [(label, ticked)], how many are ticked)."""
    functions = db.session.scalars(select(Function).order_by(Function.name).options(
        selectinload(Function.case_types).selectinload(CaseType.labels))).all()
    tree = []
    for function in functions:
        labels = [(label, label.id in selected) for case_type in function.case_types
                  for label in case_type.labels if label.active or label.id in selected]
        if labels:
            tree.append((function.name, labels, sum(ticked for _label, ticked in labels)))
    return tree


# --- articles -----------------------------------------------------------------------------


@bp.get("/kb/")
@bp.get("/kb/articles")
def kb_articles():
    args = request.args
    filters = ArticleFilter(
        status=args.get("status", "") if args.get("status") in STATUSES else "",
        audience=args.get("audience", "") if args.get("audience") in AUDIENCE_TITLES else "",
        department_id=_as_id(args.get("department")), stale=bool(args.get("stale")),
        text=args.get("q", "")[:200])
    rows = list_articles(db.session, filters, today=_now().astimezone(STOCKHOLM).date())
    departments = db.session.scalars(select(Department).order_by(Department.name)).all()
    return render_template("admin/kb_articles.html", rows=rows, filters=filters,
                           departments=departments, statuses=STATUS_TITLES,
                           audiences=AUDIENCE_TITLES)


@bp.route("/kb/articles/new", methods=["GET", "POST"])
def kb_article_new():
    return _article_page(None)


@bp.route("/kb/articles/<int:article_id>", methods=["GET", "POST"])
def kb_article_edit(article_id: int):
    return _article_page(db.session.get(Article, article_id) or abort(404))


def _article_page(article: Article | None):
    form = ArticleForm()
    form.fill_choices()
    if article is not None and not form.is_submitted():
        form.load(article)
    preview = None
    status = 200
    if form.validate_on_submit():
        if request.form.get("action") == "preview":
            preview = {name: render_markdown(getattr(form, name).data or "")
                       for name in ("body_md", "citizen_answer_md", "citizen_answer_en_md")}
        else:
            saved = _save(form, article)
            if saved is not None:
                return saved
            status = 409 if form.version.errors else 422
    elif form.is_submitted():
        status = 422
    return render_template(
        "admin/kb_article_form.html", form=form, article=article, preview=preview,
        label_tree=_label_tree(set(form.label_ids.data or ())),
        hidden_from_citizens=article is not None and not form.is_submitted()
        and ArticleRow(article, False).hidden_from_citizens,
        stale=article is not None and is_stale(
            article.review_by, article.status, _now().astimezone(STOCKHOLM).date()),
    ), status


def _save(form: ArticleForm, article: Article | None):
    """Save through the service; a redirect on success, None (errors on the form) if not."""
    expected = None
    if article is not None:
        expected = int(form.version.data) if (form.version.data or "").isdigit() else -1
    try:
        result = save_article(db.session, current_user, article, form.input(), now=_now(),
                              expected_version=expected, note=form.note.data or "",
                              confirmed=bool(form.publish_hidden.data))
    except RuleViolations as refused:
        db.session.rollback()
        _show(form, refused)
        if isinstance(refused, EditConflict):
            form.version.errors = [v.format(_) for v in refused.violations]
        if isinstance(refused, NeedsConfirmation):
            form.publish_hidden.errors = [_("Tick this to publish without an answer for "
                                            "citizens, or write one.")]
        return None
    db.session.commit()
    if result.created:
        flash(_("The article %(title)s was created.", title=result.article.title), "success")
    elif result.changed:
        flash(_("The article was saved as version %(version)s.",
                version=result.article.version), "success")
    else:
        flash(_("Nothing had changed; no new version was saved."), "info")
    if result.warnings:
        flash(_("Citizens do not see this public article on the portal until it has an "
                "answer for citizens."), "warning")
    return redirect(url_for("admin.kb_article_edit", article_id=result.article.id), code=303)


@bp.get("/kb/articles/<int:article_id>/history")
def kb_article_history(article_id: int):
    article = db.session.get(Article, article_id) or abort(404)
    return render_template("admin/kb_history.html", article=article,
                           entries=article_history(db.session, article),
                           field_titles=FIELD_TITLES, statuses=STATUS_TITLES,
                           audiences=AUDIENCE_TITLES)


# --- bulletins ----------------------------------------------------------------------------


class BulletinForm(FlaskForm):
    title = StringField(_l("Title"), validators=[Length(max=200)])
    kind = SelectField(_l("Kind of notice"), choices=[], validators=[Optional()])
    starts_at = StringField(_l("Starts"), render_kw=_DATETIME)
    ends_at = StringField(_l("Ends"), render_kw=_DATETIME)
    body = TextAreaField(_l("Text"), validators=[Length(max=4000)])
    function_id = SelectField(_l("Function"), choices=[], validators=[Optional()])
    label_ids = SelectMultipleField(_l("Labels"), coerce=int, choices=[],
                                    validate_choice=False)
    area = StringField(_l("Area"), validators=[Length(max=200)])

    def fill_choices(self) -> None:
        self.kind.choices = [(k, _(KIND_TITLES[k])) for k in KINDS]
        functions = db.session.scalars(select(Function).order_by(Function.name))
        self.function_id.choices = [("", _("All functions"))] + [
            (str(f.id), f.name) for f in functions]

    def load(self, bulletin: Bulletin) -> None:
        self.title.data, self.kind.data, self.body.data = (bulletin.title, bulletin.kind,
                                                           bulletin.body)
        self.starts_at.data = _local_input(bulletin.starts_at)
        self.ends_at.data = _local_input(bulletin.ends_at)
        self.function_id.data = str(bulletin.function_id or "")
        self.label_ids.data = labels_by_bulletin(db.session, [bulletin.id])[bulletin.id]
        self.area.data = bulletin.area or ""

    def input(self) -> BulletinInput:
        return BulletinInput(
            title=self.title.data or "", kind=self.kind.data or "", body=self.body.data or "",
            starts_at=self.starts_at.data or None, ends_at=self.ends_at.data or None,
            function_id=_as_id(self.function_id.data), label_ids=self.label_ids.data or [],
            area=self.area.data or "")


def _local_input(moment: datetime) -> str:
    return moment.astimezone(STOCKHOLM).strftime("%Y-%m-%dT%H:%M")


@bp.get("/kb/bulletins")
def kb_bulletins():
    board = bulletin_board(db.session, now=_now())
    everything = [*board.active, *board.upcoming, *board.past]
    functions = dict(db.session.execute(select(Function.id, Function.name)).all())
    label_ids = labels_by_bulletin(db.session, [b.id for b in everything])
    names = _label_names({i for ids in label_ids.values() for i in ids})
    return render_template("admin/kb_bulletins.html", board=board, functions=functions,
                           labels={b: [names[i] for i in ids] for b, ids in label_ids.items()},
                           kinds=KIND_TITLES)


def _label_names(ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    labels = db.session.scalars(select(Label).where(Label.id.in_(ids)).options(
        joinedload(Label.case_type).joinedload(CaseType.function)))
    return {label.id: label.path_text for label in labels}


@bp.route("/kb/bulletins/new", methods=["GET", "POST"])
def kb_bulletin_new():
    return _bulletin_page(None)


@bp.route("/kb/bulletins/<int:bulletin_id>", methods=["GET", "POST"])
def kb_bulletin_edit(bulletin_id: int):
    return _bulletin_page(db.session.get(Bulletin, bulletin_id) or abort(404))


def _bulletin_page(bulletin: Bulletin | None):
    form = BulletinForm()
    form.fill_choices()
    if bulletin is not None and not form.is_submitted():
        form.load(bulletin)
    if form.validate_on_submit():
        try:
            saved = save_bulletin(db.session, current_user, bulletin, form.input(), now=_now())
        except RuleViolations as refused:
            db.session.rollback()
            _show(form, refused)
        else:
            db.session.commit()
            flash(_("The notice %(title)s was saved.", title=saved.title), "success")
            return redirect(url_for("admin.kb_bulletins", _anchor=f"bulletin-{saved.id}"),
                            code=303)
    return render_template("admin/kb_bulletin_form.html", form=form, bulletin=bulletin,
                           label_tree=_label_tree(set(form.label_ids.data or ())),
                           ), 422 if form.is_submitted() else 200


@bp.post("/kb/bulletins/<int:bulletin_id>/delete")
def kb_bulletin_delete(bulletin_id: int):
    bulletin = db.session.get(Bulletin, bulletin_id) or abort(404)
    title = bulletin.title
    delete_bulletin(db.session, current_user, bulletin, now=_now())
    db.session.commit()
    flash(_("The notice %(title)s was removed.", title=title), "success")
    return redirect(url_for("admin.kb_bulletins"), code=303)


# --- thesaurus ----------------------------------------------------------------------------


class ThesaurusForm(FlaskForm):
    word = StringField(_l("The citizen's word"), validators=[Length(max=200)])
    official = StringField(_l("The municipality's word"), validators=[Length(max=200)])
    two_way = BooleanField(_l("Two-way: the words mean the same, each finds the other"))


@bp.route("/kb/thesaurus", methods=["GET", "POST"])
def kb_thesaurus():
    form = ThesaurusForm()
    if form.validate_on_submit():
        try:
            entry = add_entry(db.session, current_user, word=form.word.data or "",
                              official=form.official.data or "",
                              two_way=bool(form.two_way.data), now=_now())
        except RuleViolations as refused:
            db.session.rollback()
            _show(form, refused)
        else:
            db.session.commit()
            flash(_("Added: %(word)s → %(official)s.", word=entry.word,
                    official=entry.official), "success")
            return redirect(url_for("admin.kb_thesaurus", _anchor=f"entry-{entry.id}"),
                            code=303)
    entries = list_entries(db.session)
    creators = dict(db.session.execute(select(User.id, User.full_name).where(
        User.id.in_({e.created_by_id for e in entries if e.created_by_id}))).all())
    return render_template("admin/kb_thesaurus.html", form=form, entries=entries,
                           creators=creators, shipped=Thesaurus.default().synonyms,
                           ), 422 if form.is_submitted() else 200


@bp.post("/kb/thesaurus/<int:entry_id>/delete")
def kb_thesaurus_delete(entry_id: int):
    entry = db.session.get(ThesaurusEntry, entry_id) or abort(404)
    word, official = entry.word, entry.official
    delete_entry(db.session, current_user, entry, now=_now())
    db.session.commit()
    flash(_("Removed: %(word)s → %(official)s.", word=word, official=official), "success")
    return redirect(url_for("admin.kb_thesaurus"), code=303)
