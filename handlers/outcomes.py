"""What a messenger's sender reports for one outbox message; the delivery worker acts on it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from flows.delivery import OutboxItem

PROVIDER_ID_SIZE = 100  # what the outbox keeps of a provider id (outbox.provider_message_id)


@dataclass(frozen=True)
class Delivered:
    # The messenger's id of the message sent; a Telegram text in pieces: each piece's,
    # space-separated, in order (a staff card is redrawn piece by piece), within
    # PROVIDER_ID_SIZE characters.
    provider_id: str | None
    messages: int = 1  # how many messages it took (a long text in pieces, then a file)
    # What did not go yet, when a stand-in went (WhatsApp's status template outside the 24-hour
    # window): kept as the row's `last_error`, and the whole message goes when the person
    # writes again (storage/contacts.py `wrote`).
    owed: str = ""


@dataclass(frozen=True)
class RetryAfter:
    """The messenger asked us to slow down (HTTP 429); Telegram's limit may be bot-wide."""

    seconds: float


@dataclass(frozen=True)
class Transient:
    """A network error or a 5xx: worth trying again later."""

    error: str


@dataclass(frozen=True)
class Blocked:
    """The person blocked the bot (403): nothing will reach them until they unblock it."""

    error: str


@dataclass(frozen=True)
class Rejected:
    """The messenger refused the message itself (400): it will never succeed."""

    error: str


Delivery = Delivered | RetryAfter | Transient | Blocked | Rejected


class Sender(Protocol):
    async def deliver(self, item: OutboxItem) -> Delivery: ...

    def rate_key(self, item: OutboxItem) -> tuple[str, bool]:
        """The destination chat's key, and whether it is a group chat."""
        ...
