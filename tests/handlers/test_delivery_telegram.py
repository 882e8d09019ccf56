"""The outbox delivered by the real worker and a real aiogram Bot to the fake Bot API.

Real time, kept short: the worker polls every 50 ms. Backoff delays are skipped by moving the
app's clock forward (`MovableClock.advance`); a 429 pause is waited for real.
"""

from __future__ import annotations

import asyncio
import shutil
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.delivery import DeliveryWorker
from flows.delivery import CITIZEN, STAFF
from flows.messages import Text
from handlers.l10n import Localizer
from handlers.telegram.render import TelegramRenderer
from handlers.telegram.sender import TelegramSender
from handlers.telegram.topics import StaffTopics
from storage.db import create_engine, sessions
from storage.files import DiskFileStore
from storage.keys import Keyring, new_key
from storage.models import OutboxMessage, Person
from storage.outbox import OutboxStore, enqueue, say
from storage.staff import StaffDesk
from tests.clock import MovableClock
from tests.fakes.telegram_api import FakeChat, FakeTelegram
from tests.handlers.conftest import NOW
from tests.sealing import KEYRING

STAFF_CHAT = -100777
Sessions = async_sessionmaker[AsyncSession]


@dataclass
class World:
    telegram: FakeTelegram
    staff: FakeChat
    maker: Sessions
    localizer: Localizer
    desk: StaffDesk
    worker: DeliveryWorker
    clock: MovableClock
    files: DiskFileStore
    people: dict[int, int]  # Telegram user id -> person id

    async def citizen(self, user_id: int, language: str = "kk", name: str = "") -> int:
        """A person who has written to the bot (so the bot may write back)."""
        self.telegram.user(user_id, first_name=name or f"User{user_id}").send_text("hi")
        async with self.maker.begin() as session:
            person = Person(channel="telegram", external_id=str(user_id), language=language,
                            display_name=name or f"User {user_id}")
            session.add(person)
            await session.flush()
            self.people[user_id] = person.id
            return person.id

    async def queue(self, *messages: tuple[str, str, int], text: str = "Сәлем",
                    document: dict[str, Any] | None = None) -> None:
        async with self.maker.begin() as session:
            for key, audience, person_id in messages:
                enqueue(session, key=key, audience=audience, person_id=person_id,
                        message=say(Text("staff-reply", {"text": text})), document=document)
        self.worker.wake()

    async def row(self, key: str) -> OutboxMessage | None:
        async with self.maker() as session:
            found: OutboxMessage | None = await session.scalar(
                select(OutboxMessage).where(OutboxMessage.key == key))
            return found

    async def status(self, key: str) -> str | None:
        found = await self.row(key)
        return found.status if found else None

    async def settled(self, *keys: str, timeout: float = 5.0) -> dict[str, str | None]:
        """Wait until none of these messages is waiting or in flight; their statuses."""
        async def done() -> bool:
            statuses = [await self.status(key) for key in keys]
            return all(status not in ("pending", "sending") for status in statuses)
        await until(done, timeout)
        return {key: await self.status(key) for key in keys}


async def until(condition: Callable[[], Awaitable[bool]], timeout: float = 5.0) -> None:
    async with asyncio.timeout(timeout):
        while not await condition():
            await asyncio.sleep(0.02)


@pytest.fixture
async def world(telegram: FakeTelegram, tmp_path: Path, schema: Path) -> AsyncIterator[World]:
    staff = telegram.supergroup(id=STAFF_CHAT, title="Staff", is_forum=True)
    shutil.copy(schema, tmp_path / "bot.db")
    clock = MovableClock(NOW)
    db = create_engine(f"sqlite+aiosqlite:///{tmp_path}/bot.db", clock, KEYRING)
    maker = sessions(db)
    bot = Bot(telegram.token,
              session=AiohttpSession(api=TelegramAPIServer.from_base(telegram.base_url)))
    localizer = Localizer()
    desk = StaffDesk(maker)
    files = DiskFileStore(tmp_path / "files", Keyring.parse(new_key()))
    sender = TelegramSender(bot, TelegramRenderer(localizer), localizer, files.read,
                            StaffTopics(bot, desk, STAFF_CHAT), STAFF_CHAT, "ru")
    worker = DeliveryWorker(OutboxStore(maker), {"telegram": sender}, clock=clock,
                            poll_interval=0.05)
    stop = asyncio.Event()
    task = asyncio.create_task(worker.run(stop))
    try:
        yield World(telegram, staff, maker, localizer, desk, worker, clock, files, {})
    finally:
        stop.set()
        await asyncio.wait_for(task, 5)
        await bot.session.close()
        await db.dispose()


