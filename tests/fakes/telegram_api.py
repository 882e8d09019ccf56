"""Fake Telegram Bot API server for end-to-end tests.

The real aiogram ``Bot`` talks to it over HTTP::

    fake = FakeTelegram()
    await fake.start()
    bot = Bot(fake.token, session=AiohttpSession(api=TelegramAPIServer.from_base(fake.base_url)))

Tests play users (``fake.user(...)``, ``fake.supergroup(...)``) and read what the bot sent
(``fake.sent_messages(chat_id)``, ``fake.calls``).  Calls are validated against the Bot API
spec JSON and the fake answers with the real server's error texts, so bugs the real API would
reject (unescaped HTML, 65-byte callback_data, 4097-char texts, unknown chats, ...) fail here.

Quick reference (see the docstrings for details)::

    user = fake.user(id=1001, first_name="Айгүл", language_code="kk")  # private chat id == 1001
    replies = await user.say("/start")          # send_text + settled() + new bot output
    await user.press(replies[-1], "Иә")         # tap an inline button by its text
    user.send_document(b"%PDF", "a.pdf", "application/pdf", file_size=25 * 2**20)
    staff = fake.supergroup(id=-100555, title="Staff", is_forum=True)
    fake.sent_messages(1001), fake.calls_of("sendMessage"), fake.rejected
    fake.fail_next("sendMessage", 429, retry_after=1); fake.drop_connection_next("getFile")
    await fake.settled(); await fake.wait_for(lambda call: call.method == "copyMessage")

Updates the bot did not ask for (aiogram sends allowed_updates = the event types it has
handlers for) are dropped like Telegram does; they land in ``fake.dropped_updates``.

Webhook mode: once the bot calls ``setWebhook``, getUpdates answers 409 (as Telegram does) and
each pushed update is POSTed to the webhook's URL with ``X-Telegram-Bot-Api-Secret-Token``,
one at a time and in order; a non-2xx answer or a failed connection is tried again (with a
growing pause) until the bot takes it, so ``say``/``press``/``settled`` work unchanged.
``deleteWebhook`` goes back to getUpdates. Like a local Bot API server, the fake posts to plain
``http://`` on 127.0.0.1 at any port (elsewhere: https on 443, 80, 88 or 8443 only)::

    fake.webhook                     # the webhook set, or None (url, secret_token, ...)
    fake.webhook_deliveries          # every POST: update_id, HTTP status or error
    fake.pause_webhook(); fake.resume_webhook()   # hold the queue, e.g. to forge requests
    await fake.post_to_webhook(fake.update_payload(update_id), secret="wrong")  # -> 403

Wire format notes (aiogram 3.x ``AiohttpSession.build_form_data``):

* every request is a form (urlencoded without files, multipart with files);
* ``None`` and ``""`` values are *omitted* (so ``text=""`` arrives as a missing field),
  other strings are sent raw, everything else is ``json.dumps``-ed (ints -> ``"5"``,
  bools -> ``"true"``, objects/lists -> JSON text);
* uploads always travel as ``field=attach://<random key>`` plus a multipart part named
  ``<random key>`` with the file name; nested media use the same ``attach://`` scheme.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import inspect
import itertools
import json
import logging
import math
import mimetypes
import os
import re
import time
import urllib.parse
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache, partial
from pathlib import Path
from types import EllipsisType
from typing import Any, ClassVar

import aiohttp
from aiohttp import web

from tests.fakes.server import LocalServer

__all__ = [
    "BOT_FIRST_NAME",
    "BOT_USERNAME",
    "DEFAULT_TOKEN",
    "ApiError",
    "BotApiSpec",
    "Call",
    "EntityParseError",
    "FakeChat",
    "FakeTelegram",
    "FakeUser",
    "RateViolation",
    "StoredFile",
    "UploadedFile",
    "Webhook",
    "WebhookDelivery",
    "find_spec_path",
    "parse_html",
    "parse_markdown",
    "parse_markdown_v2",
    "utf16_len",
]

log = logging.getLogger(__name__)

Json = dict[str, Any]

DEFAULT_TOKEN = "123456:TEST-TOKEN"
BOT_FIRST_NAME = "Test bot"
BOT_USERNAME = "test_applications_bot"
SPEC_FILE_NAME = "telegram-bot-api-10.1.json"
SPEC_ENV_VAR = "TELEGRAM_BOT_API_SPEC"

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
CALLBACK_DATA_LIMIT = 64  # bytes, UTF-8
CALLBACK_ANSWER_LIMIT = 200
INLINE_BUTTONS_LIMIT = 100
DOWNLOAD_LIMIT = 20 * 1024 * 1024  # getFile refuses bigger files
UPLOAD_LIMIT = 50 * 1024 * 1024
PHOTO_UPLOAD_LIMIT = 10 * 1024 * 1024
CLIENT_MAX_SIZE = UPLOAD_LIMIT + 10 * 1024 * 1024
GENERAL_TOPIC_ID = 1
# How long a test waits for the bot before calling it stuck: a guard against a hang, never a
# measure. On a loaded CI machine a submit (the PDF receipt, the staff card) once took > 5 s.
PATIENCE = 15.0
TOPIC_ICON_COLORS = frozenset({7322096, 16766590, 13338331, 9367192, 16749490, 16478047})
CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
SECRET_TOKEN_CHARS = re.compile(r"[A-Za-z0-9_-]*")
WEBHOOK_PORTS = frozenset({443, 80, 88, 8443})
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
MSG_WEBHOOK_ACTIVE = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)
# Updates the real API only sends when explicitly listed in allowed_updates.
OPT_IN_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})

MSG_NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup "
    "are exactly the same as a current content and reply markup of the message"
)
MSG_BAD_MARKUP = "Bad Request: can't parse reply keyboard markup JSON object"
MSG_QUERY_TOO_OLD = (
    "Bad Request: query is too old and response timeout expired or query ID is invalid"
)
MSG_NO_INLINE_TEXT_BUTTONS = (
    "Bad Request: can't parse inline keyboard button: "
    "Text buttons are unallowed in the inline keyboard"
)


# --------------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------------


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units: what Telegram counts for limits and entity offsets."""
    return len(text.encode("utf-16-le")) // 2


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


def _now() -> int:
    return int(time.time())


class ApiError(Exception):
    """A Bot API error response (``ok: false``)."""

    def __init__(self, error_code: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.error_code = error_code
        self.description = description
        self.retry_after = retry_after

    def body(self) -> Json:
        body: Json = {"ok": False, "error_code": self.error_code, "description": self.description}
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


def _bad(reason: str) -> ApiError:
    return ApiError(400, f"Bad Request: {reason}")


@dataclass
class UploadedFile:
    """A multipart file part as the fake received it."""

    name: str  # multipart part name (the random attach key aiogram generates)
    filename: str | None
    content_type: str | None
    data: bytes = field(repr=False)

    def __repr__(self) -> str:
        return (
            f"UploadedFile(name={self.name!r}, filename={self.filename!r}, size={len(self.data)})"
        )


@dataclass
class Call:
    """One API request as recorded by the fake (getUpdates polls are not recorded when ok)."""

    method: str
    params: dict[str, Any]
    files: dict[str, bytes]
    ok: bool
    result_or_error: Any  # the JSON result, or the error description
    error_code: int | None = None
    injected: bool = False  # produced by fail_next / drop_connection_next

    @property
    def description(self) -> str | None:
        return None if self.ok else str(self.result_or_error)


@dataclass
class RateViolation:
    method: str
    chat_id: int
    scope: str  # "chat" | "group" | "global"
    retry_after: int
    at: float


@dataclass
class StoredFile:
    file_id: str
    file_unique_id: str
    kind: str  # photo | document | voice | sticker | video | audio | animation
    data: bytes = field(repr=False)
    file_size: int  # may differ from len(data): tests fake big files cheaply
    file_path: str
    file_name: str | None = None
    mime_type: str | None = None
    url: str | None = None  # sent by the bot as an HTTP URL
    thumbnail_id: str | None = None


@dataclass
class _Fault:
    kind: str  # "error" | "drop"
    error_code: int = 500
    description: str = ""
    retry_after: int | None = None


@dataclass
class _Topic:
    thread_id: int
    name: str
    icon_color: int
    icon_custom_emoji_id: str | None = None
    closed: bool = False


@dataclass
class _MessageRecord:
    message: Json  # exactly what the API returns (reply keyboards are not part of Message)
    from_bot: bool
    out_seq: int = 0  # bumped on every bot send/edit, for "what is new since X"
    deleted: bool = False
    service: bool = False
    sent_markup: Json | None = None  # reply_markup as the bot sent it, any kind
    bot_reaction: list[Json] | None = None

    def view(self) -> Json:
        message = copy.deepcopy(self.message)
        if self.sent_markup is not None:
            message["reply_markup"] = copy.deepcopy(self.sent_markup)
        return message


@dataclass
class _Chat:
    id: int
    type: str  # private | group | supergroup
    title: str | None = None
    username: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    is_forum: bool = False
    started: bool = False  # private chats: the user has written to the bot
    topics: dict[int, _Topic] = field(default_factory=dict)
    messages: dict[int, _MessageRecord] = field(default_factory=dict)
    last_message_id: int = 0
    reply_keyboard: Json | None = None

    def as_chat(self) -> Json:
        chat: Json = {"id": self.id, "type": self.type}
        for key in ("title", "username", "first_name", "last_name"):
            value = getattr(self, key)
            if value is not None:
                chat[key] = value
        if self.is_forum:
            chat["is_forum"] = True
        return chat

    def next_message_id(self) -> int:
        self.last_message_id += 1
        return self.last_message_id


@dataclass
class _PendingUpdate:
    update_id: int
    kind: str
    payload: Json
    delivered: bool = False
    attempts: int = 0  # webhook POSTs of it that failed


@dataclass
class Webhook:
    """The webhook set by ``setWebhook`` (what ``getWebhookInfo`` reports)."""

    url: str
    secret_token: str | None = None
    max_connections: int = 40
    ip_address: str | None = None
    allowed_updates: list[str] | None = None
    last_error_date: int | None = None
    last_error_message: str | None = None


@dataclass(frozen=True)
class WebhookDelivery:
    """One POST of an update to the webhook: the bot's HTTP status, or why none came."""

    update_id: int
    status: int | None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


@dataclass
class _CallbackState:
    update_id: int
    user_id: int
    answered: bool = False
    answer: Json | None = None


@dataclass
class _Poll:
    transport: asyncio.BaseTransport | None
    conflict: bool = False  # superseded by another live poller: answer 409
    abandoned: bool = False  # its client is gone: end quietly


@dataclass
class _RateLimits:
    per_chat_per_second: float | None
    global_per_second: float | None
    per_group_per_minute: float | None


@dataclass
class _Request:
    method: str
    params: Json
    files: dict[str, bytes]
    parts: dict[str, UploadedFile]
    transport: asyncio.BaseTransport | None = None


# --------------------------------------------------------------------------------------------
# Bot API spec
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldSpec:
    name: str
    types: tuple[str, ...]
    required: bool

    @property
    def accepts_file(self) -> bool:
        return "InputFile" in self.types

    @property
    def is_json(self) -> bool:
        scalars = {"String", "Integer", "Float", "Boolean", "True", "InputFile"}
        return any(t not in scalars for t in self.types)


def find_spec_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """Locate the spec: explicit path, $TELEGRAM_BOT_API_SPEC, or ``<repo>/../shared/specs``."""
    if explicit is not None:
        path = Path(explicit)
        if not path.is_file():
            raise FileNotFoundError(f"Bot API spec not found at {path}")
        return path
    env = os.environ.get(SPEC_ENV_VAR)
    if env:
        return find_spec_path(env)
    vendored = Path(__file__).with_name(SPEC_FILE_NAME)  # drop-in copy next to this module
    if vendored.is_file():
        return vendored
    for parent in Path(__file__).resolve().parents:
        for candidate in (
            parent / "shared" / "specs" / SPEC_FILE_NAME,
            parent / "specs" / SPEC_FILE_NAME,
        ):
            if candidate.is_file():
                return candidate
    raise FileNotFoundError(
        f"{SPEC_FILE_NAME} not found next to the repo (<repo>/../shared/specs); "
        f"pass spec_path= or set ${SPEC_ENV_VAR}"
    )


class BotApiSpec:
    """The parts of the Bot API spec JSON the fake needs."""

    _cache: ClassVar[dict[Path, BotApiSpec]] = {}

    def __init__(self, data: Json) -> None:
        self.version: str = data.get("version", "?")
        self.methods: dict[str, Json] = data["methods"]
        self.types: dict[str, Json] = data["types"]
        self._by_lower = {name.lower(): name for name in self.methods}
        self._fields = {
            name: {
                f["name"]: FieldSpec(f["name"], tuple(f["types"]), bool(f["required"]))
                for f in method.get("fields", [])
            }
            for name, method in self.methods.items()
        }

    @classmethod
    def load(cls, path: str | os.PathLike[str] | None = None) -> BotApiSpec:
        resolved = find_spec_path(path).resolve()
        if resolved not in cls._cache:
            cls._cache[resolved] = cls(json.loads(resolved.read_text(encoding="utf-8")))
        return cls._cache[resolved]

    def canonical(self, method: str) -> str | None:
        """Method names are case-insensitive in the real API."""
        return self._by_lower.get(method.lower())

    def fields(self, method: str) -> dict[str, FieldSpec]:
        return self._fields[method]

    def type_fields(self, type_name: str) -> list[Json]:
        return list(self.types[type_name].get("fields", []))

    def minimal(self, type_name: str, _depth: int = 0) -> Json:
        """An object with every required field filled with a neutral value."""
        out: Json = {}
        for f in self.type_fields(type_name):
            if not f["required"]:
                continue
            kind = f["types"][0]
            if kind in ("Boolean", "True"):
                out[f["name"]] = False
            elif kind == "Integer":
                out[f["name"]] = 0
            elif kind == "Float":
                out[f["name"]] = 0.0
            elif kind == "String":
                out[f["name"]] = ""
            elif kind.startswith("Array of"):
                out[f["name"]] = []
            elif kind in self.types and _depth < 3:
                out[f["name"]] = self.minimal(kind, _depth + 1)
            else:
                out[f["name"]] = {}
        return out

    def update_kinds(self) -> frozenset[str]:
        return frozenset(f["name"] for f in self.type_fields("Update") if f["name"] != "update_id")

    def inline_button_actions(self) -> frozenset[str]:
        # "Exactly one of the fields other than text, icon_custom_emoji_id, and style".
        return frozenset(
            f["name"]
            for f in self.type_fields("InlineKeyboardButton")
            if f["name"] not in ("text", "icon_custom_emoji_id", "style")
        )

    def reply_button_actions(self) -> frozenset[str]:
        return frozenset(
            f["name"]
            for f in self.type_fields("KeyboardButton")
            if f["name"] not in ("text", "icon_custom_emoji_id", "style")
        )

    def reaction_emojis(self) -> frozenset[str]:
        for f in self.type_fields("ReactionTypeEmoji"):
            if f["name"] == "emoji":
                return frozenset(re.findall(r'"([^"]+)"', f["description"]))
        return frozenset()


# --------------------------------------------------------------------------------------------
# parse_mode parsers (ports of tdlib's behaviour, including its error texts)
# --------------------------------------------------------------------------------------------


class EntityParseError(ValueError):
    """parse_mode error; str() is the detail after "can't parse entities: "."""


def _sorted_entities(entities: list[Json]) -> list[Json]:
    return sorted(entities, key=lambda e: (e["offset"], -e["length"]))


_HTML_TAGS = frozenset(
    {
        "a",
        "b",
        "strong",
        "i",
        "em",
        "u",
        "ins",
        "s",
        "strike",
        "del",
        "span",
        "tg-spoiler",
        "tg-emoji",
        "tg-time",
        "code",
        "pre",
        "blockquote",
    }
)
_HTML_ENTITY_RE = re.compile(r"&(#[xX][0-9a-fA-F]{1,6}|#[0-9]{1,7}|[a-zA-Z]+);")
_HTML_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}  # the only named ones Telegram knows
_HTML_SIMPLE = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "span": "spoiler",
    "tg-spoiler": "spoiler",
    "code": "code",
    "pre": "pre",
}


