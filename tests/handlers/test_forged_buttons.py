"""Issue 9 over HTTP: forged and malformed buttons, and the child's one-time invite.

Anyone can send any callback data: a button is checked against who presses it, never
trusted for what it claims. Only the child who joined an interview's invite may answer for
the child, and only after saying "yes, I am <name>"; the parent cannot take the invite.
"""

from __future__ import annotations

import logging
from typing import Any

import pytest
from sqlalchemy import select

from storage.db import sessions
from storage.models import InterviewInvite, InterviewSession, OutboxMessage
from tests.fakes.telegram_api import FakeTelegram, FakeUser
from tests.handlers.conftest import STAFF_CHAT, STAFF_MEMBER, RunningBot
from tests.handlers.lingo import buttons, says
from tests.handlers.test_interview_telegram import NUMBER, book_wednesday_ten
from tests.handlers.test_staff_telegram import (
    card_application_id,
    current,
    seen,
    staff_says,
    staff_tap,
)
from tests.handlers.test_visit_telegram import fill_to_summary

Json = dict[str, Any]
CHILD = "Арман"  # the child's first name in the interview application


# ---------------------------------------------------------------------- helpers
async def forge(person: FakeUser, action: str, *, seq: str | None = None) -> list[Json]:
    """Press a button of the bot's last message whose data is made up: `<seq>:<action>`,
    with the seq of the question the person is being asked (so only the action is wrong)."""
    last = person.last()
    seq = seq if seq is not None else question_seq(last)
    mark = person.telegram.output_mark()
    update = person.tap_data(last["message_id"], f"{seq}:{action}")
    await person.telegram.settled()
    assert person.telegram.callback_answer(update) is not None  # the spinner stops
    return person.telegram.outputs_since(person.id, mark)


