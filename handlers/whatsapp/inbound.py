"""What Meta POSTs to the webhook, checked and read into typed values in one place.

The shape read (Cloud API webhooks, field `messages`)::

    {"entry": [{"changes": [{"field": "messages", "value": {
        "contacts": [{"profile": {"name": str}, "wa_id": str, "user_id": str}],
        "messages": [{"from": str, "from_user_id": str, "id": str, "type": str, <type>: {...}}],
        "statuses": [{"id": str, "status": str, "errors": [{"title": str}]}]}}]}]}

A part of any other shape — not an object or list where one belongs, a number where text
belongs, a message without id or sender, a type Meta does not document, text that is not
valid Unicode — becomes a `Skipped`: where it is and what is wrong, never what it holds (no
personal data in logs). Everything else in the same payload is still read. `read` never raises.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from typing import Any

# Message types in Meta's webhook reference that the bot answers with "send text or tap a
# button" rather than reading: voice, video, stickers, places, reactions, carts, number
# changes, content Meta cannot forward, the first "hello" of a new chat. Those it reads are
# the keys of `_READERS` below; any other type is skipped.
UNREAD_TYPES = frozenset({
    "audio", "video", "sticker", "location", "reaction", "order", "system", "unknown",
    "unsupported", "request_welcome",
})
# Of those, the ones that answer nothing and get no answer: a 👍 on the bot's message.
SILENT_TYPES = frozenset({"reaction"})

# A person's wa_id / BSUID, a wamid: printable ASCII without spaces.
_ID = re.compile(r"[!-~]{1,256}")
# A media id goes into a Graph API URL path: digits in practice, never a "/" or "..".
_MEDIA_ID = re.compile(r"[0-9A-Za-z_-]{1,128}")
_WORD = re.compile(r"[a-z_]{1,32}")


# ------------------------------------------------------------------ what comes out


@dataclass(frozen=True)
class Text:
    body: str


@dataclass(frozen=True)
class Choice:
    """A tapped reply button or list row (its id), or a template quick-reply (its payload)."""

    id: str


@dataclass(frozen=True)
class Media:
    id: str
    filename: str | None
    caption: str = ""  # the words a person writes under a photo or a document


@dataclass(frozen=True)
class SharedContact:
    phone: str  # "" when the card carries none
    wa_id: str = ""  # the card's WhatsApp id, when its number is on WhatsApp


@dataclass(frozen=True)
class Unread:
    type: str  # one of UNREAD_TYPES


Content = Text | Choice | Media | SharedContact | Unread


@dataclass(frozen=True)
class Contact:
    """The first of `value.contacts`: the name and ids Meta gives the person who wrote."""

    name: str = ""
    wa_id: str = ""
    user_id: str = ""


@dataclass(frozen=True)
class Message:
    id: str
    sender: str  # the phone-based wa_id, or the BSUID of people who hide their number
    name: str
    content: Content


@dataclass(frozen=True)
class Status:
    """What became of one of the bot's own messages."""

    message_id: str
    status: str
    error: str


@dataclass(frozen=True)
class Skipped:
    where: str
    why: str

    def __str__(self) -> str:
        return f"{self.where}: {self.why}"


Item = Message | Status | Skipped


# ------------------------------------------------------------------ reading


class _Odd(Exception):
    def __init__(self, where: str, why: str) -> None:
        super().__init__(where, why)
        self.skipped = Skipped(where, why)


def read(body: bytes) -> list[Item]:
    """Every message and status of the documented shape in `body`, in order, and a
    `Skipped` for every part of another shape."""
    try:
        payload = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return [Skipped("body", "not UTF-8 JSON")]
    return list(_payload(payload))


def _payload(payload: Any) -> Iterator[Item]:
    try:
        entries = _list(_object(payload, "payload").get("entry"), "entry")
    except _Odd as odd:
        yield odd.skipped
        return
    for e, entry in enumerate(entries):
        try:
            changes = _list(_object(entry, f"entry[{e}]").get("changes"), f"entry[{e}].changes")
        except _Odd as odd:
            yield odd.skipped
            continue
        for c, change in enumerate(changes):
            yield from _change(change, f"entry[{e}].changes[{c}]")


def _change(change: Any, at: str) -> Iterator[Item]:
    try:
        change = _object(change, at)
        value = _object(change.get("value"), f"{at}.value")
    except _Odd as odd:
        yield odd.skipped
        return
    at = f"{at}.value"
    if value.get("messages") is None and value.get("statuses") is None:
        field = change.get("field")
        named = f"field {field!r}" if isinstance(field, str) and _WORD.fullmatch(field) else "it"
        yield Skipped(at, f"neither messages nor statuses in {named}")
        return
    contact = Contact()
    try:
        contact = _contact(value.get("contacts"), f"{at}.contacts")
    except _Odd as odd:
        yield odd.skipped  # the messages may still name their sender themselves
    yield from _each(value.get("messages"), f"{at}.messages", partial(_message, contact=contact))
    yield from _each(value.get("statuses"), f"{at}.statuses", _status)


def _each(items: Any, at: str, one: Callable[[Any, str], Item]) -> Iterator[Item]:
    try:
        items = _list(items, at, optional=True)
    except _Odd as odd:
        yield odd.skipped
        return
    for i, item in enumerate(items):
        try:
            yield one(item, f"{at}[{i}]")
        except _Odd as odd:
            yield odd.skipped


