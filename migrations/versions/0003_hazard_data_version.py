"""hazard data version

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29 05:30:00

Data only: the counter row ``hazards:changes`` (safety_app/sequences.py), the
version of the hazards' data under which the dashboard caches its figures. Every
write of a hazard or an enterprise gives it a new random value in its own
transaction; this row makes the data as of the upgrade a version of its own, so
the figures are cached from the first view (without the row, nothing is cached
until the first write).
"""
import secrets

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

NAME = 'hazards:changes'


def upgrade():
    bind = op.get_bind()
    exists = bind.execute(sa.text('SELECT 1 FROM counters WHERE name = :n'), {'n': NAME}).first()
    if not exists:
        bind.execute(sa.text('INSERT INTO counters (name, value) VALUES (:n, :v)'),
                     {'n': NAME, 'v': secrets.randbelow(2**31 - 2) + 1})


def downgrade():
    op.get_bind().execute(sa.text('DELETE FROM counters WHERE name = :n'), {'n': NAME})
