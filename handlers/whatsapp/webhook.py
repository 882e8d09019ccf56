"""The WhatsApp webhook on the bot's aiohttp server: `/webhooks/whatsapp`.

GET answers Meta's verification. POST is checked against `X-Hub-Signature-256` (HMAC-SHA256
of the raw body with the app secret) and answered 200 at once; the payload is processed
afterwards, in arrival order, each message id once.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import json
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, Protocol

from aiohttp import web

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
from handlers.whatsapp.client import GraphClient
from handlers.whatsapp.render import WhatsAppRenderer

log = logging.getLogger(__name__)

CHANNEL = "whatsapp"
PATH = "/webhooks/whatsapp"
Json = dict[str, Any]


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


def signature_ok(body: bytes, header: str, secret: str) -> bool:
    expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header)


def sender_of(message: Json, contact: Json) -> str:
    """The person's id: the phone-based wa_id, or the business-scoped user id (BSUID)
    for people who hide their number."""
    for value in (message.get("from"), contact.get("wa_id"), message.get("from_user_id"),
                  contact.get("user_id")):
        if value:
            return str(value)
    return ""


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
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.client, self.renderer, self.engine = client, renderer, engine
        self.seen, self.contacts, self.staff = seen, contacts, staff
        self.app_secret, self.verify_token = app_secret, verify_token
        self.wake, self.clock = wake, clock
        self._queue: asyncio.Queue[Json] = asyncio.Queue()

    def install(self, app: web.Application) -> None:
        app.router.add_get(PATH, self.verify)
        app.router.add_post(PATH, self.receive)

    # ------------------------------------------------------------------ HTTP
    async def verify(self, request: web.Request) -> web.Response:
        query = request.query
        if query.get("hub.mode") == "subscribe" and self.verify_token and hmac.compare_digest(
            query.get("hub.verify_token", ""), self.verify_token
        ):
            return web.Response(text=query.get("hub.challenge", ""))
        return web.Response(status=403)

    async def receive(self, request: web.Request) -> web.Response:
        body = await request.read()
        header = request.headers.get("X-Hub-Signature-256")
        if not header:
            return web.Response(status=401)
        if not signature_ok(body, header, self.app_secret):
            log.warning("WhatsApp webhook with a wrong signature; ignored")
            return web.Response(status=403)
        try:
            payload = json.loads(body)
        except ValueError:
            return web.Response(status=400)
        self._queue.put_nowait(payload)  # answered at once; handled by `run` in order
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

    async def handle_payload(self, payload: Json) -> None:
        for entry in payload.get("entry", []):
            for change in entry.get("changes", []):
                value = change.get("value", {})
                contacts = value.get("contacts") or [{}]
                for message in value.get("messages", []):
                    await self._message(message, contacts[0])
                for status in value.get("statuses", []):
                    errors = status.get("errors") or [{}]
                    await self.contacts.status(str(status.get("id")), str(status.get("status")),
                                               str(errors[0].get("title", "")))

    async def _message(self, message: Json, contact: Json) -> None:
        if not await self.seen.first_time(CHANNEL, str(message.get("id"))):
            return  # Meta delivers again when we were slow to answer; once is enough
        user = sender_of(message, contact)
        if not user:
            return
        name = (contact.get("profile") or {}).get("name", "")
        await self.contacts.wrote(CHANNEL, user, self.clock(), name)
        event = self.event(message, user, name)
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

    def event(self, message: Json, user: str, name: str) -> IncomingEvent:
        base: Json = {"channel": CHANNEL, "user_id": user, "display_name": name}
        kind = message.get("type")
        if kind == "text":
            text = str((message.get("text") or {}).get("body", ""))
            if text.startswith("/"):
                command, _, argument = text[1:].partition(" ")
                return IncomingEvent(kind=EventKind.COMMAND, text=command.lower(),
                                     argument=argument.strip(), **base)
            return IncomingEvent(kind=EventKind.TEXT, text=text, **base)
        if kind == "interactive":
            interactive = message.get("interactive") or {}
            picked = interactive.get("button_reply") or interactive.get("list_reply") or {}
            return IncomingEvent(kind=EventKind.CHOICE, text=str(picked.get("id", "")), **base)
        if kind == "button":  # a quick-reply button of a template
            return IncomingEvent(kind=EventKind.CHOICE,
                                 text=str((message.get("button") or {}).get("payload", "")),
                                 **base)
        if kind in ("image", "document"):
            media = message.get(kind) or {}
            return IncomingEvent(kind=EventKind.FILE, file=self._file(media), **base)
        if kind == "contacts":
            phones = ((message.get("contacts") or [{}])[0].get("phones") or [{}])
            return IncomingEvent(kind=EventKind.CONTACT, text=str(phones[0].get("phone", "")),
                                 **base)
        return IncomingEvent(kind=EventKind.UNSUPPORTED, **base)

    def _file(self, media: Json) -> IncomingFile:
        media_id = str(media.get("id", ""))

        async def fetch() -> bytes:
            info = await self.client.media_info(media_id)
            if info.file_size is not None and info.file_size > MAX_DOCUMENT_BYTES:
                raise FileTooBig  # do not even download it
            return await self.client.download(info.url)

        return IncomingFile(name=media.get("filename"), size=None, fetch=fetch)

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
