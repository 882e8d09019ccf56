"""The person's own data (issue 13): everything stored about them as one JSON tree
(`/mydata`), and the erasure of what may be erased now (`/forget`).

The erasure is shared with the retention job (storage/retention.py): a draft is dropped
with its uploads; a closed application is anonymised (`anonymise`): its number, service,
body, dates, statuses and audit facts stay for statistics, every personal value and every
file of it goes. A file is deleted only when no other row still refers to it: files are
named by their SHA-256, so the same bytes may belong to several applications.

The messages about an erased application go with it: one still queued is cancelled (it is
never sent) and every one's payload (its words: names, IINs, decisions) is emptied; one in
the middle of its send is emptied once that send is over (storage/erased_messages.py).
`/forget` does the same for the person's messages about no application, deletes their own
messages to staff (`CitizenWord`, kept for the console's chat), and drops the replies the
update log still owes them.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import delete, func, null, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from flows.ports import Forgotten
from flows.privacy import file_hashes, kept_answers
from flows.services import SERVICES
from storage.clock import to_db
from storage.conversations import person_for
from storage.enquiries import PREFIX as ENQUIRY
from storage.erased_messages import (
    ANONYMISED,
    ERASER,
    QUEUED,
    erase_messages,
    hold_messages,
    settle_messages,
)
from storage.models import (
    Application,
    ApplicationChild,
    ApplicationNote,
    AuditEntry,
    CitizenWord,
    Consent,
    Conversation,
    Document,
    InterviewBooking,
    InterviewInvite,
    InterviewSession,
    IssuedPaper,
    OutboxMessage,
    Person,
    ProcessedUpdate,
    ServiceInterest,
    StaffThread,
    StatusChange,
)
from storage.updates import DONE, HANDLED

# Free text staff typed into a decision (reasons, comments, measures): personal, erased.
DECISION_TEXT = ("reasons", "comment", "measures", "text")
# ...and within a step's own record: the hearing's explanation (its day, time and the body's
# room stay, facts of the procedure).
NESTED_TEXT = {"hearing": ("details",)}
CHILD = "child"  # the role of the child's own lines in a conversation's transcript


def without_typed_words(decision: dict[str, Any]) -> dict[str, Any]:
    """A decision (or a step's details) without what staff typed into it."""
    return {key: {k: v for k, v in value.items() if k not in NESTED_TEXT[key]}
            if key in NESTED_TEXT and isinstance(value, dict) else value
            for key, value in decision.items() if key not in DECISION_TEXT}


def is_closed(application: Application) -> bool:
    """No step of its procedure can be taken any more (the service's own table says so)."""
    return not SERVICES[application.service].actions_from(application.status)


async def last_change(session: AsyncSession, application: Application) -> datetime:
    """When its status last changed (naive UTC, as stored)."""
    at = await session.scalar(select(func.max(StatusChange.at)).where(
        StatusChange.application_id == application.id))
    return at or application.submitted_at


def not_anonymised() -> Any:
    """A condition on `Application`: its personal data are still there."""
    return Application.number.not_in(select(AuditEntry.subject).where(
        AuditEntry.action == ANONYMISED))


async def was_anonymised(session: AsyncSession, application: Application) -> bool:
    return await session.scalar(select(AuditEntry.id).where(
        AuditEntry.action == ANONYMISED, AuditEntry.subject == application.number)) is not None


async def anonymise(session: AsyncSession, application: Application,
                    now: datetime) -> set[str]:
    """Erase the application's personal values in the caller's transaction; returns the
    files it referred to (delete those left unreferenced after the commit: `sweep`)."""
    files: set[str] = set()
    documents = (await session.scalars(select(Document).where(
        Document.application_id == application.id))).all()
    for document in documents:
        files.add(document.sha256)
        document.sha256 = ""
        document.original_name = ""
    papers = (await session.scalars(select(IssuedPaper).where(
        IssuedPaper.application_id == application.id))).all()
    for paper in papers:  # its SHA-256 stays: the verification page gives it (a fingerprint)
        files.add(paper.sha256)
        paper.issued_by = ""
    notes = (await session.scalars(select(ApplicationNote).where(
        ApplicationNote.application_id == application.id))).all()
    for note in notes:
        if note.document_sha256:
            files.add(note.document_sha256)
        note.text = ""
        note.document_sha256 = None
    files |= file_hashes(application.answers)
    await session.execute(update(InterviewSession).where(
        InterviewSession.application_id == application.id).values(transcript={}))
    await session.execute(update(StatusChange).where(
        StatusChange.application_id == application.id).values(note=""))
    await session.execute(update(Consent).where(
        Consent.application_id == application.id).values(text=""))
    await erase_messages(session, OutboxMessage.application_id == application.id)
    children = (await session.scalars(select(ApplicationChild).where(
        ApplicationChild.application_id == application.id))).all()
    for child in children:
        await session.delete(child)
    application.applicant_surname = ""
    application.applicant_first_name = ""
    application.applicant_patronymic = None
    application.applicant_iin = ""
    application.applicant_address = ""
    application.applicant_phone = ""
    application.answers = kept_answers(SERVICES[application.service].form,
                                       application.answers)
    application.decision = without_typed_words(application.decision)
    # Each step's audit entry keeps who took it and when; its words go with the decision's.
    for entry in (await session.scalars(select(AuditEntry).where(
            AuditEntry.subject == application.number))).all():
        if entry.details and (kept := without_typed_words(entry.details)) != entry.details:
            entry.details = kept
    session.add(AuditEntry(actor=ERASER, action=ANONYMISED, subject=application.number,
                           at=to_db(now), details={}))
    files.discard("")
    return files


async def drop_draft(session: AsyncSession, conversation: Conversation) -> set[str]:
    """Forget the flow in progress (the language stays, so the bot still speaks it);
    returns the files the draft had uploaded."""
    files = file_hashes(conversation.state.get("answers", {}))
    seq = int(conversation.state.get("seq", 0))
    conversation.flow = None
    conversation.state = {"seq": seq + 1}  # the draft's buttons read as stale
    return files


async def still_referenced(session: AsyncSession, files: Iterable[str]) -> set[str]:
    """Those of the files another row still refers to: an application's document, an issued
    paper of a case not anonymised, a note, a queued message, an application's answers or
    another draft."""
    wanted = set(files)
    if not wanted:
        return set()
    used: set[str] = set()
    for column in (Document.sha256, ApplicationNote.document_sha256):
        used |= {sha for sha in await session.scalars(select(column).where(
            column.in_(wanted))) if sha}
    used |= set(await session.scalars(select(IssuedPaper.sha256).join(Application).where(
        IssuedPaper.sha256.in_(wanted), not_anonymised())))  # an erased case's paper: no file
    for answers in await session.scalars(select(Application.answers)):
        used |= file_hashes(answers) & wanted
    for state in await session.scalars(select(Conversation.state).where(
            Conversation.flow.is_not(None))):
        used |= file_hashes(state.get("answers", {})) & wanted
    for payload in await session.scalars(select(OutboxMessage.payload).where(
            OutboxMessage.status.in_(QUEUED))):
        used |= {sha for sha in wanted if sha in str(payload)}
    return used


HELD = "files.held"  # files an erasure could not delete yet: a queued message still carries


async def settle_files(session: AsyncSession, files: set[str]) -> set[str]:
    """Of these files and those held back before, the ones no row refers to any more (to
    delete after the commit); the rest are held back for a later run, by their hash only."""
    held = (await session.scalars(select(AuditEntry).where(AuditEntry.action == HELD))).all()
    for row in held:
        files |= set(row.details.get("sha256", []))
        await session.delete(row)
    await session.flush()
    busy = await still_referenced(session, files)
    if busy:
        session.add(AuditEntry(actor=ERASER, action=HELD, subject="",
                               details={"sha256": sorted(busy)}))
    return files - busy


async def forget_words(session: AsyncSession, which: Any) -> int:
    """Delete these of the citizens' messages to staff (`CitizenWord`): the person's own at
    `/forget`, those past the retention term in the daily run. How many went."""
    result = await session.execute(delete(CitizenWord).where(which))
    return int(getattr(result, "rowcount", 0) or 0)


async def drop_owed_replies(session: AsyncSession, channel: str, user_id: str) -> None:
    """The update log's replies still owed to the person (a restart would send them) and the
    updates they answer: dropped, as when a reply has gone out (storage/updates.py)."""
    owed = (await session.execute(select(ProcessedUpdate.key, ProcessedUpdate.chat).where(
        ProcessedUpdate.channel == channel, ProcessedUpdate.status == HANDLED))).all()
    keys = [key for key, chat in owed if chat == user_id]  # compared here: chat may be sealed
    if keys:
        await session.execute(update(ProcessedUpdate).where(
            ProcessedUpdate.channel == channel, ProcessedUpdate.key.in_(keys)).values(
            status=DONE, payload=null(), reply=null()))


class FileEraser(Protocol):
    """The file store (storage/files.py): a file is known by its content's SHA-256."""

    async def delete(self, sha256: str) -> None: ...


async def sweep(files: FileEraser, hashes: Iterable[str]) -> None:
    """Delete these files from FILES_DIR (after the commit that stopped referring to them)."""
    for sha in hashes:
        if sha:
            await files.delete(sha)


class SqlPersonalData:
    """`flows.ports.PersonalData` on SQL and FILES_DIR."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], files: FileEraser) -> None:
        self.sessions = sessions
        self.files = files

    async def export(self, channel: str, user_id: str) -> dict[str, Any]:
        async with self.sessions() as session:
            person = await person_for(session, channel, user_id)
            if person is None:
                return {"person": {"channel": channel, "id": user_id}, "applications": []}
            conversation = await session.scalar(select(Conversation).where(
                Conversation.person_id == person.id))
            applications = (await session.scalars(select(Application).where(
                Application.person_id == person.id).order_by(Application.id))).all()
            interest = (await session.scalars(select(ServiceInterest.service).where(
                ServiceInterest.person_id == person.id))).all()
            words = (await session.scalars(select(CitizenWord).where(
                CitizenWord.person_id == person.id).order_by(CitizenWord.id))).all()
            topic = await session.scalar(select(StaffThread).where(
                StaffThread.person_id == person.id))
            return {
                "person": _person(person),
                "conversation": None if conversation is None else {
                    "flow": conversation.flow,
                    "answers": conversation.state.get("answers", {}),
                    "updated_at": conversation.updated_at,
                },
                "applications": [await _application(session, application)
                                 for application in applications],
                "asked_to_be_told_about": list(interest),
                "my_messages_to_staff": [{"at": word.at, "kind": word.kind, "text": word.text}
                                         for word in words],
                "interviews_as_child": await _as_child(session, person),
                "enquiries": [{"kind": row.action.removeprefix(ENQUIRY), "body": row.subject,
                               "at": row.at} for row in await _enquiries(session, person)],
                "staff_topic": None if topic is None else {"title": topic.title,
                                                           "created_at": topic.created_at},
            }

    async def forget(self, channel: str, user_id: str, now: datetime) -> Forgotten:
        files: set[str] = set()
        async with self.sessions.begin() as session:
            person = await person_for(session, channel, user_id)
            if person is None:
                return Forgotten(0, (), ())
            drafts = 0
            conversation = await session.scalar(select(Conversation).where(
                Conversation.person_id == person.id))
            if conversation is not None and conversation.flow is not None:
                files |= await drop_draft(session, conversation)
                drafts = 1
            erased: list[str] = []
            kept: list[str] = []
            for application in (await session.scalars(select(Application).where(
                    Application.person_id == person.id).order_by(Application.id))).all():
                if not is_closed(application):
                    kept.append(application.number)
                elif not await was_anonymised(session, application):
                    files |= await anonymise(session, application, now)
                    erased.append(application.number)
            if not kept:
                person.display_name = ""
            files |= await self._erase_own_messages(session, person)
            await forget_words(session, CitizenWord.person_id == person.id)
            for enquiry in await _enquiries(session, person):  # counted still, by no one
                enquiry.details = {}
            await drop_owed_replies(session, channel, user_id)
            session.add(AuditEntry(actor=ERASER, action="person.forget",
                                   subject=f"{channel}:{person.id}",
                                   details={"drafts": drafts, "erased": len(erased),
                                            "kept": len(kept)}))
            await session.flush()
            await settle_messages(session)
            files = await settle_files(session, files)
        await sweep(self.files, files)
        return Forgotten(drafts, tuple(erased), tuple(kept))

    @staticmethod
    async def _erase_own_messages(session: AsyncSession, person: Person) -> set[str]:
        """The person's messages about no application (a specialist's answers, their notes
        to staff): emptied once delivered; one still queued goes out first. Returns the
        files they carry (staff's photos for a WhatsApp citizen), to go with them."""
        own = (OutboxMessage.person_id == person.id, OutboxMessage.application_id.is_(None))
        files = {document["sha256"] for payload in await session.scalars(
                 select(OutboxMessage.payload).where(*own))
                 if isinstance(document := (payload or {}).get("document"), dict)
                 and document.get("sha256")}
        await session.execute(update(OutboxMessage).where(
            *own, OutboxMessage.status.not_in(QUEUED)).values(payload={}, last_error=""))
        await hold_messages(session, await session.scalars(select(OutboxMessage.id).where(
            *own, OutboxMessage.status.in_(QUEUED))))
        return files


async def _enquiries(session: AsyncSession, person: Person) -> list[AuditEntry]:
    """What the person asked of a body without an application (storage/enquiries.py keeps
    each in the audit log, with the person's row in its sealed details)."""
    rows = (await session.scalars(select(AuditEntry).where(
        AuditEntry.action.startswith(ENQUIRY)).order_by(AuditEntry.id))).all()
    return [row for row in rows if row.details.get("person") == person.id]


def _person(person: Person) -> dict[str, Any]:
    return {"channel": person.channel, "id": person.external_id, "language": person.language,
            "name": person.display_name, "first_seen": person.created_at}


async def _application(session: AsyncSession, application: Application) -> dict[str, Any]:
    of = application.id
    children = (await session.scalars(select(ApplicationChild).where(
        ApplicationChild.application_id == of).order_by(ApplicationChild.position))).all()
    history = (await session.scalars(select(StatusChange).where(
        StatusChange.application_id == of).order_by(StatusChange.id))).all()
    notes = (await session.scalars(select(ApplicationNote).where(
        ApplicationNote.application_id == of).order_by(ApplicationNote.id))).all()
    consent = await session.scalar(select(Consent).where(Consent.application_id == of))
    documents = (await session.scalars(select(Document).where(
        Document.application_id == of).order_by(Document.id))).all()
    papers = (await session.scalars(select(IssuedPaper).where(
        IssuedPaper.application_id == of).order_by(IssuedPaper.id))).all()
    bookings = (await session.scalars(select(InterviewBooking).where(
        InterviewBooking.application_id == of).order_by(InterviewBooking.id))).all()
    conversations = (await session.scalars(select(InterviewSession).where(
        InterviewSession.application_id == of).order_by(InterviewSession.id))).all()
    return {
        "number": application.number,
        "service": application.service,
        "status": application.status,
        "body": application.body_code,
        "submitted_at": application.submitted_at,
        "applicant": {
            "surname": application.applicant_surname,
            "first_name": application.applicant_first_name,
            "patronymic": application.applicant_patronymic,
            "iin": application.applicant_iin,
            "address": application.applicant_address,
            "phone": application.applicant_phone,
        },
        "children": [{"surname": child.surname, "first_name": child.first_name,
                      "patronymic": child.patronymic, "birth_date": child.birth_date}
                     for child in children],
        "answers": application.answers,
        "decision": application.decision,
        "statuses": [{"status": change.status, "at": change.at, "note": change.note}
                     for change in history],
        "notes": [{"kind": note.kind, "text": note.text, "at": note.at} for note in notes],
        "consent": None if consent is None else {
            "language": consent.language, "version": consent.version, "text": consent.text,
            "given_at": consent.given_at},
        "documents": [{"kind": document.kind, "name": document.original_name,
                       "mime": document.mime, "size": document.size}
                      for document in documents],
        "papers": [{"kind": paper.kind, "version": paper.version,
                    "registry_number": paper.registry_number, "issued_at": paper.issued_at,
                    "replaced_at": paper.replaced_at} for paper in papers],
        "interview_times": [{"child": booking.child_position, "at": booking.starts_at,
                             "status": booking.status} for booking in bookings],
        "interview_conversations": [
            {"child": row.child_position, "status": row.status, "started_at": row.started_at,
             "ended_at": row.ended_at, "representative_present": row.representative_present,
             "messages": [{"at": line.get("at"), "role": line.get("role"),
                           "text": line.get("text")} for line in _lines(row)]}
            for row in conversations],
    }


def _lines(row: InterviewSession) -> list[dict[str, Any]]:
    return [line for line in row.transcript.get("lines", []) if isinstance(line, dict)]


async def _as_child(session: AsyncSession, person: Person) -> list[dict[str, Any]]:
    """A child who joined a conversation with a code: their own words in it, and when it
    was (nothing of the parent's application: that is the parent's data)."""
    found: list[dict[str, Any]] = []
    invites = (await session.scalars(select(InterviewInvite).where(
        InterviewInvite.child_person_id == person.id).order_by(InterviewInvite.id))).all()
    for invite in invites:
        rows = (await session.scalars(select(InterviewSession).where(
            InterviewSession.application_id == invite.application_id,
            InterviewSession.child_position == invite.child_position,
        ).order_by(InterviewSession.id))).all()
        found += [{"joined_at": invite.used_at, "started_at": row.started_at,
                   "ended_at": row.ended_at,
                   "my_messages": [{"at": line.get("at"), "text": line.get("text")}
                                   for line in _lines(row) if line.get("role") == CHILD]}
                  for row in rows]
    return found
