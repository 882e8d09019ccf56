"""The outbox's side of an erasure: a message about an anonymised application, or one
`/forget` reached, keeps no words. One still queued is cancelled; one whose send is under
way is left to that send (the worker already holds its words), marked `erase_after_send`,
and emptied the moment the send ends (`after_send`); `settle_messages` at the next erasure
or daily run finishes what a crash left.

Apart from storage/privacy.py so that the outbox, which privacy's helpers use, can finish
an erasure in the transaction that ends a send."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Application, AuditEntry, OutboxMessage

ERASER = "privacy"  # the audit actor of an erasure
# The audit action that marks an application anonymised (its subject: the number).
ANONYMISED = "application.anonymised"
QUEUED = ("pending", "sending")  # a message that may still go out, with its file
CANCELLED = "cancelled"  # a queued message that must never go out (the worker sends `pending`)
SENDING = "sending"
# Messages an erasure could not empty yet: their send was under way (their ids only).
MESSAGES_HELD = "outbox.held"


def about_anonymised() -> Any:
    """A condition on `OutboxMessage`: it is about an application already anonymised."""
    return OutboxMessage.application_id.in_(select(Application.id).where(
        Application.number.in_(select(AuditEntry.subject).where(
            AuditEntry.action == ANONYMISED))))


async def erase_messages(session: AsyncSession, which: Any) -> None:
    """These messages lose their words; those still waiting are cancelled. One being sent
    right now is left to its send, marked: `after_send` empties it when the send ends."""
    await session.execute(update(OutboxMessage).where(
        which, OutboxMessage.status == "pending").values(status=CANCELLED))
    await session.execute(update(OutboxMessage).where(
        which, OutboxMessage.status != SENDING).values(payload={}, last_error=""))
    await session.execute(update(OutboxMessage).where(
        which, OutboxMessage.status == SENDING).values(erase_after_send=True))


async def hold_messages(session: AsyncSession, ids: Iterable[int]) -> None:
    """Empty these messages once they are no longer queued: when their send ends
    (`after_send`), or at a later `settle_messages` (after a crash)."""
    held = sorted(set(ids))
    if held:
        session.add(AuditEntry(actor=ERASER, action=MESSAGES_HELD, subject="",
                               details={"outbox": held}))
        await session.execute(update(OutboxMessage).where(
            OutboxMessage.id.in_(held)).values(erase_after_send=True))


async def after_send(session: AsyncSession, message_id: int) -> None:
    """The send of a message marked `erase_after_send` ended (sent, failed, to be retried,
    or put back untried), in the transaction that records it: the erasure is finished now.
    About an anonymised case, the message is emptied and never tried again; one `/forget`
    held back (the person's own, which still goes out first) is emptied once it is out."""
    this = OutboxMessage.id == message_id
    await erase_messages(session, this & about_anonymised())
    await session.execute(update(OutboxMessage).where(
        this, OutboxMessage.status.not_in(QUEUED)).values(
        payload={}, last_error="", erase_after_send=False))


async def settle_messages(session: AsyncSession) -> None:
    """Finish the erasure of messages (each erasure and each daily run): a message about an
    anonymised application put back in the queue (a retried send, a staff message repeated
    after a restart) is cancelled; one whose send was under way, and one held back before,
    is emptied once it is no longer queued, otherwise held back again."""
    await session.execute(update(OutboxMessage).where(
        about_anonymised(), OutboxMessage.status == "pending").values(
        status=CANCELLED, payload={}, last_error=""))
    held: set[int] = set()
    for row in (await session.scalars(select(AuditEntry).where(
            AuditEntry.action == MESSAGES_HELD))).all():
        held |= {int(item) for item in row.details.get("outbox", [])}
        await session.delete(row)
    held |= set(await session.scalars(select(OutboxMessage.id).where(
        about_anonymised(), OutboxMessage.status == SENDING)))
    await session.flush()
    if not held:
        return
    done = OutboxMessage.id.in_(held) & OutboxMessage.status.not_in(QUEUED)
    await session.execute(update(OutboxMessage).where(done).values(payload={}, last_error=""))
    await hold_messages(session, await session.scalars(select(OutboxMessage.id).where(
        OutboxMessage.id.in_(held), OutboxMessage.status.in_(QUEUED))))
