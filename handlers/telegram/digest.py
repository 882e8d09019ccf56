"""Every working day at 9:00 the staff group gets the applications due today or overdue."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import date, datetime
from typing import Protocol

from aiogram.exceptions import TelegramAPIError, TelegramRetryAfter

from flows.calendar import (
    KZ_TZ,
    OFFICE_OPEN,
    is_working_day,
    next_working_day,
    subtract_working_days,
)
from flows.catalogue import body_short_id
from flows.dates import next_term
from flows.enquiries import Enquiry
from flows.menu import status_id
from flows.messages import OutgoingMessage, Text
from flows.ports import Erased
from flows.procedure import Snapshot, card
from flows.related import RELATED, InterestCount
from flows.services import SERVICES
from handlers.telegram.staff_side import StaffSide

JOB = "daily_digest"
# The ways out of the flows, by the kind of enquiry they record.
EXITS = {way.kind: way for service in SERVICES.values() for way in service.form.exits}

log = logging.getLogger(__name__)


class InterestCounts(Protocol):
    """"Tell me when I can apply here" taps per related service (flows/related.py)."""

    async def counts(self, since: datetime) -> list[InterestCount]: ...


class RetentionLog(Protocol):
    """What the retention job erased (storage/retention.py)."""

    async def erased_since(self, since: datetime) -> Erased: ...


class EnquiryLog(Protocol):
    """Enquiries a flow ended with instead of an application (flows/enquiries.py)."""

    async def enquiries_since(self, since: datetime) -> list[Enquiry]: ...


async def post_digest(side: StaffSide, today: date,
                      interests: InterestCounts | None = None,
                      enquiries: EnquiryLog | None = None,
                      retention: RetentionLog | None = None) -> bool:
    """The day's digest (`compose`), queued in the outbox with the claim of the day, so it
    goes once whichever replica gets there first and survives a crash after the claim; then
    the cards whose marks changed since the previous working day are shown anew. False: the
    day's digest was already posted."""
    still_open = await side.desk.open_applications()
    digest = await compose(side, today, still_open, interests, enquiries, retention)
    if not await side.desk.post_once(JOB, today, digest):
        return False
    side.wake()
    await refresh_changed_cards(side, still_open, today)
    return True


async def compose(side: StaffSide, today: date, still_open: list[Snapshot],
                  interests: InterestCounts | None = None,
                  enquiries: EnquiryLog | None = None,
                  retention: RetentionLog | None = None) -> OutgoingMessage:
    """The terms due today or overdue, marked as the cards mark them, the warnings of the
    open applications, and what the outbox could not deliver, who asked about related
    services, the enquiries and what retention erased since the previous working day's
    digest: one line each."""
    due = await side.desk.due_or_overdue(today)
    parts = [Text("staff-digest-title", {"date": today})] if due else \
        [Text("staff-digest-empty", {"date": today})]
    parts += due_lines([snapshot for snapshot, _day in due], today)
    parts += [warning for snapshot in still_open
              for warning in SERVICES[snapshot.service].digest_warnings(snapshot, today)]
    since = datetime.combine(subtract_working_days(today, 1), OFFICE_OPEN, KZ_TZ)
    troubles = await side.desk.delivery_troubles(since)
    if troubles.expired:
        parts.append(Text("staff-digest-expired", {"count": troubles.expired}))
    if troubles.uncertain:
        parts.append(Text("staff-digest-uncertain", {"count": troubles.uncertain}))
    if troubles.failed:
        parts.append(Text("staff-digest-failed", {"count": troubles.failed}))
    if interests is not None:
        parts += interest_lines(await interests.counts(since))
    if enquiries is not None:
        parts += enquiry_lines(await enquiries.enquiries_since(since))
    if retention is not None:
        erased = await retention.erased_since(since)
        if erased.drafts or erased.anonymised:
            parts.append(Text("staff-digest-retention", {"drafts": erased.drafts,
                                                         "closed": erased.anonymised}))
    # One part of many lines (a message's parts would be apart by a blank line each); the
    # sender splits it at Telegram's 4096 characters.
    return OutgoingMessage((Text("staff-digest", {"lines": tuple(parts)}),))


