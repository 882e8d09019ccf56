"""Fake WhatsApp Cloud API (Meta Graph API) server and webhook builders for end-to-end tests.

The bot's own aiohttp client talks to it over HTTP; tests play WhatsApp users by POSTing
signed webhook payloads to the bot, exactly as Meta does::

    async with FakeWhatsApp() as fake:              # fake.base_url == http://127.0.0.1:PORT/v23.0
        client = GraphClient(fake.base_url, fake.phone_number_id, fake.access_token)
        user = fake.user(wa_id="77011234567", name="Айгүл")
        status = await fake.post_webhook(bot_url, user.text("Сәлем"), APP_SECRET)
        fake.sent("77011234567"), fake.last("77011234567"), fake.calls, fake.rejected

    person = WhatsAppPerson(fake, user, bot_url, APP_SECRET, settle=bot.settled)
    replies = await person.say("/start")            # webhook + settle + what the bot sent back
    await person.tap("Иә")                          # button or list row of the last menu

What the fake enforces (each limit cites its source next to the constant below):

* ``Authorization: Bearer <access_token>`` on every request (401, code 190 otherwise);
* ``POST /{phone_number_id}/messages``: messaging_product, to/recipient, type, text limits,
  reply-button and list limits (error 131009 with Meta's ``details`` texts where known),
  media by ``id`` (must be uploaded here) or ``link``, approved templates (132000/132001);
* the 24-hour customer service window: any non-template message to a user whose last
  inbound message is older than 24 h (or who never wrote) fails with 131047.  Real Meta has
  been seen to report 131047 either synchronously or as a ``failed`` status webhook;
  ``FakeWhatsApp(reengagement="status")`` switches to the second behaviour;
* media upload (multipart), ``GET /{media_id}`` (URL valid 5 minutes on the fake clock),
  download with Bearer, ``DELETE /{media_id}``;
* mark as read (``status: read``).

Webhook bodies are serialised like Meta's: compact separators and non-ASCII escaped as
``\\uXXXX`` (Meta signs "an escaped unicode version of the payload, with lowercase hex
digits"), so a bot that re-serialises parsed JSON instead of hashing the raw bytes is caught
as soon as its own serialisation differs; ``post_webhook(..., ensure_ascii=False)`` sends
raw UTF-8 instead.

BSUID (business-scoped user id, rolled out from April 2026): ``fake.user(..., user_id=...)``
adds ``contacts[].user_id`` and ``messages[].from_user_id`` to inbound webhooks,
``recipient_user_id`` to status webhooks of messages sent to the BSUID, and the fake accepts
the BSUID in ``to`` (first docs) or ``recipient`` (March 2026 docs).  ``username=`` adds
``contacts[].profile.username``; ``phone_hidden=True`` sends ``wa_id``/``from`` as "" (a
username adopter outside the 30-day phone window).
"""

from __future__ import annotations

import asyncio
import base64
import copy
import hashlib
import hmac
import itertools
import json
import logging
import re
import secrets
import time
from collections import deque
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

import aiohttp
from aiohttp import web

from tests.fakes.server import LocalServer

__all__ = [
    "DEFAULT_ACCESS_TOKEN",
    "DEFAULT_API_VERSION",
    "DEFAULT_PHONE_NUMBER_ID",
    "Call",
    "FakeWhatsApp",
    "FakeWhatsAppUser",
    "GraphError",
    "StoredMedia",
    "UploadedPart",
    "WhatsAppPerson",
    "sign",
    "webhook_body",
]

log = logging.getLogger(__name__)

Json = dict[str, Any]

DEFAULT_PHONE_NUMBER_ID = "1234567890"
DEFAULT_ACCESS_TOKEN = "TEST-TOKEN"
DEFAULT_API_VERSION = "v23.0"
DEFAULT_WABA_ID = "102290129340398"
DEFAULT_DISPLAY_PHONE_NUMBER = "77270000000"

# --- Limits.  Sources: developers.facebook.com/documentation/business-messaging/whatsapp/...
# messages/text-messages: body "Maximum 4096 characters".
TEXT_BODY_LIMIT = 4096
# messages/image-messages, document-messages: "<MEDIA_CAPTION_TEXT> Maximum 1024 characters".
CAPTION_LIMIT = 1024
# messages/interactive-reply-buttons-messages (Nov 2025): BODY_TEXT 1024, BUTTON_ID 256,
# BUTTON_LABEL_TEXT 20 and unique, up to 3 buttons, FOOTER_TEXT 60, text header 60.
BUTTON_BODY_LIMIT = 1024
BUTTONS_MAX = 3
BUTTON_TITLE_LIMIT = 20
BUTTON_ID_LIMIT = 256
HEADER_TEXT_LIMIT = 60
FOOTER_TEXT_LIMIT = 60
# messages/interactive-list-messages (Nov 2025): BUTTON_TEXT 20, ROW_TITLE 24,
# ROW_DESCRIPTION 72, ROW_ID 200, SECTION_TITLE 24, "up to 10 sections, with up to 10 rows
# for all sections combined", text header only (60).  Section title required with more than
# one section: older Cloud API reference (section object).
LIST_BUTTON_LIMIT = 20
LIST_SECTIONS_MAX = 10
LIST_ROWS_MAX = 10
ROW_TITLE_LIMIT = 24
ROW_DESCRIPTION_LIMIT = 72
ROW_ID_LIMIT = 200
SECTION_TITLE_LIMIT = 24
# The list page says MESSAGE_BODY_TEXT "Maximum 4096 characters"; the older interactive
# object reference (and every BSP doc seen) says 1024 for all interactive bodies.  The fake
# enforces 1024 by default (the project builds interactive bodies <= 1024 anyway); pass
# FakeWhatsApp(list_body_limit=LIST_BODY_LIMIT_META) to follow the newer page.
LIST_BODY_LIMIT = 1024
LIST_BODY_LIMIT_META = 4096
# Customer service window ("24-hour window" / error 131047).
SERVICE_WINDOW_SECONDS = 24 * 3600
# Media URLs from GET /{media_id} "are valid for 5 minutes" (media reference).
MEDIA_URL_TTL_SECONDS = 5 * 60
# Supported media (media reference): image jpeg/png 5 MB, audio 16 MB, video 16 MB,
# document 100 MB, sticker webp 500 KB (animated; static is 100 KB).
MEDIA_SIZE_LIMITS: dict[str, int] = {
    "image": 5 * 1024 * 1024,
    "audio": 16 * 1024 * 1024,
    "video": 16 * 1024 * 1024,
    "document": 100 * 1024 * 1024,
    "sticker": 500 * 1024,
}
IMAGE_MIME_TYPES = frozenset({"image/jpeg", "image/png"})
CLIENT_MAX_SIZE = MEDIA_SIZE_LIMITS["document"] + 10 * 1024 * 1024

MESSAGE_TYPES = frozenset(
    {
        "text",
        "image",
        "audio",
        "video",
        "document",
        "sticker",
        "location",
        "contacts",
        "interactive",
        "template",
        "reaction",
    }
)
MEDIA_TYPES = frozenset({"image", "audio", "video", "document", "sticker"})
INTERACTIVE_TYPES = frozenset(
    {
        "button",
        "list",
        "cta_url",
        "flow",
        "location_request_message",
        "product",
        "product_list",
        "catalog_message",
        "address_message",
        "call_permission_request",
        "voice_call",
    }
)

