"""The e-mail sender against a real SMTP server on 127.0.0.1: what arrives, and what the
outbox makes of a refusal."""

from __future__ import annotations

import asyncio
import hashlib
from datetime import timedelta
from email.message import EmailMessage
from email.utils import parsedate_to_datetime
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.delivery import DeliveryWorker
from flows.delivery import CITIZEN, OutboxItem
from flows.messages import OutgoingMessage, Text
from flows.wire import message_to_json
from handlers.email.sender import EmailSender, SmtpConfig
from handlers.l10n import LANGUAGES, Localizer
from handlers.outcomes import Blocked, Delivered, Delivery, Rejected, Transient
from storage.models import OutboxMessage, Person
from storage.outbox import OutboxStore, enqueue
from tests.clock import MovableClock
from tests.email.conftest import NOW, REPLY_TO, SMTP_FROM, MailServer, free_port

CHILD = "aigerim.k@example.de"
ICS = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
ICS_SHA = hashlib.sha256(ICS).hexdigest()
FOOTER_WORDS = {"kk": "Маманға жазу үшін", "ru": "Чтобы написать специалисту",
                "en": "To write to the specialist"}


class Threads:
    """The session each person takes part in (storage answers this in the app)."""

    def __init__(self, codes: dict[int, str] | None = None) -> None:
        self.codes = codes or {}

    async def code_for(self, person_id: int, address: str, application_id: int | None = None,
                       child: int | None = None) -> str | None:
        return self.codes.get(person_id)


async def read_file(sha256: str) -> bytes:
    if sha256 == ICS_SHA:
        return ICS
    raise FileNotFoundError(sha256)


def sender_for(server: MailServer, clock: MovableClock, *,
               config: SmtpConfig | None = None, **options: Any) -> EmailSender:
    return EmailSender(config or server.config, sender=SMTP_FROM, reply_to=REPLY_TO,
                       localizer=Localizer(), threads=Threads({7: "K7Q2M9"}),
                       read_file=read_file, clock=clock, **options)


def item(text: str = "Сәлем, Айгерім!", *, language: str = "kk", to: str = CHILD,
         document: dict[str, str] | None = None, item_id: int = 41) -> OutboxItem:
    message = OutgoingMessage((Text("staff-reply", {"text": text}),))
    return OutboxItem(item_id, f"relay:{item_id}", CITIZEN, 7, "email", to, language,
                      message_to_json(message, document), 1)


def plain(mail: EmailMessage) -> str:
    part = mail.get_body(("plain",))
    assert isinstance(part, EmailMessage)
    return str(part.get_content())


@pytest.mark.parametrize("lang", LANGUAGES)
async def test_a_message_arrives_as_a_threaded_mail_with_its_calendar_file(
    smtp_server: MailServer, clock: MovableClock, lang: str
) -> None:
    invite = item(language=lang, document={"sha256": ICS_SHA, "name": "ӨП-2026-00001",
                                           "mime": "text/calendar"})
    result = await sender_for(smtp_server, clock).deliver(invite)

    [got] = await smtp_server.next_mail()
    mail = got.mail
    assert isinstance(result, Delivered) and result.provider_id == mail["Message-ID"]
    assert got.rcpt_tos == [CHILD]
    # Bounces come back to the listener, tagged with the session.
    assert got.mail_from == "interview+K7Q2M9@body.kz"
    assert mail["To"] == CHILD
    assert mail["From"].addresses[0].addr_spec == "noreply@body.kz"
    assert mail["Reply-To"] == "interview+K7Q2M9@body.kz"
    assert mail["In-Reply-To"] == mail["References"] == "<interview-K7Q2M9@body.kz>"
    assert abs(parsedate_to_datetime(str(mail["Date"])) - NOW) < timedelta(seconds=30)
    text = plain(mail)
    assert "Сәлем, Айгерім!" in text and FOOTER_WORDS[lang] in text
    for words in (text, str(mail["Subject"])):
        assert "{ $" not in words and "{$" not in words
    [calendar] = list(mail.iter_attachments())
    assert isinstance(calendar, EmailMessage)
    assert calendar.get_content_type() == "text/calendar"
    assert calendar.get_payload(decode=True) == ICS


async def test_a_message_sent_again_keeps_its_message_id(
    smtp_server: MailServer, clock: MovableClock
) -> None:
    sender = sender_for(smtp_server, clock, gap=0)
    await sender.deliver(item())
    await sender.deliver(item())  # a retry after a timeout that had in fact gone through

    first, second = await smtp_server.next_mail(2)
    assert first.mail["Message-ID"] == second.mail["Message-ID"]


async def test_a_refused_recipient_is_blocked(smtp_server: MailServer,
                                              clock: MovableClock) -> None:
    smtp_server.refuse[CHILD] = "550 5.1.1 <aigerim.k@example.de>: Recipient address rejected"
    result = await sender_for(smtp_server, clock).deliver(item())

    assert isinstance(result, Blocked) and "550" in result.error
    assert smtp_server.received == []
    # what the server said goes to the log and the outbox's last error, neither sealed:
    # the child's address in it is masked
    assert "a***@example.de" in result.error and "aigerim.k" not in result.error


async def test_a_deferred_recipient_is_tried_again(smtp_server: MailServer,
                                                   clock: MovableClock) -> None:
    smtp_server.refuse[CHILD] = "450 4.2.0 <aigerim.k@example.de>: Greylisted, try later"
    result = await sender_for(smtp_server, clock).deliver(item())
    assert isinstance(result, Transient) and "aigerim.k" not in result.error


