"""What every transport gets from the composition root: the engine and the update log."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from flows.messages import IncomingEvent, Reply

Json = dict[str, Any]


class Conversations(Protocol):
    async def handle(self, event: IncomingEvent, update: str | None = None) -> Reply: ...


class Seen(Protocol):
    """Remembers handled updates, so one delivered twice is handled once."""

    async def first_time(self, channel: str, key: str) -> bool: ...


class Owed(Protocol):
    """A handled update whose reply a crash cut short."""

    @property
    def key(self) -> str: ...

    @property
    def chat(self) -> str: ...

    @property
    def reply(self) -> Reply: ...

    @property
    def sent(self) -> int:
        """How many of the reply's messenger calls went out."""
        ...

    @property
    def update(self) -> Json:
        """The update as it was received."""
        ...


class Inbox(Seen, Protocol):
    """Every update from its receipt until its reply is sent (the engine marks it handled in
    the transaction of the state it changed), so a restart finishes what a crash left."""

    async def receive(self, channel: str, key: str, payload: Json) -> bool:
        """Keep the update; False when it was handled before."""
        ...

    async def receive_all(self, channel: str,
                          arrivals: Sequence[tuple[str, Json | None]]) -> list[bool]:
        """Log a batch at once: `receive` for those with a payload, `first_time` for the
        others (None); the verdicts in order."""
        ...

    async def progress(self, channel: str, key: str, sent: int, done: bool = False) -> None:
        """`sent` of the reply's messenger calls went out; `done`: the last one."""
        ...

    async def close(self, channel: str, key: str) -> None:
        """Nothing more is owed for this update."""
        ...

    async def received(self, channel: str) -> list[Json]:
        """Updates received and never handled."""
        ...

    async def owed(self, channel: str) -> Sequence[Owed]: ...

    async def owed_for(self, channel: str, key: str) -> Owed | None:
        """The rest of this update's reply, if a process died before sending it."""
        ...
