"""Document types by content: tiny real headers, never file names."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

import pytest

from flows.filetypes import ACCEPTED_TYPES, MAX_DOCUMENT_BYTES, detect_document_type


def jpeg() -> bytes:
    # SOI + APP0 "JFIF" segment, as every camera/phone JPEG starts
    app0 = b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    return b"\xff\xd8\xff\xe0" + struct.pack(">H", len(app0) + 2) + app0 + b"\xff\xd9"


def png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    idat = zlib.compress(b"\x00\x00")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def pdf() -> bytes:
    return b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"


def ftyp(major: str, *compatible: str) -> bytes:
    body = major.encode() + b"\x00\x00\x00\x00" + b"".join(c.encode() for c in compatible)
    box = struct.pack(">I", 8 + len(body)) + b"ftyp" + body
    return box + struct.pack(">I", 8) + b"meta" + b"\x00" * 64


def exe() -> bytes:
    # DOS "MZ" header whose e_lfanew points at a "PE\0\0" signature
    header = bytearray(b"MZ" + b"\x00" * 62)
    header[0x3C:0x40] = struct.pack("<I", 64)
    return bytes(header) + b"PE\x00\x00" + b"\x4c\x01" + b"\x00" * 64


def zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("document.pdf", b"%PDF-1.7\n")
    return buffer.getvalue()


def test_limit() -> None:
    assert MAX_DOCUMENT_BYTES == 20 * 1024 * 1024
    assert {"image/jpeg", "image/png", "application/pdf", "image/heic"} == ACCEPTED_TYPES


@pytest.mark.parametrize(
    ("head", "mime"),
    [
        (jpeg(), "image/jpeg"),
        (png(), "image/png"),
        (pdf(), "application/pdf"),
        (b"\xef\xbb\xbf" + pdf(), "application/pdf"),  # PDF after a UTF-8 BOM
        (ftyp("heic", "mif1", "heic"), "image/heic"),  # iPhone
        (ftyp("mif1", "mif1", "heic"), "image/heic"),
        (ftyp("heix", "mif1", "heix"), "image/heic"),  # 10-bit HEIC
        (ftyp("mif1", "mif1", "miaf"), "image/heic"),  # generic HEIF still image
        (ftyp("msf1", "msf1", "hevc"), "image/heic"),  # HEIF image sequence
        (ftyp("hevc", "msf1", "hevc"), "image/heic"),
    ],
)
def test_accepted(head: bytes, mime: str) -> None:
    assert detect_document_type(head) == mime
    assert detect_document_type(head[:512]) == mime  # what the engine passes


@pytest.mark.parametrize(
    "head",
    [
        b"",
        exe(),  # an .exe renamed .pdf: the name is never looked at
        zip_bytes(),
        b"PK\x03\x04" + b"\x00" * 26,  # also .docx / .xlsx: ZIP containers
        b"GIF89a\x01\x00\x01\x00\x00\x00\x00",
        b"<html><body>%PDF-1.7</body></html>",
        b"Just some text that is not a document",
        ftyp("avif", "mif1", "avif"),  # AVIF shares the container but is not HEIC
        ftyp("mif1", "mif1", "avif"),
        ftyp("isom", "isom", "mp41"),  # an MP4 video
        ftyp("qt  "),  # a QuickTime video
        b"\x00\x00\x00\x08ftyp",  # truncated box
    ],
)
def test_refused(head: bytes) -> None:
    assert detect_document_type(head) is None


def test_content_wins_over_any_name() -> None:
    # The function only ever sees bytes: a PDF stays a PDF, an exe stays refused.
    assert detect_document_type(bytearray(pdf())) == "application/pdf"
    assert detect_document_type(memoryview(exe()).tobytes()) is None
