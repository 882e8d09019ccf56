"""The fake Telegram server, driven by a real aiogram Bot and Dispatcher over HTTP."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import aiohttp
import pytest
import pytest_asyncio
from aiogram import Bot, Dispatcher, F
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
)
from aiogram.types import (
    BufferedInputFile,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
)

from tests.fakes.telegram_api import (
    FakeTelegram,
    FakeUser,
    parse_html,
    parse_markdown_v2,
)

MENU = InlineKeyboardMarkup(
    inline_keyboard=[
        [InlineKeyboardButton(text="Yes", callback_data="yes")],
        [InlineKeyboardButton(text="Иә", callback_data="kk:yes")],
    ]
)


@pytest_asyncio.fixture
async def polling(fake: FakeTelegram, bot: Bot) -> AsyncIterator[Dispatcher]:
    """A tiny bot: echoes texts (with a menu for "menu") and answers button taps."""
    dp = Dispatcher()

    @dp.message(F.text == "menu")
    async def menu(message: Message) -> None:
        await message.answer("Choose:", reply_markup=MENU)

    @dp.message(F.text)
    async def echo(message: Message) -> None:
        await message.answer(f"echo: {message.text}")

    @dp.callback_query()
    async def tapped(query: CallbackQuery) -> None:
        await query.answer(f"got {query.data}")
        assert isinstance(query.message, Message)
        await query.message.edit_text(f"chosen {query.data}")

    task = asyncio.create_task(dp.start_polling(bot, handle_as_tasks=False, handle_signals=False))
    yield dp
    await dp.stop_polling()
    await task


def started_user(fake: FakeTelegram, user_id: int = 1001) -> FakeUser:
    """A user who has written to the bot, so the bot may message them."""
    user = fake.user(id=user_id, first_name="Айгүл", language_code="kk")
    user.send_text("/start")
    return user


@pytest.mark.asyncio
async def test_echo_round_trip(fake: FakeTelegram, polling: Dispatcher) -> None:
    user = fake.user(id=1001, first_name="Айгүл", language_code="kk")

    replies = await user.say("сәлем")

    assert [m["text"] for m in replies] == ["echo: сәлем"]
    assert replies[0]["from"]["username"] == "test_applications_bot"
    assert replies[0]["chat"] == {"id": 1001, "type": "private", "first_name": "Айгүл"}
    assert user.last()["message_id"] == 2  # ids are shared with the user's message
    sent = fake.calls_of("sendMessage")[0]
    assert sent.params["chat_id"] == 1001 and sent.ok
    fake.assert_no_rejections()


@pytest.mark.asyncio
async def test_inline_button_tap_is_answered_and_edits(
    fake: FakeTelegram, polling: Dispatcher
) -> None:
    user = fake.user(id=1001)
    [menu] = await user.say("menu")

    edited = await user.press(menu, "Иә")

    assert [m["text"] for m in edited] == ["chosen kk:yes"]
    assert "reply_markup" not in edited[0]  # edit without markup drops the keyboard
    answer = fake.calls_of("answerCallbackQuery")[0]
    assert answer.params["text"] == "got kk:yes"
    assert fake.unanswered_callback_queries == []
    with pytest.raises(AssertionError, match=r"available: \[\]"):
        user.tap(menu, "Yes")  # the keyboard is gone now


@pytest.mark.asyncio
async def test_callback_data_limit_is_64_utf8_bytes(fake: FakeTelegram, bot: Bot) -> None:
    started_user(fake)

    def markup(data: str) -> InlineKeyboardMarkup:
        return InlineKeyboardMarkup(
            inline_keyboard=[[InlineKeyboardButton(text="x", callback_data=data)]]
        )

    await bot.send_message(1001, "ok", reply_markup=markup("я" * 32))  # 64 bytes
    with pytest.raises(TelegramBadRequest, match="BUTTON_DATA_INVALID"):
        await bot.send_message(1001, "too long", reply_markup=markup("я" * 32 + "a"))  # 65 bytes
    assert [c.description for c in fake.rejected] == ["Bad Request: BUTTON_DATA_INVALID"]
    assert [m["text"] for m in fake.sent_messages(1001)] == ["ok"]


@pytest.mark.asyncio
async def test_text_limit_counts_utf16_units(fake: FakeTelegram, bot: Bot) -> None:
    started_user(fake)

    await bot.send_message(1001, "a" * 4096)
    with pytest.raises(TelegramBadRequest, match="message is too long"):
        await bot.send_message(1001, "a" * 4097)
    with pytest.raises(TelegramBadRequest, match="message is too long"):
        await bot.send_message(1001, "😀" * 2049)  # 2049 chars, 4098 UTF-16 units
    with pytest.raises(TelegramBadRequest, match="message text is empty"):
        await bot.send_message(1001, "")  # aiogram omits "", so the field is missing


@pytest.mark.asyncio
async def test_unknown_and_unimplemented_methods(fake: FakeTelegram, bot: Bot) -> None:
    async with (
        aiohttp.ClientSession() as http,
        http.post(f"{fake.base_url}/bot{fake.token}/sendTelepathy", data={"a": "1"}) as resp,
    ):
        assert resp.status == 404
        assert await resp.json() == {"ok": False, "error_code": 404, "description": "Not Found"}

    started_user(fake)
    with pytest.raises(TelegramBadRequest, match="fake does not implement sendPoll"):
        await bot.send_poll(1001, "Q?", options=["a", "b"])


@pytest.mark.asyncio
async def test_file_round_trips(fake: FakeTelegram, bot: Bot) -> None:
    user = started_user(fake)
    pdf = b"%PDF-1.4 fake application"
    user.send_document(pdf, "заявление.pdf", "application/pdf")
    user.send_document(b"tiny", "huge.pdf", "application/pdf", file_size=25 * 1024 * 1024)
    [_, doc, huge] = [fake.message(1001, i) for i in (1, 2, 3)]
    assert doc is not None and huge is not None

    file = await bot.get_file(doc["document"]["file_id"])
    assert file.file_size == len(pdf)
    downloaded = await bot.download_file(file.file_path or "")
    assert downloaded is not None and downloaded.read() == pdf
    with pytest.raises(TelegramBadRequest, match="file is too big"):
        await bot.get_file(huge["document"]["file_id"])

    # Bot uploads are stored too, and can be re-sent by file_id.
    sent = await bot.send_document(1001, BufferedInputFile(b"report", filename="report.txt"))
    assert sent.document is not None and fake.file_bytes(sent.document.file_id) == b"report"
    assert fake.calls_of("sendDocument")[0].files == {"document": b"report"}
    assert sent.document.file_name == "report.txt"
    await bot.send_document(1001, sent.document.file_id, caption="again")
    with pytest.raises(TelegramBadRequest, match="can't use file of type Document as Photo"):
        await bot.send_photo(1001, sent.document.file_id)


@pytest.mark.asyncio
async def test_fault_injection(fake: FakeTelegram, bot: Bot) -> None:
    started_user(fake)
    fake.fail_next("sendMessage", 429, retry_after=1)
    fake.drop_connection_next("sendMessage")

    with pytest.raises(TelegramRetryAfter) as retry:
        await bot.send_message(1001, "one")
    assert retry.value.retry_after == 1
    with pytest.raises(TelegramNetworkError):
        await bot.send_message(1001, "two")
    await bot.send_message(1001, "three")

    assert [(c.ok, c.injected) for c in fake.calls_of("sendMessage")] == [
        (False, True),
        (False, True),
        (True, False),
    ]
    assert fake.rejected == []  # injected faults are not the bot's fault


@pytest.mark.asyncio
async def test_rate_limits_are_opt_in(fake: FakeTelegram, bot: Bot) -> None:
    started_user(fake)
    await bot.send_message(1001, "a")
    await bot.send_message(1001, "b")  # off by default
    fake.enforce_rate_limits(per_chat_per_second=1)

    with pytest.raises(TelegramRetryAfter):
        await bot.send_message(1001, "c")
    assert [(v.scope, v.chat_id) for v in fake.rate_violations] == [("chat", 1001)]


@pytest.mark.asyncio
async def test_settled_waits_for_handlers_and_explains_timeouts(
    fake: FakeTelegram, bot: Bot
) -> None:
    user = fake.user(id=1001)
    user.send_text("nobody polls yet")
    with pytest.raises(TimeoutError, match="never delivered"):
        await fake.settled(timeout=0.2)

    dp = Dispatcher()

    @dp.message()
    async def slow_echo(message: Message) -> None:
        await asyncio.sleep(0.05)
        await message.answer(f"echo: {message.text}")

    task = asyncio.create_task(dp.start_polling(bot, handle_as_tasks=False, handle_signals=False))
    try:
        for text in ("one", "two"):
            user.send_text(text)
        await fake.settled()
        assert [m["text"] for m in fake.sent_messages(1001)] == [
            "echo: nobody polls yet",
            "echo: one",
            "echo: two",
        ]
    finally:
        await dp.stop_polling()
        await task


@pytest.mark.asyncio
async def test_chat_rules_blocking_and_edits(fake: FakeTelegram, bot: Bot) -> None:
    with pytest.raises(TelegramBadRequest, match="chat not found"):
        await bot.send_message(424242, "hi")
    user = started_user(fake)
    sent = await bot.send_message(1001, "hello", reply_markup=MENU)

    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_text(
            "hello", chat_id=1001, message_id=sent.message_id, reply_markup=MENU
        )
    with pytest.raises(TelegramBadRequest, match="message to edit not found"):
        await bot.edit_message_text("x", chat_id=1001, message_id=999)
    with pytest.raises(TelegramBadRequest, match="query is too old"):
        await bot.answer_callback_query("12345")

    user.block_bot()
    with pytest.raises(TelegramForbiddenError, match="bot was blocked by the user"):
        await bot.send_message(1001, "still there?")


@pytest.mark.asyncio
async def test_parse_mode_errors_like_telegram(fake: FakeTelegram, bot: Bot) -> None:
    started_user(fake)
    with pytest.raises(TelegramBadRequest, match='Unsupported start tag "3"'):
        await bot.send_message(1001, "I <3 forms", parse_mode="HTML")
    sent = await bot.send_message(1001, "<b>Өтініш</b> &lt;3 &amp; co", parse_mode="HTML")
    assert sent.text == "Өтініш <3 & co"
    assert sent.entities is not None and sent.entities[0].type == "bold"

    assert parse_html('<a href="https://x.kz">л</a>') == (
        "л",
        [{"type": "text_link", "offset": 0, "length": 1, "url": "https://x.kz"}],
    )
    with pytest.raises(ValueError, match=r"Character '\.' is reserved"):
        parse_markdown_v2("No 5.")


@pytest.mark.asyncio
async def test_groups_topics_and_reply_keyboards(fake: FakeTelegram, bot: Bot) -> None:
    staff = fake.supergroup(id=-100555, title="Staff", is_forum=True)
    member = fake.user(id=77)
    fake.set_chat_member(staff.id, 77, "administrator")

    topic = await bot.create_forum_topic(staff.id, "Заявка №1")
    sent = await bot.send_message(staff.id, "new", message_thread_id=topic.message_thread_id)
    assert sent.message_thread_id == topic.message_thread_id and sent.is_topic_message
    with pytest.raises(TelegramBadRequest, match="message thread not found"):
        await bot.send_message(staff.id, "lost", message_thread_id=999)
    assert (await bot.get_chat_member(staff.id, 77)).status == "administrator"

    member.send_text_in(staff, "hello", thread_id=topic.message_thread_id)
    assert staff.messages(topic.message_thread_id)[0]["text"] == "new"

    user = started_user(fake)
    keyboard = ReplyKeyboardMarkup(
        keyboard=[[KeyboardButton(text="📞 Share", request_contact=True)]], resize_keyboard=True
    )
    await bot.send_message(1001, "Your phone?", reply_markup=keyboard)
    update_id = user.reply_keyboard_button("📞 Share")
    shared = fake.message(1001, fake.sent_messages(1001)[-1]["message_id"] + 1)
    assert shared is not None and shared["contact"]["user_id"] == 1001 and update_id > 0
