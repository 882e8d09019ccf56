"""A child's mails in: an SMTP listener (aiosmtpd) behind the body's mail server.

Why SMTP rather than polling a mailbox over IMAP:
- a reply reaches the session the moment the body's server hands it over, not at the next
  poll, and a live conversation with the child is minutes long;
- SMTP answers while the sender is still connected: mail for another domain or mailbox, a
  mail without a session's code, a 30 MB mail are refused right there (5xx), so the child's
  own provider tells the child, and nothing accumulates in a mailbox to be cleaned up;
- nothing to keep in step: no mailbox password in the bot, no "seen" flags, no mail read
  twice after a restart. If the bot is down, the body's server queues and retries (4xx too).
The body's mail server routes `EMAIL_REPLY_TO` and its `+tags` here (a transport map or an
Exchange send connector to EMAIL_LISTEN_HOST:EMAIL_LISTEN_PORT); the listener is no relay.

What the SMTP conversation answers:
- RCPT to another domain: 550 (never relayed); to another mailbox of ours: 550;
- a mail declared or found larger than MAX_EMAIL_BYTES: 552 with a kind English line (SMTP
  answers are ASCII), before its data is read when the sender declares its SIZE;
- a mail that names no session (no `+code`, none of our Message-IDs): 550, kindly worded;
- a bounce or an auto-reply: 250, then only `BounceDesk.mail_bounced` (the desk's own,
  unless another is given) for a bounce that names a failed recipient;
- any other mail, an empty one too: 250, its (address, code, text) handed to
  `MailDesk.mail_in`, which checks that the code's invite belongs to that address; what it
  returns is sent back as one polite answer by the `Responder`. If the desk fails (the
  database is down): 451, and the body's server tries again later.
The content of a mail is never logged: "mail from k***@gmail.com ignored: no code".
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from datetime import datetime
from typing import Any, Protocol

from aiosmtpd.smtp import SMTP, Envelope, Session

from flows.clock import Clock
from handlers.email.compose import ReplyAddress
from handlers.email.inbound import MAX_EMAIL_BYTES, InboundMail, parse_mail
from handlers.email.sender import masked

log = logging.getLogger(__name__)
# aiosmtpd logs every envelope address at INFO and every line of a mail at DEBUG: personal
# data, whatever LOG_LEVEL says. Its warnings and errors still come through.
logging.getLogger("mail.log").setLevel(logging.WARNING)

TOO_BIG = ("552 5.3.4 Your mail is larger than {size} and was not delivered. Please write "
           "your answer in the text of the mail, without large attachments.")
NO_SESSION = ("550 5.7.1 This address takes only replies to the mails of the guardianship "
              "body. Please use Reply on the mail you received.")
NOT_HERE = "550 5.1.1 No such mailbox here"
NO_RELAY = "550 5.7.1 Relaying denied"
ACCEPTED = "250 2.0.0 OK"
TRY_LATER = "451 4.3.0 Temporary failure, please try again later"


class BounceDesk(Protocol):
    async def mail_bounced(self, address: str, code: str, received_at: datetime) -> None:
        """A mail of the session of `code` to `address` came back undelivered (a DSN)."""
        ...


class MailDesk(BounceDesk, Protocol):
    """The session side: a child's mail in, and (unless `MailHandler` is given another
    `BounceDesk`) the bounces of our mails."""

    async def mail_in(self, address: str, code: str, text: str, received_at: datetime,
                      message_id: str = "", dropped: Sequence[str] = ()) -> str | None:
        """A mail from `address` (lower-case) for the session of `code` (upper-case), its new
        words in `text` ("" when nothing was left of it: quoted history only, or unreadable),
        the names of its files `dropped` (staff are told; files are never passed on).
        A mail of a `message_id` already taken (a server handing it over again) is not.
        Relay it only if the code's invite belongs to that address and its session takes
        messages; return a polite answer to send back (once, e.g. after the session ended,
        or for an empty mail, so a child's mail is never lost in silence), or None."""
        ...


class Responder(Protocol):
    async def respond(self, to: str, code: str | None, text: str, *, subject: str,
                      in_reply_to: str) -> None: ...


def too_big(max_bytes: int) -> str:
    size = f"{max_bytes // 2**20} MB" if max_bytes >= 2**20 else f"{max_bytes // 1024} KB"
    return TOO_BIG.format(size=size)


class _Smtp(SMTP):
    """aiosmtpd's server, with our words for a mail over the size limit (its own 552s come
    when the sender declares a SIZE over it, and after a DATA that grew over it)."""

    def __init__(self, handler: MailHandler, **options: Any) -> None:
        super().__init__(handler, data_size_limit=handler.max_bytes, **options)
        self.too_big = too_big(handler.max_bytes)

    async def push(self, status: Any) -> None:
        if isinstance(status, str) and status.startswith("552 Error:"):
            status = self.too_big
        await super().push(status)


class MailHandler:
    """aiosmtpd's hooks (`handle_RCPT`, `handle_DATA`)."""

    def __init__(self, desk: MailDesk, *, reply_to: ReplyAddress, clock: Clock,
                 responder: Responder | None = None, bounces: BounceDesk | None = None,
                 max_bytes: int = MAX_EMAIL_BYTES) -> None:
        self.desk, self.reply_to, self.clock = desk, reply_to, clock
        self.responder, self.max_bytes = responder, max_bytes
        self.bounces: BounceDesk = desk if bounces is None else bounces
        self.answers: set[asyncio.Task[None]] = set()

    async def handle_RCPT(self, server: SMTP, session: Session, envelope: Envelope,
                          address: str, rcpt_options: list[str]) -> str:
        if not self.reply_to.in_domain(address):
            return NO_RELAY
        if not self.reply_to.is_ours(address):
            return NOT_HERE
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content = envelope.original_content or b""
        mail = parse_mail(content, reply_to=self.reply_to, recipients=envelope.rcpt_tos,
                          envelope_from=envelope.mail_from, max_bytes=self.max_bytes)
        who = masked(mail.sender or (envelope.mail_from or ""))
        if mail.problem == "too big":
            log.info("mail from %s refused: too big", who)
            return too_big(self.max_bytes)
        received_at = self.clock()
        if mail.automatic:
            await self._bounced(mail, received_at)
            log.info("mail from %s ignored: automatic (bounce or auto-reply)", who)
            return ACCEPTED
        if mail.code is None:
            log.info("mail from %s refused: no session code", who)
            return NO_SESSION
        if not mail.sender:
            log.info("mail ignored: no sender address")
            return ACCEPTED
        if not mail.text:  # still the desk's: it answers the child that nothing came through
            log.info("mail from %s has no words: %s", who, mail.problem or "empty")
        try:
            answer = await self.desk.mail_in(mail.sender, mail.code, mail.text, received_at,
                                             mail.message_id, mail.attachments)
        except Exception:
            log.exception("mail from %s not taken: the desk failed", who)
            return TRY_LATER
        if answer and self.responder is not None:
            self._answer(mail, answer)
        return ACCEPTED

    async def _bounced(self, mail: InboundMail, received_at: datetime) -> None:
        if mail.code is None or not mail.failed:
            return
        for address in mail.failed:
            try:
                await self.bounces.mail_bounced(address, mail.code, received_at)
            except Exception:
                log.exception("bounce for %s not recorded", masked(address))

    def _answer(self, mail: InboundMail, text: str) -> None:
        """Sent after the 250, so the body's server is not kept waiting for our own send."""
        assert self.responder is not None
        task = asyncio.ensure_future(self.responder.respond(
            mail.sender, mail.code, text, subject=mail.subject, in_reply_to=mail.message_id))
        self.answers.add(task)
        task.add_done_callback(self.answers.discard)


class MailListener:
    """The SMTP server on EMAIL_LISTEN_HOST:EMAIL_LISTEN_PORT (port 0: any free one)."""

    def __init__(self, handler: MailHandler, *, host: str, port: int) -> None:
        self.handler, self.host, self._port = handler, host, port
        self._server: asyncio.base_events.Server | None = None

    @property
    def port(self) -> int:
        """The bound port (after `start`)."""
        if self._server is None or not self._server.sockets:
            return self._port
        return int(self._server.sockets[0].getsockname()[1])

    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        handler = self.handler

        def factory() -> SMTP:
            return _Smtp(handler, enable_SMTPUTF8=True, hostname=handler.reply_to.domain,
                         ident="mail desk", loop=loop, timeout=120)

        self._server = await loop.create_server(factory, self.host, self._port)
        log.info("mail listener on %s:%s", self.host, self.port)

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None
        answers = list(self.handler.answers)
        if answers:
            await asyncio.wait(answers, timeout=10)

    async def run(self, stop: asyncio.Event) -> None:
        """Listen until `stop` is set."""
        await self.start()
        try:
            await stop.wait()
        finally:
            await self.stop()
