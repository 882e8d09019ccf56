"""Enquiries kept as audit rows (no table of their own), each with its note to staff in the
outbox; a turn handled again records nothing twice; the digest reads them back by time."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from flows.messages import OutgoingMessage, Text
from storage.conversations import ensure_person
from storage.db import sessions
from storage.enquiries import SqlEnquiries
from storage.models import AuditEntry, OutboxMessage
from tests.storage.conftest import START

NOTE = OutgoingMessage((Text("staff-enquiry-restricted-rights",
                             {"body": Text("body-kst-rudny")}),))


async def test_an_enquiry_is_recorded_once_with_its_note_to_staff(db: AsyncEngine) -> None:
    maker = sessions(db)
    async with maker.begin() as session:
        person = await ensure_person(session, "telegram", "501")
        person.display_name = "Айгүл"
    enquiries = SqlEnquiries(maker)
    for _replay in range(2):  # the same turn handled again after a crash
        await enquiries.record("telegram", "501", "restricted-rights", "kst-rudny", "draft-1",
                               NOTE, START)
    await enquiries.record("whatsapp", "77011234567", "restricted-rights", "astana-edu",
                           "draft-2", NOTE, START + timedelta(hours=2))
    async with maker() as session:
        rows = list(await session.scalars(select(AuditEntry).order_by(AuditEntry.id)))
        notes = await session.scalar(select(func.count()).select_from(OutboxMessage)
                                     .where(OutboxMessage.key.startswith("enquiry:")))
    other = rows[1].details["person"]  # the WhatsApp citizen, first seen here
    assert [(row.action, row.subject, row.actor) for row in rows] == [
        ("enquiry.restricted-rights", "kst-rudny", f"citizen:{person.id}"),
        ("enquiry.restricted-rights", "astana-edu", f"citizen:{other}")]
    assert notes == 2

    listed = await enquiries.enquiries_since(START)
    assert [(e.kind, e.subject, e.name, e.at) for e in listed] == [
        ("restricted-rights", "kst-rudny", "Айгүл", START),
        ("restricted-rights", "astana-edu", "", START + timedelta(hours=2))]
    later = await enquiries.enquiries_since(START + timedelta(hours=1))
    assert [e.subject for e in later] == ["astana-edu"]
