"""Issue 16: the child's address does not take mail. Whether the body's server refuses it at
once (550 at RCPT) or a bounce (a DSN) comes back later to the listener, the mail is
`undeliverable`, and in that same transaction staff read the e-mail reason in the mother's
topic and the mother (who typed the address) is told to check it or choose a messenger.
Real SQLite with the migrations, the real delivery worker, a real SMTP server and the real
listener with the app's desk."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import aiosmtplib
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from flows.delivery import CITIZEN, STAFF, OutboxItem
from flows.messages import OutgoingMessage, Text
from flows.wire import message_from_json
from handlers.email.desk import SessionMailDesk
from handlers.email.listener import MailHandler, MailListener
from handlers.email.sender import EmailSender
from handlers.l10n import Localizer
from handlers.outcomes import Delivered, Delivery
from storage.applications import SqlApplications
from storage.clock import to_db
from storage.mail import SqlMailChildren
from storage.models import Application, InterviewInvite, OutboxMessage, Person
from storage.outbox import enqueue
from storage.sessions import SqlSessions
from tests.clock import MovableClock
from tests.email.conftest import NOW, REPLY_TO, SMTP_FROM, MailServer
from tests.email.test_sender_smtp import StaffGroup, run_outbox

SON = "arman.s@gmail.com"
CODE = "K7Q2M9AB"
INVITATION = "invite-mail:1:0"
BOUNCED = {"address": SON}
ALERT = f"alert:{INVITATION}"  # staff's
TOLD = f"{ALERT}:applicant"  # the mother's
ANSWERS = {
    "region": "kostanay", "body": "kst-rudny", "surname": "Иванова", "first_name": "Айгүл",
    "patronymic": None, "iin": "871008401427", "address": "Рудный, Ленина 1",
    "phone": "+77011234567", "residence": "patronage",
    "children": [{"surname": "Иванов", "first_name": "Нұрлан", "patronymic": None,
                  "birth_date": "2015-09-05"}],
    "period_from": "2026-12-01", "period_to": "2026-12-31", "consent": "yes",
    "id_document": [], "other_documents": [],
}


class Telegram(StaffGroup):
    """The mother's chat and the staff group: who was given which words."""

    def __init__(self) -> None:
        super().__init__()
        self.got: list[tuple[str, int, str, dict[str, Any]]] = []

    def rate_key(self, item: OutboxItem) -> tuple[str, bool]:
        return f"tg:{item.audience}:{item.person_id}", item.audience == STAFF

    async def deliver(self, item: OutboxItem) -> Delivery:
        [part] = message_from_json(item.payload).parts[:1]
        self.got.append((item.audience, item.person_id, part.key, dict(part.args)))
        return Delivered("1")

    def about_the_bounce(self) -> list[tuple[str, int, str, dict[str, Any]]]:
        keys = ("staff-delivery-undeliverable", "staff-delivery-undeliverable-email",
                "email-bounced")
        return [got for got in self.got if got[2] in keys]


async def a_son_invited_by_mail(maker: async_sessionmaker[AsyncSession]) -> tuple[int, int]:
    """A mother applied on Telegram; her son abroad is invited by e-mail: (mother, son)."""
    await SqlApplications(maker).submit("telegram", "42", "visit", ANSWERS, "draft-1", NOW)
    async with maker.begin() as session:
        application = await session.scalar(select(Application))
        assert application is not None
        son = Person(channel="email", external_id=SON, language="ru")
        session.add(son)
        await session.flush()
        session.add(InterviewInvite(application_id=application.id, code=CODE,
                                    expires_at=to_db(NOW + timedelta(days=7)),
                                    child_person_id=son.id, language="ru"))
        enqueue(session, key=INVITATION, audience=CITIZEN, person_id=son.id,
                application_id=application.id,
                message=OutgoingMessage((Text("staff-reply", {"text": "Привет, Арман!"}),)))
        return application.person_id, son.id


def mailer(server: MailServer, maker: async_sessionmaker[AsyncSession],
           clock: MovableClock) -> EmailSender:
    async def no_file(sha256: str) -> bytes:
        raise FileNotFoundError(sha256)

    return EmailSender(server.config, sender=SMTP_FROM, reply_to=REPLY_TO,
                       localizer=Localizer(), threads=SqlMailChildren(maker),
                       read_file=no_file, clock=clock)


async def status_of(maker: async_sessionmaker[AsyncSession], key: str) -> str | None:
    async with maker() as session:
        status: str | None = await session.scalar(
            select(OutboxMessage.status).where(OutboxMessage.key == key))
        return status


