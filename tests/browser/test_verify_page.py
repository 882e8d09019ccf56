"""An inspector opens the address printed under a paper's QR code in a real browser: the
page shows, in Kazakh or Russian, which paper it is, its number, and that it is genuine."""

from __future__ import annotations

from tests.browser.conftest import Browser
from tests.fakes.telegram_api import FakeTelegram
from tests.handlers.conftest import RunningBot
from tests.handlers.lingo import says
from tests.handlers.test_papers_telegram import APPLICATION, codes, pdf_in
from tests.handlers.test_staff_telegram import NUMBER, apply


async def test_a_papers_verification_page_reads_in_kazakh_and_russian(
    telegram: FakeTelegram, staffed: RunningBot, browser: Browser
) -> None:
    await apply(telegram.user(id=3301), "kk")
    await pdf_in(telegram, 3301, APPLICATION)
    code = (await codes(staffed))["application-appendix-1/1"]
    assert staffed.app is not None
    for lang in ("kk", "ru"):
        await browser.open(f"{staffed.app.http_url}/verify/{code}?lang={lang}")
        page = await browser.text()
        assert says("issued-kind-application-appendix-1", lang) in page
        assert NUMBER in page and says("verify-valid", lang) in page
        assert "Иванова" not in page  # initials only
        await browser.screenshot(f"verify-{lang}")

    await browser.open(f"{staffed.app.http_url}/verify/{code[:-2]}xx?lang=ru")
    assert says("verify-valid", "ru") not in await browser.text()
