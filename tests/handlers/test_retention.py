"""Issue 13, retention on the shared clock: a draft untouched for DRAFT_RETENTION_DAYS goes
with its files; a closed case is anonymised RETENTION_DAYS after its last status change,
its statistics row kept; handled-update keys older than a week are pruned; the staff digest
counts what was erased."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from sqlalchemy import func, select

from bot.app import file_store
from flows.calendar import KZ_TZ, is_working_day
from flows.delivery import CITIZEN
from flows.messages import Text
from handlers.telegram.digest import post_digest
from storage.db import sessions
from storage.models import Conversation, OutboxMessage, ProcessedUpdate, StatusChange
from storage.outbox import enqueue, say
from storage.retention import Retention
from tests.fakes.telegram_api import FakeTelegram
from tests.handlers.conftest import NOW, RunningBot
from tests.handlers.lingo import buttons, says
from tests.handlers.test_privacy import delivered, the_application
from tests.handlers.test_staff_telegram import (
    NUMBER,
    approved_as_asked,
    citizen_gets,
    the_digest,
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


async def draft_flow(bot: RunningBot) -> str | None:
    """The flow of the one person's draft, None when it is gone."""
    assert bot.app is not None
    async with sessions(bot.app.db)() as session:
        return await session.scalar(select(Conversation.flow))


def files_in(bot: RunningBot) -> set[str]:
    folder = bot.folder / "files"
    return {path.name for path in folder.iterdir()} if folder.exists() else set()


async def test_a_draft_untouched_for_30_days_goes_with_its_files(
    telegram: FakeTelegram, running: RunningBot
) -> None:
    await fill_to_summary(telegram.user(id=6201), "ru")  # two uploads, never submitted
    assert files_in(running)
    running.advance_to(working_morning(NOW + timedelta(days=29)))
    await asyncio.sleep(1.5)  # a daily run happens: 29 days are not 30
    assert await draft_flow(running) == "visit" and files_in(running)

    running.advance_to(working_morning(NOW + timedelta(days=31)))

    async def gone() -> bool:
        return await draft_flow(running) is None and not files_in(running)
    await eventually(gone)


async def test_a_closed_case_is_anonymised_after_its_term_and_the_digest_counts_it(
    telegram: FakeTelegram, staffed: RunningBot
) -> None:
    citizen = telegram.user(id=6202)
    await approved_as_asked(telegram, citizen, "ru")
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
    morning = working_morning(NOW + timedelta(days=1097)).date()
    await post_digest(side, morning, retention=retention)
    line = says("staff-digest-retention", "ru", drafts=0, closed=1)
    assert line in await the_digest(telegram, morning)


async def test_an_anonymised_case_leaves_no_words_in_its_messages_and_a_queued_one_never_goes(
    telegram: FakeTelegram, staffed: RunningBot
) -> None:
    citizen = telegram.user(id=6203)
    await approved_as_asked(telegram, citizen, "kk")
    await delivered(staffed)
    application = await the_application(staffed)
    assert staffed.app is not None
    db = sessions(staffed.app.db)

    # A notice about the case is due after its term (a reminder queued far ahead), and
    # a word for the citizen about nothing in particular right after it.
    later = NOW + timedelta(days=1100)
    about_the_case = f"Иванова Айгүл, ЖСН {IIN}"
    async with db.begin() as session:
        enqueue(session, key="later:case", audience=CITIZEN, person_id=application.person_id,
                application_id=application.id, not_before=later,
                message=say(Text("staff-reply", {"text": about_the_case})))
        enqueue(session, key="later:word", audience=CITIZEN, person_id=application.person_id,
                not_before=later, message=say(Text("staff-reply", {"text": "Сау болыңыз"})))

    async def words_of_the_case() -> list[str]:
        async with db() as session:
            return [json.dumps(payload, ensure_ascii=False)
                    for payload in await session.scalars(select(OutboxMessage.payload).where(
                        OutboxMessage.application_id == application.id))]
    assert any(IIN in words and "Иванова" in words for words in await words_of_the_case())

    staffed.advance_to(working_morning(NOW + timedelta(days=1096)))

    async def anonymised() -> bool:
        return (await the_application(staffed)).applicant_iin == ""
    await eventually(anonymised)
    words = await words_of_the_case()
    assert words and set(words) == {"{}"}  # sent, failed or queued: not a word is left

    staffed.advance_to(later + timedelta(minutes=1))
    await citizen_gets(telegram, 6203, says("staff-reply", "kk", text="Сау болыңыз"))
    erased = says("staff-reply", "kk", text=about_the_case)
    assert erased not in [m.get("text") for m in telegram.sent_messages(6203)]


async def test_papers_asked_for_while_their_case_is_anonymised_are_said_to_be_gone(
    telegram: FakeTelegram, staffed: RunningBot
) -> None:
    """The person has their case open on screen when the daily run anonymises it: the
    "Documents" button under it tells them the papers are no longer kept."""
    citizen = telegram.user(id=6205)
    await approved_as_asked(telegram, citizen, "ru")
    await delivered(staffed)
    await citizen.say("/start")
    listing = await citizen.press_latest(says("menu-my-applications", "ru"))
    detail = (await citizen.press(listing[-1], says("apps-open", "ru", number=NUMBER)))[-1]

    staffed.advance_to(working_morning(NOW + timedelta(days=1096)))

    async def anonymised() -> bool:
        return (await the_application(staffed)).applicant_iin == ""
    await eventually(anonymised)
    replies = await citizen.press(detail, says("apps-papers", "ru"))
    assert [m.get("text") for m in replies] == [says("apps-erased", "ru")]
    assert says("apps-back", "ru") in buttons(replies[-1])
