"""Issue 9: the WhatsApp webhook never answers 5xx and never raises on odd input.

Anything not signed by Meta gets 401/403 whatever its bytes, and nothing of it is handled.
Whatever Meta signs gets 200 (Meta retries anything else for days); a part of an unexpected
shape is logged in one short line without personal data and skipped, and the well-formed
messages next to it are still answered.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import random
import time
from collections.abc import Callable
from typing import Any

import aiohttp
import pytest
from sqlalchemy import select
from yarl import URL

from storage.db import sessions
from storage.models import Person
from tests.fakes.whatsapp_api import FakeWhatsApp, FakeWhatsAppUser, sign, webhook_body
from tests.handlers.conftest import APP_SECRET, VERIFY_TOKEN, RunningBot

Json = dict[str, Any]

# What must never reach a log line: numbers, names, message ids, what people wrote.
PERSONAL = ("7701", "Айгүл", "Бауыржан", "Ержан", "wamid", "/start")


# ------------------------------------------------------------------------------ helpers


async def post_raw(url: str, body: bytes, signatures: list[bytes]) -> int:
    """POST exactly these bytes: aiohttp's client would re-encode or refuse odd headers."""
    target = URL(url)
    assert target.host is not None and target.port is not None
    reader, writer = await asyncio.open_connection(target.host, target.port)
    try:
        head = (f"POST {target.raw_path} HTTP/1.1\r\nHost: {target.host}:{target.port}\r\n"
                f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
                "Connection: close\r\n").encode()
        head += b"".join(b"X-Hub-Signature-256: " + s + b"\r\n" for s in signatures)
        writer.write(head + b"\r\n" + body)
        await writer.drain()
        status_line = await asyncio.wait_for(reader.readline(), 10)
        await asyncio.wait_for(reader.read(), 10)
    finally:
        writer.close()
    return int(status_line.split()[1])


async def post_signed(url: str, payload: Any) -> int:
    """What Meta would POST: `payload` serialised like Meta (bytes go as they are), signed."""
    body = payload if isinstance(payload, bytes) else webhook_body(payload)
    return await post_raw(url, body, [sign(body, APP_SECRET).encode()])


def crashes(caplog: pytest.LogCaptureFixture) -> list[str]:
    """Log records of an unhandled exception (a traceback) or an error, from anyone."""
    return [f"{r.name}: {r.getMessage()}" for r in caplog.records
            if r.exc_info or r.levelno >= logging.ERROR]


async def people(bot: RunningBot) -> list[Person]:
    assert bot.app is not None
    async with sessions(bot.app.db)() as session:
        return list((await session.scalars(select(Person))).all())


def _hex(body: bytes, secret: str = APP_SECRET, digest: Any = hashlib.sha256) -> bytes:
    return hmac.new(secret.encode(), body, digest).hexdigest().encode()


# ------------------------------------------------------------------------------ badly signed

ZEROS = b"sha256=" + b"0" * 64
Make = Callable[[bytes], tuple[bytes, list[bytes]]]

