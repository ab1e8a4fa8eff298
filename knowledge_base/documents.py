"""What the full-text index stores for an article: the analysed terms of each weighted field.

The database index (SQLite FTS5, PostgreSQL tsvector) reads these columns, and queries are
analysed with the same `analyse`, so index and query agree on stems and compound parts.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from knowledge_base.compounds import Vocabulary
from knowledge_base.text import analyse

_MARKUP = re.compile(r"[#*_>`\[\]()!|~-]+")


def plain_text(markdown: str) -> str:
    """Markdown without its markup characters (links keep their words)."""
    return _MARKUP.sub(" ", markdown or "")


def index_fields(title: str, answer: str, checklist: Iterable[str], body_markdown: str, *,
                 citizen: Iterable[str] = (),
                 vocabulary: Vocabulary | None = None) -> dict[str, str]:
    """The values of `search_title`, `search_answer` and `search_body` for one article.

    The answer field holds the agent's script and checklist; the body field the background
    and the `citizen` answers (Markdown), so that the citizen portal, which searches titles
    and bodies only, finds an article by the words of the answer it shows and never by the
    script. A text repeated (a citizen answer copied from the body) is indexed once.
    """
    answer_text = " ".join([answer or "", *[item for item in checklist or () if item]])
    bodies = dict.fromkeys(text.strip() for text in (body_markdown or "", *citizen) if text)
    body_text = "\n\n".join(plain_text(text) for text in bodies if text)
    return {
        "search_title": " ".join(analyse(title or "", vocabulary)),
        "search_answer": " ".join(analyse(answer_text, vocabulary)),
        "search_body": " ".join(analyse(body_text, vocabulary)),
    }
