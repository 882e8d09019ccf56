"""A small WhatsApp Cloud API (Graph API) client on aiohttp.

Our own rather than pywa: pywa 4.5 fixes its base URL to graph.facebook.com (we must honour
WHATSAPP_API_BASE for proxies and the test fake) and plugs its webhook into Flask/FastAPI,
while the bot already serves aiohttp.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import aiohttp

from flows.messages import Attachment

Json = dict[str, Any]

RE_ENGAGEMENT = 131047  # more than 24 hours since the person last wrote

# Meta's media limits (Cloud API, "Supported media types"): an image is a JPEG or PNG of at
# most 5 MB; a document at most 100 MB.
IMAGE_TYPES = frozenset({"image/jpeg", "image/png"})
IMAGE_MAX_BYTES = 5 * 1024 * 1024
DOCUMENT_MAX_BYTES = 100 * 1024 * 1024


def media_kind(mime: str, size: int, *, image: bool) -> str | None:
    """How a file goes within Meta's limits: "image" (a photo that may go as one), else
    "document"; None when it is too large to go at all."""
    if image and mime in IMAGE_TYPES and size <= IMAGE_MAX_BYTES:
        return "image"
    return "document" if size <= DOCUMENT_MAX_BYTES else None


def media_message(kind: str, media_id: str, filename: str) -> Json:
    """An uploaded file as a message: an image shows in the chat, a document keeps its name."""
    if kind == "image":
        return {"type": "image", "image": {"id": media_id}}
    return {"type": "document", "document": {"id": media_id, "filename": filename}}


class WhatsAppError(Exception):
    def __init__(self, status: int, code: int | None, message: str) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status, self.code, self.message = status, code, message


@dataclass(frozen=True)
class MediaInfo:
    url: str
    mime_type: str
    file_size: int | None


@dataclass(frozen=True)
class SendMessage:
    """One message of a reply (text, interactive, document by media id)."""

    to: str
    message: Json


@dataclass(frozen=True)
class SendDocument:
    """A file of a reply: uploaded, then sent as a document."""

    to: str
    attachment: Attachment


GraphCall = SendMessage | SendDocument


class GraphClient:
    def __init__(self, base: str, phone_number_id: str, token: str) -> None:
        self.base = base.rstrip("/")
        self.phone_number_id = phone_number_id
        self._auth = {"Authorization": f"Bearer {token}"}
        self._session: aiohttp.ClientSession | None = None

    @property
    def session(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(headers=self._auth,
                                                  timeout=aiohttp.ClientTimeout(total=60))
        return self._session

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()

    async def _check(self, response: aiohttp.ClientResponse) -> Json:
        data: Json = await response.json(content_type=None)
        if response.status >= 400 or "error" in data:
            error = data.get("error", {})
            raise WhatsAppError(response.status, error.get("code"),
                                error.get("message", "unknown error"))
        return data

    async def send(self, to: str, message: Json) -> str:
        """Send one message (text, interactive, template, document); its wamid."""
        body = {"messaging_product": "whatsapp", "recipient_type": "individual", "to": to,
                **message}
        async with self.session.post(f"{self.base}/{self.phone_number_id}/messages",
                                     json=body) as response:
            data = await self._check(response)
        return str(data["messages"][0]["id"])

    async def make(self, call: GraphCall) -> str:
        """One call of a reply; the wamid of the message it sent."""
        if isinstance(call, SendMessage):
            return await self.send(call.to, call.message)
        attachment = call.attachment
        media = await self.upload(attachment.content, attachment.mime, attachment.filename)
        return await self.send(call.to, media_message("document", media, attachment.filename))

    async def upload(self, data: bytes, mime_type: str, filename: str) -> str:
        form = aiohttp.FormData()
        form.add_field("messaging_product", "whatsapp")
        form.add_field("type", mime_type)
        form.add_field("file", data, filename=filename, content_type=mime_type)
        async with self.session.post(f"{self.base}/{self.phone_number_id}/media",
                                     data=form) as response:
            return str((await self._check(response))["id"])

    async def media_info(self, media_id: str) -> MediaInfo:
        async with self.session.get(f"{self.base}/{media_id}") as response:
            data = await self._check(response)
        size = data.get("file_size")
        return MediaInfo(data["url"], data.get("mime_type", ""),
                         int(size) if size is not None else None)

    async def download(self, url: str) -> bytes:
        async with self.session.get(url) as response:
            if response.status >= 400:
                raise WhatsAppError(response.status, None, "media download failed")
            return await response.read()
