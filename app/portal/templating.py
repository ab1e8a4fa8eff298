"""What the portal's templates use: contact details, fast translations, times, the language
link. Registered on the blueprint (and, where the site root renders the start page, on the
app)."""

from __future__ import annotations

import re
from datetime import datetime

import nh3
from flask import current_app, request, url_for
from flask_babel import get_locale, get_translations
from flask_babel import gettext as _
from jinja2 import pass_context
from markupsafe import Markup

from app.portal import bp
from app.portal.format import max_text, portal_time
from app.services.knowledge.articles import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, URL_SCHEMES
from app.services.portal import MAX_TEXT
from rosa.errors import Term
from rosa.timeline import citizen_status as citizen_status_text


@bp.app_context_processor
def _portal_globals():
    config = current_app.config
    return {"portal_phone": config["MUNICIPALITY_PHONE"],
            "portal_email": config["MUNICIPALITY_EMAIL"],
            "portal_max_text": max_text(), "portal_max_chars": MAX_TEXT,
            "default_locale": config["BABEL_DEFAULT_LOCALE"]}


@bp.context_processor
def _request_translations():
    """The portal's templates translate through this request's catalogue directly.

    Flask-Babel's Jinja `_` looks up the request, the locale and the catalogue again for
    every string (about 50 µs each on a slow core); a tracking page has some twenty. The
    functions below behave exactly like Jinja's "newstyle" gettext (autoescaped, always
    %-formatted) but fetch the catalogue once per page.
    """
    translations = get_translations()

    @pass_context
    def gettext(context, message, **variables):
        text = translations.ugettext(message)
        return (Markup(text) if context.eval_ctx.autoescape else text) % variables

    @pass_context
    def ngettext(context, singular, plural, num, **variables):
        variables.setdefault("num", num)
        text = translations.ungettext(singular, plural, num)
        return (Markup(text) if context.eval_ctx.autoescape else text) % variables

    return {"gettext": gettext, "ngettext": ngettext}


@bp.app_template_global()
def portal_time_tag(value: datetime | None) -> Markup:
    """A moment in Stockholm time, in words, as <time>."""
    if value is None:
        return Markup("")
    return Markup('<time datetime="%s">%s</time>') % (value.isoformat(), portal_time(value))


@bp.app_template_global()
def nowrap(text: str) -> Markup:
    """A reference number that must not break at its dashes."""
    return Markup('<span class="nowrap">%s</span>') % text


_HEADING = re.compile(r"<(/?)h([1-6])>")


@bp.app_template_filter()
def answer_html(html: str | None, level: int = 2) -> Markup:
    """A citizen answer's stored HTML for a card whose title is an h`level`.

    Cleaned again on the way out: it was sanitised when saved, but a row written another way
    (a migration, a manual fix) must not reach a citizen's browser with a script in it. Its
    headings move below the card's title (the answer's "## Så gör du" under an h3 title
    becomes an h4), so the page's outline stays whole for screen readers.
    """
    clean = nh3.clean(html or "", tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                      url_schemes=URL_SCHEMES, link_rel="noopener noreferrer")
    levels = [int(m.group(2)) for m in _HEADING.finditer(clean)]
    if levels:
        shift = int(level) + 1 - min(levels)
        clean = _HEADING.sub(lambda m: f"<{m.group(1)}h{min(6, int(m.group(2)) + shift)}>",
                             clean)
    return Markup(clean)


@bp.app_template_filter()
def citizen_status(status) -> str:
    return _(citizen_status_text(status))


@bp.app_template_filter()
def timeline_text(entry) -> Markup:
    """An entry's sentence in the page's language (terms such as the channel translated).

    A department's name stays in the municipality's language; on an English page it is
    marked as such, so that screen readers pronounce it right.
    """
    translate = get_translations().ugettext
    home = current_app.config["BABEL_DEFAULT_LOCALE"]
    foreign = str(get_locale()) != home
    params = {}
    for name, value in entry.params:
        if isinstance(value, Term):
            params[name] = translate(value)
        elif foreign and name == "department":
            params[name] = Markup('<span lang="%s">%s</span>') % (home, value)
        else:
            params[name] = value
    return Markup(translate(entry.sentence)) % params


# After a POST the language link leads to the page the form came from, empty.
_POST_PAGES = {"portal.contact_describe": "portal.contact",
               "portal.contact_answers": "portal.contact",
               "portal.contact_send": "portal.contact",
               "portal.track": "portal.track", "portal.feedback_send": "portal.feedback"}


@bp.app_template_global()
def portal_lang_url(code: str) -> str:
    """This page in another language; after a form post, the form's own page."""
    if request.method == "GET" and request.endpoint:
        args = {k: v for k, v in request.args.items() if k != "lang"}
        return url_for(request.endpoint, **(request.view_args or {}), **args, lang=code)
    return url_for(_POST_PAGES.get(request.endpoint or "", "portal.start"), lang=code)
