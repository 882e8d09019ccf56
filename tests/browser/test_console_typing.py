"""The console's idle limit as a person meets it, in the real Chromium. Typing is a person at
work: the 30-minute limit does not end the session under their hands, and a reply written
over forty minutes reaches the citizen. Typed after the limit, the page says that the session
has ended and how to sign in again, and the words stay in the field to be copied (before, the
send landed on the sign-in page and the words were gone). A page only read is warned before
its end, with a button to keep working (WCAG 2.2.1), and says when it has ended."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from storage.clock import from_db
from storage.db import sessions
from storage.models import ConsoleSession
from tests.browser.conftest import Browser
from tests.browser.test_console_day import arrives, sign_in
from tests.console.conftest import NOW
from tests.console.test_application import with_a_photo
from tests.fakes.telegram_api import FakeTelegram
from tests.handlers.conftest import STAFF_MEMBER, RunningBot
from tests.handlers.lingo import says


async def active_since(bot: RunningBot, moment: datetime) -> None:
    """Waits until the session was last active at `moment` or later (the page told the
    server that the person typed)."""
    assert bot.app is not None
    last = None
    for _ in range(100):
        async with sessions(bot.app.db)() as session:
            last = await session.scalar(select(func.max(ConsoleSession.last_seen_at)))
        if last is not None and from_db(last) >= moment:
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"the session was last active at {last}, not since {moment}")


async def opened(bot: RunningBot, browser: Browser) -> None:
    ref = await with_a_photo(bot)
    await sign_in(bot, browser, STAFF_MEMBER)
    assert bot.app is not None
    await browser.open(f"{bot.app.http_url}/console/a/{ref}")
    await browser.wait_for_text(says("console-reply-label", "ru"), "#reply")


async def test_a_reply_typed_over_forty_minutes_reaches_the_citizen(
    telegram: FakeTelegram, console: RunningBot, browser: Browser
) -> None:
    await opened(console, browser)
    parts = ["Здравствуйте! ", "Ваше разрешение подписано, ", "его можно забрать завтра."]
    await browser.fill("#reply-text", parts[0])
    for minutes, part in ((20, parts[1]), (40, parts[2])):  # a pause to look things up
        console.advance_to(NOW + timedelta(minutes=minutes))
        await browser.type("#reply-text", part)
        await active_since(console, NOW + timedelta(minutes=minutes))
    console.advance_to(NOW + timedelta(minutes=65))  # 25 minutes after the last word
    await browser.click("#reply-send")
    await arrives(telegram, lambda m: "".join(parts) in m.get("text", ""))


async def test_words_typed_after_the_idle_limit_stay_and_the_page_says_why(
    telegram: FakeTelegram, console: RunningBot, browser: Browser
) -> None:
    await opened(console, browser)
    typed_at = console.clock()
    await browser.fill("#reply-text", "Здравствуйте! ")
    await active_since(console, typed_at)
    console.advance_to(NOW + timedelta(minutes=31))  # away from the desk
    await browser.type("#reply-text", "Ваше разрешение подписано.")
    await browser.wait_for_text(says("console-session-ended-typing", "ru", minutes=30),
                                "#session-timer")
    assert says("console-signin-how", "ru") in await browser.text("#session-timer")
    assert await browser.value("#reply-text") == "Здравствуйте! Ваше разрешение подписано."
    assert "/console/a/" in browser.url  # still the application's page, to copy from


@pytest.mark.timeout(180)
async def test_a_page_only_read_is_warned_before_its_session_ends(
    telegram: FakeTelegram, console: RunningBot, browser: Browser,
    monkeypatch: pytest.MonkeyPatch
) -> None:
    """A half-minute limit (CONSOLE_IDLE_MINUTES), so that its warning comes within the test:
    a quarter of it before the end. "Keep working" keeps the session; left alone, the page
    says that it has ended, in the page's words, without leaving it."""
    monkeypatch.setenv("CONSOLE_IDLE_MINUTES", "0.5")
    await console.restart()
    await opened(console, browser)
    await browser.fill("#reply-text", "Здравствуйте! ")
    await browser.wait_for_text(says("console-session-ending", "ru"), "#session-timer",
                                timeout=40)
    await browser.screenshot("console-session-warning-ru")
    pressed_at = console.clock()
    await browser.click("#session-stay")
    await active_since(console, pressed_at)
    # the server has kept the session; the bar goes once its answer is swapped in
    await browser.wait_until_gone("[data-test=session-warning]", timeout=5)

    await browser.wait_for_text(says("console-session-ending", "ru"), "#session-timer",
                                timeout=40)
    await browser.wait_for_text(says("console-signin-expired", "ru", minutes=0.5),
                                "#session-timer", timeout=20)
    await browser.screenshot("console-session-ended-ru")
    assert await browser.value("#reply-text") == "Здравствуйте! "
    assert "/console/a/" in browser.url
