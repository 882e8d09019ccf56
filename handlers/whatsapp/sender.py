"""Delivers outbox messages to WhatsApp citizens, minding the 24-hour window.

Inside the window (the person wrote less than 24 h ago) a message goes as it is. Outside it,
only an approved template may go: a status notice becomes WHATSAPP_TEMPLATE_STATUS with the
application number and status; anything else waits, and staff are told why.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any, Protocol

import aiohttp

from flows.delivery import OUTSIDE_WINDOW, OutboxItem
from flows.filetypes import proper_name
from flows.menu import status_id
from flows.messages import Text
from flows.ports import UnreadableFile
from flows.wire import document_of, message_from_json
from handlers.l10n import Localizer
from handlers.outcomes import Blocked, Delivered, Delivery, Rejected, RetryAfter, Transient
from handlers.whatsapp.client import (
    RE_ENGAGEMENT,
    GraphClient,
    WhatsAppError,
    media_kind,
    media_message,
)
from handlers.whatsapp.render import WhatsAppRenderer

RATE_LIMITED = {130429, 131056, 80007}
BLOCKED = {131026, 131051}  # the number is not on WhatsApp / cannot receive

log = logging.getLogger(__name__)


class FileTooLarge(Exception):
    """A file over Meta's limits: given up on at once (the digest counts it)."""


class Window(Protocol):
    async def window_open(self, person_id: int, now: datetime) -> bool: ...


def template_message(name: str, language: str, number: str, status: str) -> dict[str, Any]:
    return {"type": "template", "template": {
        "name": name,
        "language": {"code": language},
        "components": [{"type": "body", "parameters": [
            {"type": "text", "text": number}, {"type": "text", "text": status}]}],
    }}


class WhatsAppSender:
    def __init__(self, client: GraphClient, renderer: WhatsAppRenderer, localizer: Localizer,
                 window: Window, read_file: Callable[[str], Awaitable[bytes]], template: str,
                 clock: Callable[[], datetime]) -> None:
        self.client, self.renderer, self.l10n = client, renderer, localizer
        self.window, self.read_file, self.template, self.clock = window, read_file, template, clock

    def rate_key(self, item: OutboxItem) -> tuple[str, bool]:
        return f"wa:{item.external_id}", False

    async def deliver(self, item: OutboxItem) -> Delivery:
        if item.person_id is None:  # the staff group's own messages go by Telegram
            return Rejected("not a citizen's message")
        lang = self.l10n.language(item.language)
        try:
            if await self.window.window_open(item.person_id, self.clock()):
                try:
                    return Delivered(await self._free_form(item, lang))
                except WhatsAppError as error:
                    if error.code != RE_ENGAGEMENT:  # our clock and Meta's may disagree
                        raise
            return await self._template(item, lang)
        except WhatsAppError as error:
            if error.code in RATE_LIMITED or error.status == 429:
                return RetryAfter(60.0)
            if error.code in BLOCKED:
                return Blocked(str(error))
            if error.status >= 500:
                return Transient(str(error))
            return Rejected(str(error))
        except (TimeoutError, aiohttp.ClientError) as error:
            return Transient(repr(error))
        except (UnreadableFile, FileTooLarge) as error:  # sending again cannot help
            log.error("not sent: %s", error)
            return Rejected(str(error))

    async def _free_form(self, item: OutboxItem, lang: str) -> str:
        document = document_of(item.payload)
        data, kind = b"", None
        if document is not None:  # read and sized first: nothing goes out that cannot all go
            data = await self.read_file(document["sha256"])
            kind = media_kind(document["mime"], len(data), image=bool(document.get("image")))
            if kind is None:
                raise FileTooLarge(f"{len(data)} bytes: over WhatsApp's media limits")
        wamid = ""
        for message in self.renderer.render(message_from_json(item.payload), lang):
            wamid = await self.client.send(item.external_id, message)
        if document is not None and kind is not None:
            name = proper_name(document["name"], document["mime"])
            media = await self.client.upload(data, document["mime"], name)
            wamid = await self.client.send(item.external_id, media_message(kind, media, name))
        return wamid

    async def _template(self, item: OutboxItem, lang: str) -> Delivery:
        data = item.payload.get("template")
        if not data:
            return Rejected(OUTSIDE_WINDOW)
        # "service" since complaints word their statuses their own way; older rows lack it
        status = self.l10n.render(Text(status_id(data["status"], data.get("service", ""))),
                                  lang)
        message = template_message(self.template, lang, data["number"], status)
        # The status alone went: the notice's own words (a refusal's reasons, a hearing's
        # time and place) go in full once the person writes and the window opens.
        return Delivered(await self.client.send(item.external_id, message),
                         owed=f"{OUTSIDE_WINDOW}: the status template went in its place")
