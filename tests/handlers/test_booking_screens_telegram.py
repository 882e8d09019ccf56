"""Issue 18's defect and issue 16's "another channel", over HTTP with the real Dispatcher.

A mother books the conversation for her son in Berlin. On each booking screen (the day's
times, the son's language, how the son joins) she types, sends a sticker, a photo or a voice
message instead of tapping: she is told to use the buttons and sees the same screen with its
buttons again (before: "I understand only buttons" and the main menu, the screen gone). The
bot restarts in between: the screen is still hers. A tap then books, as before.

Later, from "My applications", she switches her son from e-mail to the messenger (a new link
to forward; the address gets nothing more) and back to e-mail (the son's messenger gets no
more reminders).
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from flows.calendar import KZ_TZ
from storage.conversations import person_for
from storage.db import sessions
from storage.models import InterviewBooking, InterviewInvite, OutboxMessage
from tests.fakes.telegram_api import FakeTelegram, FakeUser
from tests.flows.documents import jpeg
from tests.handlers.conftest import STAFF_CHAT, RunningBot
from tests.handlers.lingo import buttons, says
from tests.handlers.test_child_language import applies_in_kazakh
from tests.handlers.test_interview_telegram import apply as applies_in_russian
from tests.handlers.test_staff_telegram import current, seen, staff_says, staff_tap

NUMBER = "МР-2026-00001"
PARENT, CHILD = 4701, 5701
ADDRESS = "arman.s@gmail.com"
Json = dict[str, Any]


async def wednesdays_times(telegram: FakeTelegram, parent: FakeUser, lang: str) -> Json:
    """Applied in her language, accepted by staff: the times of Wednesday 25.11."""
    await (applies_in_kazakh if lang == "kk" else applies_in_russian)(parent)
    card = await seen(telegram, STAFF_CHAT, lambda m: NUMBER in m.get("text", "")
                      and bool(buttons(m)))
    await staff_tap(telegram, card, staff_says("staff-action-accept"))
    await seen(telegram, parent.id, lambda m: m.get("text", "").startswith(says(
        "notify-interview-accepted", lang, number=NUMBER, term="").splitlines()[0]))
    detail = await opens_the_application(parent, lang)
    days = (await parent.press(detail, says("booking-choose", lang)))[-1]
    wednesday = next(b for b in buttons(days) if b.startswith("25.11.2026"))
    return (await parent.press(days, wednesday))[-1]


async def opens_the_application(parent: FakeUser, lang: str) -> Json:
    await parent.say("/start")
    listing = await parent.press_latest(says("menu-my-applications", lang))
    return (await parent.press(listing[-1], says("apps-open", lang, number=NUMBER)))[-1]


async def sends(parent: FakeUser, kind: str) -> list[Json]:
    """Something that is no tap: the bot's answer to it."""
    telegram = parent.telegram
    mark = telegram.output_mark()
    if kind == "text":
        parent.send_text("можно в 11?")
    elif kind == "sticker":
        parent.send_sticker()
    elif kind == "photo":
        parent.send_photo(jpeg(7))
    else:
        parent.send_voice()
    await telegram.settled()
    return telegram.outputs_since(parent.id, mark)


def the_same_screen(answer: list[Json], screen: Json, lang: str) -> bool:
    """A hint, then the screen again with its buttons."""
    return [m["text"] for m in answer] == [says("hint-use-buttons", lang), screen["text"]] \
        and buttons(answer[-1]) == buttons(screen) != []


@pytest.mark.parametrize("lang", ["kk", "ru"])
async def test_each_booking_screen_answers_what_is_no_tap_with_itself(
    telegram: FakeTelegram, staffed: RunningBot, lang: str
) -> None:
    parent = telegram.user(id=PARENT, first_name="Динара")
    times = await wednesdays_times(telegram, parent, lang)
    for kind in ("text", "sticker", "photo"):
        answer = await sends(parent, kind)
        assert the_same_screen(answer, times, lang), (kind, [m["text"] for m in answer])
        times = answer[-1]
    await staffed.restart()
    answer = await sends(parent, "voice")
    assert the_same_screen(answer, times, lang), [m["text"] for m in answer]  # restarted

    eleven = next(b for b in buttons(answer[-1]) if ", 11:00 " in b)  # 07:00 in Berlin
    language = (await parent.press(answer[-1], eleven))[-1]  # a tap on the screen repeated
    assert language["text"] == says("booking-ask-child-language", lang, slot=eleven)
    for kind in ("text", "sticker", "photo"):
        answer = await sends(parent, kind)
        assert the_same_screen(answer, language, lang), kind
    await staffed.restart()
    answer = await sends(parent, "sticker")
    assert the_same_screen(answer, language, lang)

    other = "Русский" if lang == "kk" else "Қазақша"  # not her own language
    confirmed = await parent.press(answer[-1], other)
    assert says("booking-child-language-set", lang, language=other) in confirmed[0]["text"]
    channel = confirmed[-1]
    assert channel["text"] == says("booking-ask-child-channel", lang)
    for kind in ("text", "sticker", "photo"):
        answer = await sends(parent, kind)
        assert the_same_screen(answer, channel, lang), kind
    await staffed.restart()
    answer = await sends(parent, "text")
    assert the_same_screen(answer, channel, lang)
    done = await parent.press(answer[-1], says("booking-child-by-messenger", lang))
    assert [m["text"] for m in done] == [says("booking-child-messenger-done", lang),
                                         says("menu-title", lang)]
    assert (await sends(parent, "sticker"))[0]["text"] == says("hint-menu-unexpected", lang)


