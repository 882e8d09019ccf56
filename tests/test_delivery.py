"""The delivery worker on a real SQLite outbox, with a scripted sender and virtual time.

Virtual time: the worker's clocks read a counter and its `sleep` advances it at once, so a
run that takes minutes of (rate-limited) time takes well under a second.
"""

from __future__ import annotations

import asyncio
import random
import shutil
from collections import defaultdict, deque
from collections.abc import AsyncIterator, Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.delivery import DeliveryWorker, RateLimiter
from flows.delivery import CITIZEN, STAFF, OutboxItem
from flows.messages import Choice, OutgoingMessage, Text
from flows.wire import message_from_json
from handlers.outcomes import Blocked, Delivered, Delivery, RetryAfter, Transient
from storage.db import create_engine, sessions
from storage.models import OutboxMessage, Person
from storage.outbox import REPEAT_MARK, OutboxStore, enqueue, say
from storage.staff import StaffDesk
from tests.sealing import KEYRING

START = datetime(2026, 11, 23, 5, 0, tzinfo=UTC)  # a Monday, 10:00 in Astana

Sessions = async_sessionmaker[AsyncSession]
EPSILON = 1e-6  # float noise of the virtual clock


class VirtualClock:
    """Wall clock and monotonic clock from one counter; `sleep` moves it forward instantly."""

    def __init__(self) -> None:
        self.t = 0.0
        self.base = START

    def monotonic(self) -> float:
        return self.t

    def now(self) -> datetime:
        return self.base + timedelta(seconds=self.t)

    async def sleep(self, seconds: float) -> None:
        self.t += max(seconds, 0.0)
        await asyncio.sleep(0)


@dataclass
class Send:
    at: float
    chat: str
    key: str


@dataclass
class FakeSender:
    """Records every attempt; returns scripted outcomes per outbox key, then Delivered."""

    clock: VirtualClock
    attempts: list[Send] = field(default_factory=list)
    sent: list[Send] = field(default_factory=list)
    script: dict[str, deque[Delivery | BaseException]] = field(default_factory=dict)

    def rate_key(self, item: OutboxItem) -> tuple[str, bool]:
        if item.audience == STAFF:
            return "tg:staff", True
        return f"tg:{item.external_id}", False

    def will(self, key: str, *outcomes: Delivery | BaseException) -> None:
        self.script.setdefault(key, deque()).extend(outcomes)

    async def deliver(self, item: OutboxItem) -> Delivery:
        send = Send(self.clock.t, self.rate_key(item)[0], item.key)
        self.attempts.append(send)
        queue = self.script.get(item.key)
        outcome = queue.popleft() if queue else Delivered(f"m{len(self.sent) + 1}")
        if isinstance(outcome, BaseException):
            raise outcome
        if isinstance(outcome, Delivered):
            self.sent.append(send)
        return outcome

    def sends_of(self, key: str) -> list[Send]:
        return [send for send in self.sent if send.key == key]


def fast_engine(url: str, clock: VirtualClock) -> AsyncEngine:
    """The real engine without fsync per commit: these tests are about logic, not disks
    (a commit costs ~3 ms on disk; bench/outbox_throughput.py measures that)."""
    engine = create_engine(url, clock.now, KEYRING)
    event.listen(engine.sync_engine, "connect", _no_fsync)
    return engine


def _no_fsync(connection: Any, _record: Any) -> None:
    connection.execute("PRAGMA synchronous=OFF")


@pytest.fixture
async def db(tmp_path: Path, schema: Path, clock: VirtualClock) -> AsyncIterator[AsyncEngine]:
    shutil.copy(schema, tmp_path / "outbox.db")
    engine = fast_engine(f"sqlite+aiosqlite:///{tmp_path}/outbox.db", clock)
    yield engine
    await engine.dispose()


@pytest.fixture
def maker(db: AsyncEngine) -> Sessions:
    return sessions(db)


@pytest.fixture
def clock() -> VirtualClock:
    return VirtualClock()


@pytest.fixture
def sender(clock: VirtualClock) -> FakeSender:
    return FakeSender(clock)


def worker_for(store: OutboxStore, sender: FakeSender, clock: VirtualClock,
               **options: Any) -> DeliveryWorker:
    return DeliveryWorker(store, {"telegram": sender}, clock=clock.now,
                          monotonic=clock.monotonic, sleep=clock.sleep, **options)


