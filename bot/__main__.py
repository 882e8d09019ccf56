"""`python -m bot`: run the bot with long polling."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys

from pydantic import ValidationError

from bot import logmask
from bot.settings import Settings


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


if __name__ == "__main__":
    sys.exit(main())
