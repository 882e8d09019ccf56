"""`python -m bot`: run the bot (long polling, or its webhook when TELEGRAM_WEBHOOK_URL is
set). `python -m bot new-key` prints a fresh DATA_KEY; `python -m bot rotate-key` seals every
row and file again under the first key of DATA_KEY."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys
from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from bot import logmask
from bot.settings import Settings
from flows.clock import system_clock

if TYPE_CHECKING:
    from bot.app import App

log = logging.getLogger("bot")
# From SIGTERM to exit: within the 10 s a supervisor (docker stop, systemd) waits by default.
STOP_WITHIN = 8.0


def main() -> int:
    if sys.argv[1:] == ["new-key"]:  # a fresh DATA_KEY, printed once
        from storage.keys import new_key

        print(new_key())
        return 0
    try:
        settings = Settings()
    except ValidationError as error:
        first = error.errors()[0]
        print(f"Bad setting {'.'.join(map(str, first['loc']))}: {first['msg']}", file=sys.stderr)
        return 2
    if sys.argv[1:] == ["rotate-key"]:
        return _rotate_key(settings)
    if not settings.telegram_bot_token and not settings.whatsapp_enabled:
        print("TELEGRAM_BOT_TOKEN is not set: put the token from @BotFather in the environment "
              "or in .env (see .env.example); or set the WHATSAPP_* settings to run on "
              "WhatsApp alone.", file=sys.stderr)
        return 2
    if settings.telegram_webhook_url and not settings.telegram_webhook_secret:
        print("TELEGRAM_WEBHOOK_SECRET is not set: webhook mode (TELEGRAM_WEBHOOK_URL) needs "
              "it, 1-256 characters of A-Z, a-z, 0-9, _ and - (e.g. openssl rand -hex 32).",
              file=sys.stderr)
        return 2
    if settings.telegram_webhook_url and not settings.telegram_bot_token:
        print("TELEGRAM_WEBHOOK_URL is set without TELEGRAM_BOT_TOKEN: set the token, or "
              "leave the URL out to run on WhatsApp alone.", file=sys.stderr)
        return 2
    from storage.keys import KeyProblem, load_keyring

    try:  # before anything else: an unusable key must stop the bot before it writes
        load_keyring(settings.data_key, settings.key_file)
    except KeyProblem as problem:
        print(f"The data key cannot be used: {problem}", file=sys.stderr)
        return 2
    output = logging.StreamHandler()  # stderr
    output.setFormatter(logmask.JsonFormatter() if settings.log_format == "json" else
                        logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=settings.log_level, handlers=[output])
    logging.captureWarnings(True)  # a library's warning is a log line too
    logmask.install()  # no IIN, phone or stored value in any line, at any level
    if not settings.whatsapp_enabled:
        logging.info("WhatsApp settings are not set: running on Telegram alone")
    elif not settings.telegram_bot_token:
        logging.info("TELEGRAM_BOT_TOKEN is not set: running on WhatsApp alone")
    from bot.lean_types import import_aiogram

    import_aiogram()  # before any module of the app imports it
    from bot import collector
    from bot.app import build_app
    from storage.db import MigrationFailed, migrate

    collector.tune()

    async def run() -> None:
        asked = _stop_on_signals()
        # In a process of its own: alembic is then never imported here (build_app finds
        # the schema at its newest and goes on).
        await migrate(settings.database_url, apart=True)
        app = await build_app(settings)
        collector.settled()
        try:
            await _run_until_asked(app, asked)
        finally:
            await app.close()
            log.info("stopped")

    try:
        with contextlib.suppress(KeyboardInterrupt):
            _event_loop_runner()(run())
    except KeyProblem as problem:  # one clear line; nothing was written
        print(f"The data key cannot be used: {problem}", file=sys.stderr)
        return 2
    except MigrationFailed as failure:
        print(f"The database could not be brought up to date: {failure}", file=sys.stderr)
        return 2
    return 0


def _event_loop_runner() -> Callable[[Coroutine[Any, Any, None]], None]:
    """uvloop where it exists (not on Windows): each of a turn's hops to SQLite's thread
    costs less on it."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run
    return uvloop.run


def _stop_on_signals() -> asyncio.Event:
    """SIGTERM or SIGINT sets the event; heard from before the app is even built."""
    asked = asyncio.Event()
    loop = asyncio.get_running_loop()
    for number in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(number, _asked, asked, number)
    return asked


def _asked(asked: asyncio.Event, number: signal.Signals) -> None:
    if not asked.is_set():
        log.info("%s received: stopping", number.name)
    asked.set()


async def _run_until_asked(app: App, asked: asyncio.Event) -> None:
    """The app until a signal; then a graceful stop: no new update, updates in flight and
    the outbox's current send finish, its untried claims go back to the queue. What is not
    done within STOP_WITHIN is cancelled (a send cut short is `uncertain` at the next start)."""
    running = asyncio.create_task(app.run())
    signalled = asyncio.create_task(asked.wait())
    await asyncio.wait({running, signalled}, return_when=asyncio.FIRST_COMPLETED)
    signalled.cancel()
    if not running.done():
        try:
            await asyncio.wait_for(_stop(app, running), STOP_WITHIN)
        except TimeoutError:
            log.warning("not stopped within %.0f s: the rest is cancelled", STOP_WITHIN)
            running.cancel()
            await asyncio.wait({running}, timeout=1.0)
    if running.done() and not running.cancelled():
        running.result()  # what the app raised, if it did


async def _stop(app: App, running: asyncio.Task[None]) -> None:
    while not running.done():
        try:
            await app.stop()
            break
        except RuntimeError:  # polling has not started yet: ask again in a moment
            await asyncio.sleep(0.05)
    await running  # polling, the worker, the webhooks and the HTTP server stop
    meter = app.telegram.meter if app.telegram is not None else None
    if meter is not None and meter.in_flight:
        log.info("waiting for %d updates in flight", meter.in_flight)
        await meter.drained(STOP_WITHIN)  # bounded by the caller's deadline


def _rotate_key(settings: Settings) -> int:
    """Seal every row and file again under the first key of DATA_KEY, beside a live bot."""
    from bot.app import file_store
    from storage.db import create_engine, migrate
    from storage.keys import KeyProblem
    from storage.reseal import check_key, reseal

    async def run() -> str:
        files = file_store(settings)
        await migrate(settings.database_url)
        db = create_engine(settings.database_url, system_clock, files.keyring)
        try:
            await check_key(db)
            done = await reseal(db, files)
        finally:
            await db.dispose()
        return f"Sealed again under the current key: {done.rows} rows, {done.files} files."

    try:
        print(asyncio.run(run()))
    except KeyProblem as problem:
        print(f"The data key cannot be used: {problem}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
