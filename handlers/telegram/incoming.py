"""Reading updates from Telegram: an update the bot cannot parse is skipped, never the batch.

aiogram validates a whole getUpdates answer at once, so one update of a shape its models
reject (a Bot API change, a malformed field) failed the batch, and polling asked for the same
batch again forever: no one was answered. Now each update of such a batch is parsed on its
own; an unreadable one is logged (its id and why) and left out, and the next poll's offset
moves past it. A webhook reads its one update with the same `parse_update`.
"""

from __future__ import annotations

import logging
from typing import Any, cast

from aiogram import Bot
from aiogram.exceptions import ClientDecodeError
from aiogram.methods import GetUpdates, Response, TelegramMethod
from aiogram.methods.base import TelegramType
from aiogram.types import Update
from pydantic import ValidationError

from handlers.telegram.json_session import JsonBodySession, answer_model

log = logging.getLogger(__name__)


def parse_update(raw: Any, bot: Bot) -> Update | None:
    """One update as aiogram reads it, or None (logged in one line) if it cannot be read.

    Polling leaves a None out of its batch; a webhook answers it with 200 all the same, or
    Telegram would send it again and again."""
    try:
        return Update.model_validate(raw, context={"bot": bot})
    except ValidationError as error:
        log.warning("update %s skipped, it cannot be parsed: %s", update_id_of(raw),
                    _reason(error))
        return None


def update_id_of(raw: Any) -> int | None:
    update_id = raw.get("update_id") if isinstance(raw, dict) else None
    return update_id if isinstance(update_id, int) else None


def _reason(error: ValidationError) -> str:
    """Where and which kind of error, never the value: an update may carry an IIN or a phone."""
    first = error.errors(include_url=False, include_context=False, include_input=False)[0]
    where = ".".join(str(part) for part in first["loc"]) or "update"
    more = f" (+{error.error_count() - 1} more)" if error.error_count() > 1 else ""
    return f"{where}: {first['type']}{more}"


class TolerantSession(JsonBodySession):
    """The bot's HTTP session (JSON calls, see json_session), where getUpdates survives an
    update it cannot parse."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._skipped_up_to: int | None = None  # the last update_id left out of a batch

    async def make_request(self, bot: Bot, method: TelegramMethod[TelegramType],
                           timeout: int | None = None) -> TelegramType:
        skipped = self._skipped_up_to
        if isinstance(method, GetUpdates) and skipped is not None and (
                method.offset or 0) <= skipped:
            # aiogram moves the offset past each update it is given; one left out at the end
            # of a batch is confirmed here, or it would come back with every poll.
            method.offset = skipped + 1
        return await super().make_request(bot, method, timeout)

    def check_response(self, bot: Bot, method: TelegramMethod[TelegramType], status_code: int,
                       content: str) -> Response[TelegramType]:
        answer_model(method)  # aiogram's check looks the same model up: held, see there
        try:
            return super().check_response(bot, method, status_code, content)
        except ClientDecodeError as error:
            batch = _update_batch(error.data) if isinstance(method, GetUpdates) else None
            if batch is None:
                raise
        # Only a batch that failed as a whole is read again, one update at a time.
        updates = [update for raw in batch if (update := self._read(raw, bot)) is not None]
        return cast(Response[TelegramType], Response[list[Update]](ok=True, result=updates))

    def _read(self, raw: Any, bot: Bot) -> Update | None:
        update = parse_update(raw, bot)
        update_id = update_id_of(raw)
        if update is None and update_id is not None:
            self._skipped_up_to = max(update_id, self._skipped_up_to or update_id)
        return update


def _update_batch(data: Any) -> list[Any] | None:
    """The updates of a successful getUpdates answer, or None if it is not one."""
    if isinstance(data, dict) and data.get("ok") is True and isinstance(data.get("result"),
                                                                        list):
        return cast(list[Any], data["result"])
    return None
