"""Issue 9: a few thousand random and malformed updates through the real Dispatcher.

Citizens type garbage, send stickers and press buttons whose data is forged in every way a
client can forge it; staff and outsiders do the same in the staff group. Whatever arrives,
nothing may raise (no traceback in the log) and nobody is left without an answer: every
button press is answered, every citizen's text or command gets a reply (or is passed on to
their staff topic, which is the answer while they talk to a specialist).
"""

from __future__ import annotations

import logging
import random
import string
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest

from flows.payloads import CARD_VERBS, INPUT_VERBS, Action, Payload, StaffPayload
from tests.fakes.telegram_api import FakeTelegram, FakeUser
from tests.flows.documents import PDF, jpeg
from tests.handlers.conftest import STAFF_CHAT, STAFF_MEMBER, RunningBot
from tests.handlers.test_interview_telegram import book_wednesday_ten
from tests.handlers.test_staff_telegram import card_application_id
from tests.handlers.test_visit_telegram import fill_to_summary

SEED = 20260909
ROUNDS = 160  # 1,600 updates: 10 a round (8 citizens, staff, an outsider), about 30 s
CITIZENS = tuple(range(6001, 6009))
OUTSIDER = 6666  # writes in the staff group, is not staff
STAFF_VERBS = (*CARD_VERBS, *INPUT_VERBS, "delete", "")
BOT_NAME = "test_applications_bot"

Json = dict[str, Any]

# Pieces a hostile or clumsy person types: every script the bot meets, and worse.
ALPHABETS = (
    string.ascii_letters + string.digits + string.punctuation + " ",
    "абвгдеёжзийклмнопрстуфхцчшщъыьэюяАБВГДЕЁЖЗИЙ",
    "әғқңөұүһіӘҒҚҢӨҰҮҺІ",
    "😀👍🧒🇰🇿‍️",  # emoji, a zero-width joiner and a variation selector
    "\u200b\u200e\u200f\u202e\u0301\ufeff\t\n\r",  # invisible, bidi, combining, control
    "٠١٢٣٤٥٦٧٨٩²³½ⅷ",  # digits str.isdigit() accepts and int() may not
)
SHAPES = ("871008401427", "10.03.2013", "31.02.2026", "+77011234567", "ABCDEFGH", "0",
          "-1", "9" * 40, "", " ", ":", "::::", "%s%n{}", "<b>", "&amp;", "null")
COMMANDS = ("start", "language", "help", "cancel", "menu", "open", "close", "settings", "")


def text(rng: random.Random, longest: int = 80) -> str:
    if rng.random() < 0.25:
        return rng.choice(SHAPES)
    alphabet = "".join(rng.sample(ALPHABETS, rng.randint(1, len(ALPHABETS))))
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(1, longest)))


def word(rng: random.Random) -> str:
    """One field of a payload: right, wrong, huge, negative, unicode, empty."""
    return rng.choice((
        lambda: str(rng.randint(0, 40)),
        lambda: str(rng.randint(-10**6, -1)),
        lambda: "9" * rng.randint(10, 40),
        lambda: rng.choice(("yes", "no", "kk", "ru", "en", "xx", "visit", "interview",
                            "children", "period", "nowhere", "202611251000", "20261125",
                            *STAFF_VERBS)),
        lambda: rng.choice(SHAPES),
        lambda: text(rng, 12).replace(":", ""),
    ))()


def at_most_64_bytes(data: str) -> str:
    return data.encode()[:64].decode(errors="ignore")


def forged(rng: random.Random, family: type[Payload] = Action) -> str:
    """Every kind the codec knows, mostly with the right number of fields, of any value."""
    prefix, arity = rng.choice(sorted(family.kinds))
    arity = max(0, arity + rng.choice((0, 0, 0, -1, 1, 3)))
    return ":".join([prefix, *(word(rng) for _ in range(arity))])


def callback_datas(message: Json | None) -> list[str]:
    markup = (message or {}).get("reply_markup") or {}
    return [button["callback_data"] for row in markup.get("inline_keyboard", [])
            for button in row if "callback_data" in button]


@dataclass
class Tally:
    texts: int = 0
    buttons: int = 0
    others: int = 0


