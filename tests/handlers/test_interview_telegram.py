"""Issue 6 over HTTP: a parent in Astana, a child in Berlin, the staff group in between."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from flows.calendar import KZ_TZ
from tests.fakes.telegram_api import FakeTelegram, FakeUser
from tests.flows.documents import jpeg
from tests.handlers.conftest import STAFF_CHAT, STAFF_MEMBER, RunningBot
from tests.handlers.lingo import buttons, says
from tests.handlers.test_papers_telegram import pdf_in, text_of
from tests.handlers.test_staff_telegram import current, seen, staff_says, staff_tap

NUMBER = "МР-2026-00001"
BERLIN = says("city-berlin", "ru")


async def apply_until_where_the_child_lives(parent: FakeUser) -> list[dict[str, Any]]:
    """A mother in Astana applies for her son, up to the question where he lives."""
    await parent.say("/start")
    menu = (await parent.press(parent.last(), "Русский"))[-1]
    shown = await parent.press(menu, says("menu-interview", "ru"))
    for tap in ("region-astana", "body-astana-edu-short"):
        shown = await parent.press(shown[-1], says(tap, "ru"))
    for text in ("Смагулова", "Динара"):
        shown = await parent.say(text)
    shown = await parent.press(shown[-1], says("nav-skip", "ru"))
    for text in ("871008401427", "г. Астана, пр. Мангилик Ел, 8, кв. 15", "87011234567"):
        shown = await parent.say(text)
    shown = await parent.press(parent.last(), says("role-parent", "ru"))
    for text in ("Смагулов", "Арман"):
        shown = await parent.say(text)
    shown = await parent.press(shown[-1], says("nav-skip", "ru"))
    shown = await parent.say("10.03.2013")
    shown = await parent.press(shown[-1], says("group-more-no", "ru"))  # one child
    shown = await parent.press(shown[-1], says("subject-residence", "ru"))
    return await parent.say("С кем из родителей будет жить сын")


async def apply(parent: FakeUser) -> None:
    """The son lives in Germany: the conversation is held remotely."""
    shown = await apply_until_where_the_child_lives(parent)
    shown = await parent.press(shown[-1], says("lives-abroad", "ru"))
    shown = await parent.press(shown[-1], says("country-de", "ru"))
    shown = await parent.press(shown[-1], says("present-applicant", "ru"))
    shown = await parent.press(shown[-1], says("consent-yes", "ru"))
    parent.send_photo(jpeg(1))
    await parent.telegram.settled()
    shown = await parent.press(parent.last(), says("files-done", "ru"))
    shown = await parent.press(shown[-1], says("files-none", "ru"))
    await parent.press(shown[-1], says("summary-submit", "ru"))


async def keeps_own_language(parent: FakeUser, asked: dict[str, Any]) -> list[dict[str, Any]]:
    """A time for the child abroad: the bot asks the child's language; the parent's own
    (Russian) is kept with one tap (issue 18)."""
    assert asked["text"].endswith(says("booking-ask-child-language", "ru", slot="")
                                  .splitlines()[-1])
    return await parent.press(asked, says("booking-child-language-own", "ru",
                                          language="Русский"))


async def open_application(parent: FakeUser) -> dict[str, Any]:
    await parent.say("/start")
    listing = await parent.press_latest(says("menu-my-applications", "ru"))
    return (await parent.press(listing[-1], says("apps-open", "ru", number=NUMBER)))[-1]


async def test_the_remote_interview_from_booking_to_reminders(
    telegram: FakeTelegram, staffed: RunningBot
) -> None:
    parent = telegram.user(id=4001, first_name="Динара")
    await apply(parent)
    card = await seen(telegram, STAFF_CHAT, lambda m: NUMBER in m.get("text", "")
                      and bool(buttons(m)))
    await staff_tap(telegram, card, staff_says("staff-action-accept"))
    await seen(telegram, 4001, lambda m: m.get("text", "").startswith(
        says("notify-interview-accepted", "ru", number=NUMBER, term="").splitlines()[0]))

    detail = await open_application(parent)
    days = (await parent.press(detail, says("booking-choose", "ru")))[-1]
    day_labels = [b for b in buttons(days) if "—" in b]
    assert [label.split(" ")[0] for label in day_labels] == [
        "24.11.2026", "25.11.2026", "26.11.2026", "27.11.2026"]  # the 4-working-day term
    times = (await parent.press(days, day_labels[1]))[-1]  # Wed 25.11
    slots = [b for b in buttons(times) if BERLIN in b]
    assert len(slots) == 16
    for label in slots:  # "24.11.2026, 10:00 Астана — 06:00 Берлин": Berlin is 4 h behind
        kz, berlin = re.findall(r"(\d\d):(\d\d)", label)
        at = f"{kz[0]}:{kz[1]}"
        assert "09:00" <= at <= "18:00" and not "13:00" <= at < "14:30"  # office, no lunch
        assert int(kz[0]) - int(berlin[0]) == 4 and kz[1] == berlin[1]
    ten = next(label for label in slots if ", 10:00 " in label)
    confirmed = await keeps_own_language(parent, (await parent.press(times, ten))[-1])
    text = confirmed[0]["text"]
    assert "10:00" in text and "06:00" in text and BERLIN in text
    link = re.search(r"https://t\.me/test_applications_bot\?start=([A-Z0-9]{8})", text)
    assert link is not None
    code = link.group(1)
    calendars = [c for c in telegram.calls_of("sendDocument") if c.params.get("chat_id") == 4001]
    assert calendars and calendars[-1].files
    ics = next(iter(calendars[-1].files.values()))
    assert b"BEGIN:VEVENT" in ics and b"DTSTART:20261125T050000Z" in ics

    child = telegram.user(id=5001, first_name="Арман")
    asked = (await child.say(f"/start {code}"))[-1]  # in the language the parent chose
    assert asked["text"] == says("child-ask-who", "ru", name="Арман")
    intro = (await child.press(asked, says("child-its-me", "ru", name="Арман")))[-1]
    assert "06:00" in intro["text"] and BERLIN in intro["text"]
    assert "10:00" not in intro["text"]  # the child reads their own time
    replies = await child.press(intro, says("child-yes", "ru"))
    assert replies[0]["text"] == says("child-confirmed", "ru")
    await seen(telegram, 4001, lambda m: m.get("text") == says(
        "notify-child-confirmed", "ru", number=NUMBER))

    other = telegram.user(id=5002)
    replies = await other.say(f"/start {code}")
    assert replies[0]["text"] == says("invite-used", "kk")

    # the day before: everyone is reminded, each in their own time
    slot_start = datetime(2026, 11, 25, 10, 0, tzinfo=KZ_TZ)
    staffed.advance_to(slot_start - timedelta(hours=24) + timedelta(seconds=1))
    reminder = "⏰"
    to_parent = await seen(telegram, 4001, lambda m: m.get("text", "").startswith(reminder))
    to_child = await seen(telegram, 5001, lambda m: m.get("text", "").startswith(reminder))
    thread = card["message_thread_id"]
    to_staff = await seen(telegram, STAFF_CHAT, lambda m: m.get("text", "").startswith(
        reminder), thread)
    assert "10:00" in to_parent["text"] and "06:00" in to_parent["text"]
    assert "06:00" in to_child["text"] and "10:00" not in to_child["text"]
    assert NUMBER in to_staff["text"]
    assert not [m for m in telegram.sent_messages(4001) if "1 час" in m.get("text", "")]
    # an hour before: the second round
    staffed.advance_to(slot_start - timedelta(hours=1) + timedelta(seconds=1))
    await seen(telegram, 5001, lambda m: m.get("text", "").startswith(reminder)
               and "1" in m.get("text", "") and m is not to_child)
    assert current(telegram, card)["message_thread_id"] == thread
    assert STAFF_MEMBER


async def test_a_child_under_ten_and_a_code_that_does_not_exist(
    telegram: FakeTelegram, staffed: RunningBot
) -> None:
    stranger = telegram.user(id=5003)
    replies = await stranger.say("/start ABCDEFGH")
    assert replies[0]["text"] == says("invite-unknown", "kk")
    assert buttons(replies[-1]) == ["Қазақша", "Русский", "English"]


async def book_wednesday_ten(telegram: FakeTelegram,
                            parent: FakeUser) -> tuple[dict[str, Any], str]:
    """Apply, have staff accept, book Wed 25.11 at 10:00: the card and the child's code."""
    await apply(parent)
    card = await seen(telegram, STAFF_CHAT, lambda m: NUMBER in m.get("text", "")
                      and bool(buttons(m)))
    await staff_tap(telegram, card, staff_says("staff-action-accept"))
    await seen(telegram, parent.id, lambda m: m.get("text", "").startswith(
        says("notify-interview-accepted", "ru", number=NUMBER, term="").splitlines()[0]))
    detail = await open_application(parent)
    days = (await parent.press(detail, says("booking-choose", "ru")))[-1]
    times = (await parent.press(days, [b for b in buttons(days) if "—" in b][1]))[-1]
    asked = (await parent.press(times, next(b for b in buttons(times) if ", 10:00 " in b)))[-1]
    confirmed = await keeps_own_language(parent, asked)
    code = re.search(r"start=([A-Z0-9]{8})", confirmed[0]["text"])
    assert code is not None
    return card, code.group(1)