BADLY_SIGNED: list[tuple[str, Make]] = [
    ("missing", lambda b: (b, [])),
    ("empty", lambda b: (b, [b""])),
    ("only the prefix", lambda b: (b, [b"sha256="])),
    ("no prefix", lambda b: (b, [_hex(b)])),
    ("sha1 instead", lambda b: (b, [b"sha1=" + _hex(b, digest=hashlib.sha1)])),
    ("uppercase prefix", lambda b: (b, [b"SHA256=" + _hex(b)])),
    ("uppercase hex", lambda b: (b, [b"sha256=" + _hex(b).upper()])),
    ("not hex", lambda b: (b, [b"sha256=" + b"xyz!" * 16])),
    ("a character short", lambda b: (b, [b"sha256=" + _hex(b)[:-1]])),
    ("a character long", lambda b: (b, [b"sha256=" + _hex(b) + b"0"])),
    ("twice the digest", lambda b: (b, [b"sha256=" + _hex(b) * 2])),
    ("zeros", lambda b: (b, [ZEROS])),
    ("another secret", lambda b: (b, [b"sha256=" + _hex(b, "another-secret")])),
    ("another body", lambda b: (b, [b"sha256=" + _hex(b + b" ")])),
    ("a tab inside", lambda b: (b, [b"sha256=\t" + _hex(b)])),
    ("non-ASCII letters", lambda b: (b, [("sha256=" + "é" * 64).encode()])),
    ("non-ASCII digit at the end", lambda b: (b, [b"sha256=" + _hex(b)[:-1] + "٣".encode()])),
    ("emoji", lambda b: (b, [("sha256=" + "🙂" * 64).encode()])),
    ("bytes that are not UTF-8", lambda b: (b, [b"sha256=" + _hex(b)[:-2] + b"\xff\xfe"])),
    ("right-to-left mark", lambda b: (b, ["\u200fsha256=".encode() + _hex(b)])),
    ("the right one, then a wrong one", lambda b: (b, [b"sha256=" + _hex(b), ZEROS])),
    ("a wrong one, then the right one", lambda b: (b, [ZEROS, b"sha256=" + _hex(b)])),
    ("body not UTF-8, signed before the change", lambda b: (b"\xff" + b, [b"sha256=" + _hex(b)])),
    ("body not JSON, unsigned", lambda b: (b"{not json", [])),
    ("body not JSON, wrongly signed", lambda b: (b"{not json", [ZEROS])),
    ("body not UTF-8 nor signed", lambda b: (b"\xff\xfe\xfd", [b"sha256=\xff"])),
]


