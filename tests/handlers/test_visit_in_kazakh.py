"""The visit permission walked in Kazakh with the answers people really type, each a defect a
probe found: the Back button's label typed, "no patronymic" in Kazakh, a name or an address
far too long, a skipped answer offered to be "kept", a period's end typed centuries ahead,
two Kazakh words for "button" in one exchange, and a question that told to skip what was
already sent."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from tests.fakes.telegram_api import FakeTelegram, FakeUser
from tests.flows.documents import jpeg
from tests.handlers.conftest import RunningBot
from tests.handlers.lingo import buttons, says

IIN = "871008401427"
KK = "kk"


async def to_surname(person: FakeUser) -> dict[str, Any]:
    await person.say("/start")
    menu = (await person.press(person.last(), "Қазақша"))[-1]
    question = (await person.press(menu, says("menu-visit", KK)))[-1]
    for label in ("region-kostanay", "body-kst-rudny-short", "rights-deprived"):
        question = (await person.press(question, says(label, KK)))[-1]
    assert says("ask-surname", KK) in question["text"]
    return question


async def to_patronymic(person: FakeUser) -> dict[str, Any]:
    await to_surname(person)
    await person.say("Иванова")
    return (await person.say("Айгүл"))[-1]


async def to_children(person: FakeUser) -> dict[str, Any]:
    await person.press(await to_patronymic(person), says("nav-skip", KK))
    await person.say(IIN)
    await person.say("Рудный қ., Ленин көшесі, 1-үй, 2-пәтер")
    person.share_contact("+77011234567")
    await person.telegram.settled()
    return (await person.press(person.last(), says("residence-patronage-short", KK)))[-1]


async def to_period(person: FakeUser) -> dict[str, Any]:
    await to_children(person)
    await person.say("Иванов")
    await person.press((await person.say("Нұрлан"))[-1], says("nav-skip", KK))
    more = (await person.say("05.09.2015"))[-1]
    return (await person.press(more, says("group-more-no", KK)))[-1]


async def to_identity_document(person: FakeUser) -> dict[str, Any]:
    await to_period(person)
    await person.say("01.12.2026")
    question = (await person.say("31.12.2026"))[-1]
    return (await person.press(question, says("consent-yes", KK)))[-1]


async def test_the_back_buttons_label_typed_goes_back_and_is_never_a_surname(
    telegram: FakeTelegram, running: RunningBot
) -> None:
    person = telegram.user(id=4001)
    await to_surname(person)
    back = (await person.say("артқа"))[-1]
    assert says("ask-surname", KK) not in back["text"]
    assert says("ask-first-name", KK) not in back["text"]  # not kept as a surname
    assert says("rights-deprived", KK) in buttons(back)  # the question before
    await person.press(back, says("rights-deprived", KK))
    assert "Артқа" not in (await person.say("Иванова"))[-1]["text"]


@pytest.mark.parametrize("typed", ["жок", "Әкесінің аты жоқ", "жоқ."])
async def test_no_patronymic_typed_in_kazakh_is_told_to_press_skip(
    telegram: FakeTelegram, running: RunningBot, typed: str
) -> None:
    """«жок» is «жоқ» on a Russian keyboard: both meant "none", never the name «Жок»."""
    person = telegram.user(id=4002)
    await to_patronymic(person)
    replies = await person.say(typed)
    assert replies[0]["text"] == says("error-patronymic-none", KK)
    assert "батырмасын басыңыз" in replies[0]["text"]  # the word the question used
    assert says("ask-patronymic", KK) in replies[-1]["text"]


async def test_a_name_or_an_address_too_long_is_told_its_limit(
    telegram: FakeTelegram, running: RunningBot
) -> None:
    """5,000 letters are letters: "letters only" was the wrong reason; an address of 6,000
    characters was asked to be "the full address"."""
    person = telegram.user(id=4003)
    await to_surname(person)
    replies = await person.say("И" * 5000)
    assert replies[0]["text"] == says("error-text-too-long", KK, max=50)
    assert says("ask-surname", KK) in replies[-1]["text"]
    replies = await person.say("\u200b \u3164")  # looks empty
    assert replies[0]["text"] == says("error-text-empty", KK)

    await person.say("Иванова")
    await person.press((await person.say("Айгүл"))[-1], says("nav-skip", KK))
    await person.say(IIN)
    replies = await person.say("Рудный қ., Ленин көшесі, 1-үй " * 200)
    assert replies[0]["text"] == says("error-text-too-long", KK, max=300)
    assert says("ask-address", KK) in replies[-1]["text"]


async def test_back_to_a_skipped_answer_offers_no_answer_to_keep(
    telegram: FakeTelegram, running: RunningBot
) -> None:
    person = telegram.user(id=4005)
    await to_children(person)
    await person.say("Иванов")
    question = (await person.say("Нұрлан"))[-1]
    question = (await person.press(question, says("nav-skip", KK)))[-1]
    question = (await person.press(question, says("nav-back", KK)))[-1]
    assert says("visit-ask-child-patronymic", KK, n=1) in question["text"]
    assert says("nav-keep", KK) not in buttons(question)
    assert says("nav-skip", KK) in buttons(question)


async def test_a_period_past_the_youngest_childs_childhood_is_refused(
    telegram: FakeTelegram, running: RunningBot
) -> None:
    """«31.12.2207», a typo for 2027, went into the application; Нұрлан (05.09.2015) turns 18
    on 05.09.2033, and a child of 18 needs no permission."""
    person = telegram.user(id=4006)
    await to_period(person)
    await person.say("01.12.2026")
    replies = await person.say("31.12.2207")
    assert replies[0]["text"] == says("error-period-past-childhood", KK,
                                      date=date(2033, 9, 4), max=18)
    assert says("visit-ask-period-to", KK) in replies[-1]["text"]
    assert says("ask-consent", KK) in (await person.say("04.09.2033"))[-1]["text"]


async def test_the_identity_document_is_named_as_the_glossary_does(
    telegram: FakeTelegram, running: RunningBot
) -> None:
    question = await to_identity_document(telegram.user(id=4008))
    assert "\nЖеке басын куәландыратын құжат —" in question["text"]


async def sent(person: FakeUser, photo: bytes) -> list[dict[str, Any]]:
    mark = person.telegram.output_mark()
    person.send_photo(photo)
    await person.telegram.settled()
    return person.telegram.outputs_since(person.id, mark)


async def test_a_question_asked_again_after_a_file_no_longer_tells_to_skip(
    telegram: FakeTelegram, running: RunningBot
) -> None:
    """The same photo sent twice: the question comes again with "Received: 1" and the
    "Done" button, but still said "press the button to skip", a button no longer there."""
    person = telegram.user(id=4009)
    question = await to_identity_document(person)
    assert says("files-none", KK) in buttons(question)
    assert "өткізіп жіберу" in question["text"].lower()  # before any file: Skip is there

    await sent(person, jpeg(1))
    again = (await sent(person, jpeg(1)))[-1]  # the same photo: refused, asked again
    assert says("files-received", KK, count=1) in again["text"]
    assert buttons(again)[0] == says("files-done", KK)
    assert "өткізіп жіберу" not in again["text"].lower()
