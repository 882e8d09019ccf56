"""Issue 17: what a staff member gets from a page that is no longer current: the language
switch on a refused step's page, a form from an older session."""

from __future__ import annotations

import html
import re

from tests.console.conftest import STAFF_MEMBER, Browser, asks_for_a_link, signed_in
from tests.console.test_application import act, status_of, text_of, with_a_photo
from tests.fakes.telegram_api import FakeTelegram
from tests.handlers.conftest import RunningBot
from tests.handlers.lingo import says


async def test_switching_the_language_on_a_refused_step_lands_on_the_application(
    telegram: FakeTelegram, console: RunningBot, browsers: list[Browser]
) -> None:
    ref = await with_a_photo(console)
    browser = await signed_in(console, browsers)
    assert (await act(browser, ref, "accept")).status == 303
    refused = await act(browser, ref, "hearing", fields={"input-hearing": "завтра"})
    assert refused.status == 422
    back = re.search(r'name="next" value="([^"]+)"', refused.text)
    assert back is not None
    switched = await browser.post("/console/lang", {"csrf": refused.csrf, "lang": "kk",
                                                    "next": html.unescape(back.group(1))})
    assert switched.status == 303 and switched.headers["Location"] == f"/console/a/{ref}"
    page = await browser.get(switched.headers["Location"])
    assert page.status == 200 and says("console-nav-list", "kk") in text_of(page)


async def test_a_step_from_an_older_sessions_page_is_explained_and_keeps_what_was_typed(
    telegram: FakeTelegram, console: RunningBot, browsers: list[Browser]
) -> None:
    """Tab A holds the morning's page; the staff member signs in again in the same browser
    and presses a step in tab A."""
    ref = await with_a_photo(console)
    browser = await signed_in(console, browsers)
    old = await browser.get(f"/console/a/{ref}")
    link = await asks_for_a_link(telegram, STAFF_MEMBER)
    assert (await browser.get(link)).status == 200
    pressed = await act(browser, ref, "incomplete", old,
                        fields={"input-comment": "Нет справки о доходах"})
    assert pressed.status == 403
    shown = text_of(pressed)
    assert says("console-page-old", "ru") in shown
    assert "Нет справки о доходах" in shown  # in the step's box, to press again
    assert f'action="/console/a/{ref}/act/incomplete"' in pressed.text
    assert await status_of(console) == "submitted"
    again = await browser.post(f"/console/a/{ref}/act/incomplete",
                               {"csrf": pressed.csrf, "input-comment": "Нет справки"})
    assert again.status == 303


async def test_a_reply_from_an_older_sessions_page_keeps_its_text(
    telegram: FakeTelegram, console: RunningBot, browsers: list[Browser]
) -> None:
    ref = await with_a_photo(console)
    browser = await signed_in(console, browsers)
    old = await browser.get(f"/console/a/{ref}")
    assert (await browser.get(await asks_for_a_link(telegram, STAFF_MEMBER))).status == 200
    words = "Сәлеметсіз бе, анықтаманы жіберіңіз"
    for hx in ("", "true"):
        sent = await browser.post(f"/console/a/{ref}/reply",
                                  {"csrf": old.csrf, "text": words}, hx_request=hx)
        assert sent.status == 403
        assert says("console-page-old", "ru") in text_of(sent) and words in text_of(sent)


async def test_the_language_switch_from_an_older_session_leads_back_in_words(
    telegram: FakeTelegram, console: RunningBot, browsers: list[Browser]
) -> None:
    browser = await signed_in(console, browsers)
    old = await browser.get("/console/")
    assert (await browser.get(await asks_for_a_link(telegram, STAFF_MEMBER))).status == 200
    moved = await browser.post("/console/lang", {"csrf": old.csrf, "lang": "kk",
                                                 "next": "/console/today"})
    assert moved.status == 403
    assert says("console-page-old", "ru") in text_of(moved)
    assert 'href="/console/today"' in moved.text