async def test_a_badly_signed_post_is_refused_and_nothing_of_it_is_handled(
    graph: FakeWhatsApp, on_whatsapp: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    user = graph.user(wa_id="77019990000", name="Бауыржан")
    answered: dict[str, int] = {}
    for name, make in BADLY_SIGNED:
        body, signatures = make(webhook_body(user.text("/start")))
        answered[name] = await post_raw(on_whatsapp.webhook_url, body, signatures)
    assert {n: s for n, s in answered.items() if s not in (401, 403)} == {}
    assert answered["missing"] == 401
    await on_whatsapp.settle()
    assert graph.calls == []  # nothing sent to anyone, no media fetched
    assert await people(on_whatsapp) == []
    assert crashes(caplog) == []


# ------------------------------------------------------------------------------ odd shapes

DROP = object()  # a field to leave out


class Kit:
    """Builders for a payload where an odd part sits before a well-formed /start; case `n`
    has people of its own."""

    def __init__(self, graph: FakeWhatsApp, n: int) -> None:
        self.graph = graph
        self.good = graph.user(wa_id=f"7701{n:04d}001", name="Айгүл")
        self.odd = graph.user(wa_id=f"7701{n:04d}002", name="Бауыржан")
        graph.record_inbound(self.odd.wa_id)  # were the odd one answered, the fake would take it

    def around(self, odd_change: Any) -> Json:
        """The good /start, with an odd change before it in the same entry."""
        payload = self.good.text("/start")
        payload["entry"][0]["changes"].insert(0, odd_change)
        return payload

    def entry_before(self, odd_entry: Any) -> Json:
        payload = self.good.text("/start")
        payload["entry"].insert(0, odd_entry)
        return payload

    def change(self, **value: Any) -> Json:
        """A `changes[]` item of the odd person (their contact; fields as given)."""
        full = self.graph.envelope({"contacts": [self.odd.contact()]})["entry"][0]["changes"][0]
        for key, item in value.items():
            if item is DROP:
                full["value"].pop(key, None)
            else:
                full["value"][key] = item
        return full

    def msg(self, kind: str, content: Any = None, **fields: Any) -> Json:
        """A `messages[]` item of the odd person; `fields` override (DROP leaves one out)."""
        message = self.odd.message(kind, content)
        for key, value in fields.items():
            if value is DROP:
                message.pop(key, None)
            else:
                message[key] = value
        return message

    def with_message(self, message: Any, **value: Any) -> Json:
        return self.around(self.change(messages=[message], **value))

    def with_status(self, status: Any) -> Json:
        return self.around(self.change(contacts=DROP, statuses=[status]))


def text_start(k: Kit, **fields: Any) -> Json:
    return k.msg("text", {"body": "/start"}, **fields)


FROM = "from"
# (name, builder, whether the well-formed /start is in the same payload)
ODD_SHAPES: list[tuple[str, Callable[[Kit], Any], bool]] = [
    # the payload itself
    ("payload is a list", lambda k: [k.good.text("/start")], False),
    ("payload is a string", lambda k: "whatsapp_business_account", False),
    ("payload is a number", lambda k: 42, False),
    ("payload is null", lambda k: None, False),
    ("no entry", lambda k: {"object": "whatsapp_business_account"}, False),
    ("entry is an object",
     lambda k: {"object": "whatsapp_business_account", "entry": k.good.text("/start")["entry"][0]},
     False),
    ("body is not JSON", lambda k: b'{"entry": [', False),
    ("body is not UTF-8", lambda k: b'{"entry": "\xff\xfe"}', False),
    ("body is JSON nested too deep", lambda k: b"[" * 100_000 + b"]" * 100_000, False),
    ("body is NaN", lambda k: b"NaN", False),
    # entries and changes
    ("entry item is a string", lambda k: k.entry_before("entry"), True),
    ("entry without changes", lambda k: k.entry_before({"id": "1"}), True),
    ("changes is an object", lambda k: k.entry_before({"id": "1", "changes": {"value": {}}}), True),
    ("change is a number", lambda k: k.around(42), True),
    ("change without value", lambda k: k.around({"field": "messages"}), True),
    ("value is a string", lambda k: k.around({"value": "messages", "field": "messages"}), True),
    ("value without messages or statuses",
     lambda k: k.around({"value": {"messaging_product": "whatsapp"}, "field": "account_update"}),
     True),
    ("messages is an object", lambda k: k.around(k.change(messages=text_start(k))), True),
    ("statuses is a string", lambda k: k.around(k.change(statuses="delivered")), True),
    # messages
    ("message is a string", lambda k: k.with_message("/start"), True),
    ("message is a list", lambda k: k.with_message([text_start(k)]), True),
    ("message without id", lambda k: k.with_message(text_start(k, id=DROP)), True),
    ("message id is a number", lambda k: k.with_message(text_start(k, id=12345)), True),
    ("message id is empty", lambda k: k.with_message(text_start(k, id="")), True),
    ("no sender anywhere",
     lambda k: k.with_message(text_start(k, **{FROM: DROP}), contacts=DROP), True),
    ("from is a number", lambda k: k.with_message(text_start(k, **{FROM: int(k.odd.wa_id)})),
     True),
    ("from is an object",
     lambda k: k.with_message(text_start(k, **{FROM: {"wa_id": k.odd.wa_id}})), True),
    ("from has a lone surrogate", lambda k: k.with_message(text_start(k, **{FROM: "7701\ud800"})),
     True),
    ("type is missing", lambda k: k.with_message(text_start(k, type=DROP)), True),
    ("type is a number", lambda k: k.with_message(text_start(k, type=1)), True),
    ("type is unknown", lambda k: k.with_message(k.msg("hologram", {"body": "/start"})), True),
    ("text without its object", lambda k: k.with_message(k.msg("text")), True),
    ("text body is a number", lambda k: k.with_message(k.msg("text", {"body": 42})), True),
    ("text is a string", lambda k: k.with_message(k.msg("text", "/start")), True),
    ("text body has a lone surrogate",
     lambda k: k.with_message(k.msg("text", {"body": "/start \udc80"})), True),
    ("interactive without a reply id",
     lambda k: k.with_message(k.msg("interactive", {
         "type": "button_reply", "button_reply": {"title": "Иә"}})), True),
    ("interactive reply id is a number",
     lambda k: k.with_message(k.msg("interactive", {
         "type": "list_reply", "list_reply": {"id": 7, "title": "Иә"}})), True),
    ("interactive is a list", lambda k: k.with_message(k.msg("interactive", [])), True),
    ("interactive flow reply",
     lambda k: k.with_message(k.msg("interactive", {
         "type": "nfm_reply", "nfm_reply": {"name": "flow", "response_json": "{}"}})), True),
    ("button without payload", lambda k: k.with_message(k.msg("button", {"text": "Иә"})), True),
    ("image without id", lambda k: k.with_message(k.msg("image", {"mime_type": "image/jpeg"})),
     True),
    ("image is a string", lambda k: k.with_message(k.msg("image", "1037543291543636")), True),
    ("document id is a number",
     lambda k: k.with_message(k.msg("document", {"id": 1037543291543636, "filename": "a.pdf"})),
     True),
    ("document id is a path",
     lambda k: k.with_message(k.msg("document", {"id": "../me/messages", "filename": "a.pdf"})),
     True),
    ("document filename is a number",
     lambda k: k.with_message(k.msg("document", {"id": "1037543291543636", "filename": 5})), True),
    ("shared contacts is an object",
     lambda k: k.with_message(k.msg("contacts", contacts={"phones": []})), True),
    ("shared contact phones is a string",
     lambda k: k.with_message(k.msg("contacts", contacts=[{"phones": "+" + k.odd.wa_id}])), True),
    ("shared contact phone is a number",
     lambda k: k.with_message(k.msg("contacts", contacts=[{"phones": [{"phone": 77010000}]}])),
     True),
    # statuses of the bot's own messages
    ("status is a string", lambda k: k.with_status("delivered"), True),
    ("status without id", lambda k: k.with_status({"status": "delivered"}), True),
    ("status id is a number", lambda k: k.with_status({"id": 5, "status": "read"}), True),
    ("status value is a number", lambda k: k.with_status({"id": "wamid.X", "status": 3}), True),
    ("status errors is an object",
     lambda k: k.with_status({"id": "wamid.X", "status": "failed", "errors": {"title": "x"}}),
     True),
    ("status error is a string",
     lambda k: k.with_status({"id": "wamid.X", "status": "failed", "errors": ["x"]}), True),
    ("status error title is a number",
     lambda k: k.with_status({"id": "wamid.X", "status": "failed", "errors": [{"title": 1}]}),
     True),
]


def one_clean_line(records: list[logging.LogRecord]) -> list[str]:
    """What is wrong with these log records, if they are not one short line without a
    traceback or personal data."""
    lines = [r for r in records
             if r.name.startswith("handlers.whatsapp") and r.levelno >= logging.WARNING]
    if len(lines) != 1:
        return [f"{len(lines)} lines: {[r.getMessage() for r in lines]}"]
    text = lines[0].getMessage()
    problems = [f"personal data in {text!r}" for p in PERSONAL if p in text]
    if lines[0].exc_info or "\n" in text or len(text) > 200:
        problems.append(f"not one short line: {text!r}")
    return problems


async def test_a_signed_payload_of_an_odd_shape_is_logged_skipped_and_answered_200(
    graph: FakeWhatsApp, on_whatsapp: RunningBot, caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING)
    problems: dict[str, list[str]] = {}
    for n, (name, build, good_inside) in enumerate(ODD_SHAPES):
        caplog.clear()
        kit = Kit(graph, n)
        found = problems[name] = []
        status = await post_signed(on_whatsapp.webhook_url, build(kit))
        await on_whatsapp.settle()
        if status != 200:
            found.append(f"HTTP {status}")
        if graph.sent(kit.odd.wa_id):
            found.append("the odd part was answered")
        if good_inside and len(graph.sent(kit.good.wa_id)) != 2:  # greeting, language question
            found.append(f"the good /start got {len(graph.sent(kit.good.wa_id))} messages, not 2")
        found += one_clean_line(caplog.records) + crashes(caplog)
    assert {name: found for name, found in problems.items() if found} == {}
    # and the webhook goes on as before
    later = graph.user(wa_id="77013334455", name="Ержан")
    assert await post_signed(on_whatsapp.webhook_url, later.text("/start")) == 200
    await on_whatsapp.settle()
    assert len(graph.sent(later.wa_id)) == 2


ODD_CONTACTS: list[tuple[str, Any]] = [
    ("contacts is a string", "Бауыржан"),
    ("name is a number", [{"profile": {"name": 5}, "wa_id": "77010000002"}]),
    ("profile is a string", [{"profile": "Бауыржан", "wa_id": "77010000002"}]),
    ("wa_id is an object", [{"profile": {"name": "Бауыржан"}, "wa_id": {"id": "77010000002"}}]),
    ("name has a lone surrogate", [{"profile": {"name": "Бауыр\udc80"}, "wa_id": "77010000002"}]),
]


async def test_an_odd_contact_is_ignored_and_its_message_still_answered(
    graph: FakeWhatsApp, on_whatsapp: RunningBot, caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING)
    problems: dict[str, list[str]] = {}
    for n, (name, contacts) in enumerate(ODD_CONTACTS):
        caplog.clear()
        kit = Kit(graph, n)
        payload = graph.envelope({"contacts": contacts, "messages": [text_start(kit)]})
        found = problems[name] = []
        status = await post_signed(on_whatsapp.webhook_url, payload)
        await on_whatsapp.settle()
        if status != 200:
            found.append(f"HTTP {status}")
        if len(graph.sent(kit.odd.wa_id)) != 2:  # the message names its sender itself
            found.append(f"the /start got {len(graph.sent(kit.odd.wa_id))} messages, not 2")
        found += one_clean_line(caplog.records) + crashes(caplog)
    assert {name: found for name, found in problems.items() if found} == {}


# ------------------------------------------------------------------------------ verification


ODD_HANDSHAKES: list[tuple[str, str]] = [
    ("nothing", ""),
    ("no token", "hub.mode=subscribe&hub.challenge=1158201444"),
    ("wrong token", "hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=wrong"),
    ("not subscribe",
     f"hub.mode=unsubscribe&hub.challenge=1158201444&hub.verify_token={VERIFY_TOKEN}"),
    ("no mode", f"hub.challenge=1158201444&hub.verify_token={VERIFY_TOKEN}"),
    ("no challenge", f"hub.mode=subscribe&hub.verify_token={VERIFY_TOKEN}"),
    ("Cyrillic token", "hub.mode=subscribe&hub.challenge=1&hub.verify_token=%D1%82%D0%B5%D1%81"),
    ("token not UTF-8", "hub.mode=subscribe&hub.challenge=1&hub.verify_token=%ff%fe"),
    ("token a surrogate", "hub.mode=subscribe&hub.challenge=1&hub.verify_token=%ED%A0%80"),
    ("emoji token", "hub.mode=subscribe&hub.challenge=1&hub.verify_token=%F0%9F%99%82"),
    ("long token", "hub.mode=subscribe&hub.challenge=1&hub.verify_token=" + "x" * 5000),
    ("token and a NUL", f"hub.mode=subscribe&hub.challenge=1&hub.verify_token={VERIFY_TOKEN}%00"),
    ("two tokens, wrong first",
     f"hub.mode=subscribe&hub.challenge=1&hub.verify_token=wrong&hub.verify_token={VERIFY_TOKEN}"),
    ("two tokens, right first",
     f"hub.mode=subscribe&hub.challenge=1&hub.verify_token={VERIFY_TOKEN}&hub.verify_token=wrong"),
    ("garbage", "hub.mode=%ff&hub.challenge=%zz&hub.verify_token"),
]


async def test_verification_refuses_anything_but_meta_handshake(
    on_whatsapp: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    answered: dict[str, int] = {}
    async with aiohttp.ClientSession() as client:
        for name, query in ODD_HANDSHAKES:
            url = URL(f"{on_whatsapp.webhook_url}?{query}", encoded=True)
            async with client.get(url) as response:
                answered[name] = response.status
    assert {name: status for name, status in answered.items() if status != 403} == {}
    assert crashes(caplog) == []


async def test_the_handshake_still_echoes_the_challenge(on_whatsapp: RunningBot) -> None:
    async with aiohttp.ClientSession() as client, client.get(on_whatsapp.webhook_url, params={
        "hub.mode": "subscribe", "hub.challenge": "1158201444", "hub.verify_token": VERIFY_TOKEN,
    }) as response:
        assert response.status == 200 and await response.text() == "1158201444"


# ------------------------------------------------------------------------------ fuzz

FUZZ_SEED = 9
FUZZ_POSTS = 300
TEXT = "az09 /.=-_éЖ🙂\t\n\x00\x7f\ud800\udfff\u202e\ufeff"
HEADER_TEXT = "az09 AZ=-_éЖ🙂\t\ud800\u202e\ufeff"  # what an HTTP parser lets through
SENDER_KEYS = {"from", "wa_id", "from_user_id", "user_id"}
KINDS = ["text", "image", "document", "interactive", "button", "contacts", "sticker", "hologram"]


def random_text(rng: random.Random, alphabet: str = TEXT) -> str:
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))


