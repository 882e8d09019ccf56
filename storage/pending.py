"""Data passes an upgrade leaves for the next start. A migration that changes what rows
mean writes its pass's name into `job_runs`; the app runs that pass once at start (it holds
the data key, migrations do not) and removes the name in the same transaction, so a pass
cut short runs again. Each pass is safe to run twice.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from flows.interview import record_heard
from storage.actors import rename
from storage.db import sessions
from storage.models import Application, InterviewSession, JobRun

log = logging.getLogger(__name__)


async def record_held_conversations(session: AsyncSession) -> int:
    """Each child's conversation ended before the decision's record of them (migration
    0022): their decision may now be taken."""
    held = (await session.execute(select(InterviewSession.application_id,
                                         InterviewSession.child_position).where(
        InterviewSession.status == "closed"))).all()
    for application_id, child in held:
        application = await session.get(Application, application_id)
        if application is not None:
            application.decision = record_heard(application.decision, child)
    return len(held)


# The name each migration leaves -> its pass (how many rows it changed).
PASSES: dict[str, Callable[[AsyncSession], Awaitable[int]]] = {
    "citizen-actors": rename,  # 0021
    "children-heard": record_held_conversations,  # 0022
}


async def run_pending(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        marks = set(await connection.scalars(select(JobRun.name).where(
            JobRun.name.in_(PASSES))))
    for name, run in PASSES.items():
        if name in marks:
            async with sessions(engine).begin() as session:
                changed = await run(session)
                await session.execute(delete(JobRun).where(JobRun.name == name))
            log.info("data pass %s done: %d rows", name, changed)
