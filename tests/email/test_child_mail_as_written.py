"""The child's e-mail channel as children, their mail clients and mail servers really write:
a reply below the quote, a mail handed over twice, an address in its own letters, siblings
sharing one mailbox, a drawing attached. Each was a defect a probe found."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import aiosmtplib
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from flows.delivery import CITIZEN, STAFF
from flows.messages import Text
from flows.validators import parse_email
from flows.wire import message_from_json
from handlers.email.desk import SessionMailDesk
from handlers.email.inbound import parse_mail
from handlers.email.listener import MailHandler, MailListener
from handlers.email.sender import EmailSender, SmtpResponder
from handlers.l10n import Localizer
from storage.applications import SqlApplications
from storage.clock import to_db
from storage.mail import SqlMailChildren
from storage.models import (
    Application,
    InterviewBooking,
    InterviewInvite,
    InterviewSession,
    OutboxMessage,
    Person,
)
from storage.sessions import SqlSessions
from tests.clock import MovableClock
from tests.email.conftest import NOW, REPLY_TO, SMTP_FROM, MailServer, child_mail
from tests.email.test_sender_smtp import StaffGroup, plain, run_outbox

L10N = Localizer()
SON = "arman.s@gmail.com"
CODE = "K7Q2M9AB"
SISTER_CODE = "P3X8W4CD"
TAGGED = f"interview+{CODE}@body.kz"
ANSWERS: dict[str, Any] = {
    "region": "kostanay", "body": "kst-rudny", "surname": "Иванова", "first_name": "Айгүл",
    "patronymic": None, "iin": "871008401427", "address": "Рудный, Ленина 1",
    "phone": "+77011234567", "residence": "patronage",
    "children": [{"surname": "Иванов", "first_name": "Арман", "patronymic": None,
                  "birth_date": "2012-09-05"},
                 {"surname": "Иванова", "first_name": "Дана", "patronymic": None,
                  "birth_date": "2014-03-01"}],
    "period_from": "2026-12-01", "period_to": "2026-12-31", "consent": "yes",
    "id_document": [], "other_documents": [],
}


def read(data: bytes, *, sender: str = "aigerim.k@example.de") -> Any:
    return parse_mail(data, reply_to=REPLY_TO, recipients=("interview+K7Q2M9@body.kz",),
                      envelope_from=sender)


# ------------------------------------------------------------------ a real conversation


@dataclass
class Family:
    application: int
    mother: int
    children: list[int]  # the person each invite is given to


async def a_family(maker: async_sessionmaker[AsyncSession], addresses: list[str]) -> Family:
    """A mother (Telegram, Kazakh) applied; her children abroad are invited by e-mail at
    `addresses` (one per child; the same address twice: siblings sharing a mailbox); each
    child's time is booked, the application is under review."""
    await SqlApplications(maker).submit("telegram", "42", "visit", ANSWERS, "draft-1", NOW)
    async with maker.begin() as session:
        application = await session.scalar(select(Application))
        assert application is not None
        application.status = "under_review"
        mother = await session.get(Person, application.person_id)
        assert mother is not None
        mother.language = "kk"
        people: dict[str, Person] = {}
        for address in addresses:
            if address not in people:
                people[address] = Person(channel="email", external_id=address, language="ru")
                session.add(people[address])
        await session.flush()
        for position, address in enumerate(addresses):
            session.add(InterviewInvite(
                application_id=application.id, child_position=position,
                code=(CODE, SISTER_CODE)[position],
                expires_at=to_db(NOW + timedelta(days=7)), used_at=to_db(NOW),
                child_person_id=people[address].id, language="ru"))
            session.add(InterviewBooking(
                application_id=application.id, child_position=position, body_code="kst-rudny",
                slot_key=f"20261123{11 + position:02d}00",
                starts_at=to_db(NOW + timedelta(hours=1 + position))))
        return Family(application.id, application.person_id,
                      [people[address].id for address in addresses])


def desk_of(maker: async_sessionmaker[AsyncSession]) -> SessionMailDesk:
    return SessionMailDesk(SqlMailChildren(maker), SqlSessions(maker), L10N, "kk", lambda: None)


@dataclass
class Listener:
    listener: MailListener
    handler: MailHandler

    async def send(self, data: bytes, *, to: str = TAGGED, sender: str = SON) -> None:
        async with aiosmtplib.SMTP(hostname="127.0.0.1", port=self.listener.port,
                                   start_tls=False, timeout=10) as client:
            await client.sendmail(sender, [to], data)

    async def answers_sent(self) -> None:
        for task in list(self.handler.answers):
            await task


