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
                 vocabulary: Vocabulary | None = None) -> dict[str, str]:
    """The values of `search_title`, `search_answer` and `search_body` for one article."""
    answer_text = " ".join([answer or "", *[item for item in checklist or () if item]])
    return {
        "search_title": " ".join(analyse(title or "", vocabulary)),
        "search_answer": " ".join(analyse(answer_text, vocabulary)),
        "search_body": " ".join(analyse(plain_text(body_markdown), vocabulary)),
    }
