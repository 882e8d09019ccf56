"""A surge of people at once (a ministry's announcement on TV) is taken a bounded number of
updates at a time: the rest wait with Telegram, unread, and each is answered in turn. Before,
polling took every update as fast as Telegram gave them: with 10,000 people at once, the
bot's memory grew by 300 MB for updates it could not answer yet (bench/throughput.py --soak).

The real bot (`python -m bot`) polls a fake Bot API whose sendMessage holds every answer
until the test lets them go, so the updates being handled pile up there."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from aiohttp import web

from tests.conftest import bot_process_env
from tests.fakes.telegram_api import FakeTelegram
from tests.handlers.conftest import NOW
from tests.handlers.lingo import says
from tests.test_crash_kill import start_bot, tail, until

IN_FLIGHT = 4
PEOPLE = 20


class HoldingTelegram(FakeTelegram):
    """The fake Bot API: until `released` is set, every sendMessage waits for it."""

    def __init__(self) -> None:
        super().__init__()
        self.released = asyncio.Event()
        self.waiting = 0
        self.most_waiting = 0

    def app(self) -> web.Application:
        app = super().app()

        @web.middleware
        async def hold(request: web.Request, handler: Any) -> web.StreamResponse:
            if request.match_info.get("method") == "sendMessage" and \
                    not self.released.is_set():
                self.waiting += 1
                self.most_waiting = max(self.most_waiting, self.waiting)
                try:
                    await self.released.wait()
                finally:
                    self.waiting -= 1
            return await handler(request)  # type: ignore[no-any-return]

        app.middlewares.append(hold)
        return app


async def test_a_surge_is_taken_a_bounded_number_at_a_time_and_everyone_answered(
    tmp_path: Path, monkeypatch: Any,
) -> None:
    monkeypatch.setenv("UPDATES_IN_FLIGHT", str(IN_FLIGHT))
    fake = HoldingTelegram()
    await fake.start()
    log = (tmp_path / "bot.log").open("ab")
    bot = await start_bot(fake, tmp_path, log, bot_process_env(NOW))
    try:
        await until(lambda: fake.poll_count > 0, lambda: f"never polled:\n{tail(tmp_path)}",
                    60)
        people = [fake.user(id=6000 + n, first_name="Айгерим", language_code="ru")
                  for n in range(PEOPLE)]
        for person in people:
            person.send_text("/start")
        await until(lambda: fake.waiting >= IN_FLIGHT,
                    lambda: f"{fake.waiting} answers waiting:\n{tail(tmp_path)}", 60)
        await asyncio.sleep(1.0)  # time enough to take more, had it been allowed
        assert fake.most_waiting == IN_FLIGHT

        fake.released.set()
        greeting = says("start-greeting", "ru")
        await until(lambda: all(
            any(m.get("text") == greeting for m in fake.outputs_since(p.id, 0))
            for p in people), lambda: f"not everyone was greeted:\n{tail(tmp_path)}", 60)
    finally:
        bot.terminate()
        await bot.wait()
        log.close()
        await fake.stop()
