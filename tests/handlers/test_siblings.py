"""Issue 10, service 2 over HTTP: a brother and a sister in one application ("баламен
(балалармен)", seed 001 p. 5), each heard in their own conversation.

A mother in Astana applies on Monday 23.11.2026 for her son Arman and her daughter Dana, who
live in Berlin. She first mistypes Dana's year, which makes her too young: she is told so and
asked the date again, with nothing lost. Staff accept the documents; she books Arman's
conversation at once, and on Tuesday is reminded that Dana's has no time yet, with a button
that leads straight to Dana's days. Each child joins with their own code. Staff hold the two
conversations one after the other, each with its own record, and the mother gets one
decision naming both children.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from sqlalchemy import select

from flows.calendar import KZ_TZ
from storage.db import sessions
from storage.models import ApplicationNote
from tests.fakes.telegram_api import FakeTelegram, FakeUser
from tests.flows.documents import jpeg
from tests.handlers.conftest import STAFF_CHAT, STAFF_MEMBER, RunningBot
from tests.handlers.lingo import buttons, says
from tests.handlers.test_interview_telegram import NUMBER, label, open_application
from tests.handlers.test_staff_telegram import current, seen, staff_says, staff_tap

PARENT = 4401
ARMAN, DANA = "Смагулов Арман", "Смагулова Дана"
TUESDAY = datetime(2026, 11, 24, 9, 0, 30, tzinfo=KZ_TZ)
LAST_DAY = date(2026, 11, 27)


def ru(key: str, **args: Any) -> str:
    return says(key, "ru", **args)


async def applies_for_a_son_and_a_daughter(parent: FakeUser) -> list[dict[str, Any]]:
    """The form up to its summary, the daughter's year mistyped once on the way."""
    await parent.say("/start")
    menu = (await parent.press(parent.last(), "Русский"))[-1]
    shown = await parent.press(menu, ru("menu-interview"))
    for tap in ("region-astana", "body-astana-edu-short"):
        shown = await parent.press(shown[-1], ru(tap))
    for text in ("Смагулова", "Динара"):
        shown = await parent.say(text)
    shown = await parent.press(shown[-1], ru("nav-skip"))
    for text in ("871008401427", "г. Астана, пр. Мангилик Ел, 8, кв. 15", "87011234567"):
        shown = await parent.say(text)
    shown = await parent.press(parent.last(), ru("role-parent"))
    for text in ("Смагулов", "Арман"):
        shown = await parent.say(text)
    shown = await parent.press(shown[-1], ru("nav-skip"))
    shown = await parent.say("10.03.2013")
    assert ru("interview-ask-more-children", count=1) in shown[-1]["text"]
    shown = await parent.press(shown[-1], ru("group-more-yes"))
    assert ru("interview-ask-children-surname", n=2) in shown[-1]["text"]
    for text in ("Смагулова", "Дана"):
        shown = await parent.say(text)
    shown = await parent.press(shown[-1], ru("nav-skip"))
    shown = await parent.say("05.05.2017")  # a slip: 2017 instead of 2014
    assert shown[0]["text"] == ru("error-sibling-under-ten", min=10)
    assert ru("interview-ask-children-birth-date", n=2) in shown[-1]["text"]  # asked again
    shown = await parent.say("05.05.2014")
    assert ru("interview-ask-more-children", count=2) in shown[-1]["text"]
    shown = await parent.press(shown[-1], ru("group-more-no"))
    shown = await parent.press(shown[-1], ru("subject-residence"))
    shown = await parent.say("С кем из родителей будут жить дети")
    shown = await parent.press(shown[-1], ru("lives-abroad"))
    shown = await parent.press(shown[-1], ru("country-de"))
    shown = await parent.press(shown[-1], ru("present-applicant"))
    shown = await parent.press(shown[-1], ru("consent-yes"))
    parent.send_photo(jpeg(1))
    await parent.telegram.settled()
    shown = await parent.press(parent.last(), ru("files-done"))
    return await parent.press(shown[-1], ru("files-none"))


