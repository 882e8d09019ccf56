"""Issue 4 over HTTP: an application's whole life between a citizen and the staff group."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from sqlalchemy import select

from flows.calendar import KZ_TZ
from storage.db import sessions
from storage.models import Application, ApplicationNote, AuditEntry
from tests.fakes.telegram_api import FakeChat, FakeTelegram, FakeUser
from tests.flows.documents import jpeg
from tests.handlers.conftest import STAFF_CHAT, STAFF_MEMBER, RunningBot
from tests.handlers.lingo import buttons, says
from tests.handlers.test_visit_telegram import fill_to_summary

NUMBER = "ВП-2026-00001"
STAFF_LANG = "ru"


def staff_says(key: str, **args: Any) -> str:
    return says(key, STAFF_LANG, **args)


async def seen(
    telegram: FakeTelegram, chat: int, predicate: Callable[[dict[str, Any]], bool],
    thread: int | None = None,
) -> dict[str, Any]:
    """A bot message in the chat (already there, or arriving within 10 s) that matches."""
    def found() -> list[dict[str, Any]]:
        return [m for m in telegram.sent_messages(chat, thread) if predicate(m)]

    await telegram.wait_for(lambda _call: bool(found()), timeout=10)
    return found()[-1]


async def the_digest(telegram: FakeTelegram, day: date) -> str:
    """The day's digest, posted by the outbox to the staff group itself, outside any topic."""
    titles = {staff_says(key, date=day.strftime("%d.%m.%Y"))
              for key in ("staff-digest-title", "staff-digest-empty")}
    posted = await seen(telegram, STAFF_CHAT, lambda m: m.get("message_thread_id") is None
                        and m.get("text", "").split("\n", 1)[0] in titles)
    return str(posted["text"])


async def apply(person: FakeUser, lang: str) -> None:
    summary = await fill_to_summary(person, lang)
    await person.press(summary, says("summary-submit", lang))


async def the_card(telegram: FakeTelegram) -> dict[str, Any]:
    title = staff_says("staff-card-title", number=NUMBER, status=staff_says("status-submitted"))
    card = await seen(telegram, STAFF_CHAT, lambda m: m.get("text", "").startswith(title))
    # the documents follow the card; by then the card's delivery is recorded
    await telegram.wait_for(lambda _c: len(telegram.calls_of("sendDocument")) >= 2, timeout=10)
    return card


def first_line(key: str, lang: str) -> str:
    """The heading of a notification (its first line holds only the number)."""
    blank = {name: "" for name in ("body", "from", "to", "children", "residence", "service",
                                   "missing", "grounds", "date", "time", "place", "final",
                                   "reasons", "decision", "head_days", "review_days")}
    return says(key, lang, number=NUMBER, **blank).splitlines()[0]


