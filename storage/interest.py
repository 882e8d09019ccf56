"""ServiceInterest on SQL: "tell me when I can apply here", once per person and service, and
the counts the morning digest shows."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import case, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from flows.related import InterestCount
from storage.clock import to_db
from storage.conversations import ensure_person, person_for
from storage.models import ServiceInterest


class SqlServiceInterest:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.sessions = sessions

    async def record(self, channel: str, user_id: str, service: str, at: datetime) -> bool:
        """True when recorded now; a second tap (or a replayed update) records nothing."""
        try:
            async with self.sessions.begin() as session:
                person = await ensure_person(session, channel, user_id)
                if await self._find(session, person.id, service) is not None:
                    return False
                session.add(ServiceInterest(person_id=person.id, service=service,
                                            created_at=to_db(at)))
        except IntegrityError:  # the same person's other tap won the race: already recorded
            return False
        return True

    async def recorded(self, channel: str, user_id: str, service: str) -> bool:
        async with self.sessions() as session:
            person = await person_for(session, channel, user_id)
            return person is not None and \
                await self._find(session, person.id, service) is not None

    async def counts(self, since: datetime) -> list[InterestCount]:
        """Per service: everyone who asked, and those who asked at or after `since`."""
        new = func.sum(case((ServiceInterest.created_at >= to_db(since), 1), else_=0))
        async with self.sessions() as session:
            rows = await session.execute(
                select(ServiceInterest.service, func.count(), new)
                .group_by(ServiceInterest.service).order_by(ServiceInterest.service))
            return [InterestCount(service, int(total), int(fresh or 0))
                    for service, total, fresh in rows]

    @staticmethod
    async def _find(session: AsyncSession, person_id: int, service: str) -> int | None:
        found: int | None = await session.scalar(
            select(ServiceInterest.id).where(ServiceInterest.person_id == person_id,
                                             ServiceInterest.service == service))
        return found
