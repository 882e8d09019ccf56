"""Messages as JSON, so a notification can wait in the outbox and be rendered at delivery
time in the reader's language."""

from __future__ import annotations

import base64
from datetime import date, datetime
from typing import Any

from flows.messages import Arg, Attachment, Choice, OutgoingMessage, Text

Json = dict[str, Any]


def _arg_to_json(value: Arg) -> Any:
    if isinstance(value, Text):
        return {"$text": text_to_json(value)}
    if isinstance(value, tuple):
        return {"$texts": [text_to_json(item) for item in value]}
    if isinstance(value, datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    return value


def _arg_from_json(value: Any) -> Arg:
    if isinstance(value, dict):
        if "$text" in value:
            return text_from_json(value["$text"])
        if "$texts" in value:
            return tuple(text_from_json(item) for item in value["$texts"])
        if "$datetime" in value:
            return datetime.fromisoformat(value["$datetime"])
        if "$date" in value:
            return date.fromisoformat(value["$date"])
    return value  # type: ignore[no-any-return]


def text_to_json(text: Text) -> Json:
    return {"key": text.key, "args": {k: _arg_to_json(v) for k, v in text.args.items()}}


def text_from_json(data: Json) -> Text:
    return Text(data["key"], {k: _arg_from_json(v) for k, v in data.get("args", {}).items()})


def attachment_to_json(attachment: Attachment) -> Json:
    """A file carried in the message itself (a calendar invite): its bytes in base64."""
    return {"filename": attachment.filename, "mime": attachment.mime,
            "content": base64.b64encode(attachment.content).decode()}


def attachment_from_json(data: Json | None) -> Attachment | None:
    if data is None:
        return None
    return Attachment(data["filename"], base64.b64decode(data["content"]), data["mime"])


def message_to_json(message: OutgoingMessage, document: Json | None = None) -> Json:
    """`document` names a stored file to send along: {"sha256", "name", "mime"}; a file the
    message carries itself (`OutgoingMessage.attachment`) goes as "attachment", absent when
    there is none (as in every payload written before it was carried)."""
    data: Json = {
        "parts": [text_to_json(part) for part in message.parts],
        "choices": [[{"label": text_to_json(c.label), "payload": c.payload} for c in row]
                    for row in message.choices],
        "document": document,
    }
    if message.attachment is not None:
        data["attachment"] = attachment_to_json(message.attachment)
    return data


def message_from_json(data: Json) -> OutgoingMessage:
    rows = tuple(
        tuple(Choice(text_from_json(c["label"]), c["payload"]) for c in row)
        for row in data.get("choices", [])
    )
    return OutgoingMessage(tuple(text_from_json(p) for p in data["parts"]), rows,
                           attachment=attachment_from_json(data.get("attachment")))


def document_of(data: Json) -> Json | None:
    document: Json | None = data.get("document")
    return document


__all__ = ["Attachment", "attachment_from_json", "attachment_to_json", "message_from_json",
           "message_to_json", "text_from_json", "text_to_json"]
