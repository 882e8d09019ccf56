"""Real local mail servers for the e-mail transport: an aiosmtpd server on 127.0.0.1 that
plays the body's outgoing SMTP server (it keeps what it is given, and refuses what a test
scripts), and a helper that writes mails the way a child's mail client would."""

from __future__ import annotations

import asyncio
import shutil
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

import pytest
from aiosmtpd.smtp import SMTP, Envelope, Session
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from flows.calendar import KZ_TZ
from handlers.email.compose import ReplyAddress
from handlers.email.sender import SmtpConfig
from handlers.l10n import Localizer
from storage.db import create_engine, sessions
from tests.clock import MovableClock
from tests.sealing import KEYRING

# Monday 23 November 2026, 10:00 in Astana.
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=KZ_TZ)
REPLY_TO = ReplyAddress("interview", "body.kz")
SMTP_FROM = "Қорғаншылық органы <noreply@body.kz>"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    data: bytes

    @property
    def mail(self) -> EmailMessage:
        parsed = message_from_bytes(self.data, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        return parsed


@dataclass
class MailServer:
    """What reached the server; `refuse` maps an address to the RCPT answer it gets, and
    `refuse_data` is the answer to every DATA when set."""

    port: int = 0
    received: list[Received] = field(default_factory=list)
    refuse: dict[str, str] = field(default_factory=dict)
    refuse_data: str | None = None
    arrived: asyncio.Event = field(default_factory=asyncio.Event)

    async def handle_RCPT(self, server: SMTP, session: Session, envelope: Envelope,
                          address: str, rcpt_options: list[str]) -> str:
        if address.lower() in self.refuse:
            return self.refuse[address.lower()]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        if self.refuse_data is not None:
            return self.refuse_data
        self.received.append(Received(envelope.mail_from or "", list(envelope.rcpt_tos),
                                      envelope.original_content or b""))
        self.arrived.set()
        return "250 2.0.0 queued"

    @property
    def config(self) -> SmtpConfig:
        return SmtpConfig(host="127.0.0.1", port=self.port, starttls=False, timeout=5)

    async def next_mail(self, count: int = 1) -> list[Received]:
        async with asyncio.timeout(5):
            while len(self.received) < count:
                self.arrived.clear()
                await self.arrived.wait()
        return self.received


@pytest.fixture
async def smtp_server() -> AsyncIterator[MailServer]:
    """The body's outgoing mail server, as the bot's sender sees it."""
    keeper = MailServer()
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: SMTP(keeper, hostname="smtp.body.kz", loop=loop), "127.0.0.1", 0)
    keeper.port = int(server.sockets[0].getsockname()[1])
    yield keeper
    server.close()
    await server.wait_closed()


@pytest.fixture
def localizer() -> Localizer:
    return Localizer()


@pytest.fixture
def clock() -> MovableClock:
    return MovableClock(NOW)


def child_mail(
    text: str,
    *,
    sender: str = "Aigerim <Aigerim.K@example.de>",
    to: str = "interview+K7Q2M9@body.kz",
    subject: str = "Re: Беседа со специалистом органа опеки и попечительства",
    charset: str = "utf-8",
    html: str | None = None,
    headers: dict[str, str] | None = None,
    message_id: str | None = None,
) -> EmailMessage:
    """A mail as a child's client writes it: text/plain in `charset` (and/or an HTML part),
    with a Message-ID of its own, as every client gives each mail."""
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = to
    mail["Subject"] = subject
    mail["Message-ID"] = message_id or make_msgid(domain="example.de")
    for name, value in (headers or {}).items():
        mail[name] = value
    if text:
        mail.set_content(text, charset=charset)
    if html is not None:
        if text:
            mail.add_alternative(html, subtype="html")
        else:
            mail.set_content(html, subtype="html")
    return mail


@pytest.fixture
async def maker(tmp_path: Path, schema: Path,
                clock: MovableClock) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """A migrated SQLite database of the test's own (a copy of the session's `schema`)."""
    shutil.copy(schema, tmp_path / "bot.db")
    engine: AsyncEngine = create_engine(f"sqlite+aiosqlite:///{tmp_path}/bot.db", clock,
                                        KEYRING)
    yield sessions(engine)
    await engine.dispose()
