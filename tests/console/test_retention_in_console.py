"""Issue 17 and retention: what the console shows once an application is anonymised (its
files erased, sha256 ""; the person's messages about it emptied, payload {})."""

from __future__ import annotations

import asyncio
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot.app import file_store
from storage.db import sessions
from storage.models import Application, AuditEntry, OutboxMessage
from storage.privacy import anonymise
from tests.console.conftest import NOW, Browser, signed_in, submitted
from tests.console.test_application import (
    NUMBER,
    act,
    application_id,
    status_of,
    text_of,
    with_a_photo,
)
from tests.fakes.telegram_api import FakeTelegram
from tests.handlers.conftest import RunningBot
from tests.handlers.lingo import says

FILE_LINK = re.compile(r'(?:href|src)="(/console/a/\d+/(?:doc|paper)/\d+)"')


@pytest.fixture
def short_retention(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RETENTION_DAYS", "1")  # RETENTION_DAYS (1095 by default), shortened


async def anonymised(bot: RunningBot, number: str = NUMBER) -> bool:
    assert bot.app is not None
    async with sessions(bot.app.db)() as session:
        return bool(await session.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.action == "application.anonymised", AuditEntry.subject == number)))


async def no_send_under_way(bot: RunningBot) -> None:
    assert bot.app is not None
    for _ in range(200):
        async with sessions(bot.app.db)() as session:
            if not await session.scalar(select(func.count()).select_from(OutboxMessage).where(
                    OutboxMessage.status == "sending")):
                return
        await asyncio.sleep(0.05)
    raise AssertionError("a send stayed under way")


async def test_a_citizens_new_application_opens_after_retention_erased_the_old_ones_words(
    short_retention: None, telegram: FakeTelegram, console: RunningBot,
    browsers: list[Browser]
) -> None:
    """A family applies again; their old, closed application is anonymised. The new one's
    page and chat open, and the old messages show as erased, without their words."""
    old = await with_a_photo(console)
    browser = await signed_in(console, browsers)
    taken = await act(browser, old, "incomplete", fields={"input-comment": "Нет справки"})
    assert taken.status == 303 and await status_of(console) == "rejected_incomplete"
    await submitted(console, draft="d-2")
    new = await application_id(console, "ВП-2026-00002")
    console.advance_to(NOW + timedelta(days=3))
    for _ in range(100):
        if await anonymised(console):
            break
        await asyncio.sleep(0.1)
    assert await anonymised(console), "retention did not run"
    await no_send_under_way(console)  # a message on its way keeps its words until it is out
    browser = await signed_in(console, browsers)
    for path in (f"/console/a/{new}", f"/console/a/{new}/chat"):
        page = await browser.get(path)
        assert page.status == 200, f"{path}: {page.status} {page.text[:60]!r}"
        assert says("console-chat-erased", "ru") in text_of(page)
        assert "Нет справки" not in text_of(page)
    old_page = await browser.get(f"/console/a/{old}")  # the old one, by its URL
    assert old_page.status == 200
    assert says("console-anonymised", "ru") in text_of(old_page)
    assert FILE_LINK.findall(old_page.text) == []


async def test_an_anonymised_applications_page_offers_no_document_to_download(
    telegram: FakeTelegram, console: RunningBot, browsers: list[Browser]
) -> None:
    ref = await with_a_photo(console)
    browser = await signed_in(console, browsers)
    before = await browser.get(f"/console/a/{ref}")
    offered = FILE_LINK.findall(before.text)
    assert offered  # the photo and the appendix, while they exist
    assert console.app is not None
    async with sessions(console.app.db).begin() as session:
        application = await session.get(Application, ref)
        assert application is not None
        erased = await anonymise(session, application, NOW)
    store = file_store(console.settings)
    for sha in erased:  # as retention's sweep deletes them
        await store.delete(sha)
    page = await browser.get(f"/console/a/{ref}")
    assert page.status == 200
    assert FILE_LINK.findall(page.text) == []
    assert says("console-file-erased", "ru") in text_of(page)
    assert says("console-anonymised", "ru") in text_of(page)
    assert 'data-test="action"' not in page.text  # no step on erased data
    for link in offered:  # an old tab's link: not found, not a server error
        status, _body, _headers = await browser.raw(link)
        assert status == 404, link
