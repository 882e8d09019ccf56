"""Issue 9 on WhatsApp: a crash at any point leaves every message answered exactly once.

Meta forgets a message once the webhook answered 200, so the bot logs it before that answer;
its turn, the handled mark and the reply commit together; the reply's Graph API calls are
counted as they go out. Here the bot is killed the way SIGKILL would leave it — its tasks
stop where they are, nothing is drained or finished — while the fake Graph API holds one of
its calls unanswered, and a new bot is started on the same database. A twin who never met a
crash says the same things: what each person was sent must match the twin's, message for
message.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from contextlib import closing
from typing import Any

import pytest
from aiohttp import web

from tests.fakes.telegram_api import Call, FakeTelegram
from tests.fakes.whatsapp_api import FakeWhatsApp, WhatsAppPerson
from tests.handlers.conftest import APP_SECRET, TEMPLATE, RunningBot, app_tasks
from tests.handlers.lingo import says
from tests.handlers.test_whatsapp import options, person, pick

Json = dict[str, Any]

AIGUL, BAUYRZHAN, TWIN = "77011234567", "77012345678", "77019876543"
QUESTION = "Құжаттар туралы сұрақ бар"
WAIT = 10.0  # seconds


class HoldingWhatsApp(FakeWhatsApp):
    """The fake Graph API that can hold the k-th next message call unanswered (and unsent):
    the bot is waiting on it when it is killed."""

    def __init__(self) -> None:
        super().__init__()
        self.holding = asyncio.Event()  # a call is held now
        self._countdown: int | None = None
        self._release = asyncio.Event()

    def hold_call(self, k: int) -> None:
        self._countdown = k

    def release(self) -> None:
        """The held call ends without an answer (its caller is gone by now)."""
        self._release.set()

    def app(self) -> web.Application:
        app = super().app()

        @web.middleware
        async def hold(request: web.Request, handler: Any) -> web.StreamResponse:
            if request.method == "POST" and request.path.endswith("/messages") \
                    and self._countdown is not None:
                self._countdown -= 1
                if self._countdown == 0:
                    self._countdown = None
                    self.holding.set()
                    await self._release.wait()
                    return web.Response(status=503)  # never reaches a live bot
            return await handler(request)  # type: ignore[no-any-return]

        app.middlewares.append(hold)
        return app


@pytest.fixture
async def graph() -> AsyncIterator[HoldingWhatsApp]:
    fake = HoldingWhatsApp()
    fake.approve_template(TEMPLATE, languages=("kk", "ru", "en"), parameters=2)
    await fake.start()
    yield fake
    fake.release()
    await fake.stop()


async def kill(bot: RunningBot) -> None:
    """What SIGKILL leaves: every task of the app stops where it is (nothing drained, no reply
    finished), its connections close; the database keeps what was committed."""
    assert bot.app is not None
    tasks = app_tasks()  # SIGKILL stops all of them at once, aiogram's polling too
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    await bot.app.close()
    bot.app = None


async def crash_and_restart(bot: RunningBot, graph: HoldingWhatsApp) -> None:
    await kill(bot)
    graph.release()
    await bot.start()
    await bot.settle()  # what the crash left is finished before anything new


async def posts(graph: FakeWhatsApp, bot: RunningBot, payload: Json) -> int:
    """Meta posts a webhook and reads the bot's HTTP status; nothing waits for the answer."""
    return await graph.post_webhook(bot.webhook_url, payload, APP_SECRET)


async def held(graph: HoldingWhatsApp) -> None:
    await asyncio.wait_for(graph.holding.wait(), WAIT)


def said(graph: FakeWhatsApp, wa_id: str) -> list[Json]:
    """What the person was sent, message for message, addressing aside."""
    return [{key: value for key, value in message.items() if key not in ("id", "to")}
            for message in graph.sent(wa_id)]


async def twin_starts(graph: FakeWhatsApp, bot: RunningBot) -> WhatsAppPerson:
    """A person who meets no crash says /start and picks Russian."""
    twin = person(graph, bot, wa_id=TWIN)
    shown = await twin.say("/start")
    await pick(twin, shown, "Русский")
    return twin


def sees_the_menu(graph: FakeWhatsApp, wa_id: str) -> bool:
    last = graph.last_interactive(wa_id)
    return last is not None and says("menu-visit", "ru") in options([last])


