"""A citizen under stress objects, complains and adds to a complaint, with bad input at each
step: an album, a blank message, an edit, /cancel, /start, and a decision taken meanwhile."""

from __future__ import annotations

import copy
from datetime import datetime
from typing import Any

from sqlalchemy import select

from flows.calendar import KZ_TZ
from storage.db import sessions
from storage.models import ApplicationNote
from tests.fakes.telegram_api import FakeTelegram, FakeUser
from tests.flows.documents import jpeg
from tests.handlers.conftest import STAFF_CHAT, STAFF_MEMBER, RunningBot
from tests.handlers.lingo import buttons, says
from tests.handlers.test_complaints import COMPLAINT, file_complaint
from tests.handlers.test_notice_buttons import open_application, preliminary_refusal
from tests.handlers.test_staff_telegram import (
    NUMBER,
    apply,
    current,
    first_line,
    seen,
    staff_says,
    staff_tap,
    the_card,
)

LANG = "ru"


def ru(key: str, **args: Any) -> str:
    return says(key, LANG, **args)


def texts(messages: list[dict[str, Any]]) -> list[str]:
    return [m.get("text", "") for m in messages]


async def notes(bot: RunningBot) -> list[tuple[str, str | None]]:
    assert bot.app is not None
    async with sessions(bot.app.db)() as session:
        rows = (await session.scalars(select(ApplicationNote))).all()
    return [(n.kind, n.document_sha256) for n in rows]


async def objecting(telegram: FakeTelegram, citizen: FakeUser) -> dict[str, Any]:
    """Applied, preliminarily refused with a hearing; the citizen taps "Send objections"."""
    await apply(citizen, LANG)
    card = await the_card(telegram)
    await preliminary_refusal(telegram, card)
    notice = await seen(telegram, citizen.id, lambda m: m.get("text", "").startswith(
        first_line("notify-hearing", LANG)))
    asked = await citizen.press(notice, ru("apps-send-objection"))
    assert asked[0]["text"] == ru("objection-ask", number=NUMBER)
    return card


async def complaint_card(telegram: FakeTelegram) -> dict[str, Any]:
    title = staff_says("staff-card-title", number=COMPLAINT,
                       status=staff_says("status-complaint-registered"))
    return await seen(telegram, STAFF_CHAT, lambda m: m.get("text", "").startswith(title))


async def adding_to_complaint(telegram: FakeTelegram, citizen: FakeUser) -> dict[str, Any]:
    """A complaint to the head is filed; "Complain" again: the bot waits for more words."""
    await apply(citizen, LANG)
    await the_card(telegram)
    detail = await open_application(citizen, NUMBER)
    await file_complaint(citizen, detail, "head")
    card = await complaint_card(telegram)
    detail = await open_application(citizen, NUMBER)
    again = await citizen.press(detail, ru("apps-complain"))
    assert again[0]["text"] == ru("complaint-open-already", number=COMPLAINT, about=NUMBER)
    return card


async def complaint_started(telegram: FakeTelegram, citizen: FakeUser) -> list[dict[str, Any]]:
    await apply(citizen, LANG)
    await the_card(telegram)
    detail = await open_application(citizen, NUMBER)
    started = await citizen.press(detail, ru("apps-complain"))
    assert ru("complaint-ask-subject") in started[-1]["text"]
    return started


async def staff_replies(telegram: FakeTelegram, thread: int, words: str,
                        citizen: FakeUser) -> None:
    """A specialist answers the bot's last question in the topic; the citizen gets the step's
    notice, which quotes the words."""
    prompt = telegram.last_message(STAFF_CHAT, thread)
    telegram.user(id=STAFF_MEMBER).send_text(words, chat=STAFF_CHAT, thread_id=thread,
                                             reply_to=prompt)
    await telegram.settled()
    await seen(telegram, citizen.id, lambda m: words in m.get("text", ""))


# ---------------------------------------------------------------------------- objections


async def test_objection_sent_as_an_album_keeps_every_page(
    telegram: FakeTelegram, staffed: RunningBot
) -> None:
    """The objection prompt invites photos; a person photographs a 2-page statement and
    sends it as one album, with a line under it. Both pages must be attached, none answered
    "use the buttons", and the line kept with them."""
    citizen = telegram.user(id=7101)
    await objecting(telegram, citizen)
    mark = telegram.output_mark()
    citizen.send_album([jpeg(1), jpeg(2)], "Психолог ни разу не видел моего сына")
    await telegram.settled()
    said = texts(telegram.outputs_since(citizen.id, mark))
    assert ru("hint-menu-unexpected") not in said
    attached = [n for n in await notes(staffed) if n[0] == "objection"]
    assert len(attached) == 2, f"pages attached: {len(attached)}; bot said: {said}"
    assert staffed.app is not None
    async with sessions(staffed.app.db)() as session:
        words = list(await session.scalars(select(ApplicationNote.text)))
    assert "Психолог ни разу не видел моего сына" in words


async def test_blank_objection_is_asked_again(
    telegram: FakeTelegram, staffed: RunningBot
) -> None:
    """A 'blank' Telegram message (Hangul filler, the usual trick) sent by mistake: the
    complaint's text step refuses it as empty; the objection must too, not file it."""
    citizen = telegram.user(id=7102)
    await objecting(telegram, citizen)
    replies = await citizen.say("\u3164")
    assert texts(replies)[:2] == [ru("error-text-empty"), ru("objection-ask", number=NUMBER)]
    assert await notes(staffed) == []


