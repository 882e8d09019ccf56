"""Issue 18 (the defect) and issue 16 ("another channel"), without a messenger.

The screens of booking the conversation with the child (the times, the child's language, the
child's channel) are the parent's pending question: a typed word, a sticker or a photo gets a
hint and the same screen with its buttons (not "I understand only buttons" and the main
menu), also after a restart; a tap still books; commands, Back and stale buttons work as
before. Later, "How the child joins" switches a child invited by e-mail to the messenger (a
new code to forward) and a child by messenger to e-mail (the address asked again).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import pytest

from flows.engine import Engine, Ports
from flows.interview import INTERVIEW
from flows.menu import child_way_button
from flows.messages import OutgoingMessage, Reply, Text
from flows.payloads import (
    AskingChildMail,
    ChoosingChildChannel,
    ChoosingChildLanguage,
    ChoosingDay,
    ChoosingTime,
    HowChildJoins,
    OpenApplication,
    Tap,
    overlay,
)
from flows.ports import (
    ApplicationView,
    Booking,
    ByMessengerNow,
    ChildTime,
    ChildWay,
    SlotOffer,
    StoredFile,
    Submitted,
)
from flows.procedure import with_buttons
from flows.slots import Slot
from flows.visit import VISIT
from tests.flows.chat import Chat
from tests.flows.conftest import NOW
from tests.flows.memory import MemoryConversations, MemoryFiles

WEDNESDAY = "20261125"
TEN, ELEVEN = "202611251000", "202611251100"  # 06:00 and 07:00 in Berlin
ICS = b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"
NUMBER = "МР-2026-00007"
ADDRESS = "arman.s@gmail.com"


@dataclass
class Interviews:
    """МР-2026-00007: one child, Arman, in Berlin (or, `zone=None`, in Kazakhstan)."""

    zone: str | None = "berlin"
    free: list[str] = field(default_factory=lambda: [TEN, ELEVEN])
    booked: list[tuple[str, str | None]] = field(default_factory=list)
    time: str | None = None
    mailed: list[str] = field(default_factory=list)
    address: str = ""  # the child is invited by e-mail here
    joined: bool = False  # the child opened the invite in a messenger
    code: str = "K7Q2M9AB"
    refusal: str = "booking-slot-taken"  # why a time not free is refused (storage decides)
    alerted: int = 0  # "no free time" told to staff

    async def offer(self, channel: str, user_id: str, ref: str, now: datetime,
                    child: int | None = None) -> SlotOffer:
        booked = Slot.from_key(self.time) if self.time else None
        return SlotOffer(ref, NUMBER, tuple(Slot.from_key(key) for key in self.free),
                         self.zone, booked, 0, (ChildTime(0, "Смагулов Арман", booked),))

    async def book(self, channel: str, user_id: str, ref: str, key: str, now: datetime,
                   child: int = 0, language: str | None = None) -> Booking | str:
        if key not in self.free:
            return self.refusal
        self.free.remove(key)
        self.booked.append((key, language))
        self.time = key
        return Booking(ref, NUMBER, Slot.from_key(key), self.zone, self.code, ICS)

    async def no_slots(self, channel: str, user_id: str, ref: str) -> None:
        self.alerted += 1

    async def invite_by_mail(self, channel: str, user_id: str, ref: str, child: int,
                             address: str, now: datetime) -> str | None:
        self.mailed.append(address)
        self.address, self.joined = address, False
        return None

    async def child_way(self, channel: str, user_id: str, ref: str, child: int,
                        now: datetime) -> ChildWay | None:
        if self.time is None or self.zone is None:
            return None
        return ChildWay(ref, child, "", self.address, self.joined, self.code)

    async def by_messenger(self, channel: str, user_id: str, ref: str, child: int,
                           now: datetime) -> ByMessengerNow | str:
        if not self.address:
            return ByMessengerNow(self.code)
        left, self.address, self.code = self.address, "", "N3W2C0DE"
        return ByMessengerNow(self.code, left)


@dataclass
class Applications:
    """The mother's one application, accepted: the conversation may be booked."""

    async def submit(self, channel: str, user_id: str, service: str, answers: dict[str, object],
                     draft_key: str, at: datetime) -> Submitted:
        raise AssertionError("nothing is submitted here")

    async def list_for(self, channel: str, user_id: str) -> list[ApplicationView]:
        return [ApplicationView("7", NUMBER, "interview", "under_review", NOW, None)]

    async def get_for(self, channel: str, user_id: str, ref: str) -> ApplicationView | None:
        return (await self.list_for(channel, user_id))[0] if ref == "7" else None

    async def add_objection(self, channel: str, user_id: str, ref: str, text: str,
                            document: StoredFile | None) -> str | None:
        return None