def random_value(rng: random.Random, depth: int = 0) -> Any:
    pick = rng.randrange(14 if depth < 3 else 10)
    simple = [None, True, False, 0, -1, 2 ** 70, 1.5, 1e308, "", "x" * 5000]
    if pick < len(simple):
        return simple[pick] if rng.random() < 0.5 else random_text(rng)
    if pick == 10:
        return [random_value(rng, depth + 1) for _ in range(rng.randint(0, 3))]
    if pick == 11:
        return {random_text(rng): random_value(rng, depth + 1) for _ in range(rng.randint(0, 3))}
    if pick == 12:
        return rng.choice(KINDS)
    return []


def mutate(rng: random.Random, payload: Any) -> Any:
    """One random change somewhere in the tree: a field dropped, replaced or wrapped."""
    spots: list[tuple[Any, Any]] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, child in node.items():
                spots.append((node, key))
                walk(child)
        elif isinstance(node, list):
            for index, child in enumerate(node):
                spots.append((node, index))
                walk(child)

    walk(payload)
    if not spots:
        return random_value(rng)
    parent, key = rng.choice(spots)
    action = rng.randrange(4)
    if action == 0 and isinstance(parent, dict):
        del parent[key]
    elif action == 1:
        parent[key] = [parent[key]]
    else:
        value = random_value(rng)
        if key in SENDER_KEYS and isinstance(value, str):
            # another well-formed sender would be a stranger the fake refuses to write to
            value = len(value)
        parent[key] = value
    return payload


