"""Issue 17: the day's page by role, and the list and day pages in the audit log."""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import select

from flows.calendar import KZ_TZ
from storage.db import sessions
from storage.models import AuditEntry
from tests.console.conftest import CITIZEN, HEAD, NOW, STAFF_MEMBER, Browser, signed_in
from tests.console.test_application import application_id, with_a_photo
from tests.fakes.telegram_api import FakeTelegram
from tests.handlers.conftest import RunningBot

COMPLAINT = "ШҒ-2026-00001"


async def complaint_about(bot: RunningBot, ref: int) -> int:
    """The citizen's complaint about their application, addressed to the head."""
    assert bot.app is not None
    await bot.app.engine.ports.applications.submit(
        "telegram", str(CITIZEN), "complaint",
        {"about": str(ref), "subject": "conduct", "text": "Жалоба", "files": [],
         "addressee": "head"}, "c-1", NOW)
    return await application_id(bot, COMPLAINT)


async def test_an_officers_day_page_lists_no_complaint_the_head_is_reminded_of(
    telegram: FakeTelegram, console: RunningBot, browsers: list[Browser]
) -> None:
    ref = await with_a_photo(console)
    complaint = await complaint_about(console, ref)
    console.advance_to(datetime(2026, 12, 1, 10, 0, tzinfo=KZ_TZ))  # its 5 days have passed
    head = await signed_in(console, browsers, HEAD)
    assert COMPLAINT in (await head.get("/console/today")).text
    officer = await signed_in(console, browsers)
    today = await officer.get("/console/today")
    assert today.status == 200
    assert COMPLAINT not in today.text and f"/console/a/{complaint}" not in today.text
    for link in re.findall(r'href="(/console/a/\d+)"', today.text):
        assert (await officer.get(link)).status == 200, f"a dead link on today: {link}"


async def reads(bot: RunningBot, action: str) -> list[AuditEntry]:
    assert bot.app is not None
    async with sessions(bot.app.db)() as session:
        return list((await session.scalars(select(AuditEntry).where(
            AuditEntry.actor == f"staff:{STAFF_MEMBER}", AuditEntry.action == action))).all())


async def test_the_list_and_the_day_page_are_in_the_audit_log(
    telegram: FakeTelegram, console: RunningBot, browsers: list[Browser]
) -> None:
    await with_a_photo(console)
    browser = await signed_in(console, browsers)
    assert (await browser.get("/console/?q=Иван&page=1")).status == 200
    listed = await reads(console, "read.list")
    assert len(listed) == 1 and listed[0].details["rows"] == 1
    # that a search was made, not its words: the audit log is not sealed, a surname is
    assert listed[0].details["search"] is True and "Иван" not in str(listed[0].details)
    assert (await browser.get("/console/today")).status == 200
    assert len(await reads(console, "read.today")) == 1
