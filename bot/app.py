"""The composition root: settings -> storage -> engine -> Telegram transport."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import BotCommand, ErrorEvent
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.l10n import LANGUAGES, Localizer
from bot.settings import Settings
from flows.engine import Engine, Ports
from flows.messages import Text
from flows.visit import VISIT
from handlers.telegram.render import TelegramRenderer
from handlers.telegram.router import OncePerUpdate, citizen_router
from storage.applications import SqlApplications
from storage.conversations import SqlConversationStore
from storage.db import create_engine, migrate, sessions
from storage.files import DiskFileStore
from storage.updates import SeenUpdates

log = logging.getLogger(__name__)

COMMANDS = ("start", "help", "cancel", "language")
COMING_SOON = frozenset({"interview"})


@dataclass
class App:
    settings: Settings
    db: AsyncEngine
    engine: Engine
    localizer: Localizer
    bot: Bot
    dispatcher: Dispatcher

    async def close(self) -> None:
        await self.bot.session.close()
        await self.db.dispose()


def build_engine(
    settings: Settings, db: AsyncEngine, clock: Callable[[], datetime] | None = None
) -> Engine:
    maker = sessions(db)
    ports = Ports(
        conversations=SqlConversationStore(maker),
        files=DiskFileStore(settings.files_dir),
        applications=SqlApplications(maker),
    )
    return Engine(ports, [VISIT], default_language=settings.default_locale,
                  clock=clock, coming_soon=COMING_SOON)


async def build_app(settings: Settings, clock: Callable[[], datetime] | None = None) -> App:
    await migrate(settings.database_url)
    db = create_engine(settings.database_url)
    engine = build_engine(settings, db, clock)
    localizer = Localizer(settings.default_locale)
    renderer = TelegramRenderer(localizer)
    api = TelegramAPIServer.from_base(settings.telegram_api_server)
    bot = Bot(settings.telegram_bot_token, session=AiohttpSession(api=api))
    dispatcher = Dispatcher()
    dispatcher.update.outer_middleware(OncePerUpdate(SeenUpdates(sessions(db))))
    dispatcher.include_router(citizen_router(engine, renderer))

    @dispatcher.errors()
    async def on_error(event: ErrorEvent) -> None:
        # Never a silent failure: log it and tell the person in their language.
        log.exception("update %s failed", event.update.update_id, exc_info=event.exception)
        update = event.update
        chat = update.message.chat.id if update.message else (
            update.callback_query.from_user.id if update.callback_query else None)
        if update.callback_query is not None:
            await update.callback_query.answer()
        if chat is not None:
            text = localizer.render(Text("error-internal"), settings.default_locale)
            await bot.send_message(chat, text)

    return App(settings, db, engine, localizer, bot, dispatcher)


async def set_commands(app: App) -> None:
    for lang in LANGUAGES:
        commands = [
            BotCommand(command=name,
                       description=app.localizer.render(Text(f"command-{name}"), lang))
            for name in COMMANDS
        ]
        await app.bot.set_my_commands(commands, language_code=lang)


async def run_polling(app: App, *, handle_as_tasks: bool = True) -> None:
    await app.bot.delete_webhook(drop_pending_updates=False)
    await set_commands(app)
    log.info("polling Telegram at %s", app.settings.telegram_api_server)
    await app.dispatcher.start_polling(
        app.bot, handle_as_tasks=handle_as_tasks, handle_signals=False,
        allowed_updates=["message", "callback_query"],
    )

