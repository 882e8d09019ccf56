"""Issue 13, item 6 over HTTP: staff reading a citizen's card, papers and the conversation
with a child is in the audit log (who, when, what), and so is every check on the public
verification page, by a digest of the code; never a personal value, never the code."""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from flows.calendar import KZ_TZ
from storage.db import sessions
from storage.models import AuditEntry
from tests.fakes.telegram_api import FakeTelegram
from tests.handlers.conftest import STAFF_CHAT, STAFF_MEMBER, RunningBot
from tests.handlers.lingo import says
from tests.handlers.test_interview_telegram import NUMBER as INTERVIEW_NUMBER
from tests.handlers.test_interview_telegram import booked_with_child
from tests.handlers.test_papers_telegram import PERMISSION, codes, fetch, pdf_in
from tests.handlers.test_staff_telegram import (
    NUMBER,
    apply,
    approved_as_asked,
    current,
    staff_says,
    staff_tap,
    the_card,
)

STAFF = f"staff:{STAFF_MEMBER}"
# What the citizen typed or shared while applying (tests/handlers/test_visit_telegram.py).
TYPED = ("871008401427", "77011234567", "7011234567", "Иванова", "Айгүл", "Нұрлан",
         "Ленин көшесі", "05.09.2015", "2015-09-05", "31.01.2018", "2018-01-31")
TYPED_IN_INTERVIEW = ("871008401427", "87011234567", "7011234567", "Смагулова", "Динара",
                      "Смагулов", "Арман", "Мангилик", "10.03.2013", "2013-03-10", "скучаю")


async def audit_rows(bot: RunningBot, prefix: str = "read.") -> list[AuditEntry]:
    assert bot.app is not None
    async with sessions(bot.app.db)() as session:
        return list(await session.scalars(select(AuditEntry).where(
            AuditEntry.action.startswith(prefix)).order_by(AuditEntry.id)))


def what(rows: list[AuditEntry]) -> list[tuple[str, str, str]]:
    return [(row.actor, row.action, row.subject) for row in rows]


def on_day(row: AuditEntry) -> date:
    """The day in Kazakhstan the row was written (rows keep naive UTC)."""
    return row.at.replace(tzinfo=UTC).astimezone(KZ_TZ).date()


def holds_none_of(rows: list[AuditEntry], values: tuple[str, ...]) -> None:
    for row in rows:
        text = json.dumps([row.actor, row.action, row.subject, row.details], ensure_ascii=False)
        assert not [value for value in values if value in text], text


async def test_opening_a_card_and_reissuing_a_paper_are_audited(
    telegram: FakeTelegram, staffed: RunningBot
) -> None:
    citizen = telegram.user(id=3301, first_name="Айгүл", last_name="Иванова")
    await apply(citizen, "ru")
    card = await the_card(telegram)
    assert await audit_rows(staffed) == []  # posting the card is no one's reading yet

    # Someone in the group who is not staff: refused, and nothing of the card was shown.
    telegram.user(id=9301, first_name="Чужой").tap(card, staff_says("staff-action-accept"))
    await telegram.settled()
    assert await audit_rows(staffed) == []

    await staff_tap(telegram, card, staff_says("staff-action-accept"))
    rows = await audit_rows(staffed)
    assert what(rows) == [(STAFF, "read.card", NUMBER)]
    assert rows[0].details == {"button": "accept"}
    assert on_day(rows[0]) == date(2026, 11, 23)  # when: on the app's clock, not the wall's

    await staff_tap(telegram, current(telegram, card), staff_says("staff-action-approve"))
    offer = telegram.last_message(STAFF_CHAT, card["message_thread_id"])
    await staff_tap(telegram, offer, staff_says("staff-approve-as-asked", **{
        "from": "01.12.2026", "to": "31.12.2026"}))  # the question after the card: no new read
    await pdf_in(telegram, STAFF_CHAT, PERMISSION)
    assert [row.details for row in await audit_rows(staffed)] == [
        {"button": "accept"}, {"button": "approve"}]

    # The next day a specialist has the permission issued again: the card, then the paper.
    later = datetime(2026, 11, 24, 11, 30, tzinfo=KZ_TZ)
    staffed.advance_to(later)
    await staff_tap(telegram, current(telegram, card), staff_says("staff-action-reissue"))
    again = await pdf_in(telegram, STAFF_CHAT, PERMISSION, nth=2)
    rows = await audit_rows(staffed)
    assert what(rows[2:]) == [(STAFF, "read.card", NUMBER), (STAFF, "read.paper", NUMBER)]
    paper = rows[3]
    assert paper.details == {
        "kind": "permission-appendix-4", "part": 0, "version": 2,
        "registry": f"{NUMBER}/3", "sha256": hashlib.sha256(again).hexdigest()[:16]}
    assert on_day(paper) == date(2026, 11, 24) and paper.at.replace(tzinfo=UTC) >= later
    holds_none_of(rows, TYPED)


