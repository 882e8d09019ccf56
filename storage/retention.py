"""Retention (issue 13), once a day on the injected clock (bot/booking_terms.py `Daily`):

- a draft (a flow in progress) untouched for DRAFT_RETENTION_DAYS is dropped with its files;
- a closed application (its procedure has no step left) whose status last changed more than
  RETENTION_DAYS ago is anonymised (storage/privacy.py `anonymise`): the number, service,
  body, dates, statuses and audit facts stay, for statistics and monitoring; its messages
  still queued are cancelled and every message about it loses its words (`settle_messages`
  finishes those whose send was under way);
- a citizen's message to staff (`CitizenWord`, kept for the console's chat) older than
  RETENTION_DAYS is deleted: it belongs to no application, so the same term is counted from
  when it was written;
- the update log's keys older than a week are pruned (storage/updates.py).

The day's run is claimed in the transaction that erases, so a restart the same day does not
run it again; what it erased is one audit row, which the staff digest counts.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from flows.ports import Erased
from storage.clock import to_db
from storage.erased_messages import ERASER, settle_messages
from storage.interviews import claim_run
from storage.models import Application, AuditEntry, CitizenWord, Conversation
from storage.privacy import (
    FileEraser,
    anonymise,
    drop_draft,
    forget_words,
    is_closed,
    last_change,
    not_anonymised,
    settle_files,
    sweep,
)
from storage.updates import prune_handled

JOB = "retention"
RUN = "retention.run"  # the audit action of one run; its details say what was erased
UPDATE_KEYS_DAYS = 7


class Retention:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], files: FileEraser, *,
                 draft_days: int, closed_days: int) -> None:
        self.sessions = sessions
        self.files = files
        self.draft_days = draft_days
        self.closed_days = closed_days

    async def nudge_unbooked(self, today: date, now: datetime) -> int:
        """The daily job's entry point (`Daily`): nothing is queued for delivery."""
        await self.run(today, now)
        return 0

    async def run(self, today: date, now: datetime) -> Erased | None:
        """Erase what is due; None when today's run was done already."""
        async with self.sessions.begin() as session:
            if not await claim_run(session, JOB, today):
                return None
            files: set[str] = set()
            drafts = await self._drafts(session, now, files)
            anonymised = await self._closed(session, now, files)
            words = await forget_words(session, CitizenWord.at < to_db(
                now - timedelta(days=self.closed_days)))
            updates = await prune_handled(session, to_db(now - timedelta(days=UPDATE_KEYS_DAYS)))
            erased = Erased(drafts, anonymised, updates)
            session.add(AuditEntry(actor=ERASER, action=RUN, subject=today.isoformat(),
                                   details={"drafts": drafts, "anonymised": anonymised,
                                            "words": words, "updates": updates}))
            await session.flush()
            await settle_messages(session)
            files = await settle_files(session, files)
        await sweep(self.files, files)
        return erased

    async def _drafts(self, session: AsyncSession, now: datetime, files: set[str]) -> int:
        before = to_db(now - timedelta(days=self.draft_days))
        stale = (await session.scalars(select(Conversation).where(
            Conversation.flow.is_not(None), Conversation.updated_at < before))).all()
        for conversation in stale:
            files |= await drop_draft(session, conversation)
        return len(stale)

    async def _closed(self, session: AsyncSession, now: datetime, files: set[str]) -> int:
        before = to_db(now - timedelta(days=self.closed_days))
        count = 0
        candidates = (await session.scalars(select(Application).where(
            not_anonymised(), Application.submitted_at < before))).all()
        for application in candidates:
            if is_closed(application) and await last_change(session, application) < before:
                files |= await anonymise(session, application, now)
                count += 1
        return count

    async def erased_since(self, since: datetime) -> Erased:
        """What the runs since then erased, summed (the staff digest's line)."""
        async with self.sessions() as session:
            runs = (await session.scalars(select(AuditEntry.details).where(
                AuditEntry.action == RUN, AuditEntry.at >= to_db(since)))).all()
        return Erased(sum(int(run.get("drafts", 0)) for run in runs),
                      sum(int(run.get("anonymised", 0)) for run in runs),
                      sum(int(run.get("updates", 0)) for run in runs))
