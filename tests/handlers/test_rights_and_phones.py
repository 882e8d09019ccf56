"""Issue 12 over HTTP: a parent abroad with a German phone number, and a parent whose
parental rights are restricted, between the fake Bot API and the staff group."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from flows.calendar import KZ_TZ
from storage.db import sessions
from storage.models import Application, AuditEntry
from tests.fakes.telegram_api import FakeTelegram, FakeUser
from tests.flows.documents import jpeg
from tests.handlers.conftest import STAFF_CHAT, RunningBot
from tests.handlers.lingo import buttons, says
from tests.handlers.test_staff_telegram import seen, staff_says, staff_tap
from tests.handlers.test_visit_telegram import IIN, answer, open_visit

GERMAN = "+4915112345678"
NUMBER = "МР-2026-00001"


async def to_the_phone(parent: FakeUser, menu: str) -> list[dict[str, Any]]:
    """The applicant's answers up to the phone, in Russian; the phone question is returned
    (the question, then the hint that carries the share-contact keyboard)."""
    await parent.say("/start")
    shown = (await parent.press(parent.last(), "Русский"))[-1]
    shown = (await parent.press(shown, says(menu, "ru")))[-1]
    for tap in ("region-astana", "body-astana-edu-short"):
        shown = (await parent.press(shown, says(tap, "ru")))[-1]
    if menu == "menu-visit":
        shown = (await parent.press(shown, says("rights-deprived", "ru")))[-1]
    for text in ("Смагулова", "Динара"):
        shown = await answer(parent, text)
    shown = (await parent.press(shown, says("nav-skip", "ru")))[-1]
    await answer(parent, IIN)
    return await parent.say("Berlin, Friedrichstraße 43, Wohnung 5")


def text_of(messages: list[dict[str, Any]]) -> str:
    return "\n".join(message.get("text", "") for message in messages)


async def apply_from_germany(parent: FakeUser) -> dict[str, Any]:
    """The child-opinion application of test_interview_telegram.apply, from Berlin."""
    question = await to_the_phone(parent, "menu-interview")
    assert says("ask-phone-anywhere", "ru") in text_of(question)
    shown = await answer(parent, "+49 151 12345678")
    assert says("interview-ask-role", "ru") in shown["text"]
    shown = (await parent.press(shown, says("role-parent", "ru")))[-1]
    for text in ("Смагулов", "Арман"):
        shown = await answer(parent, text)
    shown = (await parent.press(shown, says("nav-skip", "ru")))[-1]
    shown = await answer(parent, "10.03.2013")
    for tap in ("group-more-no", "subject-residence"):
        shown = (await parent.press(shown, says(tap, "ru")))[-1]
    shown = await answer(parent, "С кем из родителей будет жить сын")
    for tap in ("lives-abroad", "country-de", "present-applicant", "consent-yes"):
        shown = (await parent.press(shown, says(tap, "ru")))[-1]
    parent.send_photo(jpeg(1))
    await parent.telegram.settled()
    shown = (await parent.press(parent.last(), says("files-done", "ru")))[-1]
    replies = await parent.press(shown, says("files-none", "ru"))
    assert replies[0]["text"].startswith(says("summary-title", "ru"))
    return replies[-1]


async def test_a_parent_with_a_german_number_applies_for_the_child_opinion_and_is_accepted(
    telegram: FakeTelegram, staffed: RunningBot
) -> None:
    parent = telegram.user(id=4201, first_name="Динара")
    summary = await apply_from_germany(parent)
    abroad = says("summary-phone-abroad", "ru", phone=GERMAN, country=says("country-de", "ru"))
    assert abroad in summary["text"]  # "+4915112345678 (Германия)"
    replies = await parent.press(summary, says("summary-submit", "ru"))
    assert NUMBER in replies[0]["text"]

    assert staffed.app is not None
    async with sessions(staffed.app.db)() as session:
        application = await session.scalar(select(Application))
    assert application is not None and application.applicant_phone == GERMAN

    card = await seen(telegram, STAFF_CHAT, lambda m: NUMBER in m.get("text", "")
                      and bool(buttons(m)))
    assert says("summary-phone-abroad", "ru", phone=GERMAN,
                country=says("country-de", "ru")) in card["text"]
    await staff_tap(telegram, card, staff_says("staff-action-accept"))
    await seen(telegram, 4201, lambda m: NUMBER in m.get("text", "") and m.get("text", "")
               .startswith(says("notify-interview-accepted", "ru", number=NUMBER,
                                term="").splitlines()[0]))


async def test_a_shared_german_contact_is_taken_by_the_child_opinion_service(
    telegram: FakeTelegram, running: RunningBot
) -> None:
    parent = telegram.user(id=4202, first_name="Динара")
    question = await to_the_phone(parent, "menu-interview")
    assert says("ask-phone-anywhere", "ru") in text_of(question)
    keyboard = question[-1]["reply_markup"]["keyboard"]  # request_contact is offered
    assert keyboard[0][0]["request_contact"] is True
    parent.share_contact("4915112345678")  # Telegram gives the number without its "+"
    await telegram.settled()
    assert says("interview-ask-role", "ru") in parent.last()["text"]


async def test_the_visit_permission_refuses_a_german_number_and_asks_again(
    telegram: FakeTelegram, running: RunningBot
) -> None:
    parent = telegram.user(id=4203, first_name="Динара")
    question = await to_the_phone(parent, "menu-visit")
    assert says("ask-phone", "ru") in text_of(question)
    replies = await parent.say("+49 151 12345678")
    assert replies[0]["text"] == says("error-phone-foreign", "ru",
                                      country=says("country-de", "ru"))
    assert replies[0]["text"] != says("error-phone-format", "ru")
    assert says("ask-phone", "ru") in text_of(replies)
    before = len(telegram.sent_messages(4203))
    parent.share_contact(GERMAN)  # nor as a shared contact
    await telegram.settled()
    shared = telegram.sent_messages(4203)[before:]
    assert shared[0]["text"] == replies[0]["text"] and says("ask-phone", "ru") in text_of(shared)
    parent.share_contact("+77011234567")
    await telegram.settled()
    assert says("visit-ask-residence", "ru") in parent.last()["text"]


async def test_a_parent_with_restricted_rights_is_told_how_to_apply_and_reaches_a_specialist(
    telegram: FakeTelegram, staffed: RunningBot
) -> None:
    parent = telegram.user(id=4204, first_name="Айгүл")
    question = await open_visit(parent, "ru")
    assert says("visit-intro", "ru") in telegram.sent_messages(4204)[-2]["text"]
    question = (await parent.press(question, says("region-kostanay", "ru")))[-1]
    question = (await parent.press(question, says("body-kst-rudny-short", "ru")))[-1]
    assert says("visit-ask-rights", "ru") in question["text"]
    (told,) = await parent.press(question, says("rights-restricted", "ru"))

    text = told["text"]
    assert text.startswith(says("rights-restricted-explained", "ru"))
    assert says("body-kst-rudny", "ru") in text
    assert says("body-kst-rudny-address", "ru") in text  # marked as not yet verified:
    assert says("rights-body-unverified", "ru", body=says("body-kst-rudny", "ru"),
                address=says("body-kst-rudny-address", "ru")) in text
    assert "09:00" in text and "18:30" in text and "13:00" in text  # hours from the data
    assert says("rights-phone-unknown", "ru") in text  # no phone is made up
    assert buttons(told) == [says("menu-specialist", "ru"), says("nav-menu", "ru")]
    assert staffed.app is not None
    async with sessions(staffed.app.db)() as session:  # not put through the 004 form
        assert await session.scalar(select(func.count()).select_from(Application)) == 0
        entry = await session.scalar(select(AuditEntry).where(
            AuditEntry.action == "enquiry.restricted-rights"))
    assert entry is not None and entry.subject == "kst-rudny"

    # the specialist sees the case in the parent's topic, before a word is written
    note = staff_says("staff-enquiry-restricted-rights", body=staff_says("body-kst-rudny"))
    in_topic = await seen(telegram, STAFF_CHAT, lambda m: m.get("text") == note)
    thread = in_topic["message_thread_id"]
    replies = await parent.press(told, says("menu-specialist", "ru"))
    assert replies[0]["text"] == says("specialist-open", "ru")
    await parent.say("Суд ограничил меня в правах. Что принести?")
    await telegram.wait_for(lambda c: c.method == "copyMessage" and c.ok
                            and c.params.get("message_thread_id") == thread, timeout=10)

    # the next working morning, the digest lists the enquiry
    staffed.advance_to(datetime(2026, 11, 24, 9, 5, tzinfo=KZ_TZ))
    await staffed.restart()  # the digest job runs at start when 9:00 has passed
    title = staff_says("staff-digest-restricted-rights", count=1)
    digest = await seen(telegram, STAFF_CHAT, lambda m: title in m.get("text", ""))
    line = staff_says("staff-digest-enquiry-line", at="23.11.2026 10:00",
                      body=staff_says("body-kst-rudny-short"), name="Айгүл")
    assert line in digest["text"]
