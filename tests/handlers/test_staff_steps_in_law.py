"""What staff type or press that the law does not allow (found by a probe of the staff side):
each is refused with the reason, the question asked again, and nothing reaches the citizen."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select

from flows.calendar import KZ_TZ
from storage.db import sessions
from storage.models import Application
from tests.fakes.telegram_api import FakeTelegram
from tests.handlers.conftest import STAFF_CHAT, STAFF_MEMBER, RunningBot
from tests.handlers.lingo import buttons
from tests.handlers.test_interview_telegram import apply as apply_for_the_child_opinion
from tests.handlers.test_staff_telegram import (
    NUMBER,
    apply,
    current,
    seen,
    staff_says,
    staff_tap,
    start_hearing,
    the_card,
)

PLACE_AND_GROUNDS = "г. Рудный, ул. Ленина 1, каб. 5; заключение психолога"
HOURS = {"open": "09:00", "close": "18:30", "lunch": "13:00", "after": "14:30"}


async def accepted_card(telegram: FakeTelegram, citizen_id: int) -> dict[str, Any]:
    await apply(telegram.user(id=citizen_id), "ru")
    card = await the_card(telegram)
    await staff_tap(telegram, card, staff_says("staff-action-accept"))
    return current(telegram, card)


async def status_of(bot: RunningBot) -> str:
    assert bot.app is not None
    async with sessions(bot.app.db)() as session:
        application = await session.scalar(select(Application))
        assert application is not None
        return application.status


async def answered(telegram: FakeTelegram, card: dict[str, Any], prompt: dict[str, Any],
                   text: str) -> list[str]:
    """Staff reply to the bot's question; what the topic says next (the last two lines)."""
    thread = card["message_thread_id"]
    telegram.user(id=STAFF_MEMBER).send_text(text, chat=STAFF_CHAT, thread_id=thread,
                                             reply_to=prompt)
    await telegram.settled()
    return [m["text"] for m in telegram.sent_messages(STAFF_CHAT, thread)[-2:]]


async def test_a_permission_for_a_period_already_over_is_not_issued(
    telegram: FakeTelegram, staffed: RunningBot
) -> None:
    card = await accepted_card(telegram, 4002)
    await staff_tap(telegram, card, staff_says("staff-action-approve"))
    offer = telegram.last_message(STAFF_CHAT, card["message_thread_id"])
    await staff_tap(telegram, offer, staff_says("staff-approve-other"))
    prompt = telegram.last_message(STAFF_CHAT, card["message_thread_id"])
    said = await answered(telegram, card, prompt, "01.01.2020 31.01.2020")
    assert said == [staff_says("staff-error-period-over"), prompt["text"]]
    assert await status_of(staffed) == "under_review"


async def test_a_hearing_at_night_on_a_saturday_or_of_5000_characters_is_asked_again(
    telegram: FakeTelegram, staffed: RunningBot
) -> None:
    """The applicant is summoned to the body: on a working day, in its hours; the notice
    quotes the explanation, so it has the limit of any text for a paper."""
    card = await accepted_card(telegram, 4003)
    prompt = await start_hearing(telegram, card)
    asked = staff_says("staff-ask-hearing", number=NUMBER)
    closed = staff_says("staff-error-hearing-closed", **HOURS)
    for typed, error in ((f"27.11.2026 03:00; {PLACE_AND_GROUNDS}", closed),
                         (f"28.11.2026 11:00; {PLACE_AND_GROUNDS}", closed),  # Saturday
                         (f"27.11.2026 13:30; {PLACE_AND_GROUNDS}", closed),  # lunch
                         (f"27.11.2026 15:00; каб. 5; {'о' * 5000}",
                          staff_says("error-text-too-long", max=1000))):
        assert await answered(telegram, card, prompt, typed) == [error, asked]
        prompt = telegram.last_message(STAFF_CHAT, card["message_thread_id"])
    assert await status_of(staffed) == "under_review"


async def refusing_after_the_hearing(telegram: FakeTelegram, bot: RunningBot,
                                     card: dict[str, Any]) -> dict[str, Any]:
    """A hearing on Tuesday 24.11; the refusal is offered on its morning, not before."""
    prompt = await start_hearing(telegram, card)
    await answered(telegram, card, prompt, f"24.11.2026 15:00; {PLACE_AND_GROUNDS}")
    assert await status_of(bot) == "hearing_scheduled"
    refuse = staff_says("staff-action-refuse")
    assert refuse not in buttons(current(telegram, card))  # Monday: not yet heard
    bot.advance_to(datetime(2026, 11, 24, 9, 5, tzinfo=KZ_TZ))
    await bot.restart()  # the morning's job redraws the cards whose terms moved
    await telegram.wait_for(lambda _c: refuse in buttons(current(telegram, card)), timeout=10)
    await staff_tap(telegram, current(telegram, card), refuse)
    thread = card["message_thread_id"]
    picker = telegram.last_message(STAFF_CHAT, thread)
    await staff_tap(telegram, picker, staff_says(
        "staff-tick-none", entry=staff_says("ground-negative-influence")))
    await staff_tap(telegram, picker, staff_says("staff-checklist-next"))
    return telegram.last_message(STAFF_CHAT, thread)


async def test_the_reasoned_refusal_waits_for_the_hearing_and_needs_words(
    telegram: FakeTelegram, staffed: RunningBot
) -> None:
    card = await accepted_card(telegram, 4018)
    prompt = await refusing_after_the_hearing(telegram, staffed, card)
    asked = staff_says("staff-ask-reasons", number=NUMBER)
    assert await answered(telegram, card, prompt, "🙂") == [
        staff_says("staff-error-text-no-words"), asked]
    prompt = telegram.last_message(STAFF_CHAT, card["message_thread_id"])
    assert await answered(telegram, card, prompt, "м" * 5000) == [
        staff_says("error-text-too-long", max=1000), asked]
    assert await status_of(staffed) == "hearing_scheduled"


async def test_the_childs_opinion_is_not_decided_before_the_conversation(
    telegram: FakeTelegram, staffed: RunningBot
) -> None:
    await apply_for_the_child_opinion(telegram.user(id=4017, first_name="Динара"))
    card = await seen(telegram, STAFF_CHAT, lambda m: "МР-2026-00001" in m.get("text", "")
                      and staff_says("staff-action-accept") in buttons(m))
    await staff_tap(telegram, card, staff_says("staff-action-accept"))
    shown = buttons(current(telegram, card))
    assert staff_says("staff-action-decide") not in shown
    assert staff_says("staff-action-session") in shown
