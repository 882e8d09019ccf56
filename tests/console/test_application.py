"""Issue 17: an application's page in the console — what it shows, who may open it, the
steps staff take there (the same desk path as the card's buttons) and the reply box."""

from __future__ import annotations

import html
import re
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from bot.app import file_store
from flows.calendar import KZ_TZ
from flows.wire import message_from_json
from storage.clock import to_db
from storage.db import sessions
from storage.models import Application, AuditEntry, Document, InterviewBooking, OutboxMessage
from tests.console.conftest import (
    CITIZEN,
    HEAD,
    STAFF_CHAT,
    VIEWER,
    Browser,
    Page,
    open_browser,
    signed_in,
    submitted,
)
from tests.fakes.telegram_api import FakeChat, FakeTelegram
from tests.flows.documents import jpeg
from tests.handlers.conftest import RunningBot
from tests.handlers.lingo import buttons, says
from tests.handlers.test_staff_telegram import citizen_gets, first_line, seen

NUMBER = "ВП-2026-00001"
FORM_RE = re.compile(r'data-test="action" data-action="([^"]+)"')


async def application_id(bot: RunningBot, number: str = NUMBER) -> int:
    assert bot.app is not None
    async with sessions(bot.app.db)() as session:
        found = await session.scalar(select(Application.id).where(Application.number == number))
    assert found is not None
    return int(found)


async def status_of(bot: RunningBot, number: str = NUMBER) -> str:
    assert bot.app is not None
    async with sessions(bot.app.db)() as session:
        return str(await session.scalar(select(Application.status).where(
            Application.number == number)))


async def audited(bot: RunningBot, action: str) -> list[AuditEntry]:
    assert bot.app is not None
    async with sessions(bot.app.db)() as session:
        return list((await session.scalars(select(AuditEntry).where(
            AuditEntry.action == action).order_by(AuditEntry.id))).all())


async def notice_of(bot: RunningBot, key: str) -> dict[str, Any] | None:
    assert bot.app is not None
    async with sessions(bot.app.db)() as session:
        row = await session.scalar(select(OutboxMessage).where(OutboxMessage.key == key))
    return None if row is None else dict(row.payload)


async def with_a_photo(bot: RunningBot) -> int:
    """A visit application whose identity document is a real stored photo; its id."""
    stored = await file_store(bot.settings).save(jpeg(1), "image/jpeg")
    await submitted(bot, id_document=[{"sha256": stored.sha256, "mime": stored.mime,
                                       "size": stored.size, "name": "id.jpg"}])
    return await application_id(bot)


def text_of(page: Page) -> str:
    return html.unescape(page.text)


async def act(browser: Browser, ref: int, action: str, page: Page | None = None,
              fields: dict[str, str] | None = None) -> Page:
    page = page or await browser.get(f"/console/a/{ref}")
    return await browser.post(f"/console/a/{ref}/act/{action}",
                              {"csrf": page.csrf, **(fields or {})})


