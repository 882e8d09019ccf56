"""How fast the delivery worker drains the outbox, and how long Telegram's limits make it take.

Queues N notifications in a temporary SQLite outbox (migrations applied, the bot's own engine
settings) and drains them with the real DeliveryWorker and a sender that sends nothing:

1. without rate limits: the real-time throughput of claim + mark_sent (the database's share);
2. with Telegram's limits on virtual time: the real time the worker spends (claims, releases of
   messages that wait for their chat, marks) and the virtual time the limits demand.

    python bench/outbox_throughput.py [--n 2000] [--batch 100] [--staff-share 0.05]
    python bench/outbox_throughput.py --n 10000 --staff-share 0   # 10,000 status notices
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
import time
from collections import Counter, deque
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from anywhere

from bot.delivery import DeliveryWorker, RateLimiter
from flows.clock import system_clock
from flows.messages import Text
from handlers.outcomes import Delivered, Delivery
from storage.db import create_engine, migrate, sessions
from storage.models import Person
from storage.outbox import CITIZEN, STAFF, OutboxItem, OutboxStore, enqueue, say
from tests.sealing import KEYRING

STAFF_SHARE = 0.05  # cards and alerts for the staff group


class VirtualClock:
    def __init__(self) -> None:
        self.t = 0.0
        self.base = datetime.now(UTC) + timedelta(minutes=5)  # every queued row is due

    def monotonic(self) -> float:
        return self.t

    def now(self) -> datetime:
        return self.base + timedelta(seconds=self.t)

    async def sleep(self, seconds: float) -> None:
        self.t += max(seconds, 0.0)
        await asyncio.sleep(0)


class NoOpSender:
    """Sends nothing; counts the sends Telegram would have refused with a 429: a 31st message
    within a second, a second message to one chat within a second, a 21st within a minute in
    the group (its published limits, on the virtual clock)."""

    def __init__(self, clock: VirtualClock, expected: int, done: asyncio.Event) -> None:
        self.clock, self.expected, self.done = clock, expected, done
        self.sent = 0
        self.last_at = 0.0
        self.refused = 0
        self._second: deque[float] = deque()
        self._group: deque[float] = deque()
        self._chat_last: dict[str, float] = {}

    def rate_key(self, item: OutboxItem) -> tuple[str, bool]:
        return ("tg:staff", True) if item.audience == STAFF else (f"tg:{item.external_id}", False)

    async def deliver(self, item: OutboxItem) -> Delivery:
        now = self.clock.t
        key, is_group = self.rate_key(item)
        self.refused += int(_over(self._second, now, 1.0, 30)
                            or now - self._chat_last.get(key, -1e9) < 1.0
                            or (is_group and _over(self._group, now, 60.0, 20)))
        self._chat_last[key] = now
        self.sent += 1
        self.last_at = now
        if self.sent >= self.expected:
            self.done.set()
        return Delivered(str(self.sent))


def _over(sends: deque[float], now: float, window: float, limit: int) -> bool:
    """Records a send; True when it is one too many for the window."""
    while sends and sends[0] <= now - window:
        sends.popleft()
    sends.append(now)
    return len(sends) > limit


class CountingStore(OutboxStore):
    """Counts the store's calls: each is one transaction."""

    calls: Counter[str]

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.calls = Counter()

    async def claim_due(self, now: datetime, limit: int = 100, *,
                        staff: int | None = None) -> list[OutboxItem]:
        items = await super().claim_due(now, limit, staff=staff)
        self.calls["claim_due"] += 1
        self.calls["rows claimed"] += len(items)
        return items

    async def release(self, item_id: int) -> None:
        self.calls["release"] += 1
        await super().release(item_id)

    async def mark_sent(self, item_id: int, provider_message_id: str | None,
                        now: datetime, owed: str = "") -> None:
        self.calls["mark_sent"] += 1
        await super().mark_sent(item_id, provider_message_id, now, owed)