async def test_citizens_read_their_language_and_staff_get_one_topic_per_citizen(
    world: World,
) -> None:
    telegram = world.telegram
    person = await world.citizen(501, "kk", name="Айгүл")
    await world.queue(("reply:1", CITIZEN, person))
    assert await world.settled("reply:1") == {"reply:1": "sent"}
    [message] = telegram.sent_messages(501)
    assert message["text"] == world.localizer.render(Text("staff-reply", {"text": "Сәлем"}), "kk")

    await world.queue(("note:1", STAFF, person))
    await world.settled("note:1")
    thread = await world.desk.thread_of(person)
    assert thread is not None
    topic = world.staff.topic(thread)
    assert topic is not None and topic["name"] == "Айгүл"
    # The second message reuses the topic; a card also brings its title up to date.
    async with world.maker.begin() as session:
        await session.execute(update(Person).where(Person.id == person)
                              .values(display_name="Айгүл Н."))
    await world.queue(("card:1", STAFF, person))
    assert await world.settled("card:1") == {"card:1": "sent"}
    assert len(telegram.calls_of("createForumTopic")) == 1
    in_topic = telegram.sent_messages(STAFF_CHAT, thread)
    assert len(in_topic) == 2 == len(telegram.sent_messages(STAFF_CHAT))
    assert in_topic[0]["text"] == world.localizer.render(
        Text("staff-reply", {"text": "Сәлем"}), "ru")  # staff read the staff language
    card = await world.row("card:1")
    assert card is not None and card.provider_message_id == str(in_topic[1]["message_id"])
    topic = world.staff.topic(thread)
    assert topic is not None and topic["name"] == "Айгүл Н."
    telegram.assert_no_rejections()


async def test_a_429_pauses_and_the_message_goes_once(world: World) -> None:
    person = await world.citizen(502)
    world.telegram.fail_next("sendMessage", 429, retry_after=1)
    await world.queue(("reply:2", CITIZEN, person))
    await world.telegram.wait_for(lambda call: call.method == "sendMessage" and not call.ok)
    refused = time.monotonic()
    assert await world.settled("reply:2") == {"reply:2": "sent"}
    assert time.monotonic() - refused >= 0.95  # the fake has no clock of its own to ask
    assert len(world.telegram.sent_messages(502)) == 1
    assert [c.ok for c in world.telegram.calls_of("sendMessage")] == [False, True]


async def test_server_and_network_errors_are_retried_and_it_goes_once(world: World) -> None:
    first, second = await world.citizen(503), await world.citizen(504)
    world.telegram.fail_next("sendMessage", 500)
    world.telegram.drop_connection_next("sendMessage")
    await world.queue(("reply:3", CITIZEN, first), ("reply:4", CITIZEN, second))

    async def backing_off() -> bool:
        rows = [await world.row("reply:3"), await world.row("reply:4")]
        return all(row is not None and (row.status, row.attempts) == ("pending", 1)
                   for row in rows)
    await until(backing_off)
    world.clock.advance(timedelta(seconds=60))  # skip the backoff
    assert await world.settled("reply:3", "reply:4") == {"reply:3": "sent", "reply:4": "sent"}
    assert len(world.telegram.sent_messages(503)) == len(world.telegram.sent_messages(504)) == 1
    assert [c.ok for c in world.telegram.calls_of("sendMessage")] == [False, False, True, True]
    assert [c.description for c in world.telegram.calls_of("sendMessage")][:2] == [
        "Internal Server Error", "connection dropped"]


async def test_a_citizen_who_blocked_the_bot_is_reported_in_their_topic(world: World) -> None:
    person = await world.citizen(506, name="Бақыт")
    world.telegram.block(506)
    await world.queue(("status:9:approved", CITIZEN, person))
    assert await world.settled("status:9:approved") == {"status:9:approved": "undeliverable"}
    assert await world.settled("alert:status:9:approved") == {"alert:status:9:approved": "sent"}
    thread = await world.desk.thread_of(person)
    assert thread is not None
    [alert] = world.telegram.sent_messages(STAFF_CHAT, thread)
    assert alert["text"] == world.localizer.render(Text("staff-delivery-undeliverable"), "ru")
    assert world.telegram.sent_messages(506) == []