def card_application_id(card: dict[str, Any]) -> int:
    data = card["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    return int(data.split(":")[1])


def current(telegram: FakeTelegram, message: dict[str, Any]) -> dict[str, Any]:
    return telegram.message(message["chat"]["id"], message["message_id"])


async def citizen_gets(telegram: FakeTelegram, chat: int, text: str) -> dict[str, Any]:
    return await seen(telegram, chat, lambda m: m.get("text") == text)


async def staff_tap(telegram: FakeTelegram, message: dict[str, Any], label: str) -> None:
    telegram.user(id=STAFF_MEMBER).tap(current(telegram, message), label)
    await telegram.settled()


async def approved_as_asked(telegram: FakeTelegram, citizen: FakeUser,
                            lang: str) -> dict[str, Any]:
    """A visit application applied for, accepted and approved for the period asked: its card."""
    await apply(citizen, lang)
    card = await the_card(telegram)
    await staff_tap(telegram, card, staff_says("staff-action-accept"))
    await staff_tap(telegram, current(telegram, card), staff_says("staff-action-approve"))
    offer = telegram.last_message(STAFF_CHAT, card["message_thread_id"])
    await staff_tap(telegram, offer, staff_says("staff-approve-as-asked", **{
        "from": "01.12.2026", "to": "31.12.2026"}))
    return card


async def start_hearing(telegram: FakeTelegram, card: dict[str, Any],
                        ground: str = "ground-negative-influence") -> dict[str, Any]:
    """Staff press the preliminary refusal, tick one ground and go on: the hearing prompt."""
    thread = card["message_thread_id"]
    await staff_tap(telegram, card, staff_says("staff-action-hearing"))
    picker = telegram.last_message(STAFF_CHAT, thread)
    await staff_tap(telegram, picker, staff_says("staff-tick-none", entry=staff_says(ground)))
    await staff_tap(telegram, picker, staff_says("staff-checklist-next"))
    return telegram.last_message(STAFF_CHAT, thread)


async def test_apply_accept_approve_with_notifications_in_the_citizens_language(
    telegram: FakeTelegram, staffed: RunningBot
) -> None:
    citizen = telegram.user(id=3001, first_name="Айгүл", last_name="Иванова")
    await apply(citizen, "kk")
    card = await the_card(telegram)
    thread = card["message_thread_id"]
    topic = telegram.calls_of("createForumTopic")[0].params["name"]
    assert "Айгүл Иванова" in topic and NUMBER in topic
    assert "871008401427" in card["text"] and "05.09.2015" in card["text"]
    assert staff_says("staff-action-accept") in buttons(card)
    # the two documents followed the card into the same topic, as files
    documents = [c for c in telegram.calls_of("sendDocument")
                 if c.params.get("chat_id") == STAFF_CHAT]
    assert documents and {c.params.get("message_thread_id") for c in documents} == {thread}

    await staff_tap(telegram, card, staff_says("staff-action-accept"))
    # accepted on Monday 23.11: the permission within 3 working days (004 p. 9 ¶1)
    await citizen_gets(telegram, 3001, says("notify-under-review", "kk", number=NUMBER,
                                            decision="26.11.2026"))
    card = current(telegram, card)
    assert staff_says("status-under-review") in card["text"]
    assert staff_says("staff-action-approve") in buttons(card)

    await staff_tap(telegram, card, staff_says("staff-action-approve"))
    prompt = telegram.last_message(STAFF_CHAT, thread)
    await staff_tap(telegram, prompt, staff_says("staff-approve-as-asked", **{
        "from": "01.12.2026", "to": "31.12.2026"}))
    permission = await seen(telegram, 3001, lambda m: m.get("text", "").startswith(
        first_line("notify-approved", "kk")))
    text = permission["text"]
    assert says("body-kst-rudny", "kk") in text
    assert "01.12.2026" in text and "31.12.2026" in text and "05.09.2015" in text
    assert says("residence-patronage", "kk") in text

    assert staffed.app is not None
    async with sessions(staffed.app.db)() as session:
        application = await session.scalar(select(Application))
        audit = [a.action for a in await session.scalars(select(AuditEntry))]
        assert application is not None
        await session.refresh(application, ["history"])
    assert application.status == "approved"
    assert [h.status for h in application.history] == ["submitted", "under_review", "approved"]
    assert {"application.accept", "application.approve"} <= set(audit)


async def test_incomplete_receipt_lists_exactly_the_picked_documents(
    telegram: FakeTelegram, staffed: RunningBot
) -> None:
    citizen = telegram.user(id=3002)
    await apply(citizen, "ru")
    card = await the_card(telegram)
    thread = card["message_thread_id"]
    await staff_tap(telegram, card, staff_says("staff-action-incomplete"))
    picker = telegram.last_message(STAFF_CHAT, thread)
    identity = staff_says("document-identity")
    court = staff_says("document-court-decision")
    # The identity document is optional (004 p. 8): it may be expired, never missing.
    assert buttons(picker)[:2] == [staff_says("staff-tick-none", entry=identity),
                                   staff_says("staff-tick-none", entry=court)]
    await staff_tap(telegram, picker, staff_says("staff-confirm-incomplete"))
    assert telegram.last_message(STAFF_CHAT, thread)["text"] == staff_says(
        "staff-checklist-empty")  # a receipt that names nothing is not sent
    await staff_tap(telegram, picker, staff_says("staff-tick-none", entry=identity))
    await staff_tap(telegram, picker, staff_says("staff-tick-none", entry=court))
    assert buttons(current(telegram, picker))[:2] == [
        staff_says("staff-tick-expired", entry=identity),
        staff_says("staff-tick-missing", entry=court)]
    await staff_tap(telegram, picker, staff_says("staff-confirm-incomplete"))
    receipt = await seen(telegram, 3002, lambda m: m.get("text", "").startswith(
        first_line("notify-incomplete", "ru")))
    listed = [line for line in receipt["text"].splitlines() if line.startswith("•")]
    assert listed == [f"• {says('notify-document-missing', 'ru', document=court)}",
                      f"• {says('notify-document-expired', 'ru', document=identity)}"]
    assert buttons(current(telegram, picker)) == []  # used: a second tap cannot act twice


async def test_hearing_then_objection_then_final_refusal(
    telegram: FakeTelegram, staffed: RunningBot
) -> None:
    citizen = telegram.user(id=3003)
    await apply(citizen, "ru")
    card = await the_card(telegram)
    thread = card["message_thread_id"]
    staff = telegram.user(id=STAFF_MEMBER)
    await staff_tap(telegram, card, staff_says("staff-action-accept"))
    await staff_tap(telegram, card, staff_says("staff-action-hearing"))
    # The grounds are picked from the list (flows/data/refusal_grounds.json) ...
    picker = telegram.last_message(STAFF_CHAT, thread)
    assert picker["text"] == staff_says("staff-ask-grounds", number=NUMBER)
    influence = staff_says("ground-negative-influence")
    unreliable = staff_says("ground-unreliable-documents")
    await staff_tap(telegram, picker, staff_says("staff-checklist-next"))
    assert telegram.last_message(STAFF_CHAT, thread)["text"] == staff_says(
        "staff-checklist-empty")
    await staff_tap(telegram, picker, staff_says("staff-tick-none", entry=influence))
    await staff_tap(telegram, picker, staff_says("staff-checklist-next"))
    # ... then the date, the place and what the grounds rest on are typed.
    prompt = telegram.last_message(STAFF_CHAT, thread)
    assert prompt["text"] == staff_says("staff-ask-hearing", number=NUMBER)
    staff.send_text("завтра", chat=STAFF_CHAT, thread_id=thread, reply_to=prompt)
    await telegram.settled()
    assert telegram.sent_messages(STAFF_CHAT, thread)[-2]["text"] == staff_says(
        "staff-error-hearing-format")
    prompt = telegram.last_message(STAFF_CHAT, thread)
    staff.send_text("27.11.2026 15:00; г. Рудный, ул. Ленина 1, каб. 5; заключение психолога",
                    chat=STAFF_CHAT, thread_id=thread, reply_to=prompt)
    await telegram.settled()
    notice = await seen(telegram, 3003, lambda m: "заключение психолога" in m.get("text", ""))
    assert "27.11.2026" in notice["text"] and "15:00" in notice["text"]
    assert "30.11.2026" in notice["text"]  # the final answer within 1 working day (Fri -> Mon)
    assert f"• {says('ground-negative-influence', 'ru')}" in notice["text"].splitlines()

    await citizen.say("/start")
    listing = await citizen.press_latest(says("menu-my-applications", "ru"))
    detail = await citizen.press(listing[-1], says("apps-open", "ru", number=NUMBER))
    ask = await citizen.press(detail[-1], says("apps-send-objection", "ru"))
    assert ask[0]["text"] == says("objection-ask", "ru", number=NUMBER)
    replies = await citizen.say("Я не согласна: психолог меня не видел.")
    assert replies[0]["text"].split("\n\n")[0] == says("objection-saved", "ru", number=NUMBER)
    await seen(telegram, STAFF_CHAT, lambda m: "психолог меня не видел" in m.get("text", ""),
               thread)
    assert staffed.app is not None
    async with sessions(staffed.app.db)() as session:
        notes = (await session.scalars(select(ApplicationNote))).all()
    assert [(n.kind, n.text) for n in notes] == [
        ("objection", "Я не согласна: психолог меня не видел.")]

    # Not before the hearing: on its morning the card offers the refusal.
    assert staff_says("staff-action-refuse") not in buttons(current(telegram, card))
    staffed.advance_to(datetime(2026, 11, 27, 9, 5, tzinfo=KZ_TZ))
    await staffed.restart()  # the morning's job redraws the cards whose terms moved
    await telegram.wait_for(lambda _c: staff_says("staff-action-refuse") in buttons(
        current(telegram, card)), timeout=10)
    # The reasoned refusal may cite only what was put to the applicant at the hearing.
    await staff_tap(telegram, current(telegram, card), staff_says("staff-action-refuse"))
    picker = telegram.last_message(STAFF_CHAT, thread)
    assert buttons(picker) == [staff_says("staff-tick-none", entry=influence),
                               staff_says("staff-checklist-next")]
    assert unreliable not in str(buttons(picker))
    await staff_tap(telegram, picker, staff_says("staff-tick-none", entry=influence))
    await staff_tap(telegram, picker, staff_says("staff-checklist-next"))
    prompt = telegram.last_message(STAFF_CHAT, thread)
    staff.send_text("Встречи травмируют ребенка (заключение от 20.11.2026).", chat=STAFF_CHAT,
                    thread_id=thread, reply_to=prompt)
    await telegram.settled()
    refusal = await seen(telegram, 3003,
                         lambda m: "Встречи травмируют ребенка" in m.get("text", ""))
    lines = refusal["text"].splitlines()
    assert lines[0] == first_line("notify-refused", "ru")
    assert [line for line in lines if line.startswith("•")] == [
        f"• {says('ground-negative-influence', 'ru')}",
        "• Встречи травмируют ребенка (заключение от 20.11.2026)."]


async def test_only_staff_act_and_only_from_the_right_status(
    telegram: FakeTelegram, staffed: RunningBot
) -> None:
    citizen = telegram.user(id=3004)
    await apply(citizen, "ru")
    card = await the_card(telegram)
    thread = card["message_thread_id"]
    outsider = telegram.user(id=99, first_name="Чужой")
    telegram.set_chat_member(STAFF_CHAT, 99, "left")
    outsider.tap(card, staff_says("staff-action-accept"))
    await telegram.settled()
    answer = telegram.calls_of("answerCallbackQuery")[-1]
    assert answer.params.get("text") == staff_says("staff-not-allowed")
    assert staff_says("status-submitted") in current(telegram, card)["text"]

    await staff_tap(telegram, card, staff_says("staff-action-accept"))
    # "Refuse to accept" from a card still showing it somewhere (e.g. a second staff screen)
    incomplete = f"st:{card_application_id(card)}:incomplete"
    telegram.user(id=STAFF_MEMBER).tap_data(card["message_id"], incomplete, chat=STAFF_CHAT)
    await telegram.settled()
    refusal = staff_says("staff-error-wrong-status", number=NUMBER,
                         status=staff_says("status-under-review"))
    assert telegram.last_message(STAFF_CHAT, thread)["text"] == refusal


async def test_a_citizen_talks_to_a_specialist(telegram: FakeTelegram,
                                               staffed: RunningBot) -> None:
    citizen = telegram.user(id=3005, first_name="Нұрлан")
    await citizen.say("/start")
    menu = (await citizen.press(citizen.last(), "Қазақша"))[-1]
    replies = await citizen.press(menu, says("menu-specialist", "kk"))
    assert replies[0]["text"] == says("specialist-open", "kk")
    replies = await citizen.say("Сәлеметсіз бе, сұрағым бар")
    assert replies[0]["text"] == says("specialist-sent", "kk")
    copied = await telegram.wait_for(lambda c: c.method == "copyMessage", timeout=10)
    thread = copied.params["message_thread_id"]
    citizen.send_photo(jpeg(7))
    await telegram.wait_for(lambda c: c.method == "copyMessage" and c.ok and c is not copied,
                            timeout=10)
    assert len([c for c in telegram.calls_of("copyMessage") if c.ok]) == 2

    staff = telegram.user(id=STAFF_MEMBER)
    staff.send_text("Сәлеметсіз бе! Қандай сұрақ?", chat=STAFF_CHAT, thread_id=thread)
    await telegram.settled()
    await citizen_gets(telegram, 3005, says("staff-reply", "kk",
                                            text="Сәлеметсіз бе! Қандай сұрақ?"))
    replies = await citizen.press(citizen.last() if buttons(citizen.last()) else replies[0],
                                  says("specialist-back", "kk"))
    assert replies[-1]["text"] == says("menu-title", "kk")
    # the same topic is reused next time
    await citizen.press(replies[-1], says("menu-specialist", "kk"))
    await citizen.say("тағы бір сұрақ")
    await telegram.wait_for(lambda c: c.method == "copyMessage"
                            and c.params.get("message_thread_id") == thread
                            and len(telegram.calls_of("copyMessage")) == 3, timeout=10)
    assert len(telegram.calls_of("createForumTopic")) == 1


async def test_the_morning_digest_lists_what_is_due_once_a_day(
    telegram: FakeTelegram, staffed: RunningBot
) -> None:
    from handlers.telegram.digest import next_run, post_digest

    citizen = telegram.user(id=3006)
    await apply(citizen, "ru")  # registered Mon 23.11, check due Tue 24.11
    await the_card(telegram)
    assert staffed.app is not None and staffed.app.telegram is not None
    side = staffed.app.telegram.staff
    assert side is not None
    # Started on a working day past 9:00, the bot posted the day's digest by itself: nothing
    # was due then; asked again the same day (a restart, a replica), it posts nothing more.
    assert await the_digest(telegram, date(2026, 11, 23)) == staff_says(
        "staff-digest-empty", date="23.11.2026")
    assert not await post_digest(side, date(2026, 11, 23))
    assert await post_digest(side, date(2026, 11, 24))
    digest = await the_digest(telegram, date(2026, 11, 24))
    assert digest.splitlines()[0] == staff_says("staff-digest-title", date="24.11.2026")
    assert NUMBER in digest and "24.11.2026" in digest
    # once per working day, at 9:00 Astana time; a restart the same day does not repeat it
    assert not await post_digest(side, date(2026, 11, 24))
    title = staff_says("staff-digest-title", date="24.11.2026")
    assert [m["text"] for m in telegram.sent_messages(STAFF_CHAT)
            if m.get("text", "").startswith(title)] == [digest]
    friday_noon = datetime(2026, 11, 27, 12, 0, tzinfo=KZ_TZ)
    assert next_run(friday_noon) == datetime(2026, 11, 30, 9, 0, tzinfo=KZ_TZ)
    before_holiday = datetime(2026, 12, 15, 18, 0, tzinfo=KZ_TZ)
    assert next_run(before_holiday) == datetime(2026, 12, 17, 9, 0, tzinfo=KZ_TZ)


async def test_a_deleted_topic_is_opened_again(telegram: FakeTelegram,
                                               staffed: RunningBot) -> None:
    citizen = telegram.user(id=3007, first_name="Ерлан")
    await apply(citizen, "ru")
    card = await the_card(telegram)
    FakeChat(telegram, STAFF_CHAT).delete_topic(card["message_thread_id"])
    await citizen.say("/start")
    await citizen.press_latest(says("menu-specialist", "ru"))
    opened = staff_says("staff-citizen-opened")
    note = await seen(telegram, STAFF_CHAT, lambda m: m.get("text") == opened)
    assert note["message_thread_id"] != card["message_thread_id"]
    assert len(telegram.calls_of("createForumTopic")) == 2
