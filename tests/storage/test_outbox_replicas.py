"""Issue 14: the outbox shared by replicas. A claim is its claimer's until its lease runs out:
another replica's start or claim never settles a message being sent, two claims at once take
different messages, and a claim whose claimer died becomes `uncertain`, never sent again."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from flows.delivery import CITIZEN
from flows.messages import Text
from storage.conversations import ensure_person
from storage.db import sessions
from storage.models import OutboxMessage
from storage.outbox import LEASE, UNCERTAIN, OutboxStore, enqueue, say
from tests.clock import MovableClock


async def queue(db: AsyncEngine, count: int) -> None:
    async with sessions(db).begin() as session:
        person = await ensure_person(session, "telegram", "501")
        for n in range(count):
            enqueue(session, key=f"reply:{n}", audience=CITIZEN, person_id=person.id,
                    message=say(Text("staff-reply", {"text": f"{n}"})))


async def statuses(db: AsyncEngine) -> dict[str, str]:
    async with sessions(db)() as session:
        rows = await session.execute(select(OutboxMessage.key, OutboxMessage.status))
        return {key: status for key, status in rows}


async def test_a_replica_starting_leaves_alone_what_another_is_sending(
    db: AsyncEngine, clock: MovableClock
) -> None:
    await queue(db, 2)
    sending, starting = OutboxStore(sessions(db)), OutboxStore(sessions(db))
    claimed = await sending.claim_due(clock(), limit=1)
    assert [item.key for item in claimed] == ["reply:0"]

    assert await starting.recover(clock(), exclusive=False) == 0
    await starting.claim_due(clock() + LEASE / 2, limit=10)  # within the lease: untouched
    assert (await statuses(db))["reply:0"] == "sending"
    await sending.mark_sent(claimed[0].id, "7", clock())
    assert (await statuses(db))["reply:0"] == "sent"


async def test_a_claim_whose_claimer_died_becomes_uncertain_and_staff_check_it(
    db: AsyncEngine, clock: MovableClock
) -> None:
    await queue(db, 1)
    await OutboxStore(sessions(db)).claim_due(clock(), limit=1)  # and then the replica died

    survivor = OutboxStore(sessions(db))
    later = clock() + LEASE + timedelta(seconds=1)
    again = await survivor.claim_due(later, limit=10)
    seen = await statuses(db)
    assert seen["reply:0"] == UNCERTAIN  # never sent again blindly
    assert [item.key for item in again] == ["uncertain:reply:0"]  # staff are told at once


async def test_two_claims_at_the_same_instant_take_different_messages(
    db: AsyncEngine, clock: MovableClock
) -> None:
    await queue(db, 6)
    first, second = OutboxStore(sessions(db)), OutboxStore(sessions(db))
    a, b = await asyncio.gather(first.claim_due(clock(), limit=3),
                                second.claim_due(clock(), limit=3))
    keys = [item.key for item in a + b]
    assert len(keys) == len(set(keys))  # no message claimed twice
    assert all(status == "sending" for key, status in (await statuses(db)).items()
               if key in keys)


async def test_the_only_process_settles_every_claim_at_its_start(
    db: AsyncEngine, clock: MovableClock
) -> None:
    await queue(db, 1)
    await OutboxStore(sessions(db)).claim_due(clock(), limit=1)  # the process was killed
    assert await OutboxStore(sessions(db)).recover(clock(), exclusive=True) == 1
    assert (await statuses(db))["reply:0"] == UNCERTAIN


async def test_the_days_digest_is_queued_once_with_its_claim_whichever_replica_gets_there(
    db: AsyncEngine, clock: MovableClock
) -> None:
    from flows.delivery import GROUP
    from flows.messages import OutgoingMessage
    from storage.staff import StaffDesk

    digest = OutgoingMessage((Text("staff-digest-empty", {"date": clock().date()}),))
    one, other = StaffDesk(sessions(db)), StaffDesk(sessions(db))
    won = await asyncio.gather(one.post_once("daily_digest", clock().date(), digest),
                               other.post_once("daily_digest", clock().date(), digest))
    assert sorted(won) == [False, True]
    # Whoever claimed may die now: the digest waits in the outbox, for the group itself.
    [item] = await OutboxStore(sessions(db)).claim_due(clock(), limit=10, staff=1)
    assert (item.audience, item.person_id, item.channel) == (GROUP, None, "telegram")
    assert not await one.post_once("daily_digest", clock().date(), digest)  # a restart
