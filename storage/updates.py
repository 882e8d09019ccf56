"""Remembers handled updates so that one delivered twice is handled once."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.models import ProcessedUpdate


class SeenUpdates:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.sessions = sessions

    async def first_time(self, channel: str, key: str) -> bool:
        """Record the update; False when it was recorded before."""
        try:
            async with self.sessions.begin() as session:
                session.add(ProcessedUpdate(channel=channel, key=key))
        except IntegrityError:
            return False
        return True
