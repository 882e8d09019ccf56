"""The real bot (Dispatcher, engine, SQLite) polling a fake Telegram Bot API on 127.0.0.1."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pytest

from bot.app import App, build_app
from bot.settings import Settings
from flows.calendar import KZ_TZ
from tests.clock import MovableClock
from tests.fakes.telegram_api import FakeTelegram
from tests.fakes.whatsapp_api import FakeWhatsApp

# Monday 23 November 2026, 10:00 in Astana: a working day within office hours.
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=KZ_TZ)


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
        return Settings(
            TELEGRAM_BOT_TOKEN=self.telegram.token if self.with_telegram else "",
            TELEGRAM_API_SERVER=self.telegram.base_url,
            DATABASE_URL=f"sqlite+aiosqlite:///{self.folder}/bot.db",
            FILES_DIR=self.folder / "files",
            STAFF_CHAT_ID=self.staff_chat_id,
            INTERVIEW_VIDEO_BASE=self.video_base,
            HTTP_PORT=0,  # any free port: the verification page, the WhatsApp webhook
            _env_file=None,
            **whatsapp,
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
        polls = self.telegram.poll_count
        self.app = await build_app(self.settings, clock=self.clock)
        # One update at a time: the fake knows an update is handled when the next poll confirms it.
        self.task = asyncio.create_task(self.app.run(handle_as_tasks=False))
        self.starts += 1
        while not self.app.http_url:
            await asyncio.sleep(0.01)  # the HTTP server is starting
        while self.with_telegram and self.telegram.poll_count == polls:
            await asyncio.sleep(0.01)  # polling has not begun: it could not be stopped yet

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
    await fake.stop()


@pytest.fixture
async def running(telegram: FakeTelegram, tmp_path: Path) -> AsyncIterator[RunningBot]:
    bot = RunningBot(telegram, tmp_path)
    await bot.start()
    yield bot
    if bot.app is not None:
        await bot.stop()


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
