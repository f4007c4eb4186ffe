"""oidc_provider and oidc_link: OpenID Connect providers and each person's (issuer, subject) link

Revision ID: 8f3a61c2d4e7
Revises: a7c3e91f04b2
Create Date: 2026-12-03 06:40:00
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa

revision = '8f3a61c2d4e7'
down_revision = 'a7c3e91f04b2'
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        'oidc_provider',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('label', sa.String(length=80), nullable=False),
        sa.Column('preset', sa.String(length=10), nullable=False),
        sa.Column('issuer', sa.String(length=500), nullable=False),
        sa.Column('client_id', sa.String(length=255), nullable=False),
        sa.Column('client_secret_encrypted', sa.LargeBinary(), nullable=False),
        sa.Column('domains', sa.Text(), nullable=False),
        sa.Column('create_users', sa.Boolean(), nullable=False),
        sa.Column('required', sa.Boolean(), nullable=False),
        sa.Column('school_id', sa.Integer(), nullable=True),
        sa.Column('staff_group_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.CheckConstraint("preset IN ('generic', 'entra', 'google')", name=op.f('ck_oidc_provider_preset_valid')),
        sa.ForeignKeyConstraint(['school_id'], ['school.id'], name=op.f('fk_oidc_provider_school_id_school'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['staff_group_id'], ['staff_group.id'],
                                name=op.f('fk_oidc_provider_staff_group_id_staff_group'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_oidc_provider')),
        sa.UniqueConstraint('label', name=op.f('uq_oidc_provider_label')),
    )
    op.create_table(
        'oidc_link',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('issuer', sa.String(length=500), nullable=False),
        sa.Column('subject', sa.String(length=255), nullable=False),
        sa.Column('email', sa.String(length=254), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('last_used_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_oidc_link_user_id_user_account'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_oidc_link')),
        sa.UniqueConstraint('issuer', 'subject', name='uq_oidc_link_issuer_subject'),
    )
    with op.batch_alter_table('oidc_link', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_oidc_link_user_id'), ['user_id'], unique=False)


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table('oidc_link', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_oidc_link_user_id'))
    op.drop_table('oidc_link')
    op.drop_table('oidc_provider')
