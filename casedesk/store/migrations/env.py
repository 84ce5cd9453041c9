"""Alembic environment: always run on a connection CaseDesk opened with the store key."""

from __future__ import annotations

from alembic import context

from casedesk.store.models import Base, modelled

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,
    transaction_per_migration=True,
    # The text index (migration 0006) is a virtual table the models cannot declare: never a difference.
    include_name=lambda name, type_, _parents: type_ != "table" or modelled(name),
)
with context.begin_transaction():
    context.run_migrations()
