"""The child reached by e-mail (issue 16), as the mail transport asks about them: a child by
mail is a person of channel "email" whose account is the address, joined to their invite.

- `code_for`: the code of the invite that names the mail thread: the message's child's in its
  application (siblings may share a mailbox), else the child's latest;
- `invite_of`: the invite (the child's language, whose conversation), when a mail from
  `address` carries a code whose invite is that address's (anything else is not the child's
  mail): siblings invited to one address are told apart by it;
- `bounced`: a bounce (DSN) came back for the child of a code at its address: the latest mail
  sent there is `undeliverable`, as a send refused at once is, so staff and the parent are
  told the same way (storage/outbox.py `mark_failed`).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from flows.delivery import CITIZEN
from flows.ports import MailInvite
from storage.conversations import person_for
from storage.models import InterviewInvite, OutboxMessage
from storage.outbox import OutboxStore

CHANNEL = "email"
UNDELIVERABLE = "undeliverable"


class SqlMailChildren:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.sessions = sessions

    async def code_for(self, person_id: int, address: str, application_id: int | None = None,
                       child: int | None = None) -> str | None:
        mine = InterviewInvite.child_person_id == person_id
        if application_id is not None and child is not None:  # siblings may share a mailbox
            mine &= (InterviewInvite.application_id == application_id) & (
                InterviewInvite.child_position == child)
        async with self.sessions() as session:
            code: str | None = await session.scalar(
                select(InterviewInvite.code).where(mine)
                .order_by(InterviewInvite.id.desc()).limit(1))
            return code

    async def invite_of(self, code: str, address: str) -> MailInvite | None:
        """The invite of `code` if it was sent to `address`; None if not: then it is not the
        child's mail."""
        async with self.sessions() as session:
            child = await person_for(session, CHANNEL, address.lower())
            if child is None:
                return None
            invite = await session.scalar(select(InterviewInvite).where(
                InterviewInvite.code == code.upper(),
                InterviewInvite.child_person_id == child.id))
            if invite is None:
                return None
            return MailInvite(child.language or invite.language or "", invite.application_id,
                              invite.child_position)

    async def bounced(self, code: str, address: str) -> bool:
        """A bounce for the child invited with `code` at `address`: the latest mail sent
        there is marked `undeliverable` (staff and the parent are told). False when the code
        is not that address's invite (a forged or stray bounce), or when that mail's bounce
        was already taken (a second report of it)."""
        async with self.sessions() as session:
            child = await person_for(session, CHANNEL, address.lower())
            if child is None:
                return False
            invite = await session.scalar(select(InterviewInvite.id).where(
                InterviewInvite.code == code.upper(),
                InterviewInvite.child_person_id == child.id))
            if invite is None:
                return False
            last = await session.scalar(
                select(OutboxMessage).where(OutboxMessage.person_id == child.id,
                                            OutboxMessage.audience == CITIZEN,
                                            OutboxMessage.status.in_(("sent", UNDELIVERABLE)))
                .order_by(OutboxMessage.id.desc()).limit(1))
            if last is None or last.status != "sent":
                return False
            item_id = last.id
        await OutboxStore(self.sessions).mark_failed(item_id, UNDELIVERABLE,
                                                     "bounced: a delivery status notification")
        return True


__all__ = ["CHANNEL", "SqlMailChildren"]