async def booked_with_child(telegram: FakeTelegram) -> tuple[FakeUser, FakeUser, dict[str, Any]]:
    """A parent who applied, was accepted and booked 25.11 10:00; the child who joined."""
    parent = telegram.user(id=4101, first_name="Динара")
    card, code = await book_wednesday_ten(telegram, parent)
    child = telegram.user(id=5101, first_name="Арман")
    asked = (await child.say(f"/start {code}"))[-1]
    intro = (await child.press(asked, says("child-its-me", "ru", name="Арман")))[-1]
    await child.press(intro, says("child-yes", "ru"))
    return parent, child, current(telegram, card)


def label(role: str, text: str) -> str:
    return says("session-says", "ru", role=says(f"session-role-{role}", "ru"), text=text)


async def test_the_conversation_in_the_messenger_and_its_record(
    telegram: FakeTelegram, staffed: RunningBot
) -> None:
    from sqlalchemy import select

    from storage.db import sessions
    from storage.models import ApplicationNote

    parent, child, card = await booked_with_child(telegram)
    thread = card["message_thread_id"]
    staff = telegram.user(id=STAFF_MEMBER)
    await staff_tap(telegram, card, staff_says("staff-action-session"))
    controls = telegram.last_message(STAFF_CHAT, thread)
    assert controls["text"] == staff_says("staff-session-started", number=NUMBER)
    await seen(telegram, 5101, lambda m: m.get("text") == says("session-started", "ru"))

    staff.send_text("Привет, Арман!", chat=STAFF_CHAT, thread_id=thread)
    await telegram.settled()
    assert telegram.last_message(STAFF_CHAT, thread)["text"] == staff_says(
        "staff-session-confirm-first")
    await staff_tap(telegram, controls, staff_says("staff-session-present"))

    staff.send_text("Привет, Арман! Как тебе в Берлине?", chat=STAFF_CHAT, thread_id=thread)
    await telegram.settled()
    asked = label("specialist", "Привет, Арман! Как тебе в Берлине?")
    await seen(telegram, 5101, lambda m: m.get("text") == asked)
    await seen(telegram, 4101, lambda m: m.get("text") == asked)
    assert not [m for m in telegram.sent_messages(5101)
                if m.get("text") == label("specialist", "Привет, Арман!")]

    await child.say("Хорошо, но я скучаю по маме")
    answer = label("child", "Хорошо, но я скучаю по маме")
    await seen(telegram, 4101, lambda m: m.get("text") == answer)
    await seen(telegram, STAFF_CHAT, lambda m: m.get("text") == answer, thread)
    await parent.say("Я рядом с ним")
    await seen(telegram, 5101, lambda m: m.get("text") == label("parent", "Я рядом с ним"))

    await staff_tap(telegram, controls, staff_says("staff-session-video"))
    assert telegram.last_message(STAFF_CHAT, thread)["text"] == staff_says(
        "staff-video-not-configured")

    await staff_tap(telegram, controls, staff_says("staff-session-end"))
    record = next(c for c in reversed(telegram.calls_of("sendDocument"))
                  if c.params.get("chat_id") == STAFF_CHAT
                  and not next(iter(c.files.values())).startswith(b"%PDF"))
    text = next(iter(record.files.values())).decode()
    assert says("session-role-child", "ru") + ": Хорошо, но я скучаю по маме" in text
    assert says("session-role-parent", "ru") + ": Я рядом с ним" in text
    await seen(telegram, 5101, lambda m: m.get("text") == says("session-ended-child", "ru"))

    replies = await child.say("Можно я ещё скажу: папа хороший")
    assert replies[0]["text"] == says("session-added", "ru")
    await seen(telegram, STAFF_CHAT, lambda m: "папа хороший" in m.get("text", ""), thread)

    assert staffed.app is not None
    async with sessions(staffed.app.db)() as session:
        (note,) = (await session.scalars(select(ApplicationNote).where(
            ApplicationNote.kind == "transcript"))).all()
    assert "representative present: yes" in note.text
    assert "parent (parent): Смагулова Динара" in note.text and "child: Смагулов Арман" in note.text
    assert "child: Хорошо, но я скучаю по маме" in note.text
    assert "specialist: Привет, Арман! Как тебе в Берлине?" in note.text

    # the decision, recorded by staff, reaches the parent
    await staff_tap(telegram, card, staff_says("staff-action-decide"))
    prompt = telegram.last_message(STAFF_CHAT, thread)
    staff.send_text("Учесть мнение ребенка: он хочет жить с матерью.", chat=STAFF_CHAT,
                    thread_id=thread, reply_to=prompt)
    await telegram.settled()
    await seen(telegram, 4101, lambda m: "Учесть мнение ребенка" in m.get("text", ""))

    # Issue 11: the record and the decision reach the parent as PDFs too.
    pdf = await pdf_in(telegram, 4101, f"{NUMBER}-conversation-record.pdf")
    assert "Хорошо, но я скучаю по маме" in text_of(pdf)
    pdf = await pdf_in(telegram, 4101, f"{NUMBER}-decision-on-the-childs-opinion.pdf")
    assert "Учесть мнение ребенка" in text_of(pdf).replace("\n", " ")