def forward(channel: str, code: str) -> Text:
    return Text("invite-telegram", {"link": f"https://t.me/bot?start={code}"})


@dataclass
class Bot:
    """The bot's memory (survives a restart) and the child's conversations."""

    interviews: Interviews = field(default_factory=Interviews)
    conversations: MemoryConversations = field(default_factory=MemoryConversations)

    def started(self) -> Chat:
        """A fresh engine on the same state: the process restarted."""
        ports = Ports(self.conversations, MemoryFiles(), Applications(),  # type: ignore[arg-type]
                      interviews=self.interviews)  # type: ignore[arg-type]
        return Chat(Engine(ports, [VISIT, INTERVIEW], clock=lambda: NOW, invite_text=forward))

    def pending(self) -> object:
        return overlay(self.conversations.states[("test", "1001")].pending)


def buttons(reply: Reply) -> list[str]:
    return [choice.label.key for message in reply.messages for row in message.choices
            for choice in row]


async def opens_the_application(chat: Chat) -> Reply:
    await chat.command("start")
    await chat.tap("language-ru")
    await chat.tap("menu-my-applications")
    return await chat.tap("apps-open", number=NUMBER)


async def opens_wednesday(chat: Chat) -> Reply:
    await opens_the_application(chat)
    days = await chat.tap("booking-choose")
    return await chat.press(next(choice for message in days.messages
                                 for row in message.choices for choice in row
                                 if choice.label.key == "booking-day"))


async def taps_the_time(chat: Chat, key: str) -> Reply:
    return await chat.press(next(choice for message in chat.replies[-1].messages
                                 for row in message.choices for choice in row
                                 if choice.label.key.startswith("booking-slot")
                                 and key[8:10] + ":" in str(choice.label.args["slot"])))


async def gets_something_else(chat: Chat, kind: str) -> Reply:
    if kind == "text":
        return await chat.say("завтра в 10 можно?")
    if kind == "sticker":
        return await chat.sticker()
    return await chat.upload(b"\xff\xd8\xff\xe0 a photo")


UNEXPECTED = ("text", "sticker", "photo")


# ---------------------------------------------------------------------- the three screens
@pytest.mark.parametrize("kind", UNEXPECTED)
async def test_the_times_are_shown_again_after_a_word_a_sticker_or_a_photo(kind: str) -> None:
    bot = Bot()
    chat = bot.started()
    times = await opens_wednesday(chat)
    assert chat.said(times) == ["booking-night-mark", "booking-ask-time"]
    assert bot.pending() == ChoosingTime("7", WEDNESDAY)

    again = await gets_something_else(chat, kind)
    assert chat.said(again) == ["hint-use-buttons", "booking-night-mark", "booking-ask-time"]
    assert buttons(again) == buttons(times)  # the same screen, with its buttons
    asked = await taps_the_time(chat, ELEVEN)  # a tap on the repeated screen still counts
    assert chat.said(asked) == ["booking-ask-child-language"]


@pytest.mark.parametrize("kind", UNEXPECTED)
async def test_the_childs_language_is_asked_again_after_a_word_a_sticker_or_a_photo(
    kind: str,
) -> None:
    bot = Bot()
    chat = bot.started()
    await opens_wednesday(chat)
    asked = await taps_the_time(chat, ELEVEN)
    assert bot.pending() == ChoosingChildLanguage("7", ELEVEN)

    again = await gets_something_else(chat, kind)
    assert chat.said(again) == ["hint-use-buttons", "booking-ask-child-language"]
    assert buttons(again) == buttons(asked)
    assert bot.interviews.booked == []  # nothing is booked by a sticker
    await chat.tap("language-kk")
    assert bot.interviews.booked == [(ELEVEN, "kk")]