# code -> (title, default details, HTTP status).  Titles/details from the error-codes page;
# 132001 answers 404 (seen in real responses), 131000 is a server error, the rest 400.
KNOWN_ERRORS: dict[int, tuple[str, str, int]] = {
    100: ("Invalid parameter", "Invalid parameter", 400),
    130429: ("Rate limit hit", "Cloud API message throughput has been reached.", 400),
    131000: ("Something went wrong", "Message failed to send due to an unknown error.", 500),
    131009: ("Parameter value is not valid", "Parameter value is not valid", 400),
    131026: (
        "Message undeliverable",
        "Unable to deliver message. Reasons can include: The recipient phone number is not a "
        "WhatsApp phone number.",
        400,
    ),
    131047: (
        "Re-engagement message",
        "Message failed to send because more than 24 hours have passed since the customer last "
        "replied to this number.",
        400,
    ),
    131048: (
        "Spam rate limit hit",
        "Message failed to send because there are restrictions on how many messages can be sent "
        "from this phone number.",
        400,
    ),
    131051: ("Unsupported message type", "Message type is not currently supported.", 400),
    131053: ("Media upload error", "Unable to upload the media used in the message.", 400),
    131056: (
        "(Business Account, Consumer Account) pair rate limit hit",
        "Message failed to send because there were too many messages sent from this phone "
        "number to the same phone number in a short period of time.",
        400,
    ),
    132000: (
        "Number of parameters does not match the expected number of params",
        "Number of parameters does not match the expected number of params",
        400,
    ),
    132001: (
        "Template name does not exist in the translation",
        "Template name does not exist in the translation",
        404,
    ),
}
ERROR_CODES_URL = "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/"


# --------------------------------------------------------------------------------------------
# Errors and records
# --------------------------------------------------------------------------------------------


class GraphError(Exception):
    """A Graph API error answer: ``{"error": {message, type, code, error_data, fbtrace_id}}``."""

    def __init__(
        self,
        code: int,
        message: str | None = None,
        details: str | None = None,
        *,
        status: int | None = None,
        error_type: str = "OAuthException",
        subcode: int | None = None,
        with_error_data: bool = True,
    ) -> None:
        title, default_details, default_status = KNOWN_ERRORS.get(
            code, ("Unknown error", "Unknown error", 400)
        )
        self.code = code
        self.message = message if message is not None else f"(#{code}) {title}"
        self.details = details if details is not None else default_details
        self.status = status if status is not None else default_status
        self.error_type = error_type
        self.subcode = subcode
        self.with_error_data = with_error_data
        super().__init__(f"{self.message}: {self.details}")

    def body(self) -> Json:
        error: Json = {"message": self.message, "type": self.error_type, "code": self.code}
        if self.subcode is not None:
            error["error_subcode"] = self.subcode
        if self.with_error_data:
            error["error_data"] = {"messaging_product": "whatsapp", "details": self.details}
        error["fbtrace_id"] = "A" + secrets.token_urlsafe(16)
        return {"error": error}


def _invalid(details: str) -> GraphError:
    """Interactive-message limit violation: Meta answers 131009 with a ``details`` text."""
    return GraphError(131009, details=details)


def _bad_param(details: str, message: str | None = None) -> GraphError:
    return GraphError(100, message or "(#100) Invalid parameter", details)


def _unsupported(method: str, object_id: str) -> GraphError:
    message = (
        f"Unsupported {method.lower()} request. Object with ID '{object_id}' does not exist, "
        "cannot be loaded due to missing permissions, or does not support this operation. "
        "Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api"
    )
    return GraphError(
        100,
        message,
        status=400,
        error_type="GraphMethodException",
        subcode=33,
        with_error_data=False,
    )


@dataclass
class UploadedPart:
    """A multipart file part as the fake received it."""

    filename: str | None
    content_type: str | None
    data: bytes = field(repr=False)


@dataclass
class Call:
    """One HTTP request to the fake, as recorded (failures included)."""

    method: str
    path: str
    json: Json | None
    status: int
    response: Json | None
    form: dict[str, str] | None = None  # multipart text fields (media upload)
    files: dict[str, UploadedPart] = field(default_factory=dict)
    body: bytes | None = field(default=None, repr=False)  # raw body when not multipart
    injected: bool = False  # produced by fail_next / rate_limit_next / drop_next

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @property
    def error(self) -> Json | None:
        if self.response is None or self.ok:
            return None
        error = self.response.get("error")
        return error if isinstance(error, dict) else None

    @property
    def error_code(self) -> int | None:
        error = self.error
        return None if error is None else error.get("code")

    @property
    def error_details(self) -> str | None:
        error = self.error
        if error is None:
            return None
        return (error.get("error_data") or {}).get("details") or error.get("message")


@dataclass
class StoredMedia:
    media_id: str
    data: bytes = field(repr=False)
    mime_type: str
    file_size: int  # may differ from len(data): tests fake big files cheaply
    sha256: str  # hex of the real bytes
    filename: str | None = None
    uploaded: bool = False  # True: the bot uploaded it; False: a user sent it
    deleted: bool = False


@dataclass
class _Fault:
    kind: Literal["error", "drop"]
    error: GraphError | None = None


@dataclass
class _Template:
    name: str
    languages: frozenset[str]
    parameters: int


@dataclass
class _Sent:
    key: str  # canonical recipient key (see FakeWhatsApp._resolve)
    wamid: str
    message: Json  # request JSON plus "id": wamid
    at: float
    to_bsuid: bool


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------


