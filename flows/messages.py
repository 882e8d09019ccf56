"""What goes in and out of the engine: channel-agnostic events and messages.

The engine never returns finished strings: a `Text` is a Fluent message id with its
arguments, rendered by the transport in the reader's language.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Union

# 64 bytes is Telegram's callback_data cap; payloads are ASCII so bytes == characters.
MAX_PAYLOAD_BYTES = 64

Arg = Union[str, int, date, datetime, "Text", tuple["Text", ...]]


class Variant(str):
    """An argument that only picks one of a message's variants (a Fluent selector's key): the
    same for everyone, never a person's data. A text whose arguments are such keys and whole
    numbers reads the same for everyone, and is formatted once (handlers/l10n.py)."""

    __slots__ = ()


@dataclass(frozen=True)
class Text:
    """A localizable piece: message id plus arguments (which may be Texts themselves)."""

    key: str
    args: Mapping[str, Arg] = field(default_factory=dict)


@dataclass(frozen=True)
class Choice:
    """A button. The payload is ASCII and short by construction (checked here)."""

    label: Text
    payload: str

    def __post_init__(self) -> None:
        if not self.payload.isascii() or not 0 < len(self.payload) <= MAX_PAYLOAD_BYTES:
            raise ValueError(f"button payload must be 1..64 ASCII bytes: {self.payload!r}")


@dataclass(frozen=True)
class Attachment:
    """A file the bot sends (e.g. a calendar invite)."""

    filename: str
    content: bytes
    mime: str


@dataclass(frozen=True)
class OutgoingMessage:
    """One message: its parts (joined by a blank line) and rows of buttons."""

    parts: tuple[Text, ...]
    choices: tuple[tuple[Choice, ...], ...] = ()
    ask_contact: bool = False  # offer the messenger's "share my phone number" button
    attachment: Attachment | None = None


@dataclass(frozen=True)
class Reply:
    language: str
    messages: tuple[OutgoingMessage, ...] = ()
    notice: Text | None = None  # a short note for a tapped button (Telegram's toast)
    escalate: bool = False  # the person asked for a specialist: open their staff topic
    relay: bool = False  # pass the incoming message on to the person's staff topic
    close_contact: bool = False  # take away the "share my number" keyboard offered before


class EventKind(StrEnum):
    TEXT = "text"
    CHOICE = "choice"
    COMMAND = "command"
    CONTACT = "contact"  # the person's own number, shared: the messenger vouches for it
    CARD = "card"  # another person's contact card: a number as typed, where a phone is asked
    FILE = "file"
    UNSUPPORTED = "unsupported"  # stickers, voice, location...
    EDITED = "edited"  # a message changed after it was sent: not read as an answer


class FileTooBig(Exception):
    """Raised by `IncomingFile.fetch` when the messenger refuses to hand the file over."""


@dataclass(frozen=True)
class IncomingFile:
    name: str | None
    size: int | None  # as the messenger reports it, before download
    fetch: Callable[[], Awaitable[bytes]]


@dataclass(frozen=True)
class IncomingEvent:
    channel: str
    user_id: str
    kind: EventKind
    text: str = ""  # typed text, button payload, command name, phone number, or a caption
    argument: str = ""  # what follows a command (`/start <token>`)
    file: IncomingFile | None = None
    display_name: str = ""
    # The language the messenger suggests ("kk", "ru", "en"; "" when nothing decides it,
    # see flows/first_words.py): spoken until the person chooses one, never stored as theirs.
    locale_hint: str = ""
