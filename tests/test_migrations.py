"""Migrations: one head, and upgrading an empty database yields exactly the models' schema."""

import os

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import Migrate  # noqa: F401  (configures the alembic environment)
from sqlalchemy.engine import make_url

# The full-text index of migration 0006 lives outside the models: SQLite's FTS5 table, its
# shadow tables and vocabulary view; PostgreSQL's stored tsvector, its GIN index and the
# change counter.
SEARCH_TABLES = {"articles_fts", "articles_fts_vocab", "articles_fts_instance",
                 "articles_fts_data", "articles_fts_idx", "articles_fts_docsize",
                 "articles_fts_config", "articles_search_state"}
SEARCH_INDEXES = {"ix_articles_search", "ix_articles_search_head"}
SEARCH_COLUMNS = {("articles", "search_vector")}


def _not_search_index(obj, name, type_, reflected, compare_to):
    """Skip exactly the search objects, and only those the database has (not the models)."""
    if not reflected or compare_to is not None:
        return True
    if type_ == "column":
        return (obj.table.name, name) not in SEARCH_COLUMNS
    return not ((type_ == "table" and name in SEARCH_TABLES)
                or (type_ == "index" and name in SEARCH_INDEXES))


def test_there_is_one_head(app):
    """Parallel branches of migrations must be merged before they land."""
    with app.app_context():
        config = app.extensions["migrate"].migrate.get_config()
        assert len(ScriptDirectory.from_config(config).get_heads()) == 1


def test_migrated_schema_matches_the_models(app):
    """No model change is missing a migration (and no migration drifts from the models)."""
    from app.extensions import db

    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={
            "compare_type": True, "include_object": _not_search_index})
        diff = compare_metadata(context, db.metadata)
    assert diff == []


# --- 0010: citizen answers -------------------------------------------------------------------

_ARTICLE = ("INSERT INTO articles (id, slug, title, answer_script, body_md, body_html, "
            "checklist, department_id, status, audience, times_used, search_title, "
            "search_answer, search_body, created_at, updated_at, version) VALUES "
            "(:id, :slug, :title, :script, :body, :html, '[]', 1, 'published', :audience, 0, "
            "'', :script, :body, '2026-12-01 09:00:00', '2026-12-01 09:00:00', 1)")
_VERSION = ("INSERT INTO article_versions (article_id, version, title, answer_script, body_md, "
            "checklist, status, audience, label_ids, changed_at, note) VALUES "
            "(:id, 1, :title, :script, :body, '[]', 'published', :audience, '[]', "
            "'2026-12-01 09:00:00', '')")


@pytest.fixture
def scratch_url(tmp_path):
    """An empty database of the kind the tests run on: a SQLite file, or a scratch database
    on the PostgreSQL server of TEST_DATABASE_URL (dropped afterwards)."""
    from sqlalchemy import create_engine, text

    from tests.conftest import PG_URL, _Config

    if not PG_URL:
        yield f"sqlite:///{tmp_path / 'migrate.sqlite3'}"
        return
    server = create_engine(_Config.SQLALCHEMY_DATABASE_URI, isolation_level="AUTOCOMMIT")
    name = f"envagin_migrate_{os.getpid()}"
    with server.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {name}"))
        connection.execute(text(f"CREATE DATABASE {name}"))
    yield make_url(_Config.SQLALCHEMY_DATABASE_URI).set(database=name).render_as_string(
        hide_password=False)
    with server.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    server.dispose()


def _indexed(db, text, word: str) -> list[int]:
    """The articles whose full-text index (FTS5 or the tsvector) holds `word`."""
    if db.dialect.name == "sqlite":
        query = "SELECT rowid FROM articles_fts WHERE articles_fts MATCH :word"
    else:
        query = "SELECT id FROM articles WHERE search_vector @@ to_tsquery('simple', :word)"
    return db.execute(text(query), {"word": word}).scalars().all()


def test_citizen_answers_migrate_from_public_bodies_and_back(scratch_url):
    """0010 gives public articles their body as citizen answer (never the script), leaves
    internal ones without, keeps the versions and the full-text index (no table rebuild);
    downgrading drops only the new columns."""
    from flask_migrate import downgrade, upgrade
    from sqlalchemy import create_engine, inspect, text

    from app import create_app
    from tests.conftest import _Config

    class Scratch(_Config):
        SQLALCHEMY_DATABASE_URI = scratch_url

    application = create_app(Scratch)
    engine = create_engine(scratch_url)
    with application.app_context():
        upgrade(revision="0008")
        with engine.begin() as db:
            db.execute(text("INSERT INTO departments (id, code, name, is_contact_centre, "
                            "personnummer_birth_date_only) VALUES "
                            "(1, 'tekn', 'Teknik', false, false)"))
            for row in ({"id": 1, "slug": "publik", "title": "Tömning", "audience": "public",
                         "script": "Jag kan slå upp din dag", "body": "Tömning varannan vecka.",
                         "html": "<p>Tömning varannan vecka.</p>"},
                        {"id": 2, "slug": "intern", "title": "Rutin", "audience": "internal",
                         "script": "Säg till kunden", "body": "Intern rutin.",
                         "html": "<p>Intern rutin.</p>"},
                        {"id": 3, "slug": "bara-manus", "title": "Manus", "audience": "public",
                         "script": "Säg att vi ringer upp", "body": "", "html": ""}):
                db.execute(text(_ARTICLE), row)
                db.execute(text(_VERSION), row)
        upgrade(revision="0010")
        with engine.begin() as db:
            rows = db.execute(text("SELECT slug, citizen_answer_md, citizen_answer_html, "
                                   "citizen_answer_en_md, title_en FROM articles ORDER BY id"))
            assert [tuple(r) for r in rows] == [
                ("publik", "Tömning varannan vecka.", "<p>Tömning varannan vecka.</p>", "", ""),
                ("intern", "", "", "", ""), ("bara-manus", "", "", "", "")]
            assert db.execute(text("SELECT citizen_answer_md FROM article_versions ORDER BY "
                                   "article_id")).scalars().all() == [
                "Tömning varannan vecka.", "", ""]
            # The full-text index of 0006 still follows the text: an update is indexed.
            db.execute(text("UPDATE articles SET search_body = 'sophämtning' WHERE id = 1"))
            assert _indexed(db, text, "sophämtning") == [1]
        downgrade(revision="0008")
        columns = {c["name"] for c in inspect(engine).get_columns("articles")}
        assert "citizen_answer_md" not in columns and "title_en" not in columns
        with engine.begin() as db:
            assert db.execute(text("SELECT count(*) FROM article_versions")).scalar() == 3
            db.execute(text("UPDATE articles SET search_body = 'återvinning' WHERE id = 2"))
            assert _indexed(db, text, "återvinning") == [2]
        upgrade()  # and up again to the head
    engine.dispose()
    with application.app_context():
        from app.extensions import db as app_db

        app_db.engine.dispose()
