"""The migrations build the schema the models declare, on SQLite and on PostgreSQL: a column
the models read as bytes, a 64-bit id or a partial index that a migration got wrong for one
database would show here, not in production."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.models import Base

# Rows written before sealing began get their blind index at the next start (0014), so the
# column stays nullable in the database while the models always fill it.
KNOWN = {("modify_nullable", "people", "external_key")}


def differences(sync: Connection) -> list[Any]:
    # SQLite keeps any value in any column: its sealed columns keep their old declared types
    # (0014), so types are compared on PostgreSQL alone, where they are enforced.
    context = MigrationContext.configure(
        sync, opts={"compare_type": sync.dialect.name == "postgresql"})
    found = []
    for change in compare_metadata(context, Base.metadata):
        first = change[0] if isinstance(change, list) else change
        if (first[0], first[2], first[3]) not in KNOWN:
            found.append(change)
    return found


async def test_the_migrated_schema_is_the_models_schema(db: AsyncEngine) -> None:
    async with db.connect() as connection:
        assert await connection.run_sync(differences) == []