async def add_people(maker: Sessions, count: int, channel: str = "telegram") -> list[int]:
    async with maker.begin() as session:
        people = [Person(channel=channel, external_id=str(1000 + i), language="kk")
                  for i in range(count)]
        session.add_all(people)
        await session.flush()
        return [person.id for person in people]


async def queue(maker: Sessions, messages: Iterable[tuple[str, str, int]]) -> None:
    """(key, audience, person_id) in the order they are written."""
    async with maker.begin() as session:
        for key, audience, person_id in messages:
            enqueue(session, key=key, audience=audience, person_id=person_id,
                    message=say(Text("staff-reply", {"text": key})))


async def row(maker: Sessions, key: str) -> OutboxMessage | None:
    async with maker() as session:
        found: OutboxMessage | None = await session.scalar(
            select(OutboxMessage).where(OutboxMessage.key == key))
        return found


async def open_count(maker: Sessions) -> int:
    async with maker() as session:
        return int(await session.scalar(select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.status.in_(("pending", "sending")))) or 0)


async def drain(worker: DeliveryWorker, maker: Sessions, clock: VirtualClock,
                done: Callable[[], bool] | None = None, max_virtual: float = 3600.0) -> None:
    """Run the worker until nothing is left to send (or `done()`), then stop it."""
    stop = asyncio.Event()
    task = asyncio.create_task(worker.run(stop))
    try:
        async with asyncio.timeout(10):
            while await open_count(maker) and not (done and done()):
                assert clock.t < max_virtual, "the worker does not get through the outbox"
                assert not task.done(), task.exception()
                await asyncio.sleep(0.02)
    finally:
        stop.set()
        await task


# ---------------------------------------------------------------------------- the limiter


def test_rate_limiter_waits_per_chat_per_group_and_globally() -> None:
    now = [0.0]
    limiter = RateLimiter(lambda: now[0], global_per_second=3, per_chat_interval=1.0,
                          per_group_per_minute=2)
    assert limiter.wait_time("a", False) == 0
    limiter.record("a", False)
    now[0] = 0.25
    assert limiter.wait_time("a", False) == pytest.approx(0.75)
    assert limiter.wait_time("b", False) == 0
    limiter.record("g", True)
    limiter.record("g", True)
    assert limiter.chat_wait("g", True) == pytest.approx(60.0)  # both went at 0.25
    assert limiter.global_wait() == pytest.approx(0.75)  # three sends in the last second
    now[0] = 1.0
    assert limiter.wait_time("a", False) == 0
    assert limiter.global_wait() == 0


# ---------------------------------------------------------------------------- the worker


async def test_a_thousand_notifications_keep_every_limit_and_their_order(
    maker: Sessions, clock: VirtualClock, sender: FakeSender
) -> None:
    citizens = await add_people(maker, 300)
    # 55 citizens with 8 messages, 45 with 3, 200 with 2, and 25 staff messages (more than
    # the group's 20 a minute): 1,000, shuffled.
    plan: list[tuple[str, int]] = []
    for i, person in enumerate(citizens):
        plan += [(CITIZEN, person)] * (8 if i < 55 else 3 if i < 100 else 2)
    plan += [(STAFF, citizens[i]) for i in range(25)]
    random.Random(7).shuffle(plan)
    await queue(maker, [(f"n:{seq:04d}", audience, person)
                        for seq, (audience, person) in enumerate(plan)])
    # Every pass claims and releases the staff group's backlog again: a 5 s poll keeps that
    # churn (~2 ms a row) low while the group waits out its minute.
    worker = worker_for(OutboxStore(maker), sender, clock, poll_interval=5.0)

    await drain(worker, maker, clock, done=lambda: len(sender.sent) >= 1000)

    assert sorted(send.key for send in sender.sent) == [f"n:{seq:04d}" for seq in range(1000)]
    assert sender.attempts == sender.sent  # never a second try, never a 429
    times = [send.at for send in sender.sent]
    assert times == sorted(times)
    # No 1 s window holds more than 25 sends: any 26 in a row span at least a second.
    assert all(times[i + 25] - times[i] >= 1.0 - EPSILON for i in range(len(times) - 25))
    by_chat: dict[str, list[Send]] = defaultdict(list)
    for send in sender.sent:
        by_chat[send.chat].append(send)
    for chat, sends in by_chat.items():
        keys = [send.key for send in sends]
        assert keys == sorted(keys), f"{chat} got its messages out of order"
        at = [send.at for send in sends]
        assert all(b - a >= 1.0 - EPSILON for a, b in pairwise(at))  # any chat: 1 a second
        if chat == "tg:staff":  # a group: and at most 20 in any minute
            assert len(at) == 25
            assert all(at[i + 20] - at[i] >= 60.0 - EPSILON for i in range(len(at) - 20))
    async with maker() as session:
        statuses = (await session.scalars(select(OutboxMessage.status).distinct())).all()
    assert statuses == ["sent"]