def sign(body: bytes, app_secret: str) -> str:
    """``X-Hub-Signature-256`` value: ``"sha256=" + hex HMAC-SHA256(app_secret, body)``."""
    digest = hmac.new(app_secret.encode("utf-8"), body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def webhook_body(payload: Json, *, ensure_ascii: bool = True) -> bytes:
    """Serialise a webhook payload the way Meta does (compact, non-ASCII escaped)."""
    return json.dumps(payload, ensure_ascii=ensure_ascii, separators=(",", ":")).encode("utf-8")


def _digits(value: str) -> str:
    return re.sub(r"\D", "", value)


def _looks_like_phone(value: str) -> bool:
    return bool(re.fullmatch(r"\+?[\d\s\-()]{5,}", value))


def _b64_sha256(data: bytes) -> str:
    # Webhook media objects carry the hash base64-encoded; GET /{media_id} gives hex.
    return base64.b64encode(hashlib.sha256(data).digest()).decode("ascii")


def _require_dict(value: Any, name: str) -> Json:
    if not isinstance(value, dict):
        raise _bad_param(f"Param {name} must be a JSON object", f"(#100) Param {name} is required")
    return value


def _text_len_check(value: Any, limit: int, label: str) -> str:
    """Meta's interactive texts: 1..limit characters, else 131009 '<label> length invalid'."""
    if not isinstance(value, str) or not value or len(value) > limit:
        raise _invalid(f"{label} length invalid. Min length: 1, Max length: {limit}")
    return value


# --------------------------------------------------------------------------------------------
# Users (webhook payload builders)
# --------------------------------------------------------------------------------------------


class FakeWhatsAppUser:
    """A WhatsApp user; every builder returns the full webhook JSON Meta would POST.

    Building a payload marks the user as having written "now" on the fake clock (opens the
    24-hour window), like the real message would.
    """

    def __init__(
        self,
        fake: FakeWhatsApp,
        wa_id: str,
        name: str,
        user_id: str | None = None,
        *,
        username: str | None = None,
        phone_hidden: bool = False,
    ) -> None:
        self.fake = fake
        self.wa_id = wa_id
        self.name = name
        self.user_id = user_id
        self.username = username
        self.phone_hidden = phone_hidden

    @property
    def key(self) -> str:
        return self.wa_id

    # ------------------------------------------------------------------ envelope

    def contact(self) -> Json:
        profile: Json = {"name": self.name}
        if self.username is not None:
            profile["username"] = self.username
        contact: Json = {"profile": profile, "wa_id": "" if self.phone_hidden else self.wa_id}
        if self.user_id is not None:
            contact["user_id"] = self.user_id
        return contact

    def message(self, kind: str, content: Json | None = None, **extra: Any) -> Json:
        """A ``messages[]`` item (without building the webhook); ``extra`` keys go first."""
        message: Json = dict(extra)
        message["from"] = "" if self.phone_hidden else self.wa_id
        if self.user_id is not None:
            message["from_user_id"] = self.user_id
        message["id"] = self.fake.new_wamid(self.wa_id, inbound=True)
        message["timestamp"] = str(int(self.fake.now()))
        message["type"] = kind
        if content is not None:
            message[kind] = content
        return message

    def webhook(self, message: Json, *, record: bool = True) -> Json:
        """Wrap one ``messages[]`` item in the full webhook envelope."""
        if record:
            self.fake.record_inbound(self.wa_id)
        self.fake.inbound_message_ids.add(message["id"])
        return self.fake.envelope({"contacts": [self.contact()], "messages": [message]})

    def _context(self, context_id: str | None, kinds: Iterable[str]) -> Json:
        if context_id is None:
            interactive = self.fake.last_interactive(self.wa_id, kinds)
            context_id = None if interactive is None else interactive["id"]
        if context_id is None:
            return {}
        return {"context": {"from": self.fake.display_phone_number, "id": context_id}}

    # ------------------------------------------------------------------ builders

    def text(self, body: str) -> Json:
        return self.webhook(self.message("text", {"body": body}))

    def button_reply(self, id: str, title: str, *, context_id: str | None = None) -> Json:
        """Tap on a reply button; ``context.id`` defaults to the last button message sent."""
        content = {"type": "button_reply", "button_reply": {"id": id, "title": title}}
        extra = self._context(context_id, ("button",))
        return self.webhook(self.message("interactive", content, **extra))

    def list_reply(
        self,
        id: str,
        title: str,
        description: str | None = None,
        *,
        context_id: str | None = None,
    ) -> Json:
        reply: Json = {"id": id, "title": title}
        if description is not None:
            reply["description"] = description
        content = {"type": "list_reply", "list_reply": reply}
        extra = self._context(context_id, ("list",))
        return self.webhook(self.message("interactive", content, **extra))

    def _media(self, kind: str, media: StoredMedia, **fields: Any) -> Json:
        content: Json = {k: v for k, v in fields.items() if v is not None}
        content.update(
            mime_type=media.mime_type,
            sha256=_b64_sha256(media.data),
            id=media.media_id,
            url=self.fake.download_url(media.media_id),
        )
        return self.webhook(self.message(kind, content))

    def image(self, data: bytes, mime_type: str = "image/jpeg", caption: str | None = None) -> Json:
        media = self.fake.media_store[self.fake.add_media(data, mime_type)]
        return self._media("image", media, caption=caption)

    def document(
        self,
        data: bytes,
        filename: str,
        mime_type: str = "application/pdf",
        file_size: int | None = None,
        caption: str | None = None,
    ) -> Json:
        """``file_size`` may lie (bigger than ``data``): what GET /{media_id} reports."""
        media_id = self.fake.add_media(data, mime_type, file_size, filename=filename)
        media = self.fake.media_store[media_id]
        return self._media("document", media, caption=caption, filename=filename)

    def audio(self, data: bytes = b"OggS\x00fake-voice", voice: bool = True) -> Json:
        media = self.fake.media_store[self.fake.add_media(data, "audio/ogg; codecs=opus")]
        return self._media("audio", media, voice=voice)

    def sticker(
        self, data: bytes = b"RIFF\x00\x00\x00\x00WEBPfake", animated: bool = False
    ) -> Json:
        media = self.fake.media_store[self.fake.add_media(data, "image/webp")]
        return self._media("sticker", media, animated=animated)

    def video(self, data: bytes = b"\x00\x00\x00\x18ftypmp42", caption: str | None = None) -> Json:
        media = self.fake.media_store[self.fake.add_media(data, "video/mp4")]
        return self._media("video", media, caption=caption)

    def location(
        self,
        latitude: float,
        longitude: float,
        name: str | None = None,
        address: str | None = None,
    ) -> Json:
        content: Json = {"latitude": latitude, "longitude": longitude}
        if name is not None:
            content["name"] = name
        if address is not None:
            content["address"] = address
        return self.webhook(self.message("location", content))

    def contacts(self, phone: str | None = None, name: str | None = None) -> Json:
        """A shared contact card; by default the user's own phone ("+" + wa_id)."""
        phone = phone if phone is not None else f"+{self.wa_id}"
        name = name if name is not None else self.name
        card = {
            "name": {"formatted_name": name, "first_name": name},
            "phones": [{"phone": phone, "wa_id": _digits(phone), "type": "CELL"}],
        }
        message = self.message("contacts")
        message["contacts"] = [card]
        return self.webhook(message)

    def reaction(self, message_id: str, emoji: str) -> Json:
        """A reaction to one of the bot's messages ("" removes the reaction)."""
        return self.webhook(self.message("reaction", {"message_id": message_id, "emoji": emoji}))

    def unsupported(self) -> Json:
        """What Meta sends for message kinds it cannot forward (e.g. polls, view-once)."""
        message = self.message("unsupported")
        title, details, _ = KNOWN_ERRORS[131051]
        message["errors"] = [
            {
                "code": 131051,
                "title": title,
                "message": title,
                "error_data": {"details": details},
            }
        ]
        return self.webhook(message)

    def __repr__(self) -> str:
        return (
            f"FakeWhatsAppUser(wa_id={self.wa_id!r}, name={self.name!r}, user_id={self.user_id!r})"
        )


# --------------------------------------------------------------------------------------------
# The server
# --------------------------------------------------------------------------------------------


class FakeWhatsApp(LocalServer):
    """In-process fake of the WhatsApp Cloud API.  See the module docstring."""

    def __init__(
        self,
        phone_number_id: str = DEFAULT_PHONE_NUMBER_ID,
        access_token: str = DEFAULT_ACCESS_TOKEN,
        api_version: str = DEFAULT_API_VERSION,
        *,
        waba_id: str = DEFAULT_WABA_ID,
        display_phone_number: str = DEFAULT_DISPLAY_PHONE_NUMBER,
        list_body_limit: int = LIST_BODY_LIMIT,
        reengagement: Literal["reject", "status"] = "reject",
        file_size_as_string: bool = False,
    ) -> None:
        super().__init__()
        self.phone_number_id = phone_number_id
        self.access_token = access_token
        self.api_version = api_version
        self.waba_id = waba_id
        self.display_phone_number = display_phone_number
        self.list_body_limit = list_body_limit
        self.reengagement = reengagement
        # Meta's docs show file_size as a string, live answers have shown a number: the bot
        # should accept both.
        self.file_size_as_string = file_size_as_string

        # Public records.
        self.calls: list[Call] = []
        self.rejected: list[Call] = []  # non-injected failures: the real API would refuse too
        self.read_receipts: list[str] = []  # message ids marked as read
        self.downloads: list[str] = []  # media ids downloaded
        self.webhooks: list[tuple[Json, int]] = []  # (payload, bot's HTTP status)
        # "failed" status webhooks Meta would send (reengagement="status"); post them yourself.
        self.pending_statuses: list[Json] = []
        self.media_store: dict[str, StoredMedia] = {}
        self.inbound_message_ids: set[str] = set()

        self._sent: list[_Sent] = []
        self._users: dict[str, FakeWhatsAppUser] = {}  # by wa_id and by user_id
        self._last_inbound: dict[str, float] = {}
        self._templates: dict[str, _Template] = {}
        self._faults: dict[str, deque[_Fault]] = {}
        self._hold: asyncio.Event | None = None  # hold_sends
        self.holding = asyncio.Event()  # a send is held
        self._clock_offset = 0.0
        self._media_ids = itertools.count(1_037_543_291_543_636)
        self._wamid_seq = itertools.count(1)
        self._salt = secrets.token_hex(3).upper()

        self._session: aiohttp.ClientSession | None = None

    # ---------------------------------------------------------------------------- lifecycle

    def app(self) -> web.Application:
        app = web.Application(client_max_size=CLIENT_MAX_SIZE)
        app.router.add_route("GET", "/media-download/{media_id}", self._on_download)
        app.router.add_route("*", r"/{version:v\d+\.\d+}/{path:.*}", self._on_graph)
        app.router.add_route("*", "/{path:.*}", self._on_unknown)
        return app

    async def stop(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None
        await super().stop()

    @property
    def base_url(self) -> str:
        """Graph base URL the bot's client is configured with, e.g. ``.../v23.0``."""
        return f"{self.root_url}/{self.api_version}"

    # ---------------------------------------------------------------------------- clock

    def now(self) -> float:
        """The fake's clock (real time plus everything passed to ``advance``)."""
        return time.time() + self._clock_offset

    def advance(self, seconds: float) -> None:
        self._clock_offset += seconds

    # ---------------------------------------------------------------------------- world setup

    def user(
        self,
        wa_id: str = "77011234567",
        name: str = "Айгүл",
        user_id: str | None = None,
        *,
        username: str | None = None,
        phone_hidden: bool = False,
    ) -> FakeWhatsAppUser:
        """Create a user, or return the existing one with that ``wa_id``.

        ``user_id`` is a BSUID such as ``"KZ.13491208655302741918"``.
        """
        wa_id = _digits(wa_id)
        existing = self._users.get(wa_id)
        if existing is not None:
            return existing
        if phone_hidden and user_id is None:
            raise ValueError("a user whose phone is hidden needs a user_id (BSUID)")
        user = FakeWhatsAppUser(
            self, wa_id, name, user_id, username=username, phone_hidden=phone_hidden
        )
        self._users[wa_id] = user
        if user_id is not None:
            self._users[user_id] = user
        return user

    def record_inbound(self, wa_id: str) -> None:
        """The user (wa_id or BSUID) wrote now: opens/renews the 24-hour window."""
        self._last_inbound[self._resolve(wa_id)[0]] = self.now()

    def window_open(self, wa_id: str) -> bool:
        last = self._last_inbound.get(self._resolve(wa_id)[0])
        return last is not None and self.now() - last < SERVICE_WINDOW_SECONDS

    def approve_template(
        self,
        name: str,
        languages: Iterable[str] = ("kk", "ru", "en"),
        parameters: int = 2,
    ) -> None:
        """Register an approved template: languages and the number of body parameters."""
        self._templates[name] = _Template(name, frozenset(languages), parameters)

    def add_media(
        self,
        data: bytes,
        mime_type: str,
        file_size: int | None = None,
        *,
        filename: str | None = None,
    ) -> str:
        """Store media as if a user had sent it; returns its media id.

        ``file_size`` is what GET /{media_id} reports and may lie (a 1-byte "30 MB" file).
        """
        media_id = str(next(self._media_ids))
        self.media_store[media_id] = StoredMedia(
            media_id=media_id,
            data=data,
            mime_type=mime_type,
            file_size=len(data) if file_size is None else file_size,
            sha256=hashlib.sha256(data).hexdigest(),
            filename=filename,
        )
        return media_id

    def media_bytes(self, media_id: str) -> bytes:
        return self.media_store[media_id].data

    def download_url(self, media_id: str) -> str:
        """A download URL valid for 5 minutes of the fake clock."""
        expires = int(self.now()) + MEDIA_URL_TTL_SECONDS
        token = hashlib.sha256(f"{media_id}:{expires}:{self._salt}".encode()).hexdigest()[:16]
        return f"{self.root_url}/media-download/{media_id}?ext={expires}&hash={token}"

    def new_wamid(self, wa_id: str, *, inbound: bool = False) -> str:
        raw = f"{wa_id}:{'in' if inbound else 'out'}:{self._salt}:{next(self._wamid_seq):010d}"
        return "wamid." + base64.b64encode(raw.encode()).decode("ascii")

    # ---------------------------------------------------------------------------- faults

    def fail_next(
        self,
        status: int = 500,
        code: int = 131000,
        times: int = 1,
        *,
        message: str | None = None,
        details: str | None = None,
        endpoint: Literal["messages", "media", "media_get", "download"] = "messages",
    ) -> None:
        """Make the next ``times`` requests to ``endpoint`` fail (before any validation)."""
        error = GraphError(code, message, details, status=status)
        queue = self._faults.setdefault(endpoint, deque())
        queue.extend(_Fault("error", error) for _ in range(times))

    def rate_limit_next(self, code: int = 130429, times: int = 1, *, status: int = 400) -> None:
        """Throughput (130429) or pair (131056) rate limit on the next sends."""
        self.fail_next(status=status, code=code, times=times)

    def drop_next(
        self,
        times: int = 1,
        endpoint: Literal["messages", "media", "media_get", "download"] = "messages",
    ) -> None:
        """Close the connection without answering the next ``times`` requests."""
        self._faults.setdefault(endpoint, deque()).extend(_Fault("drop") for _ in range(times))

    def hold_sends(self) -> None:
        """Leave every send unanswered from now on (`holding` is set when one waits), until
        `release_sends`, which drops them unsent: the sender dies meanwhile."""
        self._hold = asyncio.Event()

    def release_sends(self) -> None:
        if self._hold is not None:
            self._hold.set()
        self._hold = None

    # ---------------------------------------------------------------------------- queries

    def sent(self, to: str | None = None) -> list[Json]:
        """Accepted outgoing messages (request JSON plus ``"id"``: the wamid), oldest first."""
        if to is None:
            return [copy.deepcopy(s.message) for s in self._sent]
        key = self._resolve(to)[0]
        return [copy.deepcopy(s.message) for s in self._sent if s.key == key]

    def last(self, to: str) -> Json:
        """The last accepted message to ``to`` (wa_id, phone or BSUID)."""
        messages = self.sent(to)
        if not messages:
            raise AssertionError(f"the bot sent nothing to {to}")
        return messages[-1]

    def last_interactive(self, to: str, kinds: Iterable[str] = ("button", "list")) -> Json | None:
        kinds = set(kinds)
        for message in reversed(self.sent(to)):
            if message.get("type") == "interactive" and message["interactive"].get("type") in kinds:
                return message
        return None

    def calls_to(self, suffix: str) -> list[Call]:
        """Calls whose path ends with ``suffix`` (e.g. ``"/messages"``)."""
        return [call for call in self.calls if call.path.endswith(suffix)]

    def assert_no_rejections(self) -> None:
        """Fail listing every request the (fake) API refused, e.g. in a fixture teardown."""
        if self.rejected:
            lines = [
                f"{c.method} {c.path} -> {c.status} {c.error_code}: {c.error_details} "
                f"(json: {c.json})"
                for c in self.rejected
            ]
            raise AssertionError("WhatsApp rejected calls:\n  " + "\n  ".join(lines))

    # ---------------------------------------------------------------------------- webhooks

    def envelope(self, value: Json, field_name: str = "messages") -> Json:
        """The ``whatsapp_business_account`` envelope around one ``changes[].value``."""
        full: Json = {
            "messaging_product": "whatsapp",
            "metadata": {
                "display_phone_number": self.display_phone_number,
                "phone_number_id": self.phone_number_id,
            },
        }
        full.update(value)
        return {
            "object": "whatsapp_business_account",
            "entry": [{"id": self.waba_id, "changes": [{"value": full, "field": field_name}]}],
        }

    def status(
        self,
        message_id: str,
        status: Literal["sent", "delivered", "read", "failed"],
        recipient: str | FakeWhatsAppUser,
        *,
        error_code: int = 131026,
        error_details: str | None = None,
    ) -> Json:
        """A statuses webhook for one of the bot's messages; "failed" carries ``errors``."""
        wa_id = recipient.wa_id if isinstance(recipient, FakeWhatsAppUser) else recipient
        key, user = self._resolve(wa_id)
        to_bsuid = any(s.wamid == message_id and s.to_bsuid for s in self._sent)
        phone = "" if user is not None and user.phone_hidden and to_bsuid else key
        item: Json = {
            "id": message_id,
            "status": status,
            "timestamp": str(int(self.now())),
            "recipient_id": phone,
        }
        if to_bsuid and user is not None and user.user_id is not None:
            item["recipient_user_id"] = user.user_id
        value: Json = {}
        if status == "failed":
            title, default_details, _ = KNOWN_ERRORS.get(
                error_code, ("Unknown error", "Unknown error", 400)
            )
            item["errors"] = [
                {
                    "code": error_code,
                    "title": title,
                    "message": title,
                    "error_data": {"details": error_details or default_details},
                    "href": ERROR_CODES_URL,
                }
            ]
        else:
            item["pricing"] = {
                "billable": False,
                "pricing_model": "PMP",
                "type": "free_customer_service",
                "category": "service",
            }
            # BSUID rollout: sent/delivered/read carry contacts (omitted for failed).
            if user is not None and user.user_id is not None:
                value["contacts"] = [user.contact()]
        value["statuses"] = [item]
        return self.envelope(value)

    async def post_webhook(
        self,
        url: str,
        payload: Json,
        app_secret: str,
        *,
        signature: str | Literal["omit", "auto"] | None = "auto",
        ensure_ascii: bool = True,
    ) -> int:
        """POST ``payload`` to the bot like Meta; returns the bot's HTTP status.

        ``signature``: "auto" signs the exact bytes sent; None/"omit" sends no header; any
        other string is sent as the header value (e.g. a wrong signature).
        """
        body = webhook_body(payload, ensure_ascii=ensure_ascii)
        headers = {"Content-Type": "application/json", "User-Agent": "facebookexternalua"}
        if signature == "auto":
            headers["X-Hub-Signature-256"] = sign(body, app_secret)
        elif signature is not None and signature != "omit":
            headers["X-Hub-Signature-256"] = signature
        async with self._client().post(url, data=body, headers=headers) as response:
            await response.read()
            self.webhooks.append((payload, response.status))
            return response.status

    async def verify_webhook(
        self, url: str, verify_token: str, challenge: str = "1158201444"
    ) -> tuple[int, str]:
        """Meta's subscription handshake (GET hub.mode/hub.verify_token/hub.challenge)."""
        params = {
            "hub.mode": "subscribe",
            "hub.challenge": challenge,
            "hub.verify_token": verify_token,
        }
        async with self._client().get(url, params=params) as response:
            return response.status, await response.text()

    def _client(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30))
        return self._session

    # ---------------------------------------------------------------------------- HTTP

    def _authorized(self, request: web.Request) -> bool:
        return request.headers.get("Authorization", "") == f"Bearer {self.access_token}"

    def _record(self, call: Call) -> None:
        self.calls.append(call)
        if not call.ok and not call.injected:
            self.rejected.append(call)

    def _respond(self, call: Call, body: Json, status: int = 200) -> web.Response:
        call.status = status
        call.response = body
        self._record(call)
        return web.json_response(body, status=status)

    def _fail(self, call: Call, error: GraphError) -> web.Response:
        return self._respond(call, error.body(), error.status)

    def _inject_drop(self, request: web.Request, call: Call) -> None:
        call.injected = True
        call.status = 0
        self._record(call)
        if request.transport is not None:
            request.transport.close()

    def _inject(self, request: web.Request, call: Call, endpoint: str) -> web.Response | None:
        queue = self._faults.get(endpoint)
        if not queue:
            return None
        fault = queue.popleft()
        call.injected = True
        if fault.kind == "drop":
            self._inject_drop(request, call)
            return web.Response()
        assert fault.error is not None
        return self._fail(call, fault.error)

    @staticmethod
    def _auth_error() -> GraphError:
        return GraphError(
            190,
            "Invalid OAuth access token - Cannot parse access token",
            status=401,
            with_error_data=False,
        )

    async def _on_unknown(self, request: web.Request) -> web.Response:
        call = Call(request.method, request.path, None, 0, None, body=await request.read())
        return self._fail(call, _unsupported(request.method, request.path.strip("/") or "/"))

    async def _on_graph(self, request: web.Request) -> web.StreamResponse:
        parts = [p for p in request.match_info["path"].split("/") if p]
        call = Call(request.method, request.path, None, 0, None)
        if not self._authorized(request):
            call.body = await request.read()
            return self._fail(call, self._auth_error())
        try:
            if request.method == "POST" and parts == [self.phone_number_id, "messages"]:
                return await self._post_messages(request, call)
            if request.method == "POST" and parts == [self.phone_number_id, "media"]:
                return await self._post_media(request, call)
            if len(parts) == 1 and parts[0] in self.media_store:
                if request.method == "GET":
                    return await self._get_media(request, call, parts[0])
                if request.method == "DELETE":
                    return self._delete_media(call, parts[0])
            call.body = await request.read()
            return self._fail(call, _unsupported(request.method, "/".join(parts) or "/"))
        except GraphError as error:
            return self._fail(call, error)
        except Exception as exc:  # a bug in the fake: make it loud, not a silent 500
            log.exception("fake WhatsApp crashed on %s %s", request.method, request.path)
            return self._fail(call, GraphError(131000, details=f"fake crashed: {exc!r}"))

    # ---------------------------------------------------------------------------- messages

    async def _post_messages(self, request: web.Request, call: Call) -> web.StreamResponse:
        call.body = await request.read()
        try:
            payload = json.loads(call.body or b"null")
        except ValueError:
            payload = None
        if isinstance(payload, dict):
            call.json = payload
        if self._hold is not None:  # the sender is to die while Meta has not answered
            self.holding.set()
            await self._hold.wait()
            self._inject_drop(request, call)
            return web.Response()
        injected = self._inject(request, call, "messages")
        if injected is not None:
            return injected
        if not isinstance(payload, dict):
            raise _bad_param("Request body must be a JSON object")

        product = payload.get("messaging_product")
        if product is None:
            raise _bad_param(
                "The parameter messaging_product is required.",
                "(#100) The parameter messaging_product is required.",
            )
        if product != "whatsapp":
            raise _bad_param(
                f'Param messaging_product must be one of {{WHATSAPP}} - got "{product}".'
            )

        if payload.get("status") == "read":  # mark as read (optionally with typing indicator)
            message_id = payload.get("message_id")
            if not isinstance(message_id, str) or not message_id:
                raise _bad_param(
                    "The parameter message_id is required.",
                    "(#100) The parameter message_id is required.",
                )
            self.read_receipts.append(message_id)
            return self._respond(call, {"success": True})

        recipient_type = payload.get("recipient_type", "individual")
        if recipient_type != "individual":
            raise _bad_param(f'Param recipient_type must be "individual" - got "{recipient_type}".')
        to = payload.get("to")
        bsuid = payload.get("recipient")
        target = to if isinstance(to, str) and to else bsuid  # "to" wins (BSUID docs)
        if not isinstance(target, str) or not target:
            raise _bad_param(
                "The parameter to is required.", "(#100) The parameter to is required."
            )
        kind = payload.get("type")
        if kind is None:
            raise _bad_param(
                "The parameter type is required.", "(#100) The parameter type is required."
            )
        if kind not in MESSAGE_TYPES:
            raise _bad_param(f"Param type must be one of {sorted(MESSAGE_TYPES)} - got {kind!r}.")
        context = payload.get("context")
        if context is not None and not isinstance(
            _require_dict(context, "context").get("message_id"), str
        ):
            raise _bad_param("Param context['message_id'] must be a string.")

        self._validate_content(kind, payload)

        key, user = self._resolve(target)
        to_bsuid = user is not None and target == user.user_id
        window_closed = kind != "template" and not self.window_open(key)
        if window_closed and self.reengagement == "reject":
            raise GraphError(131047, "Re-engagement message")

        wamid = self.new_wamid(key)
        message = copy.deepcopy(payload)
        message["id"] = wamid
        contact: Json = {"input": target}
        if to_bsuid:
            assert user is not None
            contact["user_id"] = user.user_id
        else:
            contact["wa_id"] = key
        result: Json = {"id": wamid}
        if kind == "template":
            result["message_status"] = "accepted"
        if window_closed:  # reengagement == "status": accepted now, failed webhook later
            self.pending_statuses.append(self.status(wamid, "failed", key, error_code=131047))
        else:
            self._sent.append(_Sent(key, wamid, message, self.now(), to_bsuid))
        return self._respond(
            call,
            {"messaging_product": "whatsapp", "contacts": [contact], "messages": [result]},
        )

    def _resolve(self, identifier: str) -> tuple[str, FakeWhatsAppUser | None]:
        """Canonical recipient key (the user's wa_id when known) and the user, if any."""
        user = self._users.get(identifier)
        if user is None and _looks_like_phone(identifier):
            user = self._users.get(_digits(identifier))
            if user is None:
                return _digits(identifier), None
        if user is None:
            return identifier, None
        return user.key, user

    def _validate_content(self, kind: str, payload: Json) -> None:
        content = payload.get(kind)
        if content is None:
            raise _bad_param(
                f"The parameter {kind} is required.", f"(#100) The parameter {kind} is required."
            )
        if kind == "contacts":  # a list of contact cards, each needs a name
            if not isinstance(content, list) or not content:
                raise _bad_param("Param contacts must be a non-empty array.")
            for card in content:
                name = _require_dict(card, "contacts[]").get("name")
                if not isinstance(name, dict) or not name.get("formatted_name"):
                    raise _bad_param("Param contacts[]['name']['formatted_name'] is required.")
            return
        content = _require_dict(content, kind)
        if kind == "text":
            body = content.get("body")
            if not isinstance(body, str) or not body:
                raise _bad_param("Param text['body'] must be a non-empty string.")
            if len(body) > TEXT_BODY_LIMIT:
                raise _bad_param(
                    f"Param text['body'] must be at most {TEXT_BODY_LIMIT} characters long."
                )
        elif kind in MEDIA_TYPES:
            self._validate_media_object(content, kind)
        elif kind == "location":
            for name in ("latitude", "longitude"):
                if not isinstance(content.get(name), int | float | str):
                    raise _bad_param(f"Param location['{name}'] is required.")
        elif kind == "reaction":
            if not isinstance(content.get("message_id"), str):
                raise _bad_param("Param reaction['message_id'] is required.")
            if not isinstance(content.get("emoji"), str):  # "" removes a reaction
                raise _bad_param("Param reaction['emoji'] is required.")
        elif kind == "interactive":
            self._validate_interactive(content)
        elif kind == "template":
            self._validate_template(content)

    def _validate_media_object(self, media: Json, name: str, *, header: bool = False) -> None:
        media_id, link = media.get("id"), media.get("link")
        if (media_id is None) == (link is None):
            raise _bad_param(f"Param {name} must have exactly one of 'id' (uploaded) or 'link'.")
        if media_id is not None:
            stored = self.media_store.get(str(media_id))
            if stored is None or stored.deleted:
                raise _bad_param(
                    f"Param {name}['id'] is not a valid whatsapp business account media "
                    "attachment ID",
                    f"(#100) Param {name}['id'] is not a valid whatsapp business account media "
                    "attachment ID",
                )
        elif not isinstance(link, str) or not link.startswith(("http://", "https://")):
            raise _bad_param(f"Param {name}['link'] must be a valid URL.")
        caption = media.get("caption")
        if caption is not None:
            if header or name in {"audio", "sticker"}:
                raise _bad_param(f"Param {name}['caption'] is not allowed for this media type.")
            if not isinstance(caption, str) or len(caption) > CAPTION_LIMIT:
                raise _bad_param(
                    f"Param {name}['caption'] must be at most {CAPTION_LIMIT} characters long."
                )

    # ---------------------------------------------------------------------------- interactive

    def _validate_interactive(self, interactive: Json) -> None:
        itype = interactive.get("type")
        if itype not in INTERACTIVE_TYPES:
            raise _bad_param(
                f"Param interactive['type'] must be one of {sorted(INTERACTIVE_TYPES)}."
            )
        footer = interactive.get("footer")
        if footer is not None:
            _text_len_check(
                _require_dict(footer, "interactive['footer']").get("text"),
                limit=FOOTER_TEXT_LIMIT,
                label="Footer text",
            )
        action = _require_dict(interactive.get("action"), "interactive['action']")
        if itype == "button":
            self._validate_body(interactive, BUTTON_BODY_LIMIT)
            self._validate_header(interactive.get("header"), media_allowed=True)
            self._validate_buttons(action)
        elif itype == "list":
            self._validate_body(interactive, self.list_body_limit)
            self._validate_header(interactive.get("header"), media_allowed=False)
            self._validate_list(action)
        elif itype == "cta_url":
            self._validate_body(interactive, BUTTON_BODY_LIMIT)
            parameters = _require_dict(action.get("parameters"), "action['parameters']")
            _text_len_check(
                parameters.get("display_text"),
                limit=BUTTON_TITLE_LIMIT,
                label="Display text",
            )
            if not isinstance(parameters.get("url"), str):
                raise _bad_param("Param action['parameters']['url'] is required.")

    @staticmethod
    def _validate_body(interactive: Json, limit: int) -> None:
        body = interactive.get("body")
        text = body.get("text") if isinstance(body, dict) else None
        # Verified details text: "Body text length invalid. Min length: 1, Max length: 1024".
        _text_len_check(text, limit=limit, label="Body text")

    def _validate_header(self, header: Any, *, media_allowed: bool) -> None:
        if header is None:
            return
        header = _require_dict(header, "interactive['header']")
        htype = header.get("type")
        if htype == "text":
            _text_len_check(header.get("text"), limit=HEADER_TEXT_LIMIT, label="Header text")
        elif htype in {"image", "video", "document"} and media_allowed:
            self._validate_media_object(
                _require_dict(header.get(htype), f"header['{htype}']"), htype, header=True
            )
        else:
            allowed = "text, image, video, document" if media_allowed else "text"
            raise _invalid(f"Header type must be one of: {allowed}")

    @staticmethod
    def _validate_buttons(action: Json) -> None:
        buttons = action.get("buttons")
        if not isinstance(buttons, list) or not 1 <= len(buttons) <= BUTTONS_MAX:
            # Verified details text.
            raise _invalid(
                f"Invalid buttons count. Min allowed buttons: 1, Max allowed buttons: {BUTTONS_MAX}"
            )
        ids: set[str] = set()
        titles: set[str] = set()
        for button in buttons:
            if not isinstance(button, dict) or button.get("type") != "reply":
                raise _invalid("Button type must be reply")
            reply = button.get("reply")
            reply = reply if isinstance(reply, dict) else {}
            # Verified details text: "Button title length invalid. Min length: 1, Max length: 20".
            title = _text_len_check(
                reply.get("title"), limit=BUTTON_TITLE_LIMIT, label="Button title"
            )
            button_id = _text_len_check(reply.get("id"), limit=BUTTON_ID_LIMIT, label="Button id")
            if button_id != button_id.strip():
                raise _invalid("Button id cannot have leading or trailing spaces")
            # Meta: titles "must be unique"; duplicate ids make replies ambiguous and are
            # refused too (details wording not verified).
            if title in titles:
                raise _invalid(f"Button title must be unique within the message: {title!r}")
            if button_id in ids:
                raise _invalid(f"Button id must be unique within the message: {button_id!r}")
            titles.add(title)
            ids.add(button_id)

    @staticmethod
    def _validate_list(action: Json) -> None:
        _text_len_check(action.get("button"), limit=LIST_BUTTON_LIMIT, label="Button text")
        sections = action.get("sections")
        if not isinstance(sections, list) or not 1 <= len(sections) <= LIST_SECTIONS_MAX:
            raise _invalid(
                "Invalid sections count. Min allowed sections: 1, "
                f"Max allowed sections: {LIST_SECTIONS_MAX}"
            )
        total = sum(len(s.get("rows") or []) if isinstance(s, dict) else 0 for s in sections)
        if total > LIST_ROWS_MAX:
            # Verified details text.
            raise _invalid(f"Total row count exceed max allowed count: {LIST_ROWS_MAX}")
        row_ids: set[str] = set()
        for section in sections:
            section = _require_dict(section, "section")
            title = section.get("title")
            if title is None:
                if len(sections) > 1:
                    raise _invalid("Section title is required when there is more than 1 section")
            else:
                _text_len_check(title, limit=SECTION_TITLE_LIMIT, label="Section title")
            rows = section.get("rows")
            if not isinstance(rows, list) or not rows:
                raise _invalid("Invalid rows count. Min allowed rows: 1")
            for row in rows:
                row = _require_dict(row, "row")
                row_title = row.get("title")
                if not isinstance(row_title, str) or not row_title:
                    raise _invalid("Row title is required")
                if len(row_title) > ROW_TITLE_LIMIT:
                    # Details text as seen in live 131009 answers.
                    raise _invalid(f"Row title is too long. Max length is {ROW_TITLE_LIMIT}")
                row_id = _text_len_check(row.get("id"), limit=ROW_ID_LIMIT, label="Row id")
                description = row.get("description")
                if description is not None and (
                    not isinstance(description, str) or len(description) > ROW_DESCRIPTION_LIMIT
                ):
                    raise _invalid(
                        f"Row description is too long. Max length is {ROW_DESCRIPTION_LIMIT}"
                    )
                if row_id in row_ids:
                    raise _invalid(f"Row id must be unique within the message: {row_id!r}")
                row_ids.add(row_id)

    # ---------------------------------------------------------------------------- templates

    def _validate_template(self, template: Json) -> None:
        name = template.get("name")
        language = template.get("language")
        code = language.get("code") if isinstance(language, dict) else None
        if not isinstance(name, str) or not name:
            raise _bad_param("Param template['name'] is required.")
        if not isinstance(code, str) or not code:
            raise _bad_param("Param template['language']['code'] is required.")
        approved = self._templates.get(name)
        if approved is None or code not in approved.languages:
            raise GraphError(132001, details=f"template name ({name}) does not exist in {code}")
        count = 0
        for component in template.get("components") or []:
            if isinstance(component, dict) and component.get("type") == "body":
                count += len(component.get("parameters") or [])
        if count != approved.parameters:
            raise GraphError(
                132000,
                details=(
                    f"body: number of localizable_params ({count}) does not match the expected "
                    f"number of params ({approved.parameters})"
                ),
            )

    # ---------------------------------------------------------------------------- media

    async def _post_media(self, request: web.Request, call: Call) -> web.StreamResponse:
        if not request.content_type.startswith("multipart/"):
            call.body = await request.read()
            raise _bad_param("Media upload must be multipart/form-data")
        form = await request.post()
        call.form = {k: v for k, v in form.items() if isinstance(v, str)}
        for name, value in form.items():
            if isinstance(value, web.FileField):
                call.files[name] = UploadedPart(
                    value.filename, value.content_type, value.file.read()
                )
        injected = self._inject(request, call, "media")
        if injected is not None:
            return injected
        if call.form.get("messaging_product") != "whatsapp":
            raise _bad_param(
                "The parameter messaging_product is required.",
                "(#100) The parameter messaging_product is required.",
            )
        part = call.files.get("file")
        if part is None:
            raise _bad_param(
                "The parameter file is required.", "(#100) The parameter file is required."
            )
        mime_type = call.form.get("type") or part.content_type
        if not mime_type:
            raise _bad_param(
                "The parameter type is required.", "(#100) The parameter type is required."
            )
        category = self._media_category(mime_type)
        if category == "image" and mime_type not in IMAGE_MIME_TYPES:
            raise GraphError(131053, details=f"Unsupported image type {mime_type}")
        limit = MEDIA_SIZE_LIMITS[category]
        if len(part.data) > limit:
            raise GraphError(
                131053, details=f"{category} file too big: {len(part.data)} > {limit} bytes"
            )
        media_id = self.add_media(part.data, mime_type, filename=part.filename)
        self.media_store[media_id].uploaded = True
        return self._respond(call, {"id": media_id})

    @staticmethod
    def _media_category(mime_type: str) -> str:
        if mime_type == "image/webp":
            return "sticker"
        major = mime_type.split("/", 1)[0]
        return major if major in {"image", "audio", "video"} else "document"

    async def _get_media(
        self, request: web.Request, call: Call, media_id: str
    ) -> web.StreamResponse:
        injected = self._inject(request, call, "media_get")
        if injected is not None:
            return injected
        stored = self.media_store[media_id]
        requested_phone = request.query.get("phone_number_id")
        if stored.deleted or (requested_phone not in (None, self.phone_number_id)):
            raise _unsupported("GET", media_id)
        size: int | str = str(stored.file_size) if self.file_size_as_string else stored.file_size
        return self._respond(
            call,
            {
                "messaging_product": "whatsapp",
                "url": self.download_url(media_id),
                "mime_type": stored.mime_type,
                "sha256": stored.sha256,
                "file_size": size,
                "id": media_id,
            },
        )

    def _delete_media(self, call: Call, media_id: str) -> web.StreamResponse:
        stored = self.media_store[media_id]
        if stored.deleted:
            raise _unsupported("DELETE", media_id)
        stored.deleted = True
        return self._respond(call, {"success": True})

    async def _on_download(self, request: web.Request) -> web.StreamResponse:
        media_id = request.match_info["media_id"]
        call = Call("GET", request.path, None, 0, None)
        if not self._authorized(request):
            return self._fail(call, self._auth_error())
        injected = self._inject(request, call, "download")
        if injected is not None:
            return injected
        stored = self.media_store.get(media_id)
        expires = request.query.get("ext")
        expired = expires is not None and expires.isdigit() and self.now() > int(expires)
        if stored is None or stored.deleted or expired:
            call.status = 404
            self._record(call)
            return web.Response(status=404, text="URL signature expired or media not found")
        self.downloads.append(media_id)
        call.status = 200
        self._record(call)
        return web.Response(body=stored.data, content_type=stored.mime_type.split(";")[0])


# --------------------------------------------------------------------------------------------
# Flow-test convenience
# --------------------------------------------------------------------------------------------


class WhatsAppPerson:
    """A user talking to the bot under test through signed webhooks.

    ``settle`` is provided by the bot under test and returns once it has finished processing
    everything posted so far.  Every action returns what the bot sent this user meanwhile.
    """

    def __init__(
        self,
        fake: FakeWhatsApp,
        user: FakeWhatsAppUser,
        webhook_url: str,
        app_secret: str,
        settle: Callable[[], Awaitable[None]],
    ) -> None:
        self.fake = fake
        self.user = user
        self.webhook_url = webhook_url
        self.app_secret = app_secret
        self.settle = settle

    async def send(self, payload: Json) -> list[Json]:
        """Post any webhook payload (e.g. ``user.location(...)``) and collect the replies."""
        mark = len(self.fake.sent(self.user.wa_id))
        status = await self.fake.post_webhook(self.webhook_url, payload, self.app_secret)
        if status != 200:
            # Meta retries non-200 answers for days: a bot must acknowledge every webhook.
            raise AssertionError(f"the bot answered the webhook with HTTP {status}, not 200")
        await self.settle()
        return self.fake.sent(self.user.wa_id)[mark:]

    async def say(self, text: str) -> list[Json]:
        return await self.send(self.user.text(text))

    async def tap(self, title: str) -> list[Json]:
        """Tap a reply button or list row by title in the last menu the bot sent this user."""
        menu = self.fake.last_interactive(self.user.wa_id)
        if menu is None:
            raise AssertionError(f"the bot sent {self.user.wa_id} no button or list message")
        interactive = menu["interactive"]
        options: list[tuple[str, str, str | None]] = []  # (id, title, description)
        if interactive["type"] == "button":
            for button in interactive["action"]["buttons"]:
                options.append((button["reply"]["id"], button["reply"]["title"], None))
        else:
            for section in interactive["action"]["sections"]:
                for row in section["rows"]:
                    options.append((row["id"], row["title"], row.get("description")))
        for option_id, option_title, description in options:
            if option_title == title:
                if interactive["type"] == "button":
                    payload = self.user.button_reply(option_id, title, context_id=menu["id"])
                else:
                    payload = self.user.list_reply(
                        option_id, title, description, context_id=menu["id"]
                    )
                return await self.send(payload)
        available = ", ".join(repr(t) for _, t, _ in options)
        raise AssertionError(
            f"no {interactive['type']} option titled {title!r} in the last menu sent to "
            f"{self.user.wa_id}; available: {available}"
        )

    async def send_document(
        self,
        data: bytes,
        filename: str,
        mime_type: str = "application/pdf",
        file_size: int | None = None,
        caption: str | None = None,
    ) -> list[Json]:
        return await self.send(self.user.document(data, filename, mime_type, file_size, caption))

    async def send_image(
        self, data: bytes, mime_type: str = "image/jpeg", caption: str | None = None
    ) -> list[Json]:
        return await self.send(self.user.image(data, mime_type, caption))

    def messages(self) -> list[Json]:
        return self.fake.sent(self.user.wa_id)

    def last(self) -> Json:
        return self.fake.last(self.user.wa_id)

    def __repr__(self) -> str:
        return f"WhatsAppPerson({self.user!r})"
