"""Telegram's ids are 64-bit: a supergroup's is -100 and ten digits more, and a user's may pass
2^31. The staff group's topics and the questions asked there keep them whole on PostgreSQL
too, where a plain INTEGER column is 32 bits."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncEngine

from flows.calendar import KZ_TZ
from storage.applications import SqlApplications
from storage.conversations import person_for
from storage.db import sessions
from storage.staff import StaffDesk
from tests.storage.test_storage import ANSWERS

STAFF_GROUP = -1001987654321  # what Telegram gives a supergroup today
OFFICER = 6123456789  # a user who joined Telegram lately


async def test_a_real_staff_group_and_officer_are_found_again(db: AsyncEngine) -> None:
    applications, desk = SqlApplications(sessions(db)), StaffDesk(sessions(db))
    at = datetime(2026, 11, 23, 10, 0, tzinfo=KZ_TZ)
    await applications.submit("telegram", "5123456789", "visit", ANSWERS, "d-1", at)
    async with sessions(db)() as session:
        person = await person_for(session, "telegram", "5123456789")
    assert person is not None
    [mine] = await applications.list_for("telegram", "5123456789")

    await desk.save_thread(person.id, STAFF_GROUP, 42, "Иванова Айгүл")
    citizen = await desk.citizen_of_thread(STAFF_GROUP, 42)
    assert citizen is not None and citizen.person_id == person.id

    await desk.open_request(STAFF_GROUP, 1001, int(mine.ref), "approve", OFFICER, {})
    request = await desk.take_request(STAFF_GROUP, 1001)
    assert request is not None and request.staff_user_id == OFFICER
    assert await desk.take_request(STAFF_GROUP, 1001) is None  # taken once
