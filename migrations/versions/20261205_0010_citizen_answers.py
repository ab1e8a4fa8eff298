"""articles speak to citizens in their own words: a citizen answer beside the agent's script

Until now the citizen portal showed an article's `answer_script` — what the agent says on the
phone ("jag kan slå upp den åt dig …") — and its body. Articles get a citizen-facing answer in
Swedish (`citizen_answer_md`, Markdown, kept with its sanitised HTML like the body), an
optional English one (`citizen_answer_en_md` under `title_en`), and the portal shows only
those. Versions keep the new texts too.

Data step: a public article's body was already shown to citizens, so it becomes the article's
citizen answer (and the HTML already sanitised for the body its HTML), in the article and in
every version saved while it was public. The script is never copied: a public article
without a body has no citizen answer and the portal leaves it out until someone writes one
(the admin list marks it). Internal articles were never shown to citizens and get none.
Downgrading drops the new columns; nothing else was changed, so nothing is lost that the
old schema could hold.

The columns are added with ALTER TABLE … ADD COLUMN (no table rebuild): rebuilding
`articles` on SQLite would drop the full-text triggers of migration 0006 and, with foreign
keys on, cascade-delete its labels and versions. Downgrading uses SQLite's own DROP COLUMN
(3.35 and later) for the same reason.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05 09:00:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

ARTICLE_COLUMNS = (
    ('title_en', sa.String(length=200)),
    ('citizen_answer_md', sa.Text()),
    ('citizen_answer_html', sa.Text()),
    ('citizen_answer_en_md', sa.Text()),
    ('citizen_answer_en_html', sa.Text()),
)
VERSION_COLUMNS = (
    ('title_en', sa.String(length=200)),
    ('citizen_answer_md', sa.Text()),
    ('citizen_answer_en_md', sa.Text()),
)


def _add(table, columns):
    with op.batch_alter_table(table, schema=None, recreate='never') as batch_op:
        for name, type_ in columns:
            batch_op.add_column(sa.Column(name, type_, nullable=False,
                                          server_default=sa.text("''")))


def _drop(table, columns):
    if op.get_bind().dialect.name == 'sqlite':
        for name, _type in reversed(columns):
            op.execute(f'ALTER TABLE {table} DROP COLUMN {name}')
        return
    with op.batch_alter_table(table, schema=None) as batch_op:
        for name, _type in reversed(columns):
            batch_op.drop_column(name)


def upgrade():
    _add('articles', ARTICLE_COLUMNS)
    _add('article_versions', VERSION_COLUMNS)
    # What citizens were shown besides the script: the body of public articles.
    op.execute("UPDATE articles SET citizen_answer_md = body_md, citizen_answer_html = body_html "
               "WHERE audience = 'public' AND body_md <> ''")
    op.execute("UPDATE article_versions SET citizen_answer_md = body_md "
               "WHERE audience = 'public' AND body_md <> ''")


def downgrade():
    _drop('article_versions', VERSION_COLUMNS)
    _drop('articles', ARTICLE_COLUMNS)
