"""Legal documents issued on applications: rendered, hashed, kept and verifiable.

A paper is issued inside the transaction of the change it records (the submission, a staff
step), so the status, the paper and the messages that carry it to the citizen and to the
staff topic commit together. It is laid out before that transaction takes the database
(`storage/laid_out.py`). Its bytes are kept on disk by their SHA-256, like uploads.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from sqlalchemy import event, func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from flows.calendar import KZ_TZ
from flows.desk import Line
from flows.messages import Arg, Attachment, OutgoingMessage, Text
from flows.paper import (
    CONVERSATION_RECORD,
    Confirmation,
    Official,
    PaperCheck,
    PaperFacts,
)
from flows.ports import Filed
from storage.applications import owned_application, snapshot_of
from storage.clock import from_db, to_db
from storage.files import DiskFileStore
from storage.laid_out import REHEARSAL, Unlaid
from storage.models import Application, AuditEntry, InterviewSession, IssuedPaper, Person
from storage.officials import as_signed
from storage.outbox import CITIZEN, STAFF, enqueue
from storage.privacy import was_anonymised

# Lays a paper out as a PDF in a language: `papers.render`.
Press = Callable[[PaperFacts, str], bytes]
# The same, awaited: in the papers' own process (bot/paper_process.py) or `in_thread`.
LayOut = Callable[[PaperFacts, str], Awaitable[bytes]]
PDF = "application/pdf"
VERIFY_PATH = "/verify/"
VERIFIER = "public:verify"  # whoever opens a paper's verification page: never known
HASH_PREFIX = 16  # hex digits of a SHA-256 the audit keeps: enough to tell, not to read


def audit_facts(paper: IssuedPaper) -> dict[str, Any]:
    """Which paper a reader saw, for the audit log: its kind, version, registry number and
    the start of its SHA-256; never its content."""
    return {"kind": paper.kind, "part": paper.part, "version": paper.version,
            "registry": paper.registry_number, "sha256": paper.sha256[:HASH_PREFIX]}


def file_name(number: str, kind: str, part: int = 0) -> str:
    """`ВП-2026-00042-permission-appendix-4.pdf`; a second child's record ends `-2.pdf`."""
    return f"{number}-{kind}.pdf" if part == 0 else f"{number}-{kind}-{part + 1}.pdf"


class PaperRegistry:
    def __init__(self, press: LayOut, files: DiskFileStore, base_url: str,
                 default_language: str = "kk", *,
                 on_issue: Callable[[str], None] | None = None) -> None:
        self.press = press
        self.files = files
        self.base_url = base_url.rstrip("/")
        self.default_language = default_language
        self.on_issue = on_issue  # told a paper's kind once its transaction commits (metrics)

    async def issue(self, session: AsyncSession, application: Application, kind: str,
                    at: datetime, official: Official | None = None,
                    confirmation: Confirmation | None = None, part: int = 0) -> IssuedPaper:
        """Render and file the paper, replace its earlier version (of the same part: each
        child's record stands alone), and queue it for the citizen and the staff topic,
        all in the caller's transaction."""
        same = (IssuedPaper.application_id == application.id, IssuedPaper.kind == kind,
                IssuedPaper.part == part)
        replaced = ""  # the registry number of the version this one replaces
        for paper in (await session.scalars(select(IssuedPaper).where(
                *same, IssuedPaper.replaced_at.is_(None)))).all():
            paper.replaced_at = to_db(at)
            replaced = paper.registry_number
        version = 1 + (await session.scalar(
            select(func.count()).select_from(IssuedPaper).where(*same)) or 0)
        count = await session.scalar(select(func.count()).select_from(IssuedPaper).where(
            IssuedPaper.application_id == application.id)) or 0
        transcript, present = await _conversation(session, application.id, kind, part)
        person = await session.get(Person, application.person_id)
        language = (person.language if person else None) or self.default_language
        entered = True
        if official is not None:
            official, entered = await as_signed(session, official, language)
        rehearsal = REHEARSAL.get()  # storage/laid_out.py: laid out before the change
        code = rehearsal.code(_new_code) if rehearsal is not None else _new_code()
        facts = PaperFacts(
            kind=kind, registry_number=f"{application.number}/{count + 1}", version=version,
            issued_on=at.astimezone(KZ_TZ).date(), verify_url=self.base_url + VERIFY_PATH + code,
            application=snapshot_of(application), official=official,
            confirmation=confirmation, transcript=transcript,
            representative_present=present,
            child=part if kind == CONVERSATION_RECORD else None)
        if rehearsal is None:
            data = await self.lay_out(facts, language)
        elif (laid := rehearsal.bytes_for(facts, language)) is not None:
            data = laid
        else:
            raise Unlaid(facts, language)
        stored = await self.files.save(data, PDF)
        paper = IssuedPaper(application_id=application.id, kind=kind, part=part, version=version,
                            registry_number=facts.registry_number, code=code,
                            sha256=stored.sha256, size=stored.size, language=language,
                            issued_at=to_db(at), issued_by=official.name if official else "")
        session.add(paper)
        await session.flush()
        if self.on_issue is not None:
            count_it = self.on_issue
            event.listen(session.sync_session, "after_commit", lambda _: count_it(kind),
                         once=True)
        document = {"sha256": stored.sha256, "mime": PDF,
                    "name": file_name(application.number, kind, part)}
        about: dict[str, Arg] = {"number": application.number, "paper": Text(f"issued-kind-{kind}"),
                 "registry": facts.registry_number}
        # A new version says which one it replaces: two papers of one kind are not two permits.
        words = Text("issued-citizen-replaces", {**about, "replaced": replaced}) if replaced \
            else Text("issued-citizen", about)
        enqueue(session, key=f"paper:{paper.id}:citizen", audience=CITIZEN,
                person_id=application.person_id, application_id=application.id,
                message=OutgoingMessage((words,)), document=document)
        # Signed with a messenger name: staff are told where to enter the name and position.
        unsigned = () if entered else (Text("issued-staff-unsigned"),)
        enqueue(session, key=f"paper:{paper.id}:staff", audience=STAFF,
                person_id=application.person_id, application_id=application.id,
                message=OutgoingMessage((Text("issued-staff", about), *unsigned)),
                document=document)
        return paper

    async def lay_out(self, facts: PaperFacts, language: str) -> bytes:
        return await self.press(facts, language)


