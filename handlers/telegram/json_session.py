"""Bot API calls as JSON bodies, and their answers read by pydantic straight from the bytes.

aiogram writes every call as a form: each field prepared by a recursive walk, objects dumped to
JSON text, then the whole form percent-encoded (a Cyrillic letter becomes six bytes). For a
message with a keyboard that came to ~190 µs of the bot's time per call, more than the rest of
a menu turn's statements together (issue 15). The Bot API takes `application/json` bodies as
well: here a call without a file is one `json.dumps` of its fields, ~40 µs. A call carrying a
file, or a value of a kind not known here, goes as aiogram writes it, unchanged.

An answer is validated by pydantic from the raw bytes (no `json.loads` into dicts first); a
reply's call (`send`) reads nothing back but `ok`. Any answer that is not a plain success, or
that this cannot read, goes through aiogram's own `check_response`, so its errors and
exceptions stay aiogram's.
"""

from __future__ import annotations

import datetime
import json
from enum import Enum
from typing import Any, cast

from aiogram import Bot
from aiogram.client.default import Default
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.session.middlewares.base import NextRequestMiddlewareType
from aiogram.exceptions import TelegramNetworkError
from aiogram.methods import Response, TelegramMethod
from aiogram.methods.base import TelegramType
from aiohttp import ClientError, ClientTimeout
from pydantic import ValidationError

_JSON_HEADERS = {"Content-Type": "application/json"}

# The models answers are read with, by the method's result type (`Response[Message]`).
# pydantic caches the generic models it builds only weakly: once the garbage collector freed
# one, the next answer built it again, some 9 ms each, several times per update under load.
# Held here, each is built once, and found without pydantic's generic lookup.
_ANSWER_MODELS: dict[Any, Any] = {}


def answer_model(method: TelegramMethod[Any]) -> Any:
    """`Response[T]` for the method's result type T, built once."""
    returning = method.__returning__
    model = _ANSWER_MODELS.get(returning)
    if model is None:
        model = _ANSWER_MODELS[returning] = Response[returning]  # type: ignore[valid-type]
    return model


class _AsForm(Exception):
    """A value only aiogram's form can carry (a file), or one not known here."""


def _unusual(value: Any) -> Any:
    """What `json.dumps` meets besides JSON's own types, as aiogram's form writes it."""
    if isinstance(value, datetime.datetime):
        return round(value.timestamp())
    if isinstance(value, Enum):
        return value.value
    # A file; a default inside an object (it may be None, which the form leaves out); a
    # timedelta (aiogram reads the clock for it); anything else.
    raise _AsForm


def json_body(bot: Bot, method: TelegramMethod[Any]) -> bytes | None:
    """The call's fields as a JSON object, or None if it must go as a form. As in aiogram's
    form, a field that is None or an empty string is not sent, nor is None inside an object,
    and a field left to the bot's default takes it."""
    fields = {}
    for key, raw in method.model_dump(warnings=False, exclude_none=True).items():
        value = bot.default[raw.name] if isinstance(raw, Default) else raw
        if value is not None and value != "":
            fields[key] = value
    try:
        return json.dumps(fields, ensure_ascii=False, default=_unusual).encode()
    except _AsForm:
        return None


class JsonBodySession(AiohttpSession):
    """aiogram's HTTP session, with calls sent as JSON and answers read from their bytes."""

    async def make_request(self, bot: Bot, method: TelegramMethod[TelegramType],
                           timeout: int | None = None) -> TelegramType:
        body = json_body(bot, method)
        if body is None:
            return await super().make_request(bot, method, timeout)
        status, raw = await self._post(bot, method, body, timeout)
        if status == 200:
            try:
                response = answer_model(method).model_validate_json(raw, context={"bot": bot})
            except ValidationError:
                response = None
            if response is not None and response.ok:
                return cast(TelegramType, response.result)
        return self._refusal(bot, method, status, raw)

    async def send(self, bot: Bot, method: TelegramMethod[Any]) -> None:
        """Make a call whose answer is only checked for success: a reply's message, of which
        nothing is read back. Reading Telegram's copy of a message with its keyboard into
        aiogram's objects cost ~90 µs, thrice the call's JSON; success is known from `ok`.
        The session's middlewares see it as any call; a refusal raises aiogram's exception,
        as `bot(method)` does."""
        unread = cast(NextRequestMiddlewareType[Any], self._make_unread)
        await self.middleware.wrap_middlewares(unread, timeout=None)(bot, method)

    async def _make_unread(self, bot: Bot, method: TelegramMethod[Any],
                           timeout: int | None = None) -> None:
        body = json_body(bot, method)
        if body is None:
            await self.make_request(bot, method, timeout)
            return
        status, raw = await self._post(bot, method, body, timeout)
        if status != 200 or _ok(raw) is not True:
            self._refusal(bot, method, status, raw)

    async def _post(self, bot: Bot, method: TelegramMethod[Any], body: bytes,
                    timeout: int | None) -> tuple[int, bytes]:
        session = await self.create_session()
        url = self.api.api_url(token=bot.token, method=method.__api_method__)
        try:
            wait = ClientTimeout(total=self.timeout if timeout is None else timeout)
            async with session.post(url, data=body, headers=_JSON_HEADERS,
                                    timeout=wait) as answer:
                return answer.status, await answer.read()
        except TimeoutError as error:
            raise TelegramNetworkError(method=method, message="Request timeout error") from error
        except ClientError as error:
            raise TelegramNetworkError(method=method,
                                       message=f"{type(error).__name__}: {error}") from error

    def _refusal(self, bot: Bot, method: TelegramMethod[TelegramType], status: int,
                 raw: bytes) -> TelegramType:
        """aiogram's reading of an answer this could not take as a success: its exception
        for a refusal (or, should it be a success after all, the result)."""
        content = raw.decode("utf-8", errors="replace")
        return cast(TelegramType, self.check_response(
            bot=bot, method=method, status_code=status, content=content).result)


def _ok(raw: bytes) -> Any:
    """An answer's `ok`, or None if it is not a JSON object."""
    try:
        answer = json.loads(raw)
    except ValueError:
        return None
    return answer.get("ok") if isinstance(answer, dict) else None
