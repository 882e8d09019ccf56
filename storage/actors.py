"""Citizens named by their row in the audit log and the notes (`citizen_actor`), once more
for the rows an older version wrote.

Until migration 0021 a citizen's step was written with their account as its actor
("telegram:<id>", "whatsapp:<phone>", "email:<address>"): readable without the key, and
left behind by an erasure. The migration leaves a mark; the next start renames those actors
here, since finding the person by their account takes the key (the blind index), which
migrations do not hold (storage/pending.py).
"""

from __future__ import annotations

from sqlalchemy import or_, select, true, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.conversations import person_for
from storage.models import ApplicationNote, AuditEntry, citizen_actor

CHANNELS = ("telegram", "whatsapp", "email")
# A member of the staff group who is not staff: not a citizen's step, their id stays.
NOT_A_CITIZEN = ("staff.denied",)
NOBODY = "citizen:-"  # an account no person row holds any more


async def rename(session: AsyncSession) -> int:
    """Every citizen's account written as an actor becomes their row; how many rows changed
    (run again, it finds none: the renamed no longer look like an account)."""
    renamed = 0
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
    return renamed
