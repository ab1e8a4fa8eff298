"""pre-aggregated statistics for the managers' dashboards

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 04:00:00
"""

from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401
import models.types  # noqa: F401


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def _counts_columns():
    return [
        sa.Column('label_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('channel', sa.String(length=16), nullable=False),
        sa.Column('department_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('group_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('resolution', sa.String(length=16), nullable=False),
        sa.Column('rosa_level', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('cases', sa.Integer(), nullable=False),
        sa.Column('rerouted', sa.Integer(), nullable=False),
        sa.Column('with_deadline', sa.Integer(), nullable=False),
        sa.Column('feedback_in_time', sa.Integer(), nullable=False),
        sa.Column('feedback_late', sa.Integer(), nullable=False),
    ]


_KEY = ['label_id', 'channel', 'department_id', 'group_id', 'resolution', 'rosa_level']


def upgrade():
    # The key is the primary key: a day or month recomputed twice cannot be counted twice.
    # SQLite stores both tables clustered on it (WITHOUT ROWID): the daily one by day, the
    # monthly one by combination and then month, so long ranges sum in GROUP BY order.
    op.create_table('stats_daily',
    sa.Column('day', sa.Date(), nullable=False),
    *_counts_columns(),
    sa.PrimaryKeyConstraint('day', *_KEY, name='pk_stats_daily'),
    sqlite_with_rowid=False
    )
    op.create_table('stats_monthly',
    sa.Column('month', sa.Date(), nullable=False),
    *_counts_columns(),
    sa.PrimaryKeyConstraint(*_KEY, 'month', name='pk_stats_monthly'),
    sqlite_with_rowid=False
    )
    op.create_table('stats_state',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('refreshed_at', models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('event_watermark', sa.Integer(), nullable=False),
    sa.Column('days_recomputed', sa.Integer(), nullable=False),
    sa.Column('seconds', sa.Double(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stats_state'))
    )
    op.create_index('ix_cases_label_created', 'cases', ['label_id', 'created_at'], unique=False)


def downgrade():
    op.drop_index('ix_cases_label_created', table_name='cases')
    op.drop_table('stats_state')
    op.drop_table('stats_monthly')
    op.drop_table('stats_daily')
