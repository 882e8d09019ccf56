"""The fake WhatsApp Cloud API, driven by a plain aiohttp client and a tiny webhook bot."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
from collections.abc import AsyncIterator, Callable
from typing import Any

import aiohttp
import pytest
import pytest_asyncio
from aiohttp import web

from tests.fakes.whatsapp_api import (
    FakeWhatsApp,
    WhatsAppPerson,
    sign,
    webhook_body,
)

Json = dict[str, Any]

WA_ID = "77011234567"
BSUID = "KZ.13491208655302741918"
APP_SECRET = "test-app-secret"


@pytest_asyncio.fixture
async def fake() -> AsyncIterator[FakeWhatsApp]:
    async with FakeWhatsApp() as server:
        yield server


@pytest_asyncio.fixture
async def api(fake: FakeWhatsApp) -> AsyncIterator[aiohttp.ClientSession]:
    headers = {"Authorization": f"Bearer {fake.access_token}"}
    async with aiohttp.ClientSession(headers=headers) as session:
        yield session


async def send(api: aiohttp.ClientSession, fake: FakeWhatsApp, message: Json) -> tuple[int, Json]:
    url = f"{fake.base_url}/{fake.phone_number_id}/messages"
    payload = {"messaging_product": "whatsapp", "recipient_type": "individual", **message}
    async with api.post(url, json=payload) as response:
        return response.status, await response.json()


def text(body: str, to: str = WA_ID) -> Json:
    return {"to": to, "type": "text", "text": {"body": body}}


def buttons(*titles: str, ids: list[str] | None = None) -> Json:
    ids = ids or [f"b{i}" for i in range(len(titles))]
    return {
        "to": WA_ID,
        "type": "interactive",
        "interactive": {
            "type": "button",
            "body": {"text": "Choose"},
            "action": {
                "buttons": [
                    {"type": "reply", "reply": {"id": i, "title": t}}
                    for i, t in zip(ids, titles, strict=True)
                ]
            },
        },
    }


def list_message(*section_sizes: int) -> Json:
    sections = [
        {
            "title": f"Section {s}",
            "rows": [{"id": f"s{s}r{r}", "title": f"Row {s}.{r}"} for r in range(size)],
        }
        for s, size in enumerate(section_sizes)
    ]
    return {
        "to": WA_ID,
        "type": "interactive",
        "interactive": {
            "type": "list",
            "body": {"text": "Pick a service"},
            "action": {"button": "Services", "sections": sections},
        },
    }


def details(body: Json) -> str:
    return body["error"]["error_data"]["details"]


# ------------------------------------------------------------------------------ messages


async def test_text_is_accepted_and_recorded(fake: FakeWhatsApp, api: aiohttp.ClientSession):
    fake.user(WA_ID).text("Сәлем")  # opens the 24-hour window
    status, body = await send(api, fake, text("Қош келдіңіз!"))
    assert status == 200
    assert body["messaging_product"] == "whatsapp"
    assert body["contacts"] == [{"input": WA_ID, "wa_id": WA_ID}]
    wamid = body["messages"][0]["id"]
    assert wamid.startswith("wamid.")
    assert fake.last(WA_ID)["id"] == wamid
    assert fake.last("+7 701 123 45 67")["text"]["body"] == "Қош келдіңіз!"
    assert [c.status for c in fake.calls] == [200]
    fake.assert_no_rejections()


@pytest.mark.parametrize(
    ("message", "code"),
    [
        ({"messaging_product": "sms", **text("hi")}, 100),
        ({"type": "text", "text": {"body": "hi"}}, 100),  # no "to"
        ({"to": WA_ID, "text": {"body": "hi"}}, 100),  # no "type"
        ({"to": WA_ID, "type": "fax", "fax": {}}, 100),
        (text(""), 100),
        (text("x" * 4097), 100),
        ({"to": WA_ID, "type": "document", "document": {"filename": "a.pdf"}}, 100),
        ({"to": WA_ID, "type": "image", "image": {"id": "999"}}, 100),  # never uploaded
    ],
)
async def test_invalid_messages_are_rejected(
    fake: FakeWhatsApp, api: aiohttp.ClientSession, message: Json, code: int
):
    fake.record_inbound(WA_ID)
    status, body = await send(api, fake, message)
    assert (status, body["error"]["code"]) == (400, code)
    assert body["error"]["type"] == "OAuthException"
    assert "fbtrace_id" in body["error"]
    assert fake.rejected and not fake.sent()


async def test_four_buttons_are_rejected(fake: FakeWhatsApp, api: aiohttp.ClientSession):
    fake.record_inbound(WA_ID)
    status, body = await send(api, fake, buttons("A", "B", "C", "D"))
    assert (status, body["error"]["code"]) == (400, 131009)
    assert body["error"]["message"] == "(#131009) Parameter value is not valid"
    assert details(body) == "Invalid buttons count. Min allowed buttons: 1, Max allowed buttons: 3"
    status, _ = await send(api, fake, buttons("A", "B", "C"))
    assert status == 200


async def test_button_title_limit_is_20(fake: FakeWhatsApp, api: aiohttp.ClientSession):
    fake.record_inbound(WA_ID)
    status, body = await send(api, fake, buttons("x" * 21))
    assert status == 400
    assert details(body) == "Button title length invalid. Min length: 1, Max length: 20"
    status, _ = await send(api, fake, buttons("Ә" * 20))
    assert status == 200


@pytest.mark.parametrize(
    "message",
    [
        buttons("Yes", "Yes", ids=["a", "b"]),
        buttons("Yes", "No", ids=["a", "a"]),
        buttons("Yes", ids=["x" * 257]),
        buttons(""),
    ],
)
async def test_bad_buttons_are_rejected(
    fake: FakeWhatsApp, api: aiohttp.ClientSession, message: Json
):
    fake.record_inbound(WA_ID)
    status, body = await send(api, fake, message)
    assert (status, body["error"]["code"]) == (400, 131009)


async def test_eleven_rows_across_sections_are_rejected(
    fake: FakeWhatsApp, api: aiohttp.ClientSession
):
    fake.record_inbound(WA_ID)
    status, body = await send(api, fake, list_message(6, 5))
    assert (status, body["error"]["code"]) == (400, 131009)
    assert details(body) == "Total row count exceed max allowed count: 10"
    status, _ = await send(api, fake, list_message(5, 5))
    assert status == 200


def _mutated(change: Callable[[Json], None]) -> Json:
    message = list_message(2, 2)
    change(message["interactive"])
    return message


@pytest.mark.parametrize(
    "message",
    [
        _mutated(lambda i: i["action"]["sections"][0]["rows"][0].update(title="x" * 25)),
        _mutated(lambda i: i["action"]["sections"][0]["rows"][0].update(description="x" * 73)),
        _mutated(lambda i: i["action"]["sections"][0]["rows"][0].update(id="x" * 201)),
        _mutated(lambda i: i["action"]["sections"][1]["rows"][0].update(id="s0r0")),
        _mutated(lambda i: i["action"]["sections"][0].update(title="x" * 25)),
        _mutated(lambda i: i["action"]["sections"][0].pop("title")),  # required with 2 sections
        _mutated(lambda i: i["action"].update(button="x" * 21)),
        _mutated(lambda i: i["action"].update(button="")),
        _mutated(lambda i: i["body"].update(text="x" * 1025)),
        _mutated(lambda i: i.update(footer={"text": "x" * 61})),
        _mutated(lambda i: i.update(header={"type": "image", "image": {"link": "https://e/x"}})),
    ],
)
async def test_bad_lists_are_rejected(
    fake: FakeWhatsApp, api: aiohttp.ClientSession, message: Json
):
    fake.record_inbound(WA_ID)
    status, body = await send(api, fake, message)
    assert (status, body["error"]["code"]) == (400, 131009), body


async def test_free_form_after_24_hours_needs_a_template(
    fake: FakeWhatsApp, api: aiohttp.ClientSession
):
    fake.approve_template("application_status", languages=("kk", "ru"), parameters=2)
    fake.user(WA_ID).text("Өтінішім қайда?")
    fake.advance(25 * 3600)

    status, body = await send(api, fake, text("Жауап"))
    assert (status, body["error"]["code"]) == (400, 131047)
    assert body["error"]["message"] == "Re-engagement message"
    assert details(body) == (
        "Message failed to send because more than 24 hours have passed since the customer "
        "last replied to this number."
    )

    def template(name: str, lang: str, params: int) -> Json:
        parameters = [{"type": "text", "text": f"p{i}"} for i in range(params)]
        return {
            "to": WA_ID,
            "type": "template",
            "template": {
                "name": name,
                "language": {"code": lang},
                "components": [{"type": "body", "parameters": parameters}],
            },
        }

    status, body = await send(api, fake, template("application_status", "kk", 2))
    assert status == 200
    assert body["messages"][0]["message_status"] == "accepted"
    status, body = await send(api, fake, template("application_status", "kk", 1))
    assert (status, body["error"]["code"]) == (400, 132000)
    status, body = await send(api, fake, template("application_status", "en", 2))
    assert (status, body["error"]["code"]) == (404, 132001)
    status, body = await send(api, fake, template("unknown", "kk", 2))
    assert (status, body["error"]["code"]) == (404, 132001)
    assert [m["type"] for m in fake.sent(WA_ID)] == ["template"]


async def test_user_who_never_wrote_gets_131047(fake: FakeWhatsApp, api: aiohttp.ClientSession):
    status, body = await send(api, fake, text("Hello", to="77019999999"))
    assert (status, body["error"]["code"]) == (400, 131047)


async def test_reengagement_as_failed_status(api: aiohttp.ClientSession):
    async with FakeWhatsApp(reengagement="status") as fake:
        url = f"{fake.base_url}/{fake.phone_number_id}/messages"
        payload = {"messaging_product": "whatsapp", **text("late")}
        headers = {"Authorization": f"Bearer {fake.access_token}"}
        async with api.post(url, json=payload, headers=headers) as response:
            assert response.status == 200
            wamid = (await response.json())["messages"][0]["id"]
        assert fake.sent(WA_ID) == []
        [webhook] = fake.pending_statuses
        [status] = webhook["entry"][0]["changes"][0]["value"]["statuses"]
        assert (status["id"], status["status"]) == (wamid, "failed")
        assert status["errors"][0]["code"] == 131047


async def test_mark_as_read(fake: FakeWhatsApp, api: aiohttp.ClientSession):
    payload = fake.user(WA_ID).text("hi")
    message_id = payload["entry"][0]["changes"][0]["value"]["messages"][0]["id"]
    status, body = await send(api, fake, {"status": "read", "message_id": message_id})
    assert (status, body) == (200, {"success": True})
    assert fake.read_receipts == [message_id]
    assert fake.sent() == []


async def test_send_to_bsuid(fake: FakeWhatsApp, api: aiohttp.ClientSession):
    fake.user(WA_ID, user_id=BSUID).text("hi")
    message = {"recipient": BSUID, "type": "text", "text": {"body": "hi"}}
    status, body = await send(api, fake, message)
    assert status == 200
    assert body["contacts"] == [{"input": BSUID, "user_id": BSUID}]
    assert fake.last(WA_ID) == fake.last(BSUID)


# ------------------------------------------------------------------------------ auth, faults


async def test_requests_need_the_bearer_token(fake: FakeWhatsApp):
    url = f"{fake.base_url}/{fake.phone_number_id}/messages"
    async with aiohttp.ClientSession() as session:
        for headers in ({}, {"Authorization": "Bearer WRONG"}):
            async with session.post(url, json=text("hi"), headers=headers) as response:
                assert response.status == 401
                error = (await response.json())["error"]
                assert (error["code"], error["type"]) == (190, "OAuthException")
    assert len(fake.rejected) == 2


async def test_unknown_phone_number_id(fake: FakeWhatsApp, api: aiohttp.ClientSession):
    async with api.post(f"{fake.base_url}/999/messages", json=text("hi")) as response:
        body = await response.json()
    assert (response.status, body["error"]["code"], body["error"]["error_subcode"]) == (
        400,
        100,
        33,
    )


async def test_fault_injection(fake: FakeWhatsApp, api: aiohttp.ClientSession):
    fake.record_inbound(WA_ID)
    fake.fail_next(times=2)
    fake.rate_limit_next()
    results = [await send(api, fake, text("hi")) for _ in range(4)]
    assert [(s, b.get("error", {}).get("code")) for s, b in results] == [
        (500, 131000),
        (500, 131000),
        (400, 130429),
        (200, None),
    ]
    assert fake.rejected == []  # injected failures are not the bot's fault
    assert len(fake.sent(WA_ID)) == 1

    fake.drop_next()
    with pytest.raises(aiohttp.ClientConnectionError):
        await send(api, fake, text("lost"))
    assert fake.calls[-1].injected and len(fake.sent(WA_ID)) == 1


# ------------------------------------------------------------------------------ media


async def test_media_round_trip(fake: FakeWhatsApp, api: aiohttp.ClientSession):
    pdf = b"%PDF-1.4 fake application"
    form = aiohttp.FormData()
    form.add_field("messaging_product", "whatsapp")
    form.add_field("type", "application/pdf")
    form.add_field("file", pdf, filename="өтініш.pdf", content_type="application/pdf")
    async with api.post(f"{fake.base_url}/{fake.phone_number_id}/media", data=form) as response:
        assert response.status == 200
        media_id = (await response.json())["id"]
    assert fake.media_bytes(media_id) == pdf

    fake.record_inbound(WA_ID)
    document = {"to": WA_ID, "type": "document", "document": {"id": media_id, "filename": "a.pdf"}}
    status, _ = await send(api, fake, document)
    assert status == 200

    async with api.get(f"{fake.base_url}/{media_id}") as response:
        info = await response.json()
    assert info["mime_type"] == "application/pdf"
    assert info["file_size"] == len(pdf)
    assert info["sha256"] == hashlib.sha256(pdf).hexdigest()
    async with api.get(info["url"]) as response:
        assert await response.read() == pdf
    async with aiohttp.ClientSession() as anonymous, anonymous.get(info["url"]) as response:
        assert response.status == 401
    fake.advance(6 * 60)  # media URLs live 5 minutes
    async with api.get(info["url"]) as response:
        assert response.status == 404

    async with api.get(f"{fake.base_url}/424242") as response:
        assert (response.status, (await response.json())["error"]["code"]) == (400, 100)


async def test_user_media_with_lying_size(fake: FakeWhatsApp, api: aiohttp.ClientSession):
    payload = fake.user(WA_ID).document(b"tiny", "big.pdf", file_size=30 * 2**20)
    document = payload["entry"][0]["changes"][0]["value"]["messages"][0]["document"]
    assert document["filename"] == "big.pdf"
    async with api.get(f"{fake.base_url}/{document['id']}") as response:
        info = await response.json()
    assert info["file_size"] == 30 * 2**20
    async with api.get(info["url"]) as response:
        assert await response.read() == b"tiny"


# ------------------------------------------------------------------------------ webhooks


async def test_payload_builders(fake: FakeWhatsApp):
    user = fake.user(WA_ID, name="Айгүл")
    fake.advance(1000)
    payloads = [
        user.text("Сәлем"),
        user.button_reply("yes", "Иә"),
        user.list_reply("svc1", "Кездесу", "Баламен кездесу"),
        user.image(b"\xff\xd8\xff", caption="photo"),
        user.document(b"%PDF", "a.pdf", "application/pdf"),
        user.contacts(),
        user.sticker(),
        user.location(43.2389, 76.8897),
        user.audio(),
        user.reaction("wamid.X", "👍"),
        user.unsupported(),
    ]
    ids = set()
    for payload in payloads:
        assert json.loads(webhook_body(payload)) == payload  # valid JSON both ways
        assert payload["object"] == "whatsapp_business_account"
        [entry] = payload["entry"]
        [change] = entry["changes"]
        assert (entry["id"], change["field"]) == (fake.waba_id, "messages")
        value = change["value"]
        assert value["metadata"]["phone_number_id"] == fake.phone_number_id
        assert value["contacts"] == [{"profile": {"name": "Айгүл"}, "wa_id": WA_ID}]
        [message] = value["messages"]
        assert message["from"] == WA_ID
        assert abs(int(message["timestamp"]) - fake.now()) < 5
        assert message["id"].startswith("wamid.")
        ids.add(message["id"])
        assert message[message["type"]] if message["type"] != "unsupported" else message["errors"]
    assert len(ids) == len(payloads)
    assert fake.window_open(WA_ID)

    media = payloads[3]["entry"][0]["changes"][0]["value"]["messages"][0]["image"]
    assert fake.media_bytes(media["id"]) == b"\xff\xd8\xff"
    assert b"\\u0421\\u04d9\\u043b\\u0435\\u043c" in webhook_body(payloads[0])  # "Сәлем"


async def test_bsuid_fields(fake: FakeWhatsApp):
    user = fake.user("77020000000", "Бақыт", user_id=BSUID, username="@baqyt", phone_hidden=True)
    value = user.text("hi")["entry"][0]["changes"][0]["value"]
    assert value["contacts"] == [
        {"profile": {"name": "Бақыт", "username": "@baqyt"}, "wa_id": "", "user_id": BSUID}
    ]
    message = value["messages"][0]
    assert (message["from"], message["from_user_id"]) == ("", BSUID)
    assert fake.window_open(BSUID) and fake.window_open("77020000000")

    failed = fake.status("wamid.X", "failed", user)["entry"][0]["changes"][0]["value"]
    assert "contacts" not in failed
    assert failed["statuses"][0]["errors"][0]["code"] == 131026
    read = fake.status("wamid.X", "read", user)["entry"][0]["changes"][0]["value"]
    assert read["contacts"][0]["user_id"] == BSUID
    assert read["statuses"][0]["recipient_id"] == "77020000000"


def test_sign_matches_a_known_hmac():
    # RFC-style test vector: HMAC-SHA256("key", "The quick brown fox jumps over the lazy dog").
    expected = "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8"
    assert sign(b"The quick brown fox jumps over the lazy dog", "key") == f"sha256={expected}"


class EchoBot:
    """A minimal webhook bot: verifies signatures over raw bytes, answers in the background."""

    def __init__(self, fake: FakeWhatsApp) -> None:
        self.fake = fake
        self.tasks: set[asyncio.Task[None]] = set()
        self.session = aiohttp.ClientSession(
            headers={"Authorization": f"Bearer {fake.access_token}"}
        )

    async def webhook(self, request: web.Request) -> web.Response:
        body = await request.read()
        expected = sign(body, APP_SECRET)
        if not hmac.compare_digest(request.headers.get("X-Hub-Signature-256", ""), expected):
            return web.Response(status=403)
        task = asyncio.create_task(self.handle(json.loads(body)))
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)
        return web.Response(text="ok")

    async def handle(self, payload: Json) -> None:
        value = payload["entry"][0]["changes"][0]["value"]
        for message in value.get("messages", []):
            to = message["from"]
            if message["type"] == "text" and message["text"]["body"] == "menu":
                reply = buttons("Иә", "Жоқ", ids=["yes", "no"]) | {"to": to}
            elif message["type"] == "interactive":
                chosen = message["interactive"]["button_reply"]["id"]
                reply = text(f"chose {chosen} for {message['context']['id'][:6]}", to)
            else:
                reply = text("?", to)
            url = f"{self.fake.base_url}/{self.fake.phone_number_id}/messages"
            payload = {"messaging_product": "whatsapp", **reply}
            async with self.session.post(url, json=payload) as response:
                response.raise_for_status()

    async def settle(self) -> None:
        while self.tasks:
            await asyncio.gather(*self.tasks)


async def test_person_talks_to_a_webhook_bot(fake: FakeWhatsApp):
    bot = EchoBot(fake)
    app = web.Application()
    app.router.add_post("/webhook", bot.webhook)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    url = f"http://127.0.0.1:{runner.addresses[0][1]}/webhook"
    try:
        person = WhatsAppPerson(fake, fake.user(WA_ID), url, APP_SECRET, bot.settle)
        [menu] = await person.say("menu")
        assert menu["interactive"]["type"] == "button"
        [answer] = await person.tap("Иә")
        assert answer["text"]["body"] == "chose yes for wamid."
        assert person.last() == answer
        with pytest.raises(AssertionError, match="'Иә', 'Жоқ'"):
            await person.tap("Мүмкін")

        payload = fake.user(WA_ID).text("Сәлем")
        assert await fake.post_webhook(url, payload, APP_SECRET, ensure_ascii=False) == 200
        assert await fake.post_webhook(url, payload, APP_SECRET, signature="omit") == 403
        assert await fake.post_webhook(url, payload, APP_SECRET, signature="sha256=00") == 403
        await bot.settle()
        fake.assert_no_rejections()
    finally:
        await bot.session.close()
        await runner.cleanup()
