"""Issue 11 over HTTP: the legal documents arrive as PDFs, to the citizen and to the staff
topic, and anyone can check one at the address printed on it."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import aiohttp
from pypdf import PdfReader
from sqlalchemy import select

from storage.db import sessions
from storage.models import IssuedPaper
from tests.fakes.telegram_api import FakeTelegram
from tests.handlers.conftest import STAFF_CHAT, RunningBot
from tests.handlers.lingo import buttons, says
from tests.handlers.test_staff_telegram import (
    NUMBER,
    apply,
    approved_as_asked,
    current,
    seen,
    staff_says,
    staff_tap,
    the_card,
)

APPLICATION = f"{NUMBER}-application-appendix-1.pdf"
PERMISSION = f"{NUMBER}-permission-appendix-4.pdf"


async def pdf_in(telegram: FakeTelegram, chat: int, name: str, nth: int = 1) -> bytes:
    """The bytes of the nth file of that name the bot sent to the chat."""
    def named(m: dict[str, Any]) -> bool:
        return (m.get("document") or {}).get("file_name") == name

    await telegram.wait_for(
        lambda _c: len([m for m in telegram.sent_messages(chat) if named(m)]) >= nth, timeout=10)
    found = [m for m in telegram.sent_messages(chat) if named(m)][nth - 1]
    return telegram.file_bytes(found["document"]["file_id"])


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


async def codes(bot: RunningBot) -> dict[str, str]:
    assert bot.app is not None
    async with sessions(bot.app.db)() as session:
        rows = (await session.scalars(select(IssuedPaper).order_by(IssuedPaper.id))).all()
    return {f"{row.kind}/{row.version}": row.code for row in rows}


async def fetch(bot: RunningBot, path: str) -> tuple[int, str]:
    assert bot.app is not None
    async with aiohttp.ClientSession() as client, client.get(bot.app.http_url + path) as response:
        return response.status, await response.text()


async def test_papers_arrive_as_pdfs_and_check_at_their_address(
    telegram: FakeTelegram, staffed: RunningBot
) -> None:
    citizen = telegram.user(id=3201)
    await apply(citizen, "ru")
    card = await the_card(telegram)
    # The application itself, to the citizen and into the staff topic.
    mine = await pdf_in(telegram, 3201, APPLICATION)
    assert await pdf_in(telegram, STAFF_CHAT, APPLICATION) == mine
    assert NUMBER in text_of(mine)

    await staff_tap(telegram, card, staff_says("staff-action-accept"))
    await staff_tap(telegram, current(telegram, card), staff_says("staff-action-approve"))
    offer = telegram.last_message(STAFF_CHAT, card["message_thread_id"])
    await staff_tap(telegram, offer, staff_says("staff-approve-as-asked", **{
        "from": "01.12.2026", "to": "31.12.2026"}))
    permission = await pdf_in(telegram, 3201, PERMISSION)
    code = (await codes(staffed))["permission-appendix-4/1"]
    assert code in text_of(permission).replace("\n", "").replace(" ", "")

    status, page = await fetch(staffed, f"/verify/{code}?lang=ru")
    assert status == 200
    assert says("issued-kind-permission-appendix-4", "ru") in page and f"{NUMBER}/2" in page
    assert says("verify-valid", "ru") in page
    assert "Иванова" not in page and "871008401427" not in page  # initials only
    assert (await fetch(staffed, f"/verify/{code[:-2]}xx"))[0] == 404
    assert (await fetch(staffed, "/verify/../../etc/passwd"))[0] == 404

    # Staff issue it again: the old code now says it was replaced.
    await staff_tap(telegram, current(telegram, card), staff_says("staff-action-reissue"))
    await pdf_in(telegram, 3201, PERMISSION, nth=2)
    status, page = await fetch(staffed, f"/verify/{code}?lang=ru")  # and which one is valid
    assert status == 200 and says("verify-replaced-by", "ru", date=date(2026, 11, 23),
                                  registry=f"{NUMBER}/3") in page

    # The citizen finds both papers again under My applications.
    await citizen.say("/start")
    listing = await citizen.press_latest(says("menu-my-applications", "ru"))
    detail = (await citizen.press(listing[-1], says("apps-open", "ru", number=NUMBER)))[-1]
    assert says("apps-filed", "ru") in buttons(detail)
    replies = await citizen.press(detail, says("apps-papers", "ru"))
    names = [m["document"]["file_name"] for m in replies if m.get("document")]
    assert names == [APPLICATION, PERMISSION]
    assert replies[-1]["text"] == says("apps-papers-sent", "ru", number=NUMBER, count=2)
    filed = await citizen.press(replies[-1], says("apps-back", "ru"))
    filed = await citizen.press(filed[-1], says("apps-filed", "ru"))
    assert filed[0]["text"].startswith(says("apps-filed-title", "ru", number=NUMBER))
    assert "871008401427" in filed[0]["text"]  # the owner sees all they filed
    assert [m["document"]["file_name"] for m in filed if m.get("document")] == [APPLICATION]
    await seen(telegram, STAFF_CHAT, lambda m: (m.get("document") or {}).get(
        "file_name") == PERMISSION)


async def test_a_paper_issued_again_says_which_one_it_replaces(
    telegram: FakeTelegram, staffed: RunningBot
) -> None:
    """Two permissions in the chat must not read as two permits: the second names the first
    as no longer valid."""
    citizen = telegram.user(id=4023)
    card = await approved_as_asked(telegram, citizen, "kk")
    paper = says("issued-kind-permission-appendix-4", "kk")
    first = await seen(telegram, 4023, lambda m: (m.get("caption") or "").startswith(
        says("issued-citizen", "kk", number=NUMBER, paper=paper, registry=f"{NUMBER}/2")))
    await staff_tap(telegram, current(telegram, card), staff_says("staff-action-reissue"))
    again = says("issued-citizen-replaces", "kk", number=NUMBER, paper=paper,
                 registry=f"{NUMBER}/3", replaced=f"{NUMBER}/2")
    await seen(telegram, 4023, lambda m: m.get("caption") == again
               and m["message_id"] != first["message_id"])
