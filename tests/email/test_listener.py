"""The SMTP listener, fed by a real SMTP client (aiosmtplib) as the body's mail server would:
what reaches the session, what is refused at the door, what is answered."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage

import aiosmtplib
import pytest

from handlers.email.listener import MailHandler, MailListener
from handlers.email.sender import SmtpResponder
from tests.clock import MovableClock
from tests.email.conftest import NOW, REPLY_TO, SMTP_FROM, MailServer, child_mail

CHILD = "aigerim.k@example.de"
ANSWER = "Здравствуйте! Я хочу остаться жить с бабушкой."


@dataclass
class Desk:
    """The session side (storage in the app): what it was handed, what it answers."""

    mails: list[tuple[str, str, str, datetime]] = field(default_factory=list)
    dropped: list[Sequence[str]] = field(default_factory=list)
    bounced: list[tuple[str, str]] = field(default_factory=list)
    answer: str | None = None
    broken: bool = False

    async def mail_in(self, address: str, code: str, text: str,
                      received_at: datetime, message_id: str = "",
                      dropped: Sequence[str] = ()) -> str | None:
        if self.broken:
            raise ConnectionError("database is down")
        self.mails.append((address, code, text, received_at))
        self.dropped.append(dropped)
        return self.answer

    async def mail_bounced(self, address: str, code: str, received_at: datetime) -> None:
        self.bounced.append((address, code))


@dataclass
class Inbox:
    desk: Desk
    listener: MailListener
    handler: MailHandler

    async def send(self, mail: EmailMessage | bytes, *, to: str = "interview+K7Q2M9@body.kz",
                   sender: str = CHILD) -> None:
        """As the body's mail server hands a mail on; sender "" is a bounce's null sender."""
        data = mail if isinstance(mail, bytes) else mail.as_bytes()
        client = aiosmtplib.SMTP(hostname="127.0.0.1", port=self.listener.port,
                                 start_tls=False, timeout=30)
        async with client:
            await client.sendmail(sender, [to], data)

    async def answers_sent(self) -> None:
        for task in list(self.handler.answers):
            await task


@pytest.fixture
async def inbox(smtp_server: MailServer, clock: MovableClock) -> AsyncIterator[Inbox]:
    desk = Desk()
    handler = MailHandler(
        desk, reply_to=REPLY_TO, clock=clock,
        responder=SmtpResponder(smtp_server.config, sender=SMTP_FROM, reply_to=REPLY_TO,
                                clock=clock),
        bounces=desk)
    listener = MailListener(handler, host="127.0.0.1", port=0)
    await listener.start()
    yield Inbox(desk, listener, handler)
    await listener.stop()


def windows_1251_reply() -> bytes:
    body = (f"{ANSWER}\r\n\r\n"
            "23.11.2026 10:00, Специалист пишет:\r\n"
            "> Когда тебе удобно поговорить?\r\n\r\n"
            "-- \r\nАйгерим, 7Б класс\r\n").encode("cp1251")
    headers = ("From: Aigerim <Aigerim.K@Example.DE>\r\n"
               "To: interview+K7Q2M9@body.kz\r\n"
               "Subject: Re: =?utf-8?b?0JHQtdGB0LXQtNCw?=\r\n"
               "Message-ID: <reply-1@example.de>\r\n"
               "MIME-Version: 1.0\r\n"
               "Content-Type: text/plain; charset=windows-1251\r\n"
               "Content-Transfer-Encoding: 8bit\r\n\r\n")
    return headers.encode() + body


async def test_a_childs_reply_reaches_the_session_as_clean_text(inbox: Inbox) -> None:
    await inbox.send(windows_1251_reply())

    [(address, code, text, received_at)] = inbox.desk.mails
    assert (address, code, text) == (CHILD, "K7Q2M9", ANSWER)
    assert abs(received_at - NOW) < timedelta(seconds=30)  # the injected clock's time


async def test_an_html_only_mail_reaches_the_session_as_its_text(inbox: Inbox) -> None:
    await inbox.send(child_mail("", sender=CHILD, html="<div>Иә,<br>қатысамын!</div>"))
    assert [text for _, _, text, _ in inbox.desk.mails] == ["Иә,\nқатысамын!"]


async def test_a_30_mb_mail_is_refused_politely_before_it_is_read(inbox: Inbox) -> None:
    mail = child_mail("Менің суреттерім")
    mail.add_attachment(b"\0" * (30 * 1024 * 1024), maintype="image", subtype="png",
                        filename="photos.png")

    with pytest.raises(aiosmtplib.SMTPResponseException) as refused:
        await inbox.send(mail)

    assert refused.value.code == 552
    assert "larger than 10 MB" in refused.value.message
    assert "without large attachments" in refused.value.message
    assert inbox.desk.mails == []


async def test_a_too_big_mail_that_did_not_say_its_size_is_refused_the_same_way(
    smtp_server: MailServer, clock: MovableClock
) -> None:
    desk = Desk()
    handler = MailHandler(desk, reply_to=REPLY_TO, clock=clock, max_bytes=64 * 1024)
    listener = MailListener(handler, host="127.0.0.1", port=0)
    await listener.start()
    try:
        client = aiosmtplib.SMTP(hostname="127.0.0.1", port=listener.port, start_tls=False)
        async with client:
            await client.mail(CHILD)  # no SIZE= declared
            await client.rcpt("interview+K7Q2M9@body.kz")
            with pytest.raises(aiosmtplib.SMTPDataError) as refused:
                await client.data(child_mail("x" * 200_000).as_bytes())
        assert refused.value.code == 552
        assert "larger than 64 KB" in refused.value.message
        assert "without large attachments" in refused.value.message
        assert desk.mails == []
    finally:
        await listener.stop()


async def test_mail_for_another_domain_is_never_relayed(inbox: Inbox) -> None:
    with pytest.raises(aiosmtplib.SMTPRecipientsRefused) as refused:
        await inbox.send(child_mail("x"), to="someone@gmail.com")
    [recipient] = refused.value.recipients
    assert recipient.code == 550 and "Relaying denied" in recipient.message

    with pytest.raises(aiosmtplib.SMTPRecipientsRefused):
        await inbox.send(child_mail("x"), to="director@body.kz")
    assert inbox.desk.mails == []


async def test_a_mail_without_a_session_code_is_refused_kindly(inbox: Inbox) -> None:
    with pytest.raises(aiosmtplib.SMTPDataError) as refused:
        await inbox.send(child_mail("Hello", to="interview@body.kz"), to="interview@body.kz")
    assert refused.value.code == 550 and "Reply" in refused.value.message
    assert inbox.desk.mails == []


async def test_a_reply_without_the_tag_still_finds_its_session_by_its_thread(
    inbox: Inbox
) -> None:
    mail = child_mail("Иә", sender=CHILD, to="interview@body.kz",
                      headers={"In-Reply-To": "<interview-K7Q2M9.41.ab12@body.kz>"})
    await inbox.send(mail, to="interview@body.kz")
    assert [(code, text) for _, code, text, _ in inbox.desk.mails] == [("K7Q2M9", "Иә")]


async def test_the_desks_answer_goes_back_once_in_the_same_thread(
    inbox: Inbox, smtp_server: MailServer
) -> None:
    inbox.desk.answer = "Спасибо за письмо! Беседа со специалистом уже закончилась."
    await inbox.send(windows_1251_reply())
    await inbox.answers_sent()

    [got] = await smtp_server.next_mail()
    mail = got.mail
    assert got.rcpt_tos == [CHILD]
    assert mail["Auto-Submitted"] == "auto-replied"
    assert mail["In-Reply-To"] == "<reply-1@example.de>"
    assert str(mail["Subject"]).startswith("Re: ")
    body = mail.get_body(("plain",))
    assert isinstance(body, EmailMessage)
    assert "Беседа со специалистом уже закончилась" in str(body.get_content())


async def test_a_mail_with_nothing_left_still_reaches_the_desk_and_is_answered(
    inbox: Inbox, smtp_server: MailServer
) -> None:
    """Only quoted history, no words of the child's: the desk (which knows the child's
    language) gets an empty text and its answer goes back; the mail is never lost in
    silence."""
    inbox.desk.answer = "Твое письмо пришло пустым."
    await inbox.send(child_mail("23.11.2026 10:00, Специалист пишет:\n> Когда тебе удобно?"))
    await inbox.answers_sent()

    assert [(code, text) for _, code, text, _ in inbox.desk.mails] == [("K7Q2M9", "")]
    [got] = await smtp_server.next_mail()
    assert got.rcpt_tos == [CHILD]
    body = got.mail.get_body(("plain",))
    assert isinstance(body, EmailMessage)
    assert "Твое письмо пришло пустым." in str(body.get_content())


async def test_auto_replies_are_neither_relayed_nor_answered(
    inbox: Inbox, smtp_server: MailServer
) -> None:
    inbox.desk.answer = "would be a loop"
    await inbox.send(child_mail("I am away until Monday",
                                headers={"Auto-Submitted": "auto-replied"}))
    await inbox.answers_sent()
    assert inbox.desk.mails == [] and smtp_server.received == []


async def test_a_bounce_of_our_mail_is_reported_for_its_session(inbox: Inbox) -> None:
    report = (b"From: MAILER-DAEMON@mx.example.de\r\nTo: interview+K7Q2M9@body.kz\r\n"
              b"Subject: Undelivered Mail\r\nMIME-Version: 1.0\r\n"
              b"Content-Type: multipart/report; report-type=delivery-status; boundary=B\r\n"
              b"\r\n--B\r\nContent-Type: text/plain\r\n\r\nNo such user.\r\n"
              b"--B\r\nContent-Type: message/delivery-status\r\n\r\n"
              b"Reporting-MTA: dns; mx.example.de\r\n\r\n"
              b"Final-Recipient: rfc822; aigerim.k@example.de\r\nAction: failed\r\n"
              b"Status: 5.1.1\r\n\r\n--B--\r\n")
    await inbox.send(report, sender="")

    assert inbox.desk.bounced == [(CHILD, "K7Q2M9")]
    assert inbox.desk.mails == []


async def test_attachments_are_dropped_and_the_desk_is_told_which(inbox: Inbox) -> None:
    """The files' names go apart from the child's words: staff are told, in their language
    (tests/email/test_child_mail_as_written.py), and nobody reads them as the child's."""
    mail = child_mail("Вот мой рисунок.")
    mail.add_attachment(b"\x89PNG", maintype="image", subtype="png", filename="drawing.png")
    await inbox.send(mail)

    [(_, _, text, _)] = inbox.desk.mails
    assert (text, inbox.desk.dropped) == ("Вот мой рисунок.", [("drawing.png",)])


async def test_a_failing_desk_makes_the_mail_server_try_again_later(inbox: Inbox) -> None:
    inbox.desk.broken = True
    with pytest.raises(aiosmtplib.SMTPDataError) as deferred:
        await inbox.send(child_mail("Иә"))
    assert deferred.value.code == 451


async def test_the_logs_never_hold_a_mails_content_or_address(
    inbox: Inbox, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    with pytest.raises(aiosmtplib.SMTPDataError):  # no code
        await inbox.send(child_mail("Менің құпиям", sender="Aigerim <aigerim.k@example.de>",
                                    to="interview@body.kz"), to="interview@body.kz")
    await inbox.send(child_mail("", sender="Aigerim <aigerim.k@example.de>"))  # empty
    await inbox.send(child_mail("Менің құпиям"))  # relayed
    logged = "\n".join(record.getMessage() for record in caplog.records)

    assert "mail from a***@example.de" in logged
    assert "aigerim.k@example.de" not in logged and "құпиям" not in logged
