"""Issue 13 over HTTP: a citizen gets everything stored about them (/mydata) and erases
what may be erased now (/forget); an application still under review is kept, and they are
told why."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from sqlalchemy import func, select

from storage.db import sessions
from storage.models import (
    Application,
    ApplicationChild,
    Consent,
    Conversation,
    Document,
    OutboxMessage,
)
from tests.fakes.telegram_api import FakeTelegram, FakeUser
from tests.handlers.conftest import RunningBot
from tests.handlers.lingo import buttons, says
from tests.handlers.test_staff_telegram import (
    NUMBER,
    apply,
    current,
    staff_says,
    staff_tap,
    the_card,
)
from tests.handlers.test_visit_telegram import IIN, open_visit


async def my_data(telegram: FakeTelegram, person: FakeUser, lang: str) -> dict[str, Any]:
    replies = await person.say("/mydata")  # (the outbox may deliver a notice meanwhile)
    assert says("privacy-mydata-sent", lang) in [m.get("text") for m in replies]
    sent = [m for m in replies if (m.get("document") or {}).get("file_name") == "mydata.json"]
    assert len(sent) == 1
    data: dict[str, Any] = json.loads(telegram.file_bytes(sent[0]["document"]["file_id"]))
    return data


async def forgets(person: FakeUser, lang: str) -> list[dict[str, Any]]:
    question = next(m for m in await person.say("/forget")
                    if m.get("text") == says("privacy-forget-confirm", lang))
    assert buttons(question) == [says("privacy-forget-yes", lang), says("privacy-forget-no", lang)]
    return await person.press(question, says("privacy-forget-yes", lang))


async def delivered(bot: RunningBot) -> None:
    assert bot.app is not None
    for _ in range(500):
        async with sessions(bot.app.db)() as session:
            if not await session.scalar(select(func.count()).select_from(OutboxMessage).where(
                    OutboxMessage.status.in_(("pending", "sending")))):
                return
        await asyncio.sleep(0.02)
    raise AssertionError("the outbox did not drain")


async def the_application(bot: RunningBot) -> Application:
    assert bot.app is not None
    async with sessions(bot.app.db)() as session:
        found = await session.scalar(select(Application).where(Application.number == NUMBER))
        assert found is not None
        return found


@pytest.mark.parametrize("lang", ["kk", "ru"])
async def test_my_data_then_forget_keeps_the_case_under_review_and_says_why(
    telegram: FakeTelegram, running: RunningBot, lang: str
) -> None:
    citizen = telegram.user(id=6101, first_name="Айгүл")
    await apply(citizen, lang)

    data = await my_data(telegram, citizen, lang)
    [application] = data["applications"]
    assert application["number"] == NUMBER and application["applicant"]["iin"] == IIN
    assert [child["first_name"] for child in application["children"]] == ["Нұрлан", "Дана"]
    assert says("ask-consent", lang) in application["consent"]["text"]
    assert [status["status"] for status in application["statuses"]] == ["submitted"]
    kinds = {document["kind"] for document in application["documents"]}
    assert kinds >= {"id_document", "court_decision"}

    # A new draft is begun, then the citizen asks to be forgotten.
    menu = (await citizen.say("/start"))[-1]
    await citizen.press(menu, says("menu-visit", lang))
    replies = await forgets(citizen, lang)
    texts = [m["text"] for m in replies if "text" in m]  # not the PDF the outbox may send meanwhile
    assert says("privacy-forget-done", lang, drafts=1, closed=0) in texts
    assert says("privacy-forget-open-kept", lang, count=1, numbers=NUMBER) in texts
    assert says("menu-visit", lang) in buttons(replies[-1])

    kept = await the_application(running)
    assert kept.applicant_iin == IIN and kept.status == "submitted"
    assert running.app is not None
    async with sessions(running.app.db)() as session:
        assert await session.scalar(select(Conversation.flow)) is None
    assert (await my_data(telegram, citizen, lang))["conversation"]["answers"] == {}


async def test_forget_can_be_declined(telegram: FakeTelegram, running: RunningBot) -> None:
    citizen = telegram.user(id=6102)
    await open_visit(citizen, "ru")
    question = (await citizen.say("/forget"))[-1]
    replies = await citizen.press(question, says("privacy-forget-no", "ru"))
    assert replies[0]["text"] == says("privacy-forget-kept-all", "ru")
    assert running.app is not None
    async with sessions(running.app.db)() as session:
        assert await session.scalar(select(Conversation.flow)) == "visit"


async def test_forget_erases_a_closed_case_at_once_and_keeps_its_statistics_row(
    telegram: FakeTelegram, staffed: RunningBot
) -> None:
    citizen = telegram.user(id=6103)
    await apply(citizen, "kk")
    card = await the_card(telegram)
    await staff_tap(telegram, card, staff_says("staff-action-accept"))
    await staff_tap(telegram, current(telegram, card), staff_says("staff-action-approve"))
    offer = telegram.last_message(card["chat"]["id"], card["message_thread_id"])
    await staff_tap(telegram, offer, staff_says("staff-approve-as-asked", **{
        "from": "01.12.2026", "to": "31.12.2026"}))
    assert (await the_application(staffed)).status == "approved"
    await delivered(staffed)  # a file a message still has to carry is kept until it is sent
    files = staffed.folder / "files"
    assert any(files.iterdir())

    replies = await forgets(citizen, "kk")
    done = says("privacy-forget-done", "kk", drafts=0, closed=1)
    assert done in [m.get("text") for m in replies]
    erased = await the_application(staffed)
    assert (erased.number, erased.service, erased.status) == (NUMBER, "visit", "approved")
    assert erased.applicant_iin == "" and erased.applicant_surname == ""
    assert erased.applicant_phone == "" and erased.applicant_address == ""
    assert IIN not in json.dumps(erased.answers, ensure_ascii=False)
    assert staffed.app is not None
    async with sessions(staffed.app.db)() as session:
        assert await session.scalar(select(func.count()).select_from(ApplicationChild)) == 0
        assert await session.scalar(select(Consent.text)) == ""
        assert set(await session.scalars(select(Document.sha256))) == {""}
    assert not [path for path in files.iterdir() if not path.name.endswith(".part")]
    data = await my_data(telegram, citizen, "kk")
    assert IIN not in json.dumps(data, ensure_ascii=False)
