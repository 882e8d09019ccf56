"""Issue 15: a turn in the menu that changes nothing writes nothing to the conversation, while
a turn inside a draft, even one that changes nothing, still keeps the draft alive."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.db import sessions
from storage.models import ProcessedUpdate
from tests.fakes.telegram_api import FakeTelegram
from tests.handlers.conftest import NOW, RunningBot
from tests.handlers.lingo import says
from tests.handlers.test_retention import draft_flow, eventually, working_morning
from tests.handlers.test_visit_telegram import open_visit


@contextmanager
def statements(engine: AsyncEngine) -> Iterator[list[str]]:
    """The SQL the bot runs meanwhile."""
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, sql: str, *_args: Any) -> None:
        seen.append(" ".join(sql.split()).upper())

    event.listen(engine.sync_engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", record)


async def test_a_text_in_the_menu_is_answered_without_rewriting_the_conversation(
    telegram: FakeTelegram, running: RunningBot
) -> None:
    person = telegram.user(id=6301)
    await person.say("/start")
    await person.press(person.last(), "Русский")
    assert running.app is not None

    with statements(running.app.db) as seen:
        replies = await person.say("Здравствуйте, подскажите, пожалуйста")
        await telegram.settled()

    assert says("hint-menu-unexpected", "ru") in replies[0]["text"]
    assert says("menu-visit", "ru") in str(replies[-1]["reply_markup"])
    assert not [sql for sql in seen if sql.startswith("UPDATE CONVERSATIONS")]
    async with sessions(running.app.db)() as session:  # the update was answered all the same
        statuses = set((await session.scalars(select(ProcessedUpdate.status))).all())
    assert statuses == {"done"}

    # The language chosen, the menu shown: a second text there reads as the first did.
    assert says("hint-menu-unexpected", "ru") in (await person.say("Алло?"))[0]["text"]


async def test_a_sticker_inside_a_draft_counts_as_its_last_activity(
    telegram: FakeTelegram, running: RunningBot
) -> None:
    person = telegram.user(id=6302)
    await open_visit(person, "ru")

    # On day 20 the person comes back and sends a sticker: the same question, nothing changed.
    running.advance_to(working_morning(NOW + timedelta(days=20)))
    person.send_sticker()
    await telegram.settled()
    assert says("ask-region", "ru") in person.last()["text"]

    # Day 31 is 31 days after the draft began, 11 after its last activity: it stays.
    running.advance_to(working_morning(NOW + timedelta(days=31)))
    await asyncio.sleep(1.5)  # a daily run happens
    assert await draft_flow(running) == "visit"

    running.advance_to(working_morning(NOW + timedelta(days=52)))

    async def gone() -> bool:
        return await draft_flow(running) is None
    await eventually(gone)