@dataclass
class Fuzz:
    rng: random.Random
    telegram: FakeTelegram
    card: Json  # an application's card in the staff group
    application_ids: tuple[int, ...]
    tally: Tally = field(default_factory=Tally)
    last_seen: dict[int, Json] = field(default_factory=dict)  # each chat's latest bot message
    last_keyboard: dict[int, Json] = field(default_factory=dict)  # ... that has buttons

    def saw(self, chat: int, replies: list[Json]) -> None:
        self.last_seen[chat] = replies[-1]
        with_buttons = [reply for reply in replies if callback_datas(reply)]
        if with_buttons:
            self.last_keyboard[chat] = with_buttons[-1]

    # ------------------------------------------------------------------ citizens
    def citizen_acts(self, person: FakeUser) -> bool:
        """One random update from a citizen; True when a reply is due (text, command)."""
        roll = self.rng.random()
        if roll < 0.45:
            self.press_as_citizen(person)
            return False
        if roll < 0.70:
            person.send_text(text(self.rng))
        elif roll < 0.85:
            person.send_text(self.command())
        else:
            self.send_something_else(person)
            return False
        self.tally.texts += 1
        return True

    def press_as_citizen(self, person: FakeUser) -> None:
        last = self.rng.choice((self.last_seen, self.last_keyboard)).get(person.id)
        shown = callback_datas(self.last_keyboard.get(person.id))
        real = self.rng.choice(shown) if shown else "0:menu"
        seq = real.partition(":")[0]
        data = self.rng.choice((
            lambda: real,  # an honest tap keeps the conversation moving somewhere deep
            lambda: real,
            lambda: f"{seq}:{forged(self.rng)}",  # the right question, a forged action
            lambda: f"{seq}:{forged(self.rng)}",
            lambda: f"{seq}:{forged(self.rng)}",
            lambda: f"{self.rng.choice(('0', '-3', '9' * 30, seq + '0'))}:"
                    f"{forged(self.rng)}",  # a wrong seq
            lambda: forged(self.rng),  # no seq at all
            lambda: forged(self.rng, StaffPayload),
            lambda: text(self.rng, 64),
        ))()
        message_id = last["message_id"] if last and self.rng.random() < 0.8 else \
            self.rng.randint(1, 10**6)
        person.tap_data(message_id, at_most_64_bytes(data))
        self.tally.buttons += 1

    def command(self) -> str:
        name = self.rng.choice(COMMANDS)
        if self.rng.random() < 0.2:
            name += f"@{BOT_NAME}"
        if self.rng.random() < 0.2:
            name = name.upper()
        argument = f" {text(self.rng, 30)}" if self.rng.random() < 0.6 else ""
        return f"/{name}{argument}"

    def send_something_else(self, person: FakeUser, chat: int | None = None,
                            thread: int | None = None) -> None:
        kinds: tuple[Callable[[], object], ...] = (
            lambda: person.send_sticker(chat=chat, thread_id=thread),
            lambda: person.send_voice(chat=chat, thread_id=thread),
            lambda: person.send_photo(jpeg(self.rng.randint(1, 5)), text(self.rng, 20),
                                      chat=chat, thread_id=thread),
            lambda: person.send_document(PDF, text(self.rng, 20) + ".pdf", "application/pdf",
                                         chat=chat, thread_id=thread),
        )
        private: tuple[Callable[[], object], ...] = (
            lambda: person.send_location(43.2, 76.9),
            lambda: person.send_contact(text(self.rng, 15), text(self.rng, 10),
                                        self.rng.choice((None, 1, person.id))),
        )
        self.rng.choice(kinds + (private if chat is None else ()))()
        self.tally.others += 1

    # ------------------------------------------------------------------ the staff group
    def group_acts(self, person: FakeUser) -> None:
        roll = self.rng.random()
        thread = self.rng.choice((None, self.card.get("message_thread_id"),
                                  self.rng.randint(1, 10**4)))
        if roll < 0.5:
            self.press_in_group(person)
        elif roll < 0.75:
            person.send_text(text(self.rng), chat=STAFF_CHAT, thread_id=thread)
            self.tally.texts += 1
        elif roll < 0.9:
            person.send_text(self.command(), chat=STAFF_CHAT, thread_id=thread)
            self.tally.texts += 1
        else:
            self.send_something_else(person, STAFF_CHAT, thread)

    def press_in_group(self, person: FakeUser) -> None:
        application = str(self.rng.choice(self.application_ids))
        data = self.rng.choice((
            lambda: self.rng.choice(callback_datas(self.card)),
            lambda: f"st:{application}:{self.rng.choice(STAFF_VERBS)}",
            lambda: f"st:{application}:{self.rng.choice(STAFF_VERBS)}:{word(self.rng)}",
            lambda: (f"in:{application}:{self.rng.choice(INPUT_VERBS)}:"
                     f"{self.rng.choice(CARD_VERBS)}:{self.rng.randint(0, 10**9)}"),
            lambda: forged(self.rng, StaffPayload),
            lambda: f"{self.rng.randint(0, 9)}:{forged(self.rng)}",
            lambda: text(self.rng, 64),
        ))()
        message_id = self.card["message_id"] if self.rng.random() < 0.7 else \
            self.rng.randint(1, 10**6)
        person.tap_data(message_id, at_most_64_bytes(data), chat=STAFF_CHAT)
        self.tally.buttons += 1


