"""Enquiries a flow ended with instead of an application (flows.enquiries): kept as audit
rows, no table of their own; each one's note goes to the person's staff topic through the
outbox in the same transaction."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from flows.enquiries import Enquiry
from flows.messages import OutgoingMessage
from storage.clock import from_db, to_db
from storage.conversations import ensure_person
from storage.models import AuditEntry, OutboxMessage, Person, citizen_actor
from storage.outbox import STAFF, enqueue

PREFIX = "enquiry."  # the audit action: "enquiry.<kind>"


class SqlEnquiries:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.sessions = sessions

    async def record(self, channel: str, user_id: str, kind: str, subject: str, key: str,
                     note: OutgoingMessage, at: datetime) -> None:
        """One audit row and one note to staff per draft: a turn handled again (a crash
        before its state was saved) finds them and writes nothing."""
        outbox_key = f"enquiry:{key}"
        async with self.sessions.begin() as session:
            if await session.scalar(select(OutboxMessage.id)
                                    .where(OutboxMessage.key == outbox_key)) is not None:
                return
            person = await ensure_person(session, channel, user_id)
            session.add(AuditEntry(at=to_db(at), actor=citizen_actor(person.id),
                                   action=PREFIX + kind, subject=subject,
                                   details={"person": person.id, "draft": key}))
            enqueue(session, key=outbox_key, audience=STAFF, person_id=person.id, message=note)

    async def enquiries_since(self, since: datetime) -> list[Enquiry]:
        """Every enquiry recorded from `since` on, oldest first, with the person's name."""
        async with self.sessions() as session:
            rows = list(await session.scalars(
                select(AuditEntry).where(AuditEntry.action.startswith(PREFIX),
                                         AuditEntry.at >= to_db(since))
                .order_by(AuditEntry.at, AuditEntry.id)))
            found = []
            for row in rows:
                person = await session.get(Person, row.details.get("person", 0))
                found.append(Enquiry(from_db(row.at), row.action.removeprefix(PREFIX),
                                     row.subject, person.display_name if person else ""))
            return found
