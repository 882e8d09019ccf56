"""Telegram updates -> the engine's channel-agnostic events."""

from __future__ import annotations

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import CallbackQuery, Message

from flows.messages import EventKind, FileTooBig, IncomingEvent, IncomingFile

CHANNEL = "telegram"


def _name(message: Message | CallbackQuery) -> str:
    user = message.from_user
    return user.full_name if user else ""


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
    user_id = str(message.chat.id)
    base = {"channel": CHANNEL, "user_id": user_id, "display_name": _name(message)}
    if message.text is not None:
        if message.text.startswith("/"):
            command, _, argument = message.text[1:].partition(" ")
            name = command.split("@", 1)[0].lower()
            return IncomingEvent(kind=EventKind.COMMAND, text=name, argument=argument.strip(),
                                 **base)
        return IncomingEvent(kind=EventKind.TEXT, text=message.text, **base)
    if message.contact is not None:
        return IncomingEvent(kind=EventKind.CONTACT, text=message.contact.phone_number, **base)
    if message.photo:
        largest = message.photo[-1]
        return IncomingEvent(kind=EventKind.FILE, **base,
                             file=_file(bot, largest.file_id, None, largest.file_size))
    if message.document is not None:
        doc = message.document
        return IncomingEvent(kind=EventKind.FILE, **base,
                             file=_file(bot, doc.file_id, doc.file_name, doc.file_size))
    return IncomingEvent(kind=EventKind.UNSUPPORTED, **base)


def callback_event(callback: CallbackQuery) -> IncomingEvent:
    return IncomingEvent(
        channel=CHANNEL,
        user_id=str(callback.from_user.id),
        kind=EventKind.CHOICE,
        text=callback.data or "",
        display_name=_name(callback),
    )
