"""The child reached by e-mail (issue 16), as the mail transport asks about them: a child by
mail is a person of channel "email" whose account is the address, joined to their invite.

- `code_for`: the code of the invite that names the mail thread: the message's child's in its
  application (siblings may share a mailbox), else the child's latest;
- `invite_of`: the invite (the child's language, whose conversation), when a mail from
  `address` carries a code whose invite is that address's (anything else is not the child's
  mail): siblings invited to one address are told apart by it;
- `from_another_address`: a mail carried a child's code from another address than the one
  invited: not the child's (anyone may write any From), but staff are told, once for that
  address, so that they can ask the parent (the child may have written from school);
- `bounced`: a bounce (DSN) came back for the child of a code at its address: the latest mail
  sent there is `undeliverable`, as a send refused at once is, so staff and the parent are
  told the same way (storage/outbox.py `mark_failed`).
"""

from __future__ import annotations

import hashlib

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from flows.delivery import CITIZEN, STAFF
from flows.interview import child_name
from flows.messages import Text
from flows.ports import MailInvite
from flows.validators import shown_email
from storage.conversations import person_for
from storage.models import Application, InterviewInvite, OutboxMessage, Person
from storage.outbox import OutboxStore, enqueue, say

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

    async def from_another_address(self, code: str, address: str) -> bool:
        """Staff told that a mail for the conversation of `code`'s child (invited by e-mail)
        came from `address`, which is not theirs; False when the code names no such child,
        or staff were told of this address before."""
        key = f"mail-other-address:{code.upper()}:" \
              f"{hashlib.sha256(address.encode()).hexdigest()[:16]}"
        try:
            async with self.sessions.begin() as session:
                found = (await session.execute(
                    select(InterviewInvite, Person, Application)
                    .join(Person, Person.id == InterviewInvite.child_person_id)
                    .join(Application, Application.id == InterviewInvite.application_id)
                    .where(InterviewInvite.code == code.upper(), Person.channel == CHANNEL)
                )).first()
                if found is None or await session.scalar(
                        select(OutboxMessage.id).where(OutboxMessage.key == key)):
                    return False
                invite, child, application = found
                enqueue(session, key=key, audience=STAFF, person_id=application.person_id,
                        application_id=application.id,
                        message=say(Text("staff-mail-from-another-address", {
                            "address": shown_email(address),
                            "invited": shown_email(child.external_id),
                            "child": child_name(application.answers,
                                                invite.child_position)})))
        except IntegrityError:  # the same mail's twin, told at the same instant
            return False
        return True

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
