"""Issue 9, defect 8: who may act as staff follows the staff group's membership at once.

A specialist removed from the group loses every staff power on the very next action (a card
button, a reply to the bot's question, a message to a citizen, /open and /close); put back,
they act again at once. STAFF_ADMIN_IDS act without being members.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from storage.db import sessions
from storage.models import Application, AuditEntry
from tests.fakes.telegram_api import FakeTelegram, FakeUser
from tests.handlers.conftest import STAFF_CHAT, STAFF_MEMBER, RunningBot
from tests.handlers.lingo import says
from tests.handlers.test_staff_telegram import (
    NUMBER,
    apply,
    citizen_gets,
    current,
    seen,
    staff_says,
    staff_tap,
    start_hearing,
    the_card,
)

ADMIN = 555  # in STAFF_ADMIN_IDS, not a member of the staff group
HEARING = "27.11.2026 15:00; г. Рудный, ул. Ленина 1, каб. 5; заключение психолога"


@pytest.fixture
def admin_ids(monkeypatch: pytest.MonkeyPatch) -> None:
    """STAFF_ADMIN_IDS for the bot; request it before `staffed`, which reads the settings."""
    monkeypatch.setenv("STAFF_ADMIN_IDS", str(ADMIN))


async def submitted_card(telegram: FakeTelegram, citizen_id: int) -> dict[str, Any]:
    await apply(telegram.user(id=citizen_id), "ru")
    return await the_card(telegram)


def refused_last_tap(telegram: FakeTelegram) -> bool:
    answer = telegram.calls_of("answerCallbackQuery")[-1]
    return answer.params.get("text") == staff_says("staff-not-allowed")


async def denials(bot: RunningBot, user_id: int) -> int:
    assert bot.app is not None
    async with sessions(bot.app.db)() as session:
        rows = await session.scalars(select(AuditEntry).where(
            AuditEntry.action == "staff.denied", AuditEntry.actor == f"telegram:{user_id}"))
        return len(rows.all())


async def status_of_the_application(bot: RunningBot) -> str:
    assert bot.app is not None
    async with sessions(bot.app.db)() as session:
        application = await session.scalar(select(Application))
    assert application is not None
    return application.status


async def writes_in_topic(telegram: FakeTelegram, staff: FakeUser, text: str, thread: int,
                          reply_to: dict[str, Any] | None = None) -> None:
    staff.send_text(text, chat=STAFF_CHAT, thread_id=thread, reply_to=reply_to)
    await telegram.settled()


@pytest.mark.parametrize("removed", ["left", "kicked"])
async def test_a_removed_member_s_next_tap_is_refused_and_a_re_added_one_acts_at_once(
    telegram: FakeTelegram, staffed: RunningBot, removed: str
) -> None:
    card = await submitted_card(telegram, 3101)
    thread = card["message_thread_id"]
    await staff_tap(telegram, card, staff_says("staff-action-accept"))
    assert staff_says("status-under-review") in current(telegram, card)["text"]

    telegram.set_chat_member(STAFF_CHAT, STAFF_MEMBER, removed)
    posts_before = len(telegram.sent_messages(STAFF_CHAT, thread))
    await staff_tap(telegram, card, staff_says("staff-action-hearing"))
    assert refused_last_tap(telegram)
    assert await denials(staffed, STAFF_MEMBER) == 1
    assert len(telegram.sent_messages(STAFF_CHAT, thread)) == posts_before  # nothing asked

    telegram.set_chat_member(STAFF_CHAT, STAFF_MEMBER, "member")
    await staff_tap(telegram, card, staff_says("staff-action-hearing"))
    assert not refused_last_tap(telegram)
    asked = staff_says("staff-ask-grounds", number=NUMBER)
    await seen(telegram, STAFF_CHAT, lambda m: m.get("text") == asked, thread)
    assert await denials(staffed, STAFF_MEMBER) == 1


async def test_a_removed_member_s_reply_and_words_to_a_citizen_go_nowhere(
    telegram: FakeTelegram, staffed: RunningBot
) -> None:
    card = await submitted_card(telegram, 3102)
    thread = card["message_thread_id"]
    staff = telegram.user(id=STAFF_MEMBER)
    await staff_tap(telegram, card, staff_says("staff-action-accept"))
    prompt = await start_hearing(telegram, card)

    telegram.set_chat_member(STAFF_CHAT, STAFF_MEMBER, "left")
    await writes_in_topic(telegram, staff, HEARING, thread, reply_to=prompt)
    await writes_in_topic(telegram, staff, "Не ответ от органа", thread)
    assert await status_of_the_application(staffed) == "under_review"

    telegram.set_chat_member(STAFF_CHAT, STAFF_MEMBER, "member")
    await writes_in_topic(telegram, staff, "Ответ от органа", thread)
    await citizen_gets(telegram, 3102, says("staff-reply", "ru", text="Ответ от органа"))
    # the question was not used up by the refused reply: answering it again works
    await writes_in_topic(telegram, staff, HEARING, thread, reply_to=prompt)
    await seen(telegram, 3102, lambda m: "заключение психолога" in m.get("text", ""))
    assert await status_of_the_application(staffed) == "hearing_scheduled"
    texts = [m.get("text") for m in telegram.sent_messages(3102)]
    assert says("staff-reply", "ru", text="Не ответ от органа") not in texts


async def test_slot_commands_follow_membership_at_once(
    telegram: FakeTelegram, staffed: RunningBot
) -> None:
    staff = telegram.user(id=STAFF_MEMBER)
    help_text = staff_says("staff-slots-help")

    async def answered(command: str) -> bool:
        return help_text in [m.get("text") for m in await staff.say_in(STAFF_CHAT, command)]

    assert await answered("/close astana-edu tomorrow")
    telegram.set_chat_member(STAFF_CHAT, STAFF_MEMBER, "kicked")
    assert not await answered("/close astana-edu tomorrow")
    telegram.set_chat_member(STAFF_CHAT, STAFF_MEMBER, "member")
    assert await answered("/open astana-edu tomorrow")


async def test_an_admin_outside_the_group_acts_and_an_outsider_does_not(
    admin_ids: None, telegram: FakeTelegram, staffed: RunningBot
) -> None:
    assert staffed.app is not None and staffed.app.settings.staff_admin_ids == [ADMIN]
    card = await submitted_card(telegram, 3103)
    outsider = telegram.user(id=556)
    telegram.set_chat_member(STAFF_CHAT, 556, "left")
    outsider.tap(card, staff_says("staff-action-accept"))
    await telegram.settled()
    assert refused_last_tap(telegram)
    assert await denials(staffed, 556) == 1

    admin = telegram.user(id=ADMIN, first_name="Әкімші")
    telegram.set_chat_member(STAFF_CHAT, ADMIN, "left")
    admin.tap(current(telegram, card), staff_says("staff-action-accept"))
    await telegram.settled()
    assert not refused_last_tap(telegram)
    assert staff_says("status-under-review") in current(telegram, card)["text"]
