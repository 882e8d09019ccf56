"""The staff desk's data: citizens' topics, status changes, notes, reply-requests, the digest.

Every status change writes, in one transaction: the application, a status-history row, an
audit row and the citizen's notification in the outbox.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from flows.calendar import KZ_TZ
from flows.complaint import offer_complaint
from flows.dates import next_term
from flows.delivery import GROUP
from flows.desk import ActResult, Citizen, DeliveryTroubles
from flows.messages import OutgoingMessage, Text
from flows.paper import Official
from flows.procedure import (
    Snapshot,
    allowed,
    card,
    due_by,
    next_date,
    notice_expires,
    notice_to_act,
)
from flows.services import SERVICES
from flows.wire import message_to_json
from storage.applications import OPEN_STATUSES, snapshot_of, staff_snapshot, staff_snapshots
from storage.clock import now_of, to_db
from storage.conversations import buttons_seq, person_for
from storage.interviews import claim_run
from storage.laid_out import papers_first
from storage.models import (
    Application,
    AuditEntry,
    CitizenWord,
    IssuedPaper,
    OutboxMessage,
    Person,
    StaffRequest,
    StaffThread,
    StatusChange,
)
from storage.outbox import CITIZEN, EXPIRED, FAILED, STAFF, UNCERTAIN, enqueue
from storage.papers import PaperRegistry, audit_facts


def _citizen(person: Person) -> Citizen:
    return Citizen(person.id, person.channel, person.external_id, person.language,
                   person.display_name)


async def _card_again(session: AsyncSession, application: Application, today: date, *,
                      unsent_only: bool = False, documents: bool = True) -> None:
    """The application's card as it is now, queued to be posted into the topic (again),
    with its `documents`; or, `unsent_only`, only brought up to date while still waiting."""
    row = await session.scalar(select(OutboxMessage).where(
        OutboxMessage.key == f"card:{application.id}"))
    if row is None or (unsent_only and row.status != "pending"):
        return
    row.payload = message_to_json(card(await staff_snapshot(session, application), today))
    if unsent_only:
        return
    # the card, then the documents it lists, as at submission
    files = await session.scalars(select(OutboxMessage).where(
        OutboxMessage.key.startswith(f"doc:{application.id}:")).order_by(OutboxMessage.id)) \
        if documents else ()
    for again in (row, *files):
        again.status, again.attempts, again.last_error = "pending", 0, ""
        again.next_attempt_at = to_db(now_of(session))
        again.provider_message_id = again.sent_at = again.lease_until = None


OVERDUE_JOB = "term_passed"  # once a day: the citizens whose term passed unanswered


class StaffDesk:
    def __init__(self, sessions: async_sessionmaker[AsyncSession],
                 papers: PaperRegistry | None = None) -> None:
        self.sessions = sessions
        self.papers = papers  # issues the document a step declares (None: no papers)

    # ------------------------------------------------------------------ topics
    async def thread_of(self, person_id: int) -> int | None:
        async with self.sessions() as session:
            thread = await session.scalar(
                select(StaffThread).where(StaffThread.person_id == person_id))
            return thread.thread_id if thread else None

    async def save_thread(self, person_id: int, chat_id: int, thread_id: int, title: str) -> None:
        async with self.sessions.begin() as session:
            session.add(StaffThread(person_id=person_id, chat_id=chat_id, thread_id=thread_id,
                                    title=title))

    async def forget_thread(self, person_id: int, thread_id: int) -> bool:
        """Staff deleted the person's topic `thread_id`: forget it, and queue the cards of
        their open applications again, for the topic the next message opens. False when a
        newer topic is kept already (another message found the deletion first)."""
        async with self.sessions.begin() as session:
            thread = await session.scalar(
                select(StaffThread).where(StaffThread.person_id == person_id))
            if thread is None or thread.thread_id != thread_id:
                return False
            await session.delete(thread)
            # The questions asked in it went with it: a plain word in the new topic answers
            # none of them (it would be filed as a decision no one can see asked).
            await session.execute(update(StaffRequest).where(
                StaffRequest.done.is_(False), StaffRequest.chat_id == thread.chat_id,
                StaffRequest.application_id.in_(select(Application.id).where(
                    Application.person_id == person_id))).values(done=True))
            today = now_of(session).astimezone(KZ_TZ).date()
            open_ones = await session.scalars(select(Application).where(
                Application.person_id == person_id, Application.status.in_(OPEN_STATUSES)))
            for application in open_ones:
                await _card_again(session, application, today)
            return True

    async def set_title(self, person_id: int, title: str) -> bool:
        """Remember a new topic title; False when it did not change."""
        async with self.sessions.begin() as session:
            thread = await session.scalar(
                select(StaffThread).where(StaffThread.person_id == person_id))
            if thread is None or thread.title == title:
                return False
            thread.title = title
            return True

    async def citizen_of_thread(self, chat_id: int, thread_id: int) -> Citizen | None:
        async with self.sessions() as session:
            person = await session.scalar(
                select(Person).join(StaffThread, StaffThread.person_id == Person.id)
                .where(StaffThread.chat_id == chat_id, StaffThread.thread_id == thread_id))
            return _citizen(person) if person else None

    async def citizen(self, person_id: int) -> Citizen | None:
        async with self.sessions() as session:
            person = await session.get(Person, person_id)
            return _citizen(person) if person else None

    async def citizen_by_address(self, channel: str, external_id: str) -> Citizen | None:
        async with self.sessions() as session:
            person = await person_for(session, channel, external_id)
            return _citizen(person) if person else None

    async def open_numbers(self, person_id: int) -> list[str]:
        async with self.sessions() as session:
            rows = await session.scalars(
                select(Application.number).where(Application.person_id == person_id,
                                                 Application.status.in_(OPEN_STATUSES))
                .order_by(Application.id))
            return list(rows)

    # ------------------------------------------------------------------ applications
    async def snapshot(self, application_id: int) -> Snapshot | None:
        async with self.sessions() as session:
            application = await session.get(Application, application_id)
            return await staff_snapshot(session, application) if application else None

    async def card_message_ids(self, application_id: int) -> list[int]:
        """The card's messages in the topic, in order: a long card is in pieces, and its
        buttons are on the last."""
        async with self.sessions() as session:
            raw = await session.scalar(select(OutboxMessage.provider_message_id).where(
                OutboxMessage.key == f"card:{application_id}"))
            return [int(piece) for piece in (raw or "").split()]

    async def card_lost(self, application_id: int, today: date) -> None:
        """The card's message is gone (deleted alone, or with its topic): post it again."""
        async with self.sessions.begin() as session:
            application = await session.get(Application, application_id)
            if application is not None:
                await _card_again(session, application, today, documents=False)

    async def person_of(self, application_id: int) -> int | None:
        async with self.sessions() as session:
            application = await session.get(Application, application_id)
            return application.person_id if application else None

    async def act(
        self, application_id: int, action: str, actor: str, details: dict[str, Any],
        at: datetime, actor_name: str = "",
    ) -> ActResult:
        """Move an application one legal step; refused when its status does not allow it."""
        return await papers_first(self.papers, lambda: self._act(
            application_id, action, actor, details, at, actor_name))

    async def _act(self, application_id: int, action: str, actor: str,
                   details: dict[str, Any], at: datetime, actor_name: str) -> ActResult:
        async with self.sessions.begin() as session:
            # Locked: two officers (or replicas) pressing at once take the step once.
            application = await session.get(Application, application_id, with_for_update=True)
            if application is None:
                return ActResult(False, error="staff-error-not-found")
            if not allowed(action, application.status, application.service):
                return ActResult(False, snapshot_of(application), "staff-error-wrong-status")
            today = at.astimezone(KZ_TZ).date()
            reason = SERVICES[application.service].refusal(action, snapshot_of(application),
                                                           today, details)
            if reason is not None:
                return ActResult(False, snapshot_of(application), reason.key, reason)
            step = SERVICES[application.service].step(action)
            assert step is not None  # allowed() found it
            application.status = step.to
            if step.records_day:  # a term counts from this day (the child's conversation)
                details = {**details, step.records_day: today.isoformat()}
            application.decision = {**application.decision, **details}
            session.add(StatusChange(application_id=application.id, status=application.status,
                                     at=to_db(at), actor=actor,
                                     note=str(details)[:1000]))
            session.add(AuditEntry(actor=actor, action=f"application.{action}",
                                   subject=application.number, details=details))
            snapshot = snapshot_of(application)
            # With the buttons that do what it asks, as "My applications" shows them.
            notice = notice_to_act(snapshot, await buttons_seq(session, application.person_id))
            enqueue(session, key=f"status:{application.id}:{application.status}",
                    audience=CITIZEN, person_id=application.person_id,
                    application_id=application.id, message=notice,
                    template={"number": application.number, "status": application.status,
                              "service": application.service},
                    not_after=notice_expires(snapshot))
            if step.document and self.papers is not None:  # the step's legal document
                await self.papers.issue(session, application, step.document, at,
                                        Official(actor_name or actor, actor=actor))
            await _card_again(session, application, today, unsent_only=True)
            return ActResult(True, await staff_snapshot(session, application))



    async def nudge_unbooked(self, today: date, now: datetime) -> int:
        """Once a day: a citizen whose application's term has passed with no answer is told
        so, once per term, with a button to complain (seed 004 p. 13). How many."""
        async with self.sessions.begin() as session:
            if not await claim_run(session, OVERDUE_JOB, today):
                return 0
            rows = (await session.scalars(select(Application).where(
                Application.status.in_(OPEN_STATUSES)).order_by(Application.id))).all()
            told = 0
            for application in rows:
                snapshot = snapshot_of(application)
                term = next_term(snapshot, today)
                if term is None or term.day >= today or \
                        SERVICES[application.service].complains_about_application:
                    continue
                key = f"overdue:{application.id}:{term.what}:{term.day.isoformat()}"
                if await session.scalar(select(OutboxMessage.id).where(OutboxMessage.key == key)):
                    continue
                seq = await buttons_seq(session, application.person_id)
                notice = OutgoingMessage((Text("notify-term-passed", {
                    "number": application.number, "term": term.line()}),))
                enqueue(session, key=key, audience=CITIZEN, person_id=application.person_id,
                        application_id=application.id,
                        message=offer_complaint(notice, str(application.id), seq))
                told += 1
            return told

    async def reissue(self, application_id: int, actor: str, actor_name: str,
                      at: datetime) -> str | None:
        """The application's latest paper issued again as a new version; its kind, or None
        when there is none (or no papers are issued here)."""
        return await papers_first(self.papers, lambda: self._reissue(
            application_id, actor, actor_name, at))

    async def _reissue(self, application_id: int, actor: str, actor_name: str,
                       at: datetime) -> str | None:
        async with self.sessions.begin() as session:
            application = await session.get(Application, application_id)
            latest = await session.scalar(
                select(IssuedPaper).where(IssuedPaper.application_id == application_id,
                                          IssuedPaper.replaced_at.is_(None))
                .order_by(IssuedPaper.id.desc()).limit(1))
            if application is None or latest is None or self.papers is None:
                return None
            paper = await self.papers.issue(session, application, latest.kind, at,
                                            Official(actor_name or actor, actor=actor),
                                            part=latest.part)
            session.add(AuditEntry(actor=actor, action="paper.reissue",
                                   subject=application.number, details={"kind": latest.kind}))
            # The new version goes into the topic at this specialist's request: a read.
            session.add(AuditEntry(actor=actor, action="read.paper",
                                   subject=application.number, details=audit_facts(paper)))
            return latest.kind

    async def staff_reply(self, person_id: int, key: str, text: str, actor: str) -> None:
        """A specialist's answer in the topic, queued for the citizen (never lost)."""
        async with self.sessions.begin() as session:
            enqueue(session, key=key, audience=CITIZEN, person_id=person_id,
                    message=OutgoingMessage((Text("staff-reply", {"text": text}),)))
            session.add(AuditEntry(actor=actor, action="staff.reply", subject=str(person_id)))

    async def enqueue_staff(self, person_id: int, key: str, message: OutgoingMessage,
                            application_id: int | None = None) -> None:
        async with self.sessions.begin() as session:
            exists = await session.scalar(select(OutboxMessage.id).where(OutboxMessage.key == key))
            if exists is None:
                enqueue(session, key=key, audience=STAFF, person_id=person_id,
                        application_id=application_id, message=message)

    async def keep_words(self, person_id: int, text: str, kind: str) -> None:
        """A citizen's message to staff, kept (sealed) for the console's chat as it is relayed:
        `kind` is "text", or "file" with the caption as `text`."""
        async with self.sessions.begin() as session:
            session.add(CitizenWord(person_id=person_id, text=text, kind=kind))

    async def audit(self, actor: str, action: str, subject: str, details: dict[str, Any]) -> None:
        async with self.sessions.begin() as session:
            session.add(AuditEntry(actor=actor, action=action, subject=subject, details=details))

    # ------------------------------------------------------------------ reply-requests
    async def open_request(self, chat_id: int, message_id: int, application_id: int,
                           action: str, staff_user_id: int, data: dict[str, Any]) -> None:
        async with self.sessions.begin() as session:
            session.add(StaffRequest(chat_id=chat_id, message_id=message_id,
                                     application_id=application_id, action=action,
                                     staff_user_id=staff_user_id, data=data))

    async def take_request(self, chat_id: int, message_id: int) -> StaffRequest | None:
        async with self.sessions.begin() as session:
            request = await session.scalar(select(StaffRequest).where(
                StaffRequest.chat_id == chat_id, StaffRequest.message_id == message_id,
                StaffRequest.done.is_(False)))
            if request is not None:
                request.done = True
            return request

    async def asked_of(self, chat_id: int, staff_user_id: int, person_id: int,
                       since: datetime) -> StaffRequest | None:
        """The latest question, asked since `since`, this staff member has still to answer
        about this citizen's applications: their plain message in the citizen's topic that
        reads as its answer answers it (Telegram opens the reply box for nobody when the
        question followed a button, so most just type)."""
        async with self.sessions() as session:
            request = await session.scalar(
                select(StaffRequest).join(Application,
                                          Application.id == StaffRequest.application_id)
                .where(StaffRequest.chat_id == chat_id,
                       StaffRequest.staff_user_id == staff_user_id,
                       StaffRequest.done.is_(False), Application.person_id == person_id,
                       StaffRequest.created_at >= to_db(since))
                .order_by(StaffRequest.id.desc()).limit(1))
            return request

    async def was_asked(self, chat_id: int, message_id: int) -> bool:
        """The message is one of the bot's questions to staff (answered or not)."""
        async with self.sessions() as session:
            return await session.scalar(select(StaffRequest.id).where(
                StaffRequest.chat_id == chat_id,
                StaffRequest.message_id == message_id).limit(1)) is not None

    # ------------------------------------------------------------------ the daily digest
    async def due_or_overdue(self, today: date) -> list[tuple[Snapshot, date]]:
        """Applications whose next date (`next_date`) is today or past: the same date the
        citizen sees in "My applications"."""
        return due_by(((snapshot, next_date(snapshot, today))
                       for snapshot in await self.open_applications()), today)

    async def delivery_troubles(self, since: datetime) -> DeliveryTroubles:
        """Messages that expired unsent, and those a restart caught mid-send, since `since`."""
        async with self.sessions() as session:
            rows = await session.execute(
                select(OutboxMessage.status, func.count())
                .where(OutboxMessage.status.in_((EXPIRED, UNCERTAIN, FAILED)),
                       OutboxMessage.last_attempt_at >= to_db(since))
                .group_by(OutboxMessage.status))
            counts = {status: count for status, count in rows}
            return DeliveryTroubles(counts.get(EXPIRED, 0), counts.get(UNCERTAIN, 0),
                                    counts.get(FAILED, 0))

    async def open_applications(self) -> list[Snapshot]:
        """Every application still in the procedure, oldest first."""
        async with self.sessions() as session:
            rows = await session.scalars(select(Application).where(
                Application.status.in_(OPEN_STATUSES)).order_by(Application.id))
            return await staff_snapshots(session, rows.all())

    async def post_once(self, job: str, on: date, message: OutgoingMessage) -> bool:
        """The day's message to the staff group itself (the digest), queued with the claim of
        the day's run in one transaction: once per day whichever replica claims, and a
        process dying after the claim still leaves it to be delivered. False: already done."""
        async with self.sessions.begin() as session:
            if not await claim_run(session, job, on):
                return False
            enqueue(session, key=f"{job}:{on.isoformat()}", audience=GROUP, person_id=None,
                    message=message)
            return True
