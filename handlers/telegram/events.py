"""Telegram updates -> the engine's channel-agnostic events."""

from __future__ import annotations

from typing import Any

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import CallbackQuery, Message, User

from flows.first_words import from_language_code
from flows.messages import EventKind, FileTooBig, IncomingEvent, IncomingFile

CHANNEL = "telegram"


def _name(message: Message | CallbackQuery) -> str:
    user = message.from_user
    return user.full_name if user else ""


def locale_hint(user: User | None) -> str:
    """The language the person's Telegram is in, as a first-words hint (flows/first_words)."""
    return from_language_code(user.language_code if user else None)


def _file(bot: Bot, file_id: str, name: str | None, size: int | None) -> IncomingFile:
    async def fetch() -> bytes:
        try:
            info = await bot.get_file(file_id)
        except TelegramBadRequest as error:
            if "too big" in error.message.lower():
                raise FileTooBig from error
            raise
        assert info.file_path is not None
        data = await bot.download_file(info.file_path)
        assert data is not None
        return data.read()

    return IncomingFile(name=name, size=size, fetch=fetch)


def message_event(message: Message, bot: Bot) -> IncomingEvent:
    def event(kind: EventKind, text: str = "", **extra: Any) -> IncomingEvent:
        return IncomingEvent(CHANNEL, str(message.chat.id), kind, text,
                             display_name=_name(message),
                             locale_hint=locale_hint(message.from_user), **extra)

    if message.text is not None:
        if message.text.startswith("/"):
            command, _, argument = message.text[1:].partition(" ")
            name = command.split("@", 1)[0].lower()
            return event(EventKind.COMMAND, name, argument=argument.strip())
        return event(EventKind.TEXT, message.text)
    if message.contact is not None:
        # Only the sender's own card is theirs to vouch for; another person's reads as typed,
        # at a phone question only.
        own = message.from_user is not None and message.contact.user_id == message.from_user.id
        return event(EventKind.CONTACT if own else EventKind.CARD, message.contact.phone_number)
    if message.photo:
        largest = message.photo[-1]
        return event(EventKind.FILE, message.caption or "",
                     file=_file(bot, largest.file_id, None, largest.file_size))
    if message.document is not None:
        doc = message.document
        return event(EventKind.FILE, message.caption or "",
                     file=_file(bot, doc.file_id, doc.file_name, doc.file_size))
    return event(EventKind.UNSUPPORTED)


def callback_event(callback: CallbackQuery) -> IncomingEvent:
    return IncomingEvent(
        channel=CHANNEL,
        user_id=str(callback.from_user.id),
        kind=EventKind.CHOICE,
        text=callback.data or "",
        display_name=_name(callback),
        locale_hint=locale_hint(callback.from_user),
    )
