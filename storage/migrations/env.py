"""Alembic environment: runs migrations through the same async engine the bot uses."""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy import text
from sqlalchemy.engine import Connection

from flows.clock import system_clock
from storage.db import create_engine
from storage.models import Base
from storage.replicas import lock_key

target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection, target_metadata=target_metadata, render_as_batch=True
    )
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            # Replicas start together: one migrates, the others wait and then find it done.
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"),
                               {"key": lock_key("migrations")})
        context.run_migrations()


async def _online() -> None:
    # Migrations move ciphertext as it is: they need no data key.
    engine = create_engine(context.config.get_main_option("sqlalchemy.url") or "", system_clock,
                           None)
    async with engine.connect() as connection:
        await connection.run_sync(_run)
    await engine.dispose()


if context.is_offline_mode():
    context.configure(url=context.config.get_main_option("sqlalchemy.url"),
                      target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    asyncio.run(_online())