async def test_a_message_waiting_behind_a_crash_is_answered_after_the_restart(
    graph: HoldingWhatsApp, on_whatsapp: RunningBot
) -> None:
    aigul, bauyrzhan = graph.user(wa_id=AIGUL), graph.user(wa_id=BAUYRZHAN)
    graph.hold_call(1)  # Aigul's turn is committed; the first message of her reply hangs
    assert await posts(graph, on_whatsapp, aigul.text("/start")) == 200
    await held(graph)
    start = bauyrzhan.text("/start")
    assert await posts(graph, on_whatsapp, start) == 200  # Meta forgets it now
    await crash_and_restart(on_whatsapp, graph)

    assert await posts(graph, on_whatsapp, start) == 200  # Meta delivers it again anyway
    await on_whatsapp.settle()
    for wa_id in (AIGUL, BAUYRZHAN):  # each answered once: the greeting, the language question
        await pick(person(graph, on_whatsapp, wa_id), graph.sent(wa_id), "Русский")
        assert sees_the_menu(graph, wa_id)
    await twin_starts(graph, on_whatsapp)
    assert said(graph, AIGUL) == said(graph, BAUYRZHAN) == said(graph, TWIN)
    graph.assert_no_rejections()


async def test_a_reply_cut_short_by_a_crash_goes_on_from_where_it_stopped(
    graph: HoldingWhatsApp, on_whatsapp: RunningBot
) -> None:
    aigul = graph.user(wa_id=AIGUL)
    start = aigul.text("/start")
    graph.hold_call(2)  # the greeting went out, the language question hangs
    assert await posts(graph, on_whatsapp, start) == 200
    await held(graph)
    assert len(graph.sent(AIGUL)) == 1
    await crash_and_restart(on_whatsapp, graph)

    assert await posts(graph, on_whatsapp, start) == 200  # handled before: not again
    await on_whatsapp.settle()
    await pick(person(graph, on_whatsapp, AIGUL), graph.sent(AIGUL), "Русский")
    assert sees_the_menu(graph, AIGUL)
    await twin_starts(graph, on_whatsapp)
    assert said(graph, AIGUL) == said(graph, TWIN)


async def test_a_question_for_a_specialist_reaches_staff_once_across_a_crash(
    telegram: FakeTelegram, graph: HoldingWhatsApp, on_both: RunningBot
) -> None:
    who = person(graph, on_both, wa_id=AIGUL)
    shown = await who.say("/start")
    shown = await pick(who, shown, "Қазақша")
    await pick(who, shown, says("menu-specialist", "kk"))
    graph.hold_call(1)  # the "passed on" confirmation hangs: staff have not heard yet
    assert await posts(graph, on_both, who.user.text(QUESTION)) == 200
    await held(graph)
    await crash_and_restart(on_both, graph)

    await telegram.wait_for(passes_on_the_question, timeout=WAIT)
    await on_both.settle()
    assert len([c for c in telegram.calls if passes_on_the_question(c)]) == 1
    confirmations = [m for m in graph.sent(AIGUL)
                     if m.get("interactive", {}).get("body", {}).get("text")
                     == says("specialist-sent", "kk")]
    assert len(confirmations) == 1


def passes_on_the_question(call: Call) -> bool:
    return call.method == "sendMessage" and QUESTION in str(call.params.get("text"))


async def test_a_message_that_cannot_be_logged_is_refused_for_meta_to_deliver_again(
    graph: HoldingWhatsApp, on_whatsapp: RunningBot
) -> None:
    start = graph.user(wa_id=AIGUL).text("/start")
    await disk(on_whatsapp, FULL_DISK)
    assert await posts(graph, on_whatsapp, start) == 500
    await on_whatsapp.settle()
    assert graph.sent(AIGUL) == []

    await disk(on_whatsapp, "UPDATE disk SET full = 0")  # there is room again
    assert await posts(graph, on_whatsapp, start) == 200  # Meta's retry
    await on_whatsapp.settle()
    await person(graph, on_whatsapp, wa_id=TWIN).say("/start")
    assert said(graph, AIGUL) == said(graph, TWIN)


# While `disk.full`, every write to the update log fails at once, as on a full disk (SQLite
# cannot read "{" as JSON: an OperationalError, not the IntegrityError of a RAISE).
FULL_DISK = """
    CREATE TABLE disk (full INTEGER);
    INSERT INTO disk VALUES (1);
    CREATE TRIGGER full_disk BEFORE INSERT ON processed_updates WHEN (SELECT full FROM disk)
    BEGIN SELECT json('{'); END;
"""


async def disk(bot: RunningBot, script: str) -> None:
    """Another hand on the database file (in a thread: the bot may hold a lock meanwhile)."""
    def run() -> None:
        with closing(sqlite3.connect(bot.folder / "bot.db")) as database, database:
            database.executescript(script)

    await asyncio.to_thread(run)