@pytest.mark.parametrize("kind", UNEXPECTED)
async def test_the_childs_channel_is_asked_again_after_a_word_a_sticker_or_a_photo(
    kind: str,
) -> None:
    bot = Bot()
    chat = bot.started()
    await opens_wednesday(chat)
    await taps_the_time(chat, ELEVEN)
    confirmed = await chat.tap("booking-child-language-own", language=Text("language-ru"))
    assert chat.said(confirmed)[-1] == "booking-ask-child-channel"
    assert bot.pending() == ChoosingChildChannel("7")

    again = await gets_something_else(chat, kind)
    assert chat.said(again) == ["hint-use-buttons", "booking-ask-child-channel"]
    assert buttons(again) == ["booking-child-by-messenger", "booking-child-by-mail"]
    await chat.tap("booking-child-by-mail")
    assert chat.said() == ["booking-ask-child-mail"]
    await chat.say(ADDRESS)
    assert bot.interviews.mailed == [ADDRESS]


async def test_a_restart_keeps_the_screen() -> None:
    bot = Bot()
    await opens_wednesday(bot.started())
    again = await bot.started().sticker()  # another process, the same database
    assert bot.started().said(again) == ["hint-use-buttons", "booking-night-mark",
                                         "booking-ask-time"]
    chat = bot.started()
    chat.replies.append(again)
    await taps_the_time(chat, ELEVEN)
    chat = bot.started()
    again = await chat.say("по-русски")
    assert chat.said(again) == ["hint-use-buttons", "booking-ask-child-language"]
    await chat.tap("language-kk")
    assert bot.interviews.booked == [(ELEVEN, "kk")]
    chat = bot.started()
    again = await chat.sticker()
    assert chat.said(again) == ["hint-use-buttons", "booking-ask-child-channel"]


async def test_the_day_list_too_and_back_and_the_menu_leave_the_screens() -> None:
    bot = Bot()
    chat = bot.started()
    await opens_wednesday(chat)
    days = await chat.tap("nav-back")
    assert chat.said(days) == ["booking-ask-day"] and bot.pending() == ChoosingDay("7")
    again = await chat.sticker()
    assert chat.said(again) == ["hint-use-buttons", "booking-ask-day"]
    await chat.tap("nav-menu")
    assert chat.said() == ["menu-title"] and bot.pending() is None
    await chat.sticker()
    assert chat.said() == ["hint-menu-unexpected", "menu-title"]  # the menu, as before


@pytest.mark.parametrize(("command", "said"), [
    ("cancel", ["cancel-nothing", "menu-title"]),
    ("menu", ["menu-title"]),
    ("start", ["start-greeting", "menu-title"]),
])
async def test_commands_still_leave_a_booking_screen(command: str, said: list[str]) -> None:
    bot = Bot()
    chat = bot.started()
    await opens_wednesday(chat)
    await chat.command(command)
    assert chat.said() == said and bot.pending() is None


async def test_help_and_the_language_command_still_work_on_a_booking_screen() -> None:
    bot = Bot()
    chat = bot.started()
    await opens_wednesday(chat)
    await chat.command("help")
    assert chat.said() == ["help-menu", "booking-night-mark", "booking-ask-time"]
    await chat.command("language")
    assert chat.said() == ["language-ask"]
    await chat.tap("language-kk")
    assert chat.said() == ["language-set", "menu-title"]


async def test_a_stale_button_and_a_double_tap_get_the_existing_answers() -> None:
    bot = Bot()
    chat = bot.started()
    application = await opens_the_application(chat)
    days = await chat.tap("booking-choose")
    await chat.tap("booking-day", days, count=2)
    await chat.press(chat.button("apps-back", application))  # a button of before
    assert chat.said() == ["button-stale", "booking-night-mark", "booking-ask-time"]
    time = chat.button("booking-slot")
    await chat.press(time)
    assert chat.said() == ["booking-ask-child-language"]
    twice = await chat.press(time)
    assert twice.notice == Text("button-already-done") and not twice.messages


async def test_a_time_taken_meanwhile_gets_its_existing_answer() -> None:
    bot = Bot()
    chat = bot.started()
    await opens_wednesday(chat)
    await taps_the_time(chat, ELEVEN)
    bot.interviews.free.remove(ELEVEN)  # another parent took it
    again = await chat.sticker()
    assert chat.said(again) == ["hint-use-buttons", "booking-slot-taken",
                                "booking-no-daytime-day", "booking-ask-time"]  # 06:00 left
    bot.interviews.free.insert(0, ELEVEN)  # given back
    await chat.say("а 07:00?")
    await taps_the_time(chat, ELEVEN)
    bot.interviews.free.remove(ELEVEN)
    await chat.tap("language-kk")  # tapped after it went
    assert chat.said()[0] == "booking-slot-taken" and bot.interviews.booked == []


