"""The staff web console's storage (issue 17): one-time sign-in links, sessions, and what the
pages read of the applications.

A link's token and a session's id are random and handed to the staff member only; the
database keeps their SHA-256, so a copy of it opens no console. A link is used once, within
its ten minutes; a session ends after its idle time. The list and the application page read
the same snapshot the Telegram card is drawn from (`staff_snapshot`), and the dates come
from `flows.procedure.next_date`, never recomputed here.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import LargeBinary, select, type_coerce, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from flows.calendar import KZ_TZ
from flows.filetypes import proper_name
from flows.messages import Text
from flows.procedure import OPEN, Snapshot, next_date
from flows.services import SERVICES
from flows.wire import message_from_json
from storage.applications import staff_snapshot
from storage.clock import from_db, to_db
from storage.files import DiskFileStore
from storage.keys import Keyring
from storage.models import (
    Application,
    ApplicationNote,
    AuditEntry,
    CitizenWord,
    ConsoleLink,
    ConsoleSession,
    Document,
    InterviewBooking,
    IssuedPaper,
    OutboxMessage,
    Person,
    StatusChange,
)
from storage.outbox import CITIZEN
from storage.privacy import was_anonymised
from storage.sealed import SealedJSON, SealedText, keyring_of

LINK_LIFETIME = timedelta(minutes=10)
IDLE_TIMEOUT = timedelta(minutes=30)
HEAD, OFFICER, VIEWER = "head", "officer", "viewer"
AUDIT_SHOWN = 200  # the newest audit rows of an application on its page
CHAT_SHOWN = 200
FILE_WORD = "file"  # a citizen's file relayed to the topic (CitizenWord.kind)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


# ---------------------------------------------------------------------- what the pages read
@dataclass(frozen=True)
class StaffSession:
    key: str  # the cookie's value (only the browser and this object ever hold it)
    user_id: int
    name: str
    role: str
    language: str
    csrf: str
    ends_at: datetime  # with nothing done until then


@dataclass(frozen=True)
class Row:
    id: int
    number: str
    service: str
    body: str
    initials: str
    status: str
    registered_on: date
    next_date: date | None


@dataclass(frozen=True)
class Listing:
    rows: tuple[Row, ...]
    total: int


@dataclass(frozen=True)
class FileEntry:
    id: int
    kind: str
    mime: str
    size: int
    erased: bool  # its file erased by retention (the row stays): nothing to download


@dataclass(frozen=True)
class PaperEntry:
    id: int
    kind: str
    registry_number: str
    code: str
    version: int
    issued_at: datetime
    replaced: bool
    erased: bool  # its file erased by retention (the row and its registry entry stay)


@dataclass(frozen=True)
class HistoryEntry:
    status: str
    at: datetime
    actor: str


@dataclass(frozen=True)
class AuditLine:
    at: datetime
    actor: str
    action: str
    details: str


@dataclass(frozen=True)
class ChatEntry:
    at: datetime
    incoming: bool  # the citizen's words; else what was sent to the citizen
    parts: tuple[Text, ...]
    status: str  # the outbox's: pending, sent, failed... ("" for the citizen's words)


@dataclass(frozen=True)
class Dossier:
    snapshot: Snapshot
    person_id: int
    channel: str
    documents: tuple[FileEntry, ...]
    papers: tuple[PaperEntry, ...]
    history: tuple[HistoryEntry, ...]
    audit: tuple[AuditLine, ...]
    chat: tuple[ChatEntry, ...]
    anonymised: bool  # retention erased its personal data: its answers no longer make a card


@dataclass(frozen=True)
class InterviewToday:
    """A conversation with a child booked for the day."""

    application_id: int
    number: str
    starts_at: datetime
    child: int  # the child's place in the application


@dataclass(frozen=True)
class StoredBytes:
    data: bytes
    mime: str
    name: str


# The columns of a list row: plain ones, and the sealed ones as their ciphertext, opened
# only when they changed since the list last read them (`SqlConsole._opened`).
LISTED = (Application.id, Application.number, Application.service, Application.body_code,
          Application.status, Application.registered_on, Application.check_due,
          Application.decision_due,
          type_coerce(Application.answers, LargeBinary).label("answers"),
          type_coerce(Application.decision, LargeBinary).label("decision"),
          type_coerce(Application.applicant_surname, LargeBinary).label("surname"),
          type_coerce(Application.applicant_first_name, LargeBinary).label("first_name"))
MAX_OPENED = 100_000  # rows kept opened in memory; past it the memory starts afresh
_TEXT, _JSON = SealedText(), SealedJSON()


@dataclass
class _Opened:
    """A list row's sealed values, opened, and its next date by day."""

    sealed: tuple[Any, ...]
    snapshot: Snapshot
    surname: str  # casefolded, for the search
    initials: str
    dates: dict[date, date | None] = field(default_factory=dict)

    def next_date(self, today: date) -> date | None:
        if today not in self.dates:
            self.dates.clear()
            self.dates[today] = next_date(self.snapshot, today)
        return self.dates[today]


