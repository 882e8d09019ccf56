"""The update log: what arrived, how far its handling got, and the reply still owed.

`first_time` marks an update done on receipt (at most once). A citizen's update goes
further: `receive` keeps it; `record_handled`, inside the transaction that saves the
conversation, marks it handled and stores its reply; `progress` counts the reply's messenger
calls as they go out, and the last one closes the update (`close` gives one up). After a
crash, `received` and `owed` say what the restart still has to do.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from sqlalchemy import (
    Connection,
    Table,
    bindparam,
    delete,
    insert,
    null,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from flows.messages import OutgoingMessage, Reply
from flows.ports import HandledBefore
from flows.wire import message_from_json, message_to_json, text_from_json, text_to_json
from storage.clock import now_of, to_db
from storage.db import engine_of, in_one_go
from storage.models import ProcessedUpdate
from storage.prepared import Prepared

Json = dict[str, Any]

RECEIVED, HANDLED, DONE = "received", "handled", "done"
# When nothing more is owed, the update and the reply are dropped (they hold personal data);
# the mark stays.
_DROPPED: dict[str, Any] = {"status": DONE, "payload": null(), "reply": null()}
_LOG: Table = ProcessedUpdate.__table__  # type: ignore[assignment]
# A turn's writes to the log, built once and rendered once per database (storage/prepared.py):
# built for every call, a statement cost a third of its transaction; and a plain connection
# skips the ORM session's bookkeeping (issue 15). Bound names differ from the columns'
# (SQLAlchemy reserves those in a SET clause).
_THIS = (_LOG.c.channel == bindparam("the_channel"), _LOG.c.key == bindparam("the_key"))
_PROGRESS = Prepared(update(_LOG).where(*_THIS).values(sent_calls=bindparam("the_sent")))
_PROGRESS_DONE = Prepared(update(_LOG).where(*_THIS).values(sent_calls=bindparam("the_sent"),
                                                             **_DROPPED))
_CLOSE = Prepared(update(_LOG).where(*_THIS, _LOG.c.status != DONE).values(**_DROPPED))
# A poll's updates: which were logged before, and the others logged, in one transaction.
_KNOWN = select(_LOG.c.key, _LOG.c.status).where(
    _LOG.c.channel == bindparam("the_channel"),
    _LOG.c.key.in_(bindparam("the_keys", expanding=True)))
_ARRIVED = insert(_LOG)
_HANDLED = Prepared(update(_LOG).where(*_THIS, _LOG.c.status == RECEIVED).values(
    status=HANDLED, chat=bindparam("the_chat"), reply=bindparam("the_reply"), sent_calls=0))


@dataclass(frozen=True)
class OwedReply:
    key: str
    chat: str
    reply: Reply
    sent: int  # how many of the reply's messenger calls went out
    update: Json  # the update as received


class SeenUpdates:
    """`idle`, with replicas: `received` and `owed` give only updates nobody touched for that
    long (receipt, handling and each reply call touch one), so a replica takes over what a
    dead one left and never what a live one is still answering. Alone, everything is its."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession],
                 idle: timedelta | None = None) -> None:
        self.sessions = sessions
        self.idle = idle

    async def first_time(self, channel: str, key: str) -> bool:
        """Record the update as done; False when it was recorded before."""
        try:
            async with self.sessions.begin() as session:
                session.add(ProcessedUpdate(channel=channel, key=key, status=DONE))
        except IntegrityError:
            return False
        return True

    async def receive(self, channel: str, key: str, payload: Json) -> bool:
        """Keep the update until it is answered; False when it was handled before (a receipt
        cut short by a crash is to be handled again: True)."""
        try:
            async with self.sessions.begin() as session:
                session.add(ProcessedUpdate(channel=channel, key=key, status=RECEIVED,
                                            payload=payload))
        except IntegrityError:
            async with self.sessions() as session:
                status = await session.scalar(
                    select(ProcessedUpdate.status).where(*_row(channel, key)))
            return status == RECEIVED
        return True

    async def receive_all(self, channel: str,
                          arrivals: Sequence[tuple[str, Json | None]]) -> list[bool]:
        """`receive` (with a payload) or `first_time` (None) for a whole poll's updates, in
        one transaction: logging them one by one cost a transaction each before the next
        poll could go."""
        def log(connection: Connection) -> dict[str, str]:
            known = dict(connection.execute(_KNOWN, {
                "the_channel": channel, "the_keys": [key for key, _ in arrivals]}).all())
            new = [{"channel": channel, "key": key, "payload": payload,
                    "status": DONE if payload is None else RECEIVED}
                   for key, payload in arrivals if key not in known]
            if new:
                connection.execute(_ARRIVED, new)
            return known

        try:
            known = await in_one_go(engine_of(self.sessions), log)
        except IntegrityError:  # another process logged one meanwhile: one by one, then
            return [await (self.first_time(channel, key) if payload is None
                           else self.receive(channel, key, payload))
                    for key, payload in arrivals]
        return [key not in known or (payload is not None and known[key] == RECEIVED)
                for key, payload in arrivals]

    async def progress(self, channel: str, key: str, sent: int, done: bool = False) -> None:
        """`sent` of the reply's calls went out; `done`: nothing more is owed."""
        await in_one_go(engine_of(self.sessions), partial(
            (_PROGRESS_DONE if done else _PROGRESS).run,
            values={"the_channel": channel, "the_key": key, "the_sent": sent}))

    async def close(self, channel: str, key: str) -> None:
        """Nothing more is owed (a no-op, with nothing written, when that is known)."""
        await in_one_go(engine_of(self.sessions), partial(
            _CLOSE.run, values={"the_channel": channel, "the_key": key}))

    async def received(self, channel: str) -> list[Json]:
        """Updates received and never handled, as they came."""
        async with self.sessions() as session:
            payloads = await session.scalars(select(ProcessedUpdate.payload).where(
                *self._left(session, channel, RECEIVED),
            ).order_by(ProcessedUpdate.at))  # as they came: not every key counts up
            return [payload for payload in payloads if payload is not None]

    async def owed(self, channel: str) -> list[OwedReply]:
        """Updates handled whose reply was not all sent."""
        async with self.sessions() as session:
            rows = await session.scalars(select(ProcessedUpdate).where(
                *self._left(session, channel, HANDLED)).order_by(ProcessedUpdate.at))
            return [_owed(row) for row in rows]

    def _left(self, session: AsyncSession, channel: str, status: str) -> tuple[Any, ...]:
        """The updates of a status that are this process's to finish."""
        where = (ProcessedUpdate.channel == channel, ProcessedUpdate.status == status)
        if self.idle is None:
            return where
        return (*where, ProcessedUpdate.at <= to_db(now_of(session) - self.idle))

    async def owed_for(self, channel: str, key: str) -> OwedReply | None:
        async with self.sessions() as session:
            row = await session.scalar(select(ProcessedUpdate).where(
                *_row(channel, key), ProcessedUpdate.status == HANDLED))
            return None if row is None else _owed(row)


