"""The staff card, the morning digest and "My applications" show the same dates for the
same application: at submission, after the documents are accepted, and (service 1) after a
hearing is set. The card and the digest mark the date due today the same way.

Both applications are registered on Monday 23.11.2026 at 10:00 in Astana.
Service 1 (seed 004): the check by 24.11; accepted on 24.11, the permission by 27.11 (3
working days); a hearing on 26.11 moves the next date to the final answer, 27.11.
Service 2 (seed 001 p. 5): the check by 24.11; accepted on 24.11, the conversation with the
child by 30.11 (4 working days), then the decision by 01.12 (to be confirmed).
"""

from __future__ import annotations

import asyncio
import re
from datetime import date, datetime
from typing import Any

from flows.calendar import KZ_TZ
from flows.messages import Text
from flows.payloads import CardAction, unpack
from handlers.l10n import Localizer
from handlers.telegram.digest import compose, post_digest
from handlers.telegram.staff_side import StaffSide
from tests.fakes.telegram_api import FakeTelegram, FakeUser
from tests.handlers.conftest import STAFF_CHAT, STAFF_MEMBER, RunningBot
from tests.handlers.lingo import buttons, says
from tests.handlers.test_interview_telegram import apply as apply_for_interview
from tests.handlers.test_staff_telegram import apply as apply_for_visit
from tests.handlers.test_staff_telegram import (
    current,
    seen,
    staff_says,
    staff_tap,
    the_digest,
)

LANG = "ru"  # the citizens' and the staff's language here
VISIT = "ВП-2026-00001"
INTERVIEW = "МР-2026-00001"
_L10N = Localizer()


def shown(text: Text) -> str:
    return _L10N.render(text, LANG)


def line(what: str, day: str) -> Text:
    return Text(f"dates-{what}", {"date": day})


def due_today(term: Text) -> Text:
    return Text("dates-due-today", {"term": term})


def to_be_confirmed(term: Text) -> Text:
    return Text("dates-to-be-confirmed", {"term": term})


def at(day: int, month: int = 11) -> datetime:
    """9:00 in Astana, when the morning digest goes out."""
    return datetime(2026, month, day, 9, 0, tzinfo=KZ_TZ)


# ---------------------------------------------------------------------- the three places


def staff_side(bot: RunningBot) -> StaffSide:
    assert bot.app is not None and bot.app.telegram is not None
    side = bot.app.telegram.staff
    assert side is not None
    return side


