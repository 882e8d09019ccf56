"""Staff's photos and files for a citizen on a messenger the staff group cannot copy to
(WhatsApp): sealed on disk like the citizens' own files, and queued for the citizen with the
specialist's words, in one transaction, so a restart still delivers them."""

from __future__ import annotations

from typing import Protocol

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from flows.messages import OutgoingMessage, Text
from flows.ports import StoredFile
from storage.models import AuditEntry, OutboxMessage
from storage.outbox import CITIZEN, enqueue


class FileSaver(Protocol):
    async def save(self, data: bytes, mime: str) -> StoredFile: ...


class StaffFiles:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], files: FileSaver) -> None:
        self.sessions, self.files = sessions, files

    async def send(self, person_id: int, key: str, data: bytes, *, mime: str, name: str,
                   image: bool, text: str, actor: str) -> None:
        """Queue the file for the citizen once per `key` (a redelivered update adds nothing).
        `image`: staff sent it as a photo, so it may go as one; `text`: their caption."""
        stored = await self.files.save(data, mime)
        words = Text("staff-reply", {"text": text}) if text else Text("staff-reply-file")
        document = {"sha256": stored.sha256, "mime": stored.mime, "name": name,
                    "size": stored.size, "image": image}
        async with self.sessions.begin() as session:
            if await session.scalar(select(OutboxMessage.id).where(OutboxMessage.key == key)):
                return
            enqueue(session, key=key, audience=CITIZEN, person_id=person_id,
                    message=OutgoingMessage((words,)), document=document)
            session.add(AuditEntry(actor=actor, action="staff.reply.file", subject=str(person_id),
                                   details={"mime": stored.mime, "size": stored.size}))
