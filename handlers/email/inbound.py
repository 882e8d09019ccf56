"""An incoming mail (bytes) read into what the session needs: who wrote, for which session,
and the new words. `parse_mail` never raises: bad mail is read as far as it goes.

- Text: the text/plain parts; when they are empty or missing, the HTML made text
  (html.parser, blockquotes left out). Charsets as labelled; an unlabelled or unknown one is
  UTF-8 if it decodes, else the one of Windows-1251, KOI8-R and KZ-1048 that gives the most
  small Cyrillic letters (Russian and Kazakh prose is mostly small letters).
- Quoted history goes: lines starting with ">", and everything from an attribution line
  ("… <someone@host>:" with a date, Outlook's "-----Original Message-----" or its From:/Sent:
  block; "On … wrote:", "… написал(а):", "… жазды:" only with the quoted mail's date and
  time or an address in it, or ">" lines after it, since a child writes "Папа мне написал:"
  too), from a "-- " signature line, and a phone's "Sent from my …" at the end.
- Attachments are never read: their names are kept so staff know something was not passed on.
- The code: the `+tag` of any recipient (envelope first, then To/Cc), else one of our
  Message-IDs in In-Reply-To/References (compose.py puts the code in each).
- A bounce, an auto-reply or a list mail is `automatic`: never relayed, never answered.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import Message
from email.utils import getaddresses, parseaddr
from html.parser import HTMLParser
from typing import Any

from flows.validators import mail_address_key
from handlers.email.compose import ReplyAddress

MAX_EMAIL_BYTES = 10 * 1024 * 1024  # a whole mail, attachments included
MAX_TEXT_CHARS = 10_000  # more is cut, with "…": a chat topic is no place for a book
GUESSED_CHARSETS = ("cp1251", "koi8-r", "kz1048")
_SMALL_CYRILLIC = frozenset("абвгдеёжзийклмнопрстуфхцчшщъыьэюяәғқңөұүһі")


@dataclass(frozen=True)
class InboundMail:
    sender: str  # the From address, lower-cased; "" when there is none
    code: str | None  # the session's code, upper-cased
    text: str  # the new words only; "" for an empty body
    attachments: tuple[str, ...] = ()  # names of the files it carried (never read)
    message_id: str = ""
    subject: str = ""
    automatic: bool = False  # a bounce, an auto-reply, a list: never relayed nor answered
    failed: tuple[str, ...] = ()  # a bounce's failed recipients, lower-cased
    problem: str = ""  # why it could not be read: "too big", "unreadable"


def parse_mail(
    data: bytes,
    *,
    reply_to: ReplyAddress,
    recipients: Sequence[str] = (),
    envelope_from: str | None = None,
    max_bytes: int = MAX_EMAIL_BYTES,
) -> InboundMail:
    code = _code(reply_to, recipients, None)
    if len(data) > max_bytes:
        return InboundMail("", code, "", problem="too big")
    try:
        mail = message_from_bytes(data, policy=policy.default)
        return _read(mail, reply_to, recipients, envelope_from)
    except Exception:  # a mail no parser expected: read as nothing, never a crash
        return InboundMail("", code, "", problem="unreadable")


def _read(mail: Message, reply_to: ReplyAddress, recipients: Sequence[str],
          envelope_from: str | None) -> InboundMail:
    sender = mail_address_key(parseaddr(_header(mail, "From"))[1])
    if not sender and envelope_from and envelope_from != "<>":
        sender = mail_address_key(envelope_from)
    plain: list[str] = []
    html: list[str] = []
    attachments: list[str] = []
    failed: list[str] = []
    _collect(mail, plain, html, attachments, failed, top=True)
    text = "\n".join(part for part in plain if part.strip())
    if not text.strip() and html:
        text = "\n".join(html_to_text(part) for part in html)
    return InboundMail(
        sender=sender,
        code=_code(reply_to, recipients, mail),
        text=_cap(strip_quoted(text)),
        attachments=tuple(attachments),
        message_id=_header(mail, "Message-ID").strip(),
        subject=" ".join(_header(mail, "Subject").split()),
        automatic=_automatic(mail, envelope_from),
        failed=tuple(failed),
    )


# ------------------------------------------------------------------ structure


def _collect(part: Message, plain: list[str], html: list[str], attachments: list[str],
             failed: list[str], *, top: bool = False) -> None:
    ctype = part.get_content_type()
    if ctype == "message/delivery-status":
        failed.extend(_failed_recipients(part))
        return
    if part.get_content_maintype() == "message":  # a forwarded or bounced mail: not ours
        if not top:
            attachments.append(_name(part) or "message.eml")
        return
    if part.is_multipart():
        for sub in part.get_payload():  # type: ignore[union-attr]
            if isinstance(sub, Message):
                _collect(sub, plain, html, attachments, failed)
        return
    name = _name(part)
    disposition = part.get_content_disposition()
    if disposition == "attachment" or name or ctype not in ("text/plain", "text/html"):
        attachments.append(name or ctype)
        return
    payload = part.get_payload(decode=True)
    data = payload if isinstance(payload, bytes) else b""
    text = decode_text(data, part.get_content_charset())
    (plain if ctype == "text/plain" else html).append(text)


def _name(part: Message) -> str:
    try:
        name = part.get_filename() or ""
    except Exception:
        return "?"
    return re.sub(r"[\x00-\x1f\x7f\ud800-\udfff]", "?", str(name)).strip()[:100]


def _failed_recipients(part: Message) -> list[str]:
    """A DSN's per-recipient blocks with `Action: failed` (RFC 3464)."""
    found: list[str] = []
    payload = part.get_payload()
    blocks: Iterable[Any] = payload if isinstance(payload, list) else []
    for block in blocks:
        if not isinstance(block, Message):
            continue
        if str(block.get("Action", "")).strip().lower() != "failed":
            continue
        recipient = str(block.get("Final-Recipient") or block.get("Original-Recipient") or "")
        address = mail_address_key(recipient.partition(";")[2].strip().strip("<>"))
        if "@" in address:
            found.append(address)
    return found