def _owed(row: ProcessedUpdate) -> OwedReply:
    return OwedReply(row.key, row.chat or "", reply_from_json(row.reply or {}), row.sent_calls,
                     row.payload or {})


def record_handled(connection: Connection, channel: str, key: str, chat: str,
                   reply: Reply) -> None:
    """In the transaction that saves the turn's state: the update is handled, its reply owed.
    An update handled before raises `HandledBefore`, which rolls the whole turn back."""
    as_json = reply_to_json(reply)
    marked = _HANDLED.run(connection, {"the_channel": channel, "the_key": key,
                                           "the_chat": chat, "the_reply": as_json})
    if marked.rowcount == 1:
        return
    if connection.execute(_KNOWN, {"the_channel": channel, "the_keys": [key]}).first():
        raise HandledBefore(key)
    connection.execute(_ARRIVED, {"channel": channel, "key": key, "status": HANDLED,
                                  "chat": chat, "reply": as_json, "sent_calls": 0})


async def prune_handled(session: AsyncSession, before: datetime) -> int:
    """Forget the keys of updates done before then (naive UTC): the messengers redeliver
    an update for a day at most, and the log must not grow without bound. An update still
    owed a reply is kept whatever its age."""
    pruned = await session.execute(delete(ProcessedUpdate).where(
        ProcessedUpdate.status == DONE, ProcessedUpdate.at < before))
    return int(pruned.rowcount)  # type: ignore[attr-defined]


def _row(channel: str, key: str) -> tuple[Any, ...]:
    return _LOG.c.channel == channel, _LOG.c.key == key


# ---------------------------------------------------------------------- the reply as JSON
def reply_to_json(reply: Reply) -> Json:
    return {
        "language": reply.language,
        "messages": [_message_to_json(message) for message in reply.messages],
        "notice": text_to_json(reply.notice) if reply.notice is not None else None,
        "escalate": reply.escalate,
        "relay": reply.relay,
        "close_contact": reply.close_contact,
    }


def reply_from_json(data: Json) -> Reply:
    notice = data.get("notice")
    return Reply(
        data.get("language", ""),
        tuple(_message_from_json(message) for message in data.get("messages", [])),
        text_from_json(notice) if notice is not None else None,
        escalate=bool(data.get("escalate")),
        relay=bool(data.get("relay")),
        close_contact=bool(data.get("close_contact")),
    )


def _message_to_json(message: OutgoingMessage) -> Json:
    data = message_to_json(message)  # the attachment, if any, in base64 (flows/wire.py)
    data["ask_contact"] = message.ask_contact
    return data


def _message_from_json(data: Json) -> OutgoingMessage:
    message = message_from_json(data)
    return replace(message, ask_contact=bool(data.get("ask_contact")))
