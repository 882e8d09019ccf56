"""Telegram's webhook on the bot's aiohttp server: `POST /webhooks/telegram`.

Telegram posts each update with the secret given to `setWebhook` in
`X-Telegram-Bot-Api-Secret-Token`: without it the answer is 401, with another 403 (compared in
constant time), and nothing is read. A body that is no update at all (not JSON, no update_id)
gets 400. An update aiogram cannot read is logged and answered 200, as polling skips it:
Telegram would otherwise hold the updates behind it.

The update goes through the same dispatcher, hence the same update log (`keep_updates`), as
a polled one: handled once, its state and its reply marked in one transaction. It is handled
before the answer goes back, so an update a dying process did not finish is not answered 200
and Telegram sends it again. If handling fails beyond what the error handler answers, the
answer is 500 and Telegram tries again.

The webhook is set at start-up, after what a crash left is finished; it is never deleted at
stop: another replica may be serving it.
"""

from __future__ import annotations

import hmac
import json
import logging
from typing import Any, Final

from aiogram import Bot, Dispatcher
from aiohttp import web

from handlers.telegram.incoming import parse_update, update_id_of

log = logging.getLogger(__name__)

PATH: Final = "/webhooks/telegram"
SECRET_HEADER: Final = "X-Telegram-Bot-Api-Secret-Token"
# An edited message is answered (its first version was the one read), never taken silently.
ALLOWED_UPDATES: Final = ("message", "edited_message", "callback_query")


class TelegramWebhook:
    def __init__(self, bot: Bot, dispatcher: Dispatcher, *, url: str, secret: str) -> None:
        if not secret:  # an empty secret would let an empty header in
            raise ValueError("a Telegram webhook needs its secret token")
        self.bot, self.dispatcher = bot, dispatcher
        self.url, self._secret = url, secret.encode()
        self._open = False

    def install(self, server: web.Application) -> None:
        server.router.add_post(PATH, self.receive)

    async def open(self) -> None:
        """Finish what a crash left (the dispatcher's start-up), then have Telegram post here."""
        await self.dispatcher.emit_startup(bot=self.bot, bots=[self.bot],
                                           dispatcher=self.dispatcher,
                                           **self.dispatcher.workflow_data)
        self._open = True
        await self.bot.set_webhook(self.url, secret_token=self._secret.decode(),
                                   allowed_updates=list(ALLOWED_UPDATES),
                                   drop_pending_updates=False)
        log.info("Telegram posts updates to the webhook at %s", self.url)

    async def close(self) -> None:
        """Take no more updates; the webhook stays set (another replica may serve it)."""
        if self._open:
            self._open = False
            await self.dispatcher.emit_shutdown(bot=self.bot, bots=[self.bot],
                                                dispatcher=self.dispatcher,
                                                **self.dispatcher.workflow_data)

    def signed(self, request: web.Request) -> web.Response | None:
        """None when the request carries our secret; else the answer it gets."""
        given = request.headers.getall(SECRET_HEADER, [])
        if not given:
            return web.Response(status=401, text="Unauthorized")
        try:
            token = given[0].encode("ascii")
        except UnicodeEncodeError:  # no secret holds a non-ASCII character
            token = b""
        if len(given) != 1 or not hmac.compare_digest(token, self._secret):
            return web.Response(status=403, text="Forbidden")
        return None

    async def receive(self, request: web.Request) -> web.Response:
        refused = self.signed(request)
        if refused is not None:
            log.warning("Telegram webhook: a request without the right secret refused (%d)",
                        refused.status)
            return refused
        if not self._open:  # starting or stopping: Telegram tries again, maybe elsewhere
            return web.Response(status=503, text="Starting")
        try:
            raw: Any = json.loads(await request.read())
        except ValueError:
            raw = None
        if update_id_of(raw) is None:
            log.warning("Telegram webhook: a body that is not an update refused")
            return web.Response(status=400, text="Not an update")
        update = parse_update(raw, self.bot)  # None: logged; answered 200, as polling skips it
        if update is not None:
            try:
                await self.dispatcher.feed_update(self.bot, update)
            except Exception:
                log.exception("Telegram webhook: update %s failed; Telegram will send it again",
                              update.update_id)
                return web.Response(status=500, text="Failed")
        return web.Response()
