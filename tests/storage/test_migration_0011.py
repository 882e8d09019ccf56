"""Migration 0011 on a database made before siblings were taken: the booking, the invite and
the conversation that exist are the first child's, and the application's booked time is
recorded as the first child's; an application made then still books, joins and is heard."""

from __future__ import annotations

import asyncio
import json
from datetime import datetime
from pathlib import Path

from sqlalchemy import inspect, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from flows.calendar import KZ_TZ
from flows.interview import booked_times
from flows.ports import Booking
from storage.db import alembic_config, create_engine, sessions
from storage.interviews import SqlInterviews
from storage.models import Application, InterviewBooking, InterviewInvite, InterviewSession
from tests.clock import MovableClock
from tests.storage.conftest import DatabaseUrl
from tests.storage.older import OlderBot, upgraded
from tests.storage.test_migration_0009 import CHILD
from tests.storage.test_storage import ANSWERS

AT = datetime(2026, 11, 23, 10, 0, tzinfo=KZ_TZ)
TABLES = ("interview_bookings", "interview_invites", "interview_sessions")


async def one_booking_per_slot(connection: AsyncConnection) -> bool:
    """The slot index is still unique over live bookings only (a partial index)."""
    def read(sync: Connection) -> bool:
        (index,) = [index for index in inspect(sync).get_indexes("interview_bookings")
                    if index["name"] == "ux_interview_slot_taken"]
        where = index["dialect_options"].get(f"{sync.dialect.name}_where")
        return bool(index["unique"]) and "booked" in str(where)
    return await connection.run_sync(read)


async def before_siblings(folder: Path, clock: MovableClock,
                          database_url: DatabaseUrl) -> AsyncEngine:
    """A database at 0010 holding one interview application, as that version wrote it."""
    from alembic import command

    url = database_url(folder)
    await asyncio.to_thread(command.upgrade, alembic_config(url), "0010")
    older = OlderBot(folder, clock)
    await older.submit("telegram", "42", "interview", {**ANSWERS, **CHILD}, "d-1", AT)
    await older.copy_into(url)
    return create_engine(url, clock, None)  # what follows writes plain SQL, as then


async def test_what_was_booked_before_is_the_first_childs(
    tmp_path: Path, clock: MovableClock, database_url: DatabaseUrl
) -> None:
    db = await before_siblings(tmp_path, clock, database_url)
    async with db.begin() as connection:  # what the version before siblings wrote
        await connection.execute(text(
            "UPDATE applications SET status = 'under_review', decision = "
            "'{\"accepted_on\": \"2026-11-23\", \"booked\": \"202611251000\"}'"))
        await connection.execute(text(
            "INSERT INTO interview_bookings (application_id, body_code, slot_key, starts_at, "
            "status, created_at) SELECT id, body_code, '202611251000', '2026-11-25 05:00:00', "
            "'booked', '2026-11-23 05:00:00' FROM applications"))
        await connection.execute(text(
            "INSERT INTO interview_invites (application_id, code, expires_at) "
            "SELECT id, 'ABCD2345', '2026-11-25 06:30:00' FROM applications"))
        await connection.execute(text(
            "INSERT INTO interview_sessions (application_id, status, representative_present, "
            "started_at, staff_actor, transcript) SELECT id, 'closed', TRUE, "
            "'2026-11-25 05:00:00', 'staff:1', '{}' FROM applications"))
    await db.dispose()
    db = await upgraded(database_url(tmp_path), tmp_path, clock)
    async with sessions(db)() as session:
        positions = [
            (await session.scalars(select(model.child_position))).all()
            for model in (InterviewBooking, InterviewInvite, InterviewSession)]
        application = await session.scalar(select(Application))
        assert application is not None
    assert positions == [[0], [0], [0]]
    async with db.connect() as connection:
        assert await one_booking_per_slot(connection)
    assert application.decision == {"accepted_on": "2026-11-23",
                                     "booked": {"0": "202611251000"},
                                     "heard": [0]}  # its conversation was held (0022)
    assert booked_times(application.decision) == {0: "202611251000"}

    # the application of before books as it did: its one child is the first
    interviews = SqlInterviews(sessions(db))
    offer = await interviews.offer("telegram", "42", str(application.id), AT)
    assert offer is not None and offer.booked is not None and offer.booked.key == "202611251000"
    moved = await interviews.book("telegram", "42", str(application.id), "202611261000", AT)
    assert isinstance(moved, Booking) and moved.code == "ABCD2345" and moved.child_name == ""
    joined = await interviews.join("telegram", "77", "ABCD2345", AT)
    assert not isinstance(joined, str) and joined.child == 0

    await db.dispose()


async def test_back_before_siblings_one_booked_time_per_application_again(
    tmp_path: Path, clock: MovableClock, database_url: DatabaseUrl
) -> None:
    from alembic import command

    db = await before_siblings(tmp_path, clock, database_url)
    url = database_url(tmp_path)
    async with db.begin() as connection:  # what 0011 made of a time booked before it
        await connection.execute(text(
            "UPDATE applications SET status = 'under_review', decision = "
            "'{\"accepted_on\": \"2026-11-23\", \"booked\": \"202611261000\"}'"))
    await asyncio.to_thread(command.upgrade, alembic_config(url), "0011")
    await asyncio.to_thread(command.downgrade, alembic_config(url), "0010")
    async with db.connect() as connection:
        decision = (await connection.execute(text("SELECT decision FROM applications"))).scalar()
        columns = {table: [column["name"] for column in await connection.run_sync(
            lambda sync, table=table: inspect(sync).get_columns(table))] for table in TABLES}
        still_one_per_slot = await one_booking_per_slot(connection)
    await db.dispose()
    if isinstance(decision, str):  # SQLite gives JSON's text, PostgreSQL the value
        decision = json.loads(decision)
    assert decision["booked"] == "202611261000"
    assert not any("child_position" in names for names in columns.values())
    assert still_one_per_slot
