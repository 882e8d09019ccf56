"""Issue 10, service 2 over HTTP: the conversation within its term, in person or by video.

A parent in Astana applies on Monday 23.11.2026; staff accept the documents that day, so the
conversation's last day is Friday 27.11. With no time booked, the parent is reminded on
Tuesday 24.11 (once, whatever restarts), and on Thursday 26.11 staff are alerted in the
citizen's topic and the morning digest warns. A child in Kazakhstan may come in person: the
confirmation and the reminders then say where (the body, its address, and the room or that
staff will tell it). The child's explanation says what the decision is about.
"""

from __future__ import annotations

import asyncio
from datetime import date, datetime, timedelta
from typing import Any

from flows.calendar import KZ_TZ
from storage.db import sessions
from storage.interviews import NUDGE_JOB
from storage.models import JobRun
from tests.fakes.telegram_api import FakeTelegram, FakeUser
from tests.fakes.whatsapp_api import FakeWhatsApp
from tests.flows.documents import jpeg
from tests.handlers.conftest import STAFF_CHAT, RunningBot
from tests.handlers.lingo import buttons, says
from tests.handlers.test_interview_telegram import (
    NUMBER,
    apply_until_where_the_child_lives,
    book_wednesday_ten,
    open_application,
)
from tests.handlers.test_reminders_expire import outbox_idle
from tests.handlers.test_staff_telegram import (
    current,
    seen,
    staff_says,
    staff_tap,
    the_digest,
)
from tests.handlers.test_whatsapp import graph_waits, person, pick, texts

PARENT = 4201
TUESDAY = datetime(2026, 11, 24, 9, 0, 30, tzinfo=KZ_TZ)
WEDNESDAY = TUESDAY + timedelta(days=1)
THURSDAY = TUESDAY + timedelta(days=2)
LAST_DAY = "27.11.2026"
ASTANA = {"body": says("body-astana-edu", "ru"), "address": says("body-astana-edu-address", "ru")}


async def apply_in_kazakhstan(parent: FakeUser, meeting: str) -> None:
    """A mother in Astana applies for her son, who lives in Kazakhstan too."""
    shown = await apply_until_where_the_child_lives(parent)
    shown = await parent.press(shown[-1], says("lives-kz", "ru"))
    assert says("interview-ask-meeting", "ru") in shown[-1]["text"]
    shown = await parent.press(shown[-1], says(f"meeting-{meeting}", "ru"))
    shown = await parent.press(shown[-1], says("present-applicant", "ru"))
    shown = await parent.press(shown[-1], says("consent-yes", "ru"))
    parent.send_photo(jpeg(1))
    await parent.telegram.settled()
    shown = await parent.press(parent.last(), says("files-done", "ru"))
    shown = await parent.press(shown[-1], says("files-none", "ru"))
    assert says(f"summary-lives-kz-{meeting}", "ru") in shown[-1]["text"]
    await parent.press(shown[-1], says("summary-submit", "ru"))


async def accepted(telegram: FakeTelegram) -> dict[str, Any]:
    """Staff accept the documents on the card; the card as it is now."""
    card = await seen(telegram, STAFF_CHAT, lambda m: NUMBER in m.get("text", "")
                      and bool(buttons(m)))
    await staff_tap(telegram, card, staff_says("staff-action-accept"))
    return current(telegram, card)


async def job_ran(bot: RunningBot, day: date) -> None:
    """The once-a-day job has claimed `day`, and what it queued has gone out."""
    assert bot.app is not None
    maker = sessions(bot.app.db)
    async with asyncio.timeout(10):
        while True:
            async with maker() as session:
                run = await session.get(JobRun, NUDGE_JOB)
            if run is not None and run.last_run_on >= day:
                break
            await asyncio.sleep(0.05)
    await outbox_idle(bot)
    await bot.settle()


def reminders_to_book(telegram: FakeTelegram, chat: int) -> list[dict[str, Any]]:
    text = says("booking-remind-parent", "ru", number=NUMBER, term=LAST_DAY)
    return [m for m in telegram.sent_messages(chat) if m.get("text") == text]


def alerts(telegram: FakeTelegram, thread: int) -> list[dict[str, Any]]:
    text = staff_says("staff-interview-unbooked", number=NUMBER, term=LAST_DAY)
    return [m for m in telegram.sent_messages(STAFF_CHAT, thread) if m.get("text") == text]


