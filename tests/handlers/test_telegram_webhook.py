"""Webhook mode (TELEGRAM_WEBHOOK_URL): Telegram posts each update to the bot, signed with the
secret; the bot answers only after the update is handled, each update once."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from storage.models import ProcessedUpdate
from tests.conftest import bot_process_env
from tests.fakes.telegram_api import FakeTelegram, FakeUser
from tests.handlers.conftest import (
    NOW,
    TELEGRAM_SECRET,
    RunningBot,
    free_port,
    telegram_webhook_url,
)
from tests.handlers.lingo import buttons, says

ROOT = Path(__file__).resolve().parents[2]
Said = tuple[str, tuple[str, ...]]  # a message's text and its buttons


@pytest.fixture
async def hooked(telegram: FakeTelegram, tmp_path: Path) -> AsyncIterator[RunningBot]:
    """The bot in webhook mode: Telegram posts updates to it."""
    bot = RunningBot(telegram, tmp_path, webhook=True)
    await bot.start()
    yield bot
    if bot.app is not None:
        await bot.stop()


async def starts_a_visit_application(person: FakeUser) -> list[Said]:
    """/start, Russian, "visit", a region: what the person reads on the way."""
    said: list[dict[str, Any]] = []
    said += await person.say("/start")
    said += await person.press(person.last(), "Русский")
    said += await person.press(person.last(), says("menu-visit", "ru"))
    said += await person.press(person.last(), says("region-kostanay", "ru"))
    return [(message.get("text", ""), tuple(buttons(message))) for message in said]


async def logged_updates(bot: RunningBot) -> set[str]:
    assert bot.app is not None
    async with bot.app.db.connect() as connection:
        return set(await connection.scalars(select(ProcessedUpdate.key)))


async def test_a_parent_applies_through_the_webhook_as_through_polling(
    telegram: FakeTelegram, tmp_path: Path
) -> None:
    polled = RunningBot(telegram, tmp_path / "polled")
    await polled.start()
    by_polling = await starts_a_visit_application(telegram.user(id=1001, first_name="Айгүл"))
    await polled.stop()

    hooked = RunningBot(telegram, tmp_path / "hooked", webhook=True)
    await hooked.start()
    polls = telegram.poll_count
    # `say` and `press` return once the bot answered the POST: the replies are out by then.
    by_webhook = await starts_a_visit_application(telegram.user(id=1002, first_name="Айгүл"))

    assert by_webhook == by_polling
    texts = [text for text, _ in by_webhook]
    assert texts[0] == says("start-greeting", "kk")
    assert says("visit-intro", "ru") in texts
    assert says("ask-body", "ru") in texts[-1]
    (hook,) = telegram.calls_of("setWebhook")
    assert hook.params["url"] == telegram_webhook_url(hooked.http_port)
    assert hook.params["secret_token"] == TELEGRAM_SECRET
    assert hook.params["allowed_updates"] == ["message", "edited_message", "callback_query"]
    assert hook.params.get("drop_pending_updates") in (None, False)
    assert telegram.poll_count == polls  # nothing polled
    assert telegram.webhook_deliveries and all(d.ok for d in telegram.webhook_deliveries)

    deletes = len(telegram.calls_of("deleteWebhook"))  # the polling bot's, at its start
    await hooked.stop()
    assert len(telegram.calls_of("deleteWebhook")) == deletes  # another replica may serve it
    assert telegram.webhook is not None and telegram.webhook.url == hook.params["url"]


async def test_a_request_without_the_secret_is_refused_and_not_read(
    telegram: FakeTelegram, hooked: RunningBot
) -> None:
    person = telegram.user(id=1003)
    telegram.pause_webhook()
    update_id = person.send_text("/start")
    forged = telegram.update_payload(update_id)

    assert await telegram.post_to_webhook(forged, secret=None) == 401
    assert await telegram.post_to_webhook(forged, secret="not-the-secret") == 403
    assert await telegram.post_to_webhook(forged, secret="") == 403
    assert await telegram.post_to_webhook(forged, secret=TELEGRAM_SECRET + "x") == 403
    assert person.messages() == []
    assert str(update_id) not in await logged_updates(hooked)

    telegram.resume_webhook()  # Telegram's own delivery, with the secret
    await telegram.settled()
    assert person.messages()[0]["text"] == says("start-greeting", "kk")


async def test_a_body_that_is_no_update_gets_400_and_nothing_is_read(
    telegram: FakeTelegram, hooked: RunningBot
) -> None:
    before = await logged_updates(hooked)
    assert await telegram.post_to_webhook(b"{not json") == 400
    assert await telegram.post_to_webhook(b"[1, 2]") == 400
    assert await telegram.post_to_webhook({"message": {"text": "/start"}}) == 400
    assert await logged_updates(hooked) == before
    assert telegram.calls_of("sendMessage") == []


async def test_an_update_posted_twice_is_answered_once(
    telegram: FakeTelegram, hooked: RunningBot
) -> None:
    person = telegram.user(id=1004)
    update_id = person.send_text("/start")
    await telegram.settled()
    answer = person.messages()
    assert len(answer) == 2  # the greeting and the language question

    telegram.redeliver(update_id)  # Telegram did not get our 200, say
    await telegram.settled()
    assert person.messages() == answer

    # Posted twice at once (a retry while the first is still being handled), then a third
    # time by the queue.
    telegram.pause_webhook()
    tapped = telegram.update_payload(person.tap(person.last(), "English"))
    statuses = await asyncio.gather(telegram.post_to_webhook(tapped),
                                    telegram.post_to_webhook(tapped))
    assert statuses == [200, 200]
    telegram.resume_webhook()
    await telegram.settled()
    texts = [message["text"] for message in person.messages()]
    assert texts.count(says("menu-title", "en")) == 1
    telegram.assert_no_rejections()  # the button was answered once


async def test_when_the_bot_cannot_answer_telegram_is_told_to_try_again(
    telegram: FakeTelegram, hooked: RunningBot
) -> None:
    person = telegram.user(id=1005)
    telegram.fail_next("sendMessage", 500, times=2)  # the reply, then the error message
    update_id = person.send_text("/start")
    await telegram.settled()
    statuses = [d.status for d in telegram.webhook_deliveries if d.update_id == update_id]
    assert statuses[0] == 500  # Telegram keeps the update and posts it again
    assert statuses[-1] == 200
    replies = await person.say("/start")
    assert replies[0]["text"] == says("start-greeting", "kk")


def test_webhook_mode_without_its_secret_stops_in_one_line(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TELEGRAM_")}
    env |= {"PYTHONPATH": str(ROOT), "TELEGRAM_BOT_TOKEN": "123:abc",
            "TELEGRAM_WEBHOOK_URL": "https://bot.example.kz/webhooks/telegram"}
    for wrong, named in (
        ({}, "TELEGRAM_WEBHOOK_SECRET"),
        ({"TELEGRAM_WEBHOOK_SECRET": "a b"}, "TELEGRAM_WEBHOOK_SECRET"),
        ({"TELEGRAM_WEBHOOK_SECRET": "x" * 257}, "TELEGRAM_WEBHOOK_SECRET"),
        ({"TELEGRAM_WEBHOOK_SECRET": "ok", "TELEGRAM_WEBHOOK_URL": "http://bot.example.kz/w"},
         "TELEGRAM_WEBHOOK_URL"),  # Telegram itself posts to https only
    ):
        result = subprocess.run([sys.executable, "-m", "bot"], cwd=tmp_path, env=env | wrong,
                                capture_output=True, text=True, timeout=60)
        assert result.returncode == 2
        (line,) = result.stderr.strip().splitlines()
        assert named in line
    assert not (tmp_path / "data").exists()  # stopped before anything was written


async def test_a_bot_process_in_webhook_mode_answers_a_signed_post(
    telegram: FakeTelegram, tmp_path: Path
) -> None:
    port = free_port()
    env = {
        **os.environ,
        **bot_process_env(NOW),
        "TELEGRAM_BOT_TOKEN": telegram.token,
        "TELEGRAM_API_SERVER": telegram.base_url,
        "TELEGRAM_WEBHOOK_URL": telegram_webhook_url(port),
        "TELEGRAM_WEBHOOK_SECRET": TELEGRAM_SECRET,
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/bot.db",
        "FILES_DIR": str(tmp_path / "files"),
        "HTTP_PORT": str(port),
        "STAFF_CHAT_ID": "",  # whatever a local .env says
    }
    with (tmp_path / "bot.log").open("wb") as log:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", cwd=ROOT, env=env, stdout=log,
            stderr=asyncio.subprocess.STDOUT)
        try:
            await telegram.wait_for(lambda call: call.method == "setWebhook", timeout=60)
            person = telegram.user(id=1006)
            replies = await person.say("/start", timeout=30)
            assert replies[0]["text"] == says("start-greeting", "kk")
            assert telegram.webhook_deliveries[-1].ok
            assert await telegram.post_to_webhook({"update_id": 1}, secret=None) == 401
            assert telegram.poll_count == 0
        finally:
            process.terminate()
            await process.wait()
    assert telegram.calls_of("deleteWebhook") == [], (tmp_path / "bot.log").read_text()


async def test_an_update_that_could_not_be_logged_is_refused_so_telegram_sends_it_again(
    telegram: FakeTelegram, hooked: RunningBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlalchemy.exc import OperationalError

    from storage.updates import SeenUpdates

    receive = SeenUpdates.receive
    failures = [OperationalError("INSERT", {}, Exception("database is locked"))]

    async def flaky(self: SeenUpdates, channel: str, key: str, payload: Any) -> bool:
        if failures:  # the database cannot take the receipt, once
            raise failures.pop()
        return await receive(self, channel, key, payload)
    monkeypatch.setattr(SeenUpdates, "receive", flaky)

    person = telegram.user(id=7301, first_name="Айгүл")
    replies = await person.say("/start")
    assert [d.status for d in telegram.webhook_deliveries][-2:] == [500, 200]
    texts = [message.get("text", "") for message in replies]
    assert texts and not any(text == says("error-internal", "kk") for text in texts)
    assert says("error-internal", "kk") not in [m.get("text") for m in
                                                telegram.sent_messages(7301)]
