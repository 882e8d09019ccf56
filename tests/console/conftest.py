"""The staff web console against the whole running bot: its aiohttp server on 127.0.0.1, a
real SQLite file, the fake Telegram Bot API with a staff group; a plain aiohttp client is the
browser (it keeps the session cookie)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from flows.ports import Submitted
from tests.fakes.telegram_api import FakeTelegram
from tests.handlers import conftest as handlers_conftest
from tests.handlers.conftest import NOW, STAFF_CHAT, STAFF_MEMBER, RunningBot
from tests.storage.test_storage import ANSWERS

telegram = handlers_conftest.telegram  # the fake Bot API, as the handler tests start it
HEAD, VIEWER, OUTSIDER = 78, 79, 99
CITIZEN = 3001
LINK_RE = re.compile(r"https?://\S+?(/console/signin/[A-Za-z0-9_-]+)")
CSRF_RE = re.compile(r'name="csrf" value="([^"]+)"')

__all__ = ["CITIZEN", "HEAD", "NOW", "OUTSIDER", "STAFF_CHAT", "STAFF_MEMBER", "VIEWER"]


@pytest.fixture
async def console(telegram: FakeTelegram, tmp_path: Path,
                  monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[RunningBot]:
    """The bot with a staff group: an officer (77), a head (78) and a viewer (79) in it."""
    monkeypatch.setenv("CONSOLE_HEADS", str(HEAD))
    monkeypatch.setenv("CONSOLE_VIEWERS", str(VIEWER))
    telegram.supergroup(id=STAFF_CHAT, title="Қорғаншылық органы", is_forum=True)
    for user_id, name in ((STAFF_MEMBER, "Дана"), (HEAD, "Ержан"), (VIEWER, "Тимур")):
        telegram.user(id=user_id, first_name=name, last_name="Маман")
        telegram.set_chat_member(STAFF_CHAT, user_id, "member")
    telegram.user(id=OUTSIDER, first_name="Чужой")
    telegram.user(id=CITIZEN, first_name="Айгүл", last_name="Иванова", language_code="kk")
    bot = RunningBot(telegram, tmp_path, staff_chat_id=STAFF_CHAT)
    await bot.start()
    telegram.user(id=CITIZEN).send_text("/start")  # the citizen's chat with the bot is open
    await telegram.settled()
    yield bot
    if bot.app is not None:
        await bot.stop()


@dataclass
class Page:
    status: int
    text: str
    headers: Any  # the response's headers

    @property
    def csrf(self) -> str:
        found = CSRF_RE.search(self.text)
        assert found is not None, "no form on the page"
        return found.group(1)


class Browser:
    """A person at a browser: keeps cookies, follows no redirect unless told."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.http = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))

    async def get(self, path: str, *, follow: bool = False) -> Page:
        async with self.http.get(self.base + path, allow_redirects=follow) as response:
            return Page(response.status, await response.text(errors="replace"),
                        response.headers)

    async def poll(self, path: str) -> Page:
        """What htmx asks by itself on an open page (the chat's refresh every 10 s)."""
        async with self.http.get(self.base + path, allow_redirects=False,
                                 headers={"HX-Request": "true",
                                          "HX-Trigger": "messages"}) as response:
            return Page(response.status, await response.text(errors="replace"),
                        response.headers)

    async def raw(self, path: str) -> tuple[int, bytes, Any]:
        async with self.http.get(self.base + path, allow_redirects=False) as response:
            return response.status, await response.read(), response.headers

    async def post(self, path: str, data: dict[str, str], *, follow: bool = False,
                   hx_request: str = "") -> Page:
        headers = {"HX-Request": hx_request} if hx_request else {}
        async with self.http.post(self.base + path, data=data, allow_redirects=follow,
                                  headers=headers) as response:
            return Page(response.status, await response.text(errors="replace"),
                        response.headers)

    async def close(self) -> None:
        await self.http.close()


@pytest.fixture
async def browsers(console: RunningBot) -> AsyncIterator[list[Browser]]:
    """Browsers made by `browser(...)`, closed at the end."""
    made: list[Browser] = []
    yield made
    for browser in made:
        await browser.close()


def open_browser(bot: RunningBot, made: list[Browser]) -> Browser:
    assert bot.app is not None
    browser = Browser(bot.app.http_url)
    made.append(browser)
    return browser


async def asks_for_a_link(telegram: FakeTelegram, user_id: int) -> str:
    """The staff member sends /console to the bot in private; the path of the link sent."""
    before = len(telegram.sent_messages(user_id))
    telegram.user(id=user_id).send_text("/console")
    await telegram.settled()
    await telegram.wait_for(lambda _c: len(telegram.sent_messages(user_id)) > before,
                            timeout=10)
    text = telegram.sent_messages(user_id)[-1].get("text", "")
    found = LINK_RE.search(text)
    assert found is not None, text
    return found.group(1)


async def signed_in(bot: RunningBot, made: list[Browser], user_id: int = STAFF_MEMBER) -> Browser:
    """A browser signed in by this staff member's link, on the list page."""
    browser = open_browser(bot, made)
    link = await asks_for_a_link(bot.telegram, user_id)
    opened = await browser.get(link)
    assert opened.status == 200, opened.text
    return browser


async def submitted(bot: RunningBot, at: datetime | None = None, *, citizen: int = CITIZEN,
                    draft: str = "d-1", **answers: Any) -> Submitted:
    """A visit application filed by the citizen at `at`, as the bot files it (its card and
    documents go to the staff topic, its appendix 1 is issued)."""
    assert bot.app is not None
    return await bot.app.engine.ports.applications.submit(
        "telegram", str(citizen), "visit", {**ANSWERS, **answers}, draft, at or NOW)