async def digest(telegram: FakeTelegram, bot: RunningBot, day: date) -> str:
    from handlers.telegram.digest import post_digest

    assert bot.app is not None and bot.app.telegram is not None
    side = bot.app.telegram.staff
    assert side is not None
    await post_digest(side, day)
    return await the_digest(telegram, day)


async def test_no_time_booked_the_parent_is_reminded_once_then_staff_are_alerted(
    telegram: FakeTelegram, staffed: RunningBot
) -> None:
    parent = telegram.user(id=PARENT, first_name="Динара")
    await apply_in_kazakhstan(parent, "in-person")
    card = await accepted(telegram)
    thread = card["message_thread_id"]

    staffed.advance_to(TUESDAY)  # 1 working day after the documents were accepted
    reminder = await seen(telegram, PARENT, lambda m: bool(reminders_to_book(telegram, PARENT)))
    assert buttons(reminder) == [says("booking-choose", "ru")]
    assert alerts(telegram, thread) == []  # staff are not alerted yet

    await staffed.restart()  # a restart the same day sends nothing again
    staffed.advance_to(WEDNESDAY)
    await job_ran(staffed, WEDNESDAY.date())
    assert len(reminders_to_book(telegram, PARENT)) == 1  # nor does the next day
    warning = staff_says("staff-digest-interview-unbooked", number=NUMBER, term=LAST_DAY)
    assert warning not in await digest(telegram, staffed, WEDNESDAY.date())

    staffed.advance_to(THURSDAY)  # 1 working day before the term ends
    await seen(telegram, STAFF_CHAT, lambda m: bool(alerts(telegram, thread)), thread)
    assert warning in await digest(telegram, staffed, THURSDAY.date())
    await staffed.restart()
    await job_ran(staffed, THURSDAY.date())
    assert len(alerts(telegram, thread)) == 1 and len(reminders_to_book(telegram, PARENT)) == 1

    # the reminder's button leads to the free days; the confirmation says where to come
    days = (await parent.press(reminder, says("booking-choose", "ru")))[-1]
    friday = next(b for b in buttons(days) if b.startswith(LAST_DAY))
    times = (await parent.press(days, friday))[-1]
    confirmed = await parent.press(times, next(b for b in buttons(times) if ", 10:00 " in b))
    assert says("interview-place-room-later", "ru", **ASTANA) in confirmed[0]["text"]
    await seen(telegram, STAFF_CHAT, lambda m: staff_says(
        "staff-interview-in-person-no-room", body="astana-edu") in m.get("text", ""), thread)
    assert warning not in await digest(telegram, staffed, date(2026, 11, 27))


async def test_in_person_the_confirmation_and_the_reminders_give_the_place(
    telegram: FakeTelegram, staffed: RunningBot
) -> None:
    parent = telegram.user(id=PARENT, first_name="Динара")
    await apply_in_kazakhstan(parent, "in-person")
    card = await accepted(telegram)
    detail = await open_application(parent)
    days = (await parent.press(detail, says("booking-choose", "ru")))[-1]
    times = (await parent.press(days, [b for b in buttons(days) if "—" in b][1]))[-1]
    confirmed = await parent.press(times, next(b for b in buttons(times) if ", 10:00 " in b))
    place = says("interview-place-room-later", "ru", **ASTANA)
    text = confirmed[0]["text"]
    assert "25.11.2026, 10:00" in text and place in text
    assert "t.me" not in text  # the child comes along: no invite to forward

    staffed.advance_to(datetime(2026, 11, 24, 10, 0, 1, tzinfo=KZ_TZ))  # 24 hours before
    to_parent = await seen(telegram, PARENT, lambda m: m.get("text", "").startswith("⏰"))
    assert place in to_parent["text"]
    thread = card["message_thread_id"]
    to_staff = await seen(telegram, STAFF_CHAT, lambda m: m.get("text", "").startswith("⏰"),
                          thread)
    assert staff_says("staff-interview-in-person-no-room", body="astana-edu") in to_staff["text"]
    await job_ran(staffed, date(2026, 11, 24))
    assert reminders_to_book(telegram, PARENT) == []  # a booked time needs no reminder


