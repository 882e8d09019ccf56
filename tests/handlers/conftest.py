"""The real bot (Dispatcher, engine, SQLite) polling a fake Telegram Bot API on 127.0.0.1."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from bot.app import App, build_app
from bot.settings import Settings
from flows.calendar import KZ_TZ
from tests.clock import MovableClock
from tests.fakes.telegram_api import FakeTelegram
from tests.fakes.whatsapp_api import FakeWhatsApp

# Monday 23 November 2026, 10:00 in Astana: a working day within office hours.
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=KZ_TZ)

# The app's running tasks, aiogram's polling loop among them (`start_polling` cancelled in
# the middle leaves it running: `asyncio.wait` does not cancel what it waits for).
APP_TASKS = frozenset({"App.run", "WhatsAppChannel.run", "DeliveryWorker.run", "run_digest",
                       "run_booking_terms", "Dispatcher._polling"})


def task_name(task: asyncio.Task[Any]) -> str:
    return str(getattr(task.get_coro(), "__qualname__", ""))


def app_tasks() -> list[asyncio.Task[Any]]:
    return [task for task in asyncio.all_tasks() if task_name(task) in APP_TASKS]


@dataclass
class RunningBot:
    """The bot process: started, stopped and started again on the same database."""

    telegram: FakeTelegram
    folder: Path
    clock: MovableClock = field(default_factory=lambda: MovableClock(NOW))
    staff_chat_id: int | None = None
    whatsapp: FakeWhatsApp | None = None
    with_telegram: bool = True
    video_base: str = ""
    webhook: bool = False  # Telegram posts to the bot (TELEGRAM_WEBHOOK_URL) instead of polling
    http_port: int = 0  # any free port; in webhook mode one picked once, kept across restarts
    database_url: str = ""  # another database than the folder's SQLite file (tests/pg.py)
    smtp_port: int = 0  # e-mail on: the body's SMTP server (tests/email/conftest.py), and
    mail_port: int = 0  # the port the bot's listener takes the children's replies on
    app: App | None = None
    task: asyncio.Task[None] | None = None
    starts: int = field(default=0)

    @property
    def settings(self) -> Settings:
        whatsapp = {}
        if self.whatsapp is not None:
            whatsapp = {
                "WHATSAPP_PHONE_NUMBER_ID": self.whatsapp.phone_number_id,
                "WHATSAPP_ACCESS_TOKEN": self.whatsapp.access_token,
                "WHATSAPP_APP_SECRET": APP_SECRET,
                "WHATSAPP_VERIFY_TOKEN": VERIFY_TOKEN,
                "WHATSAPP_API_BASE": self.whatsapp.base_url,
                "WHATSAPP_TEMPLATE_STATUS": TEMPLATE,
            }
        hook = {}
        if self.webhook:
            self.http_port = self.http_port or free_port()  # the URL names it before the start
            hook = {"TELEGRAM_WEBHOOK_URL": telegram_webhook_url(self.http_port),
                    "TELEGRAM_WEBHOOK_SECRET": TELEGRAM_SECRET}
        mail = {}
        if self.smtp_port:
            self.mail_port = self.mail_port or free_port()
            mail = {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": self.smtp_port,
                    "SMTP_STARTTLS": False, "SMTP_FROM": "Орган опеки <noreply@body.kz>",
                    "EMAIL_REPLY_TO": "interview@body.kz", "EMAIL_LISTEN_PORT": self.mail_port}
        return Settings(
            TELEGRAM_BOT_TOKEN=self.telegram.token if self.with_telegram else "",
            TELEGRAM_API_SERVER=self.telegram.base_url,
            DATABASE_URL=self.database_url or f"sqlite+aiosqlite:///{self.folder}/bot.db",
            FILES_DIR=self.folder / "files",
            STAFF_CHAT_ID=self.staff_chat_id,
            INTERVIEW_VIDEO_BASE=self.video_base,
            HTTP_PORT=self.http_port,  # the verification page, the webhooks
            _env_file=None,
            **whatsapp,
            **hook,
            **mail,
        )

    @property
    def webhook_url(self) -> str:
        assert self.app is not None
        return f"{self.app.http_url}/webhooks/whatsapp"

    async def settle(self) -> None:
        """Everything sent to the bot so far is handled."""
        assert self.app is not None
        if self.app.whatsapp is not None:
            await self.app.whatsapp.channel.drain()
        if self.app.telegram is not None:
            await self.telegram.settled()

    async def start(self) -> None:
        polls, hooks = self.telegram.poll_count, len(self.telegram.calls_of("setWebhook"))
        self.app = await build_app(self.settings, clock=self.clock)
        # One update at a time: the fake knows an update is handled when the next poll confirms it.
        self.task = asyncio.create_task(self.app.run(handle_as_tasks=False))
        self.starts += 1
        while not self.app.http_url:
            await asyncio.sleep(0.01)  # the HTTP server is starting
        while self.with_telegram and not self.webhook and self.telegram.poll_count == polls:
            await asyncio.sleep(0.01)  # polling has not begun: it could not be stopped yet
        while self.webhook and len(self.telegram.calls_of("setWebhook")) == hooks:
            await asyncio.sleep(0.01)  # Telegram does not post to the bot yet

    async def stop(self) -> None:
        assert self.app is not None and self.task is not None
        await self.settle()
        await self.app.stop()
        await self.task
        await self.app.close()
        self.app = None

    def advance_to(self, moment: datetime) -> None:
        """Time passes for the whole app; the outbox looks at once for what came due."""
        self.clock.move_to(moment)
        if self.app is not None:
            self.app.worker.wake()

    async def restart(self) -> None:
        await self.stop()
        await self.start()


@pytest.fixture
async def telegram() -> AsyncIterator[FakeTelegram]:
    fake = FakeTelegram()
    await fake.start()
    yield fake
    # Every bot of the test is stopped by now. A task of one still running (a killed bot's
    # polling) would poll on with a session reopened after `App.close()`, never closed:
    # "Unclosed client session" in whatever test the garbage collector happens to run.
    left = app_tasks()
    for task in left:
        task.cancel()
    await asyncio.gather(*left, return_exceptions=True)
    await fake.stop()
    assert not left, f"the bot's tasks outlived it: {sorted(map(task_name, left))}"


@pytest.fixture
async def running(telegram: FakeTelegram, tmp_path: Path) -> AsyncIterator[RunningBot]:
    bot = RunningBot(telegram, tmp_path)
    await bot.start()
    yield bot
    if bot.app is not None:
        await bot.stop()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def telegram_webhook_url(port: int) -> str:
    return f"http://127.0.0.1:{port}/webhooks/telegram"


TELEGRAM_SECRET = "test-telegram-secret_0"
APP_SECRET = "test-app-secret"
VERIFY_TOKEN = "test-verify-token"
TEMPLATE = "application_status"
STAFF_CHAT = -1001234567
STAFF_MEMBER = 77


@pytest.fixture
async def staffed(telegram: FakeTelegram, tmp_path: Path) -> AsyncIterator[RunningBot]:
    """The bot with a staff group (forum topics) and one staff member in it."""
    telegram.supergroup(id=STAFF_CHAT, title="Қорғаншылық органы", is_forum=True)
    telegram.user(id=STAFF_MEMBER, first_name="Дана", last_name="Маман")
    telegram.set_chat_member(STAFF_CHAT, STAFF_MEMBER, "member")
    bot = RunningBot(telegram, tmp_path, staff_chat_id=STAFF_CHAT)
    await bot.start()
    yield bot
    if bot.app is not None:
        await bot.stop()


@pytest.fixture
async def graph() -> AsyncIterator[FakeWhatsApp]:
    fake = FakeWhatsApp()
    fake.approve_template(TEMPLATE, languages=("kk", "ru", "en"), parameters=2)
    await fake.start()
    yield fake
    await fake.stop()


@pytest.fixture
async def on_whatsapp(
    telegram: FakeTelegram, graph: FakeWhatsApp, tmp_path: Path
) -> AsyncIterator[RunningBot]:
    """The bot on WhatsApp alone (no Telegram token)."""
    bot = RunningBot(telegram, tmp_path, whatsapp=graph, with_telegram=False)
    await bot.start()
    yield bot
    if bot.app is not None:
        await bot.stop()


@pytest.fixture
async def on_both(
    telegram: FakeTelegram, graph: FakeWhatsApp, tmp_path: Path
) -> AsyncIterator[RunningBot]:
    """The bot on WhatsApp and Telegram, with the staff group."""
    telegram.supergroup(id=STAFF_CHAT, title="Staff", is_forum=True)
    telegram.user(id=STAFF_MEMBER, first_name="Дана")
    telegram.set_chat_member(STAFF_CHAT, STAFF_MEMBER, "member")
    bot = RunningBot(telegram, tmp_path, staff_chat_id=STAFF_CHAT, whatsapp=graph)
    await bot.start()
    yield bot
    if bot.app is not None:
        await bot.stop()


# The body's outgoing SMTP server (aiosmtpd), as the e-mail tests start it.
from tests.email.conftest import smtp_server  # noqa: E402, F401
