"""A real headless Chromium for the browser tests: Debian's `chromium` and `chromedriver`,
driven with Selenium (no browser can be downloaded here; `python3 tasks.py test` installs
Debian's packages when they are missing and it may).

Selenium's calls block, and the pages come from the bot's own server in this test's event
loop: `Browser` runs every call in a thread so the server goes on answering meanwhile.

When Chromium cannot start, every browser test fails with one line saying why: a suite that
skipped them would pass while the console is broken.
"""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"  # kept after the run, for a person to look at
CHROMIUM = ("chromium", "chromium-browser")
DRIVER = "chromedriver"
WIDTH, HEIGHT = 1280, 900

_not_started: list[str] = []


class Browser:
    """One Chromium window, used the way a person uses it: open, read, type, click."""

    def __init__(self, driver: Any) -> None:
        self.driver = driver

    async def _run(self, call: Any, *args: Any) -> Any:
        return await asyncio.to_thread(call, *args)

    async def open(self, url: str) -> None:
        await self._run(self.driver.get, url)

    @property
    def url(self) -> str:
        return str(self.driver.current_url)

    async def text(self, css: str = "body") -> str:
        from selenium.webdriver.common.by import By

        return str(await self._run(lambda: self.driver.find_element(By.CSS_SELECTOR, css).text))

    async def count(self, css: str) -> int:
        from selenium.webdriver.common.by import By

        return len(await self._run(self.driver.find_elements, By.CSS_SELECTOR, css))

    async def click(self, css: str) -> None:
        from selenium.webdriver.common.by import By

        await self._run(lambda: self.driver.find_element(By.CSS_SELECTOR, css).click())

    async def fill(self, css: str, value: str) -> None:
        await self.type(css, value, clear=True)

    async def type(self, css: str, value: str, *, clear: bool = False) -> None:
        """Keys pressed in a field, after what it holds unless `clear`."""
        from selenium.webdriver.common.by import By

        def typed() -> None:
            field = self.driver.find_element(By.CSS_SELECTOR, css)
            if clear:
                field.clear()
            field.send_keys(value)

        await self._run(typed)

    async def value(self, css: str) -> str:
        from selenium.webdriver.common.by import By

        found: str = await self._run(lambda: self.driver.find_element(
            By.CSS_SELECTOR, css).get_property("value"))
        return found

    async def choose(self, css: str, visible_text: str) -> None:
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support.ui import Select

        await self._run(lambda: Select(self.driver.find_element(By.CSS_SELECTOR, css))
                        .select_by_visible_text(visible_text))

    async def wait_for_text(self, text: str, css: str = "body", timeout: float = 10.0) -> None:
        """Until the element shows that text (a page htmx updates in place)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while text not in (shown := await self._text_if_there(css)):
            if loop.time() > deadline:
                raise AssertionError(f"{text!r} never appeared in {css}: {shown[:500]}")
            await asyncio.sleep(0.1)

    async def wait_until_gone(self, css: str, timeout: float = 10.0) -> None:
        """Until no element matches (htmx swaps the answer in after the server has acted)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while (left := await self.count(css)) > 0:
            if loop.time() > deadline:
                raise AssertionError(f"{left} of {css} still on the page")
            await asyncio.sleep(0.1)

    async def _text_if_there(self, css: str) -> str:
        """The element's text, or "" while the page it is on is still loading."""
        from selenium.common.exceptions import WebDriverException

        try:
            return await self.text(css)
        except WebDriverException:  # not there yet, or gone with the page that had it
            return ""

    async def screenshot(self, name: str) -> Path:
        """The whole page, top to bottom, for a person to look at."""
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"

        def whole_page() -> None:
            height = int(self.driver.execute_script(
                "return document.documentElement.scrollHeight"))
            self.driver.set_window_size(WIDTH, min(max(height, HEIGHT), 8000))
            try:
                self.driver.save_screenshot(str(path))
            finally:
                self.driver.set_window_size(WIDTH, HEIGHT)

        await self._run(whole_page)
        return path

    async def forget_cookies(self) -> None:
        await self._run(self.driver.delete_all_cookies)


def _start() -> Any:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    binary = next(filter(None, (shutil.which(name) for name in CHROMIUM)), None)
    driver = shutil.which(DRIVER)
    if binary is None or driver is None:
        raise RuntimeError("Chromium or chromedriver is not installed (Debian: apt-get install "
                           "chromium chromium-driver; `python3 tasks.py test` does it as root)")
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                 f"--window-size={WIDTH},{HEIGHT}", "--lang=ru"):
        options.add_argument(flag)
    return webdriver.Chrome(options=options, service=Service(driver))


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    if _not_started:
        pytest.fail(_not_started[0], pytrace=False)
    try:
        driver = _start()
    except Exception as error:  # one line, then every browser test fails with it
        _not_started.append(f"Chromium did not start: {error}".splitlines()[0])
        pytest.fail(_not_started[0], pytrace=False)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
async def browser(chromium: Any) -> AsyncIterator[Browser]:
    window = Browser(chromium)
    await window.forget_cookies()  # every test signs in on its own
    yield window


# The running bot and its fake Telegram, as the end-to-end tests have them.
from tests.console.conftest import console  # noqa: E402, F401
from tests.handlers.conftest import staffed, telegram  # noqa: E402, F401
