"""The composition root: settings -> storage -> engine -> transports and workers.

Telegram (long polling, or a webhook when `TELEGRAM_WEBHOOK_URL` is set; the staff group)
and WhatsApp (a webhook) are each optional, both served by the bot's aiohttp server; the
engine, the storage and the outbox are shared, also between replicas on PostgreSQL.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from aiogram import Bot, Dispatcher
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import BotCommand, ErrorEvent
from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot import logmask
from bot.booking_terms import Daily, run_booking_terms
from bot.delivery import DeliveryWorker
from bot.metrics import Metrics, UpdateMeter
from bot.paper_process import PaperProcess
from bot.settings import Settings
from flows.calendar import KZ_TZ
from flows.clock import Clock, system_clock
from flows.engine import Engine, Ports
from flows.messages import Text
from flows.services import FLOWS
from handlers.email.compose import ReplyAddress
from handlers.email.desk import SessionMailDesk
from handlers.email.listener import MailHandler, MailListener
from handlers.email.sender import EmailSender, SmtpConfig, SmtpResponder
from handlers.internal_error import APOLOGY, language_for
from handlers.l10n import LANGUAGES, Localizer
from handlers.outcomes import Sender
from handlers.telegram.console import TopicActs, console_router
from handlers.telegram.digest import run_digest
from handlers.telegram.events import locale_hint
from handlers.telegram.incoming import TolerantSession
from handlers.telegram.render import TelegramRenderer
from handlers.telegram.router import (
    NotLogged,
    citizen_router,
    elsewhere_router,
    keep_updates,
)
from handlers.telegram.sender import TelegramSender
from handlers.telegram.staff import staff_router
from handlers.telegram.staff_side import StaffGate, StaffSide
from handlers.telegram.topics import StaffTopics
from handlers.telegram.webhook import ALLOWED_UPDATES, TelegramWebhook
from handlers.web.console import Console
from handlers.web.console.acts import DeskActs
from handlers.web.health import HealthPages
from handlers.web.verify import AccessLog, VerifyPage
from handlers.whatsapp.client import GraphClient
from handlers.whatsapp.render import WhatsAppRenderer
from handlers.whatsapp.sender import WhatsAppSender
from handlers.whatsapp.webhook import WhatsAppChannel
from storage.applications import SqlApplications
from storage.console import SqlConsole
from storage.contacts import Contacts
from storage.conversations import SqlConversationStore
from storage.db import create_engine, engine_of, migrate, sessions
from storage.enquiries import SqlEnquiries
from storage.files import DiskFileStore
from storage.health import OutboxHealth
from storage.interest import SqlServiceInterest
from storage.interviews import SqlInterviews
from storage.keys import load_keyring
from storage.mail import SqlMailChildren
from storage.officials import SqlOfficials
from storage.outbox import OutboxStore
from storage.papers import PaperDesk, PaperRegistry
from storage.pending import run_pending
from storage.privacy import SqlPersonalData
from storage.replicas import Leadership, is_shared
from storage.reseal import check_key, seal_if_pending
from storage.retention import Retention
from storage.sessions import SqlSessions
from storage.staff import StaffDesk
from storage.staff_files import StaffFiles
from storage.updates import SeenUpdates

log = logging.getLogger(__name__)

COMMANDS = ("start", "help", "cancel", "language", "mydata", "forget")
COMING_SOON: frozenset[str] = frozenset()

@dataclass
class Telegram:
    bot: Bot
    dispatcher: Dispatcher
    staff: StaffSide | None
    meter: UpdateMeter | None = None  # counts the updates, knows those in flight


@dataclass
class WhatsApp:
    client: GraphClient
    channel: WhatsAppChannel


@dataclass
class App:
    settings: Settings
    db: AsyncEngine
    engine: Engine
    localizer: Localizer
    worker: DeliveryWorker
    telegram: Telegram | None
    whatsapp: WhatsApp | None
    invites: Invites | None = None
    metrics: Metrics = field(default_factory=Metrics)  # this app's own, at /metrics
    mail: MailListener | None = None  # the children's replies by e-mail, when it listens
    http_url: str = ""  # where the webhook server listens, once running
    _stop: asyncio.Event = field(default_factory=asyncio.Event)
    _warming: asyncio.Task[None] | None = None  # the console's rows, opened ahead

    async def run(self, *, handle_as_tasks: bool = True) -> None:
        """Everything until `stop()`: polling, the webhook server, the outbox, the digest."""
        stop = asyncio.Event()
        background = [asyncio.create_task(self.worker.run(stop))]
        # Service 2: a conversation time not booked is reminded, then alerted to staff.
        retention = Retention(sessions(self.db), file_store(self.settings),
                              draft_days=self.settings.draft_retention_days,
                              closed_days=self.settings.retention_days)
        daily = Daily(SqlInterviews(sessions(self.db)), StaffDesk(sessions(self.db)), retention)
        background.append(asyncio.create_task(run_booking_terms(
            daily, self.worker.clock, self.worker.wake, stop)))
        if self.telegram is not None and self.telegram.staff is not None:
            background.append(asyncio.create_task(run_digest(
                self.telegram.staff, stop, SqlServiceInterest(sessions(self.db)),
                SqlEnquiries(sessions(self.db)), retention)))
        if self.whatsapp is not None:
            background.append(asyncio.create_task(self.whatsapp.channel.run(stop)))
        if self.mail is not None:
            background.append(asyncio.create_task(self.mail.run(stop)))
        webhook = None  # Telegram posts to us when TELEGRAM_WEBHOOK_URL is set; else we poll
        if self.telegram is not None and self.settings.telegram_webhook_url:
            webhook = TelegramWebhook(self.telegram.bot, self.telegram.dispatcher,
                                      url=self.settings.telegram_webhook_url,
                                      secret=self.settings.telegram_webhook_secret)
        runner = await self._serve(webhook)
        try:
            if webhook is not None and self.telegram is not None:
                await start_webhook(self, self.telegram, webhook)
                await self._stop.wait()
            elif self.telegram is not None:
                await run_polling(self, self.telegram, handle_as_tasks=handle_as_tasks)
            else:
                await self._stop.wait()
        finally:
            if webhook is not None:
                await webhook.close()  # no new update; the webhook itself stays set
            stop.set()
            self.worker.wake()
            if self._warming is not None:
                self._warming.cancel()
                background.append(self._warming)
            await asyncio.gather(*background, return_exceptions=True)
            await runner.cleanup()

    async def _serve(self, telegram_webhook: TelegramWebhook | None = None) -> web.AppRunner:
        """The HTTP server: /verify/<code> always, the WhatsApp and Telegram webhooks when
        they are on."""
        server = web.Application()
        VerifyPage(PaperDesk(sessions(self.db), file_store(self.settings)),
                   self.localizer).install(server)
        HealthPages(OutboxHealth(sessions(self.db)), self.worker, self.metrics,
                    clock=self.worker.clock).install(server)  # /healthz, /metrics
        # /console: staff's web console; its steps and replies go the topic's way (issue 17)
        console = SqlConsole(sessions(self.db), file_store(self.settings),
                             idle=timedelta(minutes=self.settings.console_idle_minutes))
        # its list's rows opened before anyone asks: the first page after a start is then
        # as quick as the next ones (~0.3 s saved with 5,000 open applications)
        self._warming = asyncio.create_task(_open_ahead(console, self.worker.clock))
        desk = StaffDesk(sessions(self.db), paper_registry(self.settings, self.metrics))
        staff = self.telegram.staff if self.telegram is not None else None
        acts = TopicActs(staff) if staff is not None else \
            DeskActs(desk, self.worker.clock, self.worker.wake)
        Console(console, console, acts, desk, self.localizer, clock=self.worker.clock,
                public_base_url=self.settings.public_base_url,
                default_language=self.settings.staff_locale,
                gate=staff.gate if staff is not None else None,
                officials=SqlOfficials(sessions(self.db))).install(server)
        if self.whatsapp is not None:
            self.whatsapp.channel.install(server)
        if telegram_webhook is not None:
            telegram_webhook.install(server)
        runner = web.AppRunner(server, access_log_class=AccessLog)  # no code, no address
        await runner.setup()
        site = web.TCPSite(runner, self.settings.http_host, self.settings.http_port)
        await site.start()
        host, port = runner.addresses[0][:2]
        self.http_url = f"http://{host}:{port}"
        log.info("HTTP server at %s (documents' verification, WhatsApp webhook)", self.http_url)
        return runner

    async def stop(self) -> None:
        self._stop.set()
        if self.telegram is not None and not self.settings.telegram_webhook_url:
            await self.telegram.dispatcher.stop_polling()

    async def close(self) -> None:
        if self.telegram is not None:
            await self.telegram.bot.session.close()
        if self.whatsapp is not None:
            await self.whatsapp.client.close()
        await self.db.dispose()


async def _open_ahead(console: SqlConsole, clock: Clock) -> None:
    """The rows opened and their next dates for today worked out, before anyone asks."""
    try:
        await console.open_snapshots(clock().astimezone(KZ_TZ).date())
    except Exception:  # the first page opens them itself
        log.warning("the console's rows were not opened ahead", exc_info=True)


class Invites:
    """How a parent forwards the child's one-time code: a t.me deep link on Telegram (the
    bot's username is learnt at start-up), the bare code to send to the bot on WhatsApp."""

    def __init__(self) -> None:
        self.telegram_username = ""

    def __call__(self, channel: str, code: str) -> Text:
        if channel == "telegram" and self.telegram_username:
            link = f"https://t.me/{self.telegram_username}?start={code}"
            return Text("invite-telegram", {"link": link, "code": code})
        return Text("invite-whatsapp", {"code": code})


