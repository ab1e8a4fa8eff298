"""The knowledge base in the agent console: search, article pages, suggestions while the
citizen speaks, the chosen label's answers and bulletins, and flagging an article.

Short adapters to app.services.knowledge (search, usage, bulletins) / taxonomy. Every page works
without JavaScript; app/static/js/kb.js fetches the same views (or their JSON and fragment
forms) to update the console in place.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from functools import lru_cache

import nh3
from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup, escape
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.agent import bp
from app.agent.routes import _errors_by_field, _label_json, label_panel
from app.extensions import db
from app.services.knowledge.articles import (
    ALLOWED_ATTRIBUTES,
    ALLOWED_TAGS,
    URL_SCHEMES,
    labels_by_article,
)
from app.services.knowledge.bulletins import KIND_TITLES, active_bulletins
from app.services.knowledge.search import search_articles
from app.services.knowledge.usage import flag_article, label_articles, open_flags
from app.services.mail import send_after_commit
from app.services.taxonomy import label_catalogue, suggested_labels
from knowledge_base import analyse
from knowledge_base.articles import on_portal
from models import Article
from rosa.errors import RuleViolations

_WORD = re.compile(r"[^\W_]+(?:-[^\W_]+)*")


@bp.get("/kb")
def kb_search():
    """The search page (server-rendered); `?partial=1` returns only the results."""
    query = request.args.get("q", "").strip()[:300]
    label_id = request.args.get("label", type=int)
    views, _suggester = label_catalogue(db.session)
    label = views.get(label_id) if label_id else None
    now = datetime.now(UTC)
    if query:
        hits = search_articles(db.session, query, label_id=label_id, limit=20, now=now)
    elif label:
        hits = [_Listed(a) for a in label_articles(db.session, label.id, now=now, limit=50)]
    else:
        hits = []
    template = "agent/kb_results.html" if request.args.get("partial") else "agent/kb_search.html"
    return render_template(template, query=query, label=label, hits=hits,
                           labels_of=labels_by_article(db.session, [h.article.id for h in hits]))


@bp.get("/kb/suggest")
def kb_suggest():
    """Labels and articles for the citizen's words, as JSON for the console."""
    query = request.args.get("q", "")[:300]
    if len(query.strip()) < 2:
        return jsonify({"labels": [], "articles": []})
    labels = suggested_labels(db.session, query, limit=5)
    hits = search_articles(db.session, query, limit=5, now=datetime.now(UTC))
    return jsonify({"labels": [_label_json(view) for view in labels],
                    "articles": [_article_json(hit.article, hit.matched_terms) for hit in hits]})


@bp.get("/kb/labels/<int:label_id>")
def kb_label_panel(label_id: int):
    """The chosen label's answers and bulletins, as an HTML fragment for the console."""
    views, _suggester = label_catalogue(db.session)
    if label_id not in views:
        abort(404)
    return render_template("agent/kb_label_panel.html",
                           panel=label_panel(views[label_id], datetime.now(UTC)))


@bp.get("/kb/articles/<int:article_id>")
def kb_article(article_id: int):
    article = _load_article(article_id)
    return _render_article(article)


@bp.post("/kb/articles/<int:article_id>/flag")
def kb_flag_article(article_id: int):
    article = _load_article(article_id)
    wants_json = request.accept_mimetypes.best == "application/json"
    try:
        flag_article(db.session, article, user=current_user._get_current_object(),
                     reason=request.form.get("reason", "")[:5000], now=datetime.now(UTC),
                     link=url_for("agent.kb_article", article_id=article.id, _external=True))
    except RuleViolations as refused:
        db.session.rollback()
        errors = _errors_by_field(refused)
        if wants_json:
            return jsonify({"errors": errors}), 422
        return _render_article(_load_article(article_id), errors=errors,
                               reason=request.form.get("reason", ""), status=422)
    db.session.commit()
    send_after_commit()  # a failure leaves the e-mail in the outbox for `flask mail send`
    message = _("Thank you. The article's owners have been told.")
    if wants_json:
        return jsonify({"message": message})
    flash(message, "success")
    return redirect(url_for("agent.kb_article", article_id=article_id), code=303)


class _Listed:
    """An article listed for a label (no search terms to highlight), shaped like a hit."""

    matched_terms: tuple[str, ...] = ()

    def __init__(self, article: Article) -> None:
        self.article = article


def _load_article(article_id: int) -> Article:
    article = db.session.scalar(select(Article).options(
        joinedload(Article.department), joinedload(Article.reviewer))
        .where(Article.id == article_id))
    if article is None:
        abort(404)
    return article


def _render_article(article: Article, *, errors: dict | None = None, reason: str = "",
                    status: int = 200):
    labels = labels_by_article(db.session, [article.id])[article.id]
    views, _suggester = label_catalogue(db.session)
    now = datetime.now(UTC)
    bulletins = {b.id: b for label in labels
                 for b in active_bulletins(db.session, now=now, label_id=label.id)}
    return render_template(
        "agent/kb_article.html", article=article, errors=errors or {}, reason=reason,
        body=_clean(article.body_html),
        web_answer=_clean(article.citizen_answer_html) if on_portal(article) else None,
        labels=[views[label.id] for label in labels if label.id in views],
        flags=open_flags(db.session, article.id), bulletins=list(bulletins.values())[:5]
    ), status


def _clean(html: str | None) -> Markup:
    """Stored article HTML, sanitised again on the way out."""
    return Markup(nh3.clean(html or "", tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                            url_schemes=URL_SCHEMES, link_rel="noopener noreferrer"))


def _article_json(article: Article, matched: tuple[str, ...] = ()) -> dict:
    """An article for kb.js; the *_html fields are escaped text with <mark> highlights."""
    return {"id": article.id, "title": article.title, "answer": article.answer_script,
            "title_html": str(highlight(article.title, matched)),
            "answer_html": str(highlight(article.answer_script, matched)),
            "checklist": [str(item) for item in article.checklist or ()],
            "url": url_for("agent.kb_article", article_id=article.id),
            "matched": list(matched)}


@bp.context_processor
def _bulletin_kinds():
    return {"bulletin_kinds": KIND_TITLES}


@bp.app_template_filter("highlight")
def highlight(text: str, terms) -> Markup:
    """`text` escaped, with the words whose analysed terms are in `terms` in <mark>."""
    wanted = set(terms or ())
    if not wanted or not text:
        return escape(text or "")
    pieces, last = [], 0
    for match in _WORD.finditer(text):
        if wanted.intersection(_terms_of(match.group())):
            pieces += [escape(text[last:match.start()]),
                       Markup("<mark>%s</mark>") % match.group()]
            last = match.end()
    pieces.append(escape(text[last:]))
    return Markup("").join(pieces)


@lru_cache(maxsize=4096)
def _terms_of(word: str) -> tuple[str, ...]:
    return tuple(analyse(word))
