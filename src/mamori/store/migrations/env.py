"""Alembic environment for the result store.

Mamori runs migrations itself when a store is opened (see ``mamori.store._engine.migrate``),
handing the open connection over in ``config.attributes["connection"]``. Run by hand, the
``sqlalchemy.url`` main option is used instead; no ``alembic.ini`` is needed either way.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context

from mamori.store.schema import Base

config = context.config


def _run(connection: sa.Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Migrate over the caller's connection, or one made from ``sqlalchemy.url``."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("set the sqlalchemy.url option to the store's database URL")
    engine = sa.create_engine(url, poolclass=sa.NullPool)
    with engine.connect() as connection:
        _run(connection)
    engine.dispose()


if context.is_offline_mode():
    raise RuntimeError("Mamori's store migrations run online only; open the store instead")
run_migrations_online()
