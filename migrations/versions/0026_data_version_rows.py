"""the data versions exist from the start

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-03 01:40:00

The counters ``hazards:changes`` and ``inspections:changes`` (sequences.HAZARD_DATA,
INSPECTION_DATA) are created with a random value when missing. Until a version exists nothing
is kept under it (figures.cache), so a database where no inspection had yet been written
computed the dashboard's coverage panel on every view.
"""
import secrets

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None

NAMES = ("hazards:changes", "inspections:changes")


def upgrade():
    bind = op.get_bind()
    for name in NAMES:
        present = bind.execute(sa.text("SELECT 1 FROM counters WHERE name = :n"), {"n": name}).first()
        if present is None:
            bind.execute(sa.text("INSERT INTO counters (name, value) VALUES (:n, :v)"),
                         {"n": name, "v": secrets.randbelow(2**31 - 2) + 1})


def downgrade():
    pass  # the rows are harmless: versions made again by the next write
