"""Reminders that come due while the bot is down are dropped once they would mislead; the
ones still useful go out after the restart, and staff see the dropped ones in the digest."""

from __future__ import annotations

import asyncio
from datetime import date, datetime, timedelta

from sqlalchemy import func, select

from flows.calendar import KZ_TZ
from storage.clock import to_db
from storage.db import sessions
from storage.models import OutboxMessage
from tests.fakes.telegram_api import FakeTelegram
from tests.handlers.conftest import STAFF_CHAT, RunningBot
from tests.handlers.lingo import says
from tests.handlers.test_interview_telegram import NUMBER, booked_with_child
from tests.handlers.test_staff_telegram import seen, staff_says, the_digest

SLOT = datetime(2026, 11, 25, 10, 0, tzinfo=KZ_TZ)  # what booked_with_child books
PARENT, CHILD = 4101, 5101


def reminders(telegram: FakeTelegram, chat: int, hours: int, language: str = "ru") -> list[str]:
    """The reminders "in `hours` hours" that reached this chat."""
    cut = "\x00"  # everything up to the slot: "... in 24 hours — "
    starts = (says("reminder-parent", language, number=NUMBER, hours=hours, slot=cut),
              says("reminder-child", language, hours=hours, slot=cut))
    return [m["text"] for m in telegram.sent_messages(chat)
            if m.get("text", "").startswith(tuple(s.split(cut)[0] for s in starts))]


async def outbox_idle(bot: RunningBot) -> None:
    """The worker has taken up everything due: nothing is pending or mid-send."""
    assert bot.app is not None
    maker = sessions(bot.app.db)
    async with asyncio.timeout(10):
        while True:
            async with maker() as session:
                busy = await session.scalar(select(func.count()).select_from(OutboxMessage)
                                            .where(OutboxMessage.status.in_(("pending",
                                                                              "sending")),
                                                   OutboxMessage.next_attempt_at
                                                   <= to_db(bot.clock())))
            if not busy:
                return
            await asyncio.sleep(0.05)


async def test_a_reminder_due_while_the_bot_was_down_is_dropped_the_next_still_goes(
    telegram: FakeTelegram, staffed: RunningBot
) -> None:
    await booked_with_child(telegram)
    await staffed.stop()
    # Down from Monday until Wednesday 09:05: over the day-before reminder (Tuesday 10:00) and
    # the hour-before one (09:00), but the hour-before one is still worth sending.
    staffed.advance_to(SLOT - timedelta(minutes=55))
    await staffed.start()

    await seen(telegram, PARENT, lambda m: bool(reminders(telegram, PARENT, 1)))
    await seen(telegram, CHILD, lambda m: bool(reminders(telegram, CHILD, 1)))
    await seen(telegram, STAFF_CHAT, lambda m: m.get("text", "").startswith(
        staff_says("reminder-staff", number=NUMBER, hours=1, slot="\x00").split("\x00")[0]))
    await staffed.settle()
    assert reminders(telegram, PARENT, 24) == [] and reminders(telegram, CHILD, 24) == []

    assert staffed.app is not None and staffed.app.telegram is not None
    side = staffed.app.telegram.staff
    assert side is not None
    from handlers.telegram.digest import post_digest

    # Marked expired at the first pass after the start (25.11, past 9:00): counted by the
    # next working morning's digest (the day's went at the start, before that pass).
    await post_digest(side, date(2026, 11, 26))
    digest = await the_digest(telegram, date(2026, 11, 26))
    assert staff_says("staff-digest-expired", count=3) in digest  # parent, child and staff


async def test_after_the_start_no_reminder_goes_at_all(
    telegram: FakeTelegram, staffed: RunningBot
) -> None:
    await booked_with_child(telegram)
    await staffed.stop()
    staffed.advance_to(SLOT + timedelta(minutes=5))
    await staffed.start()
    await outbox_idle(staffed)
    for chat in (PARENT, CHILD):
        assert reminders(telegram, chat, 24) == [] and reminders(telegram, chat, 1) == []
