"""When each person last wrote (WhatsApp's 24-hour window) and what the messenger reported
about our messages (sent, delivered, read, failed)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from flows.messages import Text
from storage.clock import from_db, to_db
from storage.conversations import ensure_person
from storage.models import OutboxMessage, Person
from storage.outbox import OUTSIDE_WINDOW, STAFF, enqueue, say

WINDOW = timedelta(hours=24)


class Contacts:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.sessions = sessions

    async def wrote(self, channel: str, external_id: str, at: datetime, name: str = "") -> None:
        """The person wrote: the window opens, and what waited for it goes out now: what
        could not go, and a notice whose status template went in its place, in full."""
        async with self.sessions.begin() as session:
            person = await ensure_person(session, channel, external_id)
            person.last_inbound_at = to_db(at)
            if name and not person.display_name:
                person.display_name = name[:200]
            await session.execute(update(OutboxMessage).where(
                OutboxMessage.person_id == person.id,
                OutboxMessage.status.in_(("failed", "sent")),
                OutboxMessage.last_error.startswith(OUTSIDE_WINDOW),
            ).values(status="pending", next_attempt_at=to_db(at), last_error=""))

    async def window_open(self, person_id: int, now: datetime) -> bool:
        async with self.sessions() as session:
            person = await session.get(Person, person_id)
            last = person.last_inbound_at if person else None
            return last is not None and now - from_db(last) < WINDOW

    async def status(self, provider_message_id: str, status: str, error: str = "") -> None:
        """A delivery report; a failure is told to staff in the citizen's topic."""
        async with self.sessions.begin() as session:
            message = await session.scalar(select(OutboxMessage).where(
                OutboxMessage.provider_message_id == provider_message_id))
            if message is None:
                return
            message.provider_status = status
            if status == "failed":
                message.last_error = error[:500]
                enqueue(session, key=f"report:{provider_message_id}", audience=STAFF,
                        person_id=message.person_id, application_id=message.application_id,
                        message=say(Text("staff-delivery-failed")))
