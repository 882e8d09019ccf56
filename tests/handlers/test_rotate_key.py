"""Issue 13, item 1 (rotation, bad keys): a new key put first keeps the bot serving; the real
`python -m bot rotate-key`, run beside it, seals every row and file again under the new key;
after that the new key alone reads everything back. A key that opens nothing stops the bot
in one line before it writes a byte."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from storage.db import create_engine, sessions
from storage.files import DiskFileStore
from storage.keys import MAGIC, Keyring, new_key
from storage.models import Base, Document
from tests.fakes.telegram_api import FakeTelegram, FakeUser
from tests.handlers.conftest import STAFF_CHAT, RunningBot
from tests.handlers.lingo import says
from tests.handlers.test_staff_telegram import NUMBER, seen
from tests.handlers.test_visit_telegram import fill_to_summary

ROOT = Path(__file__).resolve().parents[2]


async def everything(bot: RunningBot, keyring: Keyring) -> dict[str, list[dict[str, Any]]]:
    """Every row of every table, read through the models with `keyring` alone."""
    db = create_engine(bot.settings.database_url, bot.clock, keyring)
    try:
        async with sessions(db)() as session:
            return {table.name: [dict(row) for row in (await session.execute(
                select(table).order_by(*table.primary_key.columns))).mappings()]
                for table in Base.metadata.sorted_tables}
    finally:
        await db.dispose()


async def documents(bot: RunningBot, keyring: Keyring) -> list[bytes]:
    db = create_engine(bot.settings.database_url, bot.clock, keyring)
    try:
        async with sessions(db)() as session:
            digests = list(await session.scalars(select(Document.sha256)))
    finally:
        await db.dispose()
    files = DiskFileStore(bot.settings.files_dir, keyring)
    return [await files.read(digest) for digest in digests]


def run_bot(bot: RunningBot, data_key: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DATA_"))}
    env.update(PYTHONPATH=str(ROOT), DATA_KEY=data_key, TELEGRAM_BOT_TOKEN="1:fake",
               TELEGRAM_API_SERVER="http://127.0.0.1:9", HTTP_PORT="0",
               DATABASE_URL=bot.settings.database_url, FILES_DIR=str(bot.settings.files_dir))
    return subprocess.run([sys.executable, "-m", "bot", *args], cwd=bot.folder, env=env,
                          capture_output=True, text=True, timeout=120)


async def my_applications(person: FakeUser) -> str:
    await person.say("/start")
    return (await person.press_latest(says("menu-my-applications", "ru")))[-1]["text"]


async def test_a_new_key_rotates_in_beside_a_live_bot_and_then_reads_everything_alone(
    telegram: FakeTelegram, staffed: RunningBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    person = telegram.user(id=2001, first_name="Айгүл")
    await person.press(await fill_to_summary(person, "ru"), says("summary-submit", "ru"))
    await seen(telegram, STAFF_CHAT, lambda m: NUMBER in m.get("text", ""))
    await staffed.settle()
    old = (staffed.folder / "data.key").read_text().strip()
    before = await everything(staffed, Keyring.parse(old))
    files_before = await documents(staffed, Keyring.parse(old))
    assert len(files_before) == 3 and before["applications"][0]["applicant_surname"] == "Иванова"

    fresh = new_key()
    monkeypatch.setenv("DATA_KEY", f"{fresh},{old}")  # the new key first, the old one kept
    await staffed.restart()
    rotation = asyncio.create_task(asyncio.to_thread(run_bot, staffed, f"{fresh},{old}",
                                                     "rotate-key"))
    assert NUMBER in await my_applications(person)  # served while the rows are resealed
    done = await rotation
    assert done.returncode == 0, done.stderr
    assert "rows" in done.stdout and "Traceback" not in done.stderr

    monkeypatch.setenv("DATA_KEY", fresh)  # the old key is gone
    await staffed.restart()
    assert NUMBER in await my_applications(person)  # found by the new blind index
    after = await everything(staffed, Keyring.parse(fresh))
    for table, rows in before.items():
        if table in ("people", "applications"):  # their blind indexes changed with the key
            for row in rows + after[table]:
                row.pop("external_key", None), row.pop("applicant_iin_key", None)
        if table not in ("outbox", "processed_updates", "conversations", "audit_log",
                         "staff_requests", "status_history"):  # these moved on since
            assert after[table][:len(rows)] == rows, table
    assert await documents(staffed, Keyring.parse(fresh)) == files_before
    for path in staffed.settings.files_dir.iterdir():  # each file sealed under the new key
        assert path.read_bytes().startswith(MAGIC + Keyring.parse(fresh).current.id)


async def test_a_key_that_opens_nothing_stops_the_bot_in_one_line_and_writes_nothing(
    telegram: FakeTelegram, staffed: RunningBot
) -> None:
    person = telegram.user(id=2001, first_name="Айгүл")
    await person.press(await fill_to_summary(person, "kk"), says("summary-submit", "kk"))
    await staffed.stop()
    database = staffed.folder / "bot.db"
    kept = database.read_bytes()

    for wrong in (new_key(), f"{new_key()},{new_key()}"):
        result = run_bot(staffed, wrong)
        assert result.returncode == 2
        said = [line for line in result.stderr.splitlines() if "DATA_KEY" in line]
        assert said == [result.stderr.strip().splitlines()[-1]]  # the last word, said once
        assert "does not hold" in said[0] and "Traceback" not in result.stderr
        assert database.read_bytes() == kept
