"""What the outbox hands a messenger's sender: shared by storage (which writes and claims the
messages) and the transports (which deliver them), so neither imports the other."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

CITIZEN = "citizen"  # a message for the citizen, on their own channel
STAFF = "staff"  # a message for the staff group, in the citizen's topic
GROUP = "group"  # a message for the staff group itself, in no topic (the morning digest)
TO_STAFF_GROUP = (STAFF, GROUP)  # both go to the one staff group, which keeps a group's pace
# A sender's error for a message WhatsApp may not carry outside its 24-hour window: the
# outbox tells staff to wait for the citizen to write, rather than that delivery failed.
OUTSIDE_WINDOW = "outside the 24-hour window"


@dataclass(frozen=True)
class OutboxItem:
    id: int
    key: str
    audience: str
    person_id: int | None  # None: the staff group itself (GROUP)
    channel: str  # the citizen's channel (staff messages go to the staff group)
    external_id: str
    language: str | None
    payload: dict[str, Any]
    attempts: int
    application_id: int | None = None  # the application the message is about, if any
