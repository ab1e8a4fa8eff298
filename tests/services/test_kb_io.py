"""Knowledge-base import and export: every file checked first with file, line and field in
each problem; upsert by slug with a new version only when content changed; lossless round
trip; the command line commits once or not at all."""

from __future__ import annotations

import re
import shutil
from collections import Counter
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml
from sqlalchemy import func, select

from app.services.demo import TAXONOMY_FILE, load_demo
from app.services.knowledge.articles import label_ids_of
from app.services.knowledge.bulletins import bulletin_board
from app.services.knowledge.exporting import export_knowledge
from app.services.knowledge.files import import_knowledge
from app.services.knowledge.thesaurus import current_thesaurus
from knowledge_base import phrase_key
from knowledge_base.articles import is_stale
from models import Article, ArticleVersion, Bulletin, ThesaurusEntry
from rosa.errors import RuleViolations

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "kb_sample"
STOCKHOLM = ZoneInfo("Europe/Stockholm")


@pytest.fixture
def english(app, data_app, monkeypatch):
    """CLI output in the English source strings (both app instances, see test_taxonomy_io)."""
    for application in (app, data_app):
        monkeypatch.setitem(application.config, "BABEL_DEFAULT_LOCALE", "en")


@pytest.fixture
def sample(tmp_path) -> Path:
    """A writable copy of tests/data/kb_sample."""
    target = tmp_path / "kb"
    shutil.copytree(SAMPLE, target)
    return target


def _counts(session) -> tuple[int, ...]:
    return tuple(session.scalar(select(func.count()).select_from(model))
                 for model in (Article, ArticleVersion, ThesaurusEntry, Bulletin))


def test_import_creates_articles_thesaurus_and_bulletins(session, world, now):
    """Front matter, labels by path (any case, '>' or '›'), reviewer, dates, body; thesaurus
    lines; bulletins in Swedish time."""
    summary = import_knowledge(session, SAMPLE, now=now)
    session.commit()
    assert (summary.created["articles"], summary.created["thesaurus"],
            summary.created["bulletins"]) == (2, 2, 2)
    article = session.scalar(select(Article).where(Article.slug == "avfall-oppettider"))
    assert (article.status, article.audience, article.reviewer.username) == (
        "published", "public", "handler")
    assert (article.valid_from, article.valid_to, article.review_by) == (
        date(2026, 1, 1), None, date(2027, 6, 30))
    assert article.answer_script.endswith("lördagar 9–15. Söndagar är det stängt.")
    assert len(article.checklist) == 2 and "<table>" in article.body_html
    assert label_ids_of(session, article.id) == (world.labels["info"].id,)
    social = session.scalar(select(Article).where(Article.slug == "ekonomiskt-bistand"))
    assert label_ids_of(session, social.id) == (world.labels["evaluative"].id,)
    assert session.scalar(select(ArticleVersion.note).where(
        ArticleVersion.article_id == article.id)) == "Import: avfall-oppettider.md"
    thesaurus = current_thesaurus(session)
    assert phrase_key("vattenmätare") in thesaurus.lookup(phrase_key("vattenklocka"))
    assert phrase_key("utebad") in thesaurus.lookup(phrase_key("badplats"))
    road = session.scalar(select(Bulletin).where(Bulletin.kind == "road_works"))
    assert road.starts_at == datetime(2026, 11, 20, 7, 0, tzinfo=STOCKHOLM)
    assert road.ends_at == datetime(2026, 12, 19, 0, 0, tzinfo=STOCKHOLM)
    assert road.function_id == world.labels["routine_no_mandate"].case_type.function_id


def test_reimport_and_export_round_trip_change_nothing(session, world, now, tmp_path):
    """Import, export, import the export: no new versions, rows or bulletins; the second
    export is byte for byte the first."""
    import_knowledge(session, SAMPLE, now=now)
    session.commit()
    counts = _counts(session)
    again = import_knowledge(session, SAMPLE, now=now)
    assert not again.changed and again.unchanged["articles"] == 2
    first, second = tmp_path / "one", tmp_path / "two"
    export_knowledge(session, first)
    summary = import_knowledge(session, first, now=now)
    session.commit()
    assert not summary.changed and _counts(session) == counts
    export_knowledge(session, second)
    for file in first.iterdir():
        assert file.read_text(encoding="utf-8") == (second / file.name).read_text(
            encoding="utf-8"), file.name
    assert sorted(p.name for p in first.iterdir()) == sorted(p.name for p in SAMPLE.iterdir())