async def test_a_refused_address_is_told_to_the_mother_and_to_staff_as_an_e_mail_matter(
    maker: async_sessionmaker[AsyncSession], smtp_server: MailServer, clock: MovableClock
) -> None:
    mother, son = await a_son_invited_by_mail(maker)
    smtp_server.refuse[SON] = "550 5.1.1 <arman.s@gmail.com>: Recipient address rejected"
    telegram = Telegram()

    sender = mailer(smtp_server, maker, clock)
    for key in (TOLD, ALERT):
        await run_outbox(maker, sender, telegram, clock, until=key)

    assert await status_of(maker, INVITATION) == "undeliverable"
    assert sorted(telegram.about_the_bounce()) == [
        (CITIZEN, mother, "email-bounced", BOUNCED),
        (STAFF, mother, "staff-delivery-undeliverable-email", BOUNCED),  # in her topic
    ]
    assert not [got for got in telegram.got if got[1] == son]  # no topic of his own
    assert smtp_server.received == []


def delivery_report(original_id: str) -> bytes:
    """What a receiving server sends back for a mail it accepted, then could not deliver
    (RFC 3464): a note, the per-recipient status, the returned mail's headers."""
    return (
        "From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>\r\n"
        f"To: interview+{CODE}@body.kz\r\n"
        "Subject: Delivery Status Notification (Failure)\r\n"
        "Auto-Submitted: auto-replied\r\n"
        "MIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\r\n'
        "\r\n--B\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
        f"Address not found: your message wasn't delivered to {SON}.\r\n"
        "--B\r\nContent-Type: message/delivery-status\r\n\r\n"
        "Reporting-MTA: dns; googlemail.com\r\n\r\n"
        f"Final-Recipient: rfc822; {SON}\r\nAction: failed\r\nStatus: 5.1.1\r\n"
        "Diagnostic-Code: smtp; 550 5.1.1 The email account does not exist\r\n"
        "\r\n--B\r\nContent-Type: text/rfc822-headers\r\n\r\n"
        f"Message-ID: {original_id}\r\nTo: {SON}\r\nSubject: =?utf-8?b?0JHQtdGB0LXQtNCw?=\r\n"
        "\r\n--B--\r\n").encode()


async def test_a_bounce_that_comes_back_later_is_handled_the_same_way_and_never_relayed(
    maker: async_sessionmaker[AsyncSession], smtp_server: MailServer, clock: MovableClock
) -> None:
    mother, _son = await a_son_invited_by_mail(maker)
    sender = mailer(smtp_server, maker, clock)
    telegram = Telegram()
    assert (await run_outbox(maker, sender, telegram, clock, until=INVITATION)).status == "sent"
    [sent] = smtp_server.received
    assert sent.mail_from == f"interview+{CODE}@body.kz"  # where its bounce comes back
    # The listener as the app wires it: its desk takes the bounces too.
    desk = SessionMailDesk(SqlMailChildren(maker), SqlSessions(maker), Localizer(), "ru",
                           lambda: None)
    listener = MailListener(MailHandler(desk, reply_to=REPLY_TO, clock=clock),
                            host="127.0.0.1", port=0)
    await listener.start()
    try:
        report = delivery_report(str(sent.mail["Message-ID"]))
        async with aiosmtplib.SMTP(hostname="127.0.0.1", port=listener.port,
                                   start_tls=False, timeout=10) as client:
            await client.sendmail("", [sent.mail_from], report)
            await client.sendmail("", [sent.mail_from], report)  # reported twice
            # A bounce naming a code that is not his invite's: a forgery, or someone else's.
            await client.sendmail("", ["interview+ZZZZ2222@body.kz"], report)
    finally:
        await listener.stop()

    for key in (TOLD, ALERT):
        await run_outbox(maker, sender, telegram, clock, until=key)

    assert await status_of(maker, INVITATION) == "undeliverable"
    assert sorted(telegram.about_the_bounce()) == [  # once, though reported twice
        (CITIZEN, mother, "email-bounced", BOUNCED),
        (STAFF, mother, "staff-delivery-undeliverable-email", BOUNCED),
    ]
    async with maker() as session:
        keys = list(await session.scalars(select(OutboxMessage.key)))
    assert not [key for key in keys if key.startswith("session:")]  # nothing relayed
    assert len(smtp_server.received) == 1  # and nothing answered
