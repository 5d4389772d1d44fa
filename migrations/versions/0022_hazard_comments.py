"""hazard comment thread

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-02 18:20:00

- hazard_comments: the append-only comment thread of a hazard between the enterprise and the
  office (body 1–2,000 characters, its author, the 'hazard.comment' event that carries it).
"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'hazard_comments',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('hazard_id', sa.Integer(), nullable=False),
        sa.Column('author_id', sa.Integer(), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.CheckConstraint('length(body) BETWEEN 1 AND 2000', name=op.f('ck_hazard_comments_body_length')),
        sa.ForeignKeyConstraint(['hazard_id'], ['hazards.id'], name=op.f('fk_hazard_comments_hazard_id_hazards')),
        sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_hazard_comments_author_id_users')),
        sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_hazard_comments_event_id_events')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_hazard_comments')),
        sa.UniqueConstraint('event_id', name=op.f('uq_hazard_comments_event_id')),
    )
    op.create_index('ix_hazard_comments_hazard_id', 'hazard_comments', ['hazard_id', 'id'], unique=False)


def downgrade():
    op.drop_index('ix_hazard_comments_hazard_id', table_name='hazard_comments')
    op.drop_table('hazard_comments')
