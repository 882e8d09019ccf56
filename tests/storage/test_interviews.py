"""Booking the conversation with the child, on a real SQLite file."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.ext.asyncio import AsyncEngine

from flows.calendar import KZ_TZ
from flows.interview import COUNTRIES, slot_text
from flows.messages import Text
from flows.ports import Booking, ConversationState
from flows.slots import times
from storage.applications import SqlApplications
from storage.conversations import SqlConversationStore
from storage.db import sessions
from storage.interviews import SqlInterviews
from storage.models import Application, OutboxMessage
from storage.sessions import SqlSessions
from storage.staff import StaffDesk

MONDAY = datetime(2026, 11, 23, 10, 0, tzinfo=KZ_TZ)
# One child as the form asked before siblings were taken (flat child_* answers): such
# applications still book, invite and remind as they did (see also test_siblings below).
ANSWERS: dict[str, Any] = {
    "region": "astana", "body": "astana-edu", "surname": "Смагулова", "first_name": "Динара",
    "patronymic": None, "iin": "871008401427", "address": "г. Астана, пр. Мангилик Ел, 8",
    "phone": "+77011234567", "role": "parent", "child_surname": "Смагулов",
    "child_first_name": "Арман", "child_patronymic": None, "child_birth_date": "2013-03-10",
    "subject": "residence", "subject_details": "С кем жить", "lives": "abroad",
    "country": "de", "present": "applicant", "consent": "yes",
    "id_document": [], "other_documents": [],
}




async def accepted(db: AsyncEngine, user: str, draft: str,
                   answers: dict[str, Any] | None = None) -> str:
    maker = sessions(db)
    await SqlApplications(maker).submit("telegram", user, "interview", answers or ANSWERS,
                                        draft, MONDAY)
    (view,) = [v for v in await SqlApplications(maker).list_for("telegram", user)]
    result = await StaffDesk(maker).act(int(view.ref), "accept", "staff:1", {}, MONDAY)
    assert result.ok
    return view.ref


async def test_slots_lie_in_the_term_and_in_office_hours(db: AsyncEngine) -> None:
    ref = await accepted(db, "1", "d1")
    offer = await SqlInterviews(sessions(db)).offer("telegram", "1", ref, MONDAY)
    assert offer is not None and offer.zone == "berlin"
    days = sorted({slot.start.date().isoformat() for slot in offer.slots})
    assert days == ["2026-11-24", "2026-11-25", "2026-11-26", "2026-11-27"]
    for slot in offer.slots:
        local = slot.start.astimezone(KZ_TZ)
        assert "09:00" <= local.strftime("%H:%M") < "18:30"
        assert not ("13:00" <= local.strftime("%H:%M") < "14:30")


async def test_two_parents_at_the_same_instant_one_wins(db: AsyncEngine) -> None:
    first, second = await accepted(db, "1", "d1"), await accepted(db, "2", "d2")
    interviews = SqlInterviews(sessions(db))
    key = "202611241000"
    results = await asyncio.gather(
        interviews.book("telegram", "1", first, key, MONDAY),
        interviews.book("telegram", "2", second, key, MONDAY),
    )
    winners = [r for r in results if isinstance(r, Booking)]
    assert len(winners) == 1
    assert [r for r in results if isinstance(r, str)] == ["booking-slot-taken"]
    loser = "2" if winners[0].ref == first else "1"
    offer = await interviews.offer("telegram", loser, second if loser == "2" else first, MONDAY)
    assert offer is not None and key not in {slot.key for slot in offer.slots}
    assert offer.slots  # other times are offered


async def test_the_invite_is_single_use_and_expires(db: AsyncEngine) -> None:
    ref = await accepted(db, "1", "d1")
    interviews = SqlInterviews(sessions(db))
    booking = await interviews.book("telegram", "1", ref, "202611251430", MONDAY)
    assert isinstance(booking, Booking) and len(booking.code) == 8
    assert await interviews.join("telegram", "77", "WRONG123", MONDAY) == "invite-unknown"
    after = booking.slot.end + timedelta(hours=2)
    assert await interviews.join("telegram", "77", booking.code, after) == "invite-expired"
    joined = await interviews.join("telegram", "77", booking.code.lower(), MONDAY)
    assert not isinstance(joined, str) and joined.slot == booking.slot
    assert await interviews.join("telegram", "78", booking.code, MONDAY) == "invite-used"


async def test_reminders_follow_the_booking(db: AsyncEngine) -> None:
    ref = await accepted(db, "1", "d1")
    interviews = SqlInterviews(sessions(db))
    first = await interviews.book("telegram", "1", ref, "202611251430", MONDAY)
    assert isinstance(first, Booking)
    await interviews.book("telegram", "1", ref, "202611261000", MONDAY)  # rescheduled
    async with sessions(db)() as session:
        rows = (await session.scalars(select(OutboxMessage).where(
            OutboxMessage.key.startswith("remind:")))).all()
    pending = sorted((r.key, r.next_attempt_at) for r in rows if r.status == "pending")
    cancelled = [r.key for r in rows if r.status == "cancelled"]
    assert len(cancelled) == 4 and all("202611251430" in key for key in cancelled)
    assert [key.rsplit(":", 2)[1:] for key, _ in pending] == [
        ["1", "parent"], ["1", "staff"], ["24", "parent"], ["24", "staff"]]
    # 24 h before 26.11 10:00 Astana is 25.11 05:00 UTC
    times = {key.rsplit(":", 2)[1]: at for key, at in pending}
    assert times["24"] == datetime(2026, 11, 25, 5, 0)
    assert times["1"] == datetime(2026, 11, 26, 4, 0)


async def test_a_child_asking_for_another_time_is_told_to_the_parent_and_staff(
    db: AsyncEngine,
) -> None:
    ref = await accepted(db, "1", "d1")
    interviews = SqlInterviews(sessions(db))
    booking = await interviews.book("telegram", "1", ref, "202611251430", MONDAY)
    assert isinstance(booking, Booking)
    await interviews.join("whatsapp", "4915112345678", booking.code, MONDAY)
    await interviews.child_reply("whatsapp", "4915112345678", ref, confirmed=False)
    async with sessions(db)() as session:
        rows = (await session.scalars(select(OutboxMessage).where(
            OutboxMessage.key.startswith("child")))).all()
    assert sorted(r.audience for r in rows) == ["citizen", "staff"]
    assert all(r.payload["parts"][0]["key"] == "notify-child-another-time" for r in rows)


async def test_staff_closed_times_are_not_offered(db: AsyncEngine) -> None:
    ref = await accepted(db, "1", "d1")
    interviews = SqlInterviews(sessions(db))
    start = datetime(2026, 11, 25, 9, 0, tzinfo=KZ_TZ)
    await interviews.set_override("astana-edu", "close", start, start + timedelta(hours=4),
                                  "staff:1")
    offer = await interviews.offer("telegram", "1", ref, MONDAY)
    assert offer is not None
    on_wednesday = [s.key for s in offer.slots if s.key.startswith("20261125")]
    assert on_wednesday and all(key[8:] >= "1430" for key in on_wednesday)


async def test_no_free_time_alerts_staff(db: AsyncEngine) -> None:
    ref = await accepted(db, "1", "d1")
    await SqlInterviews(sessions(db)).no_slots("telegram", "1", ref)
    async with sessions(db)() as session:
        (row,) = (await session.scalars(select(OutboxMessage).where(
            OutboxMessage.key.startswith("no-slots:")))).all()
    assert row.audience == "staff"
    assert row.payload["parts"][0]["key"] == "staff-interview-no-slots"


SIBLINGS: dict[str, Any] = {
    **{key: value for key, value in ANSWERS.items() if not key.startswith("child_")},
    "children": [
        {"surname": "Смагулов", "first_name": "Арман", "patronymic": None,
         "birth_date": "2013-03-10"},
        {"surname": "Смагулова", "first_name": "Дана", "patronymic": None,
         "birth_date": "2014-05-05"}],
}


async def test_siblings_each_book_their_own_time_and_one_cancelled_leaves_the_other(
    db: AsyncEngine,
) -> None:
    ref = await accepted(db, "1", "d1", SIBLINGS)
    interviews = SqlInterviews(sessions(db))
    whole = await interviews.offer("telegram", "1", ref, MONDAY)
    assert whole is not None and whole.booked is None
    assert [(c.child, c.name, c.booked) for c in whole.children] == [
        (0, "Смагулов Арман", None), (1, "Смагулова Дана", None)]
    arman = await interviews.book("telegram", "1", ref, "202611251000", MONDAY, 0)
    dana = await interviews.book("telegram", "1", ref, "202611251030", MONDAY, 1)
    assert isinstance(arman, Booking) and isinstance(dana, Booking)
    assert (arman.child_name, dana.child_name) == ("Смагулов Арман", "Смагулова Дана")
    assert arman.code != dana.code  # each child their own invite
    # a brother's time is not offered to his sister
    offer = await interviews.offer("telegram", "1", ref, MONDAY, 1)
    assert offer is not None and offer.booked == dana.slot
    assert "202611251000" not in {slot.key for slot in offer.slots}
    invitation = await interviews.invitation("telegram", "77", dana.code, MONDAY)
    assert not isinstance(invitation, str) and invitation.child_name == "Дана"

    assert await interviews.cancel("telegram", "1", ref, 1)
    async with sessions(db)() as session:
        application = await session.get(Application, int(ref))
        reminders = (await session.scalars(select(OutboxMessage).where(
            OutboxMessage.key.startswith("remind:")))).all()
    assert application is not None and application.decision["booked"] == {"0": "202611251000"}
    assert {r.key.split(":")[2] for r in reminders if r.status == "pending"} == {"202611251000"}
    assert {r.key.split(":")[2] for r in reminders if r.status == "cancelled"} == {
        "202611251030"}
    # Tuesday: the parent is reminded of Dana alone, once
    tuesday = datetime(2026, 11, 24, 9, 0, tzinfo=KZ_TZ)
    assert await interviews.nudge_unbooked(tuesday.date(), tuesday) == 1
    async with sessions(db)() as session:
        (nudge,) = (await session.scalars(select(OutboxMessage).where(
            OutboxMessage.key.startswith("unbooked:")))).all()
    assert nudge.key == f"unbooked:{ref}:citizen:1"
    assert nudge.payload["parts"][0]["key"] == "booking-remind-parent-child"


async def test_a_typed_message_looks_for_a_seat_only_where_one_may_be(db: AsyncEngine) -> None:
    """Each typed message asks whether its sender sits in a conversation with a child. The
    turn's load already tells whether one may (issue 15): for someone in none, that costs no
    further statement; the parent and the child of an open conversation are still found."""
    ref = await accepted(db, "1", "d1")
    maker = sessions(db)
    interviews, seats = SqlInterviews(maker), SqlSessions(maker)
    store = SqlConversationStore(maker)
    booking = await interviews.book("telegram", "1", ref, "202611251430", MONDAY)
    assert isinstance(booking, Booking)
    assert not isinstance(await interviews.join("telegram", "77", booking.code, MONDAY), str)
    await store.save("telegram", "5", ConversationState(language="ru"))  # in no conversation
    assert await seats.start(int(ref), "staff:1", MONDAY) is None
    statements: list[str] = []
    event.listen(db.sync_engine, "before_cursor_execute",
                 lambda _c, _cursor, statement, *_rest: statements.append(statement))

    async def seat(user: str) -> tuple[str | None, int]:
        async with store.turn("telegram", user):
            await store.load("telegram", user)
            statements.clear()
            found = await seats.seat_of("telegram", user, MONDAY)
            return (None if found is None else found.role), len(statements)

    assert await seat("5") == (None, 0)
    assert await seat("1") == ("parent", 1)
    assert await seat("77") == ("child", 1)


async def test_a_child_in_a_country_not_on_the_list_is_offered_times_on_their_utc_clock(
    db: AsyncEngine,
) -> None:
    """Mexico City keeps UTC-6, eleven hours behind Astana: each time offered reads in both,
    and the night there (before 7:00) is marked as in Berlin."""
    elsewhere = {**ANSWERS, "country": "other", "country_name": "Мексика", "utc": "utcm6"}
    ref = await accepted(db, "1", "d1", elsewhere)
    offer = await SqlInterviews(sessions(db)).offer("telegram", "1", ref, MONDAY)
    assert offer is not None and offer.zone == "utcm6"
    slot = offer.slots[0]
    shown = times(slot, COUNTRIES.zone("utcm6").zone)
    there = slot.start.astimezone(KZ_TZ) - timedelta(hours=11)
    assert shown["child_start"] == there.strftime("%H:%M")
    assert slot_text(slot, offer.zone).args["city"] == Text("city-utc", {"offset": "−6"})