async def test_a_child_in_kazakhstan_is_booked_at_once_and_the_menu_follows() -> None:
    bot = Bot(Interviews(zone=None))
    chat = bot.started()
    await opens_wednesday(chat)
    await chat.say("что-нибудь")
    assert chat.said() == ["hint-use-buttons", "booking-ask-time"]
    await chat.tap("booking-slot")
    assert bot.interviews.booked == [(TEN, None)] and bot.pending() is None
    assert chat.said()[-1] == "menu-title"


# ---------------------------------------------------------------------- another channel
async def test_my_applications_shows_how_the_child_abroad_joins() -> None:
    bot = Bot()
    chat = bot.started()
    shown = await opens_the_application(chat)
    assert "booking-child-way" not in buttons(shown)  # no time booked yet
    bot.interviews.time = ELEVEN
    shown = await chat.press(chat.button("apps-back", shown))
    shown = await chat.tap("apps-open", number=NUMBER)
    assert "booking-child-way" in buttons(shown)

    home = Bot(Interviews(zone=None, time=ELEVEN))  # a child in Kazakhstan comes in person
    chat = home.started()
    assert "booking-child-way" not in buttons(await opens_the_application(chat))


async def test_a_child_by_e_mail_switches_to_the_messenger() -> None:
    bot = Bot(Interviews(time=ELEVEN, address=ADDRESS))
    chat = bot.started()
    await opens_the_application(chat)
    way = await chat.tap("booking-child-way")
    assert chat.said(way) == ["booking-child-way-mail"]
    assert way.messages[0].parts[0].args == {"address": ADDRESS}
    assert buttons(way) == ["booking-child-to-messenger", "booking-child-to-other-mail",
                            "apps-back", "nav-menu"]
    switched = await chat.tap("booking-child-to-messenger")
    assert chat.said(switched) == ["booking-child-now-messenger", "invite-telegram",
                                   "menu-title"]
    parts = switched.messages[0].parts
    assert parts[0].args == {"address": ADDRESS}
    assert parts[1].args == {"link": "https://t.me/bot?start=N3W2C0DE"}  # a new code


async def test_a_child_by_messenger_switches_to_e_mail_and_back_returns_to_the_way() -> None:
    bot = Bot(Interviews(time=ELEVEN))
    chat = bot.started()
    await opens_the_application(chat)
    way = await chat.tap("booking-child-way")
    assert chat.said(way) == ["booking-child-way-messenger", "invite-telegram"]
    assert buttons(way) == ["booking-child-to-mail", "apps-back", "nav-menu"]
    await chat.tap("booking-child-to-mail")
    assert chat.said() == ["booking-ask-child-mail"]
    assert bot.pending() == AskingChildMail("7", 0, switching=True)
    back = await chat.tap("nav-back")
    assert chat.said(back) == ["booking-child-way-messenger", "invite-telegram"]
    await chat.tap("booking-child-to-mail")
    await chat.say("arman.s@gmail")
    assert chat.said() == ["error-email-domain", "booking-ask-child-mail"]
    done = await chat.say(ADDRESS)
    assert chat.said(done) == ["booking-child-mail-sent", "menu-title"]
    assert bot.interviews.mailed == [ADDRESS]


async def test_the_switch_is_a_button_a_notice_can_carry() -> None:
    """The bounce notice (handlers/email) carries `HowChildJoins` bound to the parent's seq."""
    bot = Bot(Interviews(time=ELEVEN, address=ADDRESS, joined=False))
    chat = bot.started()
    await opens_the_application(chat)
    seq = bot.conversations.states[("test", "1001")].seq
    bounced = with_buttons(OutgoingMessage((Text("booking-child-mail-sent"),)),
                           [[child_way_button("7")]], seq)
    notice = bounced.choices[0][0]
    assert notice.payload == Tap.bind(seq, HowChildJoins("7").pack())
    way = await chat.press(notice)
    assert chat.said(way) == ["booking-child-way-mail"]
    assert OpenApplication("7").pack() in [c.payload.split(":", 1)[1] for m in way.messages
                                           for row in m.choices for c in row]