async def test_cancel_while_objecting_is_not_nothing_to_cancel(
    telegram: FakeTelegram, staffed: RunningBot
) -> None:
    """The citizen changes their mind and types /cancel while the bot waits for the
    objection: it is cancelled, so "There is nothing to cancel" is the wrong answer."""
    citizen = telegram.user(id=7103)
    await objecting(telegram, citizen)
    replies = await citizen.say("/cancel")
    assert replies[0]["text"] != ru("cancel-nothing")


async def test_edited_objection_correction_is_attached(
    telegram: FakeTelegram, staffed: RunningBot
) -> None:
    """The citizen edits the objection just sent (a typo); the bot says it does not read
    edits and to send the corrected text as a new message. That new message must reach
    the application, not "I only understand the buttons"."""
    citizen = telegram.user(id=7105)
    await objecting(telegram, citizen)
    update_id = citizen.send_text("Я не согласна: психолог меня не видел")
    await telegram.settled()
    edited = copy.deepcopy(telegram.update_payload(update_id)["message"])
    edited["text"] = "Я не согласна: психолог меня ни разу не видел"
    edited["edit_date"] = edited["date"] + 30
    mark = telegram.output_mark()
    telegram.push_update({"edited_message": edited})
    await telegram.settled()
    assert texts(telegram.outputs_since(citizen.id, mark))[0] == ru("edit-not-read")
    replies = await citizen.say("Я не согласна: психолог меня ни разу не видел")
    assert replies[0]["text"] != ru("hint-menu-unexpected")
    assert len(await notes(staffed)) == 2


async def test_objection_after_the_final_refusal_is_not_saved_as_if_in_time(
    telegram: FakeTelegram, staffed: RunningBot
) -> None:
    """The citizen taps "Send objections", is interrupted; meanwhile the hearing passes
    and the final refusal is issued. When they then type the objection they must not be
    told it was "attached and passed to the specialist" as if it could still count."""
    citizen = telegram.user(id=7106)
    card = await objecting(telegram, citizen)
    thread = card["message_thread_id"]
    staffed.advance_to(datetime(2026, 11, 27, 9, 5, tzinfo=KZ_TZ))
    await staffed.restart()
    await telegram.wait_for(lambda _c: staff_says("staff-action-refuse") in buttons(
        current(telegram, card)), timeout=10)
    await staff_tap(telegram, current(telegram, card), staff_says("staff-action-refuse"))
    picker = telegram.last_message(STAFF_CHAT, thread)
    await staff_tap(telegram, picker, staff_says(
        "staff-tick-none", entry=staff_says("ground-negative-influence")))
    await staff_tap(telegram, picker, staff_says("staff-checklist-next"))
    await staff_replies(telegram, thread, "Встречи травмируют ребенка.", citizen)
    replies = await citizen.say("Я не согласна с предварительным отказом.")
    assert replies[0]["text"] != ru("objection-saved", number=NUMBER)


# ---------------------------------------------------------------------------- complaints


async def test_blank_addition_to_a_complaint_is_asked_again(
    telegram: FakeTelegram, staffed: RunningBot
) -> None:
    citizen = telegram.user(id=7201)
    await adding_to_complaint(telegram, citizen)
    replies = await citizen.say("\u2800")
    assert texts(replies)[:2] == [
        ru("error-text-empty"),
        ru("complaint-open-already", number=COMPLAINT, about=NUMBER)]
    assert await notes(staffed) == []


async def test_addition_to_a_complaint_decided_meanwhile(
    telegram: FakeTelegram, staffed: RunningBot
) -> None:
    """The bot waits for more words for the open complaint; before the citizen types
    them the body decides the complaint. "Added to complaint ... staff will see it" is
    then untrue: the complaint is closed."""
    citizen = telegram.user(id=7202)
    card = await adding_to_complaint(telegram, citizen)
    thread = card["message_thread_id"]
    await staff_tap(telegram, current(telegram, card),
                    staff_says("staff-action-satisfy-partly"))
    await staff_replies(telegram, thread, "Документы проверены.", citizen)
    replies = await citizen.say("И по телефону не отвечают.")
    assert replies[0]["text"] != ru("complaint-added", number=COMPLAINT)


async def test_cancel_of_an_untouched_complaint_needs_no_confirmation(
    telegram: FakeTelegram, staffed: RunningBot
) -> None:
    """Complain tapped by mistake, /cancel at once: nothing was entered, so (as in every
    other form) it is cancelled at once, not "Everything you entered will be deleted?"."""
    citizen = telegram.user(id=7203)
    await complaint_started(telegram, citizen)
    replies = await citizen.say("/cancel")
    assert ru("cancel-confirm") not in texts(replies)


async def test_cancelling_a_complaint_speaks_of_the_complaint(
    telegram: FakeTelegram, staffed: RunningBot
) -> None:
    """Cancelling the complaint draft must not say "The application was cancelled": the
    citizen would fear their application (the one complained about) is withdrawn."""
    citizen = telegram.user(id=7204)
    started = await complaint_started(telegram, citizen)
    await citizen.press(started[-1], ru("complaint-subject-conduct"))
    asked = await citizen.say("/cancel")
    done = await citizen.press(asked[-1], ru("cancel-yes"))
    assert "жалоб" in done[0]["text"].lower(), done[0]["text"]
    assert done[0]["text"] != ru("cancel-done")


async def test_start_in_a_complaint_speaks_of_the_complaint(
    telegram: FakeTelegram, staffed: RunningBot
) -> None:
    citizen = telegram.user(id=7205)
    started = await complaint_started(telegram, citizen)
    await citizen.press(started[-1], ru("complaint-subject-conduct"))
    replies = await citizen.say("/start")
    assert replies[0]["text"] != ru("flow-resume")
    assert "жалоб" in replies[0]["text"].lower(), replies[0]["text"]
