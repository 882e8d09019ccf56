"""A time the parent taps that is not free (any more) is refused with the true reason.

A times screen keeps its buttons while the clock moves on: the parent who looked at
Tuesday's times on Monday may tap 10:00 on Tuesday at noon. Before, every such tap read
"Sorry, someone has just taken that time", also when nobody had. Now:
- it has passed, or starts within the hour's notice: said so, and the days follow;
- another booking holds it: "just taken", as before;
- staff closed it: no longer offered;
- the whole term (4 working days after the check, seed 001 p. 5) is over: said so, staff are
  told, and no "choose another" followed by "no free time".

Pinned to documents accepted on Monday 23.11.2026: the term is Tue 24 - Fri 27 November.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest

from flows.booking import not_free
from flows.calendar import KZ_TZ
from flows.slots import Availability, term_over
from tests.flows.test_booking_screens import TEN, Bot, Interviews, opens_wednesday, taps_the_time

ACCEPTED = date(2026, 11, 23)
NONE_TAKEN: set[str] = set()


def at(day: int, hh: int, mm: int = 0) -> datetime:
    return datetime(2026, 11, day, hh, mm, tzinfo=KZ_TZ)


@pytest.mark.parametrize("now, key", [
    (at(24, 12), "202611241000"),  # two hours ago
    (at(24, 9, 40), "202611241030"),  # in 50 minutes: within the hour's notice
    (at(25, 8), "202611241600"),  # yesterday's
])
def test_a_time_that_has_passed_or_is_too_close_is_said_to_have_passed(
    now: datetime, key: str
) -> None:
    assert not_free(key, ACCEPTED, now, NONE_TAKEN, Availability()) == "booking-slot-passed"


def test_a_time_another_booking_holds_is_taken() -> None:
    assert not_free("202611251000", ACCEPTED, at(24, 12), {"202611251000"},
                    Availability()) == "booking-slot-taken"


def test_a_time_staff_closed_is_no_longer_offered() -> None:
    closed = Availability(closed=[(at(25, 9), at(25, 13))])
    assert not_free("202611251000", ACCEPTED, at(24, 12), NONE_TAKEN,
                    closed) == "booking-slot-gone"


@pytest.mark.parametrize("now", [at(30, 10), at(27, 17, 1), at(28, 9)])
def test_after_the_terms_last_time_the_term_has_ended(now: datetime) -> None:
    """Fri 27.11 18:00 is the last time; after 17:00 it is within the hour's notice."""
    assert term_over(ACCEPTED, now)
    assert not_free("202611271000", ACCEPTED, now, NONE_TAKEN,
                    Availability()) == "booking-term-ended"


def test_the_term_is_not_over_while_a_time_staff_opened_is_still_ahead() -> None:
    evening = Availability(opened=[(at(27, 18, 30), at(27, 21))])  # for a child in America
    assert not term_over(ACCEPTED, at(27, 17, 45), evening)
    assert term_over(ACCEPTED, at(27, 17, 45))
    assert not term_over(ACCEPTED, at(27, 17, 0))  # 18:00 is still an hour ahead


def test_closed_or_booked_times_do_not_end_the_term() -> None:
    """All of the rest closed: "no free time" (staff may open some), not "the term ended"."""
    closed = Availability(closed=[(at(24, 0), at(28, 0))])
    assert not term_over(ACCEPTED, at(24, 12), closed)


# ---------------------------------------------------------------------- what the parent sees


async def test_a_passed_time_is_said_so_and_the_days_follow() -> None:
    bot = Bot(Interviews(zone=None, refusal="booking-slot-passed"))
    chat = bot.started()
    await opens_wednesday(chat)
    bot.interviews.free.remove(TEN)  # the clock moved past it; 11:00 is still ahead
    await taps_the_time(chat, TEN)
    assert chat.said() == ["booking-slot-passed", "booking-ask-day"]
    assert bot.interviews.booked == []


async def test_a_time_tapped_after_the_term_says_it_ended_and_offers_nothing_else() -> None:
    bot = Bot(Interviews(zone=None, refusal="booking-term-ended"))
    chat = bot.started()
    await opens_wednesday(chat)
    bot.interviews.free.clear()  # the term is over
    await taps_the_time(chat, TEN)
    assert chat.said() == ["booking-term-ended", "menu-title"]
    assert bot.interviews.booked == [] and bot.interviews.alerted == 0  # told by storage


async def test_with_no_time_left_only_no_free_time_is_said() -> None:
    """Not "choose another" followed by "no free time": the second alone is true."""
    bot = Bot(Interviews(zone=None, refusal="booking-slot-passed"))
    chat = bot.started()
    await opens_wednesday(chat)
    bot.interviews.free.clear()  # the rest is closed or booked
    await taps_the_time(chat, TEN)
    assert chat.said() == ["booking-no-slots", "menu-title"]
    assert bot.interviews.alerted == 1
