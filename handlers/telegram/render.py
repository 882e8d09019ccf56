"""The engine's replies -> Telegram messages, within Telegram's limits by construction."""

from __future__ import annotations

from functools import lru_cache

from aiogram.methods import SendDocument, SendMessage
from aiogram.types import (
    BufferedInputFile,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)

from flows.messages import OutgoingMessage, Reply, Text
from handlers.l10n import Localizer

MAX_TEXT = 4096  # Telegram's cap for one message (UTF-16 units; see split_text)

Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove
Call = SendMessage | SendDocument


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def split_text(text: str, limit: int = MAX_TEXT) -> list[str]:
    """Split at line breaks (then spaces) so no piece exceeds the limit in UTF-16 units."""
    pieces: list[str] = []
    rest = text
    while _utf16_len(rest) > limit:
        cut = limit
        while _utf16_len(rest[:cut]) > limit:
            cut -= 1
        window = rest[:cut]
        at = max(window.rfind("\n"), window.rfind(" "))
        if at <= 0:
            at = cut
        pieces.append(rest[:at].rstrip())
        rest = rest[at:].lstrip("\n ")
    pieces.append(rest)
    return [piece for piece in pieces if piece.strip()]


def split_into(text: str, count: int) -> list[str]:
    """`text` in `count` pieces for messages that exist already (a staff card redrawn): the
    longest piece halved until there are enough. A text that outgrew them keeps its first
    pieces and its last (the one with the buttons); fewer if it cannot be halved further."""
    pieces = split_text(text)
    if len(pieces) > count:
        return [*pieces[:count - 1], pieces[-1]]
    while len(pieces) < count:
        longest = max(range(len(pieces)), key=lambda i: len(pieces[i]))
        halves = _halved(pieces[longest])
        if len(halves) < 2:
            break
        pieces[longest:longest + 1] = halves
    return pieces


def _halved(piece: str) -> list[str]:
    middle = len(piece) // 2
    at = max(piece.rfind("\n", 0, middle + 1), piece.rfind(" ", 0, middle + 1))
    halves = [piece[:at].rstrip(), piece[at:].lstrip("\n ")] if at > 0 else [piece]
    return [half for half in halves if half]


@lru_cache(maxsize=1024)
def _keyboard(rows: tuple[tuple[tuple[str, str], ...], ...]) -> InlineKeyboardMarkup:
    """Buttons (label, payload) as aiogram's keyboard, built once for the same buttons: the
    menu and most questions repeat, and building the models cost more than the rest of the
    rendering. Nothing changes a keyboard once built."""
    return InlineKeyboardMarkup(inline_keyboard=[
        [InlineKeyboardButton(text=label, callback_data=payload) for label, payload in row]
        for row in rows])


class TelegramRenderer:
    def __init__(self, localizer: Localizer) -> None:
        self.l10n = localizer

    def inline(self, message: OutgoingMessage, lang: str) -> InlineKeyboardMarkup | None:
        if not message.choices:
            return None
        return _keyboard(tuple(tuple((self.l10n.render(c.label, lang), c.payload) for c in row)
                               for row in message.choices))

    def calls(self, chat_id: int, reply: Reply) -> list[Call]:
        """The Bot API calls that deliver a reply, in order (`await bot(call)` makes one):
        a restart resumes after the last call Telegram confirmed."""
        # The "share my number" keyboard goes with the first message that has no buttons of
        # its own (a message carries one keyboard), or with a short line of its own.
        closing = reply.close_contact
        calls: list[Call] = []
        for message in reply.messages:
            bare = not message.choices and not message.ask_contact
            calls += self._calls_one(chat_id, message, reply.language, closing and bare)
            closing = closing and not bare
        if closing:
            calls.insert(0, SendMessage(
                chat_id=chat_id, reply_markup=ReplyKeyboardRemove(),
                text=self.l10n.render(Text("phone-share-closed"), reply.language)))
        return calls

    def _calls_one(self, chat_id: int, message: OutgoingMessage, lang: str,
                   close_contact: bool = False) -> list[Call]:
        calls: list[Call] = []
        markup: Markup | None = self.inline(message, lang)
        if close_contact:
            markup = ReplyKeyboardRemove()
        chunks = split_text(self.l10n.join(message.parts, lang))
        for i, chunk in enumerate(chunks):
            last = i == len(chunks) - 1
            calls.append(SendMessage(chat_id=chat_id, text=chunk,
                                     reply_markup=markup if last else None))
        if message.ask_contact:
            keyboard = ReplyKeyboardMarkup(
                keyboard=[[KeyboardButton(text=self.l10n.render(Text("phone-share-button"), lang),
                                          request_contact=True)]],
                resize_keyboard=True,
                one_time_keyboard=True,
            )
            calls.append(SendMessage(chat_id=chat_id, reply_markup=keyboard,
                                     text=self.l10n.render(Text("phone-share-hint"), lang)))
        if message.attachment is not None:
            file = BufferedInputFile(message.attachment.content, message.attachment.filename)
            calls.append(SendDocument(chat_id=chat_id, document=file))
        return calls

    def notice(self, reply: Reply) -> str | None:
        if reply.notice is None:
            return None
        return self.l10n.render(reply.notice, reply.language)[:200]  # the API's toast cap
