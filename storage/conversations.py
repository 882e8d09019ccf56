"""ConversationStore on SQL: language on `people`, the flow state on `conversations`, and the
update the turn answered marked in the same transaction (`storage.updates`).

A turn is load, work, save, under the person's lock (`turn`). What `load` found (the row ids,
the language and name as stored, whether they may sit in a conversation with a child) is
remembered for the rest of that turn only: the turn's other lookups of the same person, and
the save, need no second search by the blind index. The load and the save are each one
transaction run as one synchronous call (`storage.db.in_one_go`): they are most of what a
turn asks of the database, on every update (bench/throughput.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import dataclasses
from collections.abc import AsyncIterator
from contextvars import ContextVar
from functools import partial
from typing import Any

from sqlalchemy import Connection, Select, Table, bindparam, exists, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from flows.ports import ConversationState, Receipt
from storage.db import engine_of, in_one_go
from storage.models import (
    Application,
    Conversation,
    InterviewInvite,
    InterviewSession,
    Person,
)
from storage.prepared import Prepared
from storage.replicas import one_at_a_time
from storage.sealed import marks, matches
from storage.updates import record_handled

TURNS_AT_ONCE = 6
_FIELDS = {f.name for f in dataclasses.fields(ConversationState)} - {"language"}
# Plain tables: an update by id needs none of the ORM's session synchronisation.
_PEOPLE: Table = Person.__table__  # type: ignore[assignment]
_CONVERSATIONS: Table = Conversation.__table__  # type: ignore[assignment]
# A turn's load and save, built once (a statement built per call costs a third of its
# transaction) and rendered once per database (storage/prepared.py); the load goes through a
# plain connection, without an ORM session (issue 15).
# A person is found by their blind index's mark: one, or while a key is rotated in, one per key.
# Only then an IN list, which is rendered again at every execution.
_BY_MARK = (Person.channel == bindparam("the_channel"),
            Person.external_key == bindparam("the_mark"))
_BY_MARKS = (Person.channel == bindparam("the_channel"),
             Person.external_key.in_(bindparam("the_marks", expanding=True)))
# Whether the person may sit in a conversation with a child (storage/sessions.py), asked with
# the load: most people never do, and their typed messages then need no second lookup.
_MAY_BE_SEATED = or_(
    exists().where(InterviewInvite.child_person_id == Person.id),
    exists().where(Application.person_id == Person.id,
                   InterviewSession.application_id == Application.id,
                   InterviewSession.status == "open"))
_LOAD_FROM = (select(Person.id, Person.language, Person.display_name, Conversation.id,
                     Conversation.state, _MAY_BE_SEATED)
              .outerjoin(Conversation, Conversation.person_id == Person.id))
_LOAD = (Prepared(_LOAD_FROM.where(*_BY_MARK)), _LOAD_FROM.where(*_BY_MARKS))
_PERSON_ID = (Prepared(select(Person.id).where(*_BY_MARK)),
              select(Person.id).where(*_BY_MARKS))
_SAVE = Prepared(update(_CONVERSATIONS).where(_CONVERSATIONS.c.id == bindparam("the_id"))
                 .values(flow=bindparam("the_flow"), state=bindparam("the_state")))


@dataclasses.dataclass(frozen=True)
class _Loaded:
    """One person's rows as the turn's `load` found them."""

    person_id: int
    conversation_id: int | None
    language: str | None
    display_name: str
    may_be_seated: bool
    # The row's state as loaded, when in the menu: a copy, out of reach of the turn's changes
    # in place (an answer appended to). A turn there that changed nothing is not written.
    menu_state: dict[str, Any] | None


Account = tuple[str, str]  # channel, the messenger's id
# The accounts whose turn the current task is in, and what their load found.
_TURN: ContextVar[dict[Account, _Loaded] | None] = ContextVar("turn", default=None)


def person_id_for(connection: Connection, channel: str, external_id: str) -> int | None:
    """The person's id: known already inside their turn, else looked up."""
    known = (_TURN.get() or {}).get((channel, external_id))
    if known is not None:
        return known.person_id
    found = _first(connection, _PERSON_ID, channel, external_id)
    return None if found is None else int(found[0])


