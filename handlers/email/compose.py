"""An outbox message as an e-mail: the words from locales/, the headers that make it a thread.

Every mail of one child's conversation carries the session's code twice: in its `Reply-To`
(`interview+K7Q2M9@body.kz`, so a reply finds its session) and in its thread headers. The
thread's root id is derived from the code (`<interview-K7Q2M9@body.kz>`) and never sent as a
mail of its own: each mail has a Message-ID of its own and names that root in `In-Reply-To`
and `References`, which is what mail clients group a conversation by. Each Message-ID
carries the code too, so a reply that lost its `+tag` (a client that answers to From) still
names its session in its own `In-Reply-To`.

The body is text/plain in UTF-8 and nothing else: every client shows it, spam filters do not
frown on it, and there is no second rendering to drift apart from the first. Buttons
(`Choice` rows) cannot be tapped in a mail, so they are not rendered: a message meant for an
e-mail reader must stand on its own words. Attachments (the `.ics`) are MIME parts.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from email.header import Header
from email.message import EmailMessage
from email.policy import Policy
from email.utils import format_datetime, formataddr, parseaddr

from flows.messages import Attachment, OutgoingMessage, Text
from handlers.l10n import Localizer

# A session's code as it travels in an address or a Message-ID (storage's codes are 8 of
# A-Z2-9; the tag is read a little wider and upper-cased, since some servers lower-case it).
CODE = re.compile(r"[A-Za-z0-9]{4,32}")
_LOCAL = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")
_DOMAIN = re.compile(r"(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}")
MAX_SUBJECT = 200
# The conversation's messages say "write here", which a mail cannot mean: in a mail, the
# same message in the mail's words ("reply to this mail"), from locales/*/email.ftl.
IN_MAIL_WORDS = {"session-started": "email-session-started",
                 "session-ended-child": "email-session-ended-child"}


@dataclass(frozen=True)
class ReplyAddress:
    """EMAIL_REPLY_TO, the inbound address (`interview@body.kz`), split in its two halves."""

    local: str
    domain: str

    @classmethod
    def parse(cls, address: str) -> ReplyAddress:
        """Raises ValueError for anything but a plain `local@domain.tld` without a `+tag`."""
        local, at, domain = parseaddr(address)[1].strip().lower().rpartition("@")
        if not at or not _LOCAL.fullmatch(local) or not _DOMAIN.fullmatch(domain):
            raise ValueError("EMAIL_REPLY_TO must be a plain address such as interview@body.kz")
        return cls(local, domain)

    @property
    def address(self) -> str:
        return f"{self.local}@{self.domain}"

    def tagged(self, code: str | None) -> str:
        """Where replies go: `interview+K7Q2M9@body.kz`; without a code, the plain address."""
        return f"{self.local}+{code}@{self.domain}" if code else self.address

    def thread_root(self, code: str) -> str:
        return f"<{self.local}-{code}@{self.domain}>"

    def message_id(self, code: str | None, unique: str) -> str:
        """A mail's own id; `unique` must be unique among this domain's mails."""
        return f"<{self.local}-{code}.{unique}@{self.domain}>" if code else \
            f"<{self.local}.{unique}@{self.domain}>"

    def is_ours(self, address: str) -> bool:
        """The inbound address, with or without a `+tag` (any case)."""
        local, at, domain = address.strip().lower().rpartition("@")
        return bool(at) and domain == self.domain and \
            local.partition("+")[0] == self.local

    def in_domain(self, address: str) -> bool:
        return address.strip().lower().rpartition("@")[2] == self.domain

    def code_of(self, address: str) -> str | None:
        """The code in `interview+K7Q2M9@body.kz`, upper-cased; None for anything else."""
        if not self.is_ours(address):
            return None
        tag = address.strip().rpartition("@")[0].partition("+")[2]
        return tag.upper() if CODE.fullmatch(tag) else None

    def code_in_ids(self, header: str) -> str | None:
        """The code named by one of our Message-IDs in an In-Reply-To / References value."""
        pattern = re.compile(
            rf"<{re.escape(self.local)}-({CODE.pattern})(?:\.[^<>@\s]*)?@{re.escape(self.domain)}>",
            re.IGNORECASE)
        found = pattern.search(header or "")
        return found.group(1).upper() if found else None


def subject(localizer: Localizer, language: str, code: str | None) -> str:
    """One subject for the whole conversation (clients thread by it as well)."""
    if code:
        return localizer.render(Text("email-subject-with-code", {"code": code}), language)
    return localizer.render(Text("email-subject"), language)


def in_mail_words(part: Text) -> Text:
    """The mail's wording of a message whose messenger words would mislead in a mail."""
    key = IN_MAIL_WORDS.get(part.key)
    return part if key is None else replace(part, key=key)


def plain_text(message: OutgoingMessage, localizer: Localizer, language: str) -> str:
    """The message's parts, then the footer after a signature line: a reply quoting the mail
    leaves the footer out, and the child's words are not mixed with ours."""
    body = localizer.join(tuple(map(in_mail_words, message.parts)), language)
    footer = localizer.render(Text("email-footer"), language)
    return f"{body}\n\n-- \n{footer}\n"