@pytest.fixture
async def listener(maker: async_sessionmaker[AsyncSession], smtp_server: MailServer,
                   clock: MovableClock) -> AsyncIterator[Listener]:
    handler = MailHandler(desk_of(maker), reply_to=REPLY_TO, clock=clock,
                          responder=SmtpResponder(smtp_server.config, sender=SMTP_FROM,
                                                  reply_to=REPLY_TO, clock=clock))
    server = MailListener(handler, host="127.0.0.1", port=0)
    await server.start()
    yield Listener(server, handler)
    await server.stop()


async def outbox(maker: async_sessionmaker[AsyncSession]) -> list[OutboxMessage]:
    async with maker() as session:
        return list(await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


async def relayed(maker: async_sessionmaker[AsyncSession], audience: str = STAFF,
                  who: str = "staff") -> list[str]:
    """The texts relayed in a conversation to `who` (staff, parent, child)."""
    return [str(message_from_json(row.payload).parts[0].args["text"])
            for row in await outbox(maker)
            if row.key.startswith("session:") and row.key.endswith(f":{who}")
            and row.audience == audience]


async def transcript(maker: async_sessionmaker[AsyncSession]) -> list[dict[str, Any]]:
    async with maker() as session:
        row = await session.scalar(select(InterviewSession))
        assert row is not None
        return list(row.transcript.get("lines", []))


# ------------------------------------------------------------------ what the child writes


def test_a_reply_written_below_the_quote_reaches_staff() -> None:
    """Bottom-posting (Thunderbird's option, many phone clients when the child scrolls
    down): the attribution, the quoted question, then the child's answer below it."""
    text = ("25.11.2026 11:00, Специалист пишет:\n"
            "> Как тебе в Берлине?\n\n"
            "Хорошо, но я скучаю по маме.\n")
    assert read(child_mail(text).as_bytes()).text == "Хорошо, но я скучаю по маме."


async def test_the_same_mail_delivered_twice_reaches_the_conversation_once(
    maker: async_sessionmaker[AsyncSession], listener: Listener
) -> None:
    """The body's server hands the same mail over again (its connection dropped after our
    250, a retry after a timeout): one Message-ID, one message in the conversation."""
    family = await a_family(maker, [SON])
    assert await SqlSessions(maker).start(family.application, "staff:1", NOW) is None
    mail = child_mail("Я хочу жить с мамой.", sender=f"Arman <{SON}>", to=TAGGED,
                      message_id="<reply-1@example.de>").as_bytes()
    await listener.send(mail)
    await listener.send(mail)

    assert await relayed(maker) == ["Я хочу жить с мамой."]
    assert [line["text"] for line in await transcript(maker)] == ["Я хочу жить с мамой."]


async def test_a_reply_from_an_address_with_a_cyrillic_domain_reaches_the_conversation(
    maker: async_sessionmaker[AsyncSession], listener: Listener
) -> None:
    """The mother typed arman@почта.рф; the bot stores it in punycode. The
    son's client writes his From in its own letters (SMTPUTF8, which the listener offers):
    it is still his address."""
    stored = parse_email("arman@почта.рф")
    assert stored == "arman@xn--80a1acny.xn--p1ai"
    await a_family(maker, [stored])
    assert await SqlSessions(maker).start(1, "staff:1", NOW) is None
    mail = ("From: Арман <arman@почта.рф>\r\n"
            f"To: {TAGGED}\r\nSubject: Re: Беседа\r\nMessage-ID: <idn-1@xn--80a1acny.xn--p1ai>\r\n"
            "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
            "Content-Transfer-Encoding: 8bit\r\n\r\nЯ хочу жить с мамой.\r\n").encode()
    await listener.send(mail, sender=stored)

    assert await relayed(maker) == ["Я хочу жить с мамой."]


async def test_siblings_sharing_a_mailbox_each_get_mails_with_their_own_code(
    maker: async_sessionmaker[AsyncSession], smtp_server: MailServer, clock: MovableClock
) -> None:
    """Arman and Dana abroad share one family mailbox; the mother gave it for both. During
    Arman's conversation the specialist writes to him: the mail must carry Arman's code,
    else his reply goes to Dana's conversation (not open: "not passed on")."""
    family = await a_family(maker, ["family@example.de", "family@example.de"])
    sessions_ = SqlSessions(maker)
    assert await sessions_.start(family.application, "staff:1", NOW, child=0) is None
    async with maker() as session:
        arman = await session.scalar(select(InterviewSession.id))
    assert arman is not None
    await sessions_.relay(arman, "specialist", "Арман, привет! Как дела?", NOW)
    [key] = [row.key for row in await outbox(maker) if row.key.endswith(":child")]

    sender = EmailSender(smtp_server.config, sender=SMTP_FROM, reply_to=REPLY_TO,
                         localizer=L10N, threads=SqlMailChildren(maker),
                         read_file=_no_file, clock=clock, gap=0)
    assert (await run_outbox(maker, sender, StaffGroup(), clock, until=key)).status == "sent"
    [question] = [got.mail for got in smtp_server.received
                  if "Как дела" in plain(got.mail)]
    assert question["Reply-To"] == f"interview+{CODE}@body.kz"  # Arman's, not Dana's

    # What follows when it does not: Arman answers, and the answer is lost.
    reply_to = str(question["Reply-To"])
    code = REPLY_TO.code_of(reply_to)
    assert code is not None
    answer = await desk_of(maker).mail_in("family@example.de", code, "Хорошо!", NOW)
    assert answer is None and await relayed(maker) == ["Хорошо!"]


async def _no_file(sha256: str) -> bytes:
    raise FileNotFoundError(sha256)


async def test_a_drawing_attached_is_named_to_staff_alone_never_as_the_childs_words(
    maker: async_sessionmaker[AsyncSession], listener: Listener
) -> None:
    """The son sends a line and a photo. Staff are told (in their language, at delivery)
    that the file was not passed on; the mother, who reads Kazakh, gets his words only, and
    the transcript holds only what he wrote. A mail of a photo alone tells staff the same."""
    family = await a_family(maker, [SON])
    assert await SqlSessions(maker).start(family.application, "staff:1", NOW) is None
    for words, message_id in (("Вот мой рисунок.", "<drawing-1@example.de>"),
                              ("", "<drawing-2@example.de>")):
        mail = child_mail(words, sender=f"Arman <{SON}>", to=TAGGED, message_id=message_id)
        mail.add_attachment(b"\x89PNG\r\n" + b"\0" * 64, maintype="image", subtype="png",
                            filename="рисунок.png")
        await listener.send(mail.as_bytes())

    assert await relayed(maker, CITIZEN, "parent") == ["Вот мой рисунок."]
    assert [line["text"] for line in await transcript(maker)] == ["Вот мой рисунок."]
    to_staff = [message_from_json(row.payload) for row in await outbox(maker)
                if row.audience == STAFF and row.key.startswith("session:")]
    dropped = Text("email-attachments-dropped", {"names": "рисунок.png"})
    assert [message.parts[1:] for message in to_staff] == [(dropped,), ()]
    assert [message.parts[0] for message in to_staff][1] == dropped


def test_an_auto_reply_marked_only_by_its_precedence_is_not_the_childs_words() -> None:
    mail = child_mail("I am on holiday until Monday.", headers={"Precedence": "auto_reply"})
    assert read(mail.as_bytes()).automatic


async def test_a_reply_from_another_address_is_not_passed_on_but_staff_are_told_once(
    maker: async_sessionmaker[AsyncSession], listener: Listener
) -> None:
    """Arman answers from his school address, not the one his mother gave. Anyone may write
    any From, so his words are not passed on; but before, nobody learnt of it: Arman waited
    for an answer, and staff for his. Staff are told, once for that address, in the
    mother's topic; a made-up code tells nobody anything."""
    family = await a_family(maker, [SON])
    assert await SqlSessions(maker).start(family.application, "staff:1", NOW) is None
    before = {row.id for row in await outbox(maker)}
    school = "arman.ivanov@schule-berlin.de"
    for n, code in enumerate((CODE, CODE, "ZZZZ9999")):
        mail = child_mail("Я хочу жить с мамой.", sender=f"Arman <{school}>",
                          to=f"interview+{code}@body.kz",
                          message_id=f"<school-{n}@schule-berlin.de>")
        await listener.send(mail.as_bytes(), to=f"interview+{code}@body.kz", sender=school)

    assert await relayed(maker) == []
    told = [row for row in await outbox(maker) if row.id not in before]
    assert [(row.person_id, row.application_id) for row in told] == [
        (family.mother, family.application)]
    [note] = message_from_json(told[0].payload).parts
    assert note == Text("staff-mail-from-another-address", {
        "address": school, "invited": SON, "child": "Иванов Арман"})
