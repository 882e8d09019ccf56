"""Checking each Bot API answer costs aiogram a pydantic model per method's result type
(`Response[Message]`). pydantic keeps the generic models it builds only weakly, so after the
garbage collector ran, the next answer rebuilt its model: ~9 ms, several times per update
under load (a profile of `bench/throughput.py` found it). The bot's session holds them."""

from __future__ import annotations

import gc
import json
import weakref

from aiogram import Bot
from aiogram.methods import SendMessage
from aiogram.types import Message

from handlers.telegram.incoming import TolerantSession
from tests.fakes.telegram_api import DEFAULT_TOKEN

ANSWER = json.dumps({"ok": True, "result": {
    "message_id": 5, "date": 1_790_000_000, "chat": {"id": 42, "type": "private"},
    "text": "Сәлеметсіз бе"}})


async def test_the_model_that_reads_an_answer_outlives_a_garbage_collection() -> None:
    session = TolerantSession()
    bot = Bot(DEFAULT_TOKEN, session=session)
    try:
        answer = session.check_response(bot, SendMessage(chat_id=42, text="?"), 200, ANSWER)
        assert isinstance(answer.result, Message) and answer.result.message_id == 5
        model = weakref.ref(type(answer))
        del answer  # the handler is done with it
        gc.collect()
        assert model() is not None, "the next answer would build its model again"
    finally:
        await session.close()