def _header(mail: Message, name: str) -> str:
    try:
        value = mail.get(name)
        return "" if value is None else str(value)
    except Exception:  # a header the parser chokes on reads as missing
        return ""


def _code(reply_to: ReplyAddress, recipients: Sequence[str], mail: Message | None) -> str | None:
    for address in recipients:
        if (code := reply_to.code_of(address)) is not None:
            return code
    if mail is None:
        return None
    headers = [_header(mail, name) for name in ("To", "Cc", "Delivered-To", "X-Original-To")]
    for _, address in getaddresses(headers):
        if (code := reply_to.code_of(address)) is not None:
            return code
    for name in ("In-Reply-To", "References"):
        if (code := reply_to.code_in_ids(_header(mail, name))) is not None:
            return code
    return None


def _automatic(mail: Message, envelope_from: str | None) -> bool:
    if envelope_from is not None and envelope_from.strip() in ("", "<>"):
        return True  # a null Return-Path: a bounce or another robot's notice
    auto = _header(mail, "Auto-Submitted").strip().lower()
    if auto and auto != "no":
        return True
    if _header(mail, "Precedence").strip().lower() in ("bulk", "junk", "list", "auto_reply"):
        return True
    if any(_header(mail, name) for name in ("List-Id", "X-Autoreply", "X-Autorespond")):
        return True
    if mail.get_content_type() == "multipart/report":
        return True
    local = parseaddr(_header(mail, "From"))[1].lower().partition("@")[0]
    return local in ("mailer-daemon", "postmaster")


# ------------------------------------------------------------------ charsets


