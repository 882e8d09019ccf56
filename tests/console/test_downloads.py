"""Issue 17: a document downloads under a name the staff member's computer can open."""

from __future__ import annotations

import re
from urllib.parse import quote

from bot.app import file_store
from tests.console.conftest import Browser, signed_in, submitted
from tests.console.test_application import application_id
from tests.fakes.telegram_api import FakeTelegram
from tests.handlers.conftest import RunningBot

HEIC = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 64


async def test_an_iphone_photo_downloads_with_the_heic_extension(
    telegram: FakeTelegram, console: RunningBot, browsers: list[Browser]
) -> None:
    stored = await file_store(console.settings).save(HEIC, "image/heic")
    await submitted(console, id_document=[{"sha256": stored.sha256, "mime": stored.mime,
                                           "size": stored.size, "name": "IMG_0001.HEIC"}])
    ref = await application_id(console)
    browser = await signed_in(console, browsers)
    page = await browser.get(f"/console/a/{ref}")
    link = re.search(r'href="(/console/a/\d+/doc/\d+)"', page.text)
    assert link is not None
    status, body, headers = await browser.raw(link.group(1))
    assert status == 200 and body == HEIC
    # Named with its extension, the application's Cyrillic number as RFC 6266 says (a raw
    # "ВП" in a header is read as Latin-1 by some browsers), an ASCII name beside it.
    disposition = headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="') and disposition.isascii()
    wanted = "ВП-2026-00001-id_document-1.heic"
    assert disposition.endswith(f"; filename*=UTF-8''{quote(wanted)}"), disposition
