"""The outbox: messages written with the change they announce, delivered by a worker.

Delivery protocol (never lost, never doubled):
1. `claim_due` marks a message `sending` and records the attempt, committed *before* the send;
2. the worker sends it, then `mark_sent`;
3. a message still `sending` after its claimer died may or may not have gone out: it is
   marked `uncertain` (never resent automatically). A claim carries a lease: with one
   process (SQLite) a restart settles every claim at once (`recover`); with replicas, only
   claims whose lease ran out are settled, at each claim, so nobody touches a message
   another replica is sending. For a citizen's message staff are told, to check
   and resend; a message to staff is posted again, marked as a repeat (a card carries the only
   Accept/Refuse buttons, so staff must never silently lack it).
Transient failures go back to `pending` with a later `next_attempt_at`. A message past its
`not_after` is never sent: the claim marks it `expired` (the staff digest counts both kinds).
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Connection,
    CursorResult,
    DateTime,
    Select,
    Table,
    and_,
    bindparam,
    exists,
    false,
    or_,
    select,
    true,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from flows.delivery import CITIZEN, OUTSIDE_WINDOW, STAFF, TO_STAFF_GROUP, OutboxItem
from flows.menu import child_way_button
from flows.messages import OutgoingMessage, Text
from flows.procedure import with_buttons
from flows.validators import shown_email
from flows.wire import document_of, message_from_json, message_to_json
from storage.clock import to_db
from storage.conversations import buttons_seq
from storage.db import engine_of, in_one_go
from storage.erased_messages import after_send
from storage.models import Application, InterviewInvite, OutboxMessage, Person
from storage.prepared import Prepared

EXPIRED = "expired"
FAILED = "failed"  # given up on: the digest counts them
UNCERTAIN = "uncertain"
REPEAT_MARK = "staff-delivery-repeat"
# What `undeliverable` means where it is not "the citizen blocked the bot": channel -> (staff's
# message, the applicant's message), both naming the address.
UNDELIVERABLE_ON = {"email": ("staff-delivery-undeliverable-email", "email-bounced")}
# How long a claim is its claimer's by default: far longer than a send (aiogram gives up on a
# request after 60 s). `OUTBOX_LEASE_SECONDS` sets it.
LEASE = timedelta(minutes=5)

log = logging.getLogger(__name__)

# The end of a send, the one statement each message takes after its claim: rendered once
# (storage/prepared.py) and run on a plain connection, it no longer costs an ORM session
# (issue 15). It touches only a message no erasure marked; a marked one takes `after_send`.
_OUT: Table = OutboxMessage.__table__  # type: ignore[assignment]
_UNMARKED = (_OUT.c.id == bindparam("the_id"), _OUT.c.erase_after_send.is_(false()))
_SENT = Prepared(update(_OUT).where(*_UNMARKED).values(
    status="sent", sent_at=bindparam("the_at"), provider_message_id=bindparam("the_provider"),
    last_error=bindparam("the_error")).returning(_OUT.c.id))
_RETRY = Prepared(update(_OUT).where(*_UNMARKED).values(
    status="pending", next_attempt_at=bindparam("the_at"),
    last_error=bindparam("the_error")).returning(_OUT.c.id))


def enqueue(
    session: AsyncSession,
    *,
    key: str,
    audience: str,
    person_id: int | None,
    message: OutgoingMessage,
    application_id: int | None = None,
    document: dict[str, Any] | None = None,
    template: dict[str, str] | None = None,
    not_before: datetime | None = None,
    not_after: datetime | None = None,
    child: int | None = None,
) -> None:
    """Add a message inside the caller's transaction: the change and its message commit together.
    `child`: the child's place in the application, for a message to that child (siblings may
    share one mailbox, and each child's mails carry their own conversation's code)."""
    payload = message_to_json(message, document)
    if child is not None:
        payload["child"] = child
    if template is not None:  # what a messenger template needs when free text is not allowed
        payload["template"] = template
    row = OutboxMessage(key=key, audience=audience, person_id=person_id,
                        application_id=application_id, payload=payload)
    if not_before is not None:  # a reminder: the worker sends it when this time comes
        row.next_attempt_at = to_db(not_before)
    if not_after is not None:  # pointless later: a reminder after the slot, a passed deadline
        row.not_after = to_db(not_after)
    session.add(row)


def say(*parts: Text) -> OutgoingMessage:
    return OutgoingMessage(parts)


class OutboxStore:
    def __init__(self, sessions: async_sessionmaker[AsyncSession],
                 lease: timedelta = LEASE) -> None:
        self.sessions, self.lease = sessions, lease

    async def claim_due(self, now: datetime, limit: int = 100, *,
                        staff: int | None = None) -> list[OutboxItem]:
        """Due messages, marked `sending`: up to `limit` to citizens, and up to `staff` to
        the staff group (all of one chat, which takes one message at a time: more would only
        be put back)."""
        async with self.sessions.begin() as session:
            await _settle_uncertain(session, OutboxMessage.lease_until < to_db(now))
            expired: CursorResult[Any] = await session.execute(  # type: ignore[assignment]
                update(OutboxMessage)
                .where(OutboxMessage.status == "pending",
                       OutboxMessage.not_after <= to_db(now))
                .values(status=EXPIRED, last_attempt_at=to_db(now), last_error="expired"))
            if expired.rowcount:
                log.info("%d outbox messages expired unsent", expired.rowcount)
            rows = list((await session.execute(_DUE_TO_CITIZENS, {
                "now": to_db(now), "limit": limit})).all())
            staff_limit = limit if staff is None else staff
            if staff_limit:
                rows += (await session.execute(_DUE_TO_STAFF, {
                    "now": to_db(now), "limit": staff_limit})).all()
            if not rows:
                return []
            rows.sort(key=lambda row: row.id)
            await session.execute(update(_OUT).where(_OUT.c.id.in_([row.id for row in rows]))
                                  .values(status="sending", attempts=_OUT.c.attempts + 1,
                                          last_attempt_at=to_db(now),
                                          lease_until=to_db(now + self.lease)))
            return [OutboxItem(  # no person: the staff group itself, on Telegram
                row.id, row.key, row.audience, row.person_id, row.channel or "telegram",
                row.external_id or "", row.language, row.payload, row.attempts + 1,
                row.application_id) for row in rows]

    async def release(self, item_id: int) -> None:
        """Put back a claimed message that was not tried (rate limit, shutdown)."""
        async with self.sessions.begin() as session:
            message = await session.get(OutboxMessage, item_id)
            if message is not None and message.status == "sending":
                message.status = "pending"
                message.attempts -= 1
                await _erasure_finished(session, message)

    async def mark_sent(self, item_id: int, provider_message_id: str | None, now: datetime,
                        owed: str = "") -> None:
        """`owed`: what of it has not gone yet (see `handlers.outcomes.Delivered`)."""
        if not await self._ended(_SENT, item_id, to_db(now), owed,
                                 the_provider=provider_message_id):
            await self._set(item_id, status="sent", sent_at=to_db(now),
                            provider_message_id=provider_message_id, last_error=owed[:500])

    async def mark_retry(self, item_id: int, at: datetime, error: str) -> None:
        if not await self._ended(_RETRY, item_id, to_db(at), error):
            await self._set(item_id, status="pending", next_attempt_at=to_db(at),
                            last_error=error[:500])

    async def mark_failed(self, item_id: int, status: str, error: str) -> None:
        """`failed` (gave up) or `undeliverable` (the person cannot be reached there). Staff
        are told in the applicant's topic. What `undeliverable` means is the channel's: in a
        messenger the citizen blocked the bot; an e-mail address refused the mail (at once, or
        by a bounce later), and then the applicant who gave that address is told too, in the
        same transaction, to check it or choose another channel."""
        async with self.sessions.begin() as session:
            message = await session.get(OutboxMessage, item_id)
            if message is None:
                return
            message.status = status
            message.last_error = error[:500]
            await _erasure_finished(session, message)
            if message.audience != CITIZEN:
                return
            applicant = None if message.application_id is None else await session.scalar(
                select(Application.person_id).where(Application.id == message.application_id))
            # Outside WhatsApp's 24-hour window: staff must wait until the citizen writes.
            reason = "window" if error.startswith(OUTSIDE_WINDOW) else status
            alert, told = Text(f"staff-delivery-{reason}"), None
            person = await session.get(Person, message.person_id)
            if status == "undeliverable" and person is not None \
                    and person.channel in UNDELIVERABLE_ON:
                staff_key, told_key = UNDELIVERABLE_ON[person.channel]
                address = {"address": shown_email(person.external_id)}
                alert = Text(staff_key, address)
                if applicant is not None and applicant != person.id:
                    told = Text(told_key, address)
            key = f"alert:{message.key}"
            if await session.scalar(select(OutboxMessage.id).where(OutboxMessage.key == key)):
                key = f"{key}:{message.attempts}"  # it failed before, was retried, failed again
            enqueue(session, key=key, audience=STAFF, person_id=applicant or message.person_id,
                    application_id=message.application_id, message=say(alert))
            if told is not None and applicant is not None:
                enqueue(session, key=f"{key}:applicant", audience=CITIZEN, person_id=applicant,
                        application_id=message.application_id,
                        message=await _with_the_way_out(session, say(told), message, applicant))

    async def recover(self, now: datetime, *, exclusive: bool) -> int:
        """At the start of delivering: messages a dead claimer left mid-send are `uncertain`
        and staff check them. `exclusive` (the only process): every claim is a dead one."""
        async with self.sessions.begin() as session:
            return await _settle_uncertain(session, true() if exclusive else
                                           OutboxMessage.lease_until < to_db(now))

    async def _ended(self, statement: Prepared, item_id: int, at: datetime, error: str,
                     **more: Any) -> bool:
        """The send's end recorded by `statement`; False when an erasure marked the message
        (or it is gone): then `_set` records it, with the erasure's finish."""
        def run(connection: Connection) -> bool:
            return statement.run(connection, {"the_id": item_id, "the_at": at,
                                              "the_error": error[:500], **more}).row \
                is not None
        return await in_one_go(engine_of(self.sessions), run)

    async def _set(self, item_id: int, **values: Any) -> None:
        async with self.sessions.begin() as session:
            erase = await session.scalar(  # read with the update itself: no more statements
                update(OutboxMessage).where(OutboxMessage.id == item_id).values(**values)
                .returning(OutboxMessage.erase_after_send))
            if erase:
                await after_send(session, item_id)