async def test_retry_after_pauses_everything_then_sends_once(
    maker: Sessions, clock: VirtualClock, sender: FakeSender
) -> None:
    a, b, c = await add_people(maker, 3)
    await queue(maker, [("a1", CITIZEN, a), ("b1", CITIZEN, b), ("c1", CITIZEN, c),
                        ("a2", CITIZEN, a)])
    sender.will("a1", RetryAfter(5))
    worker = worker_for(OutboxStore(maker), sender, clock)

    await drain(worker, maker, clock)

    refused_at = sender.attempts[0].at
    assert [send.key for send in sender.attempts[:1]] == ["a1"]
    again = sender.sends_of("a1")
    assert len(again) == 1 and again[0].at >= refused_at + 5 - EPSILON
    assert not [s for s in sender.sent if refused_at < s.at < refused_at + 5 - EPSILON]
    assert sorted(s.key for s in sender.sent) == ["a1", "a2", "b1", "c1"]
    assert sender.sends_of("a2")[0].at > again[0].at  # a2 did not overtake a1


async def test_transient_errors_back_off_then_fail_and_alert_staff(
    maker: Sessions, clock: VirtualClock, sender: FakeSender
) -> None:
    [person] = await add_people(maker, 1)
    await queue(maker, [("status:1:approved", CITIZEN, person)])
    sender.will("status:1:approved", *[Transient("502 Bad Gateway")] * 4)
    worker = worker_for(OutboxStore(maker), sender, clock, max_attempts=4)

    await drain(worker, maker, clock)

    tries = [s.at for s in sender.attempts if s.key == "status:1:approved"]
    gaps = [b - a for a, b in pairwise(tries)]
    assert len(tries) == 4
    assert gaps == sorted(gaps) and gaps[0] >= 2 - EPSILON and gaps[-1] >= 8 - EPSILON
    message = await row(maker, "status:1:approved")
    assert message is not None
    assert (message.status, message.attempts, message.last_error) == (
        "failed", 4, "502 Bad Gateway")
    alert = await row(maker, "alert:status:1:approved")
    assert alert is not None and alert.audience == STAFF and alert.person_id == person
    assert alert.payload["parts"][0]["key"] == "staff-delivery-failed"
    assert [s.chat for s in sender.sends_of("alert:status:1:approved")] == ["tg:staff"]


async def test_a_blocked_bot_makes_the_message_undeliverable_and_tells_staff(
    maker: Sessions, clock: VirtualClock, sender: FakeSender
) -> None:
    [person] = await add_people(maker, 1)
    await queue(maker, [("reply:1", CITIZEN, person)])
    sender.will("reply:1", Blocked("Forbidden: bot was blocked by the user"))

    await drain(worker_for(OutboxStore(maker), sender, clock), maker, clock)

    message = await row(maker, "reply:1")
    assert message is not None and (message.status, message.attempts) == ("undeliverable", 1)
    alert = await row(maker, "alert:reply:1")
    assert alert is not None and alert.status == "sent"
    assert alert.payload["parts"][0]["key"] == "staff-delivery-undeliverable"
    assert len(sender.attempts) == 2  # the refused one, then the alert


async def test_a_sender_exception_is_a_transient_failure(
    maker: Sessions, clock: VirtualClock, sender: FakeSender
) -> None:
    [person] = await add_people(maker, 1)
    await queue(maker, [("x", CITIZEN, person)])
    sender.will("x", RuntimeError("boom"))

    await drain(worker_for(OutboxStore(maker), sender, clock), maker, clock)

    message = await row(maker, "x")
    assert message is not None and (message.status, message.attempts) == ("sent", 2)
    assert len(sender.sends_of("x")) == 1


