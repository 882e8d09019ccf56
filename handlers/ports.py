"""What every transport gets from the composition root: the engine and the update log."""

from __future__ import annotations

from typing import Protocol

from flows.messages import IncomingEvent, Reply


class Conversations(Protocol):
    async def handle(self, event: IncomingEvent) -> Reply: ...


class Seen(Protocol):
    """Remembers handled updates, so one delivered twice is handled once."""

    async def first_time(self, channel: str, key: str) -> bool: ...
