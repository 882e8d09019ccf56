"""Issue 13 on WhatsApp: /mydata arrives as a document WhatsApp accepts, /forget asks with
reply buttons that fit and erases what may be erased now; a closed case goes at once, with
the words of every message about it."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import select

from storage.db import sessions
from storage.models import Application, Conversation, OutboxMessage, Person
from tests.fakes.telegram_api import FakeTelegram
from tests.fakes.whatsapp_api import FakeWhatsApp, WhatsAppPerson
from tests.handlers.conftest import RunningBot
from tests.handlers.lingo import says
from tests.handlers.test_privacy import delivered, the_application
from tests.handlers.test_staff_telegram import current, staff_says, staff_tap, the_card
from tests.handlers.test_whatsapp import IIN, NUMBER, fill_to_summary, person, pick, texts

# Meta's supported document types (WhatsApp Cloud API, "Supported media types"): anything
# else is refused at upload.
DOCUMENT_TYPES = {
    "text/plain", "application/pdf", "application/msword", "application/vnd.ms-excel",
    "application/vnd.ms-powerpoint",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
BUTTON_TITLE, MAX_BUTTONS = 20, 3  # reply buttons (interactive messages reference)


async def my_data(graph: FakeWhatsApp, who: WhatsAppPerson, lang: str) -> dict[str, Any]:
    shown = await who.say("/mydata")
    assert says("privacy-mydata-sent", lang) in texts(shown)
    [document] = [m["document"] for m in shown if m["type"] == "document"  # (the outbox
                  and m["document"]["filename"] == "mydata.json"]  # may send a PDF meanwhile)
    assert graph.media_store[document["id"]].mime_type in DOCUMENT_TYPES
    data: dict[str, Any] = json.loads(graph.media_bytes(document["id"]))
    return data


async def asked_to_forget(who: WhatsAppPerson, lang: str) -> list[dict[str, Any]]:
    shown = await who.say("/forget")
    [question] = [m for m in shown if m["type"] == "interactive"]
    assert question["interactive"]["type"] == "button"
    assert question["interactive"]["body"]["text"] == says("privacy-forget-confirm", lang)
    titles = [b["reply"]["title"] for b in question["interactive"]["action"]["buttons"]]
    assert titles == [says("privacy-forget-yes", lang), says("privacy-forget-no", lang)]
    assert len(titles) <= MAX_BUTTONS and all(len(title) <= BUTTON_TITLE for title in titles)
    return shown


async def the_flow(bot: RunningBot) -> str | None:
    assert bot.app is not None
    async with sessions(bot.app.db)() as session:
        return await session.scalar(select(Conversation.flow).join(
            Person, Person.id == Conversation.person_id).where(Person.channel == "whatsapp"))


@pytest.mark.parametrize("lang", ["kk", "ru"])
async def test_on_whatsapp_my_data_is_a_document_and_forget_keeps_the_case_under_review(
    graph: FakeWhatsApp, on_whatsapp: RunningBot, lang: str
) -> None:
    who = person(graph, on_whatsapp)
    await pick(who, await fill_to_summary(who, lang), says("summary-submit", lang))

    data = await my_data(graph, who, lang)
    assert data["person"]["id"] == "77011234567"
    [application] = data["applications"]
    assert application["number"] == NUMBER and application["applicant"]["iin"] == IIN
    assert [child["first_name"] for child in application["children"]] == ["Нұрлан"]
    assert {document["kind"] for document in application["documents"]} >= {
        "id_document", "court_decision"}

    # A new draft is begun, then the citizen asks to be forgotten.
    await pick(who, await who.say("/start"), says("menu-visit", lang))
    assert await the_flow(on_whatsapp) == "visit"
    shown = await pick(who, await asked_to_forget(who, lang), says("privacy-forget-yes", lang))
    assert says("privacy-forget-done", lang, drafts=1, closed=0) in texts(shown)
    assert says("privacy-forget-open-kept", lang, count=1, numbers=NUMBER) in texts(shown)
    assert await the_flow(on_whatsapp) is None
    kept = await the_application(on_whatsapp)
    assert kept.applicant_iin == IIN and kept.status == "submitted"
    assert (await my_data(graph, who, lang))["conversation"]["answers"] == {}
    graph.assert_no_rejections()


async def test_on_whatsapp_forget_can_be_declined(
    graph: FakeWhatsApp, on_whatsapp: RunningBot
) -> None:
    who = person(graph, on_whatsapp)
    shown = await pick(who, await who.say("/start"), "Русский")
    await pick(who, shown, says("menu-visit", "ru"))
    shown = await pick(who, await asked_to_forget(who, "ru"), says("privacy-forget-no", "ru"))
    assert says("privacy-forget-kept-all", "ru") in texts(shown)
    assert await the_flow(on_whatsapp) == "visit"
    graph.assert_no_rejections()


async def test_on_whatsapp_forget_erases_a_closed_case_and_the_words_of_its_messages(
    telegram: FakeTelegram, graph: FakeWhatsApp, on_both: RunningBot
) -> None:
    who = person(graph, on_both)
    await pick(who, await fill_to_summary(who, "kk"), says("summary-submit", "kk"))
    card = await the_card(telegram)
    await staff_tap(telegram, card, staff_says("staff-action-accept"))
    await staff_tap(telegram, current(telegram, card), staff_says("staff-action-approve"))
    offer = telegram.last_message(card["chat"]["id"], card["message_thread_id"])
    await staff_tap(telegram, offer, staff_says("staff-approve-as-asked", **{
        "from": "01.12.2026", "to": "31.12.2026"}))
    await delivered(on_both)
    assert (await the_application(on_both)).status == "approved"

    shown = await pick(who, await asked_to_forget(who, "kk"), says("privacy-forget-yes", "kk"))
    assert says("privacy-forget-done", "kk", drafts=0, closed=1) in texts(shown)
    erased = await the_application(on_both)
    assert (erased.number, erased.status) == (NUMBER, "approved")
    assert erased.applicant_iin == "" and erased.applicant_phone == ""
    assert on_both.app is not None
    async with sessions(on_both.app.db)() as session:
        payloads = list(await session.scalars(select(OutboxMessage.payload).where(
            OutboxMessage.application_id == erased.id)))
        assert await session.scalar(select(Application.applicant_surname)) == ""
    assert payloads and all(payload == {} for payload in payloads)
    assert IIN not in json.dumps(await my_data(graph, who, "kk"), ensure_ascii=False)
    graph.assert_no_rejections()