async def test_the_page_shows_the_card_documents_papers_and_history_and_audits_each_read(
    telegram: FakeTelegram, console: RunningBot, browsers: list[Browser]
) -> None:
    ref = await with_a_photo(console)
    browser = await signed_in(console, browsers)
    page = await browser.get(f"/console/a/{ref}")
    assert page.status == 200
    shown = text_of(page)
    assert says("staff-card-title", "ru", number=NUMBER,
                status=says("status-submitted", "ru")) in shown
    assert "871008401427" in shown and "05.09.2015" in shown  # the card's fields, in full
    assert FORM_RE.findall(page.text) == ["accept", "incomplete"]  # the card's steps
    assert 'data-test="history-row" data-status="submitted"' in page.text
    assert 'id="audit"' not in page.text  # the audit log is the head's
    paper = re.search(r'href="(/verify/[A-Za-z0-9_-]+)"', page.text)
    assert paper is not None  # appendix 1, with its verification link
    assert (await browser.get(paper.group(1))).status == 200

    assert console.app is not None
    async with sessions(console.app.db)() as session:
        document = await session.scalar(select(Document.id).where(
            Document.application_id == ref))
    assert f'src="/console/a/{ref}/doc/{document}"' in page.text  # the photo inline
    status, body, headers = await browser.raw(f"/console/a/{ref}/doc/{document}")
    assert status == 200 and body == jpeg(1) and headers["Content-Type"] == "image/jpeg"
    assert headers["X-Frame-Options"] == "DENY"
    pdf = re.search(r'href="(/console/a/\d+/paper/\d+)"', page.text)
    assert pdf is not None
    status, body, headers = await browser.raw(pdf.group(1))
    assert status == 200 and body.startswith(b"%PDF") and \
        headers["Content-Type"] == "application/pdf"

    reads = [(a.actor, a.subject, a.details) for a in await audited(console, "read.document")]
    assert reads == [("staff:77", NUMBER, {"doc": document, "via": "console"})]
    assert [a.subject for a in await audited(console, "read.card")] == [NUMBER]
    assert [a.subject for a in await audited(console, "read.paper")] == [NUMBER]

    head = await signed_in(console, browsers, HEAD)
    audit = await head.get(f"/console/a/{ref}")
    assert 'id="audit"' in audit.text and 'data-action="read.document"' in audit.text


async def test_strangers_get_the_sign_in_page_and_unknown_ids_a_404(
    telegram: FakeTelegram, console: RunningBot, browsers: list[Browser]
) -> None:
    ref = await with_a_photo(console)
    await submitted(console, draft="d-2")
    other = await application_id(console, "ВП-2026-00002")
    assert console.app is not None
    async with sessions(console.app.db)() as session:
        document = await session.scalar(select(Document.id).where(
            Document.application_id == ref))
    stranger = open_browser(console, browsers)
    for path in (f"/console/a/{ref}", "/console/a/999999", f"/console/a/{ref}/doc/{document}",
                 "/console/export.csv", "/console/today"):
        page = await stranger.get(path)
        assert page.status == 303 and page.headers["Location"] == "/console/signin", path
    shown = await stranger.get(f"/console/a/{ref}/doc/{document}", follow=True)
    assert NUMBER not in shown.text and says("console-signin-how", "ru") in shown.text

    staff = await signed_in(console, browsers)
    for path in ("/console/a/999999", "/console/a/abc", f"/console/a/{ref}/doc/999999",
                 f"/console/a/{other}/doc/{document}", f"/console/a/{ref}/paper/999999"):
        page = await staff.get(path)
        assert page.status == 404 and page.headers["X-Frame-Options"] == "DENY", path


async def test_a_step_taken_in_the_console_notifies_the_citizen_as_the_card_button_does(
    telegram: FakeTelegram, console: RunningBot, browsers: list[Browser]
) -> None:
    ref = await with_a_photo(console)
    browser = await signed_in(console, browsers)
    accepted = await act(browser, ref, "accept")
    assert accepted.status == 303
    assert await status_of(console) == "under_review"
    # the citizen is told as when staff press Accept on the card (tests/handlers/
    # test_staff_telegram.py): accepted on Monday 23.11, the permission by 26.11
    await citizen_gets(telegram, CITIZEN, says("notify-under-review", "kk", number=NUMBER,
                                               decision="26.11.2026"))
    # and the topic hears who did what, as after a tap on the card
    await seen(telegram, STAFF_CHAT, lambda m: m.get("text") == says(
        "staff-done", "ru", who="Дана Маман", action=says("staff-action-accept", "ru"),
        number=NUMBER, status=says("status-under-review", "ru")))
    assert [(a.actor, a.subject) for a in await audited(console, "application.accept")] == [
        ("staff:77", NUMBER)]

    twice = await act(browser, ref, "accept")  # a second click, or a stale page
    assert twice.status == 409 and says("staff-error-wrong-status", "ru", number=NUMBER,
                                        status=says("status-under-review", "ru")) in text_of(twice)
    page = await browser.get(f"/console/a/{ref}")
    assert FORM_RE.findall(page.text) == ["hearing", "approve"]
    offer = says("staff-approve-as-asked", "ru", **{"from": "01.12.2026", "to": "31.12.2026"})
    assert offer in text_of(page)
    approved = await act(browser, ref, "approve", page, {"offer": "take"})
    assert approved.status == 303 and await status_of(console) == "approved"
    permission = await seen(telegram, CITIZEN, lambda m: m.get("text", "").startswith(
        first_line("notify-approved", "kk")))
    assert "01.12.2026" in permission["text"] and "31.12.2026" in permission["text"]
    after = await browser.get(f"/console/a/{ref}")
    assert 'data-kind="permission-appendix-4"' in after.text
    assert FORM_RE.findall(after.text) == []  # approved: no step is left


