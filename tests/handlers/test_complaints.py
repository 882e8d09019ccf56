"""Issue 12: a complaint (seed 004 p. 13), from the citizen's button to a staff decision,
each term on the pinned calendar: registered on Wednesday 25.11.2026, a complaint to the
reviewing body is forwarded by Monday 30.11 (3 working days) and decided by 17.12 (15
working days; 16.12 is Independence Day); one to the head of the body by 02.12 (5)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flows.calendar import KZ_TZ
from tests.fakes.telegram_api import FakeTelegram, FakeUser
from tests.handlers.conftest import STAFF_CHAT, STAFF_MEMBER, RunningBot
from tests.handlers.lingo import buttons, says
from tests.handlers.test_staff_telegram import (
    NUMBER,
    apply,
    card_application_id,
    current,
    seen,
    staff_says,
    staff_tap,
    the_card,
)

COMPLAINT = "ШҒ-2026-00001"
BODY = "body-kst-rudny"
WEDNESDAY = datetime(2026, 11, 25, 9, 30, tzinfo=KZ_TZ)
# Kostanay's regional child-rights department (seed 003), until a department confirms it
HIGHER = says("higher-named-unconfirmed", "ru", name=says("higher-kst-child-rights", "ru"),
              address=says("higher-kst-child-rights-address", "ru"))


async def term_passed(telegram: FakeTelegram, staffed: RunningBot,
                      citizen: FakeUser) -> dict[str, Any]:
    """The application is not checked by Tuesday 24.11: on Wednesday the citizen is told."""
    await apply(citizen, "ru")  # Monday 23.11: the check is due on Tuesday 24.11
    await the_card(telegram)
    staffed.advance_to(WEDNESDAY)
    term = says("dates-check", "ru", date="24.11.2026")
    told = says("notify-term-passed", "ru", number=NUMBER, term=term)
    return await seen(telegram, citizen.id, lambda m: m.get("text") == told)


async def file_complaint(citizen: FakeUser, start: dict[str, Any], addressee: str) -> list:
    replies = await citizen.press(start, says("apps-complain", "ru"))
    assert replies[0]["text"].startswith(says("complaint-intro", "ru", about=NUMBER)[:40])
    replies = await citizen.press(replies[-1], says("complaint-subject-missed-term", "ru"))
    too_long = await citizen.say("я" * 4001)
    assert too_long[0]["text"] == says("error-text-too-long", "ru", max=4000)
    citizen.send_sticker()  # not words: asked again, nothing registered
    await citizen.telegram.settled()
    assert says("complaint-ask-text", "ru") in citizen.last()["text"]
    citizen.send_contact("+7 701 999 88 77", "Специалист")  # another's card: no words either
    await citizen.telegram.settled()
    assert says("complaint-ask-text", "ru") in citizen.last()["text"]
    await citizen.say("Документы не проверили в срок, ответа нет.")
    question = citizen.last()
    replies = await citizen.press(question, says("files-none", "ru"))
    replies = await citizen.press(replies[-1], says(f"complaint-addressee-{addressee}", "ru"))
    assert replies[0]["text"].startswith(says("complaint-summary-title", "ru"))
    return await citizen.press(replies[-1], says("complaint-summary-submit", "ru"))


async def test_a_complaint_about_a_missed_term_is_forwarded_within_three_days(
    telegram: FakeTelegram, staffed: RunningBot
) -> None:
    citizen = telegram.user(id=3301)
    notice = await term_passed(telegram, staffed, citizen)
    assert says("apps-complain", "ru") in buttons(notice)

    replies = await file_complaint(citizen, notice, "reviewing")
    assert replies[0]["text"] == says("complaint-submitted", "ru", number=COMPLAINT,
                                      registered="25.11.2026")
    registered = says("notify-complaint-reviewing", "ru", number=COMPLAINT, about=NUMBER,
                      registered="25.11.2026", body=says(BODY, "ru"),
                      higher=HIGHER,
                      forward="30.11.2026", decision="17.12.2026")
    await seen(telegram, citizen.id, lambda m: m.get("text") == registered)

    # Its card in the citizen's topic, with its terms and the steps the law leaves.
    title = staff_says("staff-card-title", number=COMPLAINT,
                       status=staff_says("status-complaint-registered"))
    card = await seen(telegram, STAFF_CHAT, lambda m: m.get("text", "").startswith(title))
    assert staff_says("dates-complaint-forward", date="30.11.2026") in card["text"]
    assert NUMBER in card["text"]
    # The phone is the application's, which the citizen shared from Telegram: verified.
    assert staff_says("identity-phone-verified") in card["text"]
    thread = card["message_thread_id"]
    # A second complaint while this one is open is added to it.
    await citizen.say("/start")
    listing = await citizen.press_latest(says("menu-my-applications", "ru"))
    # A complaint has no documents to check: it is registered (the application: submitted).
    assert says("status-complaint-registered", "ru") in listing[-1]["text"]
    assert listing[-1]["text"].count(says("status-submitted", "ru")) == 1
    detail = await citizen.press(listing[-1], says("apps-open", "ru", number=NUMBER))
    again = await citizen.press(detail[-1], says("apps-complain", "ru"))
    adding = says("complaint-open-already", "ru", number=COMPLAINT, about=NUMBER)
    assert again[0]["text"] == adding
    # A sticker, then an older screen's button: said so, and the same question again.
    citizen.send_sticker()
    await citizen.telegram.settled()
    assert [m["text"] for m in citizen.messages()[-2:]] == [says("error-text-expected", "ru"),
                                                             adding]
    stale = await citizen.press(listing[-1], says("apps-open", "ru", number=NUMBER))
    assert [m["text"] for m in stale] == [says("button-stale", "ru"), adding]
    assert says("nav-menu", "ru") in buttons(stale[-1])
    added = await citizen.say("И по телефону не отвечают.")
    assert added[0]["text"].split("\n\n")[0] == says("complaint-added", "ru", number=COMPLAINT)
    await seen(telegram, STAFF_CHAT, lambda m: "не отвечают" in m.get("text", ""), thread)

    # The body may not decide a complaint addressed to the reviewing body: the card says
    # why and offers no such button ...
    assert staff_says("staff-action-reject-complaint") not in buttons(card)
    assert staff_says("staff-guard-complaint-reviewing-decides", number=COMPLAINT) in card[
        "text"]
    # ... and after the three days it may no longer satisfy it either: only forward it.
    staffed.advance_to(datetime(2026, 12, 1, 10, 0, tzinfo=KZ_TZ))
    await staff_tap(telegram, card, staff_says("staff-action-satisfy"))  # a card drawn before
    assert telegram.last_message(STAFF_CHAT, thread)["text"] == staff_says(
        "staff-guard-complaint-forward-only", number=COMPLAINT, last="30.11.2026")
    await staff_tap(telegram, current(telegram, card), staff_says("staff-action-forward"))
    forwarded = says("notify-complaint-forwarded", "ru", number=COMPLAINT, about=NUMBER,
                     on="01.12.2026", decision="17.12.2026", body=says(BODY, "ru"),
                     higher=HIGHER)
    await seen(telegram, citizen.id, lambda m: m.get("text") == forwarded)
    assert staff_says("status-forwarded") in current(telegram, card)["text"]


async def test_a_complaint_to_the_head_is_decided_by_the_body_within_five_days(
    telegram: FakeTelegram, staffed: RunningBot
) -> None:
    citizen = telegram.user(id=3302)
    notice = await term_passed(telegram, staffed, citizen)
    await file_complaint(citizen, notice, "head")
    registered = says("notify-complaint-head", "ru", number=COMPLAINT, about=NUMBER,
                      registered="25.11.2026", body=says(BODY, "ru"),
                      higher=HIGHER, forward="25.11.2026",
                      decision="02.12.2026")
    await seen(telegram, citizen.id, lambda m: m.get("text") == registered)
    title = staff_says("staff-card-title", number=COMPLAINT,
                       status=staff_says("status-complaint-registered"))
    card = await seen(telegram, STAFF_CHAT, lambda m: m.get("text", "").startswith(title))
    assert staff_says("dates-complaint-decision", date="02.12.2026") in card["text"]
    thread = card["message_thread_id"]
    assert staff_says("staff-action-forward") not in buttons(card)
    assert staff_says("staff-guard-complaint-to-head", number=COMPLAINT) in card["text"]
    await staff_tap(telegram, current(telegram, card), staff_says("staff-action-satisfy-partly"))
    prompt = telegram.last_message(STAFF_CHAT, thread)
    telegram.user(id=STAFF_MEMBER).send_text(
        "Документы проверены, заявление принято.", chat=STAFF_CHAT, thread_id=thread,
        reply_to=prompt)
    await telegram.settled()
    decided = says("notify-complaint-partly-satisfied", "ru", number=COMPLAINT, about=NUMBER,
                   measures="Документы проверены, заявление принято.", body=says(BODY, "ru"),
                   higher=HIGHER)
    await seen(telegram, citizen.id, lambda m: m.get("text") == decided)
    # a complaint is never complained about in turn
    await citizen.say("/start")
    listing = await citizen.press_latest(says("menu-my-applications", "ru"))
    detail = await citizen.press(listing[-1], says("apps-open", "ru", number=COMPLAINT))
    assert says("apps-complain", "ru") not in buttons(detail[-1])


async def test_nobody_complains_about_an_application_that_is_not_theirs(
    telegram: FakeTelegram, staffed: RunningBot
) -> None:
    from tests.handlers.test_forged_buttons import forge

    owner = telegram.user(id=3303)
    await apply(owner, "ru")
    card = await the_card(telegram)
    application = card_application_id(card)
    stranger = telegram.user(id=3304)
    menu = await stranger.say("/start")
    await stranger.press(menu[-1], "Русский")
    replies = await forge(stranger, f"complain:{application}")  # a forged button
    assert replies[0]["text"] == says("apps-not-found", "ru")
    assert not [m for m in replies if says("complaint-ask-subject", "ru") in m.get("text", "")]
    await owner.say("/start")  # the menu again, under the papers the outbox sent
    replies = await forge(owner, f"complain:{application}")  # the owner's own: it opens
    assert replies[0]["text"].startswith(says("complaint-intro", "ru", about=NUMBER)[:40])


async def test_a_notices_button_while_a_form_is_filled_says_where_to_find_it(
    telegram: FakeTelegram, staffed: RunningBot
) -> None:
    """The "term passed, you may complain" notice arrives while the citizen fills in a second
    application: its button cannot start a complaint over the form, so the citizen is told
    how (finish or /cancel, then "My applications"), and the form's question comes again."""
    citizen = telegram.user(id=3303)
    await apply(citizen, "ru")
    await the_card(telegram)
    await citizen.say("/start")
    question = (await citizen.press_latest(says("menu-visit", "ru")))[-1]
    staffed.advance_to(WEDNESDAY)
    told = says("notify-term-passed", "ru", number=NUMBER,
                term=says("dates-check", "ru", date="24.11.2026"))
    notice = await seen(telegram, citizen.id, lambda m: m.get("text") == told)
    replies = await citizen.press(notice, says("apps-complain", "ru"))
    assert [m["text"] for m in replies] == [says("flow-busy", "ru"), question["text"]]
