"""What staff put in a citizen's topic (found by a probe of the staff side): words meant for
the bot stay in the topic, with a word of why; a photo reaches a Telegram citizen as the
specialist's, and one that cannot is reported there."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from tests.fakes.telegram_api import FakeTelegram
from tests.flows.documents import jpeg
from tests.handlers.conftest import STAFF_CHAT, STAFF_MEMBER, RunningBot
from tests.handlers.lingo import says
from tests.handlers.test_staff_steps_in_law import PLACE_AND_GROUNDS, accepted_card, status_of
from tests.handlers.test_staff_telegram import (
    apply,
    current,
    seen,
    staff_says,
    staff_tap,
    start_hearing,
    the_card,
)


def texts_to(telegram: FakeTelegram, chat: int) -> list[str]:
    return [m.get("text") or m.get("caption") or "" for m in telegram.sent_messages(chat)]


async def test_a_second_answer_to_an_answered_question_stays_in_the_topic(
    telegram: FakeTelegram, staffed: RunningBot
) -> None:
    """The hearing typed wrong is refused and asked again; staff answer the first question
    once more (most people do): the bot says so, and the citizen reads none of it."""
    card = await accepted_card(telegram, 4001)
    thread = card["message_thread_id"]
    staff = telegram.user(id=STAFF_MEMBER)
    prompt = await start_hearing(telegram, card)
    staff.send_text("27.11.2026; каб. 5", chat=STAFF_CHAT, thread_id=thread, reply_to=prompt)
    await telegram.settled()
    details = f"27.11.2026 15:00; {PLACE_AND_GROUNDS}"
    staff.send_text(details, chat=STAFF_CHAT, thread_id=thread, reply_to=prompt)
    await telegram.settled()
    assert telegram.last_message(STAFF_CHAT, thread)["text"] == staff_says(
        "staff-request-answered")
    await staffed.settle()
    await asyncio.sleep(0.5)  # what the outbox would deliver
    assert says("staff-reply", "ru", text=details) not in texts_to(telegram, 4001)


async def test_a_command_typed_in_a_topic_is_not_sent_to_the_citizen(
    telegram: FakeTelegram, staffed: RunningBot
) -> None:
    await apply(telegram.user(id=4026), "ru")
    thread = (await the_card(telegram))["message_thread_id"]
    telegram.user(id=STAFF_MEMBER).send_text("/help", chat=STAFF_CHAT, thread_id=thread)
    await telegram.settled()
    assert telegram.last_message(STAFF_CHAT, thread)["text"] == staff_says(
        "staff-command-not-relayed")
    await staffed.settle()
    await asyncio.sleep(0.5)
    assert says("staff-reply", "ru", text="/help") not in texts_to(telegram, 4026)


async def test_a_photo_for_a_telegram_citizen_comes_as_a_photo_from_the_specialist(
    telegram: FakeTelegram, staffed: RunningBot
) -> None:
    """As a WhatsApp citizen gets it: labelled in their language, through the outbox."""
    await apply(telegram.user(id=4007), "kk")
    thread = (await the_card(telegram))["message_thread_id"]
    telegram.user(id=STAFF_MEMBER).send_photo(jpeg(3), chat=STAFF_CHAT, thread_id=thread)
    got = await seen(telegram, 4007, lambda m: "photo" in m)
    assert got["caption"] == says("staff-reply-file", "kk")


async def test_a_photo_for_a_citizen_who_blocked_the_bot_is_reported_in_the_topic(
    telegram: FakeTelegram, staffed: RunningBot
) -> None:
    citizen = telegram.user(id=4006)
    await apply(citizen, "ru")
    thread = (await the_card(telegram))["message_thread_id"]
    citizen.block_bot()
    telegram.user(id=STAFF_MEMBER).send_photo(jpeg(3), caption="Образец заявления",
                                              chat=STAFF_CHAT, thread_id=thread)
    await seen(telegram, STAFF_CHAT, lambda m: m.get("text") == staff_says(
        "staff-delivery-undeliverable"), thread)


async def test_the_answer_typed_without_reply_answers_the_question_just_asked(
    telegram: FakeTelegram, staffed: RunningBot
) -> None:
    """After a button, Telegram opens the reply box for nobody: the staff member who pressed
    just types the hearing. It is taken as the answer, not sent to the citizen; ten minutes
    on, their plain words are for the citizen again."""
    card = await accepted_card(telegram, 4032)
    thread = card["message_thread_id"]
    staff = telegram.user(id=STAFF_MEMBER)
    await start_hearing(telegram, card)
    details = f"27.11.2026 15:00; {PLACE_AND_GROUNDS}"
    staff.send_text(details, chat=STAFF_CHAT, thread_id=thread)
    await telegram.settled()
    assert await status_of(staffed) == "hearing_scheduled"
    await staffed.settle()
    assert says("staff-reply", "ru", text=details) not in texts_to(telegram, 4032)

    await staff_tap(telegram, current(telegram, card), staff_says("staff-action-approve"))
    offer = telegram.last_message(STAFF_CHAT, thread)
    await staff_tap(telegram, offer, staff_says("staff-approve-other"))  # a question, unanswered
    staffed.advance_to(staffed.clock() + timedelta(minutes=11))
    staff.send_text("Добрый день! Ждем вас на заслушивании.", chat=STAFF_CHAT, thread_id=thread)
    await seen(telegram, 4032, lambda m: m.get("text") == says(
        "staff-reply", "ru", text="Добрый день! Ждем вас на заслушивании."))


async def test_an_anonymous_admins_words_are_not_lost_in_silence(
    telegram: FakeTelegram, staffed: RunningBot
) -> None:
    """An admin posting as the group (Telegram sends it from GroupAnonymousBot): no one to
    answer for the words, so the citizen does not get them, and the topic says why."""
    await apply(telegram.user(id=4031), "ru")
    card = await the_card(telegram)
    thread = card["message_thread_id"]
    anonymous = {"id": 1087968824, "is_bot": True, "first_name": "Group",
                 "username": "GroupAnonymousBot"}
    telegram.push_update({"message": {
        "message_id": 9000, "from": anonymous, "sender_chat": card["chat"],
        "date": card["date"] + 60, "chat": card["chat"], "message_thread_id": thread,
        "is_topic_message": True, "text": "Добрый день! Ваше заявление принято в работу."}})
    await telegram.settled()
    assert telegram.last_message(STAFF_CHAT, thread)["text"] == staff_says(
        "staff-anonymous-not-relayed")
