"""What kind of document a person uploaded, judged by its bytes only.

A file's name and the type the messenger reports are chosen by the sender, so neither
is trusted: an ``.exe`` renamed ``.pdf`` must not reach a specialist as a PDF.
"""

from __future__ import annotations

import filetype  # type: ignore[import-untyped]

__all__ = ["ACCEPTED_TYPES", "EXTENSIONS", "MAX_DOCUMENT_BYTES", "detect_document_type",
           "proper_name"]

# Telegram's Bot API lets a bot download files up to 20 MB.
MAX_DOCUMENT_BYTES = 20 * 1024 * 1024

ACCEPTED_TYPES: frozenset[str] = frozenset(
    {"image/jpeg", "image/png", "application/pdf", "image/heic"}
)

# The extension a file of each accepted type is named with.
EXTENSIONS: dict[str, str] = {
    "image/jpeg": "jpg", "image/png": "png", "application/pdf": "pdf", "image/heic": "heic"}

# ISO-BMFF brands of HEIF/HEIC still images and sequences (ISO/IEC 23008-12). filetype
# 1.2.0 only knows major brand "heic", or "mif1"/"msf1" listing "heic" as compatible:
# iPhones and Android phones also write "heix", "hevc", plain "mif1" and others.
_HEIF_BRANDS = frozenset(
    {"heic", "heix", "heim", "heis", "hevc", "hevx", "hevm", "hevs", "mif1", "msf1"}
)
# AVIF shares the HEIF container ("mif1" + "avif"): it is AV1, not HEVC, so not ours.
_AVIF_BRANDS = frozenset({"avif", "avis"})


def detect_document_type(head: bytes | bytearray | memoryview) -> str | None:
    """The MIME type of an accepted document from its first bytes, else ``None``.

    ``head`` should hold at least the first few hundred bytes of the file.
    """
    if not head:
        return None
    data = bytes(head)
    kind = filetype.guess(data)
    mime: str | None = str(kind.mime) if kind is not None else None
    if mime in ACCEPTED_TYPES:
        return mime
    if mime is None and _is_heif(data):
        return "image/heic"
    return None


def _is_heif(head: bytes) -> bool:
    """An ISO-BMFF ``ftyp`` box whose brands say HEIF/HEIC (and not AVIF)."""
    if len(head) < 16 or head[4:8] != b"ftyp":
        return False
    size = int.from_bytes(head[0:4], "big")
    if size < 16:
        return False
    end = min(size, len(head))
    brands = {head[8:12].decode("latin-1")}
    brands.update(head[i : i + 4].decode("latin-1") for i in range(16, end - 3, 4))
    return bool(brands & _HEIF_BRANDS) and not brands & _AVIF_BRANDS


def proper_name(name: str, mime: str) -> str:
    """`name` ending in the extension of the file's detected type: "ВП-2026-00001-1" holding
    a JPEG is "ВП-2026-00001-1.jpg", "scan.exe" holding a PDF is "scan.pdf". A type not
    ours leaves the name as it is."""
    extension = EXTENSIONS.get(mime)
    if extension is None:
        return name
    stem, dot, suffix = name.rpartition(".")
    if dot and stem and suffix.isascii() and suffix.isalnum() and len(suffix) <= 5:
        name = stem  # the extension the sender gave, whatever it claimed
    return f"{name or 'file'}.{extension}"