async def _erasure_finished(session: AsyncSession, message: OutboxMessage) -> None:
    """A send's end changed `message`: an erasure that marked it is finished with it."""
    if message.erase_after_send:
        await session.flush()  # `after_send` reads the row as just changed
        await after_send(session, message.id)


async def _with_the_way_out(session: AsyncSession, notice: OutgoingMessage,
                            failed: OutboxMessage, applicant: int) -> OutgoingMessage:
    """The applicant's notice that a child's address refused the mail carries the button
    that switches how that child joins (by messenger, or another address)."""
    position = await session.scalar(select(InterviewInvite.child_position).where(
        InterviewInvite.application_id == failed.application_id,
        InterviewInvite.child_person_id == failed.person_id))
    if position is None or failed.application_id is None:
        return notice
    return with_buttons(notice, [[child_way_button(str(failed.application_id), position)]],
                        await buttons_seq(session, applicant))


def _due() -> Select[Any]:
    """Due messages, in the order they were written, with whom they go to (bound: `now`,
    `limit`). A chat's messages go in that order: one waits while an earlier one to the same
    chat is being sent, is due, or waits for its retry. A message scheduled for later (a
    reminder) holds nothing back until its time comes. Built once: its construction cost
    more than its run (issue 15)."""
    now: BindParameter[datetime] = bindparam("now", type_=DateTime())
    earlier, people = _OUT.alias("earlier"), Person.__table__
    waits = exists().where(
        earlier.c.person_id == _OUT.c.person_id, earlier.c.audience == _OUT.c.audience,
        earlier.c.id < _OUT.c.id,
        or_(earlier.c.status == "sending",
            and_(earlier.c.status == "pending",
                 or_(earlier.c.attempts > 0, earlier.c.next_attempt_at <= now))))
    return (select(_OUT.c.id, _OUT.c.key, _OUT.c.audience, _OUT.c.person_id, _OUT.c.payload,
                   _OUT.c.attempts, _OUT.c.application_id, people.c.channel,
                   people.c.external_id, people.c.language)
            .select_from(_OUT.outerjoin(people, people.c.id == _OUT.c.person_id))
            .where(_OUT.c.status == "pending", _OUT.c.next_attempt_at <= now, ~waits)
            .order_by(_OUT.c.id).limit(bindparam("limit"))
            .with_for_update(of=_OUT, skip_locked=True))  # replicas apart


