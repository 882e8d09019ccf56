"""The name and position each staff member signs papers with (`OfficialName`): entered by
them in the console, read when a paper is issued in the citizen's language."""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from flows.paper import Official
from storage.models import AuditEntry, OfficialName

STAFF_ACTOR = "staff:"


@dataclass(frozen=True)
class SignsAs:
    full_name: str
    position_kk: str
    position_ru: str

    def position(self, language: str) -> str:
        """In the paper's original: Kazakh, or Russian (an English reader's paper is the
        Russian original and its courtesy translation, papers.ORIGINAL_OF)."""
        return self.position_kk if language == "kk" else self.position_ru


async def signs_as(session: AsyncSession, user_id: int) -> SignsAs | None:
    row = await session.scalar(select(OfficialName).where(OfficialName.user_id == user_id))
    return None if row is None else SignsAs(row.full_name, row.position_kk, row.position_ru)


async def as_signed(session: AsyncSession, official: Official,
                    language: str) -> tuple[Official, bool]:
    """The official as a paper in `language` prints them, and whether their own entry
    named them (else the messenger name and no position stand)."""
    user = official.actor.removeprefix(STAFF_ACTOR)
    if not official.actor.startswith(STAFF_ACTOR) or not user.isdigit():
        return official, False
    entry = await signs_as(session, int(user))
    if entry is None:
        return official, False
    return replace(official, name=entry.full_name, position=entry.position(language)), True


class SqlOfficials:
    """The console's "signature on papers" page: one's own entry, read and saved."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.sessions = sessions

    async def signs_as(self, user_id: int) -> SignsAs | None:
        async with self.sessions() as session:
            return await signs_as(session, user_id)

    async def save(self, user_id: int, full_name: str, position_kk: str,
                   position_ru: str) -> None:
        async with self.sessions.begin() as session:
            row = await session.scalar(
                select(OfficialName).where(OfficialName.user_id == user_id))
            if row is None:
                row = OfficialName(user_id=user_id)
                session.add(row)
            row.full_name, row.position_kk, row.position_ru = full_name, position_kk, position_ru
            # who changed the signature, and when; the words are on the papers themselves
            session.add(AuditEntry(actor=f"{STAFF_ACTOR}{user_id}", action="official.set",
                                   subject="", details={}))