async def test_by_video_call_no_place_is_given(
    telegram: FakeTelegram, staffed: RunningBot
) -> None:
    parent = telegram.user(id=PARENT, first_name="Динара")
    await apply_in_kazakhstan(parent, "video")
    await accepted(telegram)
    detail = await open_application(parent)
    days = (await parent.press(detail, says("booking-choose", "ru")))[-1]
    times = (await parent.press(days, [b for b in buttons(days) if "—" in b][1]))[-1]
    confirmed = await parent.press(times, next(b for b in buttons(times) if ", 10:00 " in b))
    assert "🏢" not in confirmed[0]["text"] and ASTANA["address"] not in confirmed[0]["text"]


async def test_the_child_reads_what_the_decision_is_about(
    telegram: FakeTelegram, staffed: RunningBot
) -> None:
    _card, code = await book_wednesday_ten(telegram, telegram.user(id=4301))
    child = telegram.user(id=5301, first_name="Арман")
    asked = (await child.say(f"/start {code}"))[-1]  # in the language the parent chose
    intro = (await child.press(asked, says("child-its-me", "ru", name="Арман")))[-1]
    assert says("child-about-residence", "ru") in intro["text"]  # the parent chose residence
    # in another language later, the explanation still says it
    asked = (await child.say("/language"))[-1]
    again = (await child.press(asked, "English"))[-1]
    assert says("child-about-residence", "en") in again["text"]


async def fill_interview_on_whatsapp(who: Any) -> list[dict[str, Any]]:
    shown = await who.say("/start")
    shown = await pick(who, shown, "Русский")
    shown = await pick(who, shown, says("menu-interview", "ru"))
    shown = await pick(who, shown, says("region-astana", "ru"))
    shown = await pick(who, shown, says("body-astana-edu-short", "ru"))
    await who.say("Смагулова")
    shown = await who.say("Динара")
    shown = await pick(who, shown, says("nav-skip", "ru"))
    await who.say("871008401427")
    await who.say("г. Астана, пр. Мангилик Ел, 8, кв. 15")
    shown = await who.send(who.user.contacts(phone="+7 701 123 45 67"))
    shown = await pick(who, shown, says("role-parent", "ru"))
    await who.say("Смагулов")
    shown = await who.say("Арман")
    shown = await pick(who, shown, says("nav-skip", "ru"))
    shown = await who.say("10.03.2013")
    shown = await pick(who, shown, says("group-more-no", "ru"))  # one child
    shown = await pick(who, shown, says("subject-residence", "ru"))
    shown = await who.say("С кем из родителей будет жить сын")
    shown = await pick(who, shown, says("lives-kz", "ru"))
    shown = await pick(who, shown, says("meeting-in-person", "ru"))
    shown = await pick(who, shown, says("present-applicant", "ru"))
    shown = await pick(who, shown, says("consent-yes", "ru"))
    shown = await who.send(who.user.image(jpeg(1)))
    shown = await pick(who, shown, says("files-done", "ru"))
    shown = await pick(who, shown, says("files-none", "ru"))
    return await pick(who, shown, says("summary-submit", "ru"))


async def test_a_whatsapp_parent_is_reminded_with_a_button_that_books(
    telegram: FakeTelegram, graph: FakeWhatsApp, on_both: RunningBot
) -> None:
    who = person(graph, on_both, wa_id="77015554433")
    submitted = await fill_interview_on_whatsapp(who)
    assert NUMBER in texts(submitted)
    await accepted(telegram)

    on_both.advance_to(TUESDAY)
    reminder = says("booking-remind-parent", "ru", number=NUMBER, term=LAST_DAY)
    await graph_waits(graph, lambda: reminder in texts(graph.sent(who.user.wa_id)))
    shown = [m for m in graph.sent(who.user.wa_id) if reminder in texts([m])]
    days = await pick(who, shown, says("booking-choose", "ru"))
    assert says("booking-ask-day", "ru", number=NUMBER) in texts(days)
    day = next(title for title in _titles(days) if title.startswith("25.11.2026"))
    times = await pick(who, days, day)
    ten = next(title for title in _titles(times) if ", 10:00 " in title)
    confirmed = await pick(who, times, ten)
    assert says("interview-place-room-later", "ru", **ASTANA) in texts(confirmed)
    graph.assert_no_rejections()


def _titles(messages: list[dict[str, Any]]) -> list[str]:
    from tests.handlers.test_whatsapp import options

    return list(options(messages))
