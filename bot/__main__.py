"""`python -m bot`: run the bot with long polling."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys

from pydantic import ValidationError

from bot import logmask
from bot.settings import Settings
from flows.clock import system_clock


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
    from storage.keys import KeyProblem, load_keyring

    try:  # before anything else: an unusable key must stop the bot before it writes
        load_keyring(settings.data_key, settings.key_file)
    except KeyProblem as problem:
        print(f"The data key cannot be used: {problem}", file=sys.stderr)
        return 2
    logging.basicConfig(level=settings.log_level,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logmask.install()  # no IIN, phone or stored value in any line, at any level
    if not settings.whatsapp_enabled:
        logging.info("WhatsApp settings are not set: running on Telegram alone")
    elif not settings.telegram_bot_token:
        logging.info("TELEGRAM_BOT_TOKEN is not set: running on WhatsApp alone")
    from bot.app import build_app
    async def run() -> None:
        app = await build_app(settings)
        try:
            await app.run()
        finally:
            await app.close()

    try:
        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(run())
    except KeyProblem as problem:  # one clear line; nothing was written
        print(f"The data key cannot be used: {problem}", file=sys.stderr)
        return 2
    return 0


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