async def queue(url: str, n: int, staff_share: float,
                seed: int = 1) -> tuple[int, int, int]:
    """N messages: a share to staff, the rest to citizens who get 1-4 each; shuffled."""
    rng = random.Random(seed)
    engine = create_engine(url, system_clock, KEYRING)  # rows are stamped "now": due at once
    maker = sessions(engine)
    staff = int(n * staff_share)
    counts: list[int] = []
    while sum(counts) < n - staff:
        counts.append(min(rng.choice((1, 1, 1, 2, 2, 3, 4)), n - staff - sum(counts)))
    async with maker.begin() as session:
        people = [Person(channel="telegram", external_id=str(10_000 + i), language="kk")
                  for i in range(len(counts))]
        session.add_all(people)
        await session.flush()
        plan = [(CITIZEN, p.id) for p, k in zip(people, counts, strict=True) for _ in range(k)]
        plan += [(STAFF, rng.choice(people).id) for _ in range(staff)]
        rng.shuffle(plan)
        for seq, (audience, person_id) in enumerate(plan):
            enqueue(session, key=f"bench:{seq}", audience=audience, person_id=person_id,
                    message=say(Text("staff-reply", {"text": f"#{seq}"})))
    await engine.dispose()
    return len(counts), max(counts), staff


LimiterFor = Callable[[VirtualClock], RateLimiter]


async def drain(url: str, n: int, batch: int,
                limiter_for: LimiterFor) -> tuple[float, float, Counter[str], int]:
    """Real seconds, virtual seconds to the last send, the store's calls, and the sends
    Telegram would have refused."""
    engine = create_engine(url, system_clock, KEYRING)
    store = CountingStore(sessions(engine))
    clock = VirtualClock()
    done, stop = asyncio.Event(), asyncio.Event()
    sender = NoOpSender(clock, n, done)
    worker = DeliveryWorker(store, {"telegram": sender}, clock=clock.now,
                            monotonic=clock.monotonic, sleep=clock.sleep,
                            limiter=limiter_for(clock), batch=batch)
    started = time.perf_counter()
    task = asyncio.create_task(worker.run(stop))
    await done.wait()
    stop.set()
    await task
    elapsed = time.perf_counter() - started
    await engine.dispose()
    return elapsed, sender.last_at, store.calls, sender.refused


def unlimited(clock: VirtualClock) -> RateLimiter:
    return RateLimiter(clock.monotonic, global_per_second=10**9, per_chat_interval=0.0,
                       per_group_per_minute=10**9)


def telegram_limits(clock: VirtualClock) -> RateLimiter:
    return RateLimiter(clock.monotonic)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--staff-share", type=float, default=STAFF_SHARE,
                        help="of the messages, those to the staff group (0: status notices "
                             "to citizens only, issue 15's 10,000)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        for title, limiter_for in (("no rate limits", unlimited),
                                   ("Telegram's limits (virtual time)", telegram_limits)):
            url = f"sqlite+aiosqlite:///{folder}/{limiter_for.__name__}.db"
            await migrate(url)
            citizens, most, staff = await queue(url, args.n, args.staff_share)
            real, virtual, calls, refused = await drain(url, args.n, args.batch, limiter_for)
            print(f"{title}: {args.n} messages ({citizens} citizens, up to {most} each; "
                  f"{staff} to the staff group), batch {args.batch}")
            print(f"  real time      {real:7.2f} s   {args.n / real:7.0f} messages/s")
            print(f"  transactions   {sum(v for k, v in calls.items() if k != 'rows claimed')}"
                  f"  ({', '.join(f'{k} {v}' for k, v in sorted(calls.items()))})")
            if limiter_for is telegram_limits:
                # The group's k-th message cannot go before minute k // 20, second k % 20.
                group = 60 * ((staff - 1) // 20) + (staff - 1) % 20 if staff else 0
                floor = max(args.n / 25, most - 1, group)
                print(f"  virtual time   {virtual:7.1f} s   (the limits' floor: {floor:.1f} s; "
                      f"25/s overall, 1/s a chat, 20/min in the group)")
                rate = args.n / virtual if virtual else float("nan")
                print(f"  rate           {rate:7.2f} /s   ({rate / 25:.0%} of the worker's 25/s, "
                      f"{rate / 30:.0%} of Telegram's 30/s); sends Telegram would refuse "
                      f"(429): {refused}")


if __name__ == "__main__":
    asyncio.run(main())
