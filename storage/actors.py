"""Citizens named by their row in the audit log and the notes (`citizen_actor`), once more
for the rows an older version wrote.

Until migration 0021 a citizen's step was written with their account as its actor
("telegram:<id>", "whatsapp:<phone>", "email:<address>"): readable without the key, and
left behind by an erasure. The migration leaves a mark; the next start renames those actors
here, since finding the person by their account takes the key (the blind index), which
migrations do not hold.
"""

from __future__ import annotations

from sqlalchemy import delete, or_, select, true, update
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.conversations import person_for
from storage.db import sessions
from storage.models import ApplicationNote, AuditEntry, JobRun, citizen_actor

PENDING = "citizen-actors"  # what migration 0021 leaves in job_runs
CHANNELS = ("telegram", "whatsapp", "email")
# A member of the staff group who is not staff: not a citizen's step, their id stays.
NOT_A_CITIZEN = ("staff.denied",)
NOBODY = "citizen:-"  # an account no person row holds any more


async def rename_if_pending(engine: AsyncEngine) -> int:
    """Once after the upgrade: every citizen's account written as an actor becomes their row.
    How many rows changed (a second run finds none: the renamed no longer look like one)."""
    async with engine.connect() as connection:
        if await connection.scalar(select(JobRun.name).where(JobRun.name == PENDING)) is None:
            return 0
    renamed = 0
    async with sessions(engine).begin() as session:
        for table, among in ((AuditEntry, AuditEntry.action.not_in(NOT_A_CITIZEN)),
                             (ApplicationNote, true())):
            legacy = or_(*(table.actor.startswith(f"{channel}:") for channel in CHANNELS))
            for actor in set(await session.scalars(select(table.actor).where(legacy, among))):
                channel, _, account = actor.partition(":")
                person = await person_for(session, channel, account)
                result = await session.execute(update(table).where(
                    table.actor == actor, among).values(
                    actor=NOBODY if person is None else citizen_actor(person.id)))
                renamed += int(getattr(result, "rowcount", 0) or 0)
        await session.execute(delete(JobRun).where(JobRun.name == PENDING))
    return renamed
