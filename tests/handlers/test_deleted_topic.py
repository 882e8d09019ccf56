"""A staff admin deletes a citizen's topic (by mistake, or to tidy the group). The citizen
must still reach staff: their next words open a new topic, the cards of their open
applications are posted there again with their buttons, and a step taken for them elsewhere
(the console) is told in the new topic."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import select

from flows.calendar import KZ_TZ
from handlers.telegram.digest import post_digest
from storage.db import sessions
from storage.models import Application
from tests.fakes.telegram_api import FakeChat, FakeTelegram
from tests.handlers.conftest import STAFF_CHAT, STAFF_MEMBER, RunningBot
from tests.handlers.lingo import buttons, says
from tests.handlers.test_interview_telegram import NUMBER as INTERVIEW
from tests.handlers.test_interview_telegram import booked_with_child
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


async def with_a_specialist_after_the_deletion(telegram: FakeTelegram) -> tuple[Any, Any]:
    """The citizen applied; an admin deleted their topic; they open a chat with a
    specialist. The citizen and the card of the deleted topic."""
    citizen = telegram.user(id=CITIZEN, first_name="Ерлан")
    await apply(citizen, "ru")
    old = await the_card(telegram)
    FakeChat(telegram, STAFF_CHAT).delete_topic(old["message_thread_id"])
    await citizen.say("/start")
    await citizen.press_latest(says("menu-specialist", "ru"))
    return citizen, old


async def test_the_citizens_words_open_a_new_topic_with_the_card_to_act_on(
    telegram: FakeTelegram, staffed: RunningBot
) -> None:
    citizen, old = await with_a_specialist_after_the_deletion(telegram)
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
    citizen, _old = await with_a_specialist_after_the_deletion(telegram)
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


def docs_in(telegram: FakeTelegram, thread: int) -> list[Any]:
    return [c for c in telegram.calls_of("sendDocument")
            if c.ok and c.params.get("chat_id") == STAFF_CHAT
            and c.params.get("message_thread_id") == thread]


async def test_the_documents_come_back_with_the_card(telegram: FakeTelegram,
                                                     staffed: RunningBot) -> None:
    """To accept or to say what is missing staff need the documents the card is about."""
    citizen = telegram.user(id=CITIZEN, first_name="Ерлан")
    await apply(citizen, "ru")
    old = await the_card(telegram)
    await telegram.wait_for(lambda _c: len(docs_in(telegram, old["message_thread_id"])) >= 3,
                            timeout=15)  # the two documents and the application's paper
    FakeChat(telegram, STAFF_CHAT).delete_topic(old["message_thread_id"])
    await citizen.say("/start")
    await citizen.press_latest(says("menu-specialist", "ru"))
    await citizen.say("Здравствуйте")
    copied = await telegram.wait_for(lambda c: c.method == "copyMessage" and c.ok, timeout=10)
    thread = copied.params["message_thread_id"]
    await seen(telegram, STAFF_CHAT, a_card("status-submitted"), thread)
    await telegram.wait_for(lambda _c: len(docs_in(telegram, thread)) >= 2, timeout=20)


async def test_a_card_deleted_unseen_comes_back_at_the_morning_redraw(
    telegram: FakeTelegram, staffed: RunningBot
) -> None:
    """Nobody wrote after the topic was deleted; the next morning the card's term is due and
    its redraw finds it gone: it is posted again, in a new topic, to be acted on."""
    citizen = telegram.user(id=CITIZEN, first_name="Ерлан")
    await apply(citizen, "ru")
    old = await the_card(telegram)
    # nothing more is on its way to the topic: the three documents, staff's copy of the paper
    await telegram.wait_for(lambda _c: len(docs_in(telegram, old["message_thread_id"])) >= 4,
                            timeout=20)
    await telegram.settled()
    FakeChat(telegram, STAFF_CHAT).delete_topic(old["message_thread_id"])
    staffed.advance_to(datetime(2026, 11, 24, 9, 0, tzinfo=KZ_TZ))
    assert staffed.app is not None and staffed.app.telegram is not None
    side = staffed.app.telegram.staff
    assert side is not None
    await post_digest(side, date(2026, 11, 24))
    card = await seen(telegram, STAFF_CHAT, lambda m: a_card("status-submitted")(m)
                      and m.get("message_thread_id") != old["message_thread_id"])
    assert staff_says("staff-action-accept") in buttons(card)
    assert len(telegram.calls_of("createForumTopic")) == 2


async def test_a_conversation_going_on_when_the_topic_went_can_be_ended(
    telegram: FakeTelegram, staffed: RunningBot
) -> None:
    """The conversation's own buttons (present, video, end) went with the topic: from the
    card posted again, "start" gives them again, and the conversation is ended."""
    _parent, child, card = await booked_with_child(telegram)
    await staff_tap(telegram, card, staff_says("staff-action-session"))
    FakeChat(telegram, STAFF_CHAT).delete_topic(card["message_thread_id"])
    await child.say("Здравствуйте")
    again = await seen(telegram, STAFF_CHAT, lambda m: INTERVIEW in m.get("text", "")
                       and bool(buttons(m))
                       and m.get("message_thread_id") != card["message_thread_id"])
    await staff_tap(telegram, again, staff_says("staff-action-session"))
    controls = telegram.last_message(STAFF_CHAT, again["message_thread_id"])
    assert controls is not None
    assert controls["text"] == staff_says("staff-session-already-open", number=INTERVIEW)
    await staff_tap(telegram, controls, staff_says("staff-session-end"))
    await seen(telegram, 5101, lambda m: m.get("text") == says("session-ended-child", "ru"))


async def test_words_in_the_new_topic_answer_no_question_of_the_old_one(
    telegram: FakeTelegram, staffed: RunningBot
) -> None:
    """Staff tapped "decision" in the old topic, which was deleted before they typed it. In
    the new topic a specialist's words to the parent reach the parent: they are not filed
    as a decision on the child's opinion, asked where nobody can see it any more."""
    parent, _child, card = await booked_with_child(telegram)
    thread = card["message_thread_id"]
    await staff_tap(telegram, card, staff_says("staff-action-session"))
    controls = telegram.last_message(STAFF_CHAT, thread)
    assert controls is not None
    await staff_tap(telegram, controls, staff_says("staff-session-present"))
    await staff_tap(telegram, controls, staff_says("staff-session-end"))
    await seen(telegram, 5101, lambda m: m.get("text") == says("session-ended-child", "ru"))
    await staff_tap(telegram, telegram.message(STAFF_CHAT, card["message_id"]) or card,
                    staff_says("staff-action-decide"))
    FakeChat(telegram, STAFF_CHAT).delete_topic(thread)
    await parent.say("/start")
    await parent.press_latest(says("menu-specialist", "ru"))
    await parent.say("Когда будет решение?")
    copied = await telegram.wait_for(lambda c: c.method == "copyMessage" and c.ok, timeout=10)
    words = "Здравствуйте! Решение внесем после проверки, ждите."
    telegram.user(id=STAFF_MEMBER).send_text(words, chat=STAFF_CHAT,
                                             thread_id=copied.params["message_thread_id"])
    await seen(telegram, parent.id, lambda m: m.get("text") == says("staff-reply", "ru",
                                                                     text=words))
    assert staffed.app is not None
    async with sessions(staffed.app.db)() as session:
        status = await session.scalar(select(Application.status).where(
            Application.number == INTERVIEW))
    assert status == "under_review"  # no decision was taken
