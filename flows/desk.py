"""What the staff desk's storage answers the staff side: plain values both may import."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flows.messages import Text
from flows.procedure import Snapshot


@dataclass(frozen=True)
class Citizen:
    person_id: int
    channel: str
    external_id: str
    language: str | None
    display_name: str


@dataclass(frozen=True)
class ActResult:
    ok: bool
    snapshot: Snapshot | None = None
    error: str = ""  # a staff-facing message id when not ok
    reason: Text | None = None  # when a term refused it: why, for staff


@dataclass(frozen=True)
class DeliveryTroubles:
    expired: int  # never sent: too late to be of use
    uncertain: int  # a restart caught them mid-send: they may not have arrived
    failed: int = 0  # given up: refused by the messenger, or a file that cannot be opened


@dataclass(frozen=True)
class Line:
    """One line of the transcript of a conversation with the child."""

    at: datetime
    role: str
    text: str
    via: str = ""  # "email" for a child writing by e-mail; "" in the messenger

    @classmethod
    def from_json(cls, item: dict[str, Any]) -> Line:
        return cls(datetime.fromisoformat(item["at"]), item["role"], item["text"],
                   item.get("via", ""))
