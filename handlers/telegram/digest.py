"""Every working day at 9:00 the staff group gets the applications due today or overdue."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import date, datetime

from flows.calendar import (
    KZ_TZ,
    OFFICE_OPEN,
    is_working_day,
    next_working_day,
    subtract_working_days,
)
from flows.menu import status_id
from flows.messages import Text
from flows.services import SERVICES
from handlers.telegram.render import split_text
from handlers.telegram.staff_side import StaffSide

JOB = "daily_digest"


async def post_digest(side: StaffSide, today: date) -> None:
    """The terms due today or overdue, and what the outbox could not deliver since the
    previous working day's digest."""
    due = await side.desk.due_or_overdue(today)
    parts = [Text("staff-digest-title", {"date": today})] if due else \
        [Text("staff-digest-empty", {"date": today})]
    parts += [Text("staff-digest-line", {"number": snapshot.number,
                                         "status": Text(status_id(snapshot.status)),
                                         "due": deadline})
              for snapshot, deadline in due]
    parts += [warning for snapshot in await side.desk.open_applications()
              for warning in SERVICES[snapshot.service].digest_warnings(snapshot, today)]
    since = datetime.combine(subtract_working_days(today, 1), OFFICE_OPEN, KZ_TZ)
    troubles = await side.desk.delivery_troubles(since)
    if troubles.expired:
        parts.append(Text("staff-digest-expired", {"count": troubles.expired}))
    if troubles.uncertain:
        parts.append(Text("staff-digest-uncertain", {"count": troubles.uncertain}))
    text = side.l10n.join(tuple(parts), side.language)
    for piece in split_text(text.replace("\n\n", "\n")):
        await side.bot.send_message(side.chat_id, piece)


def next_run(now: datetime) -> datetime:
    """The next 9:00 of a working day, Astana time (today's, if it is still ahead)."""
    local = now.astimezone(KZ_TZ)
    day = local.date()
    if not is_working_day(day) or local.time() >= OFFICE_OPEN:
        day = next_working_day(day)
    return datetime.combine(day, OFFICE_OPEN, KZ_TZ)


async def run_digest(side: StaffSide, stop: asyncio.Event) -> None:
    while not stop.is_set():
        now = side.clock().astimezone(KZ_TZ)
        today = now.date()
        if is_working_day(today) and now.time() >= OFFICE_OPEN and \
                await side.desk.claim_job(JOB, today):
            await post_digest(side, today)
        # Wake at least hourly: the clock may jump (sleep, DST elsewhere, a changed setting).
        wait = min((next_run(now) - now).total_seconds(), 3600.0)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), max(wait, 1.0))



