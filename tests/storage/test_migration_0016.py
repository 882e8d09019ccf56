"""Migration 0016 on a database made before the parent chose the child's language: an invite
sent then still opens and is still used once, and the child reads the bot in the parent's own
language (what the parent would have kept); a time booked again keeps the language the parent
then chooses. Back to 0015, the column goes and the invite is as it was."""

from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path

from sqlalchemy import inspect, select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from flows.calendar import KZ_TZ
from flows.ports import Booking, Invitation
from storage.applications import SqlApplications
from storage.db import alembic_config, create_engine, sessions
from storage.interviews import SqlInterviews
from storage.models import Application, InterviewBooking
from tests.clock import MovableClock
from tests.sealing import KEYRING
from tests.storage.conftest import DatabaseUrl
from tests.storage.older import todays_outbox, upgraded
from tests.storage.test_migration_0009 import CHILD
from tests.storage.test_storage import ANSWERS

AT = datetime(2026, 11, 23, 10, 0, tzinfo=KZ_TZ)
IN_BERLIN = {**CHILD, "lives": "abroad", "country": "de"}
CODE = "ABCD2345"


async def invited_before(folder: Path, clock: MovableClock,
                         database_url: DatabaseUrl) -> AsyncEngine:
    """A database at 0015: a mother who uses the bot in Russian booked her son's conversation
    and was given his invite, as that version wrote it (the invite in plain SQL: today's
    model has a column 0015 lacks)."""
    from alembic import command

    url = database_url(folder)
    await asyncio.to_thread(command.upgrade, alembic_config(url), "0015")
    db = create_engine(url, clock, KEYRING)
    async with todays_outbox(db):
        await SqlApplications(sessions(db)).submit("telegram", "42", "interview",
                                                   {**ANSWERS, **IN_BERLIN}, "d-1", AT)
    async with sessions(db).begin() as session:
        application = await session.scalar(select(Application))
        assert application is not None
        application.status = "under_review"
        application.decision = {"accepted_on": "2026-11-23", "booked": {"0": "202611251000"}}
        session.add(InterviewBooking(application_id=application.id, child_position=0,
                                     body_code=application.body_code, slot_key="202611251000",
                                     starts_at=datetime(2026, 11, 25, 5, 0)))
    async with db.begin() as connection:
        await connection.execute(text("UPDATE people SET language = 'ru'"))
        await connection.execute(text(
            "INSERT INTO interview_invites (application_id, child_position, code, expires_at) "
            f"SELECT id, 0, '{CODE}', '2026-11-25 06:30:00' FROM applications"))
    return db


async def test_an_invite_sent_before_opens_in_the_parents_language(
    tmp_path: Path, clock: MovableClock, database_url: DatabaseUrl
) -> None:
    db = await invited_before(tmp_path, clock, database_url)
    await db.dispose()
    db = await upgraded(database_url(tmp_path), tmp_path, clock)
    interviews = SqlInterviews(sessions(db))

    assert await interviews.invitation("telegram", "77", CODE, AT) == Invitation("Нұрлан", "ru")
    joined = await interviews.join("telegram", "77", CODE, AT)
    assert not isinstance(joined, str) and joined.slot.key == "202611251000"
    assert await interviews.invitation("telegram", "78", CODE, AT) == "invite-used"

    # the mother moves the time and now chooses English for her son: the invite keeps it
    async with sessions(db)() as session:
        ref = str(await session.scalar(select(Application.id)))
    moved = await interviews.book("telegram", "42", ref, "202611261000", AT, language="en")
    assert isinstance(moved, Booking) and moved.code == CODE
    async with db.connect() as connection:
        language = (await connection.execute(text(
            "SELECT language FROM interview_invites"))).scalar()
    assert language == "en"
    await db.dispose()


async def test_back_to_0015_the_invite_is_as_it_was(
    tmp_path: Path, clock: MovableClock, database_url: DatabaseUrl
) -> None:
    from alembic import command

    db = await invited_before(tmp_path, clock, database_url)
    url = database_url(tmp_path)
    await asyncio.to_thread(command.upgrade, alembic_config(url), "0016")
    await asyncio.to_thread(command.downgrade, alembic_config(url), "0015")
    async with db.connect() as connection:
        columns = [column["name"] for column in await connection.run_sync(
            lambda sync: inspect(sync).get_columns("interview_invites"))]
        code = (await connection.execute(text("SELECT code FROM interview_invites"))).scalar()
    await db.dispose()
    assert "language" not in columns and code == CODE
