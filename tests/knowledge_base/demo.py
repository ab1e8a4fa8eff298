"""The demo municipality's labels as the suggester sees them, read without the database.

The taxonomy (app/demo/exempelkommun.yaml), the titles and answer scripts of its published
articles (app/demo/knowledge/*.md) and its thesaurus additions, so ranking questions seen in
the demo can be tested as plain Python. The service (app.services.taxonomy) hands the
suggester the same texts from the database.
"""

from __future__ import annotations

from datetime import date
from functools import cache
from pathlib import Path

import yaml

from knowledge_base import LabelSuggester, LabelText, Thesaurus
from knowledge_base.articles import split_front_matter

DEMO = Path(__file__).resolve().parents[2] / "app" / "demo"


def _answers(today: date) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for path in sorted((DEMO / "knowledge").glob("*.md")):
        front = yaml.safe_load(split_front_matter(path.read_text("utf-8")).front_matter)
        valid_to = front.get("valid_to")
        if front.get("status") != "published" or (valid_to and valid_to < today):
            continue
        for label in front.get("labels") or ():
            found.setdefault(label, []).extend(
                (front["title"], front.get("answer_script") or ""))
    return found


@cache
def demo_suggester(today: date = date(2026, 12, 5)) -> tuple[LabelSuggester, dict[int, str]]:
    """The suggester over the demo's labels, and each label id's path."""
    taxonomy = yaml.safe_load((DEMO / "exempelkommun.yaml").read_text("utf-8"))
    answers = _answers(today)
    labels, paths = [], {}
    for function in taxonomy["functions"]:
        for case_type in function["case_types"]:
            for label in case_type["labels"]:
                path = " › ".join((function["name"], case_type["name"], label["name"]))
                paths[len(labels) + 1] = path
                labels.append(LabelText(
                    len(labels) + 1, path, tuple(label.get("signal_words") or ()),
                    label.get("description") or "", answers=answers.get(path, ())))
    thesaurus = Thesaurus.default().merged(
        Thesaurus.load(DEMO / "knowledge" / "thesaurus.txt"))
    return LabelSuggester(labels, thesaurus=thesaurus), paths