def test_exported_article_file_reads_like_the_documented_format(session, world, now, tmp_path):
    """Front matter in the documented order, labels as paths, the body after it."""
    import_knowledge(session, SAMPLE, now=now)
    export_knowledge(session, tmp_path)
    text = (tmp_path / "avfall-oppettider.md").read_text(encoding="utf-8")
    assert text.startswith("---\ntitle: Öppettider på återvinningscentralen\n"
                           "title_en: Recycling centre opening hours\ndepartment: tekn\n"
                           "labels:\n  - Avfall › Sortergård › Öppettider\nstatus: published\n")
    assert "\ncitizen_answer: |-\n  Återvinningscentralen har öppet:\n\n  | Dag | Tid |\n" in text
    assert "\ncitizen_answer_en: |-\n  The recycling centre is open" in text
    assert "review_by: 2027-06-30\n" in text and "valid_to" not in text
    assert text.endswith("---\n\n## Öppettider\n\n| Dag | Tid |\n|---|---|\n"
                         "| Måndag–fredag | 7–19 |\n| Lördag | 9–15 |\n\n"
                         "Läs mer på [kommunens webbplats](https://exempel.se/avfall).\n")


TRICKY = {  # Markdown that YAML must carry unchanged: tables, '#', ':', quotes, hard breaks
    "citizen_answer_md": "## Så gör du\n\n- Boka: ring oss\n- \"Citat\" och 'apostrof'\n\n"
                         "| A | B |\n|---|---|\n| 1 | 2 |\n\nRad med hård brytning  \nnästa "
                         "rad # inte en kommentar",
    "citizen_answer_en_md": "- First: *do this*\n- Then: that",
    "title_en": "Opening hours: the recycling centre",
}


def test_citizen_answers_round_trip_through_the_files(session, world, now, tmp_path):
    """Both citizen answers and the English title are exported and read back unchanged;
    re-importing the export makes no new version; the script stays where it was."""
    from tests import factories

    article = factories.article(session, world, slug="ac-tider", audience="public",
                                now=now, **TRICKY)
    session.commit()
    export_knowledge(session, tmp_path)
    text = (tmp_path / "ac-tider.md").read_text(encoding="utf-8")
    front = yaml.safe_load(text.split("\n---\n", 1)[0].removeprefix("---\n"))
    assert (front["citizen_answer"], front["citizen_answer_en"], front["title_en"]) == (
        TRICKY["citizen_answer_md"], TRICKY["citizen_answer_en_md"], TRICKY["title_en"])
    assert front["answer_script"] == article.answer_script
    summary = import_knowledge(session, tmp_path, now=now)
    assert not summary.changed and summary.unchanged["articles"] == 1
    assert session.scalar(select(func.count(ArticleVersion.id))) == 1
    (tmp_path / "ac-tider.md").write_text(text.replace("Then: that", "Then: the rest"),
                                          encoding="utf-8")
    import_knowledge(session, tmp_path, now=now)
    session.commit()
    assert session.get(Article, article.id).citizen_answer_en_md.endswith("Then: the rest")
    assert session.get(Article, article.id).version == 2


def test_import_reports_public_articles_citizens_cannot_see(runner, session, world, sample,
                                                            english):
    """A published public article without a citizen answer is imported, and the command
    says, naming the file, that the portal will not show it."""
    file = sample / "avfall-oppettider.md"
    text = file.read_text(encoding="utf-8")
    file.write_text(text[:text.index("citizen_answer:")] + text[text.index("---\n\n## "):],
                    encoding="utf-8")
    (sample / "ekonomiskt-bistand.md").unlink()
    result = runner.invoke(args=["kb", "import", str(sample)])
    assert result.exit_code == 0, result.output
    assert ("Note: avfall-oppettider.md: citizen_answer: Citizens will not see this public "
            "article until it has a citizen answer") in result.output


def test_a_changed_file_makes_a_new_version_of_that_article_only(session, world, now, sample):
    """Upsert by slug: the edited article gets version 2; the other is untouched."""
    import_knowledge(session, sample, now=now)
    session.commit()
    file = sample / "avfall-oppettider.md"
    file.write_text(file.read_text(encoding="utf-8").replace("7–19", "7–20"), encoding="utf-8")
    summary = import_knowledge(session, sample, now=now)
    session.commit()
    assert (summary.updated["articles"], summary.unchanged["articles"]) == (1, 1)
    article = session.scalar(select(Article).where(Article.slug == "avfall-oppettider"))
    assert article.version == 2 and "7–20" in article.answer_script
    assert session.scalar(select(func.count(ArticleVersion.id))) == 3


BROKEN_ARTICLE = """\
---
title: Tömning
department: tekn
labels:
  - Avfall › Sortergård › Öppettider
  - Avfall › X
  - Avfall › Sophämtning › Finns inte
status: klar
reviewer: nobody
valid_from: 2026-12-01
valid_to: 2026-11-01
colour: blue
---
Text
"""


