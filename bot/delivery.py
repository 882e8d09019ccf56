"""The delivery worker: drains the outbox through one sender per channel, within rate limits.

It follows the protocol of `storage.outbox` and never sends a message twice: a message is
claimed (its attempt committed) before the send, and after the send only `mark_*` is called.
A message that waits for its chat's rate limit is released untried, so it keeps its place.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable, Mapping
from datetime import timedelta
from typing import Protocol

from flows.clock import Clock
from flows.delivery import TO_STAFF_GROUP, OutboxItem
from handlers.outcomes import (
    Blocked,
    Delivered,
    Delivery,
    Rejected,
    RetryAfter,
    Sender,
    Transient,
)
from storage.outbox import OutboxStore, backoff
from storage.replicas import Leadership

log = logging.getLogger(__name__)


class DeliveryMeter(Protocol):
    """Counts what the worker settles (bot/metrics.py)."""

    def delivered(self, outcome: str) -> None: ...

    def rate_limited(self, channel: str) -> None: ...


# The worker is alive while its loop turned within this many seconds (a pass, a standby).
ALIVE_WITHIN = 60.0

# Below this a wait is rounded up: adding a tiny float to a large clock value may not move it.
MIN_SLEEP = 0.001


# ---------------------------------------------------------------------------- rate limits


class RateLimiter:
    """Telegram's limits: ~30 messages/s overall (25 leaves a margin), 1/s in any chat, and
    20/min in a group, of which the outbox takes 17: the staff side answers staff's own taps
    in the group directly (a question, a redrawn card), beside the outbox.

    The worker asks before a send and records after it, so a send is counted from the moment
    the messenger has surely seen it.
    """

    def __init__(
        self,
        clock: Callable[[], float] = time.monotonic,
        *,
        global_per_second: int = 25,
        per_chat_interval: float = 1.0,
        per_group_per_minute: int = 17,
    ) -> None:
        self.clock = clock
        self.global_per_second = global_per_second
        self.per_chat_interval = per_chat_interval
        self.per_group_per_minute = per_group_per_minute
        self._sends: deque[float] = deque()  # every send of the last second
        self._chat_last: dict[str, float] = {}  # every chat's last send
        self._group_sends: dict[str, deque[float]] = {}  # groups: sends of the last minute

    def global_wait(self) -> float:
        now = self.clock()
        _expire(self._sends, now - 1.0)
        return _window_wait(self._sends, self.global_per_second, 1.0, now)

    def chat_wait(self, key: str, is_group: bool) -> float:
        now = self.clock()
        last = self._chat_last.get(key)
        wait = 0.0 if last is None else max(0.0, last + self.per_chat_interval - now)
        sends = self._group_sends.get(key) if is_group else None
        if sends:
            _expire(sends, now - 60.0)
            wait = max(wait, _window_wait(sends, self.per_group_per_minute, 60.0, now))
        return wait

    def wait_time(self, key: str, is_group: bool) -> float:
        """Seconds until a send to this chat may go; 0 when it may go now."""
        return max(self.global_wait(), self.chat_wait(key, is_group))

    def record(self, key: str, is_group: bool) -> None:
        now = self.clock()
        self._sends.append(now)
        self._chat_last[key] = now
        if is_group:
            self._group_sends.setdefault(key, deque()).append(now)
        if len(self._chat_last) > 10_000:  # forget chats that are free again (memory stays flat)
            cutoff = now - self.per_chat_interval
            self._chat_last = {k: t for k, t in self._chat_last.items() if t > cutoff}


def _expire(sends: deque[float], before: float) -> None:
    # A send exactly one window ago no longer counts: "now - t < window" is in the window.
    while sends and sends[0] <= before:
        sends.popleft()


def _window_wait(sends: deque[float], limit: int, window: float, now: float) -> float:
    if len(sends) < limit:
        return 0.0
    # The send that must leave the window before one more fits.
    return max(0.0, sends[-limit] + window - now)


# ---------------------------------------------------------------------------- the worker

STANDBY = 5.0  # seconds between tries to take the lead, for a replica that does not deliver


class DeliveryWorker:
    def __init__(
        self,
        store: OutboxStore,
        senders: Mapping[str, Sender],
        *,
        clock: Clock,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        limiter: RateLimiter | None = None,
        max_attempts: int = 8,
        poll_interval: float = 1.0,
        batch: int = 100,
        leadership: Leadership | None = None,
        meter: DeliveryMeter | None = None,
    ) -> None:
        self.store = store
        self.senders = senders
        self.clock = clock
        self.monotonic = monotonic
        self.sleep = sleep
        self.limiter = limiter or RateLimiter(monotonic)
        self.max_attempts = max_attempts
        self.poll_interval = poll_interval
        self.batch = batch
        self.leadership = leadership or Leadership()  # by default the only process
        self.meter = meter
        self.last_pass: float | None = None  # monotonic: the loop's last turn (`alive`)
        self._stop: asyncio.Event | None = None  # set: a pass stops between two sends
        self._wake = asyncio.Event()
        self._paused_until = 0.0  # monotonic: after a 429 nothing goes out until then
        # Hints from the last pass for the next one.
        self._carry = 0  # messages released for their chat's limit
        self._soonest: float | None = None  # monotonic: when the first released one may go
        self._full = False  # the claim was full and moved: more may be due right now
        self._staff_free_at = 0.0  # monotonic: the staff group may take a message again

    def wake(self) -> None:
        """New messages were queued: start a pass now instead of at the next poll."""
        self._wake.set()

    def _sender_for(self, item: OutboxItem) -> Sender | None:
        # The staff group lives on Telegram, whatever channel the citizen uses.
        return self.senders.get("telegram" if item.audience in TO_STAFF_GROUP else item.channel)

    def _pause_left(self) -> float:
        return max(0.0, self._paused_until - self.monotonic())

    async def run_once(self) -> int:
        """One pass over the due messages; returns how many were delivered."""
        while (left := self._pause_left()) > 0:
            await self.sleep(max(left, MIN_SLEEP))
        self._wake.clear()  # a wake from now on asks for another pass
        # Messages released for their chat's limit come back first (lowest ids), so the claim
        # is widened by their number: otherwise a busy staff group would starve everyone else.
        limit = self.batch + min(self._carry, 10 * self.batch)
        # The staff group is one chat: one message of it per pass, none while it waits for its
        # limit (claimed, they would only be put back, pass after pass).
        items = await self.store.claim_due(
            self.clock(), limit, staff=int(self.monotonic() >= self._staff_free_at))
        self._carry, self._soonest, self._full = 0, None, False
        untried = {item.id: item for item in items}
        held: set[str] = set()  # chats with an earlier message waiting: later ones must not pass
        delivered = 0
        try:
            for item in items:
                if self._stop is not None and self._stop.is_set():
                    break  # stopping: the rest is released below, untried
                sender = self._sender_for(item)
                if sender is None:
                    del untried[item.id]
                    await self.store.mark_failed(item.id, "failed",
                                                 f"no sender for channel {item.channel!r}")
                    continue
                key, is_group = sender.rate_key(item)
                if key not in held:
                    # The global limit first: its wait may free the chat as well.
                    while (wait := self.limiter.global_wait()) > 0:
                        await self.sleep(max(wait, MIN_SLEEP))
                    chat_wait = self.limiter.chat_wait(key, is_group)
                    if chat_wait > 0:
                        free_at = self.monotonic() + chat_wait
                        if self._soonest is None or free_at < self._soonest:
                            self._soonest = free_at
                        if is_group and item.audience in TO_STAFF_GROUP:
                            self._staff_free_at = free_at
                        held.add(key)
                if key in held:
                    del untried[item.id]
                    await self.store.release(item.id)
                    self._carry += 1
                    continue
                del untried[item.id]  # from here on its fate is the send's
                result = await self._send(sender, item)
                if isinstance(result, Delivered | Transient):  # it may have reached the chat
                    # Each message of it counts against the chat's and the group's limits.
                    for _ in range(result.messages if isinstance(result, Delivered) else 1):
                        self.limiter.record(key, is_group)
                if await self._settle(item, result):
                    delivered += 1
                elif not isinstance(result, Blocked | Rejected):
                    held.add(key)
                if isinstance(result, RetryAfter):
                    break  # the rest is released below and waits out the pause
            else:
                # More may be due beyond this claim; only worth an instant pass if this one moved.
                self._full = len(items) >= limit and self._carry < len(items)
        finally:
            # Untried messages go back to the queue (a pause, a crash elsewhere, cancellation):
            # left `sending`, a restart would wrongly call them uncertain.
            for item_id in untried:
                try:
                    await self.store.release(item_id)
                except Exception:
                    log.exception("could not release outbox message %s", item_id)
        return delivered

    async def _send(self, sender: Sender, item: OutboxItem) -> Delivery:
        try:
            return await sender.deliver(item)
        except Exception as exc:  # a bug or an unmapped error must not stop the worker
            log.exception("sender failed on outbox message %s (%s)", item.id, item.key)
            return Transient(f"{type(exc).__name__}: {exc}")

    def _count(self, item: OutboxItem, result: Delivery) -> None:
        if self.meter is None:
            return
        match result:
            case Delivered():
                outcome = "sent"
            case RetryAfter():
                outcome = "retry"
                self.meter.rate_limited("telegram" if item.audience in TO_STAFF_GROUP
                                        else item.channel)
            case Transient():
                outcome = "failed" if item.attempts >= self.max_attempts else "retry"
            case Blocked():
                outcome = "undeliverable"
            case _:
                outcome = "failed"
        self.meter.delivered(outcome)

    def alive(self) -> bool:
        """The loop turned lately, or it waits out a 429's pause (`/healthz`)."""
        if self._pause_left() > 0:
            return True
        return self.last_pass is not None and self.monotonic() - self.last_pass <= ALIVE_WITHIN

    async def _settle(self, item: OutboxItem, result: Delivery) -> bool:
        now = self.clock()
        match result:
            case Delivered(provider_id, _, owed):
                await self.store.mark_sent(item.id, provider_id, now, owed)
                self._count(item, result)
                return True
            case RetryAfter(seconds):
                log.warning("rate limited for %.1fs on %s", seconds, item.key)
                await self.store.mark_retry(item.id, now + timedelta(seconds=seconds),
                                            f"retry after {seconds}s")
                self._paused_until = max(self._paused_until, self.monotonic() + seconds)
            case Transient(error):
                if item.attempts >= self.max_attempts:
                    log.error("giving up on %s after %d attempts: %s",
                              item.key, item.attempts, error)
                    await self.store.mark_failed(item.id, "failed", error)
                else:
                    await self.store.mark_retry(item.id, now + backoff(item.attempts), error)
            case Blocked(error):
                await self.store.mark_failed(item.id, "undeliverable", error)
            case Rejected(error):
                log.error("%s rejected: %s", item.key, error)
                await self.store.mark_failed(item.id, "failed", error)
        self._count(item, result)  # once its fate is recorded
        return False

    def _next_pass_in(self) -> float:
        if self._full:
            return 0.0
        if self._soonest is not None:
            return min(self.poll_interval, max(self._soonest - self.monotonic(), MIN_SLEEP))
        return self.poll_interval

    async def run(self, stop: asyncio.Event) -> None:
        """Deliver until `stop` is set, while this process leads the delivery (always, with
        one process). Taking the lead first settles what a dead claimer left mid-send."""
        leading = False
        try:
            self._stop = stop
            log.info("delivery worker started")
            while not stop.is_set():
                self.last_pass = self.monotonic()
                if not await self.leadership.holds():
                    leading = False
                    await self._idle(STANDBY, stop, wakeable=False)
                    continue
                if not leading:
                    leading = True
                    await self.store.recover(self.clock(), exclusive=self.leadership.exclusive)
                await self._pass(stop)
        finally:
            await self.leadership.release()
            log.info("delivery worker stopped")

    async def _pass(self, stop: asyncio.Event) -> None:
        pause = self._pause_left()
        if pause > 0:
            await self._idle(pause, stop, wakeable=False)
            return
        delay = self.poll_interval
        try:
            await self.run_once()
            delay = self._next_pass_in()
        except Exception:  # e.g. "database is locked": keep delivering after a breath
            log.exception("delivery pass failed")
        if delay > 0:
            await self._idle(delay, stop, wakeable=True)

    async def _idle(self, seconds: float, stop: asyncio.Event, *, wakeable: bool) -> None:
        """Wait `seconds` (on the injected clock), or less if stopped or woken."""
        waiters = [asyncio.ensure_future(self.sleep(seconds)), asyncio.ensure_future(stop.wait())]
        if wakeable:
            waiters.append(asyncio.ensure_future(self._wake.wait()))
        try:
            await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiter in waiters:
                waiter.cancel()
            # Collected, not awaited one by one: a cancellation of run() itself must go through.
            await asyncio.gather(*waiters, return_exceptions=True)
