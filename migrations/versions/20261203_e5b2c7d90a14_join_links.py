"""join links and requests to join: adults without a school account ask to join, a DSL approves

Revision ID: e5b2c7d90a14
Revises: d3f1a8c5b702
Create Date: 2026-12-03 10:20:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import quizapp.db

revision = 'e5b2c7d90a14'
down_revision = 'd3f1a8c5b702'
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        'join_link',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('public_id', sa.String(length=32), nullable=False),
        sa.Column('label', sa.String(length=120), nullable=False),
        sa.Column('school_id', sa.Integer(), nullable=False),
        sa.Column('staff_group_id', sa.Integer(), nullable=True),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', quizapp.db.UTCDateTime(), nullable=False),
        sa.Column('expires_at', quizapp.db.UTCDateTime(), nullable=False),
        sa.Column('max_uses', sa.Integer(), nullable=True),
        sa.Column('uses', sa.Integer(), server_default='0', nullable=False),
        sa.Column('revoked_at', quizapp.db.UTCDateTime(), nullable=True),
        sa.CheckConstraint('max_uses IS NULL OR (max_uses BETWEEN 1 AND 1000)', name=op.f('ck_join_link_max_uses_range')),
        sa.CheckConstraint('uses >= 0 AND (max_uses IS NULL OR uses <= max_uses)',
                           name=op.f('ck_join_link_uses_within_limit')),
        sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_join_link_created_by_id_user_account'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['school_id'], ['school.id'], name=op.f('fk_join_link_school_id_school'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['staff_group_id'], ['staff_group.id'],
                                name=op.f('fk_join_link_staff_group_id_staff_group'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_join_link')),
        sa.UniqueConstraint('public_id', name=op.f('uq_join_link_public_id')),
    )
    op.create_index(op.f('ix_join_link_school_id'), 'join_link', ['school_id'], unique=False)
    op.create_table(
        'join_request',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('link_id', sa.Integer(), nullable=False),
        sa.Column('email', sa.String(length=254), nullable=False),
        sa.Column('first_name', sa.String(length=100), nullable=False),
        sa.Column('last_name', sa.String(length=100), nullable=False),
        sa.Column('password_hash', sa.String(length=255), nullable=True),
        sa.Column('state', sa.String(length=10), nullable=False),
        sa.Column('created_at', quizapp.db.UTCDateTime(), nullable=False),
        sa.Column('decided_at', quizapp.db.UTCDateTime(), nullable=True),
        sa.Column('decided_by_id', sa.Integer(), nullable=True),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.CheckConstraint("state IN ('waiting', 'approved', 'rejected')", name=op.f('ck_join_request_state_valid')),
        sa.CheckConstraint('email = lower(email)', name=op.f('ck_join_request_email_lower')),
        sa.ForeignKeyConstraint(['decided_by_id'], ['user_account.id'],
                                name=op.f('fk_join_request_decided_by_id_user_account'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['link_id'], ['join_link.id'], name=op.f('fk_join_request_link_id_join_link'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_join_request_user_id_user_account'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_join_request')),
    )
    op.create_index(op.f('ix_join_request_link_id'), 'join_request', ['link_id'], unique=False)
    op.create_index('uq_join_request_waiting_email', 'join_request', ['email'], unique=True,
                    sqlite_where=sa.text("state = 'waiting'"), postgresql_where=sa.text("state = 'waiting'"))


def downgrade() -> None:
    """Revert this revision."""
    op.drop_index('uq_join_request_waiting_email', table_name='join_request')
    op.drop_index(op.f('ix_join_request_link_id'), table_name='join_request')
    op.drop_table('join_request')
    op.drop_index(op.f('ix_join_link_school_id'), table_name='join_link')
    op.drop_table('join_link')
