"""outbox message names its proposal

A match e-mail keeps the proposal it is about, so that a family's data export (GDPR Art. 15)
can include what was sent about it, by key rather than by searching names in the text.

Revision ID: 9569a43eda30
Revises: 4c530852deef
Create Date: 2026-11-29 02:41:51.841355

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "9569a43eda30"
down_revision = "4c530852deef"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.add_column(sa.Column("proposal_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_outbox_message_proposal_id"), ["proposal_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_outbox_message_proposal_id_proposal"),
            "proposal",
            ["proposal_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade():
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_outbox_message_proposal_id_proposal"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_outbox_message_proposal_id"))
        batch_op.drop_column("proposal_id")