def test_every_problem_is_reported_with_file_line_and_field(session, world, now, sample):
    """Unknown labels, status, reviewer, field; reversed dates; YAML and thesaurus syntax;
    a bad bulletin; and nothing at all is written, not even the good files."""
    (sample / "avfall-tomning.md").write_text(BROKEN_ARTICLE, encoding="utf-8")
    (sample / "trasig.md").write_text("---\ntitle: [öppen\n---\n", encoding="utf-8")
    (sample / "utan-huvud.md").write_text("Bara text\n", encoding="utf-8")
    (sample / "Stor Bokstav.md").write_text("---\ntitle: X\ndepartment: tekn\n---\n",
                                            encoding="utf-8")
    with open(sample / "thesaurus.txt", "a", encoding="utf-8") as fh:
        fh.write("bara ett ord\n")
    with open(sample / "bulletins.yaml", "a", encoding="utf-8") as fh:
        fh.write("- title: Fel\n  kind: fest\n  starts: 2026-12-02 10:00\n"
                 "  ends: 2026-12-01 10:00\n")
    with pytest.raises(RuleViolations) as refused:
        import_knowledge(session, sample, now=now)
    fields = [problem.field for problem in refused.value.violations]
    for expected in ("avfall-tomning.md: line 6: labels[1]",
                     "avfall-tomning.md: line 7: labels[2]",
                     "avfall-tomning.md: line 8: status",
                     "avfall-tomning.md: line 9: reviewer",
                     "avfall-tomning.md: line 11: valid_to",
                     "avfall-tomning.md: line 12: colour",
                     "trasig.md: line 3", "utan-huvud.md: front matter",
                     "Stor Bokstav.md: slug", "thesaurus.txt: line 4",
                     "bulletins.yaml: line 17: kind", "bulletins.yaml: line 19: ends"):
        assert expected in fields, (expected, fields)
    messages = {p.field: p.format() for p in refused.value.violations}
    assert messages["avfall-tomning.md: line 7: labels[2]"] == \
        "Unknown label 'Avfall › Sophämtning › Finns inte'"
    session.rollback()
    assert _counts(session) == (0, 0, 0, 0)


def test_shift_days_moves_every_date(session, world, now):
    """The demo's files are written for one day and loaded on another."""
    import_knowledge(session, SAMPLE, now=now, shift_days=10)
    article = session.scalar(select(Article).where(Article.slug == "avfall-oppettider"))
    assert (article.valid_from, article.review_by) == (date(2026, 1, 11), date(2027, 7, 10))
    road = session.scalar(select(Bulletin).where(Bulletin.kind == "road_works"))
    assert road.starts_at == datetime(2026, 11, 30, 7, 0, tzinfo=STOCKHOLM)


def test_cli_import_reports_problems_and_commits_only_clean_files(runner, session, world,
                                                                  sample, tmp_path, english):
    """A broken directory: one line per problem, exit 1, nothing saved. A clean one: saved
    once; export refuses a directory that holds knowledge files unless --overwrite."""
    (sample / "avfall-tomning.md").write_text(BROKEN_ARTICLE, encoding="utf-8")
    result = runner.invoke(args=["kb", "import", str(sample)])
    assert result.exit_code == 1
    assert "avfall-tomning.md: line 6: labels[1]: Write a label as 'Function › Case type › " \
           "Label'" in result.output
    assert "Nothing was imported" in result.output
    assert _counts(session) == (0, 0, 0, 0)
    (sample / "avfall-tomning.md").unlink()
    dry = runner.invoke(args=["kb", "import", "--dry-run", str(sample)])
    assert dry.exit_code == 0 and "Dry run" in dry.output
    assert _counts(session) == (0, 0, 0, 0)
    result = runner.invoke(args=["kb", "import", str(sample)])
    assert result.exit_code == 0, result.output
    assert "Articles: 2 created, 0 updated, 0 unchanged" in result.output
    session.rollback()
    assert _counts(session) == (2, 2, 2, 2)
    target = tmp_path / "export"
    assert runner.invoke(args=["kb", "export", str(target)]).exit_code == 0
    refused = runner.invoke(args=["kb", "export", str(target)])
    assert refused.exit_code == 1 and "--overwrite" in refused.output
    assert runner.invoke(args=["kb", "export", "--overwrite", str(target)]).exit_code == 0
    again = runner.invoke(args=["kb", "import", str(target)])
    assert again.exit_code == 0 and "No changes." in again.output


# --- the demo knowledge base and the relevance set -----------------------------------------

DEMO_DIR = Path(__file__).resolve().parents[2] / "app" / "demo" / "knowledge"
RELEVANCE = Path(__file__).resolve().parent.parent / "data" / "relevance_sv.yaml"
WRITTEN_FOR = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)  # files.DEMO_WRITTEN_FOR, 10:00 local


