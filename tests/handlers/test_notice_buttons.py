"""Issue 18, item 4: a notice that asks the citizen to act carries the button that does it,
the same one "My applications" shows under the application, on Telegram and on WhatsApp:
object to a preliminary refusal, choose the time of the conversation with the child, apply
again with the documents after a refusal to accept them, complain where the law allows."""

from __future__ import annotations

from typing import Any

from tests.fakes.telegram_api import FakeTelegram, FakeUser
from tests.fakes.whatsapp_api import FakeWhatsApp
from tests.handlers.conftest import STAFF_CHAT, STAFF_MEMBER, RunningBot
from tests.handlers.lingo import buttons, says
from tests.handlers.test_interview_telegram import NUMBER as INTERVIEW
from tests.handlers.test_interview_telegram import apply as apply_for_interview
from tests.handlers.test_staff_telegram import (
    NUMBER,
    apply,
    current,
    first_line,
    seen,
    staff_says,
    staff_tap,
    start_hearing,
    the_card,
)
from tests.handlers.test_whatsapp import fill_to_summary, graph_waits, options, person, pick
from tests.handlers.test_whatsapp import texts as wa_texts

LANG = "ru"
HEARING = "27.11.2026 15:00; г. Рудный, ул. Ленина 1, каб. 5; заключение психолога"


def ru(key: str, **args: Any) -> str:
    return says(key, LANG, **args)


async def open_application(citizen: FakeUser, number: str) -> dict[str, Any]:
    """My applications → the number: the application with its buttons."""
    menu = next(m for m in reversed(await citizen.say("/start"))
                if ru("menu-my-applications") in buttons(m))
    listing = await citizen.press(menu, ru("menu-my-applications"))
    return (await citizen.press(listing[-1], ru("apps-open", number=number)))[-1]


async def preliminary_refusal(telegram: FakeTelegram, card: dict[str, Any]) -> None:
    """Staff accept the documents, then send a preliminary refusal with a hearing."""
    await staff_tap(telegram, card, staff_says("staff-action-accept"))
    prompt = await start_hearing(telegram, card)
    telegram.user(id=STAFF_MEMBER).send_text(HEARING, chat=STAFF_CHAT,
                                             thread_id=card["message_thread_id"],
                                             reply_to=prompt)
    await telegram.settled()


async def test_the_preliminary_refusal_carries_the_objection_button(
    telegram: FakeTelegram, staffed: RunningBot
) -> None:
    citizen = telegram.user(id=3801)
    await apply(citizen, LANG)
    await preliminary_refusal(telegram, await the_card(telegram))
    notice = await seen(telegram, citizen.id, lambda m: m.get("text", "").startswith(
        first_line("notify-hearing", LANG)))
    # The same steps as under the application in "My applications", and Complain.
    assert buttons(notice) == [ru("apps-send-objection"), ru("apps-complain")]
    detail = await open_application(citizen, NUMBER)
    assert ru("apps-send-objection") in buttons(detail)

    # A tap on the notice, days later in the chat, opens the objection.
    asked = await citizen.press(notice, ru("apps-send-objection"))
    assert asked[0]["text"] == ru("objection-ask", number=NUMBER)
    saved = await citizen.say("Я не согласна: психолог меня не видел.")
    # said, and more may follow (an album's other photos, a second page) until the menu
    assert saved[0]["text"] == "\n\n".join((ru("objection-saved", number=NUMBER),
                                             ru("addition-more")))
    assert buttons(saved[0]) == [ru("nav-menu")]
    await seen(telegram, STAFF_CHAT, lambda m: "психолог меня не видел" in m.get("text", ""))


async def test_the_accepted_documents_notice_carries_choose_a_time(
    telegram: FakeTelegram, staffed: RunningBot
) -> None:
    parent = telegram.user(id=3802, first_name="Динара")
    await apply_for_interview(parent)
    card = await seen(telegram, STAFF_CHAT, lambda m: INTERVIEW in m.get("text", "")
                      and bool(buttons(m)))
    await staff_tap(telegram, card, staff_says("staff-action-accept"))
    heading = ru("notify-interview-accepted", number=INTERVIEW, term="").splitlines()[0]
    notice = await seen(telegram, parent.id, lambda m: m.get("text", "").startswith(heading))
    assert buttons(notice) == [ru("booking-choose")]

    days = await parent.press(notice, ru("booking-choose"))
    assert days[-1]["text"] == ru("booking-ask-day", number=INTERVIEW)
    assert [label for label in buttons(days[-1]) if label.startswith("25.11.2026")]


async def test_the_refusal_to_accept_carries_apply_again_with_the_documents(
    telegram: FakeTelegram, staffed: RunningBot
) -> None:
    citizen = telegram.user(id=3803)
    await apply(citizen, LANG)
    card = await the_card(telegram)
    await staff_tap(telegram, card, staff_says("staff-action-incomplete"))
    picker = telegram.last_message(STAFF_CHAT, card["message_thread_id"])
    court = staff_says("document-court-decision")
    await staff_tap(telegram, picker, staff_says("staff-tick-none", entry=court))
    await staff_tap(telegram, current(telegram, picker), staff_says("staff-confirm-incomplete"))
    receipt = await seen(telegram, citizen.id, lambda m: m.get("text", "").startswith(
        first_line("notify-incomplete", LANG)))
    assert buttons(receipt) == [ru("apps-apply-again"), ru("apps-complain")]
    detail = await open_application(citizen, NUMBER)
    assert ru("apps-apply-again") in buttons(detail)

    # The tap starts a new application of the same service, documents and all.
    started = await citizen.press(receipt, ru("apps-apply-again"))
    assert started[0]["text"] == ru("visit-intro")
    assert ru("ask-region") in started[-1]["text"]


async def test_a_whatsapp_citizen_objects_from_the_notice(
    telegram: FakeTelegram, graph: FakeWhatsApp, on_both: RunningBot
) -> None:
    who = person(graph, on_both)
    summary = await fill_to_summary(who, LANG)
    await pick(who, summary, ru("summary-submit"))
    await preliminary_refusal(telegram, await the_card(telegram))
    heading = first_line("notify-hearing", LANG)
    await graph_waits(graph, lambda: heading in wa_texts(graph.sent(who.user.wa_id)))
    notice = graph.sent(who.user.wa_id)[-1]
    # Two reply buttons within Meta's 20 characters: the objection's short label, Complain.
    assert notice["interactive"]["type"] == "button"
    assert list(options([notice])) == [ru("apps-send-objection-short"), ru("apps-complain")]

    asked = await pick(who, [notice], ru("apps-send-objection-short"))
    assert ru("objection-ask", number=NUMBER) in wa_texts(asked)
    graph.assert_no_rejections()