async def books(parent: FakeUser, days: dict[str, Any], child: str, at: str) -> str:
    """From a child's days: Wednesday 25.11 at `at`; the child's code from the confirmation."""
    assert days["text"] == ru("booking-ask-day-child", number=NUMBER, child=child)
    wednesday = next(b for b in buttons(days) if b.startswith("25.11.2026"))
    times = (await parent.press(days, wednesday))[-1]
    assert times["text"].endswith(ru("booking-ask-time-child", child=child))  # after 🌙's note
    time = next(b for b in buttons(times) if f", {at} " in b)
    asked = (await parent.press(times, time))[-1]  # the child's language (issue 18)
    assert asked["text"] == ru("booking-ask-child-language-child", child=child,
                               slot=time.removeprefix("🌙 "))
    confirmed = await parent.press(asked, ru("booking-child-language-own", language="Русский"))
    text = confirmed[0]["text"]
    assert text.startswith(ru("booking-confirmed-child", number=NUMBER, child=child,
                              slot="").split(":")[0])
    assert f"{at} " in text
    code = re.search(r"start=([A-Z0-9]{8})", text)
    assert code is not None
    return code.group(1)


async def joins(telegram: FakeTelegram, child: FakeUser, code: str, name: str) -> None:
    asked = (await child.say(f"/start {code}"))[-1]  # in the language the parent chose
    assert asked["text"] == ru("child-ask-who", name=name)
    intro = (await child.press(asked, ru("child-its-me", name=name)))[-1]
    await child.press(intro, ru("child-yes"))


def last_words(telegram: FakeTelegram, thread: int) -> dict[str, Any]:
    """The bot's last message in the topic that is not a file: a transcript's PDF record,
    which the outbox posts on its own time, may come after the question it answers."""
    return [m for m in telegram.sent_messages(STAFF_CHAT, thread) if "document" not in m][-1]


async def holds_the_conversation(telegram: FakeTelegram, card: dict[str, Any], child: str,
                                 asks: str, answer: FakeUser, says_back: str) -> None:
    """Staff start this child's conversation from the card, confirm the representative, ask,
    hear the answer, and end it."""
    thread = card["message_thread_id"]
    staff = telegram.user(id=STAFF_MEMBER)
    await staff_tap(telegram, card, staff_says("staff-action-session-child", child=child))
    controls = last_words(telegram, thread)
    assert controls["text"] == staff_says("staff-session-started-child", number=NUMBER,
                                          child=child)
    await staff_tap(telegram, controls, staff_says("staff-session-present"))
    staff.send_text(asks, chat=STAFF_CHAT, thread_id=thread)
    await telegram.settled()
    await seen(telegram, answer.id, lambda m: m.get("text") == label("specialist", asks))
    await answer.say(says_back)
    await seen(telegram, PARENT, lambda m: m.get("text") == label("child", says_back))
    await staff_tap(telegram, controls, staff_says("staff-session-end"))


def transcript(telegram: FakeTelegram, name: str) -> str:
    record = next(c for c in reversed(telegram.calls_of("sendDocument"))
                  if c.params.get("chat_id") == STAFF_CHAT
                  and getattr(c.params.get("document"), "filename", None) == name)
    return next(iter(record.files.values())).decode()


