"""full-text index of knowledge-base articles (SQLite FTS5 or PostgreSQL GIN)

The index reads `articles.search_title`, `search_answer` and `search_body`, which already
hold the analysed terms of each field (knowledge_base.documents.index_fields: Swedish
stemming, compound parts, stop words removed). The databases must therefore only split on
spaces and lower-case, never analyse again, so that SQLite and PostgreSQL see the very terms
the query side (app.services.knowledge.search) looks for:

* SQLite: an FTS5 external-content table `articles_fts` over the three columns (no copy of
  the text), tokenizer "unicode61 remove_diacritics 0" so å, ä and ö stay letters of their
  own ("får" is not "far"), kept in sync by triggers; plus two fts5vocab views of it:
  `articles_fts_vocab` (each term and how many articles hold it: IDF, typo correction)
  and `articles_fts_instance` (which article holds a term in which column: ranking).
  The UPDATE trigger fires only when a search column changes, so counting a use
  (`times_used + 1`) does not rewrite the index.
* PostgreSQL: the weighted tsvector
  setweight(title, 'A') || setweight(answer, 'B') || setweight(body, 'C')
  in a generated column `articles.search_vector` with a GIN index on it. The search reads,
  for every article a query matches, which fields hold which term (`@@ 'term':A` …); from
  the expression alone that re-parses three text columns per article (~60 µs, 200 ms for a
  common word in 10,000 articles, bench/kb.py), from the stored vector it costs a few µs —
  kept in the row rather than in TOAST, and compressed, when it must be, with lz4 (several
  times faster than pglz). A second GIN index covers titles and answers only (`PG_HEAD`):
  a query whose words are in half of all bodies looks for them there, which the full index
  cannot answer without reading every vector. Plus `articles_search_state`, one row counting
  changes to the indexed text (statement triggers, TRUNCATE included), which tells the
  search's per-process cache that the vocabulary changed without scanning the table.

Why the 'simple' text-search configuration is the Swedish-aware one here: the Swedish
analysis (Snowball stemming plus definite forms, compound splitting, the Swedish stop list,
thesaurus) happens once, in knowledge_base, for both databases and for the queries. The
'swedish' configuration would run PostgreSQL's Snowball over those stems a second time and
apply its own stop list: on the demo knowledge base it changes the vectors of 71 of 85
articles ("förskoleplat" becomes "förskolepl", "byggnad" and "bostad" are cut again, "när"
disappears), so PostgreSQL would index other terms than FTS5 and than the query sends, and
the two back ends would disagree. 'simple' only lower-cases and splits, exactly like FTS5's
unicode61, so both agree term for term (tests/services/test_kb_search.py checks that their
vocabularies are equal).

Note for later migrations: a batch ("recreate") ALTER of `articles` on SQLite drops its
triggers; call `create_sqlite_objects()` from this module again afterwards.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 04:00:00
"""

from alembic import op


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

PG_VECTOR = (
    "setweight(to_tsvector('simple'::regconfig, search_title), 'A') || "
    "setweight(to_tsvector('simple'::regconfig, search_answer), 'B') || "
    "setweight(to_tsvector('simple'::regconfig, search_body), 'C')"
)
# Titles and answers only: a word that is in half the articles' bodies is looked for there
# (app.services.knowledge.search, broad queries); the planner uses the index only for this text,
# which app.services.knowledge.index.PG_HEAD repeats.
PG_HEAD = ("setweight(to_tsvector('simple'::regconfig, search_title), 'A') || "
           "setweight(to_tsvector('simple'::regconfig, search_answer), 'B')")
COLUMNS = "search_title, search_answer, search_body"
_INSERT = (f"INSERT INTO articles_fts(rowid, {COLUMNS}) "
           f"VALUES (new.id, {COLUMNS.replace('search', 'new.search')});")
_DELETE = (f"INSERT INTO articles_fts(articles_fts, rowid, {COLUMNS}) "
           f"VALUES ('delete', old.id, {COLUMNS.replace('search', 'old.search')});")