async def test_commands_and_a_stale_button_on_a_booking_screen(
    telegram: FakeTelegram, staffed: RunningBot
) -> None:
    parent = telegram.user(id=PARENT, first_name="Динара")
    times = await wednesdays_times(telegram, parent, "ru")
    helped = await parent.say("/help")
    assert [m["text"] for m in helped] == [says("help-menu", "ru"), times["text"]]
    eleven = next(b for b in buttons(times) if ", 11:00 " in b)
    language = (await parent.press(times, eleven))[-1]
    stale = await parent.press(times, eleven)  # the times, tapped once more
    assert not stale  # "done already": a toast, nothing is sent again
    assert telegram.calls_of("answerCallbackQuery")[-1].params.get("text") == says(
        "button-already-done", "ru")
    other = next(b for b in buttons(times) if ", 12:00 " in b)
    stale = await parent.press(times, other)  # an older screen's button
    assert [m["text"] for m in stale] == [says("button-stale", "ru"), language["text"]]
    assert buttons(stale[-1]) == buttons(language)
    cancelled = await parent.say("/cancel")
    assert [m["text"] for m in cancelled] == [says("cancel-nothing", "ru"),
                                              says("menu-title", "ru")]


async def booked_keys(bot: RunningBot) -> list[str]:
    assert bot.app is not None
    async with sessions(bot.app.db)() as session:
        return list(await session.scalars(select(InterviewBooking.slot_key).where(
            InterviewBooking.status == "booked")))


@pytest.mark.parametrize("lang", ["kk", "ru"])
async def test_a_time_that_has_passed_is_said_to_have_passed_not_taken(
    telegram: FakeTelegram, staffed: RunningBot, lang: str
) -> None:
    """She looked at Wednesday's times on Monday and taps 11:00 on Wednesday at 12:00:
    nobody took it, it has passed. She is told so, and the days with the other times."""
    parent = telegram.user(id=PARENT, first_name="Динара")
    times = await wednesdays_times(telegram, parent, lang)
    staffed.advance_to(datetime(2026, 11, 25, 12, 0, tzinfo=KZ_TZ))
    answer = await parent.press(times, next(b for b in buttons(times) if ", 11:00 " in b))
    assert [m["text"] for m in answer] == [says("booking-slot-passed", lang),
                                           says("booking-ask-day", lang, number=NUMBER)]
    assert any(b.startswith("25.11.2026") for b in buttons(answer[-1]))  # its afternoon
    assert await booked_keys(staffed) == []


async def test_a_time_tapped_after_the_term_says_the_term_ended_and_staff_are_told(
    telegram: FakeTelegram, staffed: RunningBot
) -> None:
    """The term 24-27.11 is over; on Monday 30.11 she taps Wednesday's 11:00 from the old
    screen: not "taken", not "choose another" and then "no free time"."""
    parent = telegram.user(id=PARENT, first_name="Динара")
    times = await wednesdays_times(telegram, parent, "kk")
    staffed.advance_to(datetime(2026, 11, 30, 10, 0, tzinfo=KZ_TZ))
    await staffed.settle()
    times = current(telegram, times)
    eleven = next(b for b in buttons(times) if ", 11:00 " in b)
    answer = await parent.press(times, eleven)
    assert [m["text"] for m in answer] == [says("booking-term-ended", "kk"),
                                           says("menu-title", "kk")]
    alert = staff_says("staff-interview-term-ended", number=NUMBER, term=date(2026, 11, 27))
    await seen(telegram, STAFF_CHAT, lambda m: m.get("text") == alert)
    assert await booked_keys(staffed) == []


async def rows_of(bot: RunningBot, person_id: int) -> list[OutboxMessage]:
    assert bot.app is not None
    async with sessions(bot.app.db)() as session:
        return list((await session.scalars(select(OutboxMessage).where(
            OutboxMessage.person_id == person_id).order_by(OutboxMessage.key))).all())


