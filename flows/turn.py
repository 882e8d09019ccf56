"""One turn of a conversation: the state being changed and the messages being written."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flows.messages import (
    Attachment,
    Choice,
    IncomingEvent,
    OutgoingMessage,
    Text,
)
from flows.payloads import Action
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


def button(key: str, action: Action, **args: Any) -> Choice:
    """A button whose payload is the bare action (short by construction, see
    `flows.payloads`); the engine binds it to the question's seq at the end of the turn."""
    return Choice(Text(key, args), action.pack())