def question_seq(message: Json) -> str:
    data = message["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    return str(data.partition(":")[0])


def is_stale_answer(replies: list[Json], lang: str) -> bool:
    return replies[0]["text"] == says("button-stale", lang) and len(replies) >= 2


async def stranger_at_the_menu(telegram: FakeTelegram, user_id: int) -> FakeUser:
    stranger = telegram.user(id=user_id, first_name="Бөтен")
    await stranger.say("/start")
    await stranger.press(stranger.last(), "Русский")
    return stranger


async def opens_the_invite(person: FakeUser, code: str) -> Json:
    """Opens the forwarded link: the question "is it you?", in the language the parent chose
    for the child (Russian)."""
    return (await person.say(f"/start {code}"))[-1]


async def outbox_keys(bot: RunningBot, prefix: str) -> list[str]:
    assert bot.app is not None
    async with sessions(bot.app.db)() as session:
        rows = await session.scalars(select(OutboxMessage.key).where(
            OutboxMessage.key.startswith(prefix)))
        return list(rows)


async def invite_used(bot: RunningBot) -> bool:
    assert bot.app is not None
    async with sessions(bot.app.db)() as session:
        invite = await session.scalar(select(InterviewInvite))
        assert invite is not None
        return invite.used_at is not None


def refusals(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if "child reply refused" in r.getMessage()]


def no_errors(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]


# ---------------------------------------------------------------------- defect 1
async def test_a_forged_child_button_tells_nobody_anything(
    telegram: FakeTelegram, staffed: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    parent = telegram.user(id=4401, first_name="Динара")
    card, _code = await book_wednesday_ten(telegram, parent)
    application = card_application_id(card)
    stranger = await stranger_at_the_menu(telegram, 5501)
    caplog.clear()

    replies = await forge(stranger, f"child:{application}:yes")
    assert is_stale_answer(replies, "ru")
    assert replies[-1]["text"] == says("menu-title", "ru")  # the current question again
    # the parent pressing the child's button is no better
    await parent.say("/start")
    replies = await forge(parent, f"child:{application}:no")
    assert is_stale_answer(replies, "ru")

    assert await outbox_keys(staffed, "child") == []  # neither the parent nor staff are told
    logged = refusals(caplog)
    assert len(logged) == 2  # once per forged press, one short line with ids only
    assert all(str(application) in line and "5501" not in line and "Динара" not in line
               for line in logged)
    assert no_errors(caplog) == []


async def test_the_childs_buttons_answer_only_for_the_childs_own_interview(
    telegram: FakeTelegram, staffed: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    parent = telegram.user(id=4402, first_name="Динара")
    card, code = await book_wednesday_ten(telegram, parent)
    interview = card_application_id(card)
    visitor = telegram.user(id=4403, first_name="Айгүл")
    await visitor.press(await fill_to_summary(visitor, "ru"), says("summary-submit", "ru"))
    child = telegram.user(id=5502, first_name=CHILD)
    asked = await opens_the_invite(child, code)
    intro = (await child.press(asked, says("child-its-me", "ru", name=CHILD)))[-1]
    caplog.clear()

    for other in (interview + 1, interview + 99, 0):  # a visit application, none, nonsense
        assert is_stale_answer(await forge(child, f"child:{other}:yes"), "ru")
    assert await outbox_keys(staffed, "child") == []
    assert len(refusals(caplog)) == 2  # "0" is no id at all: the codec stops it first

    replies = await child.press(current(telegram, intro), says("child-yes", "ru"))
    assert replies[0]["text"] == says("child-confirmed", "ru")
    await seen(telegram, 4402, lambda m: m.get("text") == says(
        "notify-child-confirmed", "ru", number=NUMBER))
    assert no_errors(caplog) == []


# ---------------------------------------------------------------------- defect 2
async def test_the_parent_cannot_use_the_childs_invite(
    telegram: FakeTelegram, staffed: RunningBot
) -> None:
    parent = telegram.user(id=4404, first_name="Динара")
    _card, code = await book_wednesday_ten(telegram, parent)

    replies = await parent.say(f"/start {code}")
    assert replies[0]["text"] == says("invite-for-child", "ru")
    assert replies[-1]["text"] == says("menu-title", "ru")
    replies = await parent.say(code.lower())  # typed, as on WhatsApp
    assert replies[0]["text"] == says("invite-for-child", "ru")
    assert not await invite_used(staffed)

    child = telegram.user(id=5504, first_name=CHILD)
    asked = await opens_the_invite(child, code)
    assert asked["text"] == says("child-ask-who", "ru", name=CHILD)
    await child.press(asked, says("child-its-me", "ru", name=CHILD))
    assert await invite_used(staffed)


async def test_whoever_opens_the_invite_first_says_whether_they_are_the_child(
    telegram: FakeTelegram, staffed: RunningBot
) -> None:
    parent = telegram.user(id=4405, first_name="Динара")
    card, code = await book_wednesday_ten(telegram, parent)

    stranger = telegram.user(id=5505, first_name="Бөтен")
    asked = await opens_the_invite(stranger, code)
    assert asked["text"] == says("child-ask-who", "ru", name=CHILD)
    assert buttons(asked) == [says("child-its-me", "ru", name=CHILD),
                              says("child-not-me", "ru")]
    replies = await stranger.say("да")  # words do not count: the question comes again
    assert replies[-1]["text"] == asked["text"]
    replies = await stranger.press(stranger.last(), says("child-not-me", "ru"))
    assert replies[0]["text"] == says("child-not-me-done", "ru")
    assert not await invite_used(staffed)
    # the stranger never joined: the child's buttons are not theirs to press
    assert is_stale_answer(await forge(stranger, f"child:{card_application_id(card)}:yes"),
                           "ru")

    child = telegram.user(id=5506, first_name=CHILD)
    asked = await opens_the_invite(child, code)
    intro = (await child.press(asked, says("child-its-me", "ru", name=CHILD)))[-1]
    assert intro["text"].startswith(says("child-intro", "ru", slot="").splitlines()[0])
    await child.press(intro, says("child-yes", "ru"))
    await seen(telegram, 4405, lambda m: m.get("text") == says(
        "notify-child-confirmed", "ru", number=NUMBER))
    replies = await stranger.say(f"/start {code}")
    assert replies[0]["text"] == says("invite-used", "ru")


async def test_nothing_is_relayed_to_or_from_someone_who_has_not_said_who_they_are(
    telegram: FakeTelegram, staffed: RunningBot
) -> None:
    parent = telegram.user(id=4406, first_name="Динара")
    card, code = await book_wednesday_ten(telegram, parent)
    opener = telegram.user(id=5507, first_name="Бөтен")
    await opens_the_invite(opener, code)

    await staff_tap(telegram, card, staff_says("staff-action-session"))
    await seen(telegram, 4406, lambda m: m.get("text") == says("session-started", "ru"))
    replies = await opener.say("Привет, я тоже тут")
    assert replies[0]["text"] == says("hint-use-buttons", "ru")

    assert staffed.app is not None
    async with sessions(staffed.app.db)() as session:
        (conversation,) = (await session.scalars(select(InterviewSession))).all()
    assert conversation.transcript.get("lines", []) == []
    assert not [m for m in telegram.sent_messages(5507)
                if m.get("text") == says("session-started", "ru")]
    assert not [m for m in telegram.sent_messages(STAFF_CHAT)
                if "Привет, я тоже тут" in m.get("text", "")]


# ---------------------------------------------------------------------- defect 3
async def test_malformed_buttons_in_a_form_get_the_same_question_again(
    telegram: FakeTelegram, running: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    person = telegram.user(id=2901, first_name="Айгүл")
    summary = await fill_to_summary(person, "ru")

    for action in ("edit:nowhere", "edit:Период", "submit:now", "💥", "s:abc"):
        replies = await forge(person, action)
        assert is_stale_answer(replies, "ru")
        assert replies[-1]["text"] == summary["text"]  # the summary again, nothing lost
    period = (await person.press(person.last(), says("summary-edit", "ru", section=says(
        "section-period", "ru"))))[-1]
    for action in ("s:abc", "s:-1", "s:99999999999999999999", f"s:{'٣'}"):
        replies = await forge(person, action)
        assert replies[-1]["text"] == period["text"]  # the same question
    assert no_errors(caplog) == []


async def test_malformed_staff_buttons_are_not_found_and_never_raise(
    telegram: FakeTelegram, staffed: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    parent = telegram.user(id=4407, first_name="Динара")
    card, _code = await book_wednesday_ten(telegram, parent)
    application = card_application_id(card)
    staff = telegram.user(id=STAFF_MEMBER)
    thread = card["message_thread_id"]
    # the booking's notice to the topic goes through the outbox, within the group's limits:
    # arriving during the taps below, it would be read as an answer to one of them
    booked = staff_says("staff-interview-booked", number=NUMBER, slot="\0").split("\0")[0]
    await seen(telegram, STAFF_CHAT, lambda m: m.get("text", "").startswith(booked), thread)

    for data, said_key in (
        (f"st:{10**30}:accept", "staff-button-stale"), ("st:abc:accept", "staff-button-stale"),
        (f"st:{application}:miss:abc", "staff-button-stale"),
        (f"st:{application}:delete", "staff-button-stale"), ("st", "staff-button-stale"),
        ("7:menu", "staff-button-stale"), ("💥", "staff-button-stale"),
        (f"st:{application + 1000}:accept", "staff-error-not-found"),
        # a step the interview has not, and a checklist with every tick forged
        (f"in:{application}:take:approve:0", "staff-button-stale"),
        (f"in:{application}:done:incomplete:{10**9 - 1}", "staff-error-wrong-status"),
    ):
        mark = telegram.output_mark()
        update = staff.tap_data(card["message_id"], data, chat=STAFF_CHAT)
        await telegram.settled()
        assert telegram.callback_answer(update) is not None
        said = telegram.outputs_since(STAFF_CHAT, mark, thread)
        assert [m["text"].split("№")[0] for m in said] == [staff_says(said_key).split("№")[0]]

    outsider = telegram.user(id=6601, first_name="Бөтен")
    telegram.set_chat_member(STAFF_CHAT, 6601, "left")
    update = outsider.tap_data(card["message_id"], "st:1:accept\nforged line", chat=STAFF_CHAT)
    await telegram.settled()
    answer = telegram.callback_answer(update)
    assert answer is not None and answer.get("text") == staff_says("staff-not-allowed")
    assert not [r for r in caplog.records if "forged line" in r.getMessage()]
    assert no_errors(caplog) == []
    assert telegram.unanswered_callback_queries == []


async def test_the_child_tapping_yes_twice_tells_the_parent_once(
    telegram: FakeTelegram, staffed: RunningBot
) -> None:
    parent = telegram.user(id=4409, first_name="Динара")
    card, code = await book_wednesday_ten(telegram, parent)
    child = telegram.user(id=5509, first_name=CHILD)
    asked = await opens_the_invite(child, code)
    intro = (await child.press(asked, says("child-its-me", "ru", name=CHILD)))[-1]
    for _ in range(2):
        await child.press(intro, says("child-yes", "ru"))
    told = says("notify-child-confirmed", "ru", number=NUMBER)
    await seen(telegram, 4409, lambda m: m.get("text") == told)
    await staffed.settle()
    assert len(await outbox_keys(staffed, f"child:{card_application_id(card)}:")) == 1
    assert sum(m.get("text") == told for m in telegram.sent_messages(4409)) == 1
