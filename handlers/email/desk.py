"""A child's mail into their conversation (issue 16): what the listener's `MailDesk` does.

Only mail from the invited address that carries its invite's code is the child's (staff
are told, once for an address, of mail with a child's code from another one); it goes
into the conversation as the child's words, marked "by e-mail" in the transcript, as the
engine relays a child's message in the messenger. After the end, the child may still add
something for an hour (staff get it); before the conversation and later, the child is
answered that it is not open, and nothing is passed on. A mail with no words of the child's
(only quoted history, or unreadable) is answered that it came empty.

A bounce (a DSN) for a mail of a code's invite to its address is that mail undelivered: the
storage marks it so, as a send the server refused at once, and staff and the parent are told.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Protocol

from flows.messages import Text
from flows.ports import MailInvite, Seat
from handlers.email.sender import masked
from handlers.l10n import Localizer

log = logging.getLogger(__name__)
CHANNEL = "email"


class MailChildren(Protocol):
    async def invite_of(self, code: str, address: str) -> MailInvite | None: ...

    async def from_another_address(self, code: str, address: str) -> bool: ...

    async def bounced(self, code: str, address: str) -> bool:
        """The latest mail to the child of `code` at `address` came back: True when it is
        now marked undeliverable (staff and the parent are told through the outbox)."""
        ...


class Seats(Protocol):
    async def child_seat(self, application_id: int, child: int, now: datetime) -> Seat | None:
        ...

    async def relay(self, session_id: int, role: str, text: str, now: datetime,
                    via: str = "", ref: str = "", dropped: Sequence[str] = ()) -> bool: ...


class SessionMailDesk:
    def __init__(self, children: MailChildren, seats: Seats, localizer: Localizer,
                 default_language: str, wake: Callable[[], None]) -> None:
        self.children, self.seats, self.localizer = children, seats, localizer
        self.default_language, self.wake = default_language, wake

    async def mail_in(self, address: str, code: str, text: str, received_at: datetime,
                      message_id: str = "", dropped: Sequence[str] = ()) -> str | None:
        invite = await self.children.invite_of(code, address)
        if invite is None:
            # Not the child's for sure (anyone may write any From): never passed on, and not
            # answered (the From may be forged); staff may ask the parent.
            told = await self.children.from_another_address(code, address)
            log.info("mail from %s ignored: not the invited address for its code%s",
                     masked(address), " (staff told)" if told else "")
            if told:
                self.wake()
            return None
        language = invite.language or self.default_language
        # the code's own child: siblings may share one address
        seat = await self.seats.child_seat(invite.application_id, invite.child, received_at)
        if seat is None:
            return self.localizer.render(Text("email-reply-not-open"), language)
        if not text and not dropped:  # nothing of the child's: say so, or they wait
            return self.localizer.render(Text("email-empty"), language)
        # One mail, one line: a server may hand the same mail over again (its connection
        # dropped after our 250). The Message-ID's digest tells; it names no one.
        ref = hashlib.sha256(message_id.encode()).hexdigest()[:16] if message_id else ""
        if not await self.seats.relay(seat.session_id, "child", text, received_at,
                                      via=CHANNEL, ref=ref, dropped=dropped):
            log.info("mail from %s ignored: taken before", masked(address))
            return None
        self.wake()  # the others get it through the outbox now
        if not text:  # files only: staff know which; the child, that nothing came through
            return self.localizer.render(Text("email-empty"), language)
        return None if seat.open else self.localizer.render(Text("session-added"), language)

    async def mail_bounced(self, address: str, code: str, received_at: datetime) -> None:
        if await self.children.bounced(code, address):
            log.info("mail to %s bounced: staff and the parent are told", masked(address))
            self.wake()
        else:
            log.info("bounce for %s ignored: not the invited address, or already taken",
                     masked(address))