async def test_a_brother_and_a_sister_each_have_their_own_conversation_and_one_decision(
    telegram: FakeTelegram, staffed: RunningBot
) -> None:
    parent = telegram.user(id=PARENT, first_name="Динара")
    summary = (await applies_for_a_son_and_a_daughter(parent))[-1]
    assert f"{ARMAN}, " in summary["text"] and f"{DANA}, " in summary["text"]  # nothing lost
    await parent.press(summary, ru("summary-submit"))

    card = await seen(telegram, STAFF_CHAT, lambda m: NUMBER in m.get("text", "")
                      and bool(buttons(m)))
    await staff_tap(telegram, card, staff_says("staff-action-accept"))
    assert {staff_says("staff-action-session-child", child=ARMAN),
            staff_says("staff-action-session-child", child=DANA)} <= set(
        buttons(current(telegram, card)))  # a conversation per child

    # the time is chosen child by child
    detail = await open_application(parent)
    children = (await parent.press(detail, ru("booking-choose")))[-1]
    assert children["text"] == ru("booking-ask-child", number=NUMBER, count=2)
    assert buttons(children)[:2] == [ru("booking-child-unbooked", child=ARMAN),
                                     ru("booking-child-unbooked", child=DANA)]
    days = (await parent.press(children, ru("booking-child-unbooked", child=ARMAN)))[-1]
    arman_code = await books(parent, days, ARMAN, "10:00")

    # Tuesday: Dana has no time yet; the parent is reminded of her (and of her alone)
    staffed.advance_to(TUESDAY)
    remind = ru("booking-remind-parent-child", number=NUMBER, term=LAST_DAY, child=DANA)
    reminder = await seen(telegram, PARENT, lambda m: m.get("text") == remind)
    assert not [m for m in telegram.sent_messages(PARENT)
                if ARMAN in m.get("text", "") and "⏰" in m.get("text", "")]
    days = (await parent.press(reminder, ru("booking-choose")))[-1]
    wednesday = next(b for b in buttons(days) if b.startswith("25.11.2026"))
    times = (await parent.press(days, wednesday))[-1]
    assert not [b for b in buttons(times) if ", 10:00 " in b]  # Arman's time is taken
    dana_code = await books(parent, (await parent.press(times, ru("nav-back")))[-1], DANA,
                            "10:30")
    assert dana_code != arman_code
    detail = await open_application(parent)
    children = (await parent.press(detail, ru("booking-choose")))[-1]
    assert [b.split(" — ")[0] for b in buttons(children)[:2]] == [ARMAN, DANA]
    assert all("25.11.2026" in b for b in buttons(children)[:2])  # both have their time

    # each child joins with their own code
    arman, dana = telegram.user(id=5401, first_name="Арман"), telegram.user(id=5402)
    await joins(telegram, arman, arman_code, "Арман")
    await seen(telegram, PARENT, lambda m: m.get("text") == ru(
        "notify-child-confirmed-child", number=NUMBER, child=ARMAN))
    await joins(telegram, dana, dana_code, "Дана")
    await seen(telegram, PARENT, lambda m: m.get("text") == ru(
        "notify-child-confirmed-child", number=NUMBER, child=DANA))

    # staff hear Arman, then Dana: each conversation reaches its own child only
    await holds_the_conversation(telegram, card, ARMAN, "Арман, как тебе в Берлине?", arman,
                                 "Хорошо, но я скучаю по маме")
    assert not [m for m in telegram.sent_messages(dana.id)
                if m.get("text") == label("specialist", "Арман, как тебе в Берлине?")]
    await holds_the_conversation(telegram, card, DANA, "Дана, а что думаешь ты?", dana,
                                 "Я хочу жить с мамой")
    assert not [m for m in telegram.sent_messages(arman.id)
                if m.get("text") == label("specialist", "Дана, а что думаешь ты?")]
    first = transcript(telegram, f"{NUMBER}-1-transcript.txt")
    second = transcript(telegram, f"{NUMBER}-2-transcript.txt")
    assert "Хорошо, но я скучаю по маме" in first and "Я хочу жить с мамой" not in first
    assert "Я хочу жить с мамой" in second and "скучаю" not in second
    assert staffed.app is not None
    async with sessions(staffed.app.db)() as session:
        records = (await session.scalars(select(ApplicationNote.text).where(
            ApplicationNote.kind == "transcript").order_by(ApplicationNote.id))).all()
    assert [f"child: {ARMAN};" in r for r in records] == [True, False]
    assert [f"child: {DANA};" in r for r in records] == [False, True]

    # one decision, naming both children
    thread = card["message_thread_id"]
    await staff_tap(telegram, card, staff_says("staff-action-decide"))
    prompt = last_words(telegram, thread)
    telegram.user(id=STAFF_MEMBER).send_text(
        "Учесть мнение детей: оба хотят жить с матерью.", chat=STAFF_CHAT, thread_id=thread,
        reply_to=prompt)
    await telegram.settled()
    decision = await seen(telegram, PARENT, lambda m: "Учесть мнение детей" in m.get("text", ""))
    assert decision["text"] == ru(
        "notify-interview-decision-children", number=NUMBER, body=ru("body-astana-edu"),
        children=f"{ARMAN}, {DANA}", decision="Учесть мнение детей: оба хотят жить с матерью.")
    assert len([m for m in telegram.sent_messages(PARENT)
                if "Учесть мнение детей" in m.get("text", "")]) == 1
