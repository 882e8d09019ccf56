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
from tests.fakes.telegram_api import FakeTelegram

# Monday 23 November 2026, 10:00 in Astana: a working day within office hours.
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=KZ_TZ)


@dataclass
class RunningBot:
    """The bot process: started, stopped and started again on the same database."""

    telegram: FakeTelegram
    folder: Path
    now: datetime = NOW
    staff_chat_id: int | None = None
    app: App | None = None
    task: asyncio.Task[None] | None = None
    starts: int = field(default=0)

    @property
    def settings(self) -> Settings:
        return Settings(
            TELEGRAM_BOT_TOKEN=self.telegram.token,
            TELEGRAM_API_SERVER=self.telegram.base_url,
            DATABASE_URL=f"sqlite+aiosqlite:///{self.folder}/bot.db",
            FILES_DIR=self.folder / "files",
            STAFF_CHAT_ID=self.staff_chat_id,
            _env_file=None,
        )

    async def start(self) -> None:
        self.app = await build_app(self.settings, clock=lambda: self.now)
        # One update at a time: the fake knows an update is handled when the next poll confirms it.
        self.task = asyncio.create_task(self.app.run(handle_as_tasks=False))
        self.starts += 1

    async def stop(self) -> None:
        assert self.app is not None and self.task is not None
        await self.telegram.settled()
        await self.app.stop()
        await self.task
        await self.app.close()
        self.app = None

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