# The staff group is one chat, and takes one message at a time: claimed apart.
_DUE_TO_CITIZENS = _due().where(_OUT.c.audience.not_in(TO_STAFF_GROUP))
_DUE_TO_STAFF = _due().where(_OUT.c.audience.in_(TO_STAFF_GROUP))


async def _settle_uncertain(session: AsyncSession, dead: ColumnElement[bool]) -> int:
    """`sending` messages whose claimer is `dead` may or may not have gone out: never sent
    again blindly. A citizen's one is for staff to check; one to staff is posted again, marked
    as a repeat (a card carries the only Accept/Refuse buttons)."""
    stuck = (await session.scalars(select(OutboxMessage).where(
        OutboxMessage.status == "sending", dead).with_for_update(skip_locked=True))).all()
    for message in stuck:
        message.status = UNCERTAIN
        message.lease_until = None
        if message.audience == CITIZEN:
            enqueue(session, key=f"uncertain:{message.key}", audience=STAFF,
                    person_id=message.person_id, application_id=message.application_id,
                    message=say(Text("staff-delivery-uncertain")))
        else:
            enqueue(session, key=f"repeat:{message.key}", audience=message.audience,
                    person_id=message.person_id, application_id=message.application_id,
                    message=_marked_repeat(message_from_json(message.payload)),
                    document=document_of(message.payload))
    if stuck:
        log.warning("%d outbox messages were left mid-send: now uncertain", len(stuck))
    return len(stuck)


def _marked_repeat(message: OutgoingMessage) -> OutgoingMessage:
    if message.parts and message.parts[0].key == REPEAT_MARK:
        return message
    return replace(message, parts=(Text(REPEAT_MARK), *message.parts))


def backoff(attempts: int) -> timedelta:
    """2, 4, 8 ... seconds, at most 10 minutes."""
    return timedelta(seconds=min(2 ** attempts, 600))
