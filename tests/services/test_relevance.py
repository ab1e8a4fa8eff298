"""Relevance of the knowledge-base search on the demo knowledge base, through the database.

tests/data/relevance_sv.yaml holds callers' questions with the articles that answer them and,
where obvious, the label an agent should pick. The demo municipality (taxonomy, users,
app/demo/knowledge) is loaded through the demo and import services, every question goes
through `search_articles` and the console's label suggester, and the figures must not fall
below what the search reached when this test was written (a little margin for tuning).
bench/kb.py prints the same figures.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import yaml

DATA = Path(__file__).resolve().parent.parent / "data" / "relevance_sv.yaml"
DEPTH = 10  # a question whose answer is not in the first ten counts 0 for MRR

# Measured 2026-12-02 on SQLite and on PostgreSQL, the same figures on both: 103 questions,
# MRR 0.803, recall@3 0.883, label top-3 0.896 (96 questions name a label). `pytest -s`
# prints them and the misses. The thresholds leave a little room for tuning.
# 2026-12-05, after six demo questions were added (five on collection days, one fault report
# told by its negation; 109 questions, 102 with a label) and the suggester stopped adding up
# every thesaurus form of one word: MRR 0.788, recall@3 0.872 (the article search misses
# three of the new ones), label top-3 0.902, label top-1 0.784 (0.745 before the change).
MIN_MRR = 0.78
MIN_RECALL_AT_3 = 0.86
MIN_LABEL_TOP_3 = 0.87
MIN_LABEL_TOP_1 = 0.76


def load_cases(path: Path = DATA) -> list[dict]:
    """The questions, each with "query", "expected" (slugs), "label" (path or None), "lang"."""
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [{"query": item["question"], "expected": list(item["expected"]),
             "label": item.get("label"), "lang": item.get("lang", "sv")}
            for item in document["questions"]]


def evaluate(session, cases: list[dict], *, now: datetime) -> dict:
    """MRR and recall@3 of the article search, top-3 accuracy of the label suggestion."""
    from app.services.knowledge.search import search_articles
    from app.services.taxonomy import suggested_labels

    reciprocal, within_3, labels_hit, labels_first, labelled, misses = 0.0, 0, 0, 0, 0, []
    for case in cases:
        slugs = [hit.article.slug for hit in search_articles(
            session, case["query"], limit=DEPTH, now=now)]
        rank = next((i for i, slug in enumerate(slugs, 1) if slug in case["expected"]), None)
        reciprocal += 1 / rank if rank else 0.0
        within_3 += bool(rank and rank <= 3)
        if not rank or rank > 3:
            misses.append(f"{case['query']!r}: {slugs[:3]} (want {case['expected'][0]})")
        if case["label"]:
            labelled += 1
            paths = [view.path_text for view in suggested_labels(session, case["query"],
                                                                 limit=3)]
            labels_hit += case["label"] in paths
            labels_first += bool(paths) and paths[0] == case["label"]
            if case["label"] not in paths:
                misses.append(f"label {case['query']!r}: {paths} (want {case['label']})")
    return {"questions": len(cases), "MRR": reciprocal / len(cases),
            "recall@3": within_3 / len(cases),
            "label top-3": labels_hit / labelled if labelled else 0.0,
            "label top-1": labels_first / labelled if labelled else 0.0,
            "labelled questions": labelled, "misses": misses}


def load_demo_knowledge(session, now: datetime) -> None:
    from app.services.demo import load_demo

    load_demo(session, now=now, users_allowed=True, cases=0)
    session.commit()


def evaluate_on_demo(app) -> dict[str, float]:
    """The figures on a fresh database of `app` (for bench/kb.py)."""
    from app.extensions import db

    now = datetime.now(UTC)
    with app.app_context():
        load_demo_knowledge(db.session, now)
        figures = evaluate(db.session, load_cases(), now=now)
    return {name: value for name, value in figures.items() if name != "misses"}


def test_search_and_label_suggestion_find_what_callers_ask_for(session):
    """MRR, recall@3 and label top-3 over the relevance set stay at the level reached."""
    now = datetime.now(UTC)
    load_demo_knowledge(session, now)
    figures = evaluate(session, load_cases(), now=now)
    print(f"\nrelevance ({session.get_bind().dialect.name}): {figures['questions']} questions,"
          f" MRR {figures['MRR']:.3f}, recall@3 {figures['recall@3']:.3f}, label top-3 "
          f"{figures['label top-3']:.3f} (top-1 {figures['label top-1']:.3f}) of "
          f"{figures['labelled questions']}")
    print("\n".join(figures["misses"]))
    assert figures["MRR"] >= MIN_MRR
    assert figures["recall@3"] >= MIN_RECALL_AT_3
    assert figures["label top-3"] >= MIN_LABEL_TOP_3
    assert figures["label top-1"] >= MIN_LABEL_TOP_1