async def test_a_channel_without_sender_fails(
    maker: Sessions, clock: VirtualClock, sender: FakeSender
) -> None:
    [person] = await add_people(maker, 1, channel="whatsapp")
    await queue(maker, [("w", CITIZEN, person)])

    await drain(worker_for(OutboxStore(maker), sender, clock), maker, clock)

    message = await row(maker, "w")
    assert message is not None and message.status == "failed"
    assert "whatsapp" in message.last_error
    assert [s.key for s in sender.sent] == ["alert:w"]  # staff hear of it on Telegram


class Crash(Exception):
    """The process dies between the send and its record."""


class CrashingStore(OutboxStore):
    async def mark_sent(self, item_id: int, provider_message_id: str | None,
                        now: datetime, owed: str = "") -> None:
        raise Crash


async def test_a_crash_after_the_send_is_never_resent(
    tmp_path: Path, maker: Sessions, clock: VirtualClock, sender: FakeSender
) -> None:
    a, b = await add_people(maker, 2)
    await queue(maker, [("decision:1", CITIZEN, a), ("decision:2", CITIZEN, b)])

    with pytest.raises(Crash):
        await worker_for(CrashingStore(maker), sender, clock).run_once()
    assert [s.key for s in sender.sent] == ["decision:1"]
    untried = await row(maker, "decision:2")
    assert untried is not None and (untried.status, untried.attempts) == ("pending", 0)

    # A new process on the same database file.
    restarted = fast_engine(f"sqlite+aiosqlite:///{tmp_path}/outbox.db", clock)
    try:
        again = sessions(restarted)
        await drain(worker_for(OutboxStore(again), sender, clock), again, clock)
    finally:
        await restarted.dispose()

    assert len(sender.sends_of("decision:1")) == 1
    assert len(sender.sends_of("decision:2")) == 1
    crashed = await row(maker, "decision:1")
    assert crashed is not None and crashed.status == "uncertain"
    alert = await row(maker, "uncertain:decision:1")
    assert alert is not None and alert.audience == STAFF and alert.status == "sent"
    assert alert.payload["parts"][0]["key"] == "staff-delivery-uncertain"


async def test_a_cancelled_pass_returns_its_untried_messages(
    maker: Sessions, clock: VirtualClock, sender: FakeSender
) -> None:
    a, b = await add_people(maker, 2)
    await queue(maker, [("c:1", CITIZEN, a), ("c:2", CITIZEN, b)])
    sender.will("c:1", asyncio.CancelledError())  # shutdown in the middle of the first send

    with pytest.raises(asyncio.CancelledError):
        await worker_for(OutboxStore(maker), sender, clock).run_once()

    first, second = await row(maker, "c:1"), await row(maker, "c:2")
    assert first is not None and first.status == "sending"  # its fate is unknown
    assert second is not None and (second.status, second.attempts) == ("pending", 0)


async def test_wake_starts_a_pass_before_the_poll_interval(maker: Sessions,
                                                           clock: VirtualClock) -> None:
    [person] = await add_people(maker, 1)
    sender = FakeSender(clock)
    # Real sleep: with a 60 s poll interval only wake() can deliver within the test.
    worker = DeliveryWorker(OutboxStore(maker), {"telegram": sender}, clock=clock.now,
                            poll_interval=60)
    stop = asyncio.Event()
    task = asyncio.create_task(worker.run(stop))
    await asyncio.sleep(0.05)
    await queue(maker, [("hello", CITIZEN, person)])
    worker.wake()
    async with asyncio.timeout(2):
        while not sender.sent:
            await asyncio.sleep(0.01)
    stop.set()
    await asyncio.wait_for(task, 1)
    assert [s.key for s in sender.sent] == ["hello"]


async def test_a_staff_card_caught_mid_send_is_posted_again_as_a_repeat(
    tmp_path: Path, maker: Sessions, clock: VirtualClock, sender: FakeSender
) -> None:
    [person] = await add_people(maker, 1)
    card = OutgoingMessage((Text("staff-reply", {"text": "card"}),),
                           ((Choice(Text("staff-action-accept"), "st:1:accept"),),))
    async with maker.begin() as session:
        enqueue(session, key="card:1", audience=STAFF, person_id=person, message=card)

    with pytest.raises(Crash):
        await worker_for(CrashingStore(maker), sender, clock).run_once()

    restarted = fast_engine(f"sqlite+aiosqlite:///{tmp_path}/outbox.db", clock)
    try:
        again = sessions(restarted)
        await drain(worker_for(OutboxStore(again), sender, clock), again, clock)
    finally:
        await restarted.dispose()

    assert len(sender.sends_of("card:1")) == 1  # never blindly resent under its own key
    repeat = await row(maker, "repeat:card:1")
    assert repeat is not None and repeat.status == "sent"
    shown = message_from_json(repeat.payload)
    assert [part.key for part in shown.parts] == [REPEAT_MARK, "staff-reply"]
    assert shown.choices == card.choices  # the buttons come back with it
    troubles = await StaffDesk(maker).delivery_troubles(clock.now() - timedelta(hours=1))
    assert (troubles.expired, troubles.uncertain) == (0, 1)


