"""Issue 18, point 1: the first screen speaks the language the messenger suggests, and
still asks; the suggestion is never taken for the person's choice."""

from __future__ import annotations

import pytest

from flows.engine import Engine
from flows.first_words import first_language, from_language_code, from_phone
from flows.messages import EventKind, IncomingEvent, Reply


@pytest.mark.parametrize(("code", "hint"), [
    ("ru", "ru"), ("ru-RU", "ru"), ("RU_ru", "ru"), ("kk", "kk"), ("kk-KZ", "kk"),
    ("en", "en"), ("en-GB", "en"), ("de", "en"), ("uz", "en"), ("", ""), (None, ""),
])
def test_telegrams_language_code_gives_kazakh_russian_or_else_english(
    code: str | None, hint: str
) -> None:
    assert from_language_code(code) == hint


@pytest.mark.parametrize(("number", "hint"), [
    ("77011234567", ""),  # Kazakhstan, +7 7xx: either language may be theirs
    ("+77172123456", ""),  # Astana's landline
    ("76001234567", ""),  # Kazakhstan's +7 6xx
    ("79161234567", "ru"),  # Russia, +7 9xx
    ("74951234567", "ru"),  # Moscow, +7 495
    ("78121234567", "ru"),  # Saint Petersburg, +7 812
    ("4915112345678", "en"),  # Germany
    ("+998901234567", "en"),  # Uzbekistan
    ("KZ.1234567890abcdef", ""),  # a BSUID: the number is hidden
    ("7916", ""),  # too short to be a number
])
def test_a_whatsapp_number_decides_only_outside_kazakhstan(number: str, hint: str) -> None:
    assert from_phone(number) == hint


def test_no_hint_falls_back_to_the_default() -> None:
    assert first_language("ru", "kk") == "ru"
    assert first_language("", "kk") == "kk"
    assert first_language("fr", "ru") == "ru"


async def start(engine: Engine, hint: str, user: str = "1001") -> Reply:
    return await engine.handle(IncomingEvent("test", user, EventKind.COMMAND, "start",
                                             locale_hint=hint))


def keys(reply: Reply) -> list[str]:
    return [part.key for message in reply.messages for part in message.parts]


def languages_offered(reply: Reply) -> list[str]:
    return [choice.label.key for message in reply.messages for row in message.choices
            for choice in row]


async def test_a_russian_messenger_is_greeted_in_russian_and_still_asked(engine: Engine) -> None:
    reply = await start(engine, "ru")
    assert reply.language == "ru"
    assert keys(reply) == ["start-greeting", "language-ask"]
    assert languages_offered(reply) == ["language-kk", "language-ru", "language-en"]


async def test_without_a_hint_the_default_greets(engine: Engine) -> None:
    assert (await start(engine, "")).language == "kk"


async def test_the_hint_is_not_the_persons_choice(engine: Engine) -> None:
    await start(engine, "ru")
    again = await start(engine, "ru")  # still no language chosen: asked again, not the menu
    assert keys(again) == ["start-greeting", "language-ask"]
    assert again.language == "ru"


async def test_the_chosen_language_wins_over_the_hint(engine: Engine) -> None:
    asked = await start(engine, "ru")
    kazakh = next(choice for message in asked.messages for row in message.choices
                  for choice in row if choice.label.key == "language-kk")
    chosen = await engine.handle(IncomingEvent("test", "1001", EventKind.CHOICE,
                                               kazakh.payload, locale_hint="ru"))
    assert chosen.language == "kk"
    assert (await start(engine, "ru")).language == "kk"