async def test_the_console_and_the_card_button_queue_the_same_notice(
    telegram: FakeTelegram, console: RunningBot, browsers: list[Browser]
) -> None:
    await submitted(console, draft="d-1")
    await submitted(console, draft="d-2")
    by_button = await application_id(console, NUMBER)
    by_console = await application_id(console, "ВП-2026-00002")
    card = await seen(telegram, STAFF_CHAT, lambda m: m.get("text", "").startswith(says(
        "staff-card-title", "ru", number=NUMBER, status=says("status-submitted", "ru"))))
    telegram.user(id=77).tap(card, says("staff-action-accept", "ru"))
    await telegram.settled()
    browser = await signed_in(console, browsers)
    assert (await act(browser, by_console, "accept")).status == 303
    tapped = await notice_of(console, f"status:{by_button}:under_review")
    clicked = await notice_of(console, f"status:{by_console}:under_review")
    assert tapped is not None and clicked is not None
    assert tapped["template"] == {"number": NUMBER, "status": "under_review",
                                  "service": "visit"}
    assert clicked["template"] == {"number": "ВП-2026-00002", "status": "under_review",
                                   "service": "visit"}
    same = message_from_json(tapped)
    other = message_from_json(clicked)
    assert [p.key for p in other.parts] == [p.key for p in same.parts]
    assert says("notify-under-review", "kk", **{**dict(other.parts[0].args)}) == says(
        "notify-under-review", "kk", **{**dict(same.parts[0].args), "number": "ВП-2026-00002"})


async def test_inputs_are_read_as_the_topic_reads_them_and_kept_when_wrong(
    telegram: FakeTelegram, console: RunningBot, browsers: list[Browser]
) -> None:
    ref = await with_a_photo(console)
    browser = await signed_in(console, browsers)
    assert (await act(browser, ref, "accept")).status == 303
    nothing = await act(browser, ref, "hearing", fields={"input-hearing": "завтра"})
    assert nothing.status == 422
    shown = text_of(nothing)
    assert says("staff-checklist-empty", "ru") in shown
    assert says("staff-error-hearing-format", "ru") in shown
    assert ">завтра</textarea>" in shown  # nothing typed is lost
    assert await status_of(console) == "under_review"

    wrong = await act(browser, ref, "hearing", fields={
        "line-0": "grounds", "input-hearing": "27.11.2026 15:00; каб. 5"})
    assert wrong.status == 422 and says("staff-error-hearing-format", "ru") in text_of(wrong)
    assert 'name="line-0" value="grounds" data-test="line-0" checked' in wrong.text

    done = await act(browser, ref, "hearing", fields={
        "line-0": "grounds",
        "input-hearing": "27.11.2026 15:00; г. Рудный, ул. Ленина 1, каб. 5; заключение"})
    assert done.status == 303 and await status_of(console) == "hearing_scheduled"
    notice = await seen(telegram, CITIZEN, lambda m: "ул. Ленина 1, каб. 5" in m.get("text", ""))
    assert "27.11.2026" in notice["text"]


