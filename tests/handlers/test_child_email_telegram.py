"""Issue 16 over HTTP: a mother who uses the bot in Kazakh books the conversation for her son
in Berlin, picks Russian for him, and, as he has no messenger, e-mail. She mistypes his
address, is told why and asked again; the right one is taken, the confirmation names it in
full, and the invitation waits in the outbox for the son's e-mail person (the e-mail
transport, handlers/email/, sends it). The logs never hold the address.

The Telegram and WhatsApp senders take outbox payloads that now may carry an attachment.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime

import pytest
from sqlalchemy import select

from flows.calendar import KZ_TZ
from flows.messages import Attachment, OutgoingMessage, Text
from flows.wire import message_from_json
from storage.conversations import person_for
from storage.db import sessions
from storage.models import InterviewInvite, OutboxMessage
from storage.outbox import CITIZEN, enqueue
from tests.fakes.telegram_api import FakeTelegram
from tests.fakes.whatsapp_api import FakeWhatsApp
from tests.handlers.conftest import RunningBot
from tests.handlers.lingo import buttons, says
from tests.handlers.test_child_language import NUMBER, PARENT, kk, wednesdays_times
from tests.handlers.test_staff_telegram import seen
from tests.handlers.test_whatsapp import graph_waits, person, pick, texts

ADDRESS = "arman.s@gmail.com"
ICS = Attachment("МР-2026-00001.ics", b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "text/calendar")


async def once_sent(bot: RunningBot, key: str) -> OutboxMessage:
    """The outbox row, once the worker has marked it sent (it does so after the send)."""
    assert bot.app is not None
    for _ in range(200):
        async with sessions(bot.app.db)() as session:
            row = await session.scalar(select(OutboxMessage).where(OutboxMessage.key == key))
        assert row is not None and row.status in ("pending", "sending", "sent"), row.status
        if row.status == "sent":
            return row
        await asyncio.sleep(0.05)
    raise AssertionError(f"{key} was never marked sent")


async def test_a_kazakh_mother_invites_her_son_in_berlin_by_e_mail(
    telegram: FakeTelegram, staffed: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    parent = telegram.user(id=PARENT, first_name="Динара")
    times = await wednesdays_times(telegram, parent)
    eleven = next(b for b in buttons(times) if ", 11:00 " in b)  # 07:00 in Berlin
    asked = (await parent.press(times, eleven))[-1]
    confirmed = await parent.press(asked, "Русский")
    assert kk("booking-child-language-set", language="Русский") in confirmed[0]["text"]
    question = confirmed[-1]  # after the booking: how does the son join?
    assert question["text"] == kk("booking-ask-child-channel")
    assert buttons(question) == [kk("booking-child-by-messenger"), kk("booking-child-by-mail")]

    address_asked = (await parent.press(question, kk("booking-child-by-mail")))[-1]
    assert address_asked["text"] == kk("booking-ask-child-mail")
    wrong = await parent.say("arman.s@gmail")
    assert [m["text"] for m in wrong] == [kk("error-email-domain"), kk("booking-ask-child-mail")]
    done = await parent.say("Arman.S@gmail.com")
    assert done[0]["text"] == kk("booking-child-mail-sent", address=ADDRESS)  # in full
    assert done[-1]["text"] == kk("menu-title")

    assert staffed.app is not None
    async with sessions(staffed.app.db)() as session:
        son = await person_for(session, "email", ADDRESS)
        assert son is not None and son.language == "ru"
        invite = await session.scalar(select(InterviewInvite))
        rows = (await session.scalars(select(OutboxMessage).where(
            OutboxMessage.person_id == son.id).order_by(OutboxMessage.key))).all()
    assert invite is not None and invite.child_person_id == son.id
    invitation = next(row for row in rows if row.key.startswith("invite-mail:"))
    message = message_from_json(invitation.payload)
    assert message.parts[0].key == "child-mail-invite"
    assert message.attachment is not None and message.attachment.filename == f"{NUMBER}.ics"
    assert b"DTSTART:20261125T060000Z" in message.attachment.content  # 11:00 Astana
    text = says("child-mail-invite", "ru", **message.parts[0].args)
    assert "07:00" in text and "11:00" in text and says("city-berlin", "ru") in text
    assert sorted(row.key.rsplit(":", 2)[-2] for row in rows if row.key.startswith("remind:")) \
        == ["1", "24"]  # his reminders, by e-mail too
    assert not [r for r in caplog.records if "arman" in r.getMessage().lower()]


async def test_the_telegram_sender_delivers_a_payload_that_carries_an_attachment(
    telegram: FakeTelegram, running: RunningBot
) -> None:
    who = telegram.user(id=4602, first_name="Динара")
    await who.say("/start")
    await who.press(who.last(), "Қазақша")
    assert running.app is not None
    async with sessions(running.app.db).begin() as session:
        citizen = await person_for(session, "telegram", "4602")
        assert citizen is not None
        enqueue(session, key="test:attached", audience=CITIZEN, person_id=citizen.id,
                message=OutgoingMessage((Text("reminder-child", {"hours": 1, "slot": "—"}),),
                                        attachment=ICS))
    running.advance_to(datetime(2026, 11, 23, 10, 1, tzinfo=KZ_TZ))
    expected = says("reminder-child", "kk", hours=1, slot="—")
    await seen(telegram, 4602, lambda m: m.get("text") == expected)
    row = await once_sent(running, "test:attached")
    assert row.payload["attachment"]["filename"] == ICS.filename  # carried, though not sent


async def test_the_whatsapp_sender_delivers_a_payload_that_carries_an_attachment(
    graph: FakeWhatsApp, on_whatsapp: RunningBot
) -> None:
    who = person(graph, on_whatsapp, wa_id="77017770001")
    shown = await who.say("/start")
    await pick(who, shown, "Қазақша")
    assert on_whatsapp.app is not None
    async with sessions(on_whatsapp.app.db).begin() as session:
        citizen = await person_for(session, "whatsapp", "77017770001")
        assert citizen is not None
        enqueue(session, key="test:attached", audience=CITIZEN, person_id=citizen.id,
                message=OutgoingMessage((Text("reminder-child", {"hours": 1, "slot": "—"}),),
                                        attachment=ICS))
    on_whatsapp.advance_to(datetime(2026, 11, 23, 10, 1, tzinfo=KZ_TZ))
    expected = says("reminder-child", "kk", hours=1, slot="—")
    await graph_waits(graph, lambda: expected in texts(graph.sent("77017770001")))
    row = await once_sent(on_whatsapp, "test:attached")
    assert row.payload["attachment"]["filename"] == ICS.filename