def _decode_html_entity(text: str, i: int) -> tuple[str, int] | None:
    match = _HTML_ENTITY_RE.match(text, i)
    if match is None:
        return None  # Telegram keeps an unknown "&..." literally
    body = match.group(1)
    if body[0] == "#":
        code = int(body[2:], 16) if body[1] in "xX" else int(body[1:])
        if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            return None
        return chr(code), match.end() - i
    char = _HTML_NAMED.get(body)
    return (char, match.end() - i) if char is not None else None


@dataclass
class _OpenTag:
    name: str
    attrs: dict[str, str]
    offset: int
    begin: int
    language: str | None = None


def _parse_html_start_tag(text: str, begin: int) -> tuple[str, dict[str, str], int]:
    n = len(text)
    where = _byte_offset(text, begin)
    unclosed = EntityParseError(f"Unclosed start tag at byte offset {where}")
    i = begin + 1
    while i < n and not text[i].isspace() and text[i] != ">":
        i += 1
    if i >= n:
        raise unclosed
    tag = text[begin + 1 : i].lower()
    if tag not in _HTML_TAGS:
        raise EntityParseError(f'Unsupported start tag "{tag}" at byte offset {where}')
    attrs: dict[str, str] = {}
    while True:
        while i < n and text[i].isspace():
            i += 1
        if i >= n:
            raise unclosed
        if text[i] == ">":
            i += 1
            break
        name_start = i
        while i < n and not text[i].isspace() and text[i] not in "=>":
            i += 1
        name = text[name_start:i].lower()
        if not name:
            raise EntityParseError(
                f'Empty attribute name in the tag "{tag}" at byte offset {where}'
            )
        while i < n and text[i].isspace():
            i += 1
        if i >= n or text[i] != "=":
            if tag == "blockquote" and name == "expandable":
                attrs[name] = ""
                continue
            if i >= n:
                raise unclosed
            raise EntityParseError(
                "Expected equal sign in declaration of an attribute of the tag "
                f'"{tag}" at byte offset {where}'
            )
        i += 1
        while i < n and text[i].isspace():
            i += 1
        if i >= n:
            raise unclosed
        if text[i] in "\"'":
            quote = text[i]
            i += 1
            chars: list[str] = []
            while i < n and text[i] != quote:
                decoded = _decode_html_entity(text, i) if text[i] == "&" else None
                if decoded is not None:
                    chars.append(decoded[0])
                    i += decoded[1]
                    continue
                chars.append(text[i])
                i += 1
            if i >= n:
                raise unclosed
            i += 1
            value = "".join(chars)
        else:
            token_start = i
            while i < n and (text[i].isalnum() or text[i] in ".-"):
                i += 1
            value = text[token_start:i].lower()
            if i < n and not text[i].isspace() and text[i] != ">":
                raise EntityParseError(
                    f"Unexpected end of name token at byte offset {_byte_offset(text, token_start)}"
                )
        attrs[name] = value
    if tag == "span" and attrs.get("class") != "tg-spoiler":
        raise EntityParseError(f'Tag "span" must have class "tg-spoiler" at byte offset {where}')
    return tag, attrs, i


def _close_html_tag(tag: _OpenTag, end: int, stack: list[_OpenTag], entities: list[Json]) -> None:
    if tag.name == "code" and stack and stack[-1].name == "pre":
        # <pre><code class="language-x"> is one "pre" entity with a language.
        css = tag.attrs.get("class", "")
        if css.startswith("language-"):
            stack[-1].language = css[len("language-") :]
        return
    length = end - tag.offset
    if length <= 0:
        return
    entity: Json = {
        "type": _HTML_SIMPLE.get(tag.name, tag.name),
        "offset": tag.offset,
        "length": length,
    }
    if tag.name == "a":
        href = tag.attrs.get("href")
        if not href:
            return
        entity.update(type="text_link", url=href)
    elif tag.name == "pre" and tag.language:
        entity["language"] = tag.language
    elif tag.name == "tg-emoji":
        entity.update(type="custom_emoji", custom_emoji_id=tag.attrs.get("emoji-id", ""))
    elif tag.name == "tg-time":
        entity["type"] = "date_time"
        with contextlib.suppress(ValueError):
            entity["unix_time"] = int(tag.attrs.get("unix", "0"))
        if "format" in tag.attrs:
            entity["date_time_format"] = tag.attrs["format"]
    elif tag.name == "blockquote":
        entity["type"] = "expandable_blockquote" if "expandable" in tag.attrs else "blockquote"
    entities.append(entity)


def parse_html(text: str) -> tuple[str, list[Json]]:
    """Telegram HTML -> (plain text, entities); raises EntityParseError like the real API."""
    out: list[str] = []
    pos = 0
    stack: list[_OpenTag] = []
    entities: list[Json] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "&":
            decoded = _decode_html_entity(text, i)
            if decoded is not None:
                out.append(decoded[0])
                pos += utf16_len(decoded[0])
                i += decoded[1]
                continue
        if c != "<":
            out.append(c)
            pos += utf16_len(c)
            i += 1
            continue
        begin = i
        if i + 1 >= n:
            raise EntityParseError(f"Unclosed start tag at byte offset {_byte_offset(text, begin)}")
        if text[i + 1] != "/":
            tag, attrs, i = _parse_html_start_tag(text, begin)
            stack.append(_OpenTag(tag, attrs, pos, begin))
            continue
        where = _byte_offset(text, begin)
        if not stack:
            raise EntityParseError(f"Unexpected end tag at byte offset {where}")
        j = i + 2
        while j < n and not text[j].isspace() and text[j] != ">":
            j += 1
        end_name = text[i + 2 : j].lower()
        while j < n and text[j].isspace():
            j += 1
        if j >= n or text[j] != ">":
            raise EntityParseError(f"Unclosed end tag at byte offset {where}")
        open_tag = stack.pop()
        if end_name and end_name != open_tag.name:
            raise EntityParseError(
                f"Unmatched end tag at byte offset {where}, "
                f'expected "</{open_tag.name}>", found "</{end_name}>"'
            )
        i = j + 1
        _close_html_tag(open_tag, pos, stack, entities)
    if stack:
        raise EntityParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1].name}"')
    return "".join(out), _sorted_entities(entities)


_MD2_RESERVED = "_*[]()~`>#+-=|{}.!"
_MD2_TYPE_NAMES = {
    "bold": "Bold",
    "italic": "Italic",
    "underline": "Underline",
    "strikethrough": "Strikethrough",
    "spoiler": "Spoiler",
    "code": "Code",
    "pre": "Pre",
    "text_link": "TextUrl",
    "custom_emoji": "CustomEmoji",
}


@dataclass
class _MdOpen:
    type: str
    offset: int
    byte_offset: int
    out_index: int
    language: str | None = None


def _md2_reserved_error(char: str) -> EntityParseError:
    return EntityParseError(
        f"Character '{char}' is reserved and must be escaped with the preceding '\\'"
    )


def _md2_is_end(top: str, text: str, i: int) -> bool:
    c = text[i]
    nxt = text[i + 1] if i + 1 < len(text) else ""
    nxt2 = text[i + 2] if i + 2 < len(text) else ""
    return {
        "bold": c == "*",
        "italic": c == "_" and nxt != "_",
        "code": c == "`",
        "pre": c == "`" and nxt == "`" and nxt2 == "`",
        "text_link": c == "]",
        "custom_emoji": c == "]",
        "underline": c == "_" and nxt == "_",
        "strikethrough": c == "~",
        "spoiler": c == "|" and nxt == "|",
    }[top]


def parse_markdown_v2(text: str) -> tuple[str, list[Json]]:
    """Telegram MarkdownV2 -> (plain text, entities); raises EntityParseError like the real API."""
    out: list[str] = []
    pos = 0
    stack: list[_MdOpen] = []
    entities: list[Json] = []
    quote_start: int | None = None
    i, n = 0, len(text)

    def at(k: int) -> str:
        return text[k] if k < n else ""

    while i < n:
        c = text[i]
        if not stack and (i == 0 or text[i - 1] == "\n"):
            if c == ">":
                if quote_start is None:
                    quote_start = pos
                i += 1
                continue
            if quote_start is not None:
                end = pos - 1 if out and out[-1] == "\n" else pos
                if end > quote_start:
                    entities.append(
                        {"type": "blockquote", "offset": quote_start, "length": end - quote_start}
                    )
                quote_start = None
        if c == "\\" and 0 < ord(at(i + 1) or "\0") <= 126:
            out.append(text[i + 1])
            pos += 1
            i += 2
            continue
        reserved = "`" if stack and stack[-1].type in ("code", "pre") else _MD2_RESERVED
        if c not in reserved:
            out.append(c)
            pos += utf16_len(c)
            i += 1
            continue
        if not stack or not _md2_is_end(stack[-1].type, text, i):
            start = i
            language: str | None = None
            if c == "_":
                kind = "underline" if at(i + 1) == "_" else "italic"
                i += 1 if kind == "underline" else 0
            elif c == "*":
                kind = "bold"
            elif c == "~":
                kind = "strikethrough"
            elif c == "|":
                if at(i + 1) != "|":
                    raise _md2_reserved_error(c)
                kind = "spoiler"
                i += 1
            elif c == "[":
                kind = "text_link"
            elif c == "!":
                if at(i + 1) != "[":
                    raise _md2_reserved_error(c)
                kind = "custom_emoji"
                i += 1
            elif c == "`" and at(i + 1) == "`" and at(i + 2) == "`":
                kind = "pre"
                i += 3
                lang_end = i
                while lang_end < n and not text[lang_end].isspace() and text[lang_end] != "`":
                    lang_end += 1
                if i != lang_end and lang_end < n and text[lang_end] != "`":
                    language = text[i:lang_end]
                    i = lang_end
                if at(i) in ("\n", "\r") and at(i):
                    i += 2 if at(i + 1) in ("\n", "\r") and at(i + 1) and at(i + 1) != at(i) else 1
                stack.append(_MdOpen(kind, pos, _byte_offset(text, start), len(out), language))
                continue
            elif c == "`":
                kind = "code"
            else:
                raise _md2_reserved_error(c)
            stack.append(_MdOpen(kind, pos, _byte_offset(text, start), len(out), language))
            i += 1
            continue
        opened = stack.pop()
        url: str | None = None
        if opened.type in ("underline", "spoiler"):
            i += 1
        elif opened.type == "pre":
            i += 2
        elif opened.type in ("text_link", "custom_emoji"):
            if at(i + 1) != "(":
                url = "".join(out[opened.out_index :])
            else:
                i += 2
                url_start = i
                chars: list[str] = []
                while i < n and text[i] != ")":
                    if text[i] == "\\" and 0 < ord(at(i + 1) or "\0") <= 126:
                        chars.append(text[i + 1])
                        i += 2
                        continue
                    chars.append(text[i])
                    i += 1
                if i >= n:
                    raise EntityParseError(
                        f"Can't find end of a URL at byte offset {_byte_offset(text, url_start)}"
                    )
                url = "".join(chars)
        i += 1
        length = pos - opened.offset
        if length <= 0:
            continue
        entity: Json = {"type": opened.type, "offset": opened.offset, "length": length}
        if opened.type == "text_link":
            entity["url"] = url or ""
        elif opened.type == "custom_emoji":
            entity["custom_emoji_id"] = (url or "").rpartition("id=")[2]
        elif opened.type == "pre" and opened.language:
            entity["language"] = opened.language
        entities.append(entity)
    if stack:
        top = stack[-1]
        name = _MD2_TYPE_NAMES.get(top.type, top.type)
        raise EntityParseError(f"Can't find end of {name} entity at byte offset {top.byte_offset}")
    if quote_start is not None and pos > quote_start:
        entities.append({"type": "blockquote", "offset": quote_start, "length": pos - quote_start})
    return "".join(out), _sorted_entities(entities)


