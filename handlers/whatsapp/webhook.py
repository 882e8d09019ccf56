"""The WhatsApp webhook on the bot's aiohttp server: `/webhooks/whatsapp`.

GET answers Meta's verification. POST is checked against `X-Hub-Signature-256` (HMAC-SHA256
of the raw body with the app secret): anything else gets 401/403 and is dropped. A signed body
is read by `inbound`: a part of an unexpected shape is logged in one line and skipped while the
rest is handled. Meta forgets a message once it is answered 200, so each message is kept in
the update log (`Inbox`) first; if that fails the answer is 500 and Meta delivers it again.

No answer is lost to a crash, as on Telegram: messages are handled in arrival order, each id
once; the engine marks a message handled, with its reply, in the transaction of the state it
changed; the reply's Graph API calls are counted as they go out (`handlers.delivery`). At
start-up, before anything new, owed replies go on from where they stopped, then messages never
handled are handled. With replicas, a live one does the same, from time to time, for what a dead
one left: Meta never sends again a message it heard 200 for.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import hashlib
import hmac
import logging
import time
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any, Protocol, get_args

from aiohttp import web

from flows.clock import Clock
from flows.filetypes import MAX_DOCUMENT_BYTES
from flows.first_words import from_phone
from flows.messages import (
    EventKind,
    FileTooBig,
    IncomingEvent,
    IncomingFile,
    Reply,
)
from flows.ports import HandledBefore
from handlers.delivery import deliver, finish
from handlers.internal_error import ErrorCounter, States, apology, language_for
from handlers.ports import Conversations, Inbox, Json, Owed
from handlers.whatsapp import inbound
from handlers.whatsapp.client import GraphClient
from handlers.whatsapp.render import WhatsAppRenderer

log = logging.getLogger(__name__)

CHANNEL = "whatsapp"
PATH = "/webhooks/whatsapp"
SIGNATURE = "X-Hub-Signature-256"
SKIPS_LOGGED = 10  # lines per payload; the rest are counted

Queued = inbound.Message | inbound.Status
_CONTENTS: dict[str, type[Any]] = {kind.__name__: kind for kind in get_args(inbound.Content)}


class Contacts(Protocol):
    async def wrote(self, channel: str, external_id: str, at: datetime, name: str = "") -> None: ...

    async def status(self, provider_message_id: str, status: str, error: str = "") -> None: ...


class Meter(ErrorCounter, Protocol):
    """Counts each message handled: ok, error or duplicate, and how long it took; and each
    internal error."""

    def handled(self, kind: str, outcome: str, seconds: float | None = None) -> None: ...


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


def _own(card: inbound.SharedContact, sender: str) -> bool:
    """The sender's own number: the card's WhatsApp id, or its phone's digits, is the
    sender's phone-based wa_id (a BSUID sender, who hides the number, never matches)."""
    digits = "".join(ch for ch in card.phone if ch.isdigit())
    return bool(sender) and sender.isdigit() and sender in (card.wa_id, digits)


def message_to_json(message: inbound.Message) -> Json:
    """A message as read, for the update log. Not Meta's own JSON: that holds no sender's name
    (it comes beside, in `contacts`) and would have to be checked again."""
    content = message.content
    return {"id": message.id, "sender": message.sender, "name": message.name,
            "content": {"kind": type(content).__name__, **dataclasses.asdict(content)}}


def message_from_json(data: Json) -> inbound.Message:
    fields = dict(data["content"])
    content = _CONTENTS[fields.pop("kind")](**fields)
    return inbound.Message(data["id"], data["sender"], data["name"], content)


def log_skipped(items: list[inbound.Item]) -> None:
    skipped = [item for item in items if isinstance(item, inbound.Skipped)]
    for item in skipped[:SKIPS_LOGGED]:
        log.warning("WhatsApp webhook: skipped %s", item)
    if len(skipped) > SKIPS_LOGGED:
        log.warning("WhatsApp webhook: skipped %d more parts", len(skipped) - SKIPS_LOGGED)