def well_formed(rng: random.Random, graph: FakeWhatsApp, users: list[FakeWhatsAppUser]) -> Json:
    user = rng.choice(users)
    builders: list[Callable[[], Json]] = [
        lambda: user.text(rng.choice(["/start", "Сәлем", random_text(rng)])),
        lambda: user.button_reply("lang:kk", "Қазақша"),
        lambda: user.list_reply("menu:visit", "Visit"),
        lambda: user.image(b"\xff\xd8\xff\xe0fake-jpeg"),
        lambda: user.document(b"%PDF-1.4 fake", "a.pdf"),
        lambda: user.contacts(),
        lambda: user.sticker(),
        lambda: user.location(43.2, 76.9),
        lambda: user.reaction("wamid.X", "🙂"),
        lambda: user.unsupported(),
        lambda: graph.status("wamid.X", rng.choice(["delivered", "read", "failed"]), user.wa_id),
    ]
    return rng.choice(builders)()


def random_body(rng: random.Random, graph: FakeWhatsApp, users: list[FakeWhatsAppUser]) -> bytes:
    pick = rng.randrange(10)
    if pick == 0:
        return rng.randbytes(rng.randint(0, 200))
    if pick == 1:
        return random_text(rng).encode("utf-8", "surrogatepass")
    if pick == 2:
        return webhook_body(random_value(rng))  # type: ignore[arg-type]
    payload: Any = well_formed(rng, graph, users)
    for _ in range(rng.randint(0 if pick == 3 else 1, 3)):
        payload = mutate(rng, payload)
    if rng.random() < 0.8:
        return webhook_body(payload)  # as Meta sends it: non-ASCII escaped
    return json.dumps(payload, ensure_ascii=False).encode("utf-8", "surrogatepass")


