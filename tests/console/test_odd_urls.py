"""Issue 17: URLs typed or mangled by hand answer "not found", never a server error."""

from __future__ import annotations

from tests.console.conftest import Browser, signed_in
from tests.console.test_application import text_of, with_a_photo
from tests.fakes.telegram_api import FakeTelegram
from tests.handlers.conftest import RunningBot
from tests.handlers.lingo import says


async def test_unicode_digits_in_an_id_are_not_found_and_in_a_page_number_page_one(
    telegram: FakeTelegram, console: RunningBot, browsers: list[Browser]
) -> None:
    ref = await with_a_photo(console)
    browser = await signed_in(console, browsers)
    for path in ("/console/a/%C2%B2", "/console/a/%D9%A3", f"/console/a/{ref}/doc/%C2%B2",
                 f"/console/a/{ref}/paper/%C2%B9", f"/console/a/{ref}/chat/".rstrip("/")
                 .replace(str(ref), "%C2%B2")):
        page = await browser.get(path)
        assert page.status == 404, f"{path}: {page.status}"
        assert says("console-not-found", "ru") in text_of(page)
    listing = await browser.get("/console/?page=%C2%B2")
    assert listing.status == 200
    assert 'data-page="1"' in listing.text
