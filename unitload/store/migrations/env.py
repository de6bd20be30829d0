"""Alembic's environment: the migrations run on the connection `unitload.store.migrate` hands over."""

from alembic import context

from unitload.store.tables import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata, transaction_per_migration=False)
context.run_migrations()
