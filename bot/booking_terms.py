"""The once-a-day job behind the conversation's term (service 2): every working day from
9:00, a parent who has booked no time for a child's conversation is reminded and, near the
term's end, staff alerted; with siblings, child by child (the time is booked only when every
child has one: `flows.interview.unbooked`).

The store claims the day's run in the transaction that writes the notices, so a restart on
the same day does not repeat them. The loop only looks at the clock between runs (no
database), so it notices at once when the injected clock moves on.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import date, datetime
from typing import Protocol

from flows.calendar import KZ_TZ, OFFICE_OPEN, is_working_day
from flows.clock import Clock

log = logging.getLogger(__name__)

TICK = 1.0  # seconds between looks at the clock


class Unbooked(Protocol):
    async def nudge_unbooked(self, today: date, now: datetime) -> int: ...


class Daily:
    """Several once-a-day runs as one job: the conversation's reminders, and the notice of
    a term passed with no answer (a Complain button under it, seed 004 p. 13)."""

    def __init__(self, *stores: Unbooked) -> None:
        self.stores = stores

    async def nudge_unbooked(self, today: date, now: datetime) -> int:
        return sum([await store.nudge_unbooked(today, now) for store in self.stores])


def due_day(now: datetime) -> date | None:
    """The day whose run is due at `now`: a working day from 9:00, Astana time."""
    local = now.astimezone(KZ_TZ)
    if is_working_day(local.date()) and local.time() >= OFFICE_OPEN:
        return local.date()
    return None


async def run_booking_terms(store: Unbooked, clock: Clock, wake: Callable[[], None],
                            stop: asyncio.Event, tick: float = TICK) -> None:
    done: date | None = None  # the day this process already ran (the store knows for sure)
    while not stop.is_set():
        now = clock()
        day = due_day(now)
        if day is not None and day != done:
            try:
                if await store.nudge_unbooked(day, now):
                    wake()  # the outbox worker delivers them now
                done = day
            except Exception:  # e.g. "database is locked": try again at the next tick
                log.exception("the conversation-time reminders failed")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), tick)