def random_signatures(rng: random.Random, body: bytes) -> list[bytes]:
    """Anything but the one right header (an HTTP parser lets these bytes through)."""
    good = sign(body, APP_SECRET).encode()
    while True:
        pick = rng.randrange(7)
        if pick == 0:
            headers: list[bytes] = []
        elif pick == 1:
            allowed = [9, *range(0x20, 0x7F), *range(0x80, 0x100)]
            headers = [bytes(rng.choice(allowed) for _ in range(rng.randint(0, 80)))]
        elif pick == 2:
            at = rng.randrange(len(good))
            headers = [good[:at] + bytes([rng.choice(b"0123456789abcdefABCDEF=")]) + good[at + 1:]]
        elif pick == 3:
            headers = [rng.choice([good.upper(), good[:rng.randrange(len(good))], good + b"0",
                                   good.replace(b"sha256=", b"")])]
        elif pick == 4:
            headers = [("sha256=" + random_text(rng, HEADER_TEXT)).encode("utf-8", "surrogatepass")]
        elif pick == 5:
            headers = [b"sha256=" + _hex(body, random_text(rng, "abc"))]
        else:
            headers = rng.sample([good, ZEROS], 2)
        headers = [h.strip(b" \t") for h in headers]
        if headers != [good]:
            return headers


