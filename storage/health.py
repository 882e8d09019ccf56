"""What `/healthz` and `/metrics` read of the database: one small look at the outbox.

The look is also the database's health check: when it fails, the database is unreachable.
Two aggregate queries on the outbox's `(status, next_attempt_at)` index; no row is read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.clock import from_db, to_db
from storage.models import OutboxMessage

PENDING = "pending"


@dataclass(frozen=True)
class OutboxSnapshot:
    """`depth`: messages due now and waiting for the worker (a reminder set for next week is
    not due); `oldest_due`: when the longest-waiting of them came due; `by_status`: every
    message the outbox holds, by status (sent, expired, uncertain, …)."""

    depth: int
    oldest_due: datetime | None
    by_status: dict[str, int] = field(default_factory=dict)


class OutboxHealth:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.sessions = sessions

    async def outbox(self, now: datetime) -> OutboxSnapshot:
        async with self.sessions() as session:
            depth, oldest = (await session.execute(
                select(func.count(), func.min(OutboxMessage.next_attempt_at))
                .where(OutboxMessage.status == PENDING,
                       OutboxMessage.next_attempt_at <= to_db(now)))).one()
            rows = (await session.execute(
                select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status))).all()
        return OutboxSnapshot(int(depth or 0), from_db(oldest) if oldest is not None else None,
                              {str(status): int(count) for status, count in rows})
