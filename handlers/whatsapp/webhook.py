"""The WhatsApp webhook on the bot's aiohttp server: `/webhooks/whatsapp`.

GET answers Meta's verification. POST is checked against `X-Hub-Signature-256` (HMAC-SHA256
of the raw body with the app secret): anything else gets 401/403 and is dropped. A signed body
is answered 200 at once (Meta retries anything else for days) and read afterwards, in arrival
order, each message id once; `inbound` reads it, and a part of an unexpected shape is logged in
one line and skipped while the rest is handled.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import logging
from collections.abc import Callable
from datetime import datetime
from typing import Protocol

from aiohttp import web

from flows.clock import Clock
from flows.filetypes import MAX_DOCUMENT_BYTES
from flows.messages import (
    EventKind,
    FileTooBig,
    IncomingEvent,
    IncomingFile,
    OutgoingMessage,
    Reply,
)
from handlers.ports import Conversations, Seen
from handlers.whatsapp import inbound
from handlers.whatsapp.client import GraphClient
from handlers.whatsapp.render import WhatsAppRenderer

log = logging.getLogger(__name__)

CHANNEL = "whatsapp"
PATH = "/webhooks/whatsapp"
SIGNATURE = "X-Hub-Signature-256"
SKIPS_LOGGED = 10  # lines per payload; the rest are counted


class Contacts(Protocol):
    async def wrote(self, channel: str, external_id: str, at: datetime, name: str = "") -> None: ...

    async def status(self, provider_message_id: str, status: str, error: str = "") -> None: ...


class StaffBridge(Protocol):
    """The staff group, as a WhatsApp citizen's chat reaches it."""

    async def citizen_opened(self, channel: str, external_id: str) -> None: ...

    async def relay_text(self, channel: str, external_id: str, text: str) -> None: ...

    async def relay_file(self, channel: str, external_id: str, data: bytes,
                         filename: str) -> None: ...

    def wake(self) -> None: ...


def signature_ok(body: bytes, headers: list[str], secret: str) -> bool:
    """Exactly one header, and it is what Meta sends: "sha256=" and the lowercase hex
    HMAC-SHA256 of the raw body with the app secret. Compared as bytes, in constant time."""
    if len(headers) != 1 or not secret:
        return False
    try:
        given = headers[0].encode("ascii")
    except UnicodeEncodeError:  # no digest holds a non-ASCII character
        return False
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(b"sha256=" + digest.encode("ascii"), given)


def same_text(given: str, expected: str) -> bool:
    """Constant-time equality of any two strings (`compare_digest` refuses non-ASCII str)."""
    return hmac.compare_digest(given.encode("utf-8", "surrogatepass"),
                               expected.encode("utf-8", "surrogatepass"))