async def test_the_conversation_and_its_transcript_are_audited_reads(
    telegram: FakeTelegram, staffed: RunningBot
) -> None:
    _parent, child, card = await booked_with_child(telegram)
    thread = card["message_thread_id"]
    await staff_tap(telegram, card, staff_says("staff-action-session"))
    controls = telegram.last_message(STAFF_CHAT, thread)
    assert controls["text"] == staff_says("staff-session-started", number=INTERVIEW_NUMBER)
    # A second start while it is open opens nothing more.
    await staff_tap(telegram, current(telegram, card), staff_says("staff-action-session"))
    await child.say("Я скучаю по маме")
    await staff_tap(telegram, controls, staff_says("staff-session-present"))
    await staff_tap(telegram, controls, staff_says("staff-session-end"))
    await staff_tap(telegram, controls, staff_says("staff-session-end"))  # already over

    rows = await audit_rows(staffed)
    reads = [(row.action, row.details) for row in rows if row.subject == INTERVIEW_NUMBER]
    assert reads == [
        ("read.card", {"button": "accept"}),
        ("read.card", {"button": "session"}),
        ("read.conversation", {"child": 0}),
        ("read.card", {"button": "session"}),
        ("read.transcript", {"kind": "transcript", "child": 0}),
    ]
    assert {row.actor for row in rows} == {STAFF}
    holds_none_of(rows, TYPED_IN_INTERVIEW)


async def test_each_check_on_the_verification_page_is_audited_by_a_digest(
    telegram: FakeTelegram, staffed: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="aiohttp.access")
    citizen = telegram.user(id=3302, first_name="Айгүл", last_name="Иванова")
    card = await approved_as_asked(telegram, citizen, "ru")
    await pdf_in(telegram, STAFF_CHAT, PERMISSION)
    code = (await codes(staffed))["permission-appendix-4/1"]
    wrong = code[:-2] + ("xx" if not code.endswith("xx") else "yy")

    assert (await fetch(staffed, f"/verify/{code}?lang=ru"))[0] == 200
    assert (await fetch(staffed, f"/verify/{wrong}"))[0] == 404
    assert (await fetch(staffed, "/verify/not-a-code"))[0] == 404
    await staff_tap(telegram, current(telegram, card), staff_says("staff-action-reissue"))
    await pdf_in(telegram, STAFF_CHAT, PERMISSION, nth=2)
    status, page = await fetch(staffed, f"/verify/{code}")
    assert status == 200 and says("verify-replaced-by", "kk", date=date(2026, 11, 23),
                                  registry=f"{NUMBER}/3") in page

    def digest(text: str) -> str:
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    checks = await audit_rows(staffed, "read.verify")
    assert [(row.actor, row.subject, row.details) for row in checks] == [
        ("public:verify", f"{NUMBER}/2", {"code_sha256": digest(code), "result": "found"}),
        ("public:verify", "", {"code_sha256": digest(wrong), "result": "unknown"}),
        ("public:verify", "", {"code_sha256": digest("not-a-code"), "result": "unknown"}),
        ("public:verify", f"{NUMBER}/2", {"code_sha256": digest(code), "result": "replaced"}),
    ]
    everything = await audit_rows(staffed, "")
    holds_none_of(everything, (code, wrong, *TYPED))

    # The access log names the page by the same digest, never by the code.
    for _ in range(100):  # aiohttp writes the line just after the answer has gone out
        if len([r for r in caplog.records if r.name == "aiohttp.access"]) >= 4:
            break
        await asyncio.sleep(0.01)
    lines = [r.getMessage() for r in caplog.records if r.name == "aiohttp.access"]
    assert f"GET /verify/#{digest(code)} 200" in "\n".join(lines)
    assert not [line for line in lines if code in line or wrong in line]
    assert not [line for line in lines if "127.0.0.1" in line]  # no address either


async def test_a_bare_verification_address_is_answered_in_the_pages_languages(
    telegram: FakeTelegram, staffed: RunningBot
) -> None:
    """A QR reader that lost the code: /verify alone gets the page's "not found", in Kazakh
    with its link to Russian, not the web server's English."""
    for path in ("/verify", "/verify/"):
        status, page = await fetch(staffed, path)
        assert status == 404 and says("verify-unknown", "kk") in page, (path, page[:200])
    status, page = await fetch(staffed, "/verify/?lang=ru")
    assert status == 404 and says("verify-unknown", "ru") in page
