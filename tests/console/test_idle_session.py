"""Issue 17: the session ends after 30 idle minutes; the page's own refreshes are not a
person at work."""

from __future__ import annotations

from datetime import timedelta

from tests.console.conftest import NOW, Browser, signed_in
from tests.console.test_application import with_a_photo
from tests.fakes.telegram_api import FakeTelegram
from tests.handlers.conftest import RunningBot


async def test_an_open_page_left_alone_signs_out_after_thirty_minutes(
    telegram: FakeTelegram, console: RunningBot, browsers: list[Browser]
) -> None:
    ref = await with_a_photo(console)
    browser = await signed_in(console, browsers)
    page = await browser.get(f"/console/a/{ref}")
    assert 'hx-trigger="every 10s"' in page.text
    for minutes in range(10, 70, 10):  # an hour of nobody at the desk, only htmx's refreshes
        console.advance_to(NOW + timedelta(minutes=minutes))
        await browser.poll(f"/console/a/{ref}/chat")
    back = await browser.get(f"/console/a/{ref}")
    assert back.status == 303 and back.headers["Location"] == "/console/signin?expired=1"


async def test_a_persons_clicks_keep_the_session_alive(
    telegram: FakeTelegram, console: RunningBot, browsers: list[Browser]
) -> None:
    ref = await with_a_photo(console)
    browser = await signed_in(console, browsers)
    for minutes in range(20, 120, 20):  # a click every 20 minutes
        console.advance_to(NOW + timedelta(minutes=minutes))
        assert (await browser.get(f"/console/a/{ref}")).status == 200, minutes
    console.advance_to(NOW + timedelta(minutes=110))
    assert (await browser.poll(f"/console/a/{ref}/chat")).status == 200
