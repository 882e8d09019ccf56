"""Issue 17, "Done when": a specialist's working day in the web console, in a real headless
Chromium, against the whole running bot (its HTTP server, SQLite, the fake Telegram).

Three visit applications wait: one overdue, one due today, one due tomorrow. The specialist
signs in with the link the bot sends, filters to what is due today, opens it, looks at the
identity document, accepts it and approves it for the period asked; the citizen receives the
permission in Telegram. A reply typed in the console reaches the citizen, and what the citizen
writes back appears on the open page by itself. A second use of the
link fails, a viewer sees no step to take, and an idle session goes back to sign-in. The list
and the application page are photographed in Kazakh and Russian (artifacts/screenshots/).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from PIL import Image

from bot.app import file_store
from flows.calendar import KZ_TZ
from tests.browser.conftest import Browser
from tests.console.conftest import CITIZEN, VIEWER, asks_for_a_link, submitted
from tests.console.test_application import application_id, status_of
from tests.fakes.telegram_api import FakeTelegram
from tests.handlers.conftest import STAFF_MEMBER, RunningBot
from tests.handlers.lingo import says
from tests.handlers.test_staff_telegram import first_line

OVERDUE, TODAY, TOMORROW = "ВП-2026-00001", "ВП-2026-00002", "ВП-2026-00003"
TUESDAY = datetime(2026, 11, 24, 9, 30, tzinfo=KZ_TZ)


def photo() -> bytes:
    """A real photograph-like JPEG, so the page shows an image (not a broken one)."""
    image = Image.new("RGB", (480, 320), (222, 233, 244))
    for x in range(40, 440):
        for y in range(60, 90):
            image.putpixel((x, y), (40, 60, 120))
    out = io.BytesIO()
    image.save(out, "JPEG")
    return out.getvalue()


async def three_applications(bot: RunningBot) -> None:
    """Filed on Friday, Monday and Tuesday: on Tuesday the check of the first was due
    yesterday, the second's is due today, the third's tomorrow (1 working day, 004 p. 7)."""
    stored = await file_store(bot.settings).save(photo(), "image/jpeg")
    document = [{"sha256": stored.sha256, "mime": stored.mime, "size": stored.size,
                 "name": "id.jpg"}]
    for n, at in enumerate((datetime(2026, 11, 20, 15, 0, tzinfo=KZ_TZ),
                            datetime(2026, 11, 23, 11, 0, tzinfo=KZ_TZ),
                            datetime(2026, 11, 24, 9, 0, tzinfo=KZ_TZ))):
        await submitted(bot, at, draft=f"d-{n}", id_document=document)


async def sign_in(bot: RunningBot, browser: Browser, user_id: int) -> str:
    """Sends /console to the bot as that staff member and opens the link; its address."""
    assert bot.app is not None
    link = bot.app.http_url + await asks_for_a_link(bot.telegram, user_id)
    await browser.open(link)
    await browser.wait_for_text(says("console-list-title", "ru"), "h1")  # on to the list
    return link


async def rows(browser: Browser) -> dict[str, str]:
    """The list's rows: number -> its mark (overdue, due-today or nothing)."""
    found: dict[str, str] = await browser._run(lambda: {
        row.get_attribute("data-number"): row.get_attribute("data-mark") or ""
        for row in browser.driver.find_elements("css selector", "tr[data-test=row]")})
    return found


async def arrives(telegram: FakeTelegram, predicate: Callable[[dict[str, Any]], bool]) -> None:
    """A message to the citizen that matches, within a minute."""
    await telegram.wait_for(lambda _call: any(
        predicate(m) for m in telegram.sent_messages(CITIZEN)), timeout=60)


async def background(browser: Browser, css: str) -> tuple[int, ...]:
    """A row's background as drawn: (red, green, blue)."""
    colour: str = await browser._run(lambda: browser.driver.find_element(
        "css selector", css).value_of_css_property("background-color"))
    inside = colour[colour.index("(") + 1:colour.index(")")]
    return tuple(int(float(part)) for part in inside.split(",")[:3])


def reddish(rgb: tuple[int, ...]) -> bool:
    red, green, blue = rgb
    return red > 200 and green < red - 15 and blue < red - 15 and abs(green - blue) < 30


def amber(rgb: tuple[int, ...]) -> bool:
    red, green, blue = rgb
    return red > 200 and red >= green > 180 and blue < green - 25