async def test_a_burst_stays_within_telegrams_limits(world: World) -> None:
    world.telegram.enforce_rate_limits()
    busy = [await world.citizen(600 + i) for i in range(3)]
    others = [await world.citizen(700 + i) for i in range(43)]
    # Staff first: the group's 1 message a second is the longest wait.
    keys = [(f"staff:{i}", STAFF, busy[i % 3]) for i in range(5)]
    for round_ in range(4):
        keys += [(f"busy:{person}:{round_}", CITIZEN, person) for person in busy]
    keys += [(f"one:{person}", CITIZEN, person) for person in others]
    await world.queue(*keys)

    statuses = await world.settled(*(key for key, _, _ in keys), timeout=10)

    assert set(statuses.values()) == {"sent"}
    assert world.telegram.rate_violations == []
    for person, user_id in zip(busy, range(600, 603), strict=True):
        texts = world.telegram.sent_messages(user_id)
        assert len(texts) == 4, person
    assert len(world.telegram.sent_messages(STAFF_CHAT)) == 5
    world.telegram.assert_no_rejections()


async def test_a_document_goes_as_a_file_with_its_caption(world: World) -> None:
    world.telegram.enforce_rate_limits()  # two messages for one item keep the chat's pace
    person, other = await world.citizen(505), await world.citizen(507)
    data = b"%PDF-1.4 decision " + bytes(range(256))
    sha = (await world.files.save(data, "application/pdf")).sha256
    document = {"sha256": sha, "mime": "application/pdf", "name": "x.pdf"}
    await world.queue(("decision:1", CITIZEN, person), document=document)
    # A text over the caption's 1,024 characters goes first, on its own.
    await world.queue(("decision:2", CITIZEN, other), text="ш" * 1500, document=document)

    assert await world.settled("decision:1", "decision:2") == {
        "decision:1": "sent", "decision:2": "sent"}
    [first] = world.telegram.sent_messages(505)
    text, second = world.telegram.sent_messages(507)
    assert first["document"]["file_name"] == "x.pdf"
    assert world.telegram.file_bytes(first["document"]["file_id"]) == data
    assert first["caption"] == world.localizer.render(Text("staff-reply", {"text": "Сәлем"}), "kk")
    assert "ш" * 1500 in text["text"]
    assert second["document"]["file_name"] == "x.pdf" and "caption" not in second
    assert world.telegram.rate_violations == []
    assert [c.ok for c in world.telegram.calls_of("sendDocument")] == [True, True]
    world.telegram.assert_no_rejections()


async def test_a_file_altered_on_disk_is_said_to_staff_and_never_sent_half_read(
    world: World,
) -> None:
    person = await world.citizen(508)
    data = b"%PDF-1.4 court decision " + bytes(range(256))
    sha = (await world.files.save(data, "application/pdf")).sha256
    (on_disk,) = (world.files.root).iterdir()
    sealed = bytearray(on_disk.read_bytes())
    sealed[-1] ^= 1  # one bit changed on the disk
    on_disk.write_bytes(bytes(sealed))
    document = {"sha256": sha, "mime": "application/pdf", "name": "court.pdf"}
    await world.queue(("file:staff", STAFF, person), ("file:citizen", CITIZEN, person),
                      document=document)

    assert await world.settled("file:staff", "file:citizen") == {
        "file:staff": "sent", "file:citizen": "failed"}
    [told] = world.telegram.sent_messages(STAFF_CHAT)
    assert told["text"].endswith(world.localizer.render(
        Text("file-unreadable", {"name": "court.pdf"}), "ru"))
    assert world.telegram.sent_messages(508) == [] and not world.telegram.calls_of("sendDocument")
    failed = await world.row("file:citizen")
    assert failed is not None and "altered" in failed.last_error
    troubles = await world.desk.delivery_troubles(NOW - timedelta(days=1))
    assert troubles.failed == 1  # the next digest counts it for staff
    assert on_disk.read_bytes() == bytes(sealed)  # nothing overwritten
