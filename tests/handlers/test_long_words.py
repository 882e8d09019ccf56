"""Words as long as the bot lets people write reach their reader whole (not Fluent's
"{???}", which stands in for any argument over 2,500 characters): a complaint of 4,000
characters, a staff answer of Telegram's 4,096, a WhatsApp message of 4,000."""

from __future__ import annotations

from typing import Any

from tests.fakes.telegram_api import FakeTelegram
from tests.fakes.whatsapp_api import FakeWhatsApp
from tests.handlers.conftest import STAFF_CHAT, STAFF_MEMBER, RunningBot
from tests.handlers.lingo import buttons, says
from tests.handlers.test_complaints import COMPLAINT, term_passed
from tests.handlers.test_staff_telegram import current, seen, staff_says, staff_tap
from tests.handlers.test_whatsapp import person, pick


def long_words(sentence: str, size: int) -> str:
    return (sentence * (size // len(sentence) + 1))[:size].strip()


def flat(text: str) -> str:
    return " ".join(text.split())


def read(messages: list[dict[str, Any]]) -> str:
    return flat(" ".join(m.get("text", "") for m in messages))


async def opened_topic(telegram: FakeTelegram) -> int:
    opened = await seen(telegram, STAFF_CHAT,
                        lambda m: m.get("text") == staff_says("staff-citizen-opened"))
    return int(opened["message_thread_id"])


async def test_a_complaint_of_4000_characters_is_shown_whole_before_and_after_a_step(
    telegram: FakeTelegram, staffed: RunningBot
) -> None:
    words = long_words("Документы не проверили в срок, на звонки не отвечают. ", 4000)
    citizen = telegram.user(id=7105)
    notice = await term_passed(telegram, staffed, citizen)
    replies = await citizen.press(notice, says("apps-complain", "ru"))
    await citizen.press(replies[-1], says("complaint-subject-missed-term", "ru"))
    await citizen.say(words)
    replies = await citizen.press(citizen.last(), says("files-none", "ru"))
    summary = await citizen.press(replies[-1], says("complaint-addressee-reviewing", "ru"))
    assert flat(words) in read(summary)

    await citizen.press(summary[-1], says("complaint-summary-submit", "ru"))
    title = staff_says("staff-card-title", number=COMPLAINT,
                       status=staff_says("status-complaint-registered"))
    head = await seen(telegram, STAFF_CHAT, lambda m: m.get("text", "").startswith(title))
    thread = head["message_thread_id"]
    with_buttons = await seen(telegram, STAFF_CHAT, lambda m: bool(buttons(m))
                              and m["message_id"] > head["message_id"], thread)
    in_topic = telegram.sent_messages(STAFF_CHAT, thread)
    ids = [m["message_id"] for m in in_topic]
    pieces = in_topic[ids.index(head["message_id"]):ids.index(with_buttons["message_id"]) + 1]
    assert len(pieces) >= 2 and flat(words) in read(pieces)

    # A step redraws the card: every piece shows the status it now has, and nothing is lost.
    await staff_tap(telegram, with_buttons, staff_says("staff-action-forward"))
    redrawn = read([current(telegram, m) for m in pieces])
    assert flat(words) in redrawn
    assert staff_says("status-forwarded") in redrawn
    assert staff_says("status-complaint-registered") not in redrawn
    assert staff_says("staff-action-forward") not in buttons(current(telegram, pieces[-1]))


async def test_a_staff_answer_of_4096_characters_reaches_the_citizen_whole(
    telegram: FakeTelegram, staffed: RunningBot
) -> None:
    citizen = telegram.user(id=7103)
    await citizen.say("/start")
    menu = (await citizen.press(citizen.last(), "Қазақша"))[-1]
    await citizen.press(menu, says("menu-specialist", "kk"))
    await citizen.say("Сәлеметсіз бе, сұрағым бар")
    thread = await opened_topic(telegram)
    answer = long_words("Құжаттарыңызды тексердік, бәрі дұрыс, келесі қадамды күтіңіз. ", 4096)
    telegram.user(id=STAFF_MEMBER).send_text(answer, chat=STAFF_CHAT, thread_id=thread)
    await seen(telegram, citizen.id,
               lambda _m: flat(answer) in read(telegram.sent_messages(citizen.id)))


async def test_a_whatsapp_message_of_4000_characters_reaches_the_staff_topic_whole(
    telegram: FakeTelegram, graph: FakeWhatsApp, on_both: RunningBot
) -> None:
    who = person(graph, on_both, "77015550105")
    shown = await pick(who, await who.say("/start"), "Қазақша")
    await pick(who, shown, says("menu-specialist", "kk"))
    await who.say("Сәлеметсіз бе, менің де сұрағым бар")
    thread = await opened_topic(telegram)
    words = long_words("Балам үшін құжаттарды қалай жинау керек екенін түсіндіріңізші. ", 4000)
    await who.say(words)
    await seen(telegram, STAFF_CHAT, lambda _m: flat(words) in read(
        telegram.sent_messages(STAFF_CHAT, thread)))