@pytest.mark.timeout(240)
async def test_a_working_day_in_the_console(
    telegram: FakeTelegram, console: RunningBot, browser: Browser
) -> None:
    await three_applications(console)
    console.advance_to(TUESDAY)
    link = await sign_in(console, browser, STAFF_MEMBER)
    assert await rows(browser) == {OVERDUE: "overdue", TODAY: "due-today", TOMORROW: ""}
    overdue, due, later = [await background(browser, f"tr[data-number='{number}']")
                           for number in (OVERDUE, TODAY, TOMORROW)]
    assert reddish(overdue) and amber(due) and not reddish(later) and not amber(later)
    await browser.screenshot("console-list-ru")

    # The link was used: opened again (another browser, a forwarded message), it fails.
    await browser.forget_cookies()
    await browser.open(link)
    assert await browser.count("#signin-failed") == 1
    await sign_in(console, browser, STAFF_MEMBER)

    # What is due today, and the application itself.
    await browser.choose("#filter-due", says("console-due-today", "ru"))
    await browser.click("#apply-filters")
    await browser.wait_for_text(says("console-total", "ru", count=1), "#total")
    assert await rows(browser) == {TODAY: "due-today"}
    await browser.click(f"tr[data-number='{TODAY}'] a[data-test=open]")
    await browser.wait_for_text(TODAY, "#number")
    shown = await browser._run(lambda: browser.driver.execute_script(
        "const i = document.querySelector('figure[data-test=document] img');"
        "return i && i.complete ? i.naturalWidth : 0;"))
    assert shown == 480  # the photo of the identity document, opened inline
    await browser.screenshot("console-application-ru")
    await browser.click("#lang-kk")
    await browser.wait_for_text(says("console-card-title", "kk"), "#card")
    await browser.screenshot("console-application-kk")
    await browser.click("#nav-list")
    await browser.wait_for_text(says("console-list-title", "kk"), "h1")
    await browser.screenshot("console-list-kk")
    await browser.click("#lang-ru")
    await browser.wait_for_text(says("console-list-title", "ru"), "h1")

    # Accept, then approve for the period asked: the citizen gets the permission.
    ref = await application_id(console, TODAY)
    assert console.app is not None
    await browser.open(f"{console.app.http_url}/console/a/{ref}")
    await browser.click("#confirm-accept")
    await browser.wait_for_text(says("status-under-review", "ru"), "#status")
    await browser.click("#offer-approve")
    await browser.wait_for_text(says("status-approved", "ru"), "#status")
    assert await status_of(console, TODAY) == "approved"
    # (the citizen's chat takes a message a second, and three applications' papers queue)
    approved = first_line("notify-approved", "kk").replace("ВП-2026-00001", TODAY)
    await arrives(telegram, lambda m: m.get("text", "").startswith(approved))
    await arrives(telegram, lambda m: (m.get("document") or {}).get("file_name")
                  == f"{TODAY}-permission-appendix-4.pdf")
    await browser.wait_for_text(says("issued-kind-permission-appendix-4", "ru"), "#papers")

    # A reply from the console reaches the citizen.
    answer = "Разрешение готово, его можно распечатать."
    await browser.fill("#reply-text", answer)
    await browser.click("#reply-send")
    await arrives(telegram, lambda m: answer in m.get("text", ""))

    # The citizen writes to a specialist: the open page shows it by itself (htmx polls).
    citizen = telegram.user(id=CITIZEN)
    await citizen.say("/start")
    await citizen.press_latest("Қазақша")
    await citizen.press_latest(says("menu-specialist", "kk"))
    words = "Рақмет! Рұқсатты қайдан алуға болады?"
    await citizen.say(words)
    await browser.wait_for_text(words, "#messages", timeout=20)
    await browser.screenshot("console-application-ru-after")

    # An idle half hour: back to sign-in.
    console.advance_to(TUESDAY + timedelta(minutes=45))
    await browser.open(f"{console.app.http_url}/console/a/{ref}")
    assert await browser.count("#signin-expired") == 1

    # A viewer sees the application and no step to take.
    await browser.forget_cookies()
    await sign_in(console, browser, VIEWER)
    later_ref = await application_id(console, TOMORROW)
    await browser.open(f"{console.app.http_url}/console/a/{later_ref}")
    await browser.wait_for_text(TOMORROW, "#number")
    assert await browser.count("form[data-test=action]") == 0
    assert await browser.count("#reply") == 0
