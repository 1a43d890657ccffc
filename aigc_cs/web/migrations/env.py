"""Alembic environment: run on the connection `aigc_cs.web.db.migrate` hands over (there is no alembic.ini)."""

from alembic import context

from aigc_cs.web.models import Base

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