@functools.cache
def _file_store(root: Path, data_key: str, key_file: Path) -> DiskFileStore:
    return DiskFileStore(root, load_keyring(data_key, key_file))


def file_store(settings: Settings) -> DiskFileStore:
    """The files, sealed with the data key (`KeyProblem` when the key is unusable)."""
    return _file_store(settings.files_dir, settings.data_key, settings.key_file)


# Every registry of the process lays its papers out in the one papers' process, which
# outlives an app (a test's) and ends when idle or with the interpreter.
PAPERS = PaperProcess()


def paper_registry(settings: Settings, metrics: Metrics | None = None) -> PaperRegistry:
    """Issues the legal documents as PDFs (`papers/`), verifiable at PUBLIC_BASE_URL."""
    return PaperRegistry(PAPERS, file_store(settings), settings.verify_base,
                         settings.default_locale,
                         on_issue=metrics.issued if metrics is not None else None)


def build_engine(settings: Settings, db: AsyncEngine, clock: Clock,
                 invites: Invites | None = None, metrics: Metrics | None = None) -> Engine:
    maker = sessions(db)
    ports = Ports(
        conversations=SqlConversationStore(maker),
        files=file_store(settings),
        applications=SqlApplications(maker, paper_registry(settings, metrics)),
        interviews=SqlInterviews(maker),
        sessions=SqlSessions(maker),
        papers=PaperDesk(maker, file_store(settings)),
        interest=SqlServiceInterest(maker),
        enquiries=SqlEnquiries(maker),
        privacy=SqlPersonalData(maker, file_store(settings)),
    )
    specialists = bool(settings.telegram_bot_token) and settings.staff_chat_id is not None
    return Engine(ports, list(FLOWS.values()), default_language=settings.default_locale,
                  clock=clock, coming_soon=COMING_SOON, specialists=specialists,
                  invite_text=invites, render=Localizer(settings.default_locale).render)