async def test_fuzz_never_a_5xx_nor_an_unhandled_exception(
    graph: FakeWhatsApp, on_whatsapp: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    rng = random.Random(FUZZ_SEED)
    users = [graph.user(wa_id=f"770100000{i:02d}", name="Айгүл") for i in range(6)]
    url = on_whatsapp.webhook_url
    started = time.monotonic()
    answers: dict[str, set[int]] = {"signed": set(), "unsigned": set()}
    for _ in range(FUZZ_POSTS):
        body = random_body(rng, graph, users)
        if rng.random() < 0.6:
            status = await post_raw(url, body, [sign(body, APP_SECRET).encode()])
            answers["signed"].add(status)
            assert status == 200, (status, body[:200])
        else:
            signatures = random_signatures(rng, body)
            status = await post_raw(url, body, signatures)
            answers["unsigned"].add(status)
            assert status in (401, 403), (status, signatures, body[:200])
    async with aiohttp.ClientSession() as client:
        for _ in range(50):
            params = {key: random_text(rng, HEADER_TEXT) for key in rng.sample(
                ["hub.mode", "hub.challenge", "hub.verify_token", random_text(rng)], 3)}
            async with client.get(url, params=params) as response:
                assert response.status == 403
    await on_whatsapp.settle()
    assert crashes(caplog) == []
    assert graph.sent(), "no well-formed message got through: the fuzz tests nothing"
    assert time.monotonic() - started < 30  # a few seconds on an ordinary machine
    graph.assert_no_rejections()