async def test_a_message_past_its_time_is_expired_never_sent(
    maker: Sessions, clock: VirtualClock, sender: FakeSender
) -> None:
    a, b = await add_people(maker, 2)
    soon = clock.now() + timedelta(minutes=10)
    async with maker.begin() as session:
        enqueue(session, key="late", audience=CITIZEN, person_id=a,
                message=say(Text("staff-reply", {"text": "late"})), not_after=soon)
        enqueue(session, key="later", audience=CITIZEN, person_id=b,
                message=say(Text("staff-reply", {"text": "later"})),
                not_before=soon + timedelta(minutes=5), not_after=soon + timedelta(hours=1))
    clock.t += 20 * 60  # the worker was stopped over the first one's time

    await drain(worker_for(OutboxStore(maker), sender, clock), maker, clock)

    assert [s.key for s in sender.sent] == ["later"]
    late = await row(maker, "late")
    assert late is not None and (late.status, late.attempts) == ("expired", 0)
    troubles = await StaffDesk(maker).delivery_troubles(clock.now() - timedelta(hours=1))
    assert (troubles.expired, troubles.uncertain) == (1, 0)


async def test_a_later_message_never_overtakes_one_that_failed_in_the_same_chat(
    maker: Sessions, clock: VirtualClock, sender: FakeSender
) -> None:
    [person, other] = await add_people(maker, 2)
    await queue(maker, [("first", CITIZEN, person), ("second", CITIZEN, person),
                        ("elsewhere", CITIZEN, other)])
    sender.will("first", Transient("502 Bad Gateway"), Transient("502 Bad Gateway"))

    await drain(worker_for(OutboxStore(maker), sender, clock), maker, clock)

    in_chat = [send.key for send in sender.sent if send.chat == "tg:1000"]
    assert in_chat == ["first", "second"]  # as written, though the first had to wait
    assert [send.key for send in sender.sent if send.chat == "tg:1001"] == ["elsewhere"]
    assert sender.sends_of("elsewhere")[0].at < sender.sends_of("first")[0].at  # not held


async def test_a_reminder_for_later_does_not_hold_what_is_due_now(
    maker: Sessions, clock: VirtualClock, sender: FakeSender
) -> None:
    [person] = await add_people(maker, 1)
    async with maker.begin() as session:
        enqueue(session, key="reminder", audience=CITIZEN, person_id=person,
                message=say(Text("staff-reply", {"text": "later"})),
                not_before=clock.now() + timedelta(minutes=30))
    await queue(maker, [("now", CITIZEN, person)])

    # polling every 30 s, not every second: 60 passes to the reminder, not 1,800 on a busy CI
    await drain(worker_for(OutboxStore(maker), sender, clock, poll_interval=30), maker, clock)

    assert [send.key for send in sender.sent] == ["now", "reminder"]
    assert sender.sends_of("now")[0].at < 60 <= sender.sends_of("reminder")[0].at


async def test_the_staff_group_waiting_for_its_limit_is_not_claimed_again_and_again(
    maker: Sessions, clock: VirtualClock, sender: FakeSender
) -> None:
    people = await add_people(maker, 30)
    await queue(maker, [(f"card:{n}", STAFF, person) for n, person in enumerate(people)])
    store = OutboxStore(maker)
    released: list[int] = []
    release = store.release

    async def counted(item_id: int) -> None:
        released.append(item_id)
        await release(item_id)
    store.release = counted  # type: ignore[method-assign]

    await drain(worker_for(store, sender, clock), maker, clock)

    assert len(sender.sent) == 30
    group = [send.at for send in sender.sent]  # and the group's 17 a minute still held
    assert all(sum(1 for at in group if start <= at < start + 60) <= 17 for start in group)
    assert len(released) <= 30  # each card put back at most about once, not every pass