async def card_of(telegram: FakeTelegram, bot: RunningBot, number: str) -> dict[str, Any]:
    """The application's card in the staff group, once its delivery is recorded (a card is
    redrawn by that record)."""
    card = await seen(telegram, STAFF_CHAT, lambda m: number in m.get("text", "")
                      and bool(buttons(m)))
    data = card["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    pressed = unpack(data)
    assert isinstance(pressed, CardAction)
    desk = staff_side(bot).desk
    for _ in range(200):  # the outbox records the delivery just after Telegram's answer
        if await desk.card_message_ids(pressed.application):
            break
        await asyncio.sleep(0.05)
    assert await desk.card_message_ids(pressed.application) == [card["message_id"]]
    return card


def card_lines(telegram: FakeTelegram, card: dict[str, Any]) -> list[str]:
    return current(telegram, card)["text"].splitlines()


async def digest_on(bot: RunningBot, telegram: FakeTelegram, day: date) -> list[str]:
    await post_digest(staff_side(bot), day)
    return (await the_digest(telegram, day)).splitlines()


async def digest_now(bot: RunningBot, day: date) -> list[str]:
    """What the day's digest would say now: it goes once a day, and the day goes on."""
    side = staff_side(bot)
    message = await compose(side, day, await side.desk.open_applications())
    return side.l10n.join(message.parts, side.language).splitlines()


def digest_line(number: str, status: str, term: Text) -> str:
    return shown(Text("dates-digest-line", {"number": number, "status": Text(status),
                                            "term": term}))


def next_date_pattern(number: str, service: str, status: str) -> re.Pattern[str]:
    """The line of "My applications" for this application, its next date in a group."""
    marks = {"date": "\x01", "deadline": "\x02"}
    template = says("apps-line-deadline", LANG, number=number,
                    service=says(f"service-{service}", LANG),
                    status=says(f"status-{status}", LANG), **marks)
    pattern = re.escape(template).replace("\x01", ".+?").replace(
        "\x02", r"(\d\d\.\d\d\.\d{4})")
    return re.compile(pattern)


async def my_applications_date(citizen: FakeUser, number: str, service: str,
                               status: str) -> str:
    menu_button = says("menu-my-applications", LANG)
    menu = next(m for m in reversed(await citizen.say("/start")) if menu_button in buttons(m))
    title = says("apps-title", LANG)
    listing = next(m for m in await citizen.press(menu, menu_button)
                   if m.get("text", "").startswith(title))
    found = next_date_pattern(number, service, status).search(listing["text"])
    assert found is not None, listing["text"]
    return found.group(1)


# ---------------------------------------------------------------------- service 1


async def test_the_visit_permission_shows_the_same_dates_everywhere(
    telegram: FakeTelegram, staffed: RunningBot
) -> None:
    citizen = telegram.user(id=3401)
    await apply_for_visit(citizen, LANG)
    card = await card_of(telegram, staffed, VISIT)

    # At submission: the completeness check, by Tuesday 24.11.
    check = line("check", "24.11.2026")
    assert shown(check) in card_lines(telegram, card)
    assert await my_applications_date(citizen, VISIT, "visit", "submitted") == "24.11.2026"
    staffed.advance_to(at(24))
    digest = await digest_on(staffed, telegram, date(2026, 11, 24))
    assert digest_line(VISIT, "status-submitted", due_today(check)) in digest
    assert shown(due_today(check)) in card_lines(telegram, card)  # redrawn that morning
    assert await my_applications_date(citizen, VISIT, "visit", "submitted") == "24.11.2026"

    # Accepted on 24.11: the permission within 3 working days, by Friday 27.11.
    await staff_tap(telegram, card, staff_says("staff-action-accept"))
    permission = line("permission", "27.11.2026")
    assert shown(permission) in card_lines(telegram, card)
    assert shown(line("checked", "24.11.2026")) in card_lines(telegram, card)
    assert await my_applications_date(citizen, VISIT, "visit", "under-review") == \
        "27.11.2026"
    digest = await digest_now(staffed, date(2026, 11, 24))
    assert digest[0] == staff_says("staff-digest-empty", date="24.11.2026")  # nothing due

    # A hearing on Thursday 26.11: the final answer 1 working day after it, by 27.11.
    await set_hearing(telegram, card, "26.11.2026 15:00")
    final = line("final", "27.11.2026")
    assert shown(final) in card_lines(telegram, card)
    assert shown(permission) not in card_lines(telegram, card)
    assert await my_applications_date(citizen, VISIT, "visit", "hearing-scheduled") == \
        "27.11.2026"
    staffed.advance_to(at(27))
    digest = await digest_on(staffed, telegram, date(2026, 11, 27))
    assert digest_line(VISIT, "status-hearing-scheduled", due_today(final)) in digest
    assert shown(due_today(final)) in card_lines(telegram, card)
    assert await my_applications_date(citizen, VISIT, "visit", "hearing-scheduled") == \
        "27.11.2026"


async def set_hearing(telegram: FakeTelegram, card: dict[str, Any], when: str) -> None:
    """Staff tap "hearing", tick a ground, go on, and reply with the hearing's details."""
    await staff_tap(telegram, card, staff_says("staff-action-hearing"))
    thread = card["message_thread_id"]
    grounds = telegram.last_message(STAFF_CHAT, thread)
    assert grounds is not None
    skip = {staff_says("staff-checklist-next"), staff_says("staff-checklist-note")}
    first = next(label for label in buttons(grounds) if label not in skip)
    await staff_tap(telegram, grounds, first)
    await staff_tap(telegram, grounds, staff_says("staff-checklist-next"))
    prompt = telegram.last_message(STAFF_CHAT, thread)
    telegram.user(id=STAFF_MEMBER).send_text(
        f"{when}; г. Рудный, ул. Ленина 1, каб. 5; заключение психолога", chat=STAFF_CHAT,
        thread_id=thread, reply_to=prompt)
    await telegram.settled()
    assert staff_says("status-hearing-scheduled") in current(telegram, card)["text"]


# ---------------------------------------------------------------------- service 2


async def test_the_child_opinion_decision_shows_the_same_dates_everywhere(
    telegram: FakeTelegram, staffed: RunningBot
) -> None:
    parent = telegram.user(id=4401, first_name="Динара")
    await apply_for_interview(parent)
    card = await card_of(telegram, staffed, INTERVIEW)

    # At submission: the check by 24.11, a term the seeds do not give.
    check = to_be_confirmed(line("check", "24.11.2026"))
    assert shown(check) in card_lines(telegram, card)
    assert await my_applications_date(parent, INTERVIEW, "interview", "submitted") == \
        "24.11.2026"
    staffed.advance_to(at(24))
    digest = await digest_on(staffed, telegram, date(2026, 11, 24))
    assert digest_line(INTERVIEW, "status-submitted", due_today(check)) in digest
    assert shown(due_today(check)) in card_lines(telegram, card)

    # Accepted on 24.11: the conversation by Monday 30.11, the decision by Tuesday 01.12.
    await staff_tap(telegram, card, staff_says("staff-action-accept"))
    conversation = line("conversation", "30.11.2026")
    decision = to_be_confirmed(line("decision", "01.12.2026"))
    assert shown(conversation) in card_lines(telegram, card)
    assert shown(decision) in card_lines(telegram, card)
    assert await my_applications_date(parent, INTERVIEW, "interview", "under-review") == \
        "30.11.2026"

    staffed.advance_to(at(30))
    digest = await digest_on(staffed, telegram, date(2026, 11, 30))
    assert digest_line(INTERVIEW, "status-under-review", due_today(conversation)) in digest
    assert shown(due_today(conversation)) in card_lines(telegram, card)
    assert await my_applications_date(parent, INTERVIEW, "interview", "under-review") == \
        "30.11.2026"

    # The conversation's last day is over: the decision is what the application waits for.
    staffed.advance_to(at(1, month=12))
    digest = await digest_on(staffed, telegram, date(2026, 12, 1))
    assert digest_line(INTERVIEW, "status-under-review", due_today(decision)) in digest
    assert shown(due_today(decision)) in card_lines(telegram, card)
    assert shown(conversation) in card_lines(telegram, card)  # no longer marked
    assert await my_applications_date(parent, INTERVIEW, "interview", "under-review") == \
        "01.12.2026"