async def test_a_viewer_sees_no_action_and_cannot_post_one(
    telegram: FakeTelegram, console: RunningBot, browsers: list[Browser]
) -> None:
    ref = await with_a_photo(console)
    viewer = await signed_in(console, browsers, VIEWER)
    page = await viewer.get(f"/console/a/{ref}")
    assert page.status == 200 and FORM_RE.findall(page.text) == []
    assert 'id="reply"' not in page.text
    refused = await viewer.post(f"/console/a/{ref}/act/accept", {"csrf": page.csrf})
    assert refused.status == 403
    reply = await viewer.post(f"/console/a/{ref}/reply", {"csrf": page.csrf, "text": "Сәлем"})
    assert reply.status == 403
    assert await status_of(console) == "submitted"
    assert await notice_of(console, f"status:{ref}:under_review") is None


async def test_a_post_without_its_csrf_token_is_refused(
    telegram: FakeTelegram, console: RunningBot, browsers: list[Browser]
) -> None:
    ref = await with_a_photo(console)
    browser = await signed_in(console, browsers)
    assert (await browser.post(f"/console/a/{ref}/act/accept", {})).status == 403
    forged = await browser.post(f"/console/a/{ref}/act/accept", {"csrf": "forged"})
    assert forged.status == 403
    other = await signed_in(console, browsers, HEAD)  # another session's token is no token
    page = await other.get(f"/console/a/{ref}")
    assert (await browser.post(f"/console/a/{ref}/act/accept",
                               {"csrf": page.csrf})).status == 403
    assert (await browser.post(f"/console/a/{ref}/reply", {"text": "x"})).status == 403
    assert await status_of(console) == "submitted"
    assert await notice_of(console, f"status:{ref}:under_review") is None


async def test_a_reply_from_the_console_reaches_the_citizen_and_shows_in_the_topic(
    telegram: FakeTelegram, console: RunningBot, browsers: list[Browser]
) -> None:
    ref = await with_a_photo(console)
    browser = await signed_in(console, browsers)
    page = await browser.get(f"/console/a/{ref}")
    empty = await browser.post(f"/console/a/{ref}/reply", {"csrf": page.csrf, "text": "  "})
    assert empty.status == 422 and says("staff-error-empty", "ru") in text_of(empty)
    words = "Сәлеметсіз бе! Құжаттарыңыз қабылданды."
    sent = await browser.post(f"/console/a/{ref}/reply", {"csrf": page.csrf, "text": words},
                              hx_request="true")
    assert sent.status == 200 and sent.text.lstrip().startswith('<section id="chat"')
    assert words in text_of(sent)  # the chat fragment htmx swaps in
    await citizen_gets(telegram, CITIZEN, says("staff-reply", "kk", text=words))
    await seen(telegram, STAFF_CHAT, lambda m: m.get("text") == says(
        "console-topic-reply", "ru", who="Дана Маман", text=words))
    assert [(a.actor, a.action) for a in await audited(console, "staff.reply")] == [
        ("staff:77", "staff.reply")]
    chat = await browser.get(f"/console/a/{ref}/chat")
    assert chat.text.lstrip().startswith('<ol id="messages"') and words in text_of(chat)


async def test_today_lists_what_is_due_and_overdue(
    telegram: FakeTelegram, console: RunningBot, browsers: list[Browser]
) -> None:
    await submitted(console, datetime(2026, 11, 17, 10, 0, tzinfo=KZ_TZ), draft="d-1")
    await submitted(console, datetime(2026, 11, 20, 10, 0, tzinfo=KZ_TZ), draft="d-2")
    await submitted(console, draft="d-3")
    browser = await signed_in(console, browsers)
    today = await browser.get("/console/today")
    marks = re.findall(r'data-test="due-line" data-number="([^"]+)" data-mark="([^"]*)"',
                       today.text)
    assert marks == [(NUMBER, "overdue"), ("ВП-2026-00002", "due-today")]
    assert says("console-today-title", "ru", date="23.11.2026") in text_of(today)


