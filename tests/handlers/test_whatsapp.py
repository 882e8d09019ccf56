"""Issue 5 over HTTP: the same flows through signed WhatsApp webhooks and a fake Graph API."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from bot.app import file_store
from storage.db import sessions
from storage.models import Application, OutboxMessage, Person
from storage.staff import StaffDesk
from tests.fakes.telegram_api import FakeTelegram
from tests.fakes.whatsapp_api import FakeWhatsApp, FakeWhatsAppUser, WhatsAppPerson
from tests.flows.documents import EXE, PDF
from tests.handlers.conftest import APP_SECRET, STAFF_CHAT, STAFF_MEMBER, TEMPLATE, RunningBot
from tests.handlers.lingo import says

IIN = "871008401427"
NUMBER = "ВП-2026-00001"


def person(graph: FakeWhatsApp, bot: RunningBot, wa_id: str = "77011234567",
           **extra: Any) -> WhatsAppPerson:
    user = graph.user(wa_id=wa_id, name="Айгүл", **extra)
    return WhatsAppPerson(graph, user, bot.webhook_url, APP_SECRET, bot.settle)


def options(messages: list[dict[str, Any]]) -> dict[str, tuple[str, str]]:
    """Every button and list row in these messages: title -> (kind, id)."""
    found: dict[str, tuple[str, str]] = {}
    for message in messages:
        interactive = message.get("interactive")
        if not interactive:
            continue
        if interactive["type"] == "button":
            for b in interactive["action"]["buttons"]:
                found[b["reply"]["title"]] = ("button", b["reply"]["id"])
        else:
            for section in interactive["action"]["sections"]:
                for row in section["rows"]:
                    found[row["title"]] = ("list", row["id"])
                    if "description" in row:
                        found[row["description"]] = ("list", row["id"])
    return found


async def pick(who: WhatsAppPerson, shown: list[dict[str, Any]],
               title: str) -> list[dict[str, Any]]:
    """Tap a button or a row among what the bot just sent (lists may come in pages)."""
    found = options(shown)
    assert title in found, f"no {title!r} among {sorted(found)}"
    kind, choice_id = found[title]
    user: FakeWhatsAppUser = who.user
    payload = (user.button_reply(choice_id, title) if kind == "button"
               else user.list_reply(choice_id, title))
    return await who.send(payload)


def texts(messages: list[dict[str, Any]]) -> str:
    parts = []
    for m in messages:
        if m["type"] == "text":
            parts.append(m["text"]["body"])
        elif m["type"] == "interactive":
            parts.append(m["interactive"]["body"]["text"])
    return "\n".join(parts)


async def fill_to_summary(who: WhatsAppPerson, lang: str) -> list[dict[str, Any]]:
    shown = await who.say("/start")
    label = {"kk": "Қазақша", "ru": "Русский"}[lang]
    shown = await pick(who, shown, label)
    shown = await pick(who, shown, says("menu-visit", lang))
    shown = await pick(who, shown, says("region-kostanay", lang))
    shown = await pick(who, shown, says("body-kst-rudny-short", lang))
    shown = await pick(who, shown, says("rights-deprived-short", lang))
    await who.say("Иванова")
    shown = await who.say("Айгүл")
    shown = await pick(who, shown, says("nav-skip", lang))
    await who.say(IIN)
    await who.say("Рудный қ., Ленин көшесі, 1-үй")
    shown = await who.send(who.user.contacts(phone="+7 701 123 45 67"))
    shown = await pick(who, shown, says("residence-patronage-short", lang))
    await who.say("Иванов")
    shown = await who.say("Нұрлан")
    shown = await pick(who, shown, says("nav-skip", lang))
    shown = await who.say("05.09.2015")
    shown = await pick(who, shown, says("group-more-no", lang))
    await who.say("01.12.2026")
    shown = await who.say("31.12.2026")
    shown = await pick(who, shown, says("consent-yes", lang))
    assert says("ask-document-identity", lang) in texts(shown)
    shown = await who.send_document(EXE, "passport.pdf", "application/pdf")
    assert says("error-file-type", lang) in texts(shown)
    shown = await who.send_document(PDF, "passport.pdf", "application/pdf")
    shown = await pick(who, shown, says("files-done", lang))
    assert says("ask-document-court-decision", lang) in texts(shown)
    shown = await who.send_document(PDF + b"court", "court.pdf", "application/pdf")
    shown = await pick(who, shown, says("files-done", lang))
    return await pick(who, shown, says("files-none", lang))


async def test_a_parent_applies_on_whatsapp_exactly_as_on_telegram(
    graph: FakeWhatsApp, on_whatsapp: RunningBot
) -> None:
    who = person(graph, on_whatsapp)
    summary = await fill_to_summary(who, "kk")
    assert "Иванова Айгүл" in texts(summary) and "+77011234567" in texts(summary)
    shown = await pick(who, summary, says("summary-submit", "kk"))
    assert says("submitted", "kk", number=NUMBER, registered="23.11.2026", check="24.11.2026",
                decision="30.11.2026") in texts(shown)
    graph.assert_no_rejections()

    assert on_whatsapp.app is not None
    async with sessions(on_whatsapp.app.db)() as session:
        application = await session.scalar(select(Application).options(
            selectinload(Application.children), selectinload(Application.documents)))
        owner = await session.get(Person, application.person_id) if application else None
    assert application is not None and owner is not None
    assert (owner.channel, owner.external_id) == ("whatsapp", "77011234567")
    assert application.body_code == "kst-rudny" and application.applicant_iin == IIN
    assert application.applicant_phone == "+77011234567"
    assert application.child_residence == "patronage"
    assert [(c.first_name, c.birth_date.isoformat()) for c in application.children] == [
        ("Нұрлан", "2015-09-05")]
    assert [(d.kind, d.mime) for d in application.documents] == [
        ("id_document", "application/pdf"), ("court_decision", "application/pdf")]
    assert await file_store(on_whatsapp.settings).read(application.documents[0].sha256)


async def test_unsigned_and_wrongly_signed_posts_change_nothing(
    graph: FakeWhatsApp, on_whatsapp: RunningBot
) -> None:
    user = graph.user(wa_id="77019998877", name="X")
    url = on_whatsapp.webhook_url
    assert await graph.post_webhook(url, user.text("/start"), APP_SECRET,
                                    signature="omit") == 401
    assert await graph.post_webhook(url, user.text("/start"), APP_SECRET,
                                    signature="sha256=" + "0" * 64) == 403
    assert await graph.post_webhook(url, user.text("/start"), "another-secret") == 403
    await on_whatsapp.settle()
    assert graph.sent() == []
    assert on_whatsapp.app is not None
    async with sessions(on_whatsapp.app.db)() as session:
        assert (await session.scalars(select(Person))).all() == []


async def test_verification_answers_only_the_right_token(
    graph: FakeWhatsApp, on_whatsapp: RunningBot
) -> None:
    import aiohttp

    async with aiohttp.ClientSession() as client:
        query = {"hub.mode": "subscribe", "hub.challenge": "1158201444",
                 "hub.verify_token": "test-verify-token"}
        async with client.get(on_whatsapp.webhook_url, params=query) as response:
            assert response.status == 200 and await response.text() == "1158201444"
        query["hub.verify_token"] = "wrong"
        async with client.get(on_whatsapp.webhook_url, params=query) as response:
            assert response.status == 403


async def test_a_duplicate_delivery_is_handled_once(
    graph: FakeWhatsApp, on_whatsapp: RunningBot
) -> None:
    user = graph.user(wa_id="77015554433", name="Y")
    payload = user.text("/start")
    for _ in range(2):
        assert await graph.post_webhook(on_whatsapp.webhook_url, payload, APP_SECRET) == 200
    await on_whatsapp.settle()
    assert len(graph.sent("77015554433")) == 2  # one greeting, one language question


async def test_stickers_and_people_without_a_visible_number(
    graph: FakeWhatsApp, on_whatsapp: RunningBot
) -> None:
    who = person(graph, on_whatsapp, wa_id="77012223344", user_id="KZ.1234567890abcdef",
                 phone_hidden=True)
    shown = await who.say("/start")
    shown = await pick(who, shown, "Русский")
    shown = await who.send(who.user.sticker())
    assert texts(shown).startswith(says("hint-menu-unexpected", "ru"))
    assert graph.sent("KZ.1234567890abcdef")


async def test_a_status_notice_after_25_hours_goes_as_the_template(
    graph: FakeWhatsApp, on_whatsapp: RunningBot
) -> None:
    who = person(graph, on_whatsapp)
    summary = await fill_to_summary(who, "ru")
    await pick(who, summary, says("summary-submit", "ru"))
    # the application's PDF goes out while the window is still open
    await graph_waits(graph, lambda: any(m["type"] == "document"
                                         for m in graph.sent("77011234567")))
    assert on_whatsapp.app is not None
    maker = sessions(on_whatsapp.app.db)
    graph.advance(25 * 3600)
    async with maker.begin() as session:  # the citizen last wrote 25 hours ago
        person_row = await session.scalar(select(Person))
        assert person_row is not None and person_row.last_inbound_at is not None
        person_row.last_inbound_at -= timedelta(hours=25)
    application = (await StaffDesk(maker).act(1, "accept", "staff:test", {},
                                              on_whatsapp.clock())).snapshot
    assert application is not None
    on_whatsapp.app.worker.wake()
    await graph_waits(graph, lambda: any(m["type"] == "template"
                                         for m in graph.sent("77011234567")))
    template = [m for m in graph.sent("77011234567") if m["type"] == "template"][-1]
    assert template["template"]["name"] == TEMPLATE
    assert template["template"]["language"]["code"] == "ru"
    parameters = template["template"]["components"][0]["parameters"]
    assert [p["text"] for p in parameters] == [NUMBER, says("status-under-review", "ru")]
    assert not [c for c in graph.rejected if c.error_code == 131047]

    # Meta's status callbacks land on the outbox record
    status = graph.status(template["id"], "delivered", "77011234567")
    assert await graph.post_webhook(on_whatsapp.webhook_url, status, APP_SECRET) == 200
    await on_whatsapp.settle()
    async with maker() as session:
        row = await session.scalar(select(OutboxMessage).where(
            OutboxMessage.provider_message_id == template["id"]))
    assert row is not None and row.provider_status == "delivered"


async def graph_waits(graph: FakeWhatsApp, condition: Any, timeout: float = 10) -> None:
    import asyncio

    for _ in range(int(timeout / 0.05)):
        if condition():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the expected WhatsApp message never came")


async def test_a_staff_reply_reaches_a_whatsapp_citizen(
    telegram: FakeTelegram, graph: FakeWhatsApp, on_both: RunningBot
) -> None:
    who = person(graph, on_both, wa_id="77017776655")
    shown = await who.say("/start")
    shown = await pick(who, shown, "Қазақша")
    shown = await pick(who, shown, says("menu-specialist", "kk"))
    assert says("specialist-open", "kk") in texts(shown)
    await who.say("Сәлеметсіз бе, құжаттар туралы сұрақ")
    relayed = await telegram.wait_for(
        lambda c: c.method == "sendMessage" and "құжаттар туралы сұрақ" in str(
            c.params.get("text")), timeout=10)
    thread = relayed.params["message_thread_id"]
    staff = telegram.user(id=STAFF_MEMBER)
    staff.send_text("Сәлеметсіз бе! Жеке куәлік керек.", chat=STAFF_CHAT, thread_id=thread)
    await telegram.settled()
    expected = says("staff-reply", "kk", text="Сәлеметсіз бе! Жеке куәлік керек.")
    await graph_waits(graph, lambda: any(
        m.get("text", {}).get("body") == expected for m in graph.sent("77017776655")))

    # outside the 24-hour window the reply cannot go; staff are told so in the topic
    assert on_both.app is not None
    async with sessions(on_both.app.db).begin() as session:
        citizen = await session.scalar(select(Person).where(Person.channel == "whatsapp"))
        assert citizen is not None and citizen.last_inbound_at is not None
        citizen.last_inbound_at -= timedelta(hours=25)
    staff.send_text("Тағы бір сұрақ бар ма?", chat=STAFF_CHAT, thread_id=thread)
    await telegram.settled()
    window = says("staff-delivery-window", "ru")
    await telegram.wait_for(lambda c: c.method == "sendMessage"
                            and c.params.get("text") == window, timeout=10)
    # once the citizen writes again, the held reply goes out
    await who.say("Иә, тағы бір сұрақ бар")
    held = says("staff-reply", "kk", text="Тағы бір сұрақ бар ма?")
    await graph_waits(graph, lambda: any(
        m.get("text", {}).get("body") == held for m in graph.sent("77017776655")))