def failures(records: list[logging.LogRecord]) -> list[str]:
    """Unhandled exceptions: the error handler's and aiogram's own, any ERROR with a trace."""
    return [record.getMessage().splitlines()[0] for record in records
            if record.levelno >= logging.ERROR and (
                record.exc_info or "Cause exception while process update" in record.getMessage())]


def relayed_from(telegram: FakeTelegram, since: int, chat: int) -> bool:
    """The citizen's message went to their staff topic (the answer while with a specialist)."""
    return any(str(call.params.get("from_chat_id")) == str(chat)
               for call in telegram.calls[since:] if call.method == "copyMessage")


async def a_busy_bot(telegram: FakeTelegram) -> tuple[Fuzz, list[FakeUser], list[FakeUser]]:
    """An interview booked (its card in the staff group), citizens at the menu and two deep
    in a form, the staff member and an outsider in the group."""
    card, _code = await book_wednesday_ten(telegram, telegram.user(id=4301, first_name="Динара"))
    application = card_application_id(card)
    fuzz = Fuzz(random.Random(SEED), telegram, card,
                (application, application + 1, 0, 10**12))
    citizens = [telegram.user(id=user_id, first_name="Fuzz") for user_id in CITIZENS]
    for person in citizens:  # Telegram has no button to press in a chat never started
        fuzz.saw(person.id, await person.say("/start"))
    for person, lang in zip(citizens[:2], ("ru", "kk"), strict=True):
        fuzz.saw(person.id, [await fill_to_summary(person, lang)])
    outsider = telegram.user(id=OUTSIDER, first_name="Бөтен")
    telegram.set_chat_member(STAFF_CHAT, OUTSIDER, "left")
    return fuzz, citizens, [telegram.user(id=STAFF_MEMBER), outsider]


@pytest.mark.timeout(180)  # ~35 s alone; a loaded 2-core machine can take twice that
async def test_random_and_forged_updates_never_raise_and_are_always_answered(
    telegram: FakeTelegram, staffed: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    fuzz, citizens, in_group = await a_busy_bot(telegram)
    silent: list[str] = []
    caplog.clear()

    for round_number in range(ROUNDS):  # each person sends one update a round
        mark, calls = telegram.output_mark(), len(telegram.calls)
        due = [person for person in citizens if fuzz.citizen_acts(person)]
        for person in in_group:
            fuzz.group_acts(person)
        await telegram.settled(timeout=30)
        for person in citizens:
            replies = telegram.outputs_since(person.id, mark)
            if replies:
                fuzz.saw(person.id, replies)
            elif person in due and not relayed_from(telegram, calls, person.id):
                silent.append(f"round {round_number}: citizen {person.id}")

    assert failures(caplog.records) == []
    assert telegram.unanswered_callback_queries == []
    assert len(telegram.calls_of("answerCallbackQuery")) >= fuzz.tally.buttons, fuzz.tally
    assert silent == []