def parse_markdown(text: str) -> tuple[str, list[Json]]:
    """Legacy Telegram Markdown -> (plain text, entities)."""
    out: list[str] = []
    pos = 0
    entities: list[Json] = []
    i, n = 0, len(text)

    def at(k: int) -> str:
        return text[k] if k < n else ""

    while i < n:
        c = text[i]
        if c == "\\" and at(i + 1) in ("_", "*", "`", "[") and at(i + 1):
            out.append(text[i + 1])
            pos += 1
            i += 2
            continue
        if c not in "_*`[":
            out.append(c)
            pos += utf16_len(c)
            i += 1
            continue
        begin = i
        end_char = "]" if c == "[" else c
        is_pre = False
        language: str | None = None
        i += 1
        if c == "`" and at(i) == "`" and at(i + 1) == "`":
            is_pre = True
            i += 2
            lang_end = i
            while lang_end < n and not text[lang_end].isspace() and text[lang_end] != "`":
                lang_end += 1
            if i != lang_end and lang_end < n and text[lang_end] != "`":
                language = text[i:lang_end]
                i = lang_end
            if at(i) == "\n":
                i += 1
        start = pos
        while i < n and (
            text[i] != end_char or (is_pre and not (at(i + 1) == "`" and at(i + 2) == "`"))
        ):
            out.append(text[i])
            pos += utf16_len(text[i])
            i += 1
        if i >= n:
            raise EntityParseError(
                f"Can't find end of the entity starting at byte offset {_byte_offset(text, begin)}"
            )
        i += 3 if is_pre else 1
        entity: Json | None = None
        if c == "[":
            if at(i) == "(":
                close = text.find(")", i)
                if close < 0:
                    where = _byte_offset(text, begin)
                    raise EntityParseError(
                        f"Can't find end of the entity starting at byte offset {where}"
                    )
                url = text[i + 1 : close]
                i = close + 1
                if url:
                    entity = {"type": "text_link", "url": url}
        else:
            entity = {"type": {"*": "bold", "_": "italic", "`": "pre" if is_pre else "code"}[c]}
            if language:
                entity["language"] = language
        if entity is not None and pos > start:
            entity.update(offset=start, length=pos - start)
            entities.append(entity)
    return "".join(out), _sorted_entities(entities)


_PARSERS: dict[str, Callable[[str], tuple[str, list[Json]]]] = {
    "html": parse_html,
    "markdownv2": parse_markdown_v2,
    "markdown": parse_markdown,
}


# --------------------------------------------------------------------------------------------
# reply_markup validation
# --------------------------------------------------------------------------------------------


def _validate_reply_markup(
    value: Any,
    allowed: tuple[str, ...],
    inline_actions: frozenset[str],
    reply_actions: frozenset[str],
) -> str:
    """Returns the markup kind; raises ApiError like the real API for bad markup."""
    if not isinstance(value, dict):
        raise ApiError(400, MSG_BAD_MARKUP)
    if "inline_keyboard" in value:
        kind = "InlineKeyboardMarkup"
        _validate_inline_keyboard(value["inline_keyboard"], inline_actions)
    elif "keyboard" in value:
        kind = "ReplyKeyboardMarkup"
        _validate_reply_keyboard(value["keyboard"], reply_actions)
    elif "remove_keyboard" in value:
        kind = "ReplyKeyboardRemove"
        if value["remove_keyboard"] is not True:
            raise ApiError(400, MSG_BAD_MARKUP)
    elif "force_reply" in value:
        kind = "ForceReply"
        if value["force_reply"] is not True:
            raise ApiError(400, MSG_BAD_MARKUP)
    else:
        raise ApiError(400, MSG_BAD_MARKUP)
    if kind not in allowed:
        raise _bad(f"{kind} is not allowed here, expected {' or '.join(allowed)}")
    return kind


def _rows(value: Any) -> list[list[Any]]:
    if not isinstance(value, list) or not all(isinstance(row, list) for row in value):
        raise ApiError(400, MSG_BAD_MARKUP)
    return value


def _validate_inline_keyboard(value: Any, actions: frozenset[str]) -> None:
    rows = _rows(value)
    if sum(len(row) for row in rows) > INLINE_BUTTONS_LIMIT:
        raise _bad("reply markup is too long")
    for row in rows:
        for button in row:
            if not isinstance(button, dict):
                raise ApiError(400, MSG_BAD_MARKUP)
            text = button.get("text")
            if not isinstance(text, str):
                raise _bad(
                    'can\'t parse inline keyboard button: Field "text" must be of type String'
                )
            if not text.strip():
                raise _bad("BUTTON_TEXT_INVALID")
            used = [name for name in actions if name in button]
            if not used:
                raise ApiError(400, MSG_NO_INLINE_TEXT_BUTTONS)
            if len(used) > 1:
                raise _bad(
                    "can't parse inline keyboard button: exactly one of the button type "
                    f"fields must be used, got {sorted(used)}"
                )
            style = button.get("style")
            if style is not None and style not in ("danger", "success", "primary"):
                raise _bad("BUTTON_STYLE_INVALID")
            if "callback_data" in button:
                data = button["callback_data"]
                if (
                    not isinstance(data, str)
                    or not 1 <= len(data.encode("utf-8")) <= CALLBACK_DATA_LIMIT
                ):
                    raise _bad("BUTTON_DATA_INVALID")
            if "url" in button:
                url = button["url"]
                if not isinstance(url, str) or not re.match(
                    r"^(https?://[^\s/$.?#][^\s]*|tg://\S+)$", url
                ):
                    raise _bad(f"inline keyboard button URL '{url}' is invalid: Wrong HTTP URL")


def _validate_reply_keyboard(value: Any, actions: frozenset[str]) -> None:
    for row in _rows(value):
        for button in row:
            if isinstance(button, str):
                text = button
            elif isinstance(button, dict) and isinstance(button.get("text"), str):
                text = button["text"]
                if sum(name in button for name in actions) > 1:
                    raise _bad(
                        "can't parse keyboard button: at most one button type field may be used"
                    )
            else:
                raise ApiError(400, MSG_BAD_MARKUP)
            if not text.strip():
                raise _bad("keyboard button text must be non-empty")


def _button_text(button: Any) -> str:
    return button if isinstance(button, str) else str(button.get("text", ""))


# --------------------------------------------------------------------------------------------
# Players
# --------------------------------------------------------------------------------------------


class FakeChat:
    """Handle of a group/supergroup registered in the fake."""

    def __init__(self, fake: FakeTelegram, chat_id: int) -> None:
        self._fake = fake
        self.id = chat_id

    @property
    def title(self) -> str | None:
        return self._fake._chats[self.id].title

    def add_topic(self, name: str, thread_id: int | None = None, icon_color: int = 7322096) -> int:
        """Register an existing forum topic (as if created by a human admin)."""
        return self._fake._add_topic(self._fake._chats[self.id], name, thread_id, icon_color)

    def delete_topic(self, thread_id: int) -> None:
        """What an admin does in the Telegram app: the topic and its messages are gone."""
        self._fake._drop_topic(self._fake._chats[self.id], thread_id)

    def topic(self, thread_id: int) -> Json | None:
        topic = self._fake._chats[self.id].topics.get(thread_id)
        if topic is None:
            return None
        return {
            "message_thread_id": topic.thread_id,
            "name": topic.name,
            "icon_color": topic.icon_color,
            "closed": topic.closed,
        }

    def messages(self, thread_id: int | None = None) -> list[Json]:
        return self._fake.sent_messages(self.id, thread_id)

    def last(self, thread_id: int | None = None) -> Json:
        message = self._fake.last_message(self.id, thread_id)
        if message is None:
            raise AssertionError(
                f"the bot has not sent anything to chat {self.id} (thread {thread_id})"
            )
        return message

    def __repr__(self) -> str:
        return f"FakeChat(id={self.id}, title={self.title!r})"


class FakeUser:
    """A human user.  ``send_*`` push updates and return their update_id."""

    def __init__(
        self,
        fake: FakeTelegram,
        id: int,
        first_name: str,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = None,
        is_premium: bool | None = None,
    ) -> None:
        self._fake = fake
        self.id = id
        self.first_name = first_name
        self.last_name = last_name
        self.username = username
        self.language_code = language_code
        self.is_premium = is_premium
        self.seen_by_bot = False  # wrote in a group the bot is in

    @property
    def telegram(self) -> FakeTelegram:
        """The fake server this user talks through (to wait for it to settle)."""
        return self._fake

    @property
    def chat_id(self) -> int:
        return self.id

    def as_user(self) -> Json:
        user: Json = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        for key in ("last_name", "username", "language_code", "is_premium"):
            value = getattr(self, key)
            if value is not None:
                user[key] = value
        return user

    # -- messages ----------------------------------------------------------------------------

    def send_text(
        self,
        text: str,
        *,
        chat: FakeChat | int | None = None,
        thread_id: int | None = None,
        reply_to: Json | int | None = None,
    ) -> int:
        content: Json = {"text": text}
        if text.startswith("/"):
            command = text.split(maxsplit=1)[0]
            content["entities"] = [
                {"type": "bot_command", "offset": 0, "length": utf16_len(command)}
            ]
        return self._fake._push_user_message(self, chat, content, thread_id, reply_to)

    def send_text_in(self, chat: FakeChat | int, text: str, thread_id: int | None = None) -> int:
        return self.send_text(text, chat=chat, thread_id=thread_id)

    def send_sticker(
        self, emoji: str = "👍", *, chat: FakeChat | int | None = None, thread_id: int | None = None
    ) -> int:
        stored = self._fake._register_file(
            "sticker", b"RIFF-fake-webp-sticker", mime_type="image/webp"
        )
        sticker = {
            **self._fake._file_object(stored),
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
        }
        return self._fake._push_user_message(self, chat, {"sticker": sticker}, thread_id, None)

    def send_voice(
        self,
        data: bytes = b"OggS-fake-voice",
        duration: int = 3,
        *,
        chat: FakeChat | int | None = None,
        thread_id: int | None = None,
    ) -> int:
        stored = self._fake._register_file("voice", data, mime_type="audio/ogg")
        voice = {**self._fake._file_object(stored), "duration": duration}
        return self._fake._push_user_message(self, chat, {"voice": voice}, thread_id, None)

    def send_photo(
        self,
        data: bytes,
        caption: str | None = None,
        media_group_id: str | None = None,
        *,
        chat: FakeChat | int | None = None,
        thread_id: int | None = None,
    ) -> int:
        stored = self._fake._register_file("photo", data, mime_type="image/jpeg")
        content: Json = {"photo": self._fake._photo_sizes(stored)}
        if caption is not None:
            content["caption"] = caption
        if media_group_id is not None:
            content["media_group_id"] = media_group_id
        return self._fake._push_user_message(self, chat, content, thread_id, None)

    def send_document(
        self,
        data: bytes,
        file_name: str,
        mime_type: str,
        file_size: int | None = None,
        caption: str | None = None,
        *,
        chat: FakeChat | int | None = None,
        thread_id: int | None = None,
    ) -> int:
        """``file_size`` may lie (e.g. 25 MB for 10 bytes) to exercise size limits cheaply."""
        stored = self._fake._register_file(
            "document", data, file_name=file_name, mime_type=mime_type, file_size=file_size
        )
        content: Json = {"document": self._fake._file_object(stored)}
        if caption is not None:
            content["caption"] = caption
        return self._fake._push_user_message(self, chat, content, thread_id, None)

    def send_album(
        self,
        photos: list[bytes],
        caption: str | None = None,
        *,
        chat: FakeChat | int | None = None,
        thread_id: int | None = None,
    ) -> list[int]:
        """Several photo messages sharing one media_group_id (caption goes on the first one)."""
        group_id = self._fake._next_media_group_id()
        return [
            self.send_photo(
                data, caption if index == 0 else None, group_id, chat=chat, thread_id=thread_id
            )
            for index, data in enumerate(photos)
        ]

    def share_contact(self, phone_number: str = "+77011234567") -> int:
        """The user's own contact (what a request_contact button sends): user_id == self.id."""
        contact: Json = {
            "phone_number": phone_number,
            "first_name": self.first_name,
            "user_id": self.id,
        }
        if self.last_name:
            contact["last_name"] = self.last_name
        return self._fake._push_user_message(self, None, {"contact": contact}, None, None)

    def send_contact(self, phone_number: str, first_name: str, user_id: int | None = None) -> int:
        """Somebody else's contact card (e.g. to test that the bot checks contact.user_id)."""
        contact: Json = {"phone_number": phone_number, "first_name": first_name}
        if user_id is not None:
            contact["user_id"] = user_id
        return self._fake._push_user_message(self, None, {"contact": contact}, None, None)

    def send_location(self, latitude: float, longitude: float) -> int:
        location = {"latitude": latitude, "longitude": longitude}
        return self._fake._push_user_message(self, None, {"location": location}, None, None)

    def reply_keyboard_button(self, text: str) -> int:
        """Press a button of the reply keyboard the bot currently shows in the private chat."""
        chat = self._fake._chats[self.id]
        keyboard = chat.reply_keyboard
        if keyboard is None:
            raise AssertionError(
                f"the bot shows no reply keyboard to user {self.id}; cannot press {text!r}"
            )
        buttons = [button for row in keyboard["keyboard"] for button in row]
        for button in buttons:
            if _button_text(button) != text:
                continue
            if isinstance(button, dict) and button.get("request_contact"):
                return self.share_contact()
            if isinstance(button, dict) and any(k in button for k in self._fake._reply_actions):
                raise AssertionError(
                    f"button {text!r} is a special button ({button}); use a dedicated helper"
                )
            return self.send_text(text)
        raise AssertionError(
            f"no reply keyboard button {text!r} for user {self.id}; "
            f"available: {[_button_text(b) for b in buttons]}"
        )

    # -- buttons -----------------------------------------------------------------------------

    def tap(self, message: Json, button_text: str) -> int:
        """Tap an inline button by its visible text (uses the message's *current* state)."""
        chat_id = message["chat"]["id"]
        record = (
            self._fake._chats[chat_id].messages.get(message["message_id"])
            if chat_id in self._fake._chats
            else None
        )
        if record is None or record.deleted:
            raise AssertionError(
                f"message {message['message_id']} in chat {chat_id} does not exist (deleted?)"
            )
        markup = record.message.get("reply_markup") or {}
        buttons = [button for row in markup.get("inline_keyboard", []) for button in row]
        for button in buttons:
            if button.get("text") != button_text:
                continue
            if "callback_data" not in button:
                kinds = sorted(set(button) - {"text", "style", "icon_custom_emoji_id"})
                raise AssertionError(
                    f"button {button_text!r} is a {kinds} button; tapping it sends no update"
                )
            return self._fake._push_callback(
                self, self._fake._chats[chat_id], record, button["callback_data"]
            )
        raise AssertionError(
            f"no inline button {button_text!r} in message {record.message['message_id']} "
            f"(chat {chat_id}); available: {[b.get('text') for b in buttons]}"
        )

    def tap_data(
        self, message_id: int, callback_data: str, *, chat: FakeChat | int | None = None
    ) -> int:
        """Raw callback query (forged/stale data allowed); the message may not even exist."""
        target = self._fake._chats[self._fake._chat_key(chat, self.id)]
        record = target.messages.get(message_id)
        return self._fake._push_callback(self, target, record, callback_data, message_id=message_id)

    # -- waiting conveniences ----------------------------------------------------------------

    async def say(self, text: str, timeout: float = PATIENCE) -> list[Json]:
        """send_text + settled; returns bot messages sent/edited in this chat meanwhile."""
        mark = self._fake.output_mark()
        self.send_text(text)
        await self._fake.settled(timeout)
        return self._fake.outputs_since(self.id, mark)

    async def say_in(
        self, chat: FakeChat | int, text: str, thread_id: int | None = None,
        timeout: float = PATIENCE
    ) -> list[Json]:
        mark = self._fake.output_mark()
        self.send_text(text, chat=chat, thread_id=thread_id)
        await self._fake.settled(timeout)
        return self._fake.outputs_since(self._fake._chat_key(chat, self.id), mark)

    async def press(self, message: Json, button_text: str, timeout: float = PATIENCE) -> list[Json]:
        """tap + settled; returns bot messages sent/edited in that chat meanwhile."""
        mark = self._fake.output_mark()
        self.tap(message, button_text)
        await self._fake.settled(timeout)
        return self._fake.outputs_since(message["chat"]["id"], mark)

    async def press_latest(self, button_text: str, timeout: float = PATIENCE) -> list[Json]:
        """press() on the latest message in the private chat that carries the button."""
        return await self.press(self.last_with_button(button_text), button_text, timeout)

    def last(self) -> Json:
        """The bot's last (non-deleted) message in the private chat; AssertionError if none."""
        message = self._fake.last_message(self.id)
        if message is None:
            raise AssertionError(f"the bot has not sent anything to user {self.id}")
        return message

    def messages(self) -> list[Json]:
        return self._fake.sent_messages(self.id)

    def last_with_button(self, button_text: str) -> Json:
        """The latest message in the private chat carrying this inline button: the outbox
        may send a notice or a document after the message a person is about to tap."""
        for message in reversed(self.messages()):
            rows = (message.get("reply_markup") or {}).get("inline_keyboard") or []
            if any(button.get("text") == button_text for row in rows for button in row):
                return message
        raise AssertionError(f"no message to user {self.id} has the button {button_text!r}")

    def block_bot(self) -> None:
        self._fake.block(self.id)

    def unblock_bot(self) -> None:
        self._fake.unblock(self.id)

    def __repr__(self) -> str:
        return f"FakeUser(id={self.id}, first_name={self.first_name!r})"


