"""The bot's calls go as JSON bodies (handlers/telegram/json_session.py, issue 15): Telegram
must read each exactly as it read aiogram's form, answers must come back as aiogram's objects,
bound to the bot, and Telegram's refusals as aiogram's exceptions."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import TelegramBadRequest, TelegramRetryAfter
from aiogram.methods import SendDocument, SendMessage
from aiogram.types import (
    BufferedInputFile,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    LinkPreviewOptions,
    Message,
    ReplyKeyboardMarkup,
    ReplyParameters,
)

from handlers.telegram.incoming import TolerantSession
from handlers.telegram.json_session import json_body
from tests.fakes.telegram_api import FakeTelegram, UploadedFile

PERSON = 7001
GROUP = -100777
MENU = ReplyKeyboardMarkup(keyboard=[[KeyboardButton(text="Өтініш беру")],
                                     [KeyboardButton(text="Байланыс"),
                                      KeyboardButton(text="Тіл / Язык")]],
                           resize_keyboard=True, is_persistent=True)
CHOICE = InlineKeyboardMarkup(inline_keyboard=[[
    InlineKeyboardButton(text="Иә", callback_data="v1:yes"),
    InlineKeyboardButton(text="Жоқ", callback_data="v1:no")]])


async def some_calls(bot: Bot, thread: int) -> list[Message]:
    """Calls of every shape the bot makes: keyboards, defaults, a topic, a file."""
    sent = [
        await bot.send_message(PERSON, "Сәлеметсіз бе! <b>Мәзір</b> «төменде» & 100%",
                               reply_markup=MENU),
        await bot.send_message(PERSON, "Растайсыз ба?", reply_markup=CHOICE,
                               disable_notification=False,
                               link_preview_options=LinkPreviewOptions(is_disabled=True)),
        await bot.send_message(GROUP, "Жаңа өтініш", message_thread_id=thread,
                               parse_mode=None),
        await bot.send_document(PERSON, BufferedInputFile(b"%PDF-1.4 ...", "рұқсат.pdf"),
                                caption="Рұқсат <i>қоса берілді</i>"),
    ]
    # A default inside an object (allow_sending_without_reply): left out where it is None.
    sent.append(await bot.send_message(PERSON, "Жауап", reply_parameters=ReplyParameters(
        message_id=sent[0].message_id)))
    edited = await bot.edit_message_text("Расталды", chat_id=PERSON,
                                         message_id=sent[1].message_id)
    assert isinstance(edited, Message)
    await bot.edit_forum_topic(GROUP, thread, name="Айгүл Т. · шешім")
    return [*sent, edited]


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    telegram = FakeTelegram()
    await telegram.start()
    telegram.user(PERSON, "Айгүл", language_code="kk").send_text("/start")
    telegram.supergroup(GROUP, "Staff", is_forum=True)
    yield telegram
    await telegram.stop()


def readable(params: dict[str, Any]) -> dict[str, Any]:
    """The fields as Telegram read them; a file by its name and bytes (its part's name is
    random), the ids of a message and a topic by their type (the second run makes new ones)."""
    def seen(key: str, value: Any) -> Any:
        if isinstance(value, UploadedFile):
            return value.filename, value.data
        if isinstance(value, dict):
            return {inner: seen(inner, item) for inner, item in value.items()}
        return type(value) if key in ("message_id", "message_thread_id") else value
    return {key: seen(key, value) for key, value in params.items()}


def bot_on(fake: FakeTelegram, session: AiohttpSession) -> Bot:
    return Bot(fake.token, session=session,
               default=DefaultBotProperties(parse_mode="HTML"))


def api(fake: FakeTelegram) -> TelegramAPIServer:
    return TelegramAPIServer.from_base(fake.base_url)


async def test_each_call_reads_to_telegram_as_aiograms_form_did(fake: FakeTelegram) -> None:
    said: list[list[tuple[str, dict[str, Any], list[bytes]]]] = []
    for session in (AiohttpSession(api=api(fake)), TolerantSession(api=api(fake))):
        bot = bot_on(fake, session)
        try:
            topic = await bot.create_forum_topic(GROUP, "Айгүл Т. · өтініш")
            start = len(fake.calls)
            answers = await some_calls(bot, topic.message_thread_id)
        finally:
            await session.close()
        said.append([(call.method, readable(call.params), sorted(call.files.values()))
                     for call in fake.calls[start:] if call.ok])
        assert all(answer.bot is bot for answer in answers), "an answer not bound to its bot"
        assert [answer.text or answer.caption for answer in answers] == [
            "Сәлеметсіз бе! Мәзір «төменде» & 100%", "Растайсыз ба?", "Жаңа өтініш",
            "Рұқсат қоса берілді", "Жауап", "Расталды"]
    form, as_json = said
    assert len(form) == 7  # five messages, an edit, a topic renamed
    for sent_as_form, sent_as_json in zip(form, as_json, strict=True):
        assert sent_as_form == sent_as_json


async def test_a_call_with_a_file_goes_as_a_form_and_one_without_as_json() -> None:
    bot = Bot("42:TEST", default=DefaultBotProperties(parse_mode="HTML"))
    body = json_body(bot, SendMessage(chat_id=PERSON, text="Мәзір", reply_markup=MENU))
    assert body is not None and "Мәзір".encode() in body  # as it is, not percent-encoded
    assert b'"parse_mode": "HTML"' in body and b"null" not in body
    assert json_body(bot, SendDocument(
        chat_id=PERSON, document=BufferedInputFile(b"%PDF", "a.pdf"))) is None
    assert json_body(bot, SendMessage(chat_id=PERSON, text="?", reply_markup=MENU,
                                      message_effect_id=None)) is not None
    await bot.session.close()


@pytest.mark.parametrize("unread", [False, True], ids=["read", "only checked"])
async def test_telegrams_refusals_are_aiogram_exceptions_as_before(
        fake: FakeTelegram, unread: bool) -> None:
    """A call whose answer is read, and a reply's call whose answer is only checked."""
    session = TolerantSession(api=api(fake))
    bot = bot_on(fake, session)

    async def call(text: str, chat: int = PERSON) -> None:
        method = SendMessage(chat_id=chat, text=text, reply_markup=CHOICE)
        await (session.send(bot, method) if unread else bot(method))
    try:
        fake.fail_next("sendMessage", 429, retry_after=3)
        with pytest.raises(TelegramRetryAfter) as slow:
            await call("Сәлем")
        assert slow.value.retry_after == 3
        with pytest.raises(TelegramBadRequest, match="message text is empty"):
            await call("")
        with pytest.raises(TelegramBadRequest, match="chat not found"):
            await call("Сәлем", chat=123456)
        await call("Сәлем")
        await session.send(bot, SendDocument(chat_id=PERSON, caption="Рұқсат",
                                             document=BufferedInputFile(b"%PDF", "a.pdf")))
    finally:
        await session.close()
    assert [(message.get("text") or message.get("caption"), "reply_markup" in message)
            for message in fake.sent_messages(PERSON)] == [("Сәлем", True), ("Рұқсат", False)]