async def build_app(settings: Settings, clock: Clock = system_clock) -> App:
    """`clock` is the one "now" of the whole app: deadlines, slots, the outbox, reminders,
    the digest, invites and WhatsApp's window all read it (tests pass a movable one)."""
    logmask.install()  # however the app is started: logs carry no personal data
    files = file_store(settings)  # an unusable data key stops here, before anything is written
    await migrate(settings.database_url)
    log.info("database migrations applied")
    db = create_engine(settings.database_url, clock, files.keyring)
    await check_key(db)  # data sealed by a key we lack: stop before writing
    log.info("data key checked")
    await seal_if_pending(db, files)
    await run_pending(db)
    maker = sessions(db)
    invites = Invites()
    metrics = Metrics()
    engine = build_engine(settings, db, clock, invites, metrics)
    localizer = Localizer(settings.default_locale)
    senders: dict[str, Sender] = {}
    # Due times and expiry follow the app's clock; rate limits pace real seconds (monotonic).
    lease = timedelta(seconds=settings.outbox_lease_seconds)
    worker = DeliveryWorker(OutboxStore(maker, lease), senders, clock=clock,
                            monotonic=time.monotonic, sleep=asyncio.sleep,
                            leadership=Leadership(db),  # one deliverer among replicas
                            meter=metrics)
    telegram = None
    if settings.telegram_bot_token:
        telegram = _telegram(settings, maker, engine, localizer, senders, worker, clock,
                             metrics)
    whatsapp = None
    if settings.whatsapp_enabled:
        staff = telegram.staff if telegram else None
        whatsapp = _whatsapp(settings, maker, engine, localizer, senders, worker, staff,
                             metrics)
    mail = _email(settings, maker, localizer, senders, worker, clock)
    return App(settings, db, engine, localizer, worker, telegram, whatsapp, invites=invites,
               metrics=metrics, mail=mail)


