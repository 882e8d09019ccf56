"""Issue 17: the console is for staff right now. One removed from the staff group reads no
more personal data, whatever page they had open or link they had asked for."""

from __future__ import annotations

import html
from datetime import timedelta

from tests.console.conftest import (
    NOW,
    STAFF_CHAT,
    STAFF_MEMBER,
    Browser,
    asks_for_a_link,
    open_browser,
    signed_in,
)
from tests.console.test_application import audited, with_a_photo
from tests.fakes.telegram_api import FakeTelegram
from tests.handlers.conftest import RunningBot
from tests.handlers.lingo import says

IIN = "871008401427"


async def test_one_removed_from_the_staff_group_reads_no_page_export_or_file_after(
    telegram: FakeTelegram, console: RunningBot, browsers: list[Browser]
) -> None:
    ref = await with_a_photo(console)
    browser = await signed_in(console, browsers)
    assert IIN in html.unescape((await browser.get(f"/console/a/{ref}")).text)
    telegram.set_chat_member(STAFF_CHAT, STAFF_MEMBER, "left")
    refused = await browser.get(f"/console/a/{ref}")
    assert refused.status == 403
    assert IIN not in html.unescape(refused.text)
    assert says("staff-not-allowed", "ru") in html.unescape(refused.text)
    assert [a.actor for a in await audited(console, "staff.denied")] == [
        f"telegram:{STAFF_MEMBER}"]
    telegram.set_chat_member(STAFF_CHAT, STAFF_MEMBER, "member")  # back: the session is over
    for path in (f"/console/a/{ref}", "/console/export.csv", "/console/", "/console/today",
                 f"/console/a/{ref}/doc/1"):
        page = await browser.get(path)
        assert page.status == 303, path
        assert IIN not in html.unescape(page.text)


async def test_a_link_asked_before_leaving_the_group_opens_nothing_after(
    telegram: FakeTelegram, console: RunningBot, browsers: list[Browser]
) -> None:
    ref = await with_a_photo(console)
    link = await asks_for_a_link(telegram, STAFF_MEMBER)
    telegram.set_chat_member(STAFF_CHAT, STAFF_MEMBER, "kicked")
    browser = open_browser(console, browsers)
    opened = await browser.get(link)
    assert opened.status == 403 and "Set-Cookie" not in opened.headers
    assert says("staff-not-allowed", "ru") in html.unescape(opened.text)
    assert (await browser.get(f"/console/a/{ref}")).status == 303


async def test_the_chats_refresh_trusts_a_staff_check_for_a_minute_only(
    telegram: FakeTelegram, console: RunningBot, browsers: list[Browser]
) -> None:
    """The open page's chat refreshes every 10 s; it does not ask Telegram each time, but
    within a minute of the last answer a removed member's refresh is refused too."""
    ref = await with_a_photo(console)
    browser = await signed_in(console, browsers)
    assert (await browser.get(f"/console/a/{ref}")).status == 200
    asked = len(telegram.calls_of("getChatMember"))
    for seconds in (10, 20, 30):
        console.advance_to(NOW + timedelta(seconds=seconds))
        poll = await browser.poll(f"/console/a/{ref}/chat")
        assert poll.status == 200
    assert len(telegram.calls_of("getChatMember")) == asked
    telegram.set_chat_member(STAFF_CHAT, STAFF_MEMBER, "left")
    console.advance_to(NOW + timedelta(seconds=70))
    poll = await browser.poll(f"/console/a/{ref}/chat")
    assert poll.status == 401 and poll.headers["HX-Redirect"].startswith("/console/signin")
    assert IIN not in poll.text


async def test_when_telegram_cannot_be_asked_no_personal_data_is_shown_on_a_guess(
    telegram: FakeTelegram, console: RunningBot, browsers: list[Browser]
) -> None:
    ref = await with_a_photo(console)
    browser = await signed_in(console, browsers)
    assert (await browser.get(f"/console/a/{ref}")).status == 200
    console.advance_to(NOW + timedelta(minutes=5))  # the last "yes" is old
    telegram.fail_next("getChatMember", 502)
    page = await browser.get(f"/console/a/{ref}")
    assert page.status == 503 and IIN not in html.unescape(page.text)
    assert says("console-staff-unknown", "ru") in html.unescape(page.text)
    assert (await browser.get(f"/console/a/{ref}")).status == 200  # the session stayed
