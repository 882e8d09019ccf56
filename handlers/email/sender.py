"""Outbox messages -> e-mail, through the body's SMTP server (aiosmtplib).

What the server answers becomes the worker's outcome:

- a connection that fails, times out or drops, and any 4xx (greylisting, a full queue):
  `Transient`, tried again with the outbox's backoff;
- the recipient refused with a 5xx (550 no such mailbox, 553 bad address, 552 mailbox full)
  or an address that cannot be written on an SMTP line: `Blocked` — the address bounces. The
  outbox marks the message `undeliverable` and, in the same transaction, tells staff in the
  applicant's topic (`staff-delivery-undeliverable-email`) and the parent who gave the address
  (`email-bounced`: check it, or choose Telegram or WhatsApp), storage/outbox.py `mark_failed`;
- the message refused as a whole with a 5xx after DATA (content, size, policy): `Rejected`
  (`failed`, and staff are told with `staff-delivery-failed`);
- our own sender address refused with a 5xx (a misconfigured SMTP_FROM): `Rejected` too.
  A refused login stays `Transient`: the message is fine, the settings are not, and a fix
  within the retries still delivers it.

A relay often accepts a mail for any address and bounces it later. So the envelope sender
(Return-Path) is the session's tagged inbound address: the later bounce (a DSN) comes back to
the listener (listener.py), which hands it to its `BounceDesk` (desk.py): the mail is then
marked `undeliverable` the same way, and the same people are told.

Pace: the worker keeps one mail a second per address (`rate_key`); this sender adds a global
gap of 0.5 s between two mails, at most two a second. Submission servers (the body's own,
or a provider's relay) throttle a sender that bursts and receivers greylist one, while a
conversation with a child is a few mails a minute: the gap never delays a real conversation
and keeps a backlog after an outage (reminders, a restart) within what the relay takes.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import re
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Protocol

import aiosmtplib

from flows.clock import Clock
from flows.delivery import OutboxItem
from flows.filetypes import proper_name
from flows.messages import Attachment
from flows.ports import UnreadableFile
from flows.wire import document_of, message_from_json
from handlers.email.compose import ReplyAddress, compose, compose_reply
from handlers.l10n import Localizer
from handlers.outcomes import Blocked, Delivered, Delivery, Rejected, Transient

log = logging.getLogger(__name__)

GLOBAL_GAP = 0.5  # seconds between two mails, whoever they are for: at most 2 a second
SEND_TIMEOUT = 30.0


def masked(address: str) -> str:
    """`k***@gmail.com`: enough to tell two addresses apart in a log, not to write to one."""
    local, at, domain = address.rpartition("@")
    if not at:
        return "***"
    return f"{local[:1]}***@{domain}"


@dataclass(frozen=True)
class SmtpConfig:
    """SMTP_HOST, SMTP_PORT, SMTP_USERNAME, SMTP_PASSWORD, SMTP_STARTTLS. Port 465 speaks
    TLS from the first byte; elsewhere SMTP_STARTTLS demands the upgrade (on by default)."""

    host: str
    port: int = 587
    username: str = ""
    password: str = field(default="", repr=False)
    starttls: bool = True
    timeout: float = SEND_TIMEOUT


async def send_mail(config: SmtpConfig, mail: EmailMessage, *, envelope_from: str,
                    recipient: str) -> str:
    """One mail, on a connection of its own; the server's last answer. Raises aiosmtplib's
    errors, OSError, or ValueError for an address that cannot go on an SMTP line."""
    implicit_tls = config.port == 465
    _, reply = await aiosmtplib.send(
        mail, sender=envelope_from, recipients=[recipient],
        hostname=config.host, port=config.port,
        username=config.username or None, password=config.password or None,
        use_tls=implicit_tls, start_tls=config.starttls and not implicit_tls,
        timeout=config.timeout)
    return reply


class MailThreads(Protocol):
    async def code_for(self, person_id: int, address: str, application_id: int | None = None,
                       child: int | None = None) -> str | None:
        """The code of the conversation this person (a child reached at `address`) takes
        part in: that child's invite in that application when the message names them
        (siblings may share one mailbox), else their latest invite's, even after it ended,
        so late mails stay in the thread. None: the mail goes without Reply-To tag and
        thread headers."""
        ...


class EmailSender:
    def __init__(
        self,
        config: SmtpConfig,
        *,
        sender: str,  # SMTP_FROM, e.g. "Қорғаншылық органы <noreply@body.kz>"
        reply_to: ReplyAddress,  # EMAIL_REPLY_TO
        localizer: Localizer,
        threads: MailThreads,
        read_file: Callable[[str], Awaitable[bytes]],  # a stored file by its SHA-256
        clock: Clock,
        gap: float = GLOBAL_GAP,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.config, self.sender, self.reply_to = config, sender, reply_to
        self.l10n, self.threads, self.read_file, self.clock = localizer, threads, read_file, clock
        self.gap, self.monotonic, self.sleep = gap, monotonic, sleep
        self._last: float | None = None
        self._pace = asyncio.Lock()

    def rate_key(self, item: OutboxItem) -> tuple[str, bool]:
        return f"mail:{item.external_id.lower()}", False

    async def deliver(self, item: OutboxItem) -> Delivery:
        if item.person_id is None:  # the staff group's own messages go by Telegram
            return Rejected("not a citizen's message")
        address = item.external_id.strip().lower()
        try:
            child = item.payload.get("child")
            code = await self.threads.code_for(item.person_id, address, item.application_id,
                                               child if isinstance(child, int) else None)
            attachments = await self._attachments(item)
            unique = f"{item.id}.{hashlib.sha256(item.key.encode()).hexdigest()[:10]}"
            # The same id on every attempt: a mail that went out before a timeout and goes
            # again is one mail to the reader's client.
            message_id = self.reply_to.message_id(code, unique)
            mail = compose(message_from_json(item.payload), localizer=self.l10n,
                           language=item.language, sender=self.sender, to=address,
                           reply_to=self.reply_to, code=code, message_id=message_id,
                           now=self.clock(), attachments=attachments)
            await self._paced(mail, self.reply_to.tagged(code), address)
        except (FileNotFoundError, UnreadableFile) as error:  # sending again cannot help
            log.error("mail %s not sent: its file is unreadable", item.key)
            return Rejected(f"file unreadable: {error}")
        except aiosmtplib.SMTPRecipientsRefused as error:
            return _recipient_refused(error, address)
        except aiosmtplib.SMTPSenderRefused as error:
            if error.code >= 500:
                log.error("the SMTP server refuses our sender address: %s", error.code)
                return Rejected(f"sender refused: {_reply(error)}")
            return Transient(f"sender refused: {_reply(error)}")
        except aiosmtplib.SMTPDataError as error:
            if error.code >= 500:
                return Rejected(f"message refused: {_reply(error)}")
            return Transient(f"message deferred: {_reply(error)}")
        except aiosmtplib.SMTPAuthenticationError as error:
            log.error("SMTP login refused (%s): check SMTP_USERNAME and SMTP_PASSWORD",
                      error.code)
            return Transient(f"login refused: {error.code}")
        except aiosmtplib.SMTPResponseException as error:  # on connect, EHLO, STARTTLS
            return Transient(f"SMTP {_reply(error)}")
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as error:
            return Transient(f"{type(error).__name__}: {_unaddressed(str(error))}")
        except ValueError as error:  # the address cannot be written on an SMTP line
            log.warning("mail to %s not sent: not a usable address", masked(address))
            return Blocked(f"not a usable address: {error}")
        return Delivered(message_id)

    async def _attachments(self, item: OutboxItem) -> list[Attachment]:
        """The file the message carries itself (the invitation's .ics), then a stored one."""
        carried = message_from_json(item.payload).attachment
        attachments = [carried] if carried is not None else []
        document = document_of(item.payload)
        if document is None:
            return attachments
        data = await self.read_file(document["sha256"])
        mime = document.get("mime") or "application/octet-stream"
        name = proper_name(document.get("name") or document["sha256"][:12], mime)
        return [*attachments, Attachment(name, data, mime)]

    async def _paced(self, mail: EmailMessage, envelope_from: str, recipient: str) -> None:
        async with self._pace:
            if self._last is not None:
                wait = self._last + self.gap - self.monotonic()
                if wait > 0:
                    await self.sleep(wait)
            try:
                await send_mail(self.config, mail, envelope_from=envelope_from,
                                recipient=recipient)
            finally:
                self._last = self.monotonic()


# A server's reply often names the address ("550 5.1.1 <arman.s@gmail.com>: no such user"):
# it goes to the log and to the outbox's last error, which are not sealed, so masked.
_ADDRESS = re.compile(r"[^\s<>@\"']+@[^\s<>@\"']+")


def _unaddressed(text: str) -> str:
    return _ADDRESS.sub(lambda found: masked(found[0]), text)


def _reply(error: aiosmtplib.SMTPResponseException) -> str:
    return f"{error.code} {_unaddressed(error.message)}"


def _recipient_refused(error: aiosmtplib.SMTPRecipientsRefused, address: str) -> Delivery:
    refusals = error.recipients
    codes = [refusal.code for refusal in refusals]
    detail = "; ".join(_reply(refusal) for refusal in refusals)
    if codes and all(code >= 500 for code in codes):
        log.warning("mail to %s bounced: %s", masked(address), codes)
        return Blocked(f"recipient refused: {detail}")
    return Transient(f"recipient deferred: {detail}")


class SmtpResponder:
    """Sends the listener's polite answers (listener.py `Responder`) through the same server."""

    def __init__(self, config: SmtpConfig, *, sender: str, reply_to: ReplyAddress,
                 clock: Clock) -> None:
        self.config, self.sender, self.reply_to, self.clock = config, sender, reply_to, clock

    async def respond(self, to: str, code: str | None, text: str, *, subject: str,
                      in_reply_to: str) -> None:
        mail = compose_reply(text, sender=self.sender, to=to, reply_to=self.reply_to,
                             code=code, subject_line=subject, in_reply_to=in_reply_to,
                             message_id=self.reply_to.message_id(code, secrets.token_hex(8)),
                             now=self.clock())
        # Its bounce, like any other, comes back to the listener; the listener never
        # answers a bounce or an auto-reply, so two robots cannot talk in a loop.
        try:
            await send_mail(self.config, mail, envelope_from=self.reply_to.tagged(code),
                            recipient=to)
        except (aiosmtplib.SMTPException, OSError, TimeoutError, ValueError) as error:
            log.warning("answer to %s not sent: %s", masked(to), type(error).__name__)