async def test_a_message_refused_as_a_whole_is_rejected(smtp_server: MailServer,
                                                        clock: MovableClock) -> None:
    smtp_server.refuse_data = "554 5.7.1 Message rejected as spam"
    assert isinstance(await sender_for(smtp_server, clock).deliver(item()), Rejected)


async def test_a_server_that_is_down_is_a_transient_failure(clock: MovableClock) -> None:
    down = SmtpConfig(host="127.0.0.1", port=free_port(), starttls=False, timeout=2)
    result = await sender_for(MailServer(), clock, config=down).deliver(item())
    assert isinstance(result, Transient)


async def test_a_missing_calendar_file_is_not_sent_without_it(
    smtp_server: MailServer, clock: MovableClock
) -> None:
    gone = item(document={"sha256": "0" * 64, "name": "x.ics", "mime": "text/calendar"})
    assert isinstance(await sender_for(smtp_server, clock).deliver(gone), Rejected)
    assert smtp_server.received == []


async def test_mails_to_different_children_keep_a_global_pace(
    smtp_server: MailServer, clock: MovableClock
) -> None:
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    sender = sender_for(smtp_server, clock, sleep=sleep, monotonic=lambda: 100.0)
    await sender.deliver(item(to="one@example.de"))
    await sender.deliver(item(to="two@example.de"))

    assert waits == [0.5]  # two a second at most, whoever they are for
    assert sender.rate_key(item(to="One@Example.de")) == ("mail:one@example.de", False)


# ----------------------------------------------------------- through the outbox and worker


class StaffGroup:
    """The staff side (Telegram in the app): what it was given."""

    def __init__(self) -> None:
        self.keys: list[str] = []

    def rate_key(self, item: OutboxItem) -> tuple[str, bool]:
        return "tg:staff", True

    async def deliver(self, item: OutboxItem) -> Delivery:
        self.keys.append(item.payload["parts"][0]["key"])
        return Delivered("1")


async def run_outbox(maker: async_sessionmaker[AsyncSession], sender: EmailSender,
                     staff: StaffGroup, clock: MovableClock, until: str) -> OutboxMessage:
    """Deliver until the message keyed `until` is settled; that message."""
    worker = DeliveryWorker(OutboxStore(maker), {"email": sender, "telegram": staff},
                            clock=clock, poll_interval=0.05)
    stop = asyncio.Event()
    task = asyncio.create_task(worker.run(stop))
    try:
        async with asyncio.timeout(10):
            while True:
                async with maker() as session:
                    row = await session.scalar(select(OutboxMessage).where(
                        OutboxMessage.key == until))
                if row is not None and row.status not in ("pending", "sending"):
                    return row
                await asyncio.sleep(0.05)
    finally:
        stop.set()
        await task


async def a_child_by_email(maker: async_sessionmaker[AsyncSession]) -> int:
    async with maker.begin() as session:
        child = Person(channel="email", external_id=CHILD, language="ru")
        session.add(child)
        await session.flush()
        enqueue(session, key="relay:1", audience=CITIZEN, person_id=child.id,
                message=OutgoingMessage((Text("staff-reply", {"text": "Привет, Айгерим!"}),)))
        return child.id


async def test_the_outbox_delivers_a_childs_message_by_mail(
    maker: async_sessionmaker[AsyncSession], smtp_server: MailServer, clock: MovableClock
) -> None:
    child = await a_child_by_email(maker)
    sender = EmailSender(smtp_server.config, sender=SMTP_FROM, reply_to=REPLY_TO,
                         localizer=Localizer(), threads=Threads({child: "K7Q2M9"}),
                         read_file=read_file, clock=clock)

    row = await run_outbox(maker, sender, StaffGroup(), clock, until="relay:1")

    assert row.status == "sent"
    [got] = smtp_server.received
    assert "Привет, Айгерим!" in plain(got.mail) and "Чтобы написать специалисту" in \
        plain(got.mail)
    assert row.provider_message_id == got.mail["Message-ID"]


async def test_an_address_that_bounces_is_undeliverable_and_staff_are_told(
    maker: async_sessionmaker[AsyncSession], smtp_server: MailServer, clock: MovableClock
) -> None:
    child = await a_child_by_email(maker)
    smtp_server.refuse[CHILD] = "550 5.1.1 User unknown"
    staff = StaffGroup()
    sender = EmailSender(smtp_server.config, sender=SMTP_FROM, reply_to=REPLY_TO,
                         localizer=Localizer(), threads=Threads({child: "K7Q2M9"}),
                         read_file=read_file, clock=clock)

    row = await run_outbox(maker, sender, staff, clock, until="relay:1")
    assert row.status == "undeliverable" and "550" in (row.last_error or "")
    await run_outbox(maker, sender, staff, clock, until="alert:relay:1")
    assert staff.keys == ["staff-delivery-undeliverable-email"]



async def test_the_invitations_own_calendar_file_goes_with_the_mail(
    smtp_server: MailServer, clock: MovableClock
) -> None:
    """The invitation carries its .ics in the message itself (no stored file)."""
    from dataclasses import replace

    from flows.messages import Attachment

    invite = item()
    message = replace(OutgoingMessage((Text("staff-reply", {"text": "Сәлем!"}),)),
                      attachment=Attachment("interview.ics", ICS, "text/calendar"))
    invite = replace(invite, payload=message_to_json(message))
    await sender_for(smtp_server, clock).deliver(invite)

    [got] = await smtp_server.next_mail()
    [calendar] = list(got.mail.iter_attachments())
    assert isinstance(calendar, EmailMessage)
    assert calendar.get_content_type() == "text/calendar"
    assert calendar.get_payload(decode=True) == ICS
