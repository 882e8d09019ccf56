"""The composition root: settings -> storage -> engine -> Telegram transport and workers."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import BotCommand, ErrorEvent
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.delivery import DeliveryWorker
from bot.l10n import LANGUAGES, Localizer
from bot.settings import Settings
from flows.calendar import KZ_TZ
from flows.engine import Engine, Ports
from flows.messages import Text
from flows.visit import VISIT
from handlers.telegram.digest import run_digest
from handlers.telegram.render import TelegramRenderer
from handlers.telegram.router import OncePerUpdate, citizen_router
from handlers.telegram.sender import TelegramSender
from handlers.telegram.staff import StaffGate, StaffSide, staff_router
from handlers.telegram.topics import StaffTopics
from storage.applications import SqlApplications
from storage.conversations import SqlConversationStore
from storage.db import create_engine, migrate, sessions
from storage.files import DiskFileStore
from storage.outbox import OutboxStore
from storage.staff import StaffDesk
from storage.updates import SeenUpdates

log = logging.getLogger(__name__)

COMMANDS = ("start", "help", "cancel", "language")
COMING_SOON = frozenset({"interview"})

Clock = Callable[[], datetime]


def kz_now() -> datetime:
    return datetime.now(KZ_TZ)


@dataclass
class App:
    settings: Settings
    db: AsyncEngine
    engine: Engine
    localizer: Localizer
    bot: Bot
    dispatcher: Dispatcher
    worker: DeliveryWorker
    staff: StaffSide | None

    async def run(self, *, handle_as_tasks: bool = True) -> None:
        """Long polling, with the outbox worker and the staff digest beside it."""
        stop = asyncio.Event()
        background = [asyncio.create_task(self.worker.run(stop))]
        if self.staff is not None:
            background.append(asyncio.create_task(run_digest(self.staff, stop)))
        else:
            log.info("STAFF_CHAT_ID is not set: no staff group, specialists unavailable")
        try:
            await run_polling(self, handle_as_tasks=handle_as_tasks)
        finally:
            stop.set()
            self.worker.wake()
            await asyncio.gather(*background, return_exceptions=True)

    async def close(self) -> None:
        await self.bot.session.close()
        await self.db.dispose()


def build_engine(settings: Settings, db: AsyncEngine, clock: Clock | None = None) -> Engine:
    maker = sessions(db)
    ports = Ports(
        conversations=SqlConversationStore(maker),
        files=DiskFileStore(settings.files_dir),
        applications=SqlApplications(maker),
    )
    return Engine(ports, [VISIT], default_language=settings.default_locale, clock=clock,
                  coming_soon=COMING_SOON, specialists=settings.staff_chat_id is not None)


async def build_app(settings: Settings, clock: Clock | None = None) -> App:
    await migrate(settings.database_url)
    db = create_engine(settings.database_url)
    maker = sessions(db)
    engine = build_engine(settings, db, clock)
    localizer = Localizer(settings.default_locale)
    renderer = TelegramRenderer(localizer)
    api = TelegramAPIServer.from_base(settings.telegram_api_server)
    bot = Bot(settings.telegram_bot_token, session=AiohttpSession(api=api))

    desk = StaffDesk(maker)
    topics = staff = None
    if settings.staff_chat_id is not None:
        topics = StaffTopics(bot, desk, settings.staff_chat_id)
    sender = TelegramSender(bot, renderer, localizer, settings.files_dir, topics,
                            settings.staff_chat_id, settings.staff_locale)
    # Delivery times are real time: retries and rate limits are about the real clock.
    worker = DeliveryWorker(OutboxStore(maker), {"telegram": sender},
                            clock=lambda: datetime.now(UTC), monotonic=time.monotonic,
                            sleep=asyncio.sleep)

    dispatcher = Dispatcher()
    dispatcher.update.outer_middleware(OncePerUpdate(SeenUpdates(maker)))
    if settings.staff_chat_id is not None and topics is not None:
        gate = StaffGate(bot, settings.staff_chat_id, settings.staff_admin_ids)
        staff = StaffSide(bot, desk, topics, gate, renderer, localizer, settings.staff_chat_id,
                          settings.staff_locale, clock or kz_now, worker.wake)
        dispatcher.include_router(staff_router(staff))
    dispatcher.include_router(citizen_router(engine, renderer, staff))

    @dispatcher.errors()
    async def on_error(event: ErrorEvent) -> None:
        # Never a silent failure: log it and tell the person in their language.
        log.exception("update %s failed", event.update.update_id, exc_info=event.exception)
        update = event.update
        if update.callback_query is not None:
            await update.callback_query.answer()
        chat = None
        if update.message is not None and update.message.chat.type == "private":
            chat = update.message.chat.id
        elif update.callback_query is not None:
            chat = update.callback_query.from_user.id
        if chat is not None:
            text = localizer.render(Text("error-internal"), settings.default_locale)
            await bot.send_message(chat, text)

    return App(settings, db, engine, localizer, bot, dispatcher, worker, staff)


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