async def test_today_shows_the_fifty_most_overdue_and_links_to_the_rest(
    telegram: FakeTelegram, console: RunningBot, browsers: list[Browser]
) -> None:
    """A department that fell behind: the page stays short and quick, the oldest first."""
    for n in range(52):
        await submitted(console, datetime(2026, 11, 2, 10, 0, tzinfo=KZ_TZ)
                        + timedelta(hours=6 * n), draft=f"d-{n}")
    browser = await signed_in(console, browsers)
    today = await browser.get("/console/today")
    numbers = re.findall(r'data-test="due-line" data-number="([^"]+)"', today.text)
    assert numbers == [f"ВП-2026-{n:05d}" for n in range(1, 51)]
    assert says("console-today-more", "ru", count=2) in text_of(today)
    assert 'href="/console/?due=due"' in today.text


async def test_one_removed_from_the_staff_group_can_no_longer_act_and_is_signed_out(
    telegram: FakeTelegram, console: RunningBot, browsers: list[Browser]
) -> None:
    ref = await with_a_photo(console)
    browser = await signed_in(console, browsers)
    page = await browser.get(f"/console/a/{ref}")
    telegram.set_chat_member(STAFF_CHAT, 77, "left")
    refused = await act(browser, ref, "accept", page)
    assert refused.status == 403
    assert await status_of(console) == "submitted"
    assert (await browser.get("/console/")).status == 303


async def test_today_lists_the_conversations_with_children_booked_for_the_day(
    telegram: FakeTelegram, console: RunningBot, browsers: list[Browser]
) -> None:
    ref = await with_a_photo(console)
    assert console.app is not None
    async with sessions(console.app.db).begin() as session:  # as a booking writes it
        for key, hour, day in (("a", 15, 23), ("b", 11, 23), ("c", 11, 24)):
            session.add(InterviewBooking(
                application_id=ref, child_position=0, body_code="kst-rudny", slot_key=key,
                starts_at=to_db(datetime(2026, 11, day, hour, 0, tzinfo=KZ_TZ))))
    browser = await signed_in(console, browsers)
    today = text_of(await browser.get("/console/today"))
    assert re.findall(r"<time>([^<]+)</time> — <a", today) == [
        "23.11.2026 11:00", "23.11.2026 15:00"]


async def test_a_step_and_a_reply_after_the_topic_was_deleted_open_a_new_one(
    telegram: FakeTelegram, console: RunningBot, browsers: list[Browser]
) -> None:
    """An admin deleted the citizen's topic: the console's step is still told, in a new
    topic, where the card comes back as it is now."""
    ref = await with_a_photo(console)
    card = await seen(telegram, STAFF_CHAT, lambda m: m.get("text", "").startswith(says(
        "staff-card-title", "ru", number=NUMBER, status=says("status-submitted", "ru"))))
    FakeChat(telegram, STAFF_CHAT).delete_topic(card["message_thread_id"])
    browser = await signed_in(console, browsers)
    assert (await act(browser, ref, "accept")).status == 303
    assert await status_of(console) == "under_review"
    done = await seen(telegram, STAFF_CHAT, lambda m: m.get("text") == says(
        "staff-done", "ru", who="Дана Маман", action=says("staff-action-accept", "ru"),
        number=NUMBER, status=says("status-under-review", "ru")))
    thread = done["message_thread_id"]
    assert thread != card["message_thread_id"]
    again = await seen(telegram, STAFF_CHAT, lambda m: m.get("text", "").startswith(says(
        "staff-card-title", "ru", number=NUMBER, status=says("status-under-review", "ru"))),
        thread)
    assert says("staff-action-approve", "ru") in buttons(again)
    page = await browser.get(f"/console/a/{ref}")
    sent = await browser.post(f"/console/a/{ref}/reply", {"csrf": page.csrf, "text": "Принято"})
    assert sent.status in (200, 303)
    await seen(telegram, STAFF_CHAT, lambda m: m.get("text") == says(
        "console-topic-reply", "ru", who="Дана Маман", text="Принято"), thread)
    assert len(telegram.calls_of("createForumTopic")) == 2
