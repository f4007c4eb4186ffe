"""server-side sign-in sessions (user_session), session limits and privacy contact in settings, audit subject

Revision ID: 5e7a1c9d3b20
Revises: e91b6d20c4f3
Create Date: 2026-12-03 13:00:00
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa

import quizapp.db

revision = '5e7a1c9d3b20'
down_revision = 'e91b6d20c4f3'
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        'user_session',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('created_at', quizapp.db.UTCDateTime(), nullable=False),
        sa.Column('last_seen_at', quizapp.db.UTCDateTime(), nullable=False),
        sa.Column('user_agent', sa.String(length=120), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_user_session_user_id_user_account'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_user_session')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_user_session_token_hash')),
    )
    op.create_index(op.f('ix_user_session_user_id'), 'user_session', ['user_id'], unique=False)
    with op.batch_alter_table('org_settings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_idle_minutes', sa.Integer(), server_default='120', nullable=False))
        batch_op.add_column(sa.Column('session_max_hours', sa.Integer(), server_default='12', nullable=False))
        batch_op.add_column(sa.Column('data_protection_contact', sa.String(length=300), server_default='',
                                      nullable=False))
        batch_op.create_check_constraint(op.f('ck_org_settings_idle_range'), 'session_idle_minutes BETWEEN 5 AND 1440')
        batch_op.create_check_constraint(op.f('ck_org_settings_max_hours_range'), 'session_max_hours BETWEEN 1 AND 168')
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('subject_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_audit_event_subject_id'), ['subject_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_audit_event_subject_id_user_account'), 'user_account',
                                    ['subject_id'], ['id'], ondelete='SET NULL')


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_audit_event_subject_id_user_account'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_audit_event_subject_id'))
        batch_op.drop_column('subject_id')
    with op.batch_alter_table('org_settings', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_org_settings_idle_range'), type_='check')
        batch_op.drop_constraint(op.f('ck_org_settings_max_hours_range'), type_='check')
        batch_op.drop_column('data_protection_contact')
        batch_op.drop_column('session_max_hours')
        batch_op.drop_column('session_idle_minutes')
    op.drop_index(op.f('ix_user_session_user_id'), table_name='user_session')
    op.drop_table('user_session')
