"""citizen portal: feedback (synpunkter), web-form answers shown

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 04:00:00
"""

from alembic import op
import sqlalchemy as sa
import models.types


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('feedback',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('complaint', 'praise', 'suggestion', name='feedbackkind', native_enum=False, length=40), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('suggestion', sa.Text(), nullable=False),
    sa.Column('topic', sa.String(length=60), nullable=True),
    sa.Column('channel', sa.Enum('phone', 'email', 'chat', 'sms', 'letter', 'visit', 'web', name='channel', native_enum=False, length=40), nullable=False),
    sa.Column('locale', sa.String(length=8), nullable=False),
    sa.Column('created_at', models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('phone', sa.String(length=40), nullable=True),
    sa.Column('case_reference', sa.String(length=20), nullable=True),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_feedback_case_id_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_feedback'))
    )
    with op.batch_alter_table('feedback', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_feedback_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_feedback_created_at'), ['created_at'], unique=False)

    op.create_table('answer_helped_counts',
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('shown', sa.Integer(), nullable=False),
    sa.Column('helped', sa.Integer(), nullable=False),
    sa.Column('not_helped', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['article_id'], ['articles.id'], name=op.f('fk_answer_helped_counts_article_id_articles'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('article_id', 'day', name=op.f('pk_answer_helped_counts'))
    )


def downgrade():
    op.drop_table('answer_helped_counts')
    with op.batch_alter_table('feedback', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_feedback_created_at'))
        batch_op.drop_index(batch_op.f('ix_feedback_case_id'))

    op.drop_table('feedback')