# --------------------------------------------------------------------------------------------
# The server
# --------------------------------------------------------------------------------------------

_SEND_METHOD_KINDS = {
    "sendPhoto": "photo",
    "sendDocument": "document",
    "sendVideo": "video",
    "sendAudio": "audio",
    "sendVoice": "voice",
    "sendAnimation": "animation",
    "sendSticker": "sticker",
}
_MEDIA_KEYS = ("photo", "document", "video", "audio", "voice", "animation", "sticker")
_CONTENT_KEYS = (
    "text",
    "entities",
    *_MEDIA_KEYS,
    "caption",
    "caption_entities",
    "contact",
    "location",
)
_FILE_FOLDERS = {
    "photo": ("photos", ".jpg"),
    "document": ("documents", ""),
    "voice": ("voice", ".oga"),
    "sticker": ("stickers", ".webp"),
    "video": ("videos", ".mp4"),
    "audio": ("music", ".mp3"),
    "animation": ("animations", ".mp4"),
}
_MEMBER_TYPES = {
    "creator": "ChatMemberOwner",
    "administrator": "ChatMemberAdministrator",
    "member": "ChatMemberMember",
    "restricted": "ChatMemberRestricted",
    "left": "ChatMemberLeft",
    "kicked": "ChatMemberBanned",
}
_STATUS_ALIASES = {"owner": "creator", "admin": "administrator", "banned": "kicked"}


@cache
def _client_required_defaults(type_name: str) -> dict[str, Any]:
    """Fields the installed aiogram requires but this spec version does not (the client may
    target a newer Bot API, e.g. aiogram 3.31 = API 10.3 needs can_send_welcome_messages)."""
    try:
        from aiogram import types as aiogram_types
    except ImportError:  # the fake itself does not need aiogram
        return {}
    model = getattr(aiogram_types, type_name, None)
    defaults: dict[str, Any] = {}
    for name, info in getattr(model, "model_fields", {}).items():
        if info.is_required():
            neutral = {bool: False, int: 0, str: ""}.get(info.annotation)
            if neutral is not None:
                defaults[info.alias or name] = neutral
    return defaults


def _json_dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