def decode_text(data: bytes, charset: str | None) -> str:
    if charset:
        try:
            name = codecs.lookup(charset).name
        except LookupError:
            name = ""
        if name and name != "ascii":  # "us-ascii" over 8-bit bytes is a common lie
            return data.decode(name, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    candidates = [data.decode(name, errors="replace") for name in GUESSED_CHARSETS]
    return max(candidates, key=lambda text: sum(ch in _SMALL_CYRILLIC for ch in text))


# ------------------------------------------------------------------ HTML


class _HtmlText(HTMLParser):
    BLOCKS = frozenset({"p", "div", "li", "tr", "table", "ul", "ol", "h1", "h2", "h3", "h4",
                        "h5", "h6", "section", "article", "header", "footer", "pre", "hr"})
    SKIPPED = frozenset({"script", "style", "head", "title", "blockquote"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.pieces: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIPPED:
            self.skipping += 1
        elif tag == "br" or tag in self.BLOCKS:
            self.pieces.append("\n")
            if tag == "li" and not self.skipping:
                self.pieces.append("- ")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIPPED:
            self.skipping = max(0, self.skipping - 1)
        elif tag in self.BLOCKS:
            self.pieces.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.pieces.append(re.sub(r"\s+", " ", data))


def html_to_text(html: str) -> str:
    parser = _HtmlText()
    try:
        parser.feed(html)
        parser.close()
    except Exception:  # whatever was read before the trouble stays
        pass
    lines = [line.strip() for line in "".join(parser.pieces).split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


# ------------------------------------------------------------------ quoted history

# "On … wrote:", "… написал:", "… жазды:": a child writes such lines too ("Папа мне написал:"
# and then what dad wrote). So they cut only as a mail client writes them (see `_quoted`).
_WROTE = (
    re.compile(r"^\s*on\s.+\bwrote\s*:\s*$", re.IGNORECASE),
    re.compile(r".*\b(написал\(а\)|написала|написал|пишет)\s*:\s*$", re.IGNORECASE),
    re.compile(r".*\b(жазды|жазған)\s*:\s*$", re.IGNORECASE),
)
# Lines no person writes: they always start the quoted part.
_SEPARATORS = (
    re.compile(r"^\s*-{2,}\s*(original message|forwarded message|исходное сообщение|"
               r"пересылаемое сообщение|пересланное сообщение|бастапқы хабарлама|"
               r"жіберілген хабарлама)\s*-{2,}\s*$", re.IGNORECASE),
    re.compile(r"^\s*_{10,}\s*$"),  # Outlook's rule above the quoted headers
)
# Gmail in Russian, Yandex, Mail.ru: "23 нояб. 2026 г., в 10:00, Имя <a@b.kz>:".
_ADDRESS_LINE = re.compile(r".*\d.*<[^<>\s]+@[^<>\s]+>\s*:\s*$")
# What a client puts in its "wrote:" line and a child does not: the year and the time of the
# quoted mail ("23.11.2026 10:00", "On Mon, 23 Nov 2026 at 10:00"), or its sender's address.
_YEAR = re.compile(r"\b(19|20)\d\d\b")
_CLOCK = re.compile(r"\b\d{1,2}:\d\d\b")
_ADDRESS = re.compile(r"[^\s<>]+@[^\s<>@]+\.[^\s<>@]+")
_HEADER_START = re.compile(r"^\s*(from|от|кімнен)\s*:", re.IGNORECASE)
_HEADER_NEXT = re.compile(r"^\s*(sent|date|to|subject|отправлено|дата|кому|тема|"
                          r"жіберілді|күні|кімге|тақырып)\s*:", re.IGNORECASE)
_SIGNATURE = re.compile(r"^--\s?$")
_PHONE_FOOTER = re.compile(r"^\s*(sent from my|sent from mail for|get outlook for|"
                           r"отправлено с|отправлено из|послано с)\b", re.IGNORECASE)


def _looks_like_attribution(line: str) -> bool:
    """The shape alone, whatever follows: enough to keep two lines from being joined."""
    return any(rule.match(line) for rule in (*_WROTE, *_SEPARATORS)) \
        or bool(_ADDRESS_LINE.match(line))


def _quoted(line: str, rest: list[str]) -> bool:
    """`line` opens the quoted history that `rest` (the lines after it) holds. A "wrote:" line
    does so only with the quoted mail's date and time or address in it, or with ">" lines
    right after it: else it is the child's own line, and what follows is the child's too."""
    if any(rule.match(line) for rule in _SEPARATORS) or _ADDRESS_LINE.match(line):
        return True
    if not any(rule.match(line) for rule in _WROTE):
        return False
    if (_YEAR.search(line) and _CLOCK.search(line)) or _ADDRESS.search(line):
        return True
    following = next((later for later in rest if later.strip()), "")
    return following.lstrip().startswith(">")


def _attribution(lines: list[str], i: int) -> bool:
    line = lines[i]
    if line.lstrip().startswith(">"):
        return False
    if _quoted(line, lines[i + 1:]):
        return True
    # "On Mon, … Specialist <" / "interview+K7Q2M9@body.kz> wrote:": one line, wrapped. Only
    # when the next line is no attribution of its own (else this line is the child's).
    after = lines[i + 1] if i + 1 < len(lines) else ""
    if after and not _looks_like_attribution(after) and _quoted(f"{line} {after}",
                                                                lines[i + 2:]):
        return True
    if _HEADER_START.match(line):
        return any(_HEADER_NEXT.match(later) for later in lines[i + 1:i + 5])
    return False


def strip_quoted(text: str) -> str:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    end = len(lines)
    for i, line in enumerate(lines):
        if _SIGNATURE.match(line):
            end = i
            break
        if _attribution(lines, i):
            rest = lines[i + 1:]
            quote = next((later for later in rest if later.strip()), "").lstrip()
            if quote.startswith(">") and not any(_own_line(above) for above in lines[:i]):
                # Nothing above the quote: the reply is written below it (bottom-posting).
                return strip_quoted("\n".join(rest))
            end = i
            break
    kept = [line.rstrip() for line in lines[:end] if not line.lstrip().startswith(">")]
    while kept and not kept[-1].strip():
        kept.pop()
    tail = [i for i, line in enumerate(kept) if line.strip()][-2:]
    for i in tail:  # a phone's footer in the last lines, and what follows it
        if _PHONE_FOOTER.match(kept[i]):
            kept = kept[:i]
            break
    return re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip()


def _own_line(line: str) -> bool:
    """A line of the writer's own words: not blank, not quoted."""
    return bool(line.strip()) and not line.lstrip().startswith(">")


def _cap(text: str) -> str:
    return text if len(text) <= MAX_TEXT_CHARS else text[:MAX_TEXT_CHARS - 1].rstrip() + "…"


__all__ = ["MAX_EMAIL_BYTES", "InboundMail", "decode_text", "html_to_text",
           "parse_mail", "strip_quoted"]