def in_thread(press: Press) -> LayOut:
    """`press` run in a thread of this process."""
    async def lay_out(facts: PaperFacts, language: str) -> bytes:
        return await asyncio.to_thread(press, facts, language)

    return lay_out


def _new_code() -> str:
    return secrets.token_urlsafe(16)  # 128 random bits


async def _conversation(session: AsyncSession, application_id: int, kind: str,
                        part: int) -> tuple[tuple[Line, ...], bool | None]:
    """A conversation record's lines and whether a parent or representative was present:
    the child's last closed conversation (read again when the record is issued again)."""
    if kind != CONVERSATION_RECORD:
        return (), None
    row = await session.scalar(
        select(InterviewSession).where(InterviewSession.application_id == application_id,
                                       InterviewSession.child_position == part,
                                       InterviewSession.status == "closed")
        .order_by(InterviewSession.id.desc()).limit(1))
    if row is None:
        return (), None
    lines = tuple(Line.from_json(item)
                  for item in row.transcript.get("lines", []))
    return lines, row.representative_present


class PaperDesk:
    """The papers as the citizen's menu and the verification page read them."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession],
                 files: DiskFileStore) -> None:
        self.sessions = sessions
        self.files = files

    async def check(self, code: str) -> PaperCheck | None:
        async with self.sessions() as session:
            row = (await session.execute(
                select(IssuedPaper, Application).join(Application)
                .where(IssuedPaper.code == code))).first()
        if row is None:
            return None
        paper, application = row
        answers = application.answers
        current = None if paper.replaced_at is None else await self._current(paper)
        initials = " ".join(f"{name[0]}." for name in (answers.get("surname"),
                                                        answers.get("first_name")) if name)
        return PaperCheck(paper.kind, paper.registry_number,
                          from_db(paper.issued_at).astimezone(KZ_TZ).date(),
                          str(answers.get("body") or ""), initials, paper.sha256,
                          paper.replaced_at is not None,
                          None if paper.replaced_at is None
                          else from_db(paper.replaced_at).astimezone(KZ_TZ).date(),
                          current or "")

    async def _current(self, paper: IssuedPaper) -> str | None:
        """The registry number of the version valid now of a replaced paper."""
        async with self.sessions() as session:
            return await session.scalar(select(IssuedPaper.registry_number).where(
                IssuedPaper.application_id == paper.application_id,
                IssuedPaper.kind == paper.kind, IssuedPaper.part == paper.part,
                IssuedPaper.replaced_at.is_(None)))

    async def record_check(self, code_digest: str, result: str, registry_number: str) -> None:
        """One check on the verification page, in the audit log: the digest of the code
        (never the code), what it found, and which paper when it found one."""
        async with self.sessions.begin() as session:
            session.add(AuditEntry(actor=VERIFIER, action="read.verify",
                                   subject=registry_number,
                                   details={"code_sha256": code_digest, "result": result}))

    async def filed(self, channel: str, user_id: str, ref: str) -> Filed | None:
        """The owner's application and its valid papers, oldest first; None when the
        application is not theirs."""
        async with self.sessions() as session:
            application = await owned_application(session, channel, user_id, ref)
            if application is None:
                return None
            if await was_anonymised(session, application):  # its files went with it
                return Filed(application.number, application.service, {}, (), erased=True)
            rows = (await session.scalars(
                select(IssuedPaper).where(IssuedPaper.application_id == application.id,
                                          IssuedPaper.replaced_at.is_(None))
                .order_by(IssuedPaper.id))).all()
        papers = []
        for paper in rows:
            data = await self.files.read(paper.sha256)
            papers.append(Attachment(file_name(application.number, paper.kind, paper.part),
                                     data, PDF))
        return Filed(application.number, application.service, dict(application.answers),
                     tuple(papers))
