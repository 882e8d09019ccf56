"""A citizen's own messages to staff, kept for the console's chat (issue 17), are personal
data like the rest: `/mydata` lists them, `/forget` deletes them, and the daily retention run
deletes those older than the closed-case term."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.conversations import ensure_person
from storage.db import sessions
from storage.files import DiskFileStore
from storage.models import AuditEntry, CitizenWord
from storage.privacy import SqlPersonalData
from storage.retention import RUN, Retention
from storage.staff import StaffDesk
from tests.clock import MovableClock
from tests.sealing import KEYRING
from tests.storage.conftest import START

CLOSED_DAYS = 1095


async def person(db: AsyncEngine, user_id: str) -> int:
    async with sessions(db).begin() as session:
        return (await ensure_person(session, "telegram", user_id)).id


async def words_of(db: AsyncEngine, person_id: int) -> list[tuple[str, str]]:
    async with sessions(db)() as session:
        rows = await session.execute(select(CitizenWord.kind, CitizenWord.text).where(
            CitizenWord.person_id == person_id).order_by(CitizenWord.id))
        return [(kind, text) for kind, text in rows]


async def test_mydata_lists_the_words_to_staff_and_forget_deletes_only_the_persons_own(
    db: AsyncEngine, tmp_path: Path
) -> None:
    desk = StaffDesk(sessions(db))
    aigul, nurlan = await person(db, "501"), await person(db, "502")
    await desk.keep_words(aigul, "Сәлеметсіз бе, сұрағым бар", "text")
    await desk.keep_words(aigul, "анықтама", "file")
    await desk.keep_words(nurlan, "Здравствуйте", "text")
    data = SqlPersonalData(sessions(db), DiskFileStore(tmp_path / "files", KEYRING))

    exported = await data.export("telegram", "501")
    assert [(m["kind"], m["text"]) for m in exported["my_messages_to_staff"]] == [
        ("text", "Сәлеметсіз бе, сұрағым бар"), ("file", "анықтама")]

    await data.forget("telegram", "501", START)
    assert await words_of(db, aigul) == []
    assert await words_of(db, nurlan) == [("text", "Здравствуйте")]
    assert (await data.export("telegram", "501"))["my_messages_to_staff"] == []


async def test_retention_deletes_words_older_than_the_closed_case_term(
    db: AsyncEngine, clock: MovableClock, tmp_path: Path
) -> None:
    desk = StaffDesk(sessions(db))
    aigul = await person(db, "501")
    await desk.keep_words(aigul, "бірінші хат", "text")  # written at START
    clock.advance(timedelta(days=30))
    await desk.keep_words(aigul, "екінші хат", "text")
    retention = Retention(sessions(db), DiskFileStore(tmp_path / "files", KEYRING),
                          draft_days=30, closed_days=CLOSED_DAYS)

    day = START + timedelta(days=CLOSED_DAYS - 1)  # the term has not passed yet
    await retention.run(day.date(), day)
    assert await words_of(db, aigul) == [("text", "бірінші хат"), ("text", "екінші хат")]

    day = START + timedelta(days=CLOSED_DAYS + 1)
    await retention.run(day.date(), day)
    assert await words_of(db, aigul) == [("text", "екінші хат")]
    async with sessions(db)() as session:
        runs = list(await session.scalars(select(AuditEntry.details).where(
            AuditEntry.action == RUN).order_by(AuditEntry.id)))
    assert [run["words"] for run in runs] == [0, 1]
