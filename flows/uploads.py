"""Whether an uploaded file may join an application: size, real type, not sent before."""

from __future__ import annotations

import hashlib

from flows.filetypes import MAX_DOCUMENT_BYTES, detect_document_type
from flows.messages import FileTooBig, IncomingFile, Text
from flows.ports import FileStore, StoredFile

TOO_BIG = Text("error-file-too-big", {"limit": MAX_DOCUMENT_BYTES // (1024 * 1024)})


async def accept_file(files: FileStore, incoming: IncomingFile,
                      sent: set[str]) -> StoredFile | Text:
    """The stored file, or what is wrong with it. The size is checked before the download
    when the messenger tells it, and the type by content, never by the name."""
    if incoming.size is not None and incoming.size > MAX_DOCUMENT_BYTES:
        return TOO_BIG
    try:
        data = await incoming.fetch()
    except FileTooBig:
        return TOO_BIG
    if len(data) > MAX_DOCUMENT_BYTES:
        return TOO_BIG
    mime = detect_document_type(data[:512])
    if mime is None:
        return Text("error-file-type")
    if hashlib.sha256(data).hexdigest() in sent:
        return Text("error-file-duplicate")
    return await files.save(data, mime)