def due_lines(due: list[Snapshot], today: date) -> list[Text]:
    """A line for each application due today or overdue: its next date, the one "My
    applications" shows and the card marks (`flows/dates.py: next_term`), marked alike."""
    return [Text("dates-digest-line", {"number": snapshot.number,
                                       "status": Text(status_id(snapshot.status, snapshot.service)),
                                       "term": term.marked(today)})
            for snapshot in due if (term := next_term(snapshot, today)) is not None]


def interest_lines(counts: list[InterestCount]) -> list[Text]:
    """Who asked to be told when a related service can be applied for here: per service, in
    all and since the previous working day's digest; nothing when nobody has asked."""
    by_service = {count.service: count for count in counts if count.total}
    if not by_service:
        return []
    return [Text("staff-digest-interest-title"), *(
        Text("staff-digest-interest-line", {"service": RELATED[code].name,
                                            "total": count.total, "new": count.new})
        for code in RELATED if (count := by_service.get(code)) is not None)]


def enquiry_lines(enquiries: list[Enquiry]) -> list[Text]:
    """The enquiries since the previous working day's digest, by kind (a parent whose rights
    are restricted, issue 12): how many, then each: when, which body, who."""
    lines: list[Text] = []
    for kind, way_out in EXITS.items():
        these = [enquiry for enquiry in enquiries if enquiry.kind == kind]
        if these:
            lines.append(Text(way_out.digest_title, {"count": len(these)}))
            lines += [Text("staff-digest-enquiry-line", {
                "at": enquiry.at, "body": Text(body_short_id(enquiry.subject)),
                "name": enquiry.name or "—"}) for enquiry in these]
    return lines


async def refresh_changed_cards(side: StaffSide, snapshots: list[Snapshot],
                                today: date) -> None:
    """A card is drawn when something happens to its application; a term coming due, running
    out or closing a step (the preliminary refusal) changes it too, so each working morning
    the cards that read differently than on the previous working day are redrawn."""
    before = subtract_working_days(today, 1)
    for snapshot in snapshots:
        if card(snapshot, today) == card(snapshot, before):
            continue
        try:
            await side.refresh_card(snapshot, today=today)
        except TelegramRetryAfter as flood:  # many cards at once: wait as Telegram asks
            await asyncio.sleep(flood.retry_after)
            with contextlib.suppress(TelegramAPIError):
                await side.refresh_card(snapshot, today=today)
        except TelegramAPIError as error:  # one card must not keep the others stale
            log.warning("card %s not redrawn: %s", snapshot.number, error.message)


def next_run(now: datetime) -> datetime:
    """The next 9:00 of a working day, Astana time (today's, if it is still ahead)."""
    local = now.astimezone(KZ_TZ)
    day = local.date()
    if not is_working_day(day) or local.time() >= OFFICE_OPEN:
        day = next_working_day(day)
    return datetime.combine(day, OFFICE_OPEN, KZ_TZ)


async def run_digest(side: StaffSide, stop: asyncio.Event,
                     interests: InterestCounts | None = None,
                     enquiries: EnquiryLog | None = None,
                     retention: RetentionLog | None = None) -> None:
    done: date | None = None  # the day this process found posted (by itself or a replica)
    while not stop.is_set():
        now = side.clock().astimezone(KZ_TZ)
        today = now.date()
        if is_working_day(today) and now.time() >= OFFICE_OPEN and done != today:
            await post_digest(side, today, interests, enquiries, retention)
            done = today
        # Wake at least hourly: the clock may jump (sleep, DST elsewhere, a changed setting).
        wait = min((next_run(now) - now).total_seconds(), 3600.0)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), max(wait, 1.0))