def compose(
    message: OutgoingMessage,
    *,
    localizer: Localizer,
    language: str | None,
    sender: str,
    to: str,
    reply_to: ReplyAddress,
    code: str | None,
    message_id: str,
    now: datetime,
    attachments: Sequence[Attachment] = (),
) -> EmailMessage:
    """The mail for one outbox message, in `language` (the reader's)."""
    lang = localizer.language(language)
    mail = EmailMessage()
    mail["Subject"] = encoded_text("Subject", subject(localizer, lang, code))
    mail["From"] = encoded_address("From", sender)
    mail["To"] = to
    mail["Reply-To"] = reply_to.tagged(code)
    mail["Date"] = format_datetime(now)
    mail["Message-ID"] = message_id
    if code:
        root = reply_to.thread_root(code)
        mail["In-Reply-To"] = root
        mail["References"] = root
    mail.set_content(plain_text(message, localizer, lang), subtype="plain", charset="utf-8")
    mail["Content-Language"] = lang  # after set_content, which clears the Content-* headers
    for attachment in attachments:
        _attach(mail, attachment)
    if "Content-Language" not in mail:  # the first attachment moved it to the text part
        mail["Content-Language"] = lang
    return mail


def compose_reply(
    text: str,
    *,
    sender: str,
    to: str,
    reply_to: ReplyAddress,
    code: str | None,
    subject_line: str,
    in_reply_to: str,
    message_id: str,
    now: datetime,
) -> EmailMessage:
    """An automatic answer to a mail that came in (`text` is already in the reader's words).
    Marked `Auto-Submitted: auto-replied` (RFC 3834), so the other side's robots do not
    answer it in turn."""
    mail = EmailMessage()
    mail["Subject"] = encoded_text("Subject", reply_subject(subject_line))
    mail["From"] = encoded_address("From", sender)
    mail["To"] = to
    mail["Reply-To"] = reply_to.tagged(code)
    mail["Date"] = format_datetime(now)
    mail["Message-ID"] = message_id
    mail["Auto-Submitted"] = "auto-replied"
    references = " ".join(filter(None, (reply_to.thread_root(code) if code else "",
                                        _msg_id(in_reply_to))))
    if _msg_id(in_reply_to):
        mail["In-Reply-To"] = _msg_id(in_reply_to)
    if references:
        mail["References"] = references
    mail.set_content(text.rstrip() + "\n", subtype="plain", charset="utf-8")
    return mail


class Encoded(str):
    """A header this module encodes itself, written out as it is. Python 3.11's folder drops
    the space between two encoded words where it splits a long Cyrillic subject
    ("специалистоморгана") and mangles a long non-ASCII display name (a comma in it makes
    two addresses); `email.header`'s encoder splits inside the encoded text instead.
    `str()` is the readable text."""

    name: str
    encoded: str

    def __new__(cls, name: str, text: str, encoded: str) -> Encoded:
        header = super().__new__(cls, text)
        header.name, header.encoded = name, encoded
        return header

    def fold(self, *, policy: Policy) -> str:
        return f"{self.name}: {policy.linesep.join(self.encoded.splitlines())}{policy.linesep}"


def encoded_text(name: str, text: str) -> Encoded:
    text = " ".join(text.split())
    charset = "us-ascii" if text.isascii() else "utf-8"
    return Encoded(name, text, Header(text, charset, header_name=name).encode())


def encoded_address(name: str, value: str) -> Encoded:
    """One address, `Name <a@b>` or `a@b`; a comma in an unquoted name is part of it."""
    framed = re.fullmatch(r"\s*(.*?)\s*<([^<>\s]+)>\s*", value)
    display, address = (framed.group(1).strip('"'), framed.group(2)) if framed \
        else parseaddr(value)
    display = " ".join(display.split())
    # A non-ASCII name is one encoded word, as `formataddr` writes it: split in several, a
    # phrase is read back with spaces where the split fell by some readers, glued by others.
    return Encoded(name, value, formataddr((display, address), charset="utf-8"))


def reply_subject(original: str) -> str:
    line = " ".join(original.split())[:MAX_SUBJECT]
    return line if line.lower().startswith("re:") else f"Re: {line}".rstrip()


def _msg_id(value: str) -> str:
    """A single `<id@host>` from a header value, or "" (never a line break into our headers)."""
    found = re.search(r"<[^<>\s]{1,250}@[^<>\s]{1,250}>", value or "")
    return found.group() if found else ""


def _attach(mail: EmailMessage, attachment: Attachment) -> None:
    maintype, _, subtype = attachment.mime.partition("/")
    if not maintype or not subtype:
        maintype, subtype = "application", "octet-stream"
    mail.add_attachment(attachment.content, maintype=maintype, subtype=subtype,
                        filename=attachment.filename)
