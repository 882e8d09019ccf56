"""The data key at the database (issue 13), on SQLite and on PostgreSQL: a start with a key
that opens nothing stops before writing (the check reads the ciphertext's first bytes), and
a new key reseals every row, found again by its blind index."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from flows.calendar import KZ_TZ
from storage.applications import SqlApplications
from storage.db import create_engine, sessions
from storage.files import DiskFileStore
from storage.keys import KeyProblem, Keyring, new_key
from storage.models import Application, Person
from storage.reseal import check_key, reseal
from tests.clock import MovableClock
from tests.sealing import TEST_KEY
from tests.storage.conftest import DatabaseUrl
from tests.storage.test_storage import ANSWERS

AT = datetime(2026, 11, 23, 10, 0, tzinfo=KZ_TZ)


async def test_a_key_that_opens_nothing_stops_the_start(
    db: AsyncEngine, tmp_path: Path, clock: MovableClock, database_url: DatabaseUrl,
) -> None:
    await SqlApplications(sessions(db)).submit("telegram", "42", "visit", ANSWERS, "d-1", AT)
    await check_key(db)  # its own key: nothing to say
    stranger = create_engine(database_url(tmp_path), clock, Keyring.parse(new_key()))
    try:
        with pytest.raises(KeyProblem, match="sealed by a key that DATA_KEY does not hold"):
            await check_key(stranger)
    finally:
        await stranger.dispose()


async def test_a_new_key_reseals_every_row_and_the_old_one_can_go(
    db: AsyncEngine, tmp_path: Path, clock: MovableClock, database_url: DatabaseUrl,
) -> None:
    await SqlApplications(sessions(db)).submit("telegram", "42", "visit", ANSWERS, "d-1", AT)
    fresh = new_key()
    files = DiskFileStore(tmp_path / "files", Keyring.parse(f"{fresh},{TEST_KEY}"))
    rotating = create_engine(database_url(tmp_path), clock, files.keyring)
    try:
        done = await reseal(rotating, files)
        assert done.rows > 0
        assert (await reseal(rotating, files)).rows == 0  # all under the new key already
    finally:
        await rotating.dispose()

    alone = create_engine(database_url(tmp_path), clock, Keyring.parse(fresh))
    try:
        await check_key(alone)
        [mine] = await SqlApplications(sessions(alone)).list_for("telegram", "42")
        async with sessions(alone)() as session:
            application = await session.scalar(select(Application))
            person = await session.scalar(select(Person))
        assert application is not None and application.applicant_iin == ANSWERS["iin"]
        assert person is not None and person.external_id == "42"
        assert mine.number == application.number
    finally:
        await alone.dispose()
    with pytest.raises(KeyProblem):
        await check_key(db)  # the old key alone no longer opens the data