async def the_invite(bot: RunningBot) -> InterviewInvite:
    assert bot.app is not None
    async with sessions(bot.app.db)() as session:
        invite = await session.scalar(select(InterviewInvite))
    assert invite is not None
    return invite


def link_code(message: Json) -> str:
    found = re.search(r"start=([A-Z0-9]{8})", message["text"])
    assert found is not None, message["text"]
    return found.group(1)


async def test_the_child_switches_from_e_mail_to_the_messenger_and_back(
    telegram: FakeTelegram, staffed: RunningBot
) -> None:
    parent = telegram.user(id=PARENT, first_name="Динара")
    times = await wednesdays_times(telegram, parent, "kk")
    asked = (await parent.press(times, next(b for b in buttons(times) if ", 11:00 " in b)))[-1]
    confirmed = await parent.press(asked, "Русский")
    first_code = link_code(confirmed[0])
    await parent.press(confirmed[-1], says("booking-child-by-mail", "kk"))
    await parent.say(ADDRESS)
    assert staffed.app is not None
    async with sessions(staffed.app.db)() as session:
        by_mail = await person_for(session, "email", ADDRESS)
    assert by_mail is not None
    # Its reminders wait for their time (the invitation itself may be on its way already).
    assert sorted(row.key.rsplit(":", 2)[-2] for row in await rows_of(staffed, by_mail.id)
                  if row.key.startswith("remind:") and row.status == "pending") == ["1", "24"]

    # e-mail -> messenger, from "My applications"
    detail = await opens_the_application(parent, "kk")
    way = (await parent.press(detail, says("booking-child-way", "kk")))[-1]
    assert way["text"] == says("booking-child-way-mail", "kk", address=ADDRESS)
    assert buttons(way)[:2] == [says("booking-child-to-messenger", "kk"),
                                says("booking-child-to-other-mail", "kk")]
    switched = await parent.press(way, says("booking-child-to-messenger", "kk"))
    assert switched[0]["text"].startswith(says("booking-child-now-messenger", "kk",
                                               address=ADDRESS))
    code = link_code(switched[0])
    assert code != first_code  # the mail's code opens nothing now
    assert switched[-1]["text"] == says("menu-title", "kk")
    # no more reminders, nor anything else, go there
    assert not [row for row in await rows_of(staffed, by_mail.id) if row.status == "pending"]

    child = telegram.user(id=CHILD, first_name="Арман", language_code="de")
    assert (await child.say(f"/start {first_code}"))[0]["text"] != says(
        "child-ask-who", "ru", name="Арман")
    asked_who = (await child.say(f"/start {code}"))[-1]
    assert asked_who["text"] == says("child-ask-who", "ru", name="Арман")
    await child.press(asked_who, says("child-its-me", "ru", name="Арман"))

    # messenger -> e-mail: the son, in the messenger now, is reached by e-mail instead
    detail = await opens_the_application(parent, "kk")
    way = (await parent.press(detail, says("booking-child-way", "kk")))[-1]
    assert way["text"] == says("booking-child-way-joined", "kk")
    asked_mail = (await parent.press(way, says("booking-child-to-mail", "kk")))[-1]
    assert asked_mail["text"] == says("booking-ask-child-mail", "kk")
    sticker = await sends(parent, "sticker")
    assert [m["text"] for m in sticker] == [says("error-text-expected", "kk"),
                                            asked_mail["text"]]
    done = await parent.say("arman.new@mail.ru")
    assert done[0]["text"] == says("booking-child-mail-sent", "kk", address="arman.new@mail.ru")
    invite = await the_invite(staffed)
    async with sessions(staffed.app.db)() as session:
        new_mail = await person_for(session, "email", "arman.new@mail.ru")
        in_messenger = await person_for(session, "telegram", str(CHILD))
    assert new_mail is not None and in_messenger is not None
    assert invite.child_person_id == new_mail.id and invite.code == code
    assert not [row for row in await rows_of(staffed, in_messenger.id)
                if row.status == "pending"]
    reminders = sorted(row.key.rsplit(":", 2)[-2] for row in await rows_of(staffed, new_mail.id)
                       if row.key.startswith("remind:") and row.status == "pending")
    assert reminders == ["1", "24"]

    # the day before: the mother is reminded, the son's messenger is not
    staffed.advance_to(datetime(2026, 11, 25, 11, 0, tzinfo=KZ_TZ) - timedelta(hours=24)
                       + timedelta(seconds=1))
    await seen(telegram, PARENT, lambda m: m.get("text", "").startswith("⏰"))
    await staffed.settle()
    assert not [m for m in telegram.sent_messages(CHILD) if m.get("text", "").startswith("⏰")]
