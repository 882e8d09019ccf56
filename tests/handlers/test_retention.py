"""Issue 13, retention on the shared clock: a draft untouched for DRAFT_RETENTION_DAYS goes
with its files; a closed case is anonymised RETENTION_DAYS after its last status change,
its statistics row kept; handled-update keys older than a week are pruned; the staff digest
counts what was erased."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from sqlalchemy import func, select

from bot.app import file_store
from flows.calendar import KZ_TZ, is_working_day
from handlers.telegram.digest import post_digest
from storage.db import sessions
from storage.models import Conversation, ProcessedUpdate, StatusChange
from storage.retention import Retention
from tests.fakes.telegram_api import FakeTelegram
from tests.handlers.conftest import NOW, STAFF_CHAT, RunningBot
from tests.handlers.lingo import says
from tests.handlers.test_privacy import delivered, the_application
from tests.handlers.test_staff_telegram import (
    apply,
    current,
    staff_says,
    staff_tap,
    the_card,
)
from tests.handlers.test_visit_telegram import IIN, fill_to_summary


def working_morning(after: datetime) -> datetime:
    day = after.date()
    while not is_working_day(day):
        day += timedelta(days=1)
    return datetime(day.year, day.month, day.day, 10, 0, tzinfo=KZ_TZ)


async def eventually(check: Callable[[], Awaitable[bool]]) -> None:
    for _ in range(400):
        if await check():
            return
        await asyncio.sleep(0.025)
    raise AssertionError("the daily retention run did not happen")


def files_in(bot: RunningBot) -> set[str]:
    folder = bot.folder / "files"
    return {path.name for path in folder.iterdir()} if folder.exists() else set()


async def test_a_draft_untouched_for_30_days_goes_with_its_files(
    telegram: FakeTelegram, running: RunningBot
) -> None:
    await fill_to_summary(telegram.user(id=6201), "ru")  # two uploads, never submitted
    assert files_in(running)
    assert running.app is not None
    db = sessions(running.app.db)

    async def draft() -> str | None:
        async with db() as session:
            return await session.scalar(select(Conversation.flow))

    running.advance_to(working_morning(NOW + timedelta(days=29)))
    await asyncio.sleep(1.5)  # a daily run happens: 29 days are not 30
    assert await draft() == "visit" and files_in(running)

    running.advance_to(working_morning(NOW + timedelta(days=31)))

    async def gone() -> bool:
        return await draft() is None and not files_in(running)
    await eventually(gone)


async def test_a_closed_case_is_anonymised_after_its_term_and_the_digest_counts_it(
    telegram: FakeTelegram, staffed: RunningBot
) -> None:
    citizen = telegram.user(id=6202)
    await apply(citizen, "ru")
    card = await the_card(telegram)
    await staff_tap(telegram, card, staff_says("staff-action-accept"))
    await staff_tap(telegram, current(telegram, card), staff_says("staff-action-approve"))
    offer = telegram.last_message(STAFF_CHAT, card["message_thread_id"])
    await staff_tap(telegram, offer, staff_says("staff-approve-as-asked", **{
        "from": "01.12.2026", "to": "31.12.2026"}))
    await delivered(staffed)
    assert staffed.app is not None
    db = sessions(staffed.app.db)
    async with db() as session:
        assert await session.scalar(select(func.count()).select_from(ProcessedUpdate)) > 0

    # A year on, the closed case is intact; the update keys older than a week are gone.
    staffed.advance_to(working_morning(NOW + timedelta(days=365)))

    async def pruned() -> bool:
        async with db() as session:
            return not await session.scalar(select(func.count()).select_from(ProcessedUpdate))
    await eventually(pruned)
    assert (await the_application(staffed)).applicant_iin == IIN

    staffed.advance_to(working_morning(NOW + timedelta(days=1096)))

    async def anonymised() -> bool:
        return (await the_application(staffed)).applicant_iin == ""
    await eventually(anonymised)
    kept = await the_application(staffed)
    assert (kept.service, kept.status, kept.body_code) == ("visit", "approved", "kst-rudny")
    assert kept.applicant_surname == "" and kept.applicant_phone == ""
    assert kept.registered_on and kept.decision_due
    async with db() as session:
        statuses = list(await session.scalars(select(StatusChange.status).order_by(
            StatusChange.id)))
    assert statuses[0] == "submitted" and statuses[-1] == "approved"

    async def no_files() -> bool:  # deleted just after the commit that stops referring to them
        return not files_in(staffed)
    staffed.advance_to(working_morning(NOW + timedelta(days=1097)))  # a file a queued
    await eventually(no_files)  # message still carried at the first run goes at the next

    # The next working morning's digest says what was erased.
    assert staffed.app.telegram is not None and staffed.app.telegram.staff is not None
    side = staffed.app.telegram.staff
    retention = Retention(db, file_store(staffed.settings), draft_days=30, closed_days=1095)
    await post_digest(side, working_morning(NOW + timedelta(days=1097)).date(),
                      retention=retention)
    line = says("staff-digest-retention", "ru", drafts=0, closed=1)
    assert line in telegram.last_message(STAFF_CHAT)["text"]