class FakeTelegram(LocalServer):
    """In-process fake of the Telegram Bot API.  See the module docstring."""

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        spec_path: str | os.PathLike[str] | None = None,
        *,
        bot_first_name: str = BOT_FIRST_NAME,
        bot_username: str = BOT_USERNAME,
    ) -> None:
        super().__init__()
        self.token = token
        self.spec = BotApiSpec.load(spec_path)
        self.bot_id = int(token.split(":", 1)[0])
        self.bot_user: Json = {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": bot_first_name,
            "username": bot_username,
        }

        # Public records.
        self.calls: list[Call] = []
        self.rejected: list[Call] = []  # every non-injected failure: the real API would refuse too
        self.rate_violations: list[RateViolation] = []
        self.dropped_updates: list[Json] = []  # filtered by allowed_updates / drop_pending_updates
        self.internal_errors: list[BaseException] = []
        self.downloads: list[str] = []
        self.poll_count = 0
        self.webhook: Webhook | None = None
        self.webhook_deliveries: list[WebhookDelivery] = []
        self.webhook_retry_delay = 0.05  # seconds before the first retry; doubled up to 1 s
        self.webhook_timeout = 60.0  # seconds the fake waits for the bot's answer
        self.webhook_max_attempts: int | None = None  # then the update is dropped; None: never

        self._update_kinds = self.spec.update_kinds()
        self._allowed_updates = self._update_kinds - OPT_IN_UPDATES
        self._inline_actions = self.spec.inline_button_actions()
        self._reply_actions = self.spec.reply_button_actions()
        self._reaction_emojis = self.spec.reaction_emojis()

        self._chats: dict[int, _Chat] = {}
        self._users: dict[int, FakeUser] = {}
        self._members: dict[tuple[int, int], tuple[str, Json]] = {}
        self._blocked: set[int] = set()
        self._files: dict[str, StoredFile] = {}
        self._files_by_path: dict[str, StoredFile] = {}
        self._callbacks: dict[str, _CallbackState] = {}
        self._commands: dict[tuple[str, str], list[Json]] = {}
        self._pending: list[_PendingUpdate] = []
        self._pushed: dict[int, _PendingUpdate] = {}  # every update ever pushed, for redelivery
        self._faults: dict[str, deque[_Fault]] = {}
        self._rate_limits: _RateLimits | None = None
        self._send_log: deque[tuple[float, int, bool]] = deque()

        self._update_ids = itertools.count(10_001)
        self._file_ids = itertools.count(1)
        self._callback_ids = itertools.count(1)
        self._media_group_ids = itertools.count(1)
        self._out_seq = 0
        self._active_poll: _Poll | None = None
        self._closing = False
        self._update_event = asyncio.Event()  # new update queued / poll terminated
        self._progress_event = asyncio.Event()  # updates confirmed or dropped
        self._call_event = asyncio.Event()  # a call was recorded
        self._webhook_task: asyncio.Task[None] | None = None
        self._webhook_paused = False

        self._handlers: dict[str, Callable[[_Request], Any]] = {
            "getMe": lambda req: dict(
                self.bot_user,
                can_join_groups=True,
                can_read_all_group_messages=False,
                supports_inline_queries=False,
            ),
            "getUpdates": self._get_updates,
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "close": lambda req: True,
            "logOut": lambda req: True,
            "setMyCommands": self._set_my_commands,
            "getMyCommands": self._get_my_commands,
            "deleteMyCommands": self._delete_my_commands,
            "sendMessage": self._send_message,
            "editMessageText": self._edit_message_text,
            "editMessageCaption": self._edit_message_caption,
            "editMessageReplyMarkup": self._edit_message_reply_markup,
            "deleteMessage": self._delete_message,
            "deleteMessages": self._delete_messages,
            "answerCallbackQuery": self._answer_callback_query,
            "sendMediaGroup": self._send_media_group,
            "copyMessage": self._copy_message,
            "copyMessages": partial(self._copy_or_forward_many, forward=False),
            "forwardMessage": self._forward_message,
            "forwardMessages": partial(self._copy_or_forward_many, forward=True),
            "getFile": self._get_file,
            "createForumTopic": self._create_forum_topic,
            "editForumTopic": self._edit_forum_topic,
            "closeForumTopic": partial(self._set_topic_closed, closed=True),
            "reopenForumTopic": partial(self._set_topic_closed, closed=False),
            "deleteForumTopic": self._delete_forum_topic,
            "getChatMember": self._get_chat_member,
            "getChat": self._get_chat,
            "sendChatAction": self._send_chat_action,
            "setMessageReaction": self._set_message_reaction,
        }
        for method, kind in _SEND_METHOD_KINDS.items():
            self._handlers[method] = partial(self._send_media, kind=kind)

    # ---------------------------------------------------------------------------- lifecycle

    def app(self) -> web.Application:
        app = web.Application(client_max_size=CLIENT_MAX_SIZE)
        app.router.add_route("*", "/file/bot{token}/{path:.+}", self._on_file)
        app.router.add_route("*", "/bot{token}/{method}", self._on_api)
        return app

    def runner_options(self) -> dict[str, Any]:
        # A poll whose client went away must not linger as a "conflict".
        return {"handler_cancellation": True}

    async def start(self) -> None:
        await super().start()
        self._closing = False

    async def stop(self) -> None:
        self._closing = True
        self._update_event.set()  # release long polls right away
        self._progress_event.set()
        if self._webhook_task is not None:
            self._webhook_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._webhook_task
            self._webhook_task = None
        await super().stop()

    @property
    def base_url(self) -> str:
        return self.root_url

    # ---------------------------------------------------------------------------- world setup

    def user(
        self,
        id: int,
        first_name: str | None = None,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = None,
        is_premium: bool | None = None,
    ) -> FakeUser:
        """Create a user (private chat id == user id), or return the existing one with that id."""
        if id in self._users:
            return self._users[id]
        if id <= 0:
            raise ValueError("user ids are positive")
        user = FakeUser(
            self, id, first_name or f"User{id}", last_name, username, language_code, is_premium
        )
        self._users[id] = user
        self._chats[id] = _Chat(
            id=id,
            type="private",
            first_name=user.first_name,
            last_name=last_name,
            username=username,
        )
        return user

    def supergroup(
        self,
        id: int,
        title: str,
        is_forum: bool = False,
        username: str | None = None,
        bot_status: str = "administrator",
    ) -> FakeChat:
        """Register a supergroup the bot is in (an admin by default)."""
        if id >= 0:
            raise ValueError("supergroup ids are negative, e.g. -100555")
        # In forums message 1 created the General topic (thread id 1), so real topics start at 2.
        self._chats[id] = _Chat(
            id=id,
            type="supergroup",
            title=title,
            is_forum=is_forum,
            username=username,
            last_message_id=GENERAL_TOPIC_ID if is_forum else 0,
        )
        self.set_chat_member(id, self.bot_id, bot_status)
        return FakeChat(self, id)

    def group(self, id: int, title: str, bot_status: str = "administrator") -> FakeChat:
        """Register a basic (non-super) group."""
        if id >= 0:
            raise ValueError("group ids are negative")
        self._chats[id] = _Chat(id=id, type="group", title=title)
        self.set_chat_member(id, self.bot_id, bot_status)
        return FakeChat(self, id)

    def set_chat_member(self, chat_id: int, user_id: int, status: str, **fields: Any) -> None:
        """Status for getChatMember: creator|administrator|member|restricted|left|kicked.

        Extra ``fields`` override the ChatMember object (e.g. ``can_manage_topics=False``).
        """
        status = _STATUS_ALIASES.get(status, status)
        if status not in _MEMBER_TYPES:
            raise ValueError(
                f"unknown chat member status {status!r}; use one of {sorted(_MEMBER_TYPES)}"
            )
        if user_id != self.bot_id and user_id not in self._users:
            self.user(user_id)
        self._members[(chat_id, user_id)] = (status, fields)

    def block(self, user_id: int, notify: bool = True) -> None:
        """The user blocks the bot: sends to them fail with 403.  Pushes my_chat_member if they had
        started the bot (like Telegram does)."""
        self._blocked.add(user_id)
        chat = self._chats.get(user_id)
        if notify and chat is not None and chat.started:
            self._push_my_chat_member(user_id, "member", "kicked")

    def unblock(self, user_id: int, notify: bool = True) -> None:
        if user_id in self._blocked:
            self._blocked.discard(user_id)
            chat = self._chats.get(user_id)
            if notify and chat is not None and chat.started:
                self._push_my_chat_member(user_id, "kicked", "member")

    def enforce_rate_limits(
        self,
        per_chat_per_second: float | None = 1,
        global_per_second: float | None = 30,
        per_group_per_minute: float | None = 20,
    ) -> None:
        """Answer 429 when sends exceed these limits (off by default); see ``rate_violations``."""
        self._rate_limits = _RateLimits(
            per_chat_per_second, global_per_second, per_group_per_minute
        )

    def disable_rate_limits(self) -> None:
        self._rate_limits = None

    def fail_next(
        self,
        method: str,
        error_code: int = 500,
        description: str | None = None,
        retry_after: int | None = None,
        times: int = 1,
    ) -> None:
        """Make the next ``times`` calls of ``method`` fail with this error (before validation)."""
        canonical = self._require_method(method)
        if description is None:
            description = {
                429: f"Too Many Requests: retry after {retry_after or 1}",
                403: "Forbidden: bot was blocked by the user",
                400: "Bad Request: injected failure",
                502: "Bad Gateway",
            }.get(error_code, "Internal Server Error")
        if error_code == 429 and retry_after is None:
            retry_after = 1
        queue = self._faults.setdefault(canonical, deque())
        queue.extend(_Fault("error", error_code, description, retry_after) for _ in range(times))

    def drop_connection_next(self, method: str, times: int = 1) -> None:
        """Close the connection without answering the next ``times`` calls of ``method``."""
        canonical = self._require_method(method)
        self._faults.setdefault(canonical, deque()).extend(_Fault("drop") for _ in range(times))

    def push_update(self, payload: Json) -> int:
        """Queue a raw update (``{"message": {...}}`` etc.); returns its update_id."""
        kinds = [key for key in payload if key != "update_id"]
        if len(kinds) != 1 or kinds[0] not in self._update_kinds:
            raise ValueError(f"an update needs exactly one known kind, got {kinds}")
        kind = kinds[0]
        update_id = next(self._update_ids)
        update = {"update_id": update_id, kind: copy.deepcopy(payload[kind])}
        if kind not in self._allowed_updates:
            # Real Telegram does not even create updates the bot did not ask for.
            self.dropped_updates.append(update)
            self._progress_event.set()
            return update_id
        self._pending.append(_PendingUpdate(update_id, kind, update))
        self._pushed[update_id] = _PendingUpdate(update_id, kind, copy.deepcopy(update))
        self._update_event.set()
        return update_id

    def push_raw_update(self, payload: Json) -> int:
        """Queue ``payload`` as it is, unchecked (only its update_id is set): an update the
        bot may fail to parse, e.g. ``{"message": {"message_id": 1, "date": "today"}}``."""
        body = {key: value for key, value in payload.items() if key != "update_id"}
        if not body:
            raise ValueError("an update needs something besides its update_id")
        update_id = next(self._update_ids)
        kind = next(iter(body))
        update = {"update_id": update_id, **copy.deepcopy(body)}
        self._pending.append(_PendingUpdate(update_id, kind, update))
        self._update_event.set()
        return update_id

    def update_payload(self, update_id: int) -> Json:
        """The update pushed as ``update_id``, as Telegram sends it."""
        return copy.deepcopy(self._pushed[update_id].payload)

    def pause_webhook(self) -> None:
        """Hold pushed updates: none is POSTed to the webhook until ``resume_webhook()``."""
        self._webhook_paused = True

    def resume_webhook(self) -> None:
        self._webhook_paused = False
        self._update_event.set()

    async def post_to_webhook(
        self, body: Json | bytes, *, secret: str | EllipsisType | None = ...,
        timeout: float = 10.0,
    ) -> int:
        """POST ``body`` to the webhook as Telegram would (``secret``: the token set by
        setWebhook by default, None for no header); the bot's HTTP status. Outside the queue:
        nothing is confirmed or retried."""
        if self.webhook is None:
            raise AssertionError("no webhook is set; the bot has not called setWebhook")
        token = self.webhook.secret_token if secret is ... else secret
        headers = {"Content-Type": "application/json"}
        if token is not None:
            headers[SECRET_HEADER] = token
        data = body if isinstance(body, bytes) else _json_dumps(body).encode()
        async with aiohttp.ClientSession() as session, session.post(
            self.webhook.url, data=data, headers=headers,
            timeout=aiohttp.ClientTimeout(total=timeout),
        ) as response:
            await response.read()
            return response.status

    def redeliver(self, update_id: int) -> None:
        """Queue an update again with its old id, as Telegram does when a bot restarts
        before confirming it. Only a poll without an offset (a fresh start) receives it; with
        a webhook it is posted again."""
        original = self._pushed[update_id]
        self._pending.insert(0, _PendingUpdate(update_id, original.kind,
                                               copy.deepcopy(original.payload)))
        self._update_event.set()

    # ---------------------------------------------------------------------------- inspection

    def calls_of(self, method: str) -> list[Call]:
        canonical = self.spec.canonical(method) or method
        return [call for call in self.calls if call.method == canonical]

    def sent_messages(
        self, chat_id: int, thread_id: int | None = None, *, include_deleted: bool = False
    ) -> list[Json]:
        """Bot messages in the chat, in send order, in their current (edited) state.

        ``reply_markup`` is the markup as the bot sent it, reply keyboards included (the real
        API leaves those out of the Message it returns).
        """
        chat = self._chats.get(chat_id)
        if chat is None:
            return []
        return [
            record.view()
            for record in chat.messages.values()
            if record.from_bot
            and not record.service
            and (include_deleted or not record.deleted)
            and (thread_id is None or record.message.get("message_thread_id") == thread_id)
        ]

    def last_message(self, chat_id: int, thread_id: int | None = None) -> Json | None:
        messages = self.sent_messages(chat_id, thread_id)
        return messages[-1] if messages else None

    def message(self, chat_id: int, message_id: int) -> Json | None:
        """Current state of any message (user's or bot's), None if unknown or deleted."""
        chat = self._chats.get(chat_id)
        record = chat.messages.get(message_id) if chat else None
        return None if record is None or record.deleted else record.view()

    def output_mark(self) -> int:
        """Opaque marker for ``outputs_since``."""
        return self._out_seq

    def outputs_since(self, chat_id: int, mark: int, thread_id: int | None = None) -> list[Json]:
        """Bot messages sent or edited in the chat after ``mark``, in the order that happened."""
        chat = self._chats.get(chat_id)
        if chat is None:
            return []
        records = [
            record
            for record in chat.messages.values()
            if record.from_bot
            and not record.service
            and not record.deleted
            and record.out_seq > mark
            and (thread_id is None or record.message.get("message_thread_id") == thread_id)
        ]
        return [record.view() for record in sorted(records, key=lambda r: r.out_seq)]

    def reply_keyboard(self, chat_id: int) -> Json | None:
        """The reply keyboard currently shown in the chat (None after ReplyKeyboardRemove)."""
        chat = self._chats.get(chat_id)
        return copy.deepcopy(chat.reply_keyboard) if chat and chat.reply_keyboard else None

    def file(self, file_id: str) -> StoredFile:
        return self._files[file_id]

    def file_bytes(self, file_id: str) -> bytes:
        return self._files[file_id].data

    def callback_answer(self, update_id: int) -> Json | None:
        """answerCallbackQuery params for the callback query pushed as ``update_id``."""
        for state in self._callbacks.values():
            if state.update_id == update_id:
                return copy.deepcopy(state.answer)
        return None

    @property
    def unanswered_callback_queries(self) -> list[int]:
        """update_ids of callback queries the bot never answered (the spinner keeps spinning)."""
        return [state.update_id for state in self._callbacks.values() if not state.answered]

    def commands(self, scope: Json | None = None, language_code: str = "") -> list[Json]:
        return copy.deepcopy(self._commands.get(self._commands_key(scope, language_code), []))

    def reaction(self, chat_id: int, message_id: int) -> list[Json] | None:
        record = self._chats[chat_id].messages.get(message_id)
        return copy.deepcopy(record.bot_reaction) if record else None

    def assert_no_rejections(self) -> None:
        """Fail listing every call the (fake) API refused, e.g. in a fixture teardown."""
        self._raise_internal_errors()
        if self.rejected:
            lines = [f"{c.method}: {c.description} (params: {c.params})" for c in self.rejected]
            raise AssertionError("Telegram rejected calls:\n  " + "\n  ".join(lines))

    # ---------------------------------------------------------------------------- waiting

    async def settled(self, timeout: float = PATIENCE) -> None:
        """Wait until every pushed update is confirmed by a later getUpdates (or dropped).

        With ``handle_as_tasks=False`` confirmation means the handler has finished.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while self._pending:
            self._raise_internal_errors()
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(self._describe_unsettled(timeout))
            self._progress_event.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._progress_event.wait(), remaining)
        self._raise_internal_errors()

    async def wait_for(
        self, predicate: Callable[[Call], bool], timeout: float = PATIENCE, *, since: int = 0
    ) -> Call:
        """Wait until a recorded call (index >= ``since``) satisfies ``predicate``; returns it."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        checked = since
        while True:
            for call in self.calls[checked:]:
                if predicate(call):
                    return call
            checked = max(checked, len(self.calls))
            self._raise_internal_errors()
            remaining = deadline - loop.time()
            if remaining <= 0:
                recent = (
                    ", ".join(f"{c.method}(ok={c.ok})" for c in self.calls[since:][-10:]) or "none"
                )
                raise TimeoutError(f"no matching call within {timeout}s; recent calls: {recent}")
            self._call_event.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._call_event.wait(), remaining)

    async def wait_for_message(
        self,
        chat_id: int,
        predicate: Callable[[Json], bool] | None = None,
        timeout: float = PATIENCE,
        *,
        thread_id: int | None = None,
        since: int | None = None,
    ) -> Json:
        """Wait until the bot sends/edits a message in the chat after ``since`` (output_mark())."""
        mark = self.output_mark() if since is None else since

        def matches(_: Call) -> bool:
            return any(
                predicate is None or predicate(m)
                for m in self.outputs_since(chat_id, mark, thread_id)
            )

        await self.wait_for(matches, timeout, since=0)
        return next(
            m
            for m in self.outputs_since(chat_id, mark, thread_id)
            if predicate is None or predicate(m)
        )

    def _raise_internal_errors(self) -> None:
        if self.internal_errors:
            raise RuntimeError(
                f"the fake Telegram server crashed: {self.internal_errors[0]!r}"
            ) from (self.internal_errors[0])

    def _describe_unsettled(self, timeout: float) -> str:
        lines = [f"{len(self._pending)} update(s) not confirmed by the bot within {timeout}s:"]
        for pending in self._pending:
            state = (
                "delivered, not confirmed yet (handler still running or stuck?)"
                if pending.delivered
                else "never delivered (is a Dispatcher polling this fake?)"
            )
            summary = self._summarize(pending.payload)
            lines.append(f"  #{pending.update_id} {pending.kind}: {summary} -- {state}")
        allowed = sorted(self._allowed_updates)
        lines.append(f"getUpdates polls so far: {self.poll_count}; allowed_updates: {allowed}")
        if self.webhook is not None:
            failed = [d for d in self.webhook_deliveries if not d.ok][-3:]
            lines.append(f"webhook {self.webhook.url}: last failures {failed}")
        return "\n".join(lines)

    @staticmethod
    def _summarize(update: Json) -> str:
        body = next(value for key, value in update.items() if key != "update_id")
        if not isinstance(body, dict):
            return repr(body)[:80]
        who = (body.get("from") or {}).get("id")
        detail = (
            body.get("text")
            or body.get("data")
            or next((k for k in _CONTENT_KEYS if k in body), "")
        )
        return f"from {who}: {str(detail)[:60]!r}"

    # ---------------------------------------------------------------------------- HTTP layer

    async def _on_file(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return web.json_response(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401
            )
        path = request.match_info["path"]
        stored = self._files_by_path.get(path)
        if stored is None:
            return web.json_response(
                {"ok": False, "error_code": 404, "description": "Not Found"}, status=404
            )
        self.downloads.append(path)
        return web.Response(
            body=stored.data, content_type=stored.mime_type or "application/octet-stream"
        )

    async def _on_api(self, request: web.Request) -> web.StreamResponse:
        method_name = request.match_info["method"]
        if request.match_info["token"] != self.token:
            return self._respond(
                Call(method_name, {}, {}, False, "Unauthorized", 401), ApiError(401, "Unauthorized")
            )
        method = self.spec.canonical(method_name)
        if method is None:
            return self._respond(
                Call(method_name, {}, {}, False, "Not Found", 404), ApiError(404, "Not Found")
            )
        try:
            raw, parts = await self._read_request(request)
        except (ValueError, UnicodeDecodeError) as exc:
            error = _bad(f"can't parse request body: {exc}")
            return self._respond(Call(method, {}, {}, False, error.description, 400), error)

        fault = self._take_fault(method)
        try:
            req = self._decode(method, raw, parts)
        except ApiError as error:
            if fault is None:
                return self._respond(
                    Call(method, dict(raw), {}, False, error.description, error.error_code), error
                )
            req = _Request(method, dict(raw), {}, parts)
        if fault is not None:
            return self._inject(request, req, fault)
        req.transport = request.transport

        try:
            handler = self._handlers.get(method)
            if handler is None:
                raise _bad(f"fake does not implement {method}")
            result = handler(req)
            if inspect.isawaitable(result):
                result = await result
        except ApiError as error:
            return self._respond(
                Call(method, req.params, req.files, False, error.description, error.error_code),
                error,
            )
        except Exception as exc:  # a bug in the fake: make it loud, not a silent 500
            log.exception("fake Telegram crashed handling %s", method)
            self.internal_errors.append(exc)
            crash = ApiError(500, f"Internal Server Error: fake crashed: {exc!r}")
            return self._respond(
                Call(method, req.params, req.files, False, crash.description, 500), crash
            )
        if method == "getUpdates":
            return web.json_response({"ok": True, "result": result}, dumps=_json_dumps)
        self._record(Call(method, req.params, req.files, True, copy.deepcopy(result)))
        return web.json_response({"ok": True, "result": result}, dumps=_json_dumps)

    def _record(self, call: Call) -> None:
        self.calls.append(call)
        if not call.ok and not call.injected:
            self.rejected.append(call)
        self._call_event.set()

    def _respond(self, call: Call, error: ApiError) -> web.Response:
        self._record(call)
        return web.json_response(error.body(), status=error.error_code, dumps=_json_dumps)

    def _inject(self, request: web.Request, req: _Request, fault: _Fault) -> web.Response:
        if fault.kind == "drop":
            self._record(
                Call(
                    req.method,
                    req.params,
                    req.files,
                    False,
                    "connection dropped",
                    None,
                    injected=True,
                )
            )
            if request.transport is not None:
                request.transport.close()
            return web.Response()
        error = ApiError(fault.error_code, fault.description, fault.retry_after)
        call = Call(
            req.method,
            req.params,
            req.files,
            False,
            error.description,
            error.error_code,
            injected=True,
        )
        self._record(call)
        return web.json_response(error.body(), status=error.error_code, dumps=_json_dumps)

    def _take_fault(self, method: str) -> _Fault | None:
        queue = self._faults.get(method)
        return queue.popleft() if queue else None

    def _require_method(self, method: str) -> str:
        canonical = self.spec.canonical(method)
        if canonical is None:
            raise ValueError(f"{method!r} is not a Bot API {self.spec.version} method")
        return canonical

    @staticmethod
    async def _read_request(request: web.Request) -> tuple[dict[str, Any], dict[str, UploadedFile]]:
        raw: dict[str, Any] = dict(request.query)
        parts: dict[str, UploadedFile] = {}
        if request.content_type == "application/json" and request.can_read_body:
            body = await request.json()
            if not isinstance(body, dict):
                raise ValueError("JSON body must be an object")
            raw.update(body)
        elif request.can_read_body:
            form = await request.post()
            for key, value in form.items():
                if isinstance(value, web.FileField):
                    parts[key] = UploadedFile(
                        key, value.filename, value.content_type, value.file.read()
                    )
                else:
                    raw[key] = value
        return raw, parts

    def _decode(self, method: str, raw: dict[str, Any], parts: dict[str, UploadedFile]) -> _Request:
        """Form strings -> typed params per the spec; attach:// -> UploadedFile; required check."""
        specs = self.spec.fields(method)
        req = _Request(method, {}, {}, parts)
        consumed: set[str] = set()
        for name, value in raw.items():
            spec = specs.get(name)
            req.params[name] = value if spec is None else self._convert(spec, value, req, consumed)
        for name, part in parts.items():
            if name in specs and name not in raw and specs[name].accepts_file:
                req.params[name] = part  # the file sent directly as the field's part
                req.files[name] = part.data
                consumed.add(name)
        for name, part in parts.items():
            if name not in consumed:
                req.files[name] = part.data  # referenced from nested JSON (media groups)
        for spec in specs.values():
            if spec.required and spec.name not in req.params:
                raise self._missing(method, spec.name)
        return req

    @staticmethod
    def _missing(method: str, name: str) -> ApiError:
        if name == "text":
            return _bad("message text is empty")
        if name in ("chat_id", "from_chat_id"):
            return _bad(f"{name} is empty")
        if name == "callback_query_id":
            return ApiError(400, MSG_QUERY_TOO_OLD)
        if name in (
            "document",
            "photo",
            "video",
            "audio",
            "voice",
            "animation",
            "sticker",
            "media",
        ):
            return _bad(f"there is no {name} in the request")
        return _bad(f'parameter "{name}" is required')

    @staticmethod
    def _convert(spec: FieldSpec, value: Any, req: _Request, consumed: set[str]) -> Any:
        types = spec.types
        if spec.accepts_file and isinstance(value, str) and value.startswith("attach://"):
            key = value[len("attach://") :]
            part = req.parts.get(key)
            if part is None:
                raise _bad(f'file "{key}" referenced by {spec.name} is not attached')
            consumed.add(key)
            req.files[spec.name] = part.data
            return part
        if not isinstance(value, str):  # from a JSON body
            return value
        if spec.is_json and value[:1] in ("{", "["):
            try:
                return json.loads(value)
            except json.JSONDecodeError:
                raise FakeTelegram._json_error(spec.name) from None
        if spec.is_json and not any(t in ("String", "Integer", "InputFile") for t in types):
            raise FakeTelegram._json_error(spec.name)
        if "Integer" in types:
            try:
                return int(value)
            except ValueError:
                if "String" in types:
                    return value
                raise _bad(
                    f'invalid value for parameter "{spec.name}": expected Integer, got {value!r}'
                ) from None
        if "Float" in types:
            try:
                return float(value)
            except ValueError:
                raise _bad(f'invalid value for parameter "{spec.name}": expected Float') from None
        if "Boolean" in types or "True" in types:
            lowered = value.lower()
            if lowered in ("true", "1"):
                return True
            if lowered in ("false", "0"):
                return False
            raise _bad(f'invalid value for parameter "{spec.name}": expected Boolean')
        return value

    @staticmethod
    def _json_error(name: str) -> ApiError:
        if name == "reply_markup":
            return ApiError(400, MSG_BAD_MARKUP)
        if name in ("entities", "caption_entities"):
            return _bad("can't parse entities JSON object")
        return _bad(f"can't parse {name} JSON object")

    # ---------------------------------------------------------------------------- world helpers

    def _chat_key(self, chat: FakeChat | int | None, default: int) -> int:
        if chat is None:
            return default
        return chat.id if isinstance(chat, FakeChat) else chat

    def _lookup_chat(self, value: Any) -> _Chat | None:
        if isinstance(value, str) and value.startswith("@"):
            wanted = value[1:].lower()
            return next(
                (c for c in self._chats.values() if (c.username or "").lower() == wanted), None
            )
        if isinstance(value, int):
            return self._chats.get(value)
        return None

    def _member_status(self, chat_id: int, user_id: int) -> str:
        return self._members.get((chat_id, user_id), ("left", {}))[0]

    def _resolve_chat(self, value: Any, *, writing: bool = True) -> _Chat:
        """The chat as the real API would see it; ``writing`` applies block/membership rules."""
        chat = self._lookup_chat(value)
        if chat is None:
            raise _bad("chat not found")
        if chat.type == "private":
            if not chat.started:
                user = self._users.get(chat.id)
                if user is not None and user.seen_by_bot:
                    raise ApiError(403, "Forbidden: bot can't initiate conversation with a user")
                raise _bad("chat not found")
            if writing and chat.id in self._blocked:
                raise ApiError(403, "Forbidden: bot was blocked by the user")
            return chat
        status = self._member_status(chat.id, self.bot_id)
        if status == "kicked":
            raise ApiError(403, f"Forbidden: bot was kicked from the {chat.type} chat")
        if status == "left":
            raise ApiError(403, f"Forbidden: bot is not a member of the {chat.type} chat")
        return chat

    def _bot_is_admin(self, chat: _Chat, right: str | None = None) -> bool:
        status, fields = self._members.get((chat.id, self.bot_id), ("left", {}))
        if status == "creator":
            return True
        return status == "administrator" and (right is None or fields.get(right, True) is not False)

    def _resolve_thread(self, chat: _Chat, value: Any) -> int | None:
        if value is None:
            return None
        if chat.is_forum:
            if value == GENERAL_TOPIC_ID:
                return None  # General topic messages carry no thread id
            topic = chat.topics.get(value)
            if topic is None:
                raise _bad("message thread not found")
            if topic.closed and not self._bot_is_admin(chat, "can_manage_topics"):
                raise _bad("TOPIC_CLOSED")
            return int(value)
        if chat.type == "supergroup" and value in chat.messages:
            return int(value)  # a reply thread in a non-forum supergroup
        raise _bad("message thread not found")

    def _resolve_reply(self, chat: _Chat, params: Json) -> Json | None:
        reply = params.get("reply_parameters")
        if reply is None:
            return None
        if not isinstance(reply, dict) or not isinstance(reply.get("message_id"), int):
            raise _bad("can't parse reply parameters JSON object")
        target = chat if reply.get("chat_id") is None else self._lookup_chat(reply["chat_id"])
        record = target.messages.get(reply["message_id"]) if target else None
        if record is None or record.deleted:
            if reply.get("allow_sending_without_reply"):
                return None
            raise _bad("message to be replied not found")
        replied = copy.deepcopy(record.message)
        replied.pop("reply_to_message", None)  # Telegram never nests replies
        return replied

    def _format(
        self, params: Json, text_key: str, entities_key: str, *, caption: bool
    ) -> tuple[str, list[Json]]:
        text = params.get(text_key)
        if text is None:
            if caption:
                return "", []
            raise _bad("message text is empty")
        text = str(text)
        entities = params.get(entities_key)
        if isinstance(entities, list):
            plain, parsed = text, entities
        else:
            mode = params.get("parse_mode")
            parser = _PARSERS.get(str(mode).lower()) if mode else None
            if mode and parser is None:
                raise _bad(f"unsupported parse_mode {mode!r}")
            try:
                plain, parsed = parser(text) if parser else (text, [])
            except EntityParseError as exc:
                raise _bad(f"can't parse entities: {exc}") from None
        if not caption and not plain.strip():
            raise _bad("message text is empty")
        limit = CAPTION_LIMIT if caption else TEXT_LIMIT
        if utf16_len(plain) > limit:
            raise _bad("message caption is too long" if caption else "message is too long")
        return plain, parsed

    def _validate_markup(self, method: str, params: Json) -> Json | None:
        markup = params.get("reply_markup")
        if markup is None:
            return None
        allowed = self.spec.fields(method)["reply_markup"].types
        _validate_reply_markup(markup, allowed, self._inline_actions, self._reply_actions)
        return dict(markup)

    def _bump(self, record: _MessageRecord) -> None:
        self._out_seq += 1
        record.out_seq = self._out_seq

    def _base_message(self, chat: _Chat, sender: Json, thread_id: int | None) -> Json:
        message: Json = {
            "message_id": chat.next_message_id(),
            "from": copy.deepcopy(sender),
            "date": _now(),
            "chat": chat.as_chat(),
        }
        if thread_id is not None:
            message["message_thread_id"] = thread_id
            if chat.is_forum:
                message["is_topic_message"] = True
        return message

    def _store_bot_message(
        self,
        chat: _Chat,
        thread_id: int | None,
        content: Json,
        *,
        markup: Json | None = None,
        reply_to: Json | None = None,
        params: Json | None = None,
    ) -> Json:
        message = self._base_message(chat, self.bot_user, thread_id)
        message.update(
            {key: value for key, value in content.items() if value not in (None, [], "")}
        )
        if reply_to is not None:
            message["reply_to_message"] = reply_to
        if markup is not None and "inline_keyboard" in markup:
            message["reply_markup"] = copy.deepcopy(markup)
        if params and params.get("protect_content"):
            message["has_protected_content"] = True
        record = _MessageRecord(message, from_bot=True, sent_markup=copy.deepcopy(markup))
        self._bump(record)
        chat.messages[message["message_id"]] = record
        if markup is not None and "keyboard" in markup:
            chat.reply_keyboard = copy.deepcopy(markup)
        elif markup is not None and "remove_keyboard" in markup:
            chat.reply_keyboard = None
        return copy.deepcopy(message)

    def _check_rate(self, method: str, chat: _Chat) -> None:
        # Sends are logged even while limits are off, so enabling them mid-test is accurate.
        limits = self._rate_limits
        now = time.monotonic()
        while self._send_log and now - self._send_log[0][0] > 60:
            self._send_log.popleft()
        is_group = chat.type != "private"
        if limits is None:
            self._send_log.append((now, chat.id, is_group))
            return
        checks: list[tuple[str, float | None, float, list[float]]] = [
            (
                "chat",
                limits.per_chat_per_second,
                1.0,
                [t for t, c, _ in self._send_log if c == chat.id and now - t < 1.0],
            ),
            (
                "global",
                limits.global_per_second,
                1.0,
                [t for t, _, _ in self._send_log if now - t < 1.0],
            ),
        ]
        if is_group:
            checks.append(
                (
                    "group",
                    limits.per_group_per_minute,
                    60.0,
                    [t for t, c, _ in self._send_log if c == chat.id],
                )
            )
        for scope, limit, window, recent in checks:
            if limit is not None and len(recent) >= limit:
                # The oldest send that must expire before another one fits the window.
                oldest = recent[len(recent) - int(limit)] if int(limit) >= 1 else now
                retry_after = max(1, math.ceil(window - (now - oldest)))
                self.rate_violations.append(RateViolation(method, chat.id, scope, retry_after, now))
                raise ApiError(429, f"Too Many Requests: retry after {retry_after}", retry_after)
        self._send_log.append((now, chat.id, is_group))

    # ---------------------------------------------------------------------------- files

    def _register_file(
        self,
        kind: str,
        data: bytes,
        *,
        file_name: str | None = None,
        mime_type: str | None = None,
        file_size: int | None = None,
        url: str | None = None,
    ) -> StoredFile:
        number = next(self._file_ids)
        folder, default_ext = _FILE_FOLDERS[kind]
        ext = Path(file_name).suffix if file_name and Path(file_name).suffix else default_ext
        if mime_type is None and file_name:
            mime_type = mimetypes.guess_type(file_name)[0]
        stored = StoredFile(
            file_id=f"fake-{kind}-{number:06d}",
            file_unique_id=f"uniq-{kind}-{number:06d}",
            kind=kind,
            data=data,
            file_size=len(data) if file_size is None else file_size,
            file_path=f"{folder}/file_{number}{ext}",
            file_name=file_name,
            mime_type=mime_type,
            url=url,
        )
        self._files[stored.file_id] = stored
        self._files_by_path[stored.file_path] = stored
        return stored

    def _file_object(self, stored: StoredFile) -> Json:
        obj: Json = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": stored.file_size,
        }
        if stored.kind in ("document", "video", "audio", "animation") and stored.file_name:
            obj["file_name"] = stored.file_name
        if stored.mime_type and stored.kind != "photo":
            obj["mime_type"] = stored.mime_type
        if stored.kind in ("video", "animation"):
            obj.update(width=640, height=360, duration=1)
        elif stored.kind in ("audio", "voice"):
            obj.setdefault("duration", 1)
        elif stored.kind == "sticker":
            obj.update(type="regular", width=512, height=512, is_animated=False, is_video=False)
        return obj

    def _photo_sizes(self, stored: StoredFile) -> list[Json]:
        """Two sizes like Telegram; the thumbnail has distinct bytes so photo[0] bugs show."""
        if stored.thumbnail_id is None:
            thumbnail = self._register_file("photo", b"fake-thumbnail-" + stored.file_id.encode())
            stored.thumbnail_id = thumbnail.file_id
        thumbnail = self._files[stored.thumbnail_id]
        return [
            {
                "file_id": thumbnail.file_id,
                "file_unique_id": thumbnail.file_unique_id,
                "file_size": thumbnail.file_size,
                "width": 90,
                "height": 60,
            },
            {
                "file_id": stored.file_id,
                "file_unique_id": stored.file_unique_id,
                "file_size": stored.file_size,
                "width": 1280,
                "height": 853,
            },
        ]

    def _media_content(self, stored: StoredFile) -> Json:
        if stored.kind == "photo":
            return {"photo": self._photo_sizes(stored)}
        return {stored.kind: self._file_object(stored)}

    def _outgoing_file(self, value: Any, kind: str) -> StoredFile:
        if isinstance(value, UploadedFile):
            if not value.data:
                raise _bad("file must be non-empty")
            if len(value.data) > UPLOAD_LIMIT:
                raise ApiError(413, "Request Entity Too Large")
            if kind == "photo" and len(value.data) > PHOTO_UPLOAD_LIMIT:
                raise _bad("PHOTO_SAVE_FILE_INVALID (photos are limited to 10 MB)")
            return self._register_file(
                kind,
                value.data,
                file_name=value.filename,
                mime_type=value.content_type
                if value.content_type not in (None, "application/octet-stream")
                else None,
            )
        if isinstance(value, str) and value.startswith(("http://", "https://")):
            return self._register_file(
                kind, b"", file_name=value.rsplit("/", 1)[-1] or None, url=value
            )
        stored = self._files.get(value) if isinstance(value, str) else None
        if stored is None:
            raise _bad("wrong file identifier/HTTP URL specified")
        if stored.kind != kind:
            raise _bad(f"can't use file of type {stored.kind.title()} as {kind.title()}")
        return stored

    # ---------------------------------------------------------------------------- user side

    def _next_media_group_id(self) -> str:
        return f"{13_000_000_000_000_000 + next(self._media_group_ids)}"

    def _push_user_message(
        self,
        user: FakeUser,
        chat_ref: FakeChat | int | None,
        content: Json,
        thread_id: int | None,
        reply_to: Json | int | None,
    ) -> int:
        chat_id = self._chat_key(chat_ref, user.id)
        chat = self._chats.get(chat_id)
        if chat is None:
            raise AssertionError(
                f"unknown chat {chat_id}; create it with fake.supergroup(...) first"
            )
        if chat.type == "private":
            if chat_id != user.id:
                raise AssertionError(
                    f"user {user.id} cannot write into user {chat_id}'s private chat with the bot"
                )
            if user.id in self._blocked:
                raise AssertionError(
                    f"user {user.id} has blocked the bot; call fake.unblock({user.id}) first"
                )
            chat.started = True
        else:
            user.seen_by_bot = True
            if (chat.id, user.id) not in self._members:
                self._members[(chat.id, user.id)] = ("member", {})
            if thread_id is not None and chat.is_forum and thread_id not in chat.topics:
                self._add_topic(chat, f"Topic {thread_id}", thread_id, 7322096)
        message = self._base_message(chat, user.as_user(), thread_id)
        message.update(content)
        if reply_to is not None:
            reply_id = reply_to if isinstance(reply_to, int) else reply_to["message_id"]
            replied = chat.messages.get(reply_id)
            if replied is None:
                raise AssertionError(
                    f"cannot reply to unknown message {reply_id} in chat {chat_id}"
                )
            message["reply_to_message"] = copy.deepcopy(replied.message)
            message["reply_to_message"].pop("reply_to_message", None)
        chat.messages[message["message_id"]] = _MessageRecord(message, from_bot=False)
        return self.push_update({"message": message})

    def _push_callback(
        self,
        user: FakeUser,
        chat: _Chat,
        record: _MessageRecord | None,
        data: str,
        *,
        message_id: int | None = None,
    ) -> int:
        if chat.type == "private" and chat.id != user.id:
            raise AssertionError(
                f"user {user.id} cannot see messages in user {chat.id}'s private chat"
            )
        query_id = f"{7_000_000_000_000_000_000 + next(self._callback_ids)}"
        query: Json = {
            "id": query_id,
            "from": user.as_user(),
            "chat_instance": f"{abs(chat.id) * 7919 % 10**18}",
            "data": data,
        }
        if record is not None and not record.deleted:
            query["message"] = copy.deepcopy(record.message)
        else:
            query["message"] = {"chat": chat.as_chat(), "message_id": message_id or 0, "date": 0}
        update_id = self.push_update({"callback_query": query})
        self._callbacks[query_id] = _CallbackState(update_id, user.id)
        return update_id

    def _push_my_chat_member(self, user_id: int, old: str, new: str) -> None:
        chat = self._chats[user_id]
        self.push_update(
            {
                "my_chat_member": {
                    "chat": chat.as_chat(),
                    "from": self._users[user_id].as_user(),
                    "date": _now(),
                    "old_chat_member": self._member_object(old, self.bot_user, {}),
                    "new_chat_member": self._member_object(new, self.bot_user, {}),
                }
            }
        )

    def _add_topic(self, chat: _Chat, name: str, thread_id: int | None, icon_color: int) -> int:
        if not chat.is_forum:
            raise ValueError(f"chat {chat.id} is not a forum")
        if thread_id is None:
            thread_id = chat.next_message_id()
        else:
            chat.last_message_id = max(chat.last_message_id, thread_id)
        chat.topics[thread_id] = _Topic(thread_id, name, icon_color)
        return thread_id

    # ---------------------------------------------------------------------------- methods

    async def _get_updates(self, req: _Request) -> list[Json]:
        if self.webhook is not None:
            raise ApiError(409, MSG_WEBHOOK_ACTIVE)
        params = req.params
        if "allowed_updates" in params:
            allowed = params["allowed_updates"]
            if not isinstance(allowed, list):
                raise _bad("can't parse allowed_updates JSON object")
            known = {kind for kind in allowed if kind in self._update_kinds}
            self._allowed_updates = (
                frozenset(known) if known else self._update_kinds - OPT_IN_UPDATES
            )
        offset = params.get("offset")
        if offset is not None:
            self._confirm(int(offset))
        limit = min(max(int(params.get("limit", 100)), 1), 100)
        timeout = max(int(params.get("timeout", 0)), 0)
        self.poll_count += 1

        old = self._active_poll
        if old is not None:
            # Two pollers: the older request gets 409, unless its client already went away
            # (a stopped Dispatcher whose request is still being torn down).
            if old.transport is not None and not old.transport.is_closing():
                old.conflict = True
            else:
                old.abandoned = True
            self._update_event.set()
        poll = _Poll(req.transport)
        self._active_poll = poll
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        try:
            while True:
                batch = self._pending[:limit]
                if batch or poll.conflict or poll.abandoned or self._closing:
                    break
                remaining = deadline - loop.time()
                if remaining <= 0:
                    break
                self._update_event.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._update_event.wait(), remaining)
        finally:
            if self._active_poll is poll:
                self._active_poll = None
        if poll.conflict:
            raise ApiError(
                409,
                "Conflict: terminated by other getUpdates request; "
                "make sure that only one bot instance is running",
            )
        if poll.abandoned:
            return []
        for pending in batch:
            pending.delivered = True
        return [copy.deepcopy(pending.payload) for pending in batch]

    def _confirm(self, offset: int) -> None:
        before = len(self._pending)
        if offset < 0:
            self._pending = self._pending[offset:]  # keep the last -offset updates
        else:
            self._pending = [p for p in self._pending if p.update_id >= offset]
        if len(self._pending) != before:
            self._progress_event.set()

    def _delete_webhook(self, req: _Request) -> bool:
        if req.params.get("drop_pending_updates"):
            self._drop_pending()
        self.webhook = None  # the delivery loop ends; getUpdates works again
        self._update_event.set()
        return True

    def _drop_pending(self) -> None:
        self.dropped_updates.extend(p.payload for p in self._pending)
        self._pending.clear()
        self._progress_event.set()

    def _set_webhook(self, req: _Request) -> bool:
        params = req.params
        url = str(params["url"])
        if not url:
            return self._delete_webhook(req)
        self.webhook = self._checked_webhook(url, params)
        if "allowed_updates" in params:
            known = {kind for kind in params["allowed_updates"] if kind in self._update_kinds}
            self._allowed_updates = (
                frozenset(known) if known else self._update_kinds - OPT_IN_UPDATES
            )
        if params.get("drop_pending_updates"):
            self._drop_pending()
        if self._webhook_task is None or self._webhook_task.done():
            self._webhook_task = asyncio.get_running_loop().create_task(self._deliver_to_webhook())
        self._update_event.set()
        return True

    def _checked_webhook(self, url: str, params: Json) -> Webhook:
        """The webhook as Telegram would accept it, or its error."""
        try:
            parts = urllib.parse.urlsplit(url)
            port = parts.port
        except ValueError:
            raise _bad("bad webhook: Failed to resolve host: Name or service not known") from None
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise _bad("bad webhook: Failed to resolve host: Name or service not known")
        if parts.hostname not in LOOPBACK_HOSTS:  # a local Bot API server allows these
            if parts.scheme != "https":
                raise _bad("bad webhook: An HTTPS URL must be provided for webhook")
            if (port or 443) not in WEBHOOK_PORTS:
                raise _bad("bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443")
        secret = params.get("secret_token")
        if secret is not None:
            secret = str(secret)
            if len(secret) > 256:
                raise _bad("secret token is too long")
            if not SECRET_TOKEN_CHARS.fullmatch(secret):
                raise _bad("secret token contains unallowed characters")
        max_connections = int(params.get("max_connections", 40))
        if not 1 <= max_connections <= 100:
            raise _bad("bad webhook: max_connections must be between 1 and 100")
        allowed = params.get("allowed_updates")
        if allowed is not None and not isinstance(allowed, list):
            raise _bad("can't parse allowed_updates JSON object")
        return Webhook(url, secret or None, max_connections, params.get("ip_address"),
                       list(allowed) if allowed is not None else None)

    def _get_webhook_info(self, req: _Request) -> Json:
        info: Json = {
            "url": self.webhook.url if self.webhook else "",
            "has_custom_certificate": False,
            "pending_update_count": len(self._pending),
        }
        if self.webhook is not None:
            info["max_connections"] = self.webhook.max_connections
            optional = {
                "ip_address": self.webhook.ip_address,
                "allowed_updates": self.webhook.allowed_updates,
                "last_error_date": self.webhook.last_error_date,
                "last_error_message": self.webhook.last_error_message,
            }
            info.update({key: value for key, value in optional.items() if value is not None})
        return info

    async def _deliver_to_webhook(self) -> None:
        """Telegram's side of a webhook: POST the oldest pending update until the bot answers
        2xx, then the next one."""
        async with aiohttp.ClientSession() as session:
            while self.webhook is not None and not self._closing:
                if not self._pending or self._webhook_paused:
                    self._update_event.clear()
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self._update_event.wait(), 0.5)
                    continue
                pending = self._pending[0]
                pending.delivered = True
                delivery = await self._post_update(session, self.webhook, pending)
                self.webhook_deliveries.append(delivery)
                if delivery.ok or pending.attempts + 1 == self.webhook_max_attempts:
                    if not delivery.ok:
                        self.dropped_updates.append(pending.payload)
                    self._pending = [p for p in self._pending if p is not pending]
                    self._progress_event.set()
                    continue
                pending.attempts += 1
                if self.webhook is not None:
                    self.webhook.last_error_date = _now()
                    self.webhook.last_error_message = delivery.error
                await asyncio.sleep(min(self.webhook_retry_delay * 2 ** (pending.attempts - 1),
                                        1.0))

    async def _post_update(
        self, session: aiohttp.ClientSession, webhook: Webhook, pending: _PendingUpdate
    ) -> WebhookDelivery:
        headers = {"Content-Type": "application/json"}
        if webhook.secret_token is not None:
            headers[SECRET_HEADER] = webhook.secret_token
        try:
            async with session.post(
                webhook.url, data=_json_dumps(pending.payload).encode(), headers=headers,
                timeout=aiohttp.ClientTimeout(total=self.webhook_timeout),
            ) as response:
                await response.read()
                reason = f"Wrong response from the webhook: {response.status} {response.reason}"
                return WebhookDelivery(pending.update_id, response.status,
                                       None if response.status < 300 else reason)
        except (aiohttp.ClientError, TimeoutError) as error:
            return WebhookDelivery(pending.update_id, None, str(error) or type(error).__name__)

    @staticmethod
    def _commands_key(scope: Any, language_code: Any) -> tuple[str, str]:
        scope_json = json.dumps(scope or {"type": "default"}, sort_keys=True)
        return scope_json, str(language_code or "")

    def _set_my_commands(self, req: _Request) -> bool:
        commands = req.params["commands"]
        if not isinstance(commands, list) or len(commands) > 100:
            raise _bad("can't parse commands JSON object")
        for command in commands:
            if not isinstance(command, dict):
                raise _bad("can't parse commands JSON object")
            name = command.get("command")
            if not isinstance(name, str) or not re.fullmatch(r"[a-z0-9_]{1,32}", name):
                raise _bad("BOT_COMMAND_INVALID")
            description = command.get("description")
            if not isinstance(description, str) or not 1 <= len(description.strip()) <= 256:
                raise _bad("BOT_COMMAND_DESCRIPTION_INVALID")
        key = self._commands_key(req.params.get("scope"), req.params.get("language_code"))
        self._commands[key] = copy.deepcopy(commands)
        return True

    def _get_my_commands(self, req: _Request) -> list[Json]:
        key = self._commands_key(req.params.get("scope"), req.params.get("language_code"))
        return copy.deepcopy(self._commands.get(key, []))

    def _delete_my_commands(self, req: _Request) -> bool:
        self._commands.pop(
            self._commands_key(req.params.get("scope"), req.params.get("language_code")), None
        )
        return True

    def _send_message(self, req: _Request) -> Json:
        params = req.params
        chat = self._resolve_chat(params["chat_id"])
        thread_id = self._resolve_thread(chat, params.get("message_thread_id"))
        text, entities = self._format(params, "text", "entities", caption=False)
        markup = self._validate_markup(req.method, params)
        reply_to = self._resolve_reply(chat, params)
        self._check_rate(req.method, chat)
        return self._store_bot_message(
            chat,
            thread_id,
            {"text": text, "entities": entities},
            markup=markup,
            reply_to=reply_to,
            params=params,
        )

    def _send_media(self, req: _Request, kind: str) -> Json:
        params = req.params
        chat = self._resolve_chat(params["chat_id"])
        thread_id = self._resolve_thread(chat, params.get("message_thread_id"))
        caption, caption_entities = self._format(
            params, "caption", "caption_entities", caption=True
        )
        markup = self._validate_markup(req.method, params)
        reply_to = self._resolve_reply(chat, params)
        stored = self._outgoing_file(params[kind], kind)
        self._check_rate(req.method, chat)
        content = self._media_content(stored)
        if kind == "sticker":
            content["sticker"].setdefault("emoji", params.get("emoji") or "🙂")
        content.update(caption=caption, caption_entities=caption_entities)
        return self._store_bot_message(
            chat, thread_id, content, markup=markup, reply_to=reply_to, params=params
        )

    def _send_media_group(self, req: _Request) -> list[Json]:
        params = req.params
        chat = self._resolve_chat(params["chat_id"])
        thread_id = self._resolve_thread(chat, params.get("message_thread_id"))
        media = params["media"]
        if not isinstance(media, list) or not all(isinstance(item, dict) for item in media):
            raise _bad("can't parse media JSON object")
        if not 2 <= len(media) <= 10:
            raise _bad("media group must include 2-10 items")
        kinds = {item.get("type") for item in media}
        if not kinds <= {"photo", "video", "document", "audio"}:
            raise _bad(f"unsupported media types {sorted(map(str, kinds))}")
        for lonely in ("document", "audio"):
            if lonely in kinds and len(kinds) > 1:
                raise _bad(f"{lonely} can't be mixed with other media types")
        reply_to = self._resolve_reply(chat, params)
        prepared: list[Json] = []
        for index, item in enumerate(media):
            source = item.get("media")
            if isinstance(source, str) and source.startswith("attach://"):
                part = req.parts.get(source[len("attach://") :])
                if part is None:
                    raise _bad(f"file {source!r} is not attached")
                # Name album uploads by position rather than by aiogram's random attach key.
                req.files.pop(part.name, None)
                req.files[f"media[{index}]"] = part.data
                source = part
            caption, caption_entities = self._format(
                item, "caption", "caption_entities", caption=True
            )
            stored = self._outgoing_file(source, str(item["type"]))
            prepared.append(
                {
                    **self._media_content(stored),
                    "caption": caption,
                    "caption_entities": caption_entities,
                }
            )
        group_id = self._next_media_group_id()
        sent = []
        for content in prepared:
            self._check_rate(req.method, chat)
            sent.append(
                self._store_bot_message(
                    chat,
                    thread_id,
                    {**content, "media_group_id": group_id},
                    reply_to=reply_to,
                    params=params,
                )
            )
        return sent

    def _editable(self, params: Json, *, action: str = "edit") -> tuple[_Chat, _MessageRecord]:
        if params.get("inline_message_id") is not None:
            raise _bad("fake does not implement inline messages (inline_message_id)")
        if params.get("chat_id") is None or params.get("message_id") is None:
            raise _bad("message identifier is not specified")
        chat = self._resolve_chat(params["chat_id"])
        record = chat.messages.get(params["message_id"])
        if record is None or record.deleted:
            raise _bad(f"message to {action} not found")
        if not record.from_bot:
            raise _bad("message can't be edited")
        return chat, record

    def _apply_edit(self, record: _MessageRecord, changes: Json, markup: Json | None) -> Json:
        message = record.message
        before = {key: message.get(key) for key in (*changes, "reply_markup")}
        after = {key: value or None for key, value in changes.items()}
        after["reply_markup"] = markup
        if {k: v or None for k, v in before.items()} == after:
            raise ApiError(400, MSG_NOT_MODIFIED)
        for key, value in after.items():
            if value is None:
                message.pop(key, None)
            else:
                message[key] = copy.deepcopy(value)
        message["edit_date"] = _now()
        record.sent_markup = copy.deepcopy(markup)  # edits only take inline keyboards
        self._bump(record)
        return copy.deepcopy(message)

    def _edit_message_text(self, req: _Request) -> Json:
        params = req.params
        if params.get("rich_message") is not None:
            raise _bad("fake does not implement rich_message")
        _, record = self._editable(params)
        if "text" not in record.message:
            raise _bad("there is no text in the message to edit")
        text, entities = self._format(params, "text", "entities", caption=False)
        markup = self._validate_markup(req.method, params)  # omitted markup removes the keyboard
        return self._apply_edit(record, {"text": text, "entities": entities}, markup)

    def _edit_message_caption(self, req: _Request) -> Json:
        params = req.params
        _, record = self._editable(params)
        if not any(key in record.message for key in _MEDIA_KEYS):
            raise _bad("there is no caption in the message to edit")
        caption, entities = self._format(params, "caption", "caption_entities", caption=True)
        markup = self._validate_markup(req.method, params)
        return self._apply_edit(record, {"caption": caption, "caption_entities": entities}, markup)

    def _edit_message_reply_markup(self, req: _Request) -> Json:
        _, record = self._editable(req.params)
        markup = self._validate_markup(req.method, req.params)
        return self._apply_edit(record, {}, markup)

    def _can_delete(self, chat: _Chat, record: _MessageRecord) -> bool:
        if chat.type == "private" or record.from_bot:
            return True
        return self._bot_is_admin(chat, "can_delete_messages")

    def _delete_message(self, req: _Request) -> bool:
        chat = self._resolve_chat(req.params["chat_id"])
        record = chat.messages.get(req.params["message_id"])
        if record is None or record.deleted:
            raise _bad("message to delete not found")
        if not self._can_delete(chat, record):
            raise _bad("message can't be deleted")
        record.deleted = True
        return True

    def _delete_messages(self, req: _Request) -> bool:
        chat = self._resolve_chat(req.params["chat_id"])
        ids = req.params["message_ids"]
        if not isinstance(ids, list) or not 1 <= len(ids) <= 100:
            raise _bad("can't parse message_ids JSON object")
        for message_id in ids:
            record = chat.messages.get(message_id)
            if record is not None and not record.deleted and self._can_delete(chat, record):
                record.deleted = True  # missing ones are skipped, like the real API
        return True

    def _answer_callback_query(self, req: _Request) -> bool:
        params = req.params
        state = self._callbacks.get(str(params["callback_query_id"]))
        if state is None or state.answered:
            raise ApiError(400, MSG_QUERY_TOO_OLD)
        text = params.get("text")
        if text is not None and len(str(text)) > CALLBACK_ANSWER_LIMIT:
            raise _bad("MESSAGE_TOO_LONG")
        state.answered = True
        state.answer = {key: value for key, value in params.items() if key != "callback_query_id"}
        return True

    def _source_message(self, params: Json, message_id: int, action: str) -> _MessageRecord:
        source_chat = self._resolve_chat(params["from_chat_id"], writing=False)
        record = source_chat.messages.get(message_id)
        if record is None or record.deleted:
            raise _bad(f"message to {action} not found")
        past = {"copy": "copied", "forward": "forwarded"}[action]
        if record.service or not any(key in record.message for key in _CONTENT_KEYS):
            raise _bad(f"message can't be {past}")
        if record.message.get("has_protected_content"):
            raise _bad(f"message can't be {past}")
        return record

    def _copied_content(self, record: _MessageRecord, params: Json | None) -> Json:
        content = {
            key: copy.deepcopy(record.message[key])
            for key in _CONTENT_KEYS
            if key in record.message
        }
        if params is not None and params.get("caption") is not None:
            caption, entities = self._format(params, "caption", "caption_entities", caption=True)
            content.update(caption=caption, caption_entities=entities)
        return content

    def _copy_message(self, req: _Request) -> Json:
        params = req.params
        record = self._source_message(params, params["message_id"], "copy")
        chat = self._resolve_chat(params["chat_id"])
        thread_id = self._resolve_thread(chat, params.get("message_thread_id"))
        content = self._copied_content(record, params)
        markup = self._validate_markup(req.method, params)
        reply_to = self._resolve_reply(chat, params)
        self._check_rate(req.method, chat)
        sent = self._store_bot_message(
            chat, thread_id, content, markup=markup, reply_to=reply_to, params=params
        )
        return {"message_id": sent["message_id"]}

    def _forwarded_content(self, record: _MessageRecord) -> Json:
        content = self._copied_content(record, None)
        content["forward_origin"] = {
            "type": "user",
            "sender_user": copy.deepcopy(record.message["from"]),
            "date": record.message["date"],
        }
        return content

    def _forward_message(self, req: _Request) -> Json:
        params = req.params
        record = self._source_message(params, params["message_id"], "forward")
        chat = self._resolve_chat(params["chat_id"])
        thread_id = self._resolve_thread(chat, params.get("message_thread_id"))
        self._check_rate(req.method, chat)
        return self._store_bot_message(
            chat, thread_id, self._forwarded_content(record), params=params
        )

    def _copy_or_forward_many(self, req: _Request, *, forward: bool) -> list[Json]:
        params = req.params
        action = "forward" if forward else "copy"
        ids = params["message_ids"]
        if not isinstance(ids, list) or not 1 <= len(ids) <= 100 or ids != sorted(set(ids)):
            raise _bad(
                "message_ids must be a list of 1-100 identifiers in strictly increasing order"
            )
        chat = self._resolve_chat(params["chat_id"])
        thread_id = self._resolve_thread(chat, params.get("message_thread_id"))
        records = []
        for message_id in ids:
            with contextlib.suppress(ApiError):  # missing ones are skipped, like the real API
                records.append(self._source_message(params, message_id, action))
        if not records:
            raise _bad(f"there are no messages to {action}")
        result = []
        for record in records:
            self._check_rate(req.method, chat)
            content = (
                self._forwarded_content(record) if forward else self._copied_content(record, None)
            )
            sent = self._store_bot_message(chat, thread_id, content, params=params)
            result.append({"message_id": sent["message_id"]})
        return result

    def _get_file(self, req: _Request) -> Json:
        stored = self._files.get(str(req.params["file_id"]))
        if stored is None:
            raise _bad("invalid file_id")
        if stored.file_size > DOWNLOAD_LIMIT:
            raise _bad("file is too big")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": stored.file_size,
            "file_path": stored.file_path,
        }

    def _forum(self, params: Json) -> _Chat:
        chat = self._resolve_chat(params["chat_id"])
        if chat.type != "supergroup" or not chat.is_forum:
            raise _bad("the chat is not a forum")
        return chat

    def _topic(self, chat: _Chat, params: Json) -> _Topic:
        topic = chat.topics.get(params["message_thread_id"])
        if topic is None:
            raise _bad("message thread not found")
        if not self._bot_is_admin(chat, "can_manage_topics"):
            raise _bad("not enough rights to manage topics")
        return topic

    def _create_forum_topic(self, req: _Request) -> Json:
        params = req.params
        chat = self._forum(params)
        if not self._bot_is_admin(chat, "can_manage_topics"):
            raise _bad("not enough rights to create a topic")
        name = str(params["name"])
        if not 1 <= len(name) <= 128:
            raise _bad("TOPIC_TITLE_INVALID (topic name must be 1-128 characters)")
        icon_color = params.get("icon_color", 7322096)
        if icon_color not in TOPIC_ICON_COLORS:
            raise _bad("TOPIC_ICON_COLOR_INVALID")
        thread_id = self._add_topic(chat, name, None, icon_color)
        topic = chat.topics[thread_id]
        topic.icon_custom_emoji_id = params.get("icon_custom_emoji_id")
        # Like Telegram, the topic id is the id of its "forum_topic_created" service message.
        service: Json = {
            "message_id": thread_id,
            "from": copy.deepcopy(self.bot_user),
            "date": _now(),
            "chat": chat.as_chat(),
            "message_thread_id": thread_id,
            "is_topic_message": True,
            "forum_topic_created": {"name": name, "icon_color": icon_color},
        }
        chat.messages[thread_id] = _MessageRecord(service, from_bot=True, service=True)
        result: Json = {"message_thread_id": thread_id, "name": name, "icon_color": icon_color}
        if topic.icon_custom_emoji_id:
            result["icon_custom_emoji_id"] = topic.icon_custom_emoji_id
        return result

    def _edit_forum_topic(self, req: _Request) -> bool:
        params = req.params
        chat = self._forum(params)
        topic = self._topic(chat, params)
        name = params.get("name")
        emoji = params.get("icon_custom_emoji_id")
        if name is not None and not 1 <= len(str(name)) <= 128:
            raise _bad("TOPIC_TITLE_INVALID (topic name must be 1-128 characters)")
        if (name is None or name == topic.name) and (
            emoji is None or emoji == topic.icon_custom_emoji_id
        ):
            raise _bad("TOPIC_NOT_MODIFIED")
        if name is not None:
            topic.name = str(name)
        if emoji is not None:
            topic.icon_custom_emoji_id = str(emoji)
        return True

    def _set_topic_closed(self, req: _Request, *, closed: bool) -> bool:
        chat = self._forum(req.params)
        topic = self._topic(chat, req.params)
        if topic.closed == closed:
            raise _bad("TOPIC_NOT_MODIFIED")
        topic.closed = closed
        return True

    def _delete_forum_topic(self, req: _Request) -> bool:
        chat = self._forum(req.params)
        self._drop_topic(chat, self._topic(chat, req.params).thread_id)
        return True

    @staticmethod
    def _drop_topic(chat: Any, thread_id: int) -> None:
        del chat.topics[thread_id]
        for record in chat.messages.values():
            if record.message.get("message_thread_id") == thread_id:
                record.deleted = True

    def _member_object(self, status: str, user: Json, fields: Json) -> Json:
        member = {
            **_client_required_defaults(_MEMBER_TYPES[status]),
            **self.spec.minimal(_MEMBER_TYPES[status]),
        }
        member.update(status=status, user=copy.deepcopy(user))
        if status == "administrator":
            for key in member:
                if key.startswith("can_") and key != "can_be_edited":
                    member[key] = True
            member.setdefault("can_manage_topics", True)
            member.setdefault("can_pin_messages", True)
        elif status == "restricted":
            member["is_member"] = True
        member.update(fields)
        return member

    def _get_chat_member(self, req: _Request) -> Json:
        chat = self._resolve_chat(req.params["chat_id"], writing=False)
        user_id = int(req.params["user_id"])
        if user_id == self.bot_id:
            user = self.bot_user
        elif user_id in self._users:
            user = self._users[user_id].as_user()
        else:
            raise _bad("user not found")
        fields: Json
        if chat.type == "private":
            status, fields = ("member", {}) if user_id in (chat.id, self.bot_id) else ("left", {})
        else:
            status, fields = self._members.get((chat.id, user_id), ("left", {}))
        return self._member_object(status, user, fields)

    def _get_chat(self, req: _Request) -> Json:
        chat = self._resolve_chat(req.params["chat_id"], writing=False)
        info = {**_client_required_defaults("ChatFullInfo"), **self.spec.minimal("ChatFullInfo")}
        info.update(chat.as_chat())
        info["max_reaction_count"] = 11
        return info

    def _send_chat_action(self, req: _Request) -> bool:
        chat = self._resolve_chat(req.params["chat_id"])
        self._resolve_thread(chat, req.params.get("message_thread_id"))
        if req.params["action"] not in CHAT_ACTIONS:
            raise _bad("wrong parameter action in request")
        return True

    def _set_message_reaction(self, req: _Request) -> bool:
        params = req.params
        chat = self._resolve_chat(params["chat_id"])
        record = chat.messages.get(params["message_id"])
        if record is None or record.deleted:
            raise _bad("MESSAGE_ID_INVALID")
        reaction = params.get("reaction") or []
        if not isinstance(reaction, list):
            raise _bad("can't parse reaction JSON object")
        if len(reaction) > 1:
            raise _bad("REACTIONS_TOO_MANY")
        for item in reaction:
            if not isinstance(item, dict) or item.get("type") not in (
                "emoji",
                "custom_emoji",
                "paid",
            ):
                raise _bad("can't parse reaction JSON object")
            if item["type"] == "emoji" and item.get("emoji") not in self._reaction_emojis:
                raise _bad("REACTION_INVALID")
            if item["type"] == "paid":
                raise _bad("REACTION_INVALID (bots can't use paid reactions)")
        record.bot_reaction = copy.deepcopy(reaction)
        return True
