"""Issue 16, item 1, without a messenger: the parent of a child abroad chooses how the child
joins, by messenger (forwarding the invite, as before) or by e-mail, and types the child's
address. A wrong address is explained and asked again, with nothing lost (the time stays
booked); a good one is given to the booking. The address question is left by /cancel, by the
menu and by Back, which is the choice of channel again.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from datetime import datetime

import pytest

from flows.engine import Engine, Ports
from flows.interview import INTERVIEW
from flows.messages import Attachment, Choice, OutgoingMessage, Reply, Text
from flows.payloads import AskingChildMail, BookTime, ChoosingChildChannel, Tap, overlay
from flows.ports import Booking, ChildTime, SlotOffer
from flows.slots import Slot
from flows.validators import Invalid, parse_email
from flows.visit import VISIT
from flows.wire import message_from_json, message_to_json
from tests.flows.chat import Chat
from tests.flows.conftest import NOW

WEDNESDAY_TEN = "202611251000"  # 10:00 Astana, 06:00 Berlin
ICS = b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"


@dataclass
class ArmanInBerlin:
    """The conversations of МР-2026-00007: one child, Arman, who lives in Berlin."""

    told: bool = False  # Arman is already in the conversation (a time changed later)
    address: str = ""  # ...and joins by e-mail at this address
    booked: list[tuple[str, str | None]] = field(default_factory=list)
    mailed: list[tuple[str, int, str]] = field(default_factory=list)

    async def offer(self, channel: str, user_id: str, ref: str, now: datetime,
                    child: int | None = None) -> SlotOffer:
        return SlotOffer(ref, "МР-2026-00007", (Slot.from_key(WEDNESDAY_TEN),), "berlin",
                         None, 0, (ChildTime(0, "Смагулов Арман", None),))

    async def book(self, channel: str, user_id: str, ref: str, key: str, now: datetime,
                   child: int = 0, language: str | None = None) -> Booking:
        self.booked.append((key, language))
        return Booking(ref, "МР-2026-00007", Slot.from_key(key), "berlin", "K7Q2M9AB", ICS,
                       child=child, child_told=self.told, child_address=self.address)

    async def invite_by_mail(self, channel: str, user_id: str, ref: str, child: int,
                             address: str, now: datetime) -> str | None:
        self.mailed.append((ref, child, address))
        return None


def forward(channel: str, code: str) -> Text:
    return Text("invite-telegram", {"link": f"https://t.me/bot?start={code}"})


def chat_with(interviews: ArmanInBerlin, ports: Ports) -> Chat:
    engine = Engine(Ports(ports.conversations, ports.files, ports.applications,
                          interviews=interviews),  # type: ignore[arg-type]
                    [VISIT, INTERVIEW], clock=lambda: NOW, invite_text=forward)
    return Chat(engine)


async def books_wednesday_ten_in_russian(chat: Chat, ports: Ports) -> Reply:
    """The mother at the menu taps Wednesday 10:00 (from her application's screen), then
    Russian for her son: the booking's confirmation, then how Arman joins."""
    if ("test", "1001") not in ports.conversations.states:  # type: ignore[attr-defined]
        await chat.command("start")
        await chat.tap("language-kk")
    seq = ports.conversations.states[("test", "1001")].seq  # type: ignore[attr-defined]
    await chat.press(Choice(Text("booking-slot"),
                            Tap.bind(seq, BookTime("7", WEDNESDAY_TEN).pack())))
    assert chat.said() == ["booking-ask-child-language"]
    return await chat.tap("language-ru")


def asks_the_address(chat: Chat) -> bool:
    return chat.said()[-1] == "booking-ask-child-mail"


def pending(ports: Ports) -> object:
    return overlay(ports.conversations.states[("test", "1001")].pending)  # type: ignore[attr-defined]


async def test_after_the_language_the_parent_chooses_how_the_child_joins(ports: Ports) -> None:
    interviews = ArmanInBerlin()
    chat = chat_with(interviews, ports)
    confirmed = await books_wednesday_ten_in_russian(chat, ports)
    assert interviews.booked == [(WEDNESDAY_TEN, "ru")]  # the time is held meanwhile
    first, question = confirmed.messages
    assert [part.key for part in first.parts] == [
        "booking-confirmed", "invite-telegram", "booking-child-language-set"]
    assert first.attachment is not None and first.attachment.filename == "МР-2026-00007.ics"
    assert [part.key for part in question.parts] == ["booking-ask-child-channel"]
    assert [c.label.key for row in question.choices for c in row] == [
        "booking-child-by-messenger", "booking-child-by-mail"]

    # by messenger: today's way, the invite above is forwarded; nothing else is asked
    await chat.tap("booking-child-by-messenger")
    assert chat.said() == ["booking-child-messenger-done", "menu-title"]
    assert interviews.mailed == [] and pending(ports) is None


async def test_a_wrong_address_is_explained_and_asked_again_and_a_good_one_is_given(
    ports: Ports,
) -> None:
    interviews = ArmanInBerlin()
    chat = chat_with(interviews, ports)
    await books_wednesday_ten_in_russian(chat, ports)
    await chat.tap("booking-child-by-mail")
    assert asks_the_address(chat)
    assert pending(ports) == AskingChildMail("7", 0)

    for typed, reason in (("arman.s@gmail", "error-email-domain"),
                          ("arman s@gmail.com", "error-email-spaces"),
                          ("arman.gmail.com", "error-email-no-at"),
                          ("арман@mail.ru", "error-email-format")):
        await chat.say(typed)
        assert chat.said() == [reason, "booking-ask-child-mail"], typed  # the same question
        assert pending(ports) == AskingChildMail("7", 0)  # which booking, still known
    await chat.upload(b"%PDF-1.4")
    assert chat.said() == ["error-text-expected", "booking-ask-child-mail"]
    # nothing is lost: the time stays booked once, nobody has been written to
    assert interviews.booked == [(WEDNESDAY_TEN, "ru")] and interviews.mailed == []

    await chat.say("  Arman.S@GMail.com ")
    assert interviews.mailed == [("7", 0, "arman.s@gmail.com")]
    assert chat.said() == ["booking-child-mail-sent", "menu-title"]
    sent = chat.replies[-1].messages[0].parts[0]
    assert sent.args == {"address": "arman.s@gmail.com"}  # the parent sees it in full
    assert pending(ports) is None
    await chat.say("dana@mail.ru")  # the next words are no address any more
    assert interviews.mailed == [("7", 0, "arman.s@gmail.com")]
    assert chat.said()[0] == "hint-menu-unexpected"


async def test_a_cyrillic_domain_is_shown_as_typed_and_mailed_in_ascii(ports: Ports) -> None:
    """Mail servers are given the domain in punycode; the parent reads it in its own letters."""
    interviews = ArmanInBerlin()
    chat = chat_with(interviews, ports)
    await books_wednesday_ten_in_russian(chat, ports)
    await chat.tap("booking-child-by-mail")
    await chat.say("Arman@Почта.рф")
    assert interviews.mailed == [("7", 0, "arman@xn--80a1acny.xn--p1ai")]
    sent = chat.replies[-1].messages[0].parts[0]
    assert sent.args == {"address": "arman@почта.рф"}


async def test_back_cancel_and_the_menu_leave_the_address_question(ports: Ports) -> None:
    interviews = ArmanInBerlin()
    chat = chat_with(interviews, ports)
    await books_wednesday_ten_in_russian(chat, ports)
    await chat.tap("booking-child-by-mail")
    await chat.tap("nav-back")
    assert chat.said() == ["booking-ask-child-channel"]
    assert pending(ports) == ChoosingChildChannel("7", 0)  # a screen of its own (issue 18)
    await chat.tap("booking-child-by-mail")
    await chat.command("help")
    assert chat.said() == ["help-menu", "booking-ask-child-mail"]  # help, then the question
    await chat.command("cancel")
    assert chat.said() == ["cancel-nothing", "menu-title"] and pending(ports) is None
    await chat.say("arman.s@gmail.com")
    assert chat.said()[0] == "hint-menu-unexpected" and interviews.mailed == []

    await books_wednesday_ten_in_russian(chat, ports)
    await chat.tap("booking-child-by-mail")
    await chat.tap("nav-menu")
    assert chat.said() == ["menu-title"] and pending(ports) is None


async def test_a_time_changed_for_a_child_already_in_names_where_it_went(ports: Ports) -> None:
    by_mail = ArmanInBerlin(told=True, address="arman.s@gmail.com")
    chat = chat_with(by_mail, ports)
    confirmed = await books_wednesday_ten_in_russian(chat, ports)
    (message, menu) = confirmed.messages
    assert [part.key for part in message.parts] == [
        "booking-confirmed", "booking-child-mail-moved", "booking-child-language-set"]
    assert message.parts[1].args == {"address": "arman.s@gmail.com"}
    assert menu.parts[0].key == "menu-title"  # nothing more to choose: the child is in

    in_messenger = ArmanInBerlin(told=True)
    chat = chat_with(in_messenger, ports)
    confirmed = await books_wednesday_ten_in_russian(chat, ports)
    assert [part.key for part in confirmed.messages[0].parts] == [
        "booking-confirmed", "booking-child-moved", "booking-child-language-set"]


@pytest.mark.parametrize(("typed", "address"), [
    ("arman.s@gmail.com", "arman.s@gmail.com"),
    ("Arman.S@GMail.COM", "arman.s@gmail.com"),
    ("  dana+school@mail.ru\n", "dana+school@mail.ru"),
    ("arman@почта.рф", "arman@xn--80a1acny.xn--p1ai"),  # the domain as servers write it
])
def test_an_address_is_kept_lower_cased(typed: str, address: str) -> None:
    assert parse_email(typed) == address


@pytest.mark.parametrize(("typed", "reason"), [
    ("", "error-email-no-at"),
    ("arman", "error-email-no-at"),
    ("@gmail.com", "error-email-no-at"),
    ("arman@", "error-email-domain"),
    ("arman@localhost", "error-email-domain"),
    ("arman@gmail.", "error-email-domain"),
    ("arman s@gmail.com", "error-email-spaces"),
    ("arman@gmail .com", "error-email-spaces"),
    ("arman..s@gmail.com", "error-email-format"),
    ("arman@-gmail.com", "error-email-format"),
    ("mailto:arman@gmail.com", "error-email-format"),
    ("арман@mail.ru", "error-email-format"),
    ("a" * 250 + "@gmail.com", "error-email-too-long"),
])
def test_an_obviously_wrong_address_says_why(typed: str, reason: str) -> None:
    with pytest.raises(Invalid) as refused:
        parse_email(typed)
    assert refused.value.key == reason


def test_a_message_carries_its_attachment_through_the_outbox_and_old_payloads_still_read(
) -> None:
    ics = Attachment("МР-2026-00007.ics", ICS, "text/calendar")
    message = OutgoingMessage((Text("child-mail-invite", {"name": "Арман"}),), attachment=ics)
    data = message_to_json(message)
    assert data["attachment"] == {"filename": "МР-2026-00007.ics", "mime": "text/calendar",
                                  "content": base64.b64encode(ICS).decode()}
    assert message_from_json(data) == message
    old = {"parts": [{"key": "reminder-child", "args": {"hours": 1}}], "choices": [],
           "document": None}
    assert message_from_json(old).attachment is None
    assert "attachment" not in message_to_json(message_from_json(old))
