"""Sealing stored data again under the current key (issue 13).

`python -m bot rotate-key` runs `reseal` beside a live bot. Each row is rewritten only if it
still holds what was read, so a row the bot changed in the meantime (already sealed with the
current key, since the bot knows both) is left as the bot wrote it. The upgrade that began
sealing leaves a mark (migration 0014) and the next start runs the same pass once, so rows
written before it are sealed too.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, literal, select, type_coerce, union, update
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.sql.sqltypes import NULLTYPE

from storage.files import DiskFileStore
from storage.keys import ID_BYTES, MAGIC, KeyProblem, Keyring
from storage.models import (
    ApplicationNote,
    Base,
    Document,
    IssuedPaper,
    JobRun,
    Person,
)
from storage.sealed import BLIND_OF, blind_columns, blind_value, keyring_of, sealed_columns

log = logging.getLogger(__name__)
PENDING = "seal-at-rest"  # what migration 0014 leaves in job_runs
BATCH = 200


@dataclass(frozen=True)
class Resealed:
    rows: int
    files: int


async def check_key(engine: AsyncEngine) -> None:
    """Stop before anything is written when the data was sealed by a key we do not hold."""
    keyring = keyring_of(engine.sync_engine.dialect)
    head = len(MAGIC) + ID_BYTES
    async with engine.connect() as connection:
        prefixes = (await connection.execute(select(func.substr(
            type_coerce(Person.external_id, NULLTYPE), 1, head)).distinct())).scalars()
        known = {key.id for key in keyring.keys}
        for prefix in prefixes:
            if isinstance(prefix, bytes) and prefix.startswith(MAGIC) \
                    and prefix[len(MAGIC):] not in known:
                raise KeyProblem(f"the data was sealed by a key that DATA_KEY does not hold "
                                 f"(id {prefix[len(MAGIC):].hex()}): was a key removed, or "
                                 "is this another installation's key?")


async def seal_if_pending(engine: AsyncEngine, files: DiskFileStore) -> Resealed | None:
    """Once after the upgrade to sealed columns: seal what was written before it."""
    async with engine.connect() as connection:
        pending = await connection.scalar(select(JobRun.name).where(JobRun.name == PENDING))
    if pending is None:
        return None
    done = await reseal(engine, files)
    async with engine.begin() as connection:
        await connection.execute(delete(JobRun).where(JobRun.name == PENDING))
    return done


async def reseal(engine: AsyncEngine, files: DiskFileStore) -> Resealed:
    keyring = keyring_of(engine.sync_engine.dialect)
    rows = 0
    for table in Base.metadata.sorted_tables:
        if sealed_columns(table):
            rows += await _reseal_table(engine, table, keyring)
    async with engine.connect() as connection:
        digests = (await connection.execute(union(
            select(Document.sha256),
            select(ApplicationNote.document_sha256).where(
                ApplicationNote.document_sha256.is_not(None)),
            select(IssuedPaper.sha256)))).scalars().all()
    moved = 0
    for digest in digests:
        moved += await files.rekey(digest)
    log.info("resealed %d rows and %d files under the current key", rows, moved)
    return Resealed(rows, moved)


async def _reseal_table(engine: AsyncEngine, table: Any, keyring: Keyring) -> int:
    sealed, blinds = sealed_columns(table), blind_columns(table)
    keys = list(table.primary_key.columns)
    plain = [table.c[name] for column in blinds for name in column.info[BLIND_OF]
             if table.c[name] not in sealed]
    wanted = [*keys, *plain, *blinds, *(type_coerce(c, NULLTYPE).label(c.name) for c in sealed)]
    rewritten, offset = 0, 0
    while True:
        async with engine.begin() as connection:
            batch = (await connection.execute(
                select(*wanted).order_by(*keys).limit(BATCH).offset(offset))).mappings().all()
            for row in batch:
                change = _resealed(row, sealed, blinds, keyring)
                if change is None:
                    continue
                unchanged = [type_coerce(c, NULLTYPE) == literal(row[c.name], NULLTYPE)
                             if row[c.name] is not None else c.is_(None) for c in sealed]
                result = await connection.execute(
                    update(table).where(*(k == row[k.name] for k in keys), *unchanged)
                    .values(change))
                rewritten += result.rowcount
        if len(batch) < BATCH:
            return rewritten
        offset += BATCH


def _resealed(row: Any, sealed: list[Any], blinds: list[Any],
              keyring: Keyring) -> dict[str, Any] | None:
    """The row's new values, or None when it is sealed by the current key already."""
    values = {c.name: None if row[c.name] is None else c.type.unseal(row[c.name], keyring)
              for c in sealed}
    stale = any(raw is not None and not (isinstance(raw, bytes) and keyring.sealed_by_current(raw))
                for raw in (row[c.name] for c in sealed))
    known = {**dict(row), **values}
    marks = {}
    for column in blinds:
        value = blind_value([known[name] for name in column.info[BLIND_OF]])
        marks[column.name] = None if value is None else keyring.blind(value)
    if not stale and all(row[name] == mark for name, mark in marks.items()):
        return None
    return {**values, **marks}