class WhatsAppChannel:
    def __init__(
        self,
        *,
        client: GraphClient,
        renderer: WhatsAppRenderer,
        engine: Conversations,
        inbox: Inbox,
        contacts: Contacts,
        app_secret: str,
        verify_token: str,
        staff: StaffBridge | None = None,
        wake: Callable[[], None] = lambda: None,
        clock: Clock,
        meter: Meter | None = None,
        states: States | None = None,  # the person's language, for an apology
        default_language: str = "kk",
        takes_over: Callable[[], Awaitable[bool]] | None = None,
        sweep_every: float = 30.0,
    ) -> None:
        self.client, self.renderer, self.engine = client, renderer, engine
        # With replicas: whether this one takes over now what a dead one left (its inbox
        # gives only what nobody touched for a while); one replica at a time does.
        self.takes_over, self.sweep_every = takes_over, sweep_every
        self.meter = meter
        self.states, self.default_language = states, default_language
        self.inbox, self.contacts, self.staff = inbox, contacts, staff
        self.app_secret, self.verify_token = app_secret, verify_token
        self.wake, self.clock = wake, clock
        self._queue: asyncio.Queue[Queued] = asyncio.Queue()
        self._recovered = asyncio.Event()  # what a crash left is finished

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
        items = inbound.read(body)
        log_skipped(items)
        try:
            fresh = [item for item in items
                     if not isinstance(item, inbound.Skipped) and await self._first_time(item)]
        except Exception as error:  # the log is out of reach: Meta delivers it all again
            log.warning("WhatsApp webhook not logged (%s); answered 500", type(error).__name__)
            return web.Response(status=500)
        for item in fresh:
            self._queue.put_nowait(item)  # handled by `run`, in order
        return web.Response(status=200)

    async def _first_time(self, item: Queued) -> bool:
        """Kept in the log, a message is answered even if the bot dies now; one handled before
        is not again (Meta delivers again when we were slow to answer)."""
        if isinstance(item, inbound.Status):
            return True
        first = await self.inbox.receive(CHANNEL, item.id, message_to_json(item))
        if not first and self.meter is not None:
            self.meter.handled(CHANNEL, "duplicate")
        return first

    # ------------------------------------------------------------------ processing
    async def run(self, stop: asyncio.Event) -> None:
        try:
            await self.finish_what_a_crash_left()
        except Exception:  # the bot serves all the same; the rest waits for the next start
            log.exception("WhatsApp start-up recovery failed")
        finally:
            self._recovered.set()
        sweeping = None if self.takes_over is None else \
            asyncio.create_task(self._sweep(self.takes_over, stop))
        try:
            await self._drain_queue(stop)
        finally:
            if sweeping is not None:
                sweeping.cancel()
                await asyncio.gather(sweeping, return_exceptions=True)

    async def _sweep(self, takes_over: Callable[[], Awaitable[bool]],
                     stop: asyncio.Event) -> None:
        """Meta heard 200 from a replica that died before answering: it never sends that
        message again, so a live replica answers it (or the rest of its reply)."""
        while not stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self.sweep_every)
                return
            try:
                if await takes_over():
                    await self.finish_what_a_crash_left()
            except Exception:  # the next sweep tries again
                log.exception("WhatsApp takeover of a dead replica's messages failed")

    async def _drain_queue(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            getter = asyncio.ensure_future(self._queue.get())
            stopper = asyncio.ensure_future(stop.wait())
            done, _ = await asyncio.wait({getter, stopper}, return_when=asyncio.FIRST_COMPLETED)
            stopper.cancel()
            if getter not in done:
                getter.cancel()
                break
            try:
                await self.handle(getter.result())
            finally:
                self._queue.task_done()

    async def drain(self) -> None:
        """Wait until everything received so far is handled (tests use it)."""
        await self._recovered.wait()
        await self._queue.join()

    async def finish_what_a_crash_left(self) -> None:
        """Owed replies go on from where they stopped, then messages received and never
        handled are handled, in the order they came."""
        for owed in await self.inbox.owed(CHANNEL):
            await self._resume(owed)
        for payload in await self.inbox.received(CHANNEL):
            await self.handle(message_from_json(payload))

    async def handle(self, item: Queued) -> None:
        try:
            if isinstance(item, inbound.Status):
                await self.contacts.status(item.message_id, item.status, item.error)
            else:
                await self._message(item)
        except Exception:  # one failure does not cost the other messages
            log.exception("WhatsApp %s failed", type(item).__name__.lower())
            if self.meter is not None:
                self.meter.internal_error(CHANNEL)
            if isinstance(item, inbound.Message):
                await self._apologise(item)

    async def _apologise(self, message: inbound.Message) -> None:
        """As on Telegram: never a silent failure, in the person's language."""
        try:
            language = await language_for(self.states, CHANNEL, message.sender,
                                          from_phone(message.sender), self.default_language)
            for call in self.renderer.calls(message.sender, apology(language)):
                await self.client.make(call)
        except Exception:  # Meta out of reach too: the failure is logged above
            log.warning("WhatsApp apology not sent", exc_info=True)

    async def _message(self, message: inbound.Message) -> None:
        started, outcome = time.perf_counter(), "error"
        try:
            await self._answer(message)
            outcome = "ok"
        except HandledBefore:
            outcome = "duplicate"
            return  # delivered twice before it was handled; answered once
        except Exception:  # given up, as on Telegram: not tried again at every start
            await self.inbox.close(CHANNEL, message.id)
            raise
        finally:
            if self.meter is not None:
                self.meter.handled(CHANNEL, outcome, None if outcome == "duplicate"
                                   else time.perf_counter() - started)

    async def _answer(self, message: inbound.Message) -> None:
        """The turn and its handled mark commit together; then the reply, then staff."""
        await self.contacts.wrote(CHANNEL, message.sender, self.clock(), message.name)
        if isinstance(message.content, inbound.Unread) and \
                message.content.type in inbound.SILENT_TYPES:
            return  # it still opened the 24-hour window (above)
        event = self.event(message)
        reply = await self.engine.handle(event, message.id)
        await deliver(self.inbox, CHANNEL, message.id,
                      self.renderer.calls(message.sender, reply), self.client.make)
        await self._follow_up(reply, event)

    async def _resume(self, owed: Owed) -> None:
        event = self.event(message_from_json(owed.update))
        await finish(self.inbox, CHANNEL, owed, self.renderer.calls(owed.chat, owed.reply),
                     self.client.make, lambda: self._follow_up(owed.reply, event))

    async def _follow_up(self, reply: Reply, event: IncomingEvent) -> None:
        """Staff hear of an escalation or a relayed message; workers look for what is due."""
        if self.staff is not None:
            if reply.escalate:
                await self.staff.citizen_opened(CHANNEL, event.user_id)
            if reply.relay:
                await self._relay(event)
            self.staff.wake()
        self.wake()

    async def _relay(self, event: IncomingEvent) -> None:
        assert self.staff is not None
        user = event.user_id
        if event.kind is EventKind.FILE and event.file is not None:
            with contextlib.suppress(FileTooBig):
                data = await event.file.fetch()
                await self.staff.relay_file(CHANNEL, user, data, event.file.name or "file")
        if event.text:  # typed, or the words under a file
            await self.staff.relay_text(CHANNEL, user, event.text)

    def event(self, message: inbound.Message) -> IncomingEvent:
        def of(kind: EventKind, text: str = "", argument: str = "",
               file: IncomingFile | None = None) -> IncomingEvent:
            return IncomingEvent(CHANNEL, message.sender, kind, text, argument, file,
                                 display_name=message.name, locale_hint=from_phone(message.sender))

        content = message.content
        if isinstance(content, inbound.Text):
            if content.body.startswith("/"):
                command, _, argument = content.body[1:].partition(" ")
                return of(EventKind.COMMAND, command.lower(), argument.strip())
            return of(EventKind.TEXT, content.body)
        if isinstance(content, inbound.Choice):
            return of(EventKind.CHOICE, content.id)
        if isinstance(content, inbound.Media):
            return of(EventKind.FILE, content.caption, file=self._file(content))
        if isinstance(content, inbound.SharedContact):
            # Only the sender's own card is theirs to vouch for; another person's reads as
            # typed, at a phone question only.
            return of(EventKind.CONTACT if _own(content, message.sender) else EventKind.CARD,
                      content.phone)
        return of(EventKind.UNSUPPORTED)

    def _file(self, media: inbound.Media) -> IncomingFile:
        async def fetch() -> bytes:
            info = await self.client.media_info(media.id)
            if info.file_size is not None and info.file_size > MAX_DOCUMENT_BYTES:
                raise FileTooBig  # do not even download it
            return await self.client.download(info.url)

        return IncomingFile(name=media.filename, size=None, fetch=fetch)