def surely_unseated(channel: str, external_id: str) -> bool:
    """Inside the person's turn, its load found them in no conversation with a child."""
    known = (_TURN.get() or {}).get((channel, external_id))
    return known is not None and not known.may_be_seated


def _first(connection: Connection, statements: tuple[Prepared, Select[Any]], channel: str,
           external_id: str) -> tuple[Any, ...] | None:
    """The first row that the statement of a pair (by one mark, by several) finds of this
    person."""
    found = marks(connection.dialect, channel, external_id)
    if len(found) == 1:
        return statements[0].first(connection, {"the_channel": channel, "the_mark": found[0]})
    row = connection.execute(statements[1], {"the_channel": channel, "the_marks": found}).first()
    return None if row is None else tuple(row)


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

    @contextlib.asynccontextmanager
    async def turn(self, channel: str, user_id: str) -> AsyncIterator[None]:
        async with one_at_a_time(engine_of(self.sessions), self._turns, "turn", channel,
                                 user_id):
            token = _TURN.set({})
            try:
                yield
            finally:
                _TURN.reset(token)

    async def load(self, channel: str, user_id: str) -> ConversationState | None:
        found = await in_one_go(engine_of(self.sessions), partial(
            _first, statements=_LOAD, channel=channel, external_id=user_id))
        if found is None:
            return None
        person_id, language, display_name, conversation_id, saved, seated = found
        remembered = _TURN.get()
        if remembered is not None:
            remembered[(channel, user_id)] = _Loaded(person_id, conversation_id, language,
                                                     display_name, bool(seated),
                                                     _in_menu(saved))
        known = {k: v for k, v in (saved or {}).items() if k in _FIELDS}
        return ConversationState(language=language, **known)

    async def save(
        self, channel: str, user_id: str, state: ConversationState, display_name: str = "",
        receipt: Receipt | None = None,
    ) -> None:
        def handled(connection: Connection) -> None:
            if receipt is not None:  # first: a second turn for one update fails before writing
                record_handled(connection, channel, receipt.update, user_id, receipt.reply)

        def onto(known: _Loaded, connection: Connection) -> None:
            handled(connection)
            if not _save_known(connection, known, state, display_name):
                raise _Gone  # rolled back: saved anew below

        engine = engine_of(self.sessions)
        known = (_TURN.get() or {}).get((channel, user_id))
        if known is not None:
            with contextlib.suppress(_Gone):
                return await in_one_go(engine, partial(onto, known))
        # A first turn, or rows erased meanwhile: the ORM finds or makes them.
        async with engine.begin() as connection:
            await connection.run_sync(handled)
            async with AsyncSession(bind=connection) as session:
                await _save_new(session, channel, user_id, state, display_name)
                await session.flush()


def _in_menu(saved: dict[str, Any] | None) -> dict[str, Any] | None:
    return copy.deepcopy(saved) if saved is not None and saved.get("flow") is None else None


class _Gone(Exception):
    """The turn loaded no conversation row, or its rows were erased meanwhile (/forget)."""


async def _save_new(session: AsyncSession, channel: str, user_id: str,
                    state: ConversationState, display_name: str) -> None:
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


def _save_known(connection: Connection, known: _Loaded, state: ConversationState,
                display_name: str) -> bool:
    """Save onto the rows this turn loaded, by id; False when they are gone (erased during
    the turn) or there is no conversation row yet: the caller then finds or makes them."""
    if known.conversation_id is None:
        return False
    data = dataclasses.asdict(state)
    data.pop("language")
    # In the menu, a turn that changed nothing (a text there, a tap on "Contacts") writes
    # nothing to the row: most turns in the menu are such (issue 15). In a flow it is written
    # all the same: its time is the draft's last activity, which draft retention reads.
    if state.flow is not None or data != known.menu_state:
        saved = _SAVE.run(connection, {"the_id": known.conversation_id,
                                       "the_flow": state.flow, "the_state": data})
        if saved.rowcount != 1:
            return False
    changed: dict[str, Any] = {}
    if state.language != known.language:
        changed["language"] = state.language
    if display_name and display_name[:200] != known.display_name:
        changed["display_name"] = display_name[:200]
    if changed:
        connection.execute(
            update(_PEOPLE).where(_PEOPLE.c.id == known.person_id).values(**changed))
    return True
