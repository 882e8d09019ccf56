"""Outbox messages -> Telegram: citizens' private chats, and the staff group's topics.

Renders at delivery time, in the reader's language, and turns Telegram's answers into the
worker's outcomes (sent, retry later, blocked, refused).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import aiohttp
from aiogram import Bot
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramEntityTooLarge,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.types import BufferedInputFile, InlineKeyboardMarkup, Message

from flows.delivery import STAFF, TO_STAFF_GROUP, OutboxItem
from flows.filetypes import proper_name
from flows.messages import Text
from flows.ports import UnreadableFile
from flows.wire import document_of, message_from_json
from handlers.l10n import Localizer
from handlers.outcomes import (
    PROVIDER_ID_SIZE,
    Blocked,
    Delivered,
    Delivery,
    Rejected,
    RetryAfter,
    Transient,
)
from handlers.telegram.render import TelegramRenderer, split_text
from handlers.telegram.topics import StaffTopics, thread_gone

log = logging.getLogger(__name__)

MAX_CAPTION = 1024  # UTF-16 units, like MAX_TEXT
PHOTO_TYPES = ("image/jpeg", "image/png")  # what sendPhoto takes; anything else goes as a file
TRANSIENT_ERRORS = (TelegramServerError, TelegramNetworkError, aiohttp.ClientError,
                    asyncio.TimeoutError)
FOLLOW_UP_TRIES = 3


class _PartlySent(Exception):
    """A later piece of a long message failed after the first had gone out."""


@dataclass(frozen=True)
class _Target:
    chat_id: int
    thread_id: int | None
    language: str
    is_group: bool


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


class TelegramSender:
    def __init__(
        self,
        bot: Bot,
        renderer: TelegramRenderer,
        localizer: Localizer,
        read_file: Callable[[str], Awaitable[bytes]],  # a stored file by its SHA-256
        topics: StaffTopics | None,
        staff_chat_id: int | None,
        staff_locale: str,
        *,
        chat_gap: float = 1.0,
        group_gap: float = 3.0,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.bot, self.renderer, self.l10n = bot, renderer, localizer
        self.read_file = read_file
        self.topics, self.staff_chat_id, self.staff_locale = topics, staff_chat_id, staff_locale
        # A message split in pieces is one outbox item: its pieces keep the chat's pace here
        # (Telegram: 1 message/s in a private chat, 20/min in a group).
        self.chat_gap, self.group_gap = chat_gap, group_gap
        self.sleep = sleep

    def rate_key(self, item: OutboxItem) -> tuple[str, bool]:
        if item.audience in TO_STAFF_GROUP:
            return f"tg:{self.staff_chat_id if self.staff_chat_id is not None else 'staff'}", True
        return f"tg:{item.external_id}", False

    async def deliver(self, item: OutboxItem) -> Delivery:
        target: _Target | None = None
        try:
            target = await self._target(item)
            if target is None:
                return Rejected("no staff chat")
            made = await self._send(item, target)
            if made is None:
                return Rejected("message text is empty")
            sent = made
        except TelegramRetryAfter as exc:
            return RetryAfter(float(exc.retry_after))
        except TelegramForbiddenError as exc:
            return Blocked(exc.message)
        except TelegramBadRequest as exc:
            if item.audience == STAFF and thread_gone(exc):
                # The topic was deleted: forget it, so the retry opens a new one.
                if self.topics is not None and item.person_id is not None \
                        and target is not None and target.thread_id is not None:
                    await self.topics.forget(item.person_id, target.thread_id)
                return Transient(exc.message)
            return Rejected(exc.message)
        except TelegramEntityTooLarge as exc:  # a network error by type, but final
            return Rejected(exc.message)
        except TRANSIENT_ERRORS as exc:
            return Transient(f"{type(exc).__name__}: {exc}")
        except FileNotFoundError as exc:
            return Rejected(f"file missing: {exc.filename}")
        except UnreadableFile as exc:  # sending again cannot help; the digest tells staff
            log.error("not sent: %s", exc)
            return Rejected(str(exc))
        except _PartlySent as exc:
            return Rejected(str(exc))  # sending it again would repeat the pieces that went out
        if item.key.startswith("card:") and self.topics is not None and item.person_id is not None:
            try:
                await self.topics.refresh_title(item.person_id)
            except Exception:  # the card is delivered; a stale title is only cosmetic
                log.warning("could not refresh the topic title of person %s", item.person_id,
                            exc_info=True)
        return Delivered(_ids(sent), len(sent))

    async def _target(self, item: OutboxItem) -> _Target | None:
        if item.audience not in TO_STAFF_GROUP:
            return _Target(int(item.external_id), None, self.l10n.language(item.language), False)
        if self.staff_chat_id is None:
            return None
        if item.person_id is None:  # the group itself (GROUP): no topic
            return _Target(self.staff_chat_id, None, self.staff_locale, True)
        if self.topics is None:
            return None
        thread = await self.topics.thread_for(item.person_id)
        return _Target(self.staff_chat_id, thread, self.staff_locale, True)

    async def _send(self, item: OutboxItem, target: _Target) -> list[Message] | None:
        """The messages sent, in order."""
        message = message_from_json(item.payload)
        text = self.l10n.join(message.parts, target.language)
        markup = self.renderer.inline(message, target.language)
        document = document_of(item.payload)
        data = None
        if document is not None:  # read first: a missing file must fail before anything is sent
            try:
                data = await self.read_file(document["sha256"])
            except UnreadableFile as problem:
                if not target.is_group:
                    raise
                # Staff get the message, and are told plainly why its file is not with it.
                log.error("sent without its file: %s", problem)
                text += "\n\n" + self.l10n.render(Text("file-unreadable", {
                    "name": document.get("name") or document["sha256"][:12]}), target.language)
                document = None
        caption = text if document is not None and _utf16_len(text) <= MAX_CAPTION else None
        pieces = [] if caption is not None else split_text(text)
        sends: list[Callable[[], Awaitable[Message]]] = []
        for i, piece in enumerate(pieces):
            last = i == len(pieces) - 1 and document is None
            sends.append(self._text_call(target, piece, markup if last else None))
        if document is not None and data is not None:
            # Named with the extension of its detected type: a photo is a ".jpg" for staff.
            name = proper_name(document.get("name") or document["sha256"][:12],
                               document.get("mime", ""))
            file = BufferedInputFile(data, filename=name)
            photo = bool(document.get("image")) and document.get("mime") in PHOTO_TYPES
            sends.append(self._document_call(target, file, caption or None, markup, photo))
        if not sends:
            return None
        sent = [await sends[0]()]
        for i, call in enumerate(sends[1:], start=2):
            sent.append(await self._follow_up(call, target, f"{i} of {len(sends)}"))
        return sent

    def _text_call(self, target: _Target, text: str,
                   markup: InlineKeyboardMarkup | None) -> Callable[[], Awaitable[Message]]:
        async def call() -> Message:
            return await self.bot.send_message(target.chat_id, text, reply_markup=markup,
                                               message_thread_id=target.thread_id)
        return call

    def _document_call(self, target: _Target, file: BufferedInputFile, caption: str | None,
                       markup: InlineKeyboardMarkup | None,
                       photo: bool = False) -> Callable[[], Awaitable[Message]]:
        async def call() -> Message:
            if photo:  # staff sent it as a photo: it is seen as one
                return await self.bot.send_photo(target.chat_id, file, caption=caption,
                                                 reply_markup=markup,
                                                 message_thread_id=target.thread_id)
            return await self.bot.send_document(target.chat_id, file, caption=caption,
                                                reply_markup=markup,
                                                message_thread_id=target.thread_id)
        return call

    async def _follow_up(self, call: Callable[[], Awaitable[Message]], target: _Target,
                         which: str) -> Message:
        """A later piece: the first is out, so this one is retried here, never the whole item."""
        error: Exception | None = None
        for attempt in range(FOLLOW_UP_TRIES):
            wait = self.group_gap if target.is_group else self.chat_gap
            if isinstance(error, TelegramRetryAfter):
                wait = max(wait, float(error.retry_after))
            elif error is not None:
                wait = max(wait, 2.0 ** attempt)
            await self.sleep(wait)
            try:
                return await call()
            except (TelegramRetryAfter, *TRANSIENT_ERRORS) as exc:
                error = exc
            except TelegramForbiddenError:
                raise  # blocked meanwhile: the rest will never arrive
            except Exception as exc:
                raise _PartlySent(f"piece {which} failed after the first was sent: {exc}") from exc
        raise _PartlySent(f"piece {which} failed after the first was sent: {error}")


def _ids(sent: list[Message]) -> str:
    """Every message's id, in order: a card in pieces is redrawn piece by piece. Past what the
    outbox keeps (PROVIDER_ID_SIZE), the last's alone: the one with the buttons."""
    ids = " ".join(str(message.message_id) for message in sent)
    return ids if len(ids) <= PROVIDER_ID_SIZE else str(sent[-1].message_id)