def _email(settings: Settings, maker: async_sessionmaker[AsyncSession], localizer: Localizer,
           senders: dict[str, Sender], worker: DeliveryWorker,
           clock: Clock) -> MailListener | None:
    """E-mail for a child abroad (issue 16): mails out through SMTP_HOST, replies in through
    the listener on EMAIL_LISTEN_PORT; off without SMTP_HOST or EMAIL_REPLY_TO."""
    if not settings.smtp_host or not settings.email_reply_to:
        log.info("SMTP_HOST or EMAIL_REPLY_TO is not set: no e-mail for children abroad")
        return None
    reply_to = ReplyAddress.parse(settings.email_reply_to)
    smtp = SmtpConfig(settings.smtp_host, settings.smtp_port, settings.smtp_username,
                      settings.smtp_password, settings.smtp_starttls)
    children = SqlMailChildren(maker)
    senders["email"] = EmailSender(smtp, sender=settings.smtp_from, reply_to=reply_to,
                                   localizer=localizer, threads=children,
                                   read_file=file_store(settings).read, clock=clock)
    if settings.email_listen_port is None:
        log.info("EMAIL_LISTEN_PORT is not set: children's replies by e-mail are not received")
        return None
    desk = SessionMailDesk(children, SqlSessions(maker), localizer, settings.default_locale,
                           worker.wake)
    handler = MailHandler(desk, reply_to=reply_to, clock=clock,
                          responder=SmtpResponder(smtp, sender=settings.smtp_from,
                                                  reply_to=reply_to, clock=clock),
                          max_bytes=settings.max_email_bytes)
    return MailListener(handler, host=settings.email_listen_host,
                        port=settings.email_listen_port)


def _telegram(settings: Settings, maker: async_sessionmaker[AsyncSession], engine: Engine,
              localizer: Localizer, senders: dict[str, Sender], worker: DeliveryWorker,
              clock: Clock, metrics: Metrics) -> Telegram:
    renderer = TelegramRenderer(localizer)
    api = TelegramAPIServer.from_base(settings.telegram_api_server)
    bot = Bot(settings.telegram_bot_token, session=TolerantSession(api=api))
    desk = StaffDesk(maker, paper_registry(settings, metrics))
    topics = None
    if settings.staff_chat_id is not None:
        topics = StaffTopics(bot, desk, settings.staff_chat_id, worker.wake)
    senders["telegram"] = TelegramSender(bot, renderer, localizer, file_store(settings).read,
                                         topics,
                                         settings.staff_chat_id, settings.staff_locale)
    # A person's state is the bot's own (storage.conversations), never aiogram's: its FSM
    # middleware would only build an unused context for every update.
    dispatcher = Dispatcher(disable_fsm=True)
    meter = UpdateMeter(metrics)
    dispatcher.update.outer_middleware(meter)  # around the update log: sees duplicates
    # Replies a crash cut short are finished at start-up. Polling is one process by
    # Telegram's rule, all its own; webhooks may be spread over replicas.
    inbox = update_log(settings, maker, replicas=bool(settings.telegram_webhook_url))
    keep_updates(bot, dispatcher, inbox)
    dispatcher.update.outer_middleware(meter.inner)  # what the update log let through
    staff = None
    if settings.staff_chat_id is not None and topics is not None:
        gate = StaffGate(bot, settings.staff_chat_id, settings.staff_admin_ids)
        staff = StaffSide(bot, desk, topics, gate, renderer, localizer, settings.staff_chat_id,
                          settings.staff_locale, clock, worker.wake,
                          SqlInterviews(maker),
                          SqlSessions(maker, paper_registry(settings, metrics)),
                          settings.interview_video_base,
                          citizen_files=StaffFiles(maker, file_store(settings)))
        dispatcher.include_router(console_router(  # /console: a sign-in link (issue 17)
            staff, SqlConsole(maker, file_store(settings)), inbox,
            base_url=settings.verify_base, heads=settings.console_heads,
            viewers=settings.console_viewers))
        dispatcher.include_router(staff_router(staff))
    else:
        log.info("STAFF_CHAT_ID is not set: no staff group, specialists unavailable")
    dispatcher.include_router(citizen_router(engine, renderer, inbox, staff=staff))
    dispatcher.include_router(elsewhere_router())

    @dispatcher.errors()
    async def on_error(event: ErrorEvent) -> None:
        if isinstance(event.exception, NotLogged):  # the webhook answers 500: it comes again
            raise event.exception
        # Never a silent failure: log it and tell the person in their language.
        log.exception("update %s failed", event.update.update_id, exc_info=event.exception)
        metrics.internal_error("telegram")
        update = event.update
        if update.callback_query is not None:
            await update.callback_query.answer()
        chat, user = None, None
        if update.message is not None and update.message.chat.type == "private":
            chat, user = update.message.chat.id, update.message.from_user
        elif update.callback_query is not None:
            chat, user = update.callback_query.from_user.id, update.callback_query.from_user
        if chat is not None:
            language = await language_for(engine.ports.conversations, "telegram", str(chat),
                                          locale_hint(user), settings.default_locale)
            await bot.send_message(chat, localizer.render(APOLOGY, language))

    return Telegram(bot, dispatcher, staff, meter)


