"""action labels, and what the statistics need of action orders and reclassifications

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05 09:00:00

- labels.action: the contact centre answers and also sends the case to the label's group;
- cases.action_ordered and cases.reclassify_count: recorded on the case when they happen;
- stats_daily / stats_monthly: the counts `orders` and `reclassified`. The aggregate is
  derived data, so it is emptied and `stats_state` reset: the next refresh rebuilds it in full
  (`flask stats refresh --full` does it at once).
"""

from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def _reset_statistics():
    op.execute("DELETE FROM stats_daily")
    op.execute("DELETE FROM stats_monthly")
    op.execute("UPDATE stats_state SET refreshed_at = NULL, event_watermark = 0")


def upgrade():
    with op.batch_alter_table('labels', schema=None) as batch_op:
        batch_op.add_column(sa.Column('action', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))

    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('action_ordered', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.add_column(sa.Column('reclassify_count', sa.Integer(), nullable=False,
                                      server_default='0'))

    _reset_statistics()
    for table in ('stats_daily', 'stats_monthly'):
        # Plain ADD COLUMN (no table rebuild): SQLite keeps the tables WITHOUT ROWID.
        op.add_column(table, sa.Column('orders', sa.Integer(), nullable=False,
                                       server_default='0'))
        op.add_column(table, sa.Column('reclassified', sa.Integer(), nullable=False,
                                       server_default='0'))


def downgrade():
    # ALTER TABLE … DROP COLUMN (SQLite 3.35+): rebuilding `cases` would lose its partial index.
    _reset_statistics()
    for table in ('stats_monthly', 'stats_daily'):
        with op.batch_alter_table(table, schema=None, recreate='never') as batch_op:
            batch_op.drop_column('reclassified')
            batch_op.drop_column('orders')

    with op.batch_alter_table('cases', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('reclassify_count')
        batch_op.drop_column('action_ordered')

    with op.batch_alter_table('labels', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('action')
