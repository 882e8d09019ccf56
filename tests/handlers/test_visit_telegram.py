"""Issue 3 over HTTP: a parent applies for the visit permission through the fake Bot API."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from bot.app import file_store
from storage.db import sessions
from storage.models import Application
from tests.fakes.telegram_api import FakeTelegram, FakeUser
from tests.flows.documents import EXE, PDF, jpeg
from tests.handlers.conftest import RunningBot
from tests.handlers.lingo import buttons, says

IIN = "871008401427"


async def open_visit(person: FakeUser, lang: str) -> dict[str, Any]:
    await person.say("/start")
    label = {"kk": "Қазақша", "ru": "Русский", "en": "English"}[lang]
    menu = (await person.press(person.last(), label))[-1]
    replies = await person.press(menu, says("menu-visit", lang))
    return replies[-1]


async def answer(person: FakeUser, text: str) -> dict[str, Any]:
    replies = await person.say(text)
    return replies[-1]


async def fill_to_children(
    person: FakeUser, lang: str, surname: str = "Иванова"
) -> dict[str, Any]:
    question = await open_visit(person, lang)
    question = (await person.press(question, says("region-kostanay", lang)))[-1]
    question = (await person.press(question, says("body-kst-rudny-short", lang)))[-1]
    question = (await person.press(question, says("rights-deprived", lang)))[-1]
    await answer(person, surname)
    question = await answer(person, "Айгүл")
    question = (await person.press(question, says("nav-skip", lang)))[-1]
    await answer(person, IIN)
    await answer(person, "Рудный қ., Ленин көшесі, 1-үй, 2-пәтер")
    person.share_contact("+77011234567")
    await person.telegram.settled()
    question = person.last()
    assert says("visit-ask-residence", lang) in question["text"]
    return (await person.press(question, says("residence-patronage-short", lang)))[-1]


async def add_child(person: FakeUser, lang: str, surname: str, name: str, born: str) -> dict:
    await answer(person, surname)
    question = await answer(person, name)
    question = (await person.press(question, says("nav-skip", lang)))[-1]
    return await answer(person, born)


async def fill_to_summary(
    person: FakeUser, lang: str, surname: str = "Иванова"
) -> dict[str, Any]:
    await fill_to_children(person, lang, surname)
    more = await add_child(person, lang, "Иванов", "Нұрлан", "05.09.2015")
    await person.press(more, says("group-more-yes", lang))
    more = await add_child(person, lang, "Иванова", "Дана", "31.01.2018")
    await person.press(more, says("group-more-no", lang))
    await answer(person, "01.12.2026")
    question = await answer(person, "31.12.2026")
    assert says("ask-consent", lang) in question["text"]
    question = (await person.press(question, says("consent-yes", lang)))[-1]
    assert says("ask-document-identity", lang) in question["text"]
    person.send_photo(jpeg(1))
    await person.telegram.settled()
    person.send_document(PDF, "passport.pdf", "application/pdf")
    await person.telegram.settled()
    received = person.last()
    question = (await person.press(received, says("files-done", lang)))[-1]
    assert says("ask-document-court-decision", lang) in question["text"]
    person.send_document(PDF + b"court", "court-decision.pdf", "application/pdf")
    await person.telegram.settled()
    question = (await person.press(person.last(), says("files-done", lang)))[-1]
    assert says("ask-document-other", lang) in question["text"]
    replies = await person.press(question, says("files-none", lang))
    assert replies[0]["text"].startswith(says("summary-title", lang))
    return replies[-1]


@pytest.mark.parametrize("lang", ["kk", "ru"])
async def test_a_parent_applies_and_finds_it_under_my_applications(
    telegram: FakeTelegram, running: RunningBot, lang: str
) -> None:
    person = telegram.user(id=2001, first_name="Айгүл")
    summary = await fill_to_summary(person, lang)
    assert "Иванова Айгүл" in summary["text"] and "05.09.2015" in summary["text"]
    assert "+77011234567" in summary["text"]

    replies = await person.press(summary, says("summary-submit", lang))
    number = "ВП-2026-00001"
    assert replies[0]["text"] == says(
        "submitted", lang, number=number, registered="23.11.2026", check="24.11.2026",
        decision="30.11.2026",
    )

    assert running.app is not None
    async with sessions(running.app.db)() as session:
        application = await session.scalar(
            select(Application).options(selectinload(Application.children),
                                        selectinload(Application.documents))
        )
    assert application is not None and application.number == number
    assert application.body_code == "kst-rudny"
    assert (application.applicant_surname, application.applicant_first_name) == (
        "Иванова", "Айгүл")
    assert application.applicant_patronymic is None
    assert application.applicant_iin == IIN
    assert application.applicant_address.startswith("Рудный")
    assert application.applicant_phone == "+77011234567"
    assert application.child_residence == "patronage"
    assert [(c.first_name, c.birth_date.isoformat()) for c in application.children] == [
        ("Нұрлан", "2015-09-05"), ("Дана", "2018-01-31")]
    assert (application.period_from.isoformat(), application.period_to.isoformat()) == (
        "2026-12-01", "2026-12-31")
    assert application.consent is True
    assert [(d.kind, d.mime) for d in application.documents] == [
        ("id_document", "image/jpeg"), ("id_document", "application/pdf"),
        ("court_decision", "application/pdf")]
    assert application.status == "submitted"
    for document in application.documents:
        assert await file_store(running.settings).read(document.sha256)

    menu = replies[-1]
    listing = (await person.press(menu, says("menu-my-applications", lang)))
    assert number in listing[-1]["text"]
    detail = await person.press(listing[-1], says("apps-open", lang, number=number))
    assert says("status-submitted", lang) in detail[-1]["text"]


async def test_restart_in_the_middle_resumes_the_same_question(
    telegram: FakeTelegram, running: RunningBot
) -> None:
    person = telegram.user(id=2002)
    await fill_to_children(person, "ru")
    await answer(person, "Иванов")
    await running.restart()
    question = await answer(person, "Нұрлан")
    assert says("visit-ask-child-patronymic", "ru", n=1) in question["text"]


async def test_bad_input_at_each_kind_of_question(
    telegram: FakeTelegram, running: RunningBot
) -> None:
    person = telegram.user(id=2003)
    question = await open_visit(person, "ru")
    question = (await person.press(question, says("region-astana", "ru")))[-1]
    question = (await person.press(question, says("body-astana-edu-short", "ru")))[-1]
    question = (await person.press(question, says("rights-deprived", "ru")))[-1]

    person.send_photo(jpeg(5))  # a photo where the surname is asked
    await telegram.settled()
    texts = [m["text"] for m in telegram.sent_messages(2003)[-2:]]
    assert texts[0] == says("error-text-expected", "ru")
    assert says("ask-surname", "ru") in texts[1]

    await answer(person, "Иванова")
    question = await answer(person, "Айгүл")
    await person.press(question, says("nav-skip", "ru"))
    replies = await person.say("871008401428")
    assert replies[0]["text"] == says("error-iin-checksum", "ru")
    assert says("ask-iin", "ru") in replies[-1]["text"]
    await answer(person, IIN)
    await answer(person, "г. Астана, пр. Мангилик Ел, д. 8, кв. 15")
    replies = await person.say("12345")
    assert replies[0]["text"] == says("error-phone-format", "ru")
    await answer(person, "+7 701 123 45 67")
    question = person.last()
    question = (await person.press(question, says("residence-guardianship-short", "ru")))[-1]
    await answer(person, "Иванов")
    question = await answer(person, "Нұрлан")
    await person.press(question, says("nav-skip", "ru"))
    replies = await person.say("31.02.2026")
    assert replies[0]["text"] == says("error-date-invalid", "ru", value="31.02.2026")
    assert says("visit-ask-child-birth-date", "ru", n=1) in replies[-1]["text"]
    more = await answer(person, "05.09.2015")
    await person.press(more, says("group-more-no", "ru"))
    await answer(person, "01.12.2026")
    question = await answer(person, "31.12.2026")
    question = (await person.press(question, says("consent-yes", "ru")))[-1]

    replies = await person.say("вот документ")  # text where a file is asked
    assert replies[0]["text"] == says("error-file-expected", "ru")

    person.send_document(jpeg(6), "huge.jpg", "image/jpeg", file_size=25 * 1024 * 1024)
    await telegram.settled()
    texts = [m["text"] for m in telegram.sent_messages(2003)[-2:]]
    assert texts[0] == says("error-file-too-big", "ru", limit=20)

    person.send_document(EXE, "passport.pdf", "application/pdf")  # an .exe renamed .pdf
    await telegram.settled()
    texts = [m["text"] for m in telegram.sent_messages(2003)[-2:]]
    assert texts[0] == says("error-file-type", "ru")
    assert says("ask-document-identity", "ru") in texts[1]

    # a button from an old message: the region list, long gone
    old = next(m for m in telegram.sent_messages(2003)
               if says("region-astana", "ru") in buttons(m))
    replies = await person.press(old, says("region-astana", "ru"))
    assert replies[0]["text"] == says("button-stale", "ru")
    assert says("ask-document-identity", "ru") in replies[-1]["text"]


async def test_an_album_is_several_documents(telegram: FakeTelegram, running: RunningBot) -> None:
    person = telegram.user(id=2004)
    await fill_to_children(person, "kk")
    more = await add_child(person, "kk", "Иванов", "Нұрлан", "05.09.2015")
    await person.press(more, says("group-more-no", "kk"))
    await answer(person, "01.12.2026")
    question = await answer(person, "31.12.2026")
    await person.press(question, says("consent-yes", "kk"))
    person.send_album([jpeg(10), jpeg(11), jpeg(12)])
    await telegram.settled()
    assert person.last()["text"] == says("files-accepted", "kk", count=3)


async def test_two_people_at_once_never_see_each_others_data(
    telegram: FakeTelegram, running: RunningBot
) -> None:
    first, second = telegram.user(id=2005), telegram.user(id=2006)
    summaries = await asyncio.gather(
        fill_to_summary(first, "ru", surname="Первая"),
        fill_to_summary(second, "kk", surname="Екінші"),
    )
    assert "Первая" in summaries[0]["text"] and "Екінші" not in summaries[0]["text"]
    assert "Екінші" in summaries[1]["text"] and "Первая" not in summaries[1]["text"]


async def test_the_identity_photo_may_be_skipped_and_the_court_decision_may_not(
    telegram: FakeTelegram, running: RunningBot
) -> None:
    """Identity data come through the e-government gateway (004 p. 8): the photo is
    optional and the question says why; the court decision is required (to be confirmed)."""
    person = telegram.user(id=2010)
    await fill_to_children(person, "ru")
    more = await add_child(person, "ru", "Иванов", "Нұрлан", "05.09.2015")
    await person.press(more, says("group-more-no", "ru"))
    await answer(person, "01.12.2026")
    question = await answer(person, "31.12.2026")
    question = (await person.press(question, says("consent-yes", "ru")))[-1]
    assert says("ask-document-identity", "ru") in question["text"]
    assert "электронного правительства" in question["text"]
    question = (await person.press(question, says("files-none", "ru")))[-1]
    assert says("ask-document-court-decision", "ru") in question["text"]
    assert says("files-none", "ru") not in buttons(question)  # no way round it
    replies = await person.say("решение у меня дома")
    assert replies[0]["text"] == says("error-file-expected", "ru")
    assert says("ask-document-court-decision", "ru") in replies[-1]["text"]
    person.send_document(PDF, "court.pdf", "application/pdf")
    await telegram.settled()
    question = (await person.press(person.last(), says("files-done", "ru")))[-1]
    assert says("ask-document-other", "ru") in question["text"]
    summary = (await person.press(question, says("files-none", "ru")))
    identity = says("summary-document", "ru", document=says("document-identity", "ru"), count=0)
    court = says("summary-document", "ru", document=says("document-court-decision", "ru"),
                 count=1)
    assert identity in summary[0]["text"] and court in summary[0]["text"]
