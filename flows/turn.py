"""One turn of a conversation: the state being changed and the messages being written."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flows.messages import (
    MAX_PAYLOAD_BYTES,
    Attachment,
    Choice,
    IncomingEvent,
    OutgoingMessage,
    Text,
)
from flows.ports import ConversationState


@dataclass
class Turn:
    state: ConversationState
    event: IncomingEvent
    today: date
    messages: list[OutgoingMessage] = field(default_factory=list)
    notice: Text | None = None
    escalate: bool = False
    relay: bool = False

    def say(
        self, *parts: Text, choices: Sequence[Sequence[Choice]] = (), contact: bool = False,
        attachment: Attachment | None = None,
    ) -> None:
        rows = tuple(tuple(row) for row in choices if row)
        self.messages.append(OutgoingMessage(tuple(parts), rows, ask_contact=contact,
                                             attachment=attachment))


# The engine prefixes every action with "<seq>:"; 16 bytes are kept for that prefix.
MAX_ACTION_BYTES = MAX_PAYLOAD_BYTES - 16


def button(key: str, action: str, **args: Any) -> Choice:
    """A button whose payload is the bare action; the engine binds it to the seq later."""
    if len(action.encode()) > MAX_ACTION_BYTES:
        raise ValueError(f"button action over {MAX_ACTION_BYTES} bytes: {action!r}")
    return Choice(Text(key, args), action)