def test_demo_knowledge_base_is_loaded_with_the_demo(session, now):
    """Exempelkommun gets 60+ articles (mostly published, ~15 public, some stale, one
    archived), 5–8 notices with road works and a system outage in force, thesaurus additions."""
    load_demo(session, now=now, users_allowed=True, cases=0)
    session.commit()
    articles = session.scalars(select(Article)).all()
    statuses = Counter(a.status for a in articles)
    today = now.astimezone(STOCKHOLM).date()
    assert len(articles) >= 60 and statuses["archived"] == 1
    assert statuses["published"] >= 0.9 * len(articles) - 1
    assert 12 <= sum(a.audience == "public" for a in articles) <= 20
    assert 3 <= sum(is_stale(a.review_by, a.status, today) for a in articles) <= 6
    unlabelled = [a.slug for a in articles if not label_ids_of(session, a.id)]
    assert unlabelled == ["gata-potthal"]  # the demo taxonomy has no label for potholes
    board = bulletin_board(session, now=now)
    assert 5 <= len(board.active) + len(board.upcoming) + len(board.past) <= 8
    assert {"road_works", "system_outage", "seasonal"} <= {b.kind for b in board.active}
    assert board.upcoming and len(board.past) >= 2
    assert session.scalar(select(func.count(ThesaurusEntry.id))) >= 10


def test_demo_files_are_what_export_writes(session, tmp_path):
    """Loaded on the day they were written for and exported, the demo files come back byte
    for byte: they are in the canonical format and round-trip without changes."""
    load_demo(session, now=WRITTEN_FOR, users_allowed=True, cases=0)
    export_knowledge(session, tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in
                                                                DEMO_DIR.iterdir())
    for file in DEMO_DIR.iterdir():
        assert (tmp_path / file.name).read_text(encoding="utf-8") == file.read_text(
            encoding="utf-8"), file.name
    assert not import_knowledge(session, DEMO_DIR, now=WRITTEN_FOR).changed


STAFF_WORDS = re.compile(r"\b(säg|säger|kunden|personen|jag|mig|be (hen|personen)|"
                         r"skicka vidare|kontaktcentret kan se|checklist)\b", re.IGNORECASE)
SECOND_PERSON = re.compile(r"\b(du|dig|din|ditt|dina)\b", re.IGNORECASE)
MOST_ASKED = {"avfall-hamtningsdagar", "avfall-atervinningscentral-oppettider", "forskola-ko",
              "gata-parkeringsregler", "bygglov-behover-jag"}


def test_demo_public_articles_answer_citizens_in_their_own_voice(session):
    """Every public demo article has a citizen answer written to the citizen ("du"), with no
    instructions to staff and not a copy of the script; the most asked ones in English too."""
    load_demo(session, now=WRITTEN_FOR, users_allowed=True, cases=0)
    public = session.scalars(select(Article).where(Article.audience == "public")).all()
    assert len(public) >= 15
    for article in public:
        answer = article.citizen_answer_md
        assert answer and answer != article.answer_script, article.slug
        assert not STAFF_WORDS.search(answer), (article.slug, STAFF_WORDS.search(answer))
        assert SECOND_PERSON.search(answer), article.slug
    english = {a.slug: a for a in public if a.citizen_answer_en_md}
    assert MOST_ASKED <= set(english)
    for article in english.values():
        text = article.citizen_answer_en_md
        assert article.title_en and re.search(r"\b(you|your)\b", text, re.I), article.slug
        assert not SECOND_PERSON.search(text), article.slug  # not a Swedish answer


def test_relevance_questions_name_demo_articles_and_labels():
    """Every expected slug is a demo article and every label path is in the demo taxonomy;
    at least 70 questions, about eight in English, none a copy of an article's title."""
    document = yaml.safe_load(RELEVANCE.read_text(encoding="utf-8"))
    questions = document["questions"]
    slugs = {p.stem for p in DEMO_DIR.glob("*.md")}
    titles = {yaml.safe_load(p.read_text(encoding="utf-8").split("---")[1])["title"].casefold()
              for p in DEMO_DIR.glob("*.md")}
    taxonomy = yaml.safe_load(TAXONOMY_FILE.read_text(encoding="utf-8"))
    paths = {f"{f['name']} › {c['name']} › {lab['name']}" for f in taxonomy["functions"]
             for c in f["case_types"] for lab in c["labels"]}
    assert len(questions) >= 70 and 6 <= sum(q["lang"] == "en" for q in questions) <= 10
    for question in questions:
        assert question["expected"] and set(question["expected"]) <= slugs, question
        assert question.get("label") is None or question["label"] in paths, question
        assert question["question"].casefold() not in titles, question
    asked = {q["question"] for q in questions}
    assert {"när töms soptippen", "kö till dagis", "får jag bygga en pool"} <= asked
