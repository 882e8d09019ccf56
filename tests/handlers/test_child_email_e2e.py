"""Issue 16, "Done when": the conversation with a son in Berlin held by e-mail, end to end.

Two real SMTP servers on 127.0.0.1 (aiosmtpd): the body's outgoing server, which keeps what
the bot hands it (the son's mailbox, as far as a test can see it), and the bot's own listener
on EMAIL_LISTEN_PORT, to which the body's server relays the son's replies (aiosmtplib here,
as that server would). The mother books in Kazakh on the fake Telegram Bot API; staff run the
conversation in her topic with the real buttons. Time moves only with `advance_to`.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import Any

import aiosmtplib
import pytest
from sqlalchemy import select

from flows.calendar import KZ_TZ
from storage.db import sessions
from storage.models import ApplicationNote, InterviewInvite
from tests.email.conftest import MailServer, child_mail
from tests.email.test_sender_smtp import plain
from tests.fakes.telegram_api import FakeTelegram, FakeUser
from tests.handlers.conftest import STAFF_CHAT, STAFF_MEMBER, RunningBot
from tests.handlers.lingo import buttons, says
from tests.handlers.test_child_email_telegram import ADDRESS
from tests.handlers.test_child_language import NUMBER, PARENT, kk, ru, wednesdays_times
from tests.handlers.test_staff_telegram import current, seen, staff_says, staff_tap

ELEVEN = datetime(2026, 11, 25, 11, 0, tzinfo=KZ_TZ)  # Wednesday; 07:00 in Berlin
BERLIN = ru("city-berlin")
HELLO = "Привет, Арман! Как тебе в Берлине?"
ANSWER = "Хорошо, но я скучаю по маме."


@pytest.fixture
async def by_mail(smtp_server: MailServer, staffed: RunningBot) -> RunningBot:
    """The staffed bot, with e-mail on: SMTP out to `smtp_server`, its listener for replies."""
    await staffed.stop()
    staffed.smtp_port = smtp_server.port
    await staffed.start()
    return staffed


# ------------------------------------------------------------------ the son's mailbox


def mails_to(server: MailServer, address: str) -> list[EmailMessage]:
    return [got.mail for got in server.received if address in got.rcpt_tos]


async def mail_saying(server: MailServer, words: str, *, to: str = ADDRESS) -> EmailMessage:
    """The mail to `to` whose text holds `words` (already there, or arriving within 10 s)."""
    async with asyncio.timeout(10):
        while True:
            found = [mail for mail in mails_to(server, to) if words in plain(mail)]
            if found:
                return found[-1]
            await asyncio.sleep(0.05)


async def writes(bot: RunningBot, text: str, *, to: str, sender: str = ADDRESS,
                 in_reply_to: str = "") -> str:
    """The son's mail, as the body's server relays it to the bot's listener; its
    Message-ID."""
    headers = {"In-Reply-To": in_reply_to} if in_reply_to else {}
    mail = child_mail(text, sender=f"Arman <{sender}>", to=to,
                      subject=f"Re: {ru('email-subject')}", headers=headers)
    async with aiosmtplib.SMTP(hostname="127.0.0.1", port=bot.mail_port, start_tls=False,
                               timeout=10) as client:
        await client.sendmail(sender, [to], mail.as_bytes())
    return str(mail["Message-ID"])


# ------------------------------------------------------------------ the mother


async def books_for_her_son_by_mail(telegram: FakeTelegram,
                                    parent: FakeUser) -> dict[str, Any]:
    """Applied, accepted, Wednesday 11:00 booked, Russian and e-mail chosen for the son:
    the card in the staff group."""
    times = await wednesdays_times(telegram, parent)
    card = await seen(telegram, STAFF_CHAT, lambda m: NUMBER in m.get("text", "")
                      and bool(buttons(m)))
    asked = (await parent.press(times, next(b for b in buttons(times) if ", 11:00 " in b)))[-1]
    question = (await parent.press(asked, "Русский"))[-1]
    await parent.press(question, kk("booking-child-by-mail"))
    done = await parent.say(ADDRESS)
    assert done[0]["text"] == kk("booking-child-mail-sent", address=ADDRESS)
    return card


def label(role: str, text: str, lang: str) -> str:
    return says("session-says", lang, role=says(f"session-role-{role}", lang), text=text)


def topic_has(telegram: FakeTelegram, thread: int, words: str) -> bool:
    return any(words in m.get("text", "") for m in telegram.sent_messages(STAFF_CHAT, thread))


async def test_the_conversation_with_a_son_in_berlin_by_e_mail(
    telegram: FakeTelegram, by_mail: RunningBot, smtp_server: MailServer
) -> None:
    parent = telegram.user(id=PARENT, first_name="Динара")
    card = await books_for_her_son_by_mail(telegram, parent)
    thread = card["message_thread_id"]

    # The invitation: in Russian, his time in Berlin and Astana's, the code, the .ics.
    invitation = await mail_saying(smtp_server, "07:00")
    assert by_mail.app is not None
    async with sessions(by_mail.app.db)() as session:
        code = await session.scalar(select(InterviewInvite.code))
    assert code is not None
    tagged = f"interview+{code}@body.kz"
    text = plain(invitation)
    assert text.startswith(ru("child-mail-invite", name="Арман", body="", about="", slot="",
                              astana="").splitlines()[0])
    assert "07:00" in text and "11:00" in text and BERLIN in text
    assert invitation["Reply-To"] == tagged and code in str(invitation["Subject"])
    assert invitation.get_body(("plain",)) is not None
    [calendar] = list(invitation.iter_attachments())
    assert isinstance(calendar, EmailMessage) and calendar.get_content_type() == "text/calendar"
    assert b"DTSTART:20261125T060000Z" in calendar.get_payload(decode=True)
    root = invitation["References"]
    assert root == invitation["In-Reply-To"] == f"<interview-{code}@body.kz>"

    # His reminders come by e-mail, a day and an hour before, in his time.
    by_mail.advance_to(ELEVEN - timedelta(hours=24) + timedelta(seconds=1))
    day_before = await mail_saying(smtp_server, "⏰")
    assert "07:00" in plain(day_before) and "11:00" not in plain(day_before)
    by_mail.advance_to(ELEVEN - timedelta(hours=1) + timedelta(seconds=1))
    async with asyncio.timeout(10):
        while len([m for m in mails_to(smtp_server, ADDRESS) if "⏰" in plain(m)]) < 2:
            await asyncio.sleep(0.05)

    # Staff start the conversation at the time; he is told by mail.
    by_mail.advance_to(ELEVEN)
    await staff_tap(telegram, current(telegram, card), staff_says("staff-action-session"))
    controls = telegram.last_message(STAFF_CHAT, thread)
    assert controls is not None
    assert controls["text"] == staff_says("staff-session-started", number=NUMBER)
    await mail_saying(smtp_server, ru("email-session-started"))  # "reply", not "here"
    await staff_tap(telegram, controls, staff_says("staff-session-present"))

    # A staff message in the topic reaches him as a mail of the same thread.
    telegram.user(id=STAFF_MEMBER).send_text(HELLO, chat=STAFF_CHAT, thread_id=thread)
    await telegram.settled()
    question = await mail_saying(smtp_server, label("specialist", HELLO, "ru"))
    assert question["In-Reply-To"] == question["References"] == root
    assert question["Reply-To"] == tagged
    assert str(question["Subject"]) == str(invitation["Subject"])
    assert question["Message-ID"] != invitation["Message-ID"]
    await seen(telegram, PARENT, lambda m: m.get("text") == label("specialist", HELLO, "kk"))

    # Mails that are not his reply: another address, a forged code. Neither is passed on,
    # and neither is answered.
    by_mail.advance_to(ELEVEN + timedelta(minutes=4))
    await writes(by_mail, "Я тоже Арман, пустите меня", to=tagged,
                 sender="someone.else@gmail.com")
    await writes(by_mail, "Подделанный код", to="interview+ZZZZ2222@body.kz")

    # His reply to the Reply-To address: his new words (the quote goes) reach the topic
    # labelled as the child's, and his mother.
    by_mail.advance_to(ELEVEN + timedelta(minutes=5))
    await writes(by_mail, f"{ANSWER}\n\n25.11.2026, 07:01, Орган опеки <{tagged}> пишет:\n"
                 f"> {HELLO}\n", to=tagged, in_reply_to=question["Message-ID"])
    await seen(telegram, STAFF_CHAT, lambda m: m.get("text") == label("child", ANSWER, "ru"),
               thread)
    await seen(telegram, PARENT, lambda m: m.get("text") == label("child", ANSWER, "kk"))
    for stray in ("пустите меня", "Подделанный код"):
        assert not topic_has(telegram, thread, stray)
        assert not [m for m in telegram.sent_messages(PARENT) if stray in m.get("text", "")]
    assert not mails_to(smtp_server, "someone.else@gmail.com")

    # Staff end it: the record holds both directions, his words marked "by e-mail".
    by_mail.advance_to(ELEVEN + timedelta(minutes=10))
    await staff_tap(telegram, controls, staff_says("staff-session-end"))
    record = next(c for c in reversed(telegram.calls_of("sendDocument"))
                  if c.params.get("chat_id") == STAFF_CHAT
                  and not next(iter(c.files.values())).startswith(b"%PDF"))
    transcript = next(iter(record.files.values())).decode()
    assert f"25.11.2026 11:00 {staff_says('session-role-specialist')}: {HELLO}" in transcript
    assert (f"25.11.2026 11:05 {staff_says('session-role-child')} "
            f"{staff_says('session-via-email')}: {ANSWER}") in transcript
    assert "пустите меня" not in transcript and "Подделанный" not in transcript
    async with sessions(by_mail.app.db)() as session:
        note = await session.scalar(select(ApplicationNote).where(
            ApplicationNote.kind == "transcript"))
    assert note is not None
    assert f"11:00 specialist: {HELLO}" in note.text
    assert f"11:05 child (email): {ANSWER}" in note.text
    await mail_saying(smtp_server, ru("email-session-ended-child"))

    # Within the hour he may still add something: staff get it, he is thanked.
    by_mail.advance_to(ELEVEN + timedelta(minutes=20))
    await writes(by_mail, "Можно я ещё скажу: папа хороший", to=tagged)
    await seen(telegram, STAFF_CHAT, lambda m: "папа хороший" in m.get("text", ""), thread)
    thanks = await mail_saying(smtp_server, ru("session-added"))
    assert thanks["Auto-Submitted"] == "auto-replied" and root in thanks["References"]

    # Later, his mail is not passed on: one polite answer, in his language.
    by_mail.advance_to(ELEVEN + timedelta(hours=2))
    before = len(mails_to(smtp_server, ADDRESS))
    asked = await writes(by_mail, "А когда будет решение?", to=tagged)
    closed = await mail_saying(smtp_server, ru("email-reply-not-open"))
    await asyncio.sleep(0.3)  # nothing else follows it
    assert len(mails_to(smtp_server, ADDRESS)) == before + 1
    assert closed["In-Reply-To"] == asked
    assert not topic_has(telegram, thread, "когда будет решение")
    await by_mail.settle()


async def test_his_own_line_ending_in_wrote_reaches_staff_and_an_empty_mail_is_answered(
    telegram: FakeTelegram, by_mail: RunningBot, smtp_server: MailServer
) -> None:
    """"Папа мне написал:" is his own line, not the start of a quote: his whole mail reaches
    the topic. A mail with nothing of his in it (only the quoted specialist's) is not
    dropped in silence: he is told, in his language, that it came empty."""
    parent = telegram.user(id=PARENT, first_name="Динара")
    card = await books_for_her_son_by_mail(telegram, parent)
    thread = card["message_thread_id"]
    assert by_mail.app is not None
    async with sessions(by_mail.app.db)() as session:
        code = await session.scalar(select(InterviewInvite.code))
    tagged = f"interview+{code}@body.kz"
    by_mail.advance_to(ELEVEN)
    await staff_tap(telegram, current(telegram, card), staff_says("staff-action-session"))
    controls = telegram.last_message(STAFF_CHAT, thread)
    assert controls is not None
    await mail_saying(smtp_server, ru("email-session-started"))
    await staff_tap(telegram, controls, staff_says("staff-session-present"))

    words = "Папа мне написал:\nприезжай летом.\nЯ очень хочу к нему."
    await writes(by_mail, words, to=tagged)
    await seen(telegram, STAFF_CHAT, lambda m: m.get("text") == label("child", words, "ru"),
               thread)

    await writes(by_mail, f"25.11.2026, 11:01, Орган опеки <{tagged}> пишет:\n> {HELLO}\n",
                 to=tagged)
    empty = await mail_saying(smtp_server, ru("email-empty"))
    assert empty["Auto-Submitted"] == "auto-replied"
    assert not topic_has(telegram, thread, HELLO)
    await by_mail.settle()


async def test_an_address_the_server_refuses_is_reported_to_the_mother_and_to_staff(
    telegram: FakeTelegram, by_mail: RunningBot, smtp_server: MailServer
) -> None:
    smtp_server.refuse[ADDRESS] = "550 5.1.1 <arman.s@gmail.com>: Recipient address rejected"
    parent = telegram.user(id=PARENT, first_name="Динара")
    card = await books_for_her_son_by_mail(telegram, parent)

    told = await seen(telegram, PARENT, lambda m: m.get("text") == kk("email-bounced",
                                                                      address=ADDRESS))
    # The notice carries the way out: how the child joins, switched to the messenger.
    way = await parent.press(told, kk("booking-child-way"))
    assert kk("booking-child-way-mail", address=ADDRESS) in [m.get("text") for m in way]
    switched = await parent.press(way[-1], kk("booking-child-to-messenger"))
    assert any(m.get("text", "").startswith(kk("booking-child-now-messenger", address=ADDRESS))
               for m in switched)
    alert = staff_says("staff-delivery-undeliverable-email", address=ADDRESS)
    await seen(telegram, STAFF_CHAT, lambda m: m.get("text") == alert,
               card["message_thread_id"])  # the mother's topic, not one of his own
    assert not [m for m in telegram.sent_messages(STAFF_CHAT)
                if m.get("text") == staff_says("staff-delivery-undeliverable")]
    assert not mails_to(smtp_server, ADDRESS)
