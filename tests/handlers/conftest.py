"""The real bot (Dispatcher, engine, SQLite) polling a fake Telegram Bot API on 127.0.0.1."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pytest

from bot.app import App, build_app, run_polling
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
            _env_file=None,
        )

    async def start(self) -> None:
        self.app = await build_app(self.settings, clock=lambda: self.now)
        # One update at a time: the fake knows an update is handled when the next poll confirms it.
        self.task = asyncio.create_task(run_polling(self.app, handle_as_tasks=False))
        self.starts += 1

    async def stop(self) -> None:
        assert self.app is not None and self.task is not None
        await self.telegram.settled()
        await self.app.dispatcher.stop_polling()
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
