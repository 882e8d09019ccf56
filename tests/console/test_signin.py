"""Issue 17: signing in to the staff console with a one-time link from the bot."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import timedelta

from sqlalchemy import select

from storage.db import sessions
from storage.models import AuditEntry
from tests.console.conftest import (
    HEAD,
    NOW,
    OUTSIDER,
    STAFF_CHAT,
    STAFF_MEMBER,
    Browser,
    asks_for_a_link,
    open_browser,
    signed_in,
)
from tests.fakes.telegram_api import FakeTelegram
from tests.handlers.conftest import RunningBot
from tests.handlers.lingo import says

SECURITY = {"X-Frame-Options": "DENY", "Referrer-Policy": "no-referrer",
            "Cache-Control": "no-store"}


def secured(headers: Mapping[str, str]) -> bool:
    policy = headers["Content-Security-Policy"]
    return all(headers.get(name) == value for name, value in SECURITY.items()) and \
        "default-src 'self'" in policy and "frame-ancestors 'none'" in policy


async def test_a_link_opens_a_session_once_and_a_second_use_fails(
    telegram: FakeTelegram, console: RunningBot, browsers: list[Browser]
) -> None:
    browser = open_browser(console, browsers)
    link = await asks_for_a_link(telegram, STAFF_MEMBER)
    # the link goes without a preview: a preview would open (and use up) the link
    sent = [c for c in telegram.calls_of("sendMessage") if "/console/signin/" in
            str(c.params.get("text"))][-1]
    assert '"is_disabled": true' in str(sent.params.get("link_preview_options")).lower() \
        or "'is_disabled': True" in str(sent.params.get("link_preview_options"))
    opened = await browser.get(link)
    assert opened.status == 200 and secured(opened.headers)
    cookie = opened.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/console" in cookie
    assert "Secure" not in cookie  # PUBLIC_BASE_URL is not https here
    listing = await browser.get("/console/")
    assert listing.status == 200 and 'data-test="page-list"' in listing.text
    assert secured(listing.headers)

    again = open_browser(console, browsers)
    second = await again.get(link)
    assert second.status == 401
    assert says("console-signin-failed", "ru") in second.text or \
        says("console-signin-failed", "kk") in second.text
    assert "Set-Cookie" not in second.headers
    assert (await again.get("/console/")).status == 303  # no session: back to sign-in


async def test_a_link_is_only_for_staff_and_says_the_role(
    telegram: FakeTelegram, console: RunningBot
) -> None:
    outsider = telegram.user(id=OUTSIDER)
    outsider.send_text("/console")
    await telegram.settled()
    assert not any("/console/signin/" in m.get("text", "")
                   for m in telegram.sent_messages(OUTSIDER))
    await asks_for_a_link(telegram, HEAD)
    assert says("console-role-head", "ru") in telegram.sent_messages(HEAD)[-1]["text"]
    assert console.app is not None
    async with sessions(console.app.db)() as session:
        issued = (await session.scalars(select(AuditEntry).where(
            AuditEntry.action == "console.link"))).all()
    assert [(a.actor, a.details) for a in issued] == [(f"staff:{HEAD}", {"role": "head"})]


async def test_asked_in_the_staff_group_the_link_goes_privately(
    telegram: FakeTelegram, console: RunningBot
) -> None:
    member = telegram.user(id=STAFF_MEMBER)
    member.send_text("/console", chat=STAFF_CHAT)  # never wrote to the bot: it cannot
    await telegram.settled()
    await telegram.wait_for(lambda _c: says("console-link-write-first", "ru") in [
        m.get("text") for m in telegram.sent_messages(STAFF_CHAT)], timeout=10)
    member.send_text("/start")  # now the bot may write to them
    await telegram.settled()
    before = len(telegram.sent_messages(STAFF_MEMBER))
    member.send_text("/console", chat=STAFF_CHAT)
    await telegram.settled()
    await telegram.wait_for(lambda _c: len(telegram.sent_messages(STAFF_MEMBER)) > before,
                            timeout=10)
    assert "/console/signin/" in telegram.sent_messages(STAFF_MEMBER)[-1]["text"]
    group = [m.get("text", "") for m in telegram.sent_messages(STAFF_CHAT)]
    assert says("console-link-sent", "ru") in group
    assert not any("/console/signin/" in text for text in group)


async def test_a_link_expires_after_ten_minutes(
    telegram: FakeTelegram, console: RunningBot, browsers: list[Browser]
) -> None:
    link = await asks_for_a_link(telegram, STAFF_MEMBER)
    console.advance_to(NOW + timedelta(minutes=11))
    opened = await open_browser(console, browsers).get(link)
    assert opened.status == 401 and secured(opened.headers)


async def test_an_idle_session_is_sent_back_to_sign_in(
    telegram: FakeTelegram, console: RunningBot, browsers: list[Browser]
) -> None:
    browser = await signed_in(console, browsers)
    console.advance_to(NOW + timedelta(minutes=29))
    assert (await browser.get("/console/")).status == 200  # in use: it lives on
    console.advance_to(NOW + timedelta(minutes=58))
    assert (await browser.get("/console/today")).status == 200
    console.advance_to(NOW + timedelta(minutes=89))  # 31 minutes idle
    back = await browser.get("/console/")
    assert back.status == 303 and back.headers["Location"] == "/console/signin?expired=1"
    page = await browser.get("/console/", follow=True)
    assert says("console-signin-expired", "ru", minutes=30) in page.text
    assert says("console-signin-how", "ru") in page.text
    # ended for good: coming back later changes nothing
    assert (await browser.get("/console/")).status == 303


async def test_signing_out_ends_the_session(
    console: RunningBot, browsers: list[Browser]
) -> None:
    browser = await signed_in(console, browsers)
    page = await browser.get("/console/")
    assert (await browser.post("/console/signout", {"csrf": page.csrf})).status == 303
    assert (await browser.get("/console/")).status == 303


async def test_the_language_switch_is_remembered_in_the_session(
    console: RunningBot, browsers: list[Browser]
) -> None:
    browser = await signed_in(console, browsers)
    page = await browser.get("/console/")
    assert says("console-list-title", "ru") in page.text  # STAFF_LOCALE by default
    switched = await browser.post("/console/lang", {"csrf": page.csrf, "lang": "kk",
                                                    "next": "/console/today"})
    assert switched.status == 303 and switched.headers["Location"] == "/console/today"
    assert says("console-nav-today", "kk") in (await browser.get("/console/today")).text
    assert says("console-list-title", "kk") in (await browser.get("/console/")).text
    refused = await browser.post("/console/lang", {"lang": "ru"})  # no CSRF token
    assert refused.status == 403
    assert says("console-list-title", "kk") in (await browser.get("/console/")).text


async def test_the_console_serves_its_own_htmx_and_no_outside_script(
    console: RunningBot, browsers: list[Browser]
) -> None:
    browser = await signed_in(console, browsers)
    moved = await browser.get("/console")
    assert moved.status == 302 and moved.headers["Location"] == "/console/"
    assert secured(moved.headers)
    page = await browser.get("/console/")
    scripts = re.findall(r'<script src="([^"]+)"', page.text)
    assert scripts == ["/console/static/htmx.min.js"]
    status, body, headers = await browser.raw(scripts[0])
    assert status == 200 and b"htmx" in body[:200] and "javascript" in headers["Content-Type"]
    assert "style=" not in page.text and "<style" not in page.text  # CSP: styles from a file
