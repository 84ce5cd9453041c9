"""Alembic environment of the unit store: always run on a connection the unit opened."""

from __future__ import annotations

from alembic import context

from casedesk.unit.store import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata, transaction_per_migration=True)
with context.begin_transaction():
    context.run_migrations()
