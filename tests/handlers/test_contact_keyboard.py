"""Telegram's "share my number" keyboard is offered at the phone question only: once the
number is typed or shared, or the person goes elsewhere, it is gone from under the next
questions (a tap on it there would send the phone as the answer to another question)."""

from __future__ import annotations

from tests.fakes.telegram_api import FakeTelegram
from tests.handlers.conftest import RunningBot
from tests.handlers.lingo import says
from tests.handlers.test_rights_and_phones import text_of, to_the_phone

PARENT = 4301


async def test_a_typed_number_takes_the_keyboard_away(telegram: FakeTelegram,
                                                      running: RunningBot) -> None:
    parent = telegram.user(id=PARENT, first_name="Динара")
    await to_the_phone(parent, "menu-visit")
    assert telegram.reply_keyboard(PARENT) is not None
    wrong = await parent.say("8 701")  # refused: the question, and its keyboard, again
    assert says("ask-phone", "ru") in text_of(wrong)
    assert telegram.reply_keyboard(PARENT) is not None
    replies = await parent.say("8 701 123 45 67")
    assert says("visit-ask-residence", "ru") in replies[-1]["text"]
    assert replies[-1]["reply_markup"]["inline_keyboard"]  # its buttons are where they were
    assert telegram.reply_keyboard(PARENT) is None


async def test_back_from_the_phone_takes_the_keyboard_away(telegram: FakeTelegram,
                                                          running: RunningBot) -> None:
    parent = telegram.user(id=PARENT, first_name="Динара")
    question = await to_the_phone(parent, "menu-interview")
    replies = await parent.press(question[0], says("nav-back", "ru"))
    assert says("ask-address", "ru") in text_of(replies)
    assert telegram.reply_keyboard(PARENT) is None


async def test_a_shared_number_after_a_restart_takes_the_keyboard_away(
    telegram: FakeTelegram, running: RunningBot
) -> None:
    parent = telegram.user(id=PARENT, first_name="Динара")
    await to_the_phone(parent, "menu-visit")
    await running.restart()  # what the bot remembers of the keyboard survives it
    parent.share_contact("+77011234567")
    await telegram.settled()
    assert says("visit-ask-residence", "ru") in parent.last()["text"]
    assert telegram.reply_keyboard(PARENT) is None
