"""ConversationStore on SQL: language on `people`, the flow state on `conversations`, and the
update the turn answered marked in the same transaction (`storage.updates`)."""

from __future__ import annotations

import asyncio
import dataclasses
from contextlib import AbstractAsyncContextManager
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from flows.ports import ConversationState, Receipt
from storage.models import Conversation, Person
from storage.replicas import one_at_a_time
from storage.sealed import matches
from storage.updates import record_handled

TURNS_AT_ONCE = 6
_FIELDS = {f.name for f in dataclasses.fields(ConversationState)} - {"language"}


async def person_for(session: AsyncSession, channel: str, external_id: str) -> Person | None:
    return await session.scalar(
        select(Person).where(Person.channel == channel,
                             matches(session, Person.external_key, channel, external_id))
    )


async def buttons_seq(session: AsyncSession, person_id: int) -> int:
    """The seq a notice's buttons are bound to: the person's conversation turn, so a tap on
    them is read as a tap on the bot's latest message."""
    state = await session.scalar(select(Conversation.state).where(
        Conversation.person_id == person_id))
    return int((state or {}).get("seq", 0))


async def ensure_person(session: AsyncSession, channel: str, external_id: str) -> Person:
    person = await person_for(session, channel, external_id)
    if person is None:
        person = Person(channel=channel, external_id=external_id)
        session.add(person)
        await session.flush()
    return person


class SqlConversationStore:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.sessions = sessions
        # Turns holding their lock at once: each holds a connection for it and needs another
        # to work, so fewer than half the pool (storage/db.py) may wait, never all of it.
        self._turns = asyncio.Semaphore(TURNS_AT_ONCE)

    def turn(self, channel: str, user_id: str) -> AbstractAsyncContextManager[None]:
        return one_at_a_time(self.sessions.kw["bind"], self._turns, "turn", channel, user_id)

    async def load(self, channel: str, user_id: str) -> ConversationState | None:
        async with self.sessions() as session:
            person = await person_for(session, channel, user_id)
            if person is None:
                return None
            conversation = await session.scalar(
                select(Conversation).where(Conversation.person_id == person.id)
            )
            saved: dict[str, Any] = conversation.state if conversation else {}
            known = {k: v for k, v in saved.items() if k in _FIELDS}
            return ConversationState(language=person.language, **known)

    async def save(
        self, channel: str, user_id: str, state: ConversationState, display_name: str = "",
        receipt: Receipt | None = None,
    ) -> None:
        async with self.sessions.begin() as session:
            if receipt is not None:  # first: a second turn for one update fails before writing
                await record_handled(session, channel, receipt.update, user_id, receipt.reply)
            person = await ensure_person(session, channel, user_id)
            person.language = state.language
            if display_name:
                person.display_name = display_name[:200]
            conversation = await session.scalar(
                select(Conversation).where(Conversation.person_id == person.id)
            )
            if conversation is None:
                conversation = Conversation(person_id=person.id)
                session.add(conversation)
            data = dataclasses.asdict(state)
            data.pop("language")
            conversation.flow = state.flow
            conversation.state = data