def _whatsapp(settings: Settings, maker: async_sessionmaker[AsyncSession], engine: Engine,
              localizer: Localizer, senders: dict[str, Sender], worker: DeliveryWorker,
              staff: StaffSide | None, metrics: Metrics) -> WhatsApp:
    client = GraphClient(settings.whatsapp_api_base, settings.whatsapp_phone_number_id,
                         settings.whatsapp_access_token)
    renderer = WhatsAppRenderer(localizer)
    contacts = Contacts(maker)
    senders["whatsapp"] = WhatsAppSender(client, renderer, localizer, contacts,
                                         file_store(settings).read,
                                         settings.whatsapp_template_status,
                                         worker.clock)
    channel = WhatsAppChannel(
        client=client, renderer=renderer, engine=engine,
        inbox=update_log(settings, maker, replicas=True), contacts=contacts,
        app_secret=settings.whatsapp_app_secret,
        verify_token=settings.whatsapp_verify_token, staff=staff, wake=worker.wake,
        clock=worker.clock, meter=metrics,
        states=engine.ports.conversations, default_language=settings.default_locale,
        # the deliverer also answers what a dead replica left: one replica at a time
        takes_over=worker.leadership.holds if worker.leadership.engine is not None else None,
        sweep_every=settings.replica_takeover_seconds / 4,
    )
    return WhatsApp(client, channel)


def update_log(settings: Settings, maker: async_sessionmaker[AsyncSession], *,
               replicas: bool) -> SeenUpdates:
    """Where replicas may share the database, a process finishes only the updates nobody
    touched for a while: the others' are theirs until they die."""
    shared = replicas and is_shared(engine_of(maker))
    return SeenUpdates(maker, timedelta(seconds=settings.replica_takeover_seconds)
                       if shared else None)


async def set_commands(app: App, telegram: Telegram) -> None:
    for lang in LANGUAGES:
        commands = [
            BotCommand(command=name,
                       description=app.localizer.render(Text(f"command-{name}"), lang))
            for name in COMMANDS
        ]
        await telegram.bot.set_my_commands(commands, language_code=lang)


async def run_polling(app: App, telegram: Telegram, *, handle_as_tasks: bool = True) -> None:
    await telegram.bot.delete_webhook(drop_pending_updates=False)
    if app.invites is not None:
        app.invites.telegram_username = (await telegram.bot.me()).username or ""
    await set_commands(app, telegram)
    log.info("polling Telegram at %s", app.settings.telegram_api_server)
    await telegram.dispatcher.start_polling(
        telegram.bot, handle_as_tasks=handle_as_tasks, handle_signals=False,
        tasks_concurrency_limit=app.settings.updates_in_flight,
        close_bot_session=False,  # `App.close` closes it, once the updates in flight are done
        allowed_updates=list(ALLOWED_UPDATES),
    )


async def start_webhook(app: App, telegram: Telegram, webhook: TelegramWebhook) -> None:
    """As polling starts, except that Telegram is then asked to post to the webhook."""
    if app.invites is not None:
        app.invites.telegram_username = (await telegram.bot.me()).username or ""
    await set_commands(app, telegram)
    await webhook.open()
