"""Migration 0009 on a database made by an older version: a conversation booked before it is
recorded on its application, so the digest and the daily reminder do not call it unbooked."""

from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path

from sqlalchemy import select, text

from flows.calendar import KZ_TZ
from storage.db import alembic_config, create_engine, sessions
from storage.models import Application
from tests.clock import MovableClock
from tests.storage.conftest import DatabaseUrl
from tests.storage.older import OlderBot, upgraded
from tests.storage.test_storage import ANSWERS

CHILD = {"role": "parent", "child_surname": "Иванов", "child_first_name": "Нұрлан",
         "child_patronymic": None, "child_birth_date": "2013-03-10", "subject": "residence",
         "subject_details": "—", "lives": "kz", "present": "applicant"}


async def test_a_time_booked_before_is_recorded_on_its_application(
    tmp_path: Path, clock: MovableClock, database_url: DatabaseUrl
) -> None:
    from alembic import command

    url = database_url(tmp_path)
    await asyncio.to_thread(command.upgrade, alembic_config(url), "0008")
    older = OlderBot(tmp_path, clock)
    at = datetime(2026, 11, 23, 10, 0, tzinfo=KZ_TZ)
    for draft in ("booked", "cancelled", "never"):
        await older.submit("telegram", "42", "interview", {**ANSWERS, **CHILD}, draft, at)
    await older.copy_into(url)
    db = create_engine(url, clock, None)
    async with db.begin() as connection:  # what the old version wrote
        await connection.execute(text(
            "UPDATE applications SET status = 'under_review', "
            "decision = '{\"accepted_on\": \"2026-11-23\"}'"))
        for draft, status in (("booked", "booked"), ("cancelled", "cancelled")):
            await connection.execute(text(
                "INSERT INTO interview_bookings (application_id, body_code, slot_key, starts_at, "
                "status, created_at) SELECT id, body_code, '202611251000', "
                "'2026-11-25 05:00:00', :status, '2026-11-23 05:00:00' FROM applications "
                "WHERE draft_key = :draft"), {"status": status, "draft": draft})
    await db.dispose()
    db = await upgraded(url, tmp_path, clock)
    async with sessions(db)() as session:
        rows = await session.execute(select(Application.draft_key, Application.decision))
        decisions = {draft: decision for draft, decision in rows}
    await db.dispose()
    assert decisions == {
        # recorded as the first child's time (0011: a booked time per child)
        "booked": {"accepted_on": "2026-11-23", "booked": {"0": "202611251000"}},
        "cancelled": {"accepted_on": "2026-11-23"},
        "never": {"accepted_on": "2026-11-23"},
    }