async def test_staff_close_times_with_a_command(
    telegram: FakeTelegram, staffed: RunningBot
) -> None:
    staff = telegram.user(id=STAFF_MEMBER)
    replies = await staff.say_in(STAFF_CHAT, "/close astana-edu 25.11.2026 09:00-13:00")
    assert replies[-1]["text"].startswith(staff_says(
        "staff-slots-done", kind="/close", body="astana-edu", **{"from": "", "to": ""})[:10])
    replies = await staff.say_in(STAFF_CHAT, "/close nowhere 25.11.2026 09:00-13:00")
    assert replies[-1]["text"].startswith(staff_says("staff-slots-unknown-body",
                                                     codes="")[:20])
    replies = await staff.say_in(STAFF_CHAT, "/close astana-edu tomorrow")
    assert replies[-1]["text"] == staff_says("staff-slots-help")
    outsider = telegram.user(id=98)
    telegram.set_chat_member(STAFF_CHAT, 98, "left")
    before = len(telegram.sent_messages(STAFF_CHAT))
    outsider.send_text("/open astana-edu 25.11.2026 19:00-20:00", chat=STAFF_CHAT)
    await telegram.settled()
    assert len(telegram.sent_messages(STAFF_CHAT)) == before  # ignored


async def test_a_child_joins_on_whatsapp_with_the_code(
    telegram: FakeTelegram, graph: Any, on_both: RunningBot
) -> None:
    from tests.fakes.whatsapp_api import WhatsAppPerson
    from tests.handlers.conftest import APP_SECRET
    from tests.handlers.test_whatsapp import pick, texts

    parent = telegram.user(id=4201, first_name="Динара")
    _card, code = await book_wednesday_ten(telegram, parent)

    child = WhatsAppPerson(graph, graph.user(wa_id="4915112345678", name="Arman"),
                           on_both.webhook_url, APP_SECRET, on_both.settle)
    shown = await child.say(code.lower())  # in the language the parent chose
    shown = await pick(child, shown, says("child-its-me", "ru", name="Арман"))
    assert "06:00" in texts(shown) and BERLIN in texts(shown)
    shown = await pick(child, shown, says("child-no", "ru"))
    assert says("child-another-time", "ru") in texts(shown)
    notice = await seen(telegram, 4201, lambda m: m.get("text") == says(
        "notify-child-another-time", "ru", number=NUMBER))
    # The notice carries the button that does what it asks: another time, in one tap.
    assert buttons(notice) == [says("booking-change", "ru")]
    days = await parent.press(notice, says("booking-change", "ru"))
    assert days[-1]["text"] == says("booking-ask-day", "ru", number=NUMBER)


async def test_a_video_link_reaches_the_child_and_the_parent(
    telegram: FakeTelegram, staffed: RunningBot
) -> None:
    await staffed.stop()
    staffed.video_base = "https://meet.example.kz/opinion"
    await staffed.start()
    _parent, _child, card = await booked_with_child(telegram)
    thread = card["message_thread_id"]
    await staff_tap(telegram, card, staff_says("staff-action-session"))
    controls = telegram.last_message(STAFF_CHAT, thread)
    await staff_tap(telegram, controls, staff_says("staff-session-video"))
    room = re.search(r"https://meet\.example\.kz/opinion/\S+",
                     telegram.last_message(STAFF_CHAT, thread)["text"])
    assert room is not None
    link = label("specialist", room.group(0))
    await seen(telegram, 5101, lambda m: m.get("text") == link)
    await seen(telegram, 4101, lambda m: m.get("text") == link)