def _initials(surname: str | None, first_name: str | None) -> str:
    return " ".join(f"{name[0]}." for name in (surname, first_name) if name)


def _said(word: CitizenWord) -> tuple[Text, ...]:
    """A citizen's message to staff as the chat shows it: a file is a line that sends the
    reader to the topic (the file is there, not here), then its caption, if any."""
    said = (Text("console-chat-note", {"text": word.text}),) if word.text else ()
    return (Text("console-chat-file"), *said) if word.kind == FILE_WORD else said


def _sent(payload: dict[str, Any]) -> tuple[Text, ...]:
    """A message sent to the citizen as the chat shows it. Retention empties the messages of
    an anonymised application (payload {}), and the chat reads all of the person's messages:
    such a one stays in its place, its words replaced by a line saying they were erased."""
    if "parts" not in payload:
        return (Text("console-chat-erased"),)
    return message_from_json(payload).parts


class SqlConsole:
    """Sign-in and sessions (`ConsoleAuth`) and the pages' data (`ConsoleData`)."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], files: DiskFileStore,
                 *, idle: timedelta = IDLE_TIMEOUT, link_lifetime: timedelta = LINK_LIFETIME,
                 ) -> None:
        self.sessions, self.files = sessions, files
        self.idle, self.link_lifetime = idle, link_lifetime
        self._open: dict[int, _Opened] = {}

    # ------------------------------------------------------------------ sign-in
    async def issue_link(self, user_id: int, name: str, role: str, now: datetime) -> str:
        """A new one-time token for this staff member; only its digest is stored."""
        token = secrets.token_urlsafe(32)
        async with self.sessions.begin() as session:
            session.add(ConsoleLink(token_sha256=digest(token), user_id=user_id, name=name,
                                    role=role, expires_at=to_db(now + self.link_lifetime)))
            session.add(AuditEntry(actor=f"staff:{user_id}", action="console.link",
                                   subject="", details={"role": role}))
        return token

    async def redeem(self, token: str, language: str, now: datetime) -> StaffSession | None:
        """The link's session, once: a used, expired or unknown token opens nothing."""
        async with self.sessions.begin() as session:
            used = await session.execute(
                update(ConsoleLink)
                .where(ConsoleLink.token_sha256 == digest(token),
                       ConsoleLink.used_at.is_(None),
                       ConsoleLink.expires_at > to_db(now))
                .values(used_at=to_db(now))
                .returning(ConsoleLink.id))
            link_id = used.scalar_one_or_none()
            if link_id is None:
                return None
            link = await session.get(ConsoleLink, link_id)
            assert link is not None
            key, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
            session.add(ConsoleSession(key_sha256=digest(key), user_id=link.user_id,
                                       name=link.name, role=link.role, language=language,
                                       csrf=csrf, last_seen_at=to_db(now)))
            session.add(AuditEntry(actor=f"staff:{link.user_id}", action="console.signin",
                                   subject="", details={"role": link.role}))
            return StaffSession(key, link.user_id, link.name, link.role, language, csrf,
                                now + self.idle)

    async def session(self, key: str, now: datetime, *,
                      touch: bool = True) -> StaffSession | None:
        """The signed-in staff member, their idle time restarted unless `touch` is False (a
        page's own refresh is not the person at work); None once it has run out."""
        async with self.sessions.begin() as session:
            row = await session.scalar(select(ConsoleSession).where(
                ConsoleSession.key_sha256 == digest(key), ConsoleSession.ended_at.is_(None)))
            if row is None:
                return None
            if from_db(row.last_seen_at) + self.idle <= now:
                row.ended_at = to_db(now)
                return None
            if touch:
                row.last_seen_at = to_db(now)
            return StaffSession(key, row.user_id, row.name, row.role, row.language, row.csrf,
                                from_db(row.last_seen_at) + self.idle)

    async def set_language(self, key: str, language: str) -> None:
        async with self.sessions.begin() as session:
            await session.execute(update(ConsoleSession)
                                  .where(ConsoleSession.key_sha256 == digest(key))
                                  .values(language=language))

    async def end(self, key: str, now: datetime) -> None:
        async with self.sessions.begin() as session:
            await session.execute(update(ConsoleSession)
                                  .where(ConsoleSession.key_sha256 == digest(key))
                                  .values(ended_at=to_db(now)))

    # ------------------------------------------------------------------ the list
    async def listing(self, today: date, *, service: str = "", status: str = "",
                      body: str = "", due: str = "", search: str = "", offset: int = 0,
                      limit: int = 50, complaints: bool = True) -> Listing:
        """The open applications that pass the filters, the most urgent next date first.

        `due`: "today", "overdue" or "due" (either). `search`: part of the number, or the
        start of the applicant's surname; the surname is sealed (no blind index), so it is
        compared here, on the open applications the list opens anyway for their dates.
        """
        query = select(*LISTED).where(Application.status.in_(OPEN))
        if service:
            query = query.where(Application.service == service)
        if status:
            query = query.where(Application.status == status)
        if body:
            query = query.where(Application.body_code == body)
        if not complaints:
            hidden = [code for code, s in SERVICES.items() if s.complains_about_application]
            query = query.where(Application.service.not_in(hidden))
        needle = search.strip()
        async with self.sessions() as session:
            found = (await session.execute(query.order_by(Application.id))).all()
            keyring = keyring_of(session.get_bind().dialect)
        rows = []
        for line in found:
            opened = self._opened(line, keyring)
            if needle and not (needle.upper() in line.number.upper()
                               or opened.surname.startswith(needle.casefold())):
                continue
            day = opened.next_date(today)
            if due == "today" and day != today:
                continue
            if due == "overdue" and (day is None or day >= today):
                continue
            if due == "due" and (day is None or day > today):
                continue
            rows.append(Row(line.id, line.number, line.service, line.body_code,
                            opened.initials, line.status, line.registered_on, day))
        rows.sort(key=lambda row: (row.next_date or date.max, row.id))
        return Listing(tuple(rows[offset:offset + limit]), len(rows))

    async def open_snapshots(self, today: date) -> list[tuple[Snapshot, date | None]]:
        """Every open application with its next date, as the list keeps them (the day's
        page reads them all: opening each again would cost a second with thousands)."""
        async with self.sessions() as session:
            found = (await session.execute(select(*LISTED).where(
                Application.status.in_(OPEN)).order_by(Application.id))).all()
            keyring = keyring_of(session.get_bind().dialect)
        return [(opened.snapshot, opened.next_date(today))
                for opened in (self._opened(line, keyring) for line in found)]

    def _opened(self, line: Any, keyring: Keyring) -> _Opened:
        """A row's sealed values, opened once: kept while its ciphertexts stay the same (any
        change to them, a step's decision, anonymisation or a new key, writes new ones)."""
        sealed = (line.status, line.answers, line.decision, line.surname, line.first_name)
        known = self._open.get(line.id)
        if known is not None and known.sealed == sealed:
            return known
        if len(self._open) > MAX_OPENED:
            self._open.clear()
        surname = _TEXT.unseal(line.surname, keyring)
        opened = _Opened(sealed, Snapshot(
            id=line.id, number=line.number, service=line.service, status=line.status,
            answers=_JSON.unseal(line.answers, keyring), registered_on=line.registered_on,
            check_due=line.check_due, decision_due=line.decision_due,
            decision=_JSON.unseal(line.decision, keyring)),
            surname.casefold(), _initials(surname, _TEXT.unseal(line.first_name, keyring)))
        self._open[line.id] = opened
        return opened

    # ------------------------------------------------------------------ one application
    async def dossier(self, application_id: int, *, complaints: bool = True) -> Dossier | None:
        async with self.sessions() as session:
            application = await session.get(Application, application_id)
            if application is None or (not complaints and SERVICES[
                    application.service].complains_about_application):
                return None
            snapshot = await staff_snapshot(session, application)
            documents = (await session.scalars(select(Document).where(
                Document.application_id == application_id).order_by(Document.id))).all()
            papers = (await session.scalars(select(IssuedPaper).where(
                IssuedPaper.application_id == application_id).order_by(IssuedPaper.id))).all()
            history = (await session.scalars(select(StatusChange).where(
                StatusChange.application_id == application_id).order_by(StatusChange.id))).all()
            audit = (await session.scalars(select(AuditEntry).where(
                AuditEntry.subject == application.number)
                .order_by(AuditEntry.id.desc()).limit(AUDIT_SHOWN))).all()
            person = await session.get(Person, application.person_id)
            chat = await self._chat(session, application)
            anonymised = await was_anonymised(session, application)
        return Dossier(
            snapshot, application.person_id, person.channel if person else "",
            tuple(FileEntry(d.id, d.kind, d.mime, d.size, not d.sha256) for d in documents),
            tuple(PaperEntry(p.id, p.kind, p.registry_number, p.code, p.version,
                             from_db(p.issued_at), p.replaced_at is not None, anonymised)
                  for p in papers),
            tuple(HistoryEntry(h.status, from_db(h.at), h.actor) for h in history),
            tuple(AuditLine(from_db(a.at), a.actor, a.action,
                            ", ".join(f"{k}={v}" for k, v in sorted(a.details.items())))
                  for a in audit),
            chat, anonymised)

    async def _chat(self, session: AsyncSession,
                    application: Application) -> tuple[ChatEntry, ...]:
        """What the citizen was sent (the outbox keeps every message, also staff's
        replies), and what they wrote: their notes on the application (an objection) and
        their messages to staff as relayed into the topic (a file as a line that points
        there), merged by time."""
        sent = (await session.scalars(select(OutboxMessage).where(
            OutboxMessage.person_id == application.person_id,
            OutboxMessage.audience == CITIZEN)
            .order_by(OutboxMessage.id.desc()).limit(CHAT_SHOWN))).all()
        notes = (await session.scalars(select(ApplicationNote).where(
            ApplicationNote.application_id == application.id)
            .order_by(ApplicationNote.id))).all()
        words = (await session.scalars(select(CitizenWord).where(
            CitizenWord.person_id == application.person_id)
            .order_by(CitizenWord.id.desc()).limit(CHAT_SHOWN))).all()
        entries = [ChatEntry(from_db(row.created_at), False, _sent(row.payload), row.status)
                   for row in sent]
        entries += [ChatEntry(from_db(note.at), not note.actor.startswith("staff:"),
                              (Text("console-chat-note", {"text": note.text}),), "")
                    for note in notes if note.text]
        entries += [ChatEntry(from_db(word.at), True, said, "") for word in words
                    if (said := _said(word))]
        entries.sort(key=lambda entry: entry.at)
        return tuple(entries[-CHAT_SHOWN:])

    async def document(self, application_id: int, document_id: int) -> StoredBytes | None:
        """A file of this application (never of another one)."""
        async with self.sessions() as session:
            row = await session.scalar(select(Document).where(
                Document.id == document_id, Document.application_id == application_id))
            number = await session.scalar(select(Application.number).where(
                Application.id == application_id))
        if row is None or number is None or not row.sha256:  # "": erased by retention
            return None
        # named as the bot's senders name files, so the computer knows how to open it
        return StoredBytes(await self.files.read(row.sha256), row.mime,
                           proper_name(f"{number}-{row.kind}-{row.id}", row.mime))

    async def paper(self, application_id: int, paper_id: int) -> StoredBytes | None:
        async with self.sessions() as session:
            row = await session.scalar(select(IssuedPaper).where(
                IssuedPaper.id == paper_id, IssuedPaper.application_id == application_id))
            application = await session.get(Application, application_id)
            # Its file went with the case (its SHA-256 stays, for the verification page).
            if row is None or application is None or await was_anonymised(session,
                                                                           application):
                return None
        return StoredBytes(await self.files.read(row.sha256), "application/pdf",
                           f"{row.registry_number}.pdf")

    async def interviews_on(self, day: date) -> tuple[InterviewToday, ...]:
        """The conversations with children booked for this day (Astana time), earliest first."""
        start = datetime.combine(day, time(0), KZ_TZ)
        async with self.sessions() as session:
            found = (await session.execute(
                select(InterviewBooking.application_id, Application.number,
                       InterviewBooking.starts_at, InterviewBooking.child_position)
                .join(Application, Application.id == InterviewBooking.application_id)
                .where(InterviewBooking.status == "booked",
                       InterviewBooking.starts_at >= to_db(start),
                       InterviewBooking.starts_at < to_db(start + timedelta(days=1)))
                .order_by(InterviewBooking.starts_at))).all()
        return tuple(InterviewToday(ref, number, from_db(at), child)
                     for ref, number, at, child in found)

    async def audit(self, actor: str, action: str, subject: str,
                    details: dict[str, Any]) -> None:
        async with self.sessions.begin() as session:
            session.add(AuditEntry(actor=actor, action=action, subject=subject,
                                   details=details))