def _contact(contacts: Any, at: str) -> Contact:
    first = _list(contacts, at, optional=True)
    if not first:
        return Contact()
    contact = _object(first[0], f"{at}[0]")
    profile = _object(contact.get("profile"), f"{at}[0].profile", optional=True)
    return Contact(
        name=_text(profile.get("name"), f"{at}[0].profile.name", optional=True),
        wa_id=_id(contact.get("wa_id"), f"{at}[0].wa_id", optional=True),
        user_id=_id(contact.get("user_id"), f"{at}[0].user_id", optional=True),
    )


def _message(message: Any, at: str, *, contact: Contact) -> Message:
    message = _object(message, at)
    message_id = _id(message.get("id"), f"{at}.id")
    own = [_id(message.get(key), f"{at}.{key}", optional=True) for key in ("from", "from_user_id")]
    sender = next((s for s in (own[0], contact.wa_id, own[1], contact.user_id) if s), "")
    if not sender:
        raise _Odd(at, "no sender")
    return Message(message_id, sender, contact.name, _content(message, at))


def _content(message: dict[str, Any], at: str) -> Content:
    kind = message.get("type")
    if not isinstance(kind, str):
        raise _Odd(f"{at}.type", f"{_what(kind)} where text was expected")
    if kind in UNREAD_TYPES:
        return Unread(kind)
    reader = _READERS.get(kind)
    if reader is None:
        named = repr(kind) if _WORD.fullmatch(kind) else "a type"
        raise _Odd(f"{at}.type", f"{named} not in Meta's reference")
    return reader(message.get(kind), f"{at}.{kind}")


def _read_text(text: Any, at: str) -> Text:
    return Text(_text(_object(text, at).get("body"), f"{at}.body"))


def _read_interactive(interactive: Any, at: str) -> Choice:
    interactive = _object(interactive, at)
    for kind in ("button_reply", "list_reply"):
        if kind in interactive:
            reply = _object(interactive[kind], f"{at}.{kind}")
            return Choice(_text(reply.get("id"), f"{at}.{kind}.id", empty=False))
    raise _Odd(at, "neither button_reply nor list_reply")


def _read_button(button: Any, at: str) -> Choice:
    return Choice(_text(_object(button, at).get("payload"), f"{at}.payload", empty=False))


def _read_media(media: Any, at: str) -> Media:
    media = _object(media, at)
    media_id = _text(media.get("id"), f"{at}.id")
    if not _MEDIA_ID.fullmatch(media_id):
        raise _Odd(f"{at}.id", "not a media id")
    return Media(media_id, _text(media.get("filename"), f"{at}.filename", optional=True) or None,
                 _text(media.get("caption"), f"{at}.caption", optional=True) or "")


def _read_contacts(cards: Any, at: str) -> SharedContact:
    """A shared contact card: the first phone of the first card."""
    cards = _list(cards, at)
    if not cards:
        return SharedContact("")
    phones = _list(_object(cards[0], f"{at}[0]").get("phones"), f"{at}[0].phones", optional=True)
    if not phones:
        return SharedContact("")
    first = _object(phones[0], f"{at}[0].phones[0]")
    return SharedContact(_text(first.get("phone"), f"{at}[0].phones[0].phone", optional=True),
                         _text(first.get("wa_id"), f"{at}[0].phones[0].wa_id", optional=True))


_READERS: dict[str, Callable[[Any, str], Content]] = {
    "text": _read_text, "interactive": _read_interactive, "button": _read_button,
    "image": _read_media, "document": _read_media, "contacts": _read_contacts,
}


def _status(status: Any, at: str) -> Status:
    status = _object(status, at)
    errors = _list(status.get("errors"), f"{at}.errors", optional=True)
    title = ""
    if errors:
        first = _object(errors[0], f"{at}.errors[0]")
        title = _text(first.get("title"), f"{at}.errors[0].title", optional=True)
    return Status(_id(status.get("id"), f"{at}.id"),
                  _text(status.get("status"), f"{at}.status", empty=False), title)


# ------------------------------------------------------------------ one value each


def _what(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    return "an object"


def _object(value: Any, at: str, *, optional: bool = False) -> dict[str, Any]:
    if optional and value is None:
        return {}
    if not isinstance(value, dict):
        raise _Odd(at, "missing" if value is None else f"{_what(value)}, not an object")
    return value


def _list(value: Any, at: str, *, optional: bool = False) -> list[Any]:
    if optional and value is None:
        return []
    if not isinstance(value, list):
        raise _Odd(at, "missing" if value is None else f"{_what(value)}, not a list")
    return value


def _text(value: Any, at: str, *, optional: bool = False, empty: bool = True) -> str:
    if optional and value is None:
        return ""
    if not isinstance(value, str):
        raise _Odd(at, "missing" if value is None else f"{_what(value)} where text was expected")
    if not value and not empty:
        raise _Odd(at, "empty")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate ("\ud800" is valid JSON, not valid text)
        raise _Odd(at, "not valid Unicode") from None
    return value


def _id(value: Any, at: str, *, optional: bool = False) -> str:
    text = _text(value, at, optional=optional, empty=optional)
    if text and not _ID.fullmatch(text):
        raise _Odd(at, "not an id")
    return text
