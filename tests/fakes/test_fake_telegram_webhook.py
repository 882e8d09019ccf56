"""The fake Telegram server's webhook mode, driven by a real aiogram Bot, posting to a small
aiohttp server that plays the bot's webhook."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest, TelegramConflictError
from aiohttp import web

from tests.fakes.server import LocalServer
from tests.fakes.telegram_api import FakeTelegram

SECRET = "s3cret_-token"


class Receiver(LocalServer):
    """The bot's webhook: records each POST; answers with `statuses` in turn, then 200."""

    def __init__(self) -> None:
        super().__init__()
        self.posts: list[tuple[str | None, Any]] = []
        self.statuses: list[int] = []

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/hook", self._on_post)
        return app

    async def _on_post(self, request: web.Request) -> web.Response:
        self.posts.append((request.headers.get("X-Telegram-Bot-Api-Secret-Token"),
                           json.loads(await request.read())))
        return web.Response(status=self.statuses.pop(0) if self.statuses else 200)

    @property
    def url(self) -> str:
        return f"{self.root_url}/hook"


@pytest_asyncio.fixture
async def receiver() -> AsyncIterator[Receiver]:
    async with Receiver() as server:
        yield server


async def test_updates_are_posted_with_the_secret_in_order(
    fake: FakeTelegram, bot: Bot, receiver: Receiver
) -> None:
    assert await bot.set_webhook(receiver.url, secret_token=SECRET,
                                 allowed_updates=["message", "callback_query"])
    person = fake.user(id=1)
    first, second = person.send_text("one"), person.send_text("two")
    await fake.settled()
    assert [(secret, body["update_id"]) for secret, body in receiver.posts] == [
        (SECRET, first), (SECRET, second)]
    assert receiver.posts[0][1]["message"]["text"] == "one"
    with pytest.raises(TelegramConflictError, match="webhook is active"):
        await bot.get_updates()

    info = await bot.get_webhook_info()
    assert (info.url, info.pending_update_count, info.allowed_updates) == (
        receiver.url, 0, ["message", "callback_query"])


async def test_a_refused_update_is_posted_again_until_taken(
    fake: FakeTelegram, bot: Bot, receiver: Receiver
) -> None:
    await bot.set_webhook(receiver.url, secret_token=SECRET)
    receiver.statuses = [500, 403]
    update_id = fake.user(id=1).send_text("hello")
    await fake.settled()
    assert [d.status for d in fake.webhook_deliveries] == [500, 403, 200]
    assert {body["update_id"] for _, body in receiver.posts} == {update_id}
    info = await bot.get_webhook_info()
    assert info.last_error_message is not None and "403" in info.last_error_message


async def test_back_to_polling_after_delete_webhook(
    fake: FakeTelegram, bot: Bot, receiver: Receiver
) -> None:
    await bot.set_webhook(receiver.url, secret_token=SECRET)
    fake.pause_webhook()
    update_id = fake.user(id=1).send_text("kept")
    assert await bot.delete_webhook()
    assert fake.webhook is None
    updates = await bot.get_updates()
    assert [update.update_id for update in updates] == [update_id]
    assert receiver.posts == []
    assert (await bot.get_webhook_info()).url == ""


@pytest.mark.parametrize(("url", "secret", "error"), [
    ("http://bot.example.kz/hook", None, "HTTPS URL must be provided"),
    ("https://bot.example.kz:8080/hook", None, "ports 80, 88, 443 or 8443"),
    ("https://bot.example.kz/hook", "with space", "unallowed characters"),
    ("https://bot.example.kz/hook", "x" * 257, "too long"),
])
async def test_a_webhook_telegram_would_refuse(
    bot: Bot, url: str, secret: str | None, error: str
) -> None:
    with pytest.raises(TelegramBadRequest, match=error):
        await bot.set_webhook(url, secret_token=secret)
