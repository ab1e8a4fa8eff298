"""Migrations: one head, and upgrading an empty database yields exactly the models' schema."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import Migrate  # noqa: F401  (configures the alembic environment)

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