SQLITE_OBJECTS = [
    f"""CREATE VIRTUAL TABLE IF NOT EXISTS articles_fts USING fts5(
        {COLUMNS}, content='articles', content_rowid='id',
        tokenize='unicode61 remove_diacritics 0')""",
    "CREATE VIRTUAL TABLE IF NOT EXISTS articles_fts_vocab USING fts5vocab(articles_fts, 'row')",
    "CREATE VIRTUAL TABLE IF NOT EXISTS articles_fts_instance "
    "USING fts5vocab(articles_fts, 'instance')",
    f"""CREATE TRIGGER IF NOT EXISTS articles_fts_insert AFTER INSERT ON articles BEGIN
        {_INSERT}
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS articles_fts_delete AFTER DELETE ON articles BEGIN
        {_DELETE}
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS articles_fts_update
        AFTER UPDATE OF {COLUMNS} ON articles BEGIN
        {_DELETE}
        {_INSERT}
    END""",
    # Index whatever rows exist already.
    "INSERT INTO articles_fts(articles_fts) VALUES ('rebuild')",
]


def create_sqlite_objects():
    for statement in SQLITE_OBJECTS:
        op.execute(statement)


POSTGRESQL_OBJECTS = [
    # Vectors too long to keep uncompressed: lz4, which decompresses several times faster
    # than the default pglz (ranking reads every candidate's vector). Without lz4: pglz.
    """DO $$ BEGIN
        PERFORM set_config('default_toast_compression', 'lz4', true);
    EXCEPTION WHEN OTHERS THEN RAISE NOTICE 'lz4 not available, keeping pglz';
    END $$""",
    f"ALTER TABLE articles ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ({PG_VECTOR}) "
    "STORED",
    """DO $$ BEGIN
        ALTER TABLE articles ALTER COLUMN search_vector SET COMPRESSION lz4;
    EXCEPTION WHEN OTHERS THEN RAISE NOTICE 'lz4 not available, keeping pglz';
    END $$""",
    # Kept in the row (the long text columns go to TOAST first): a vector read out of TOAST
    # costs a few page reads per candidate, 40,000 for a common word in 10,000 articles.
    "ALTER TABLE articles ALTER COLUMN search_vector SET STORAGE MAIN",
    "UPDATE articles SET search_title = search_title",  # existing rows: store them so too
    "CREATE INDEX ix_articles_search ON articles USING gin (search_vector)",
    f"CREATE INDEX ix_articles_search_head ON articles USING gin (({PG_HEAD}))",
    "CREATE TABLE articles_search_state (id integer PRIMARY KEY, changes bigint NOT NULL)",
    "INSERT INTO articles_search_state (id, changes) VALUES (1, 0)",
    """CREATE FUNCTION articles_search_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE articles_search_state SET changes = changes + 1 WHERE id = 1;
        RETURN NULL;
    END $$""",
    f"""CREATE TRIGGER articles_search_changed
        AFTER INSERT OR DELETE OR UPDATE OF {COLUMNS} ON articles
        FOR EACH STATEMENT EXECUTE FUNCTION articles_search_changed()""",
    """CREATE TRIGGER articles_search_truncated AFTER TRUNCATE ON articles
        FOR EACH STATEMENT EXECUTE FUNCTION articles_search_changed()""",
]


def upgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        create_sqlite_objects()
    elif dialect == "postgresql":
        for statement in POSTGRESQL_OBJECTS:
            op.execute(statement)
    else:
        raise NotImplementedError(f"no full-text index for {dialect}")


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for trigger in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS articles_fts_{trigger}")
        op.execute("DROP TABLE IF EXISTS articles_fts_instance")
        op.execute("DROP TABLE IF EXISTS articles_fts_vocab")
        op.execute("DROP TABLE IF EXISTS articles_fts")
    elif dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS articles_search_truncated ON articles")
        op.execute("DROP TRIGGER IF EXISTS articles_search_changed ON articles")
        op.execute("DROP FUNCTION IF EXISTS articles_search_changed()")
        op.execute("DROP TABLE IF EXISTS articles_search_state")
        op.execute("DROP INDEX IF EXISTS ix_articles_search_head")
        op.execute("DROP INDEX IF EXISTS ix_articles_search")
        op.execute("ALTER TABLE articles DROP COLUMN IF EXISTS search_vector")
