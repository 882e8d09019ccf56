"""The child reached by e-mail (issue 16), as the mail transport asks about them: a child by
mail is a person of channel "email" whose account is the address, joined to their invite.

- `code_for`: the code of the child's latest invite, which names the mail thread;
- `language_of`: the child's language, when a mail from `address` carries a code whose invite
  is that address's (anything else is not the child's mail).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.conversations import person_for
from storage.models import InterviewInvite

CHANNEL = "email"


class SqlMailChildren:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.sessions = sessions

    async def code_for(self, person_id: int, address: str) -> str | None:
        async with self.sessions() as session:
            code: str | None = await session.scalar(
                select(InterviewInvite.code).where(InterviewInvite.child_person_id == person_id)
                .order_by(InterviewInvite.id.desc()).limit(1))
            return code

    async def language_of(self, code: str, address: str) -> str | None:
        """The child's language ("" when none is known) if the invite of `code` was sent to
        `address`; None if not: then it is not the child's mail."""
        async with self.sessions() as session:
            child = await person_for(session, CHANNEL, address.lower())
            if child is None:
                return None
            invite = await session.scalar(select(InterviewInvite).where(
                InterviewInvite.code == code.upper(),
                InterviewInvite.child_person_id == child.id))
            if invite is None:
                return None
            return child.language or invite.language or ""


__all__ = ["CHANNEL", "SqlMailChildren"]
