"""Seed 004 p. 9 enforced, not only shown: staff cannot send a preliminary refusal past its
last day, nor set a hearing the final answer could not follow within the term.

Registered Monday 23.11.2026: the term ends 30.11, so the preliminary refusal may go out
until 25.11, and the hearing may be set up to 27.11 (the final answer on 30.11)."""

from __future__ import annotations

from datetime import date, datetime

from flows.calendar import KZ_TZ
from tests.fakes.telegram_api import FakeTelegram
from tests.handlers.conftest import STAFF_CHAT, STAFF_MEMBER, RunningBot
from tests.handlers.lingo import buttons
from tests.handlers.test_staff_telegram import (
    NUMBER,
    apply,
    current,
    staff_says,
    staff_tap,
    start_hearing,
    the_card,
    the_digest,
)

PLACE_AND_GROUNDS = "г. Рудный, ул. Ленина 1, каб. 5; заключение психолога"


async def accepted_card(telegram: FakeTelegram, citizen_id: int) -> dict:
    await apply(telegram.user(id=citizen_id), "ru")
    card = await the_card(telegram)
    await staff_tap(telegram, card, staff_says("staff-action-accept"))
    return current(telegram, card)


async def test_the_preliminary_refusal_is_refused_after_its_last_day(
    telegram: FakeTelegram, staffed: RunningBot
) -> None:
    card = await accepted_card(telegram, 3101)
    thread = card["message_thread_id"]
    staffed.advance_to(datetime(2026, 11, 26, 10, 0, tzinfo=KZ_TZ))
    await staff_tap(telegram, card, staff_says("staff-action-hearing"))
    said = telegram.last_message(STAFF_CHAT, thread)
    assert said["text"] == staff_says("staff-guard-preliminary-late", number=NUMBER,
                                      last="25.11.2026", end="30.11.2026")
    assert "force_reply" not in (said.get("reply_markup") or {})  # nothing is asked
    assert staff_says("status-under-review") in current(telegram, card)["text"]
    assert staff_says("staff-action-approve") in buttons(current(telegram, card))


async def test_a_hearing_the_final_answer_cannot_follow_in_the_term_is_asked_again(
    telegram: FakeTelegram, staffed: RunningBot
) -> None:
    card = await accepted_card(telegram, 3102)
    thread = card["message_thread_id"]
    staff = telegram.user(id=STAFF_MEMBER)
    prompt = await start_hearing(telegram, card)
    staff.send_text(f"30.11.2026 15:00; {PLACE_AND_GROUNDS}", chat=STAFF_CHAT,
                    thread_id=thread, reply_to=prompt)
    await telegram.settled()
    refused, asked_again = telegram.sent_messages(STAFF_CHAT, thread)[-2:]
    assert refused["text"] == staff_says("staff-guard-hearing-date", after="23.11.2026",
                                         latest="27.11.2026", end="30.11.2026")
    assert asked_again["text"] == staff_says("staff-ask-hearing", number=NUMBER)
    assert staff_says("status-under-review") in current(telegram, card)["text"]

    staff.send_text(f"27.11.2026 15:00; {PLACE_AND_GROUNDS}", chat=STAFF_CHAT,
                    thread_id=thread, reply_to=asked_again)
    await telegram.settled()
    assert staff_says("status-hearing-scheduled") in current(telegram, card)["text"]


async def test_the_digest_warns_the_day_before_the_last_day_for_a_preliminary_refusal(
    telegram: FakeTelegram, staffed: RunningBot
) -> None:
    from handlers.telegram.digest import post_digest

    await accepted_card(telegram, 3103)
    assert staffed.app is not None and staffed.app.telegram is not None
    side = staffed.app.telegram.staff
    assert side is not None
    warning = staff_says("staff-digest-preliminary-last-day", number=NUMBER, last="25.11.2026")
    for day, warned in ((23, False), (24, True), (25, False)):
        await post_digest(side, date(2026, 11, day))
        assert (warning in await the_digest(telegram, date(2026, 11, day))) == warned
