"""A reply's messenger calls, made one by one and counted in the update log as they go out,
so a restart goes on after the last one that went out (Telegram's and WhatsApp's alike)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import TypeVar

from handlers.ports import Inbox, Owed

log = logging.getLogger(__name__)

Call = TypeVar("Call")


async def deliver(inbox: Inbox, channel: str, key: str, calls: Sequence[Call],
                  make: Callable[[Call], Awaitable[object]], sent: int = 0) -> int:
    """Make the calls after the first `sent`, counting each, and close the update; how many
    calls it made."""
    if sent >= len(calls):
        await inbox.close(channel, key)
    for made in range(sent, len(calls)):
        await make(calls[made])
        # Counted at once: a restart goes on after it; the last one closes the update.
        await inbox.progress(channel, key, made + 1, done=made + 1 == len(calls))
    return len(calls) - sent


async def finish(inbox: Inbox, channel: str, owed: Owed, calls: Sequence[Call],
                 make: Callable[[Call], Awaitable[object]],
                 follow_up: Callable[[], Awaitable[None]]) -> None:
    """The rest of a reply a crash cut short, then its follow-ups (they come after the last
    call: they have not run yet). A reply that cannot go out is given up: one person's
    blocked chat must not stop the start-up."""
    try:
        if await deliver(inbox, channel, owed.key, calls, make, owed.sent):
            await follow_up()
    except Exception as error:
        log.warning("%s reply not sent after a restart: %s", channel, type(error).__name__)
        await inbox.close(channel, owed.key)