class WhatsAppChannel:
    def __init__(
        self,
        *,
        client: GraphClient,
        renderer: WhatsAppRenderer,
        engine: Conversations,
        seen: Seen,
        contacts: Contacts,
        app_secret: str,
        verify_token: str,
        staff: StaffBridge | None = None,
        wake: Callable[[], None] = lambda: None,
        clock: Clock,
    ) -> None:
        self.client, self.renderer, self.engine = client, renderer, engine
        self.seen, self.contacts, self.staff = seen, contacts, staff
        self.app_secret, self.verify_token = app_secret, verify_token
        self.wake, self.clock = wake, clock
        self._queue: asyncio.Queue[bytes] = asyncio.Queue()

    def install(self, app: web.Application) -> None:
        app.router.add_get(PATH, self.verify)
        app.router.add_post(PATH, self.receive)

    # ------------------------------------------------------------------ HTTP
    async def verify(self, request: web.Request) -> web.Response:
        """Meta's handshake: one `hub.mode=subscribe`, one right `hub.verify_token`, and a
        `hub.challenge` (a number) to echo; anything else is refused."""
        query = request.query
        modes, tokens, challenges = (query.getall(key, []) for key in (
            "hub.mode", "hub.verify_token", "hub.challenge"))
        if (modes == ["subscribe"] and len(tokens) == 1 and len(challenges) == 1
                and self.verify_token and same_text(tokens[0], self.verify_token)):
            challenge = challenges[0]
            if challenge.isascii() and challenge.isprintable() and 0 < len(challenge) <= 1024:
                return web.Response(text=challenge)
        return web.Response(status=403)

    async def receive(self, request: web.Request) -> web.Response:
        body = await request.read()
        headers = request.headers.getall(SIGNATURE, [])
        if not any(headers):
            return web.Response(status=401)
        if not signature_ok(body, headers, self.app_secret):
            log.warning("WhatsApp webhook with a wrong signature; ignored")
            return web.Response(status=403)
        self._queue.put_nowait(body)  # answered at once; read and handled by `run` in order
        return web.Response(status=200)

    # ------------------------------------------------------------------ processing
    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            getter = asyncio.ensure_future(self._queue.get())
            stopper = asyncio.ensure_future(stop.wait())
            done, _ = await asyncio.wait({getter, stopper}, return_when=asyncio.FIRST_COMPLETED)
            stopper.cancel()
            if getter not in done:
                getter.cancel()
                break
            try:
                await self.handle_payload(getter.result())
            except Exception:
                log.exception("WhatsApp payload failed")
            finally:
                self._queue.task_done()

    async def drain(self) -> None:
        """Wait until everything received so far is handled (tests use it)."""
        await self._queue.join()

    async def handle_payload(self, body: bytes) -> None:
        skipped = 0
        for item in inbound.read(body):
            if isinstance(item, inbound.Skipped):
                skipped += 1
                if skipped <= SKIPS_LOGGED:
                    log.warning("WhatsApp webhook: skipped %s", item)
                continue
            try:
                if isinstance(item, inbound.Status):
                    await self.contacts.status(item.message_id, item.status, item.error)
                else:
                    await self._message(item)
            except Exception:  # one failure does not cost the other messages of the payload
                log.exception("WhatsApp %s failed", type(item).__name__.lower())
        if skipped > SKIPS_LOGGED:
            log.warning("WhatsApp webhook: skipped %d more parts", skipped - SKIPS_LOGGED)

    async def _message(self, message: inbound.Message) -> None:
        if not await self.seen.first_time(CHANNEL, message.id):
            return  # Meta delivers again when we were slow to answer; once is enough
        user, name = message.sender, message.name
        await self.contacts.wrote(CHANNEL, user, self.clock(), name)
        event = self.event(message)
        reply = await self.engine.handle(event)
        await self.send(user, reply)
        if self.staff is not None:
            if reply.escalate:
                await self.staff.citizen_opened(CHANNEL, user)
            if reply.relay:
                await self._relay(user, event)
            self.staff.wake()
        self.wake()

    async def _relay(self, user: str, event: IncomingEvent) -> None:
        assert self.staff is not None
        if event.kind is EventKind.FILE and event.file is not None:
            with contextlib.suppress(FileTooBig):
                data = await event.file.fetch()
                await self.staff.relay_file(CHANNEL, user, data, event.file.name or "file")
        elif event.text:
            await self.staff.relay_text(CHANNEL, user, event.text)

    def event(self, message: inbound.Message) -> IncomingEvent:
        def of(kind: EventKind, text: str = "", argument: str = "",
               file: IncomingFile | None = None) -> IncomingEvent:
            return IncomingEvent(CHANNEL, message.sender, kind, text, argument, file,
                                 display_name=message.name)

        content = message.content
        if isinstance(content, inbound.Text):
            if content.body.startswith("/"):
                command, _, argument = content.body[1:].partition(" ")
                return of(EventKind.COMMAND, command.lower(), argument.strip())
            return of(EventKind.TEXT, content.body)
        if isinstance(content, inbound.Choice):
            return of(EventKind.CHOICE, content.id)
        if isinstance(content, inbound.Media):
            return of(EventKind.FILE, file=self._file(content))
        if isinstance(content, inbound.SharedContact):
            return of(EventKind.CONTACT, content.phone)
        return of(EventKind.UNSUPPORTED)

    def _file(self, media: inbound.Media) -> IncomingFile:
        async def fetch() -> bytes:
            info = await self.client.media_info(media.id)
            if info.file_size is not None and info.file_size > MAX_DOCUMENT_BYTES:
                raise FileTooBig  # do not even download it
            return await self.client.download(info.url)

        return IncomingFile(name=media.filename, size=None, fetch=fetch)

    async def send(self, user: str, reply: Reply) -> None:
        if reply.notice is not None and not reply.messages:
            # No toasts in WhatsApp: a note for a tapped button goes as a short text.
            reply = Reply(reply.language, (OutgoingMessage((reply.notice,)),))
        for message in reply.messages:
            for payload in self.renderer.render(message, reply.language):
                await self.client.send(user, payload)
            if message.attachment is not None:
                attachment = message.attachment
                media = await self.client.upload(attachment.content, attachment.mime,
                                                 attachment.filename)
                await self.client.send(user, {"type": "document", "document": {
                    "id": media, "filename": attachment.filename}})
