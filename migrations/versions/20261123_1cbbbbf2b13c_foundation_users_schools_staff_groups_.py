"""foundation: users, schools, staff groups, audit

Revision ID: 1cbbbbf2b13c
Revises: 
Create Date: 2026-11-23 01:30:20.796875
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa
import quizapp.db


revision = '1cbbbbf2b13c'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table('school',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('created_at', quizapp.db.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_school')),
    sa.UniqueConstraint('name', name=op.f('uq_school_name'))
    )
    op.create_table('staff_group',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('created_at', quizapp.db.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_group')),
    sa.UniqueConstraint('name', name=op.f('uq_staff_group_name'))
    )
    op.create_table('user_account',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('first_name', sa.String(length=100), nullable=False),
    sa.Column('last_name', sa.String(length=100), nullable=False),
    sa.Column('role', sa.String(length=10), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=True),
    sa.Column('staff_group_id', sa.Integer(), nullable=True),
    sa.Column('extra_time_pct', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=True),
    sa.Column('created_at', quizapp.db.UTCDateTime(), nullable=False),
    sa.Column('last_sign_in_at', quizapp.db.UTCDateTime(), nullable=True),
    sa.CheckConstraint("role IN ('staff', 'dsl', 'admin')", name=op.f('ck_user_account_role_valid')),
    sa.CheckConstraint('email = lower(email)', name=op.f('ck_user_account_email_lower')),
    sa.CheckConstraint('extra_time_pct >= 0 AND extra_time_pct <= 300', name=op.f('ck_user_account_extra_time_range')),
    sa.ForeignKeyConstraint(['school_id'], ['school.id'], name=op.f('fk_user_account_school_id_school')),
    sa.ForeignKeyConstraint(['staff_group_id'], ['staff_group.id'], name=op.f('fk_user_account_staff_group_id_staff_group')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_account')),
    sa.UniqueConstraint('email', name=op.f('uq_user_account_email'))
    )
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_account_school_id'), ['school_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_user_account_staff_group_id'), ['staff_group_id'], unique=False)

    op.create_table('audit_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', quizapp.db.UTCDateTime(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=64), nullable=False),
    sa.Column('target', sa.String(length=200), nullable=False),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['user_account.id'], name=op.f('fk_audit_event_actor_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_event'))
    )
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_event_action'), ['action'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_event_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_event_at'), ['at'], unique=False)



def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_event_at'))
        batch_op.drop_index(batch_op.f('ix_audit_event_actor_id'))
        batch_op.drop_index(batch_op.f('ix_audit_event_action'))

    op.drop_table('audit_event')
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_account_staff_group_id'))
        batch_op.drop_index(batch_op.f('ix_user_account_school_id'))

    op.drop_table('user_account')
    op.drop_table('staff_group')
    op.drop_table('school')
