"""Issue 16, items 2-4, on SQLite and PostgreSQL: the child abroad who joins by e-mail.

The parent gives the address: the child is a person of channel "email" (the address,
lower-cased), the invite is theirs at once, their reminders 24 h and 1 h before go to that
person, and the invitation, in the language the parent chose for the child, waits in the
outbox with the calendar file, the time in Berlin and in Astana. A time changed later goes
to the child already in the conversation, by e-mail with a new calendar file.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from flows.calendar import KZ_TZ
from flows.messages import OutgoingMessage, Text
from flows.ports import Booking
from flows.wire import message_from_json
from handlers.email.desk import SessionMailDesk
from handlers.l10n import LANGUAGES, Localizer
from storage.conversations import person_for
from storage.db import sessions
from storage.interviews import SqlInterviews
from storage.mail import SqlMailChildren
from storage.models import InterviewInvite, InterviewSession, OutboxMessage, Person
from storage.sessions import SqlSessions
from tests.storage.test_interviews import MONDAY, SIBLINGS, accepted

WEDNESDAY_TEN = "202611251000"  # 10:00 Astana = 06:00 Berlin = 05:00 UTC
THURSDAY_TEN = "202611261000"
ADDRESS = "arman.s@gmail.com"


async def booked_in_russian(db: AsyncEngine, key: str = WEDNESDAY_TEN) -> tuple[str, Booking]:
    """Application МР-2026-00001 (a son in Berlin) accepted; Wednesday 10:00 booked, the bot
    to speak Russian to the child."""
    ref = await accepted(db, "1", "d1")
    booking = await SqlInterviews(sessions(db)).book("telegram", "1", ref, key, MONDAY, 0, "ru")
    assert isinstance(booking, Booking)
    return ref, booking


async def the_child(db: AsyncEngine, address: str = ADDRESS) -> Person:
    async with sessions(db)() as session:
        child = await person_for(session, "email", address)
    assert child is not None
    return child


async def outbox(db: AsyncEngine, prefix: str) -> list[OutboxMessage]:
    async with sessions(db)() as session:
        return list((await session.scalars(select(OutboxMessage).where(
            OutboxMessage.key.startswith(prefix)).order_by(OutboxMessage.id))).all())


def rendered(row: OutboxMessage, lang: str) -> str:
    message = message_from_json(row.payload)
    return Localizer().join(message.parts, lang)


def attached(row: OutboxMessage) -> bytes:
    message: OutgoingMessage = message_from_json(row.payload)
    assert message.attachment is not None
    assert message.attachment.filename == "МР-2026-00001.ics"
    assert message.attachment.mime == "text/calendar"
    return message.attachment.content


async def test_the_child_by_mail_is_a_person_whose_invite_reminders_and_invitation_wait(
    db: AsyncEngine,
) -> None:
    ref, booking = await booked_in_russian(db)
    interviews = SqlInterviews(sessions(db))
    assert await interviews.invite_by_mail("telegram", "1", ref, 0, ADDRESS, MONDAY) is None

    child = await the_child(db)
    assert (child.channel, child.external_id, child.language) == ("email", ADDRESS, "ru")
    async with sessions(db)() as session:
        invite = await session.scalar(select(InterviewInvite))
    assert invite is not None and invite.code == booking.code
    assert invite.child_person_id == child.id and invite.used_at is not None
    # the child by e-mail is in: the code forwarded by mistake is of no use to anyone else
    assert await interviews.join("telegram", "77", booking.code, MONDAY) == "invite-used"

    # the reminders reach the e-mail child like a joined one, and expire like the others
    reminders = await outbox(db, f"remind:{ref}:{WEDNESDAY_TEN}:")
    to_child = {row.key.split(":")[3]: row for row in reminders if row.key.endswith(":child")}
    assert sorted(to_child) == ["1", "24"]
    assert all(row.person_id == child.id and row.status == "pending" for row in to_child.values())
    assert to_child["24"].next_attempt_at == datetime(2026, 11, 24, 5, 0)  # naive UTC
    assert to_child["1"].next_attempt_at == datetime(2026, 11, 25, 4, 0)
    assert all(row.not_after is not None and row.not_after <= datetime(2026, 11, 25, 5, 0)
               for row in to_child.values())
    assert "06:00" in rendered(to_child["24"], "ru") and "Берлин" in rendered(to_child["24"], "ru")

    # the invitation, to the child, in Russian, with the .ics of the parent's
    (invitation,) = await outbox(db, "invite-mail:")
    assert invitation.key == f"invite-mail:{ref}:0"
    assert (invitation.audience, invitation.person_id) == ("citizen", child.id)
    assert attached(invitation) == booking.calendar
    assert b"DTSTART:20261125T050000Z" in booking.calendar
    text = rendered(invitation, child.language or "")
    assert text.startswith("Привет, Арман! 👋")
    assert "Управление образования города Астаны" in text  # the body, by its name
    assert "25.11.2026, 06:00 (Берлин, местное время)" in text  # the child's own time
    assert "25.11.2026, 10:00 (Астана)" in text  # and the body's
    # how to answer is the footer every mail carries (handlers/email/compose.py)
    assert "{" not in text and "$" not in text


@pytest.mark.parametrize("lang", LANGUAGES)
async def test_the_invitation_reads_in_each_language_with_both_zones(
    db: AsyncEngine, lang: str,
) -> None:
    ref = await accepted(db, "1", "d1")
    interviews = SqlInterviews(sessions(db))
    await interviews.book("telegram", "1", ref, WEDNESDAY_TEN, MONDAY, 0, lang)
    await interviews.invite_by_mail("telegram", "1", ref, 0, ADDRESS, MONDAY)
    assert (await the_child(db)).language == lang
    (invitation,) = await outbox(db, "invite-mail:")
    text = rendered(invitation, lang)
    city = {"kk": "Берлин", "ru": "Берлин", "en": "Berlin"}[lang]
    assert "06:00" in text and city in text and "10:00" in text and "Арман" in text
    assert "{" not in text and "$" not in text


async def test_a_new_time_goes_to_the_child_by_mail_with_a_new_calendar_file(
    db: AsyncEngine,
) -> None:
    ref, _ = await booked_in_russian(db)
    interviews = SqlInterviews(sessions(db))
    await interviews.invite_by_mail("telegram", "1", ref, 0, ADDRESS, MONDAY)
    child = await the_child(db)

    moved = await interviews.book("telegram", "1", ref, THURSDAY_TEN, MONDAY, 0, "ru")
    assert isinstance(moved, Booking)
    assert moved.child_told and moved.child_address == ADDRESS  # the parent is told where

    (notice,) = await outbox(db, f"moved:{ref}:0:{THURSDAY_TEN}:")
    assert notice.person_id == child.id
    assert b"DTSTART:20261126T050000Z" in attached(notice)
    text = rendered(notice, "ru")
    assert "26.11.2026, 06:00 (Берлин, местное время)" in text and "10:00 (Астана)" in text
    old = await outbox(db, f"remind:{ref}:{WEDNESDAY_TEN}:")
    assert {row.status for row in old} == {"cancelled"}  # the old time's reminders are gone
    new = [row for row in await outbox(db, f"remind:{ref}:{THURSDAY_TEN}:")
           if row.key.endswith(":child")]
    assert len(new) == 2 and all(row.person_id == child.id for row in new)
    assert len(await outbox(db, "invite-mail:")) == 1  # no second invitation


async def test_a_child_who_joined_in_the_messenger_is_told_a_new_time_there_too(
    db: AsyncEngine,
) -> None:
    """Before issue 16 such a child lost their reminders when the time moved, unsaid."""
    ref, booking = await booked_in_russian(db)
    interviews = SqlInterviews(sessions(db))
    await interviews.join("whatsapp", "4915112345678", booking.code, MONDAY)
    moved = await interviews.book("telegram", "1", ref, THURSDAY_TEN, MONDAY, 0, "ru")
    assert isinstance(moved, Booking) and moved.child_told and moved.child_address == ""
    (notice,) = await outbox(db, f"moved:{ref}:0:{THURSDAY_TEN}:")
    assert message_from_json(notice.payload).attachment is None
    assert message_from_json(notice.payload).parts[0].key == "child-time-moved"
    new = [row for row in await outbox(db, f"remind:{ref}:{THURSDAY_TEN}:")
           if row.key.endswith(":child")]
    assert len(new) == 2 and {row.person_id for row in new} == {notice.person_id}


async def test_another_address_takes_the_invite_and_the_reminders_once(db: AsyncEngine) -> None:
    ref, _ = await booked_in_russian(db)
    interviews = SqlInterviews(sessions(db))
    await interviews.invite_by_mail("telegram", "1", ref, 0, ADDRESS, MONDAY)
    later = MONDAY + timedelta(hours=1)
    assert await interviews.invite_by_mail("telegram", "1", ref, 0, "arman@mail.ru",
                                           later) is None
    child = await the_child(db, "arman@mail.ru")
    async with sessions(db)() as session:
        invite = await session.scalar(select(InterviewInvite))
    assert invite is not None and invite.child_person_id == child.id
    to_child = [row for row in await outbox(db, f"remind:{ref}:") if row.key.endswith(":child")]
    assert len(to_child) == 2 and all(row.person_id == child.id for row in to_child)
    invitations = await outbox(db, "invite-mail:")
    assert [row.person_id for row in invitations][1:] == [child.id]
    assert invitations[1].key.startswith(f"invite-mail:{ref}:0:")


async def test_only_the_parent_of_a_booked_conversation_gives_an_address(
    db: AsyncEngine,
) -> None:
    ref = await accepted(db, "1", "d1")
    interviews = SqlInterviews(sessions(db))
    # no time booked yet
    assert await interviews.invite_by_mail("telegram", "1", ref, 0, ADDRESS,
                                           MONDAY) == "booking-not-available"
    await interviews.book("telegram", "1", ref, WEDNESDAY_TEN, MONDAY, 0, "ru")
    # not the owner; not a child of the application
    assert await interviews.invite_by_mail("telegram", "2", ref, 0, ADDRESS,
                                           MONDAY) == "booking-not-available"
    assert await interviews.invite_by_mail("telegram", "1", ref, 1, ADDRESS,
                                           MONDAY) == "booking-not-available"
    # after the conversation the invite is over
    after = datetime(2026, 11, 25, 12, 0, tzinfo=KZ_TZ)
    assert await interviews.invite_by_mail("telegram", "1", ref, 0, ADDRESS,
                                           after) == "booking-not-available"
    assert await outbox(db, "invite-mail:") == []
    async with sessions(db)() as session:
        assert await person_for(session, "email", ADDRESS) is None


async def test_siblings_sharing_one_address_each_reach_their_own_conversation(
    db: AsyncEngine,
) -> None:
    """Arman and Dana are invited to one address. Arman's conversation ended ten minutes
    ago (he may still add something for an hour) and Dana's is open: Arman's late mail, which
    carries his invite's code, goes into his transcript, not his sister's."""
    ref = await accepted(db, "1", "d1", SIBLINGS)
    maker = sessions(db)
    interviews, seats = SqlInterviews(maker), SqlSessions(maker)
    arman = await interviews.book("telegram", "1", ref, WEDNESDAY_TEN, MONDAY, 0, "ru")
    dana = await interviews.book("telegram", "1", ref, "202611251030", MONDAY, 1, "ru")
    assert isinstance(arman, Booking) and isinstance(dana, Booking)
    for child in (0, 1):
        assert await interviews.invite_by_mail("telegram", "1", ref, child, ADDRESS,
                                               MONDAY) is None
    ten = datetime(2026, 11, 25, 10, 0, tzinfo=KZ_TZ)
    assert await seats.start(int(ref), "staff:1", ten, 0) is None
    assert await seats.end(int(ref), "staff:1", ten + timedelta(minutes=20), 0) is not None
    assert await seats.start(int(ref), "staff:1", ten + timedelta(minutes=30), 1) is None
    desk = SessionMailDesk(SqlMailChildren(maker), seats, Localizer(), "ru", lambda: None)
    late = ten + timedelta(minutes=40)
    assert await desk.mail_in(ADDRESS, arman.code, "Я забыл сказать: я хочу к маме.", late) \
        == Localizer().render(Text("session-added"), "ru")
    async with maker() as session:
        rows = {row.child_position: row for row in (await session.scalars(
            select(InterviewSession).where(InterviewSession.application_id == int(ref))))}
    said = {child: " ".join(line["text"] for line in row.transcript["lines"])
            for child, row in rows.items()}
    assert "хочу к маме" in said[0] and "хочу к маме" not in said[1]
