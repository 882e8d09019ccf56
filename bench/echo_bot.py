"""A bare aiogram 3 echo bot: the yardstick bench/throughput.py holds the real bot against.

It polls like the real bot (aiogram's long polling, updates handled as tasks) and answers each
update with the same number of reply calls as the real bot makes for the workload being
measured: a message gets `--replies` messages echoing its text; a button tap is answered
(answerCallbackQuery) and gets `--replies - 1` messages. No database, no state, no locale.

    python bench/echo_bot.py --api http://127.0.0.1:8081 --token 123:ABC --replies 2
"""

from __future__ import annotations

import argparse
import asyncio
import logging

from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import CallbackQuery, Message


def dispatcher(replies: int) -> Dispatcher:
    dp = Dispatcher()

    @dp.message()
    async def echo(message: Message) -> None:
        for _ in range(replies):
            await message.answer(message.text or "…")

    @dp.callback_query()
    async def tapped(callback: CallbackQuery, bot: Bot) -> None:
        await callback.answer()
        for _ in range(replies - 1):
            await bot.send_message(callback.from_user.id, callback.data or "…")

    return dp


async def main(api: str, token: str, replies: int) -> None:
    bot = Bot(token, session=AiohttpSession(api=TelegramAPIServer.from_base(api)))
    await dispatcher(replies).start_polling(bot)  # SIGTERM and SIGINT stop it


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--api", required=True, help="the Bot API server's base URL")
    parser.add_argument("--token", required=True)
    parser.add_argument("--replies", type=int, required=True,
                        help="reply calls per update (a tap's answer is one of them)")
    parser.add_argument("--log-level", default="INFO", help="as the real bot's LOG_LEVEL")
    args = parser.parse_args()
    logging.basicConfig(level=args.log_level.upper(),
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    asyncio.run(main(args.api, args.token, args.replies))
