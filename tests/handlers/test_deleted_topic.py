"""A staff admin deletes a citizen's topic (by mistake, or to tidy the group). The citizen
must still reach staff: their next words open a new topic, the cards of their open
applications are posted there again with their buttons, and a step taken for them elsewhere
(the console) is told in the new topic."""

from __future__ import annotations

from typing import Any

from tests.fakes.telegram_api import FakeChat, FakeTelegram
from tests.handlers.conftest import STAFF_CHAT, RunningBot
from tests.handlers.lingo import buttons, says
from tests.handlers.test_staff_telegram import (
    NUMBER,
    apply,
    citizen_gets,
    seen,
    staff_says,
    staff_tap,
    the_card,
)

CITIZEN = 3011


def a_card(status: str) -> Any:
    title = staff_says("staff-card-title", number=NUMBER, status=staff_says(status))
    return lambda m: m.get("text", "").startswith(title)


async def test_the_citizens_words_open_a_new_topic_with_the_card_to_act_on(
    telegram: FakeTelegram, staffed: RunningBot
) -> None:
    citizen = telegram.user(id=CITIZEN, first_name="Ерлан")
    await apply(citizen, "ru")
    old = await the_card(telegram)
    FakeChat(telegram, STAFF_CHAT).delete_topic(old["message_thread_id"])

    menu = (await citizen.say("/start"))[-1]
    await citizen.press(menu, says("menu-specialist", "ru"))
    replies = await citizen.say("Здравствуйте, есть вопрос по заявлению")
    assert replies[0]["text"] == says("specialist-sent", "ru")  # not an error
    copied = await telegram.wait_for(lambda c: c.method == "copyMessage" and c.ok, timeout=10)
    thread = copied.params["message_thread_id"]
    assert thread != old["message_thread_id"]
    assert len(telegram.calls_of("createForumTopic")) == 2  # one new topic, not one per send

    # the card comes back into the new topic, with its buttons, and they work
    card = await seen(telegram, STAFF_CHAT, a_card("status-submitted"), thread)
    assert staff_says("staff-action-accept") in buttons(card)
    await staff_tap(telegram, card, staff_says("staff-action-accept"))
    await citizen_gets(telegram, CITIZEN, says("notify-under-review", "ru", number=NUMBER,
                                               decision="26.11.2026"))
    assert a_card("status-under-review")(telegram.message(STAFF_CHAT, card["message_id"]))


async def test_a_second_message_after_the_new_topic_goes_into_it(
    telegram: FakeTelegram, staffed: RunningBot
) -> None:
    citizen = telegram.user(id=CITIZEN, first_name="Ерлан")
    await apply(citizen, "ru")
    old = await the_card(telegram)
    FakeChat(telegram, STAFF_CHAT).delete_topic(old["message_thread_id"])
    menu = (await citizen.say("/start"))[-1]
    await citizen.press(menu, says("menu-specialist", "ru"))
    await citizen.say("Первое")
    await citizen.say("Второе")
    await telegram.wait_for(
        lambda _c: len([c for c in telegram.calls_of("copyMessage") if c.ok]) == 2, timeout=10)
    copies = [c for c in telegram.calls_of("copyMessage") if c.ok]
    assert len({c.params["message_thread_id"] for c in copies}) == 1
    thread = copies[0].params["message_thread_id"]
    await seen(telegram, STAFF_CHAT, a_card("status-submitted"), thread)
    # the group is paced (20 messages a minute): the note that the citizen opened the chat
    # comes after the card, through the same new topic
    await seen(telegram, STAFF_CHAT, lambda m: m.get("text") == staff_says(
        "staff-citizen-opened"), thread)
    cards = [m for m in telegram.sent_messages(STAFF_CHAT, include_deleted=True)
             if a_card("status-submitted")(m)]
    assert len(cards) == 2  # the first, deleted with its topic, and the one posted again
    assert len(telegram.calls_of("createForumTopic")) == 2
