"""The conversation with the child in the messenger: who takes part, what each one said.

Messages between the specialist, the child and the parent are relayed through the outbox
(so they are never lost and respect the messengers' limits) and written to the session's
transcript, which becomes the interview record when staff end the session. With siblings,
each child has their own conversation (`child_position`) and their own record; one of an
application's conversations is held at a time, for the parent sits in each.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, bindparam, literal, or_, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from flows.calendar import KZ_TZ
from flows.common import full_name
from flows.desk import Line
from flows.interview import child_name, record_heard
from flows.messages import OutgoingMessage, Text
from flows.paper import CONVERSATION_RECORD, Official
from flows.ports import Seat
from storage.clock import from_db, to_db
from storage.conversations import person_id_for, surely_unseated
from storage.db import engine_of, in_one_go
from storage.laid_out import papers_first
from storage.models import (
    Application,
    ApplicationNote,
    AuditEntry,
    InterviewBooking,
    InterviewInvite,
    InterviewSession,
    OutboxMessage,
)
from storage.outbox import CITIZEN, STAFF, enqueue

ROLES = ("specialist", "parent", "child")
ADD_AFTER_END = timedelta(hours=1)  # the child may still add something after the end


def says(role: str, text: str) -> OutgoingMessage:
    return OutgoingMessage((Text("session-says", {"role": Text(f"session-role-{role}"),
                                                  "text": text}),))


if TYPE_CHECKING:  # papers reads sessions: a type here, not an import cycle
    from storage.papers import PaperRegistry


# A citizen's seats, as a parent and as a child. Built once: asked for every typed message,
# and building it for each cost more than the rest of the turn's statements (issue 15).
_SEAT_COLUMNS = (InterviewSession.id, InterviewSession.application_id,
                 InterviewSession.status, InterviewSession.child_position)
_SEATS = union_all(
    select(literal("parent").label("role"), *_SEAT_COLUMNS)
    .join(Application, Application.id == InterviewSession.application_id)
    .where(Application.person_id == bindparam("the_person"),
           InterviewSession.status == "open"),
    select(literal("child").label("role"), *_SEAT_COLUMNS)
    .join(InterviewInvite,
          (InterviewInvite.application_id == InterviewSession.application_id)
          & (InterviewInvite.child_position == InterviewSession.child_position))
    .where(InterviewInvite.child_person_id == bindparam("the_person"),
           or_(InterviewSession.status == "open",
               InterviewSession.ended_at >= bindparam("the_ended_since"))))


class SqlSessions:
    def __init__(self, sessions: async_sessionmaker[AsyncSession],
                 papers: PaperRegistry | None = None) -> None:
        self.sessions = sessions
        self.papers = papers  # files each child's conversation record as a PDF

    async def _open(self, session: AsyncSession, application_id: int,
                    child: int | None = None) -> InterviewSession | None:
        """The open conversation of this child (of any child of the application if None)."""
        query = select(InterviewSession).where(
            InterviewSession.application_id == application_id,
            InterviewSession.status == "open")
        if child is not None:
            query = query.where(InterviewSession.child_position == child)
        return await session.scalar(query)

    async def _child(self, session: AsyncSession, application_id: int,
                     child: int) -> int | None:
        """The person who joined this child's invite, if anyone has."""
        invite = await session.scalar(select(InterviewInvite).where(
            InterviewInvite.application_id == application_id,
            InterviewInvite.child_position == child))
        return invite.child_person_id if invite else None

    async def start(self, application_id: int, actor: str, now: datetime,
                    child: int = 0) -> str | None:
        """Open this child's conversation; None when done, else a staff-facing message id."""
        async with self.sessions.begin() as session:
            application = await session.get(Application, application_id)
            booked = await session.scalar(select(InterviewBooking).where(
                InterviewBooking.application_id == application_id,
                InterviewBooking.child_position == child,
                InterviewBooking.status == "booked"))
            if application is None or application.status != "under_review" or booked is None:
                return "staff-session-not-booked"
            if await self._open(session, application_id) is not None:
                return "staff-session-already-open"  # the parent sits in one at a time
            session.add(InterviewSession(application_id=application_id, child_position=child,
                                         staff_actor=actor, started_at=to_db(now),
                                         transcript={"lines": []}))
            session.add(AuditEntry(actor=actor, action="interview.session-start",
                                   subject=application.number, details={"child": child}))
            for person in (application.person_id,
                           await self._child(session, application_id, child)):
                if person is not None:
                    enqueue(session, key=f"session-start:{application_id}:{person}:"
                            f"{secrets.token_hex(4)}", audience=CITIZEN, person_id=person,
                            application_id=application_id, child=child,
                            message=OutgoingMessage((Text("session-started"),)))
            return None

    async def confirm_present(self, application_id: int, actor: str, child: int = 0) -> bool:
        async with self.sessions.begin() as session:
            row = await self._open(session, application_id, child)
            if row is None:
                return False
            row.representative_present = True
            session.add(AuditEntry(actor=actor, action="interview.representative-present",
                                   subject=str(application_id)))
            return True

    async def seat_of(self, channel: str, external_id: str, now: datetime) -> Seat | None:
        """Where this citizen sits in a session that is open (or just ended, for a child).
        Asked for every typed message, so it is one query on indexes (the parent's seats and
        the child's together), not a scan; a parent's seat comes first, then the child's
        latest."""
        if surely_unseated(channel, external_id):
            return None

        def look(connection: Connection) -> Sequence[Any]:
            person = person_id_for(connection, channel, external_id)
            if person is None:
                return []
            return connection.execute(_SEATS, {
                "the_person": person, "the_ended_since": to_db(now - ADD_AFTER_END)}).all()

        seats = await in_one_go(engine_of(self.sessions), look)
        if not seats:
            return None
        role, session_id, application_id, status, child = max(
            seats, key=lambda seat: (seat.role == "parent", seat.id))
        return Seat(session_id, application_id, role, status == "open", child)

    async def child_seat(self, application_id: int, child: int, now: datetime) -> Seat | None:
        """This child's seat in their own conversation, open or ended within the hour: a mail
        names its invite, so siblings who share one address are told apart (`seat_of` takes
        the person's latest)."""
        async with self.sessions() as session:
            row = await session.scalar(
                select(InterviewSession).where(
                    InterviewSession.application_id == application_id,
                    InterviewSession.child_position == child,
                    or_(InterviewSession.status == "open",
                        InterviewSession.ended_at >= to_db(now - ADD_AFTER_END)))
                .order_by(InterviewSession.id.desc()).limit(1))
            return None if row is None else Seat(row.id, application_id, "child",
                                                 row.status == "open", child)

    async def open_id(self, application_id: int, child: int = 0) -> int | None:
        async with self.sessions() as session:
            row = await self._open(session, application_id, child)
            return row.id if row else None

    async def present(self, application_id: int, child: int = 0) -> bool | None:
        """Whether staff confirmed the representative; None when no session is open."""
        async with self.sessions() as session:
            row = await self._open(session, application_id, child)
            return None if row is None else row.representative_present

    async def relay(self, session_id: int, role: str, text: str, now: datetime,
                    via: str = "", ref: str = "", dropped: Sequence[str] = ()) -> bool:
        """Write one message to the transcript and pass it to everyone else in the session;
        `via` "email" marks a child's mail (the transcript says so). `ref` names where it
        came from (a mail's Message-ID digest): one already written is not written again
        (False). `dropped`: the names of a mail's files, not passed on: staff alone are told
        (in their language), never as the child's words."""
        async with self.sessions.begin() as session:
            row = await session.get(InterviewSession, session_id)
            if row is None:
                return False
            application = await session.get(Application, row.application_id)
            assert application is not None
            earlier = row.transcript.get("lines", [])
            if ref and any(item.get("ref") == ref for item in earlier):
                return False
            note = (Text("email-attachments-dropped", {"names": ", ".join(dropped)}),) \
                if dropped else ()
            if not text:  # files only: nothing of the child's words to write or pass on
                key = f"session:{session_id}:files:{ref or secrets.token_hex(4)}:staff"
                if not note or await session.scalar(select(OutboxMessage.id).where(
                        OutboxMessage.key == key)):
                    return False
                enqueue(session, key=key, audience=STAFF, person_id=application.person_id,
                        application_id=application.id, message=OutgoingMessage(note))
                return True
            line: dict[str, str] = {"at": now.isoformat(), "role": role, "text": text}
            line |= ({"via": via} if via else {}) | ({"ref": ref} if ref else {})
            lines = [*earlier, line]
            row.transcript = {**row.transcript, "lines": lines}
            tag = f"{session_id}:{len(lines)}"
            message = says(role, text)
            if role != "specialist":  # staff read it in the applicant's topic
                enqueue(session, key=f"session:{tag}:staff", audience=STAFF,
                        person_id=application.person_id, application_id=application.id,
                        message=OutgoingMessage((*message.parts, *note)))
            if row.status != "open":
                return True  # the child's words after the end reach staff only
            child = await self._child(session, row.application_id, row.child_position)
            for person, who in ((application.person_id, "parent"), (child, "child")):
                if person is not None and who != role:
                    enqueue(session, key=f"session:{tag}:{who}", audience=CITIZEN,
                            person_id=person, application_id=application.id, message=message,
                            child=row.child_position)
            return True

    async def end(self, application_id: int, actor: str, now: datetime,
                  child: int = 0, actor_name: str = "") -> list[Line] | None:
        """Close this child's conversation; its transcript becomes their interview record."""
        return await papers_first(self.papers, lambda: self._end(
            application_id, actor, now, child, actor_name))

    async def _end(self, application_id: int, actor: str, now: datetime, child: int,
                   actor_name: str) -> list[Line] | None:
        async with self.sessions.begin() as session:
            row = await self._open(session, application_id, child)
            if row is None:
                return None
            row.status = "closed"
            row.ended_at = to_db(now)
            lines = [Line.from_json(item) for item in row.transcript.get("lines", [])]
            application = await session.get(Application, application_id)
            assert application is not None
            application.decision = record_heard(application.decision, row.child_position)
            session.add(ApplicationNote(application_id=application_id, kind="transcript",
                                        text=transcript_text(row, application, lines),
                                        actor=actor))
            session.add(AuditEntry(actor=actor, action="interview.session-end",
                                   subject=str(application_id),
                                   details={"lines": len(lines), "child": row.child_position}))
            child_person = await self._child(session, application_id, row.child_position)
            tag = secrets.token_hex(4)
            enqueue(session, key=f"session-end:{application_id}:parent:{tag}", audience=CITIZEN,
                    person_id=application.person_id, application_id=application_id,
                    message=OutgoingMessage((Text("session-ended"),)))
            if child_person is not None:
                enqueue(session, key=f"session-end:{application_id}:child:{tag}",
                        audience=CITIZEN, person_id=child_person, application_id=application_id,
                        message=OutgoingMessage((Text("session-ended-child"),)),
                        child=row.child_position)
            if self.papers is not None:  # the record, with the closing of the conversation
                await session.flush()
                await self.papers.issue(session, application, CONVERSATION_RECORD, now,
                                        Official(actor_name or actor, actor=actor),
                                        part=row.child_position)
            return lines



def transcript_text(row: InterviewSession, application: Application,
                    lines: list[Line]) -> str:
    """The record as plain text: when, who took part in which role, then each message with
    its time (Astana) — one line each."""
    answers = application.answers
    parent = full_name(answers)
    child = child_name(answers, row.child_position)
    head = [
        f"application {application.number}; conversation with the child, "
        f"started {from_db(row.started_at).astimezone(KZ_TZ):%d.%m.%Y %H:%M} (Astana)",
        f"specialist: {row.staff_actor}; parent ({answers.get('role')}): {parent}; "
        f"child: {child}; representative present: "
        f"{'yes' if row.representative_present else 'no'}",
    ]
    body = [f"{line.at.astimezone(KZ_TZ):%H:%M} {line.role}{f' ({line.via})' if line.via else ''}: "
            f"{line.text}" for line in lines]
    return "\n".join(head + body)
