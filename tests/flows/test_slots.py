"""Interview slots for the child-opinion hearing, pinned to real 2025-2026 dates."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from flows.calendar import KZ_TZ, LUNCH, OFFICE_CLOSE, OFFICE_OPEN, is_working_day
from flows.slots import (
    MIN_NOTICE,
    SLOT_MINUTES,
    TERM_WORKING_DAYS,
    Availability,
    Slot,
    candidate_slots,
    free_slots,
    term_days,
    term_end,
    times,
)

BERLIN = ZoneInfo("Europe/Berlin")

# Documents accepted on Monday 23 November 2026; "now" is that morning.
ACCEPTED = date(2026, 11, 23)
NOV_TERM = [date(2026, 11, 24), date(2026, 11, 25), date(2026, 11, 26), date(2026, 11, 27)]
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=KZ_TZ)


def kz(y: int, m: int, d: int, hh: int, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=KZ_TZ)


def hhmm(slots: list[Slot], day: date) -> list[str]:
    return [s.start.strftime("%H:%M") for s in slots if s.start.date() == day]


def keys(slots: list[Slot]) -> set[str]:
    return {s.key for s in slots}


def half_day(first: str, count: int) -> list[str]:
    start = datetime.combine(date(2026, 1, 1), time.fromisoformat(first))
    return [(start + timedelta(minutes=SLOT_MINUTES * i)).strftime("%H:%M") for i in range(count)]


OFFICE_DAY = half_day("09:00", 8) + half_day("14:30", 8)


# --- the term ---------------------------------------------------------------------------


def test_constants() -> None:
    assert SLOT_MINUTES == 30
    assert TERM_WORKING_DAYS == 4
    assert timedelta(hours=1) == MIN_NOTICE


def test_term_of_an_ordinary_week() -> None:
    assert term_end(ACCEPTED) == date(2026, 11, 27)  # Friday
    assert term_days(ACCEPTED) == NOV_TERM  # Tue 24 - Fri 27 November


def test_term_skips_independence_day() -> None:
    # 16 December is the only Independence Day holiday (17 December was dropped in 2022).
    assert not is_working_day(date(2026, 12, 16))
    assert is_working_day(date(2026, 12, 17))
    accepted = date(2026, 12, 15)  # Tuesday
    days = [date(2026, 12, 17), date(2026, 12, 18), date(2026, 12, 21), date(2026, 12, 22)]
    assert term_days(accepted) == days  # Thu 17, Fri 18, Mon 21, Tue 22 December
    assert term_end(accepted) == date(2026, 12, 22)  # Tuesday
    slots = free_slots(accepted, kz(2026, 12, 15, 12), set())
    assert sorted({s.start.date() for s in slots}) == days
    assert len(slots) == 4 * 16


def test_term_accepted_on_a_day_off_starts_on_the_next_working_day() -> None:
    assert term_days(date(2026, 11, 22)) == [  # Sunday
        date(2026, 11, 23),
        date(2026, 11, 24),
        date(2026, 11, 25),
        date(2026, 11, 26),
    ]


# --- candidates -------------------------------------------------------------------------


def test_sixteen_slots_a_day_none_at_lunch_or_after_closing() -> None:
    slots = candidate_slots(NOV_TERM)
    assert len(slots) == 64
    for day in NOV_TERM:
        assert hhmm(slots, day) == OFFICE_DAY
    assert slots == sorted(slots, key=lambda s: s.start)
    for s in slots:
        assert s.start.tzinfo == KZ_TZ
        assert s.end - s.start == timedelta(minutes=30)
        assert s.start.date() == s.end.date()
        assert s.start.time() >= OFFICE_OPEN
        assert s.end.time() <= OFFICE_CLOSE
        assert not (LUNCH[0] <= s.start.time() < LUNCH[1])
        assert s.end.time() <= LUNCH[0] or s.start.time() >= LUNCH[1]
    morning = [s for s in slots if s.start.date() == NOV_TERM[0] and s.start.time() < LUNCH[0]]
    assert len(morning) == 8
    assert slots[0].start == kz(2026, 11, 24, 9)
    assert slots[-1].start == kz(2026, 11, 27, 18) and slots[-1].end == kz(2026, 11, 27, 18, 30)


def test_candidates_skip_days_off_and_take_other_lengths() -> None:
    assert candidate_slots([date(2026, 11, 28), date(2026, 12, 16)]) == []  # Sat, holiday
    hour = candidate_slots([date(2026, 11, 24)], minutes=60)
    assert hhmm(hour, date(2026, 11, 24)) == [
        "09:00", "10:00", "11:00", "12:00", "14:30", "15:30", "16:30", "17:30",
    ]  # fmt: skip
    odd = candidate_slots([date(2026, 11, 24)], minutes=45)
    assert all(s.end.time() <= LUNCH[0] or s.start.time() >= LUNCH[1] for s in odd)
    assert max(s.end for s in odd) <= kz(2026, 11, 24, 18, 30)
    with pytest.raises(ValueError):
        candidate_slots(NOV_TERM, minutes=0)


def test_free_slots_of_a_fresh_term_are_the_candidates() -> None:
    slots = free_slots(ACCEPTED, NOW, set())
    assert slots == candidate_slots(NOV_TERM)
    end = datetime.combine(term_end(ACCEPTED) + timedelta(days=1), time(0), KZ_TZ)
    assert all(s.start.date() <= term_end(ACCEPTED) and s.end <= end for s in slots)


# --- what is taken away and added -------------------------------------------------------


def test_taken_keys_are_removed() -> None:
    taken = {"202611251000", "202611271800"}
    slots = free_slots(ACCEPTED, NOW, taken)
    assert len(slots) == 62
    assert not keys(slots) & taken
    assert {"202611250930", "202611251030", "202611271730"} <= keys(slots)


def test_a_slot_overlapping_a_booking_of_a_shifted_grid_is_removed() -> None:
    # 14:30 was booked; then staff opened 14:15-14:45, so the afternoon runs from 14:15.
    opened = Availability(opened=[(kz(2026, 11, 25, 14, 15), kz(2026, 11, 25, 14, 45))])
    wed = hhmm(free_slots(ACCEPTED, NOW, set(), opened), date(2026, 11, 25))
    assert wed == half_day("09:00", 8) + half_day("14:15", 8)  # 14:15 ... 17:45-18:15
    booked = hhmm(free_slots(ACCEPTED, NOW, {"202611251430"}, opened), date(2026, 11, 25))
    assert booked == half_day("09:00", 8) + half_day("15:15", 6)  # 14:15, 14:45 overlap it


def test_closed_ranges_remove_every_slot_they_touch() -> None:
    closed = Availability(
        closed=[
            (kz(2026, 11, 25, 10, 15), kz(2026, 11, 25, 11, 0)),  # 10:00 and 10:30
            (kz(2026, 11, 26, 15, 0), kz(2026, 11, 26, 15, 30)),  # exactly 15:00
            (kz(2026, 11, 27, 0, 0), kz(2026, 11, 28, 0, 0)),  # the whole Friday
        ]
    )
    slots = free_slots(ACCEPTED, NOW, set(), closed)
    wed = hhmm(slots, date(2026, 11, 25))
    assert "10:00" not in wed and "10:30" not in wed
    assert "09:30" in wed and "11:00" in wed  # touching ends do not overlap
    thu = hhmm(slots, date(2026, 11, 26))
    assert "15:00" not in thu and "14:30" in thu and "15:30" in thu
    assert hhmm(slots, date(2026, 11, 27)) == []
    assert len(slots) == 64 - 2 - 1 - 16


def test_closed_range_in_another_zone_is_the_same_instant() -> None:
    # 05:00-05:30 UTC = 10:00-10:30 in Astana.
    closed = Availability(
        closed=[(datetime(2026, 11, 24, 5, tzinfo=UTC), datetime(2026, 11, 24, 5, 30, tzinfo=UTC))]
    )
    assert "10:00" not in hhmm(free_slots(ACCEPTED, NOW, set(), closed), date(2026, 11, 24))


def test_opened_ranges_add_slots_on_working_days_of_the_term_only() -> None:
    opened = Availability(
        opened=[
            (kz(2026, 11, 25, 18, 30), kz(2026, 11, 25, 19, 30)),  # evening after closing
            (kz(2026, 11, 26, 13, 0), kz(2026, 11, 26, 14, 30)),  # over lunch
            (kz(2026, 11, 24, 7, 0), kz(2026, 11, 24, 8, 0)),  # early morning, apart
            (kz(2026, 11, 28, 10, 0), kz(2026, 11, 28, 12, 0)),  # Saturday: ignored
            (kz(2026, 11, 30, 10, 0), kz(2026, 11, 30, 12, 0)),  # Monday after term: ignored
            (kz(2026, 11, 23, 15, 0), kz(2026, 11, 23, 16, 0)),  # acceptance day: ignored
        ]
    )
    slots = free_slots(ACCEPTED, NOW, set(), opened)
    assert hhmm(slots, date(2026, 11, 25)) == [*OFFICE_DAY, "18:30", "19:00"]
    assert hhmm(slots, date(2026, 11, 26)) == half_day("09:00", 19)  # 9:00 - 18:30 in one run
    assert hhmm(slots, date(2026, 11, 24)) == ["07:00", "07:30", *OFFICE_DAY]
    assert {s.start.date() for s in slots} == set(NOV_TERM)
    assert len(slots) == 64 + 2 + 3 + 2
    assert slots == sorted(slots, key=lambda s: s.start)
    assert len(keys(slots)) == len(slots)


def test_an_opened_range_never_reaches_past_the_term() -> None:
    # Friday evening into Saturday night: cut at midnight, Saturday is not in the term.
    opened = Availability(opened=[(kz(2026, 11, 27, 18, 30), kz(2026, 11, 28, 2, 0))])
    slots = free_slots(ACCEPTED, NOW, set(), opened)
    assert slots[-1].start == kz(2026, 11, 27, 23, 30)
    assert slots[-1].end == kz(2026, 11, 28, 0, 0)
    assert all(s.start.date() <= term_end(ACCEPTED) for s in slots)


def test_closed_beats_opened() -> None:
    availability = Availability(
        opened=[(kz(2026, 11, 25, 18, 30), kz(2026, 11, 25, 19, 30))],
        closed=[(kz(2026, 11, 25, 19, 0), kz(2026, 11, 25, 19, 30))],
    )
    wednesday = hhmm(free_slots(ACCEPTED, NOW, set(), availability), date(2026, 11, 25))
    assert wednesday[-2:] == ["18:00", "18:30"]


def test_slots_within_an_hour_from_now_are_removed() -> None:
    now = kz(2026, 11, 24, 10, 10)
    slots = free_slots(ACCEPTED, now, set())
    assert slots[0].start == kz(2026, 11, 24, 11, 30)  # 11:00 < 11:10
    assert len(slots) == 64 - 5
    # Exactly one hour ahead is still fine; a UTC "now" is the same instant.
    at_nine = datetime(2026, 11, 24, 4, 0, tzinfo=UTC)  # 9:00 in Astana
    assert free_slots(ACCEPTED, at_nine, set())[0].start == kz(2026, 11, 24, 10, 0)
    # After the term nothing is left.
    assert free_slots(ACCEPTED, kz(2026, 11, 27, 17, 31), set()) == []


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError):
        free_slots(ACCEPTED, datetime(2026, 11, 23, 10, 0), set())
    with pytest.raises(ValueError):
        Slot(datetime(2026, 11, 24, 10), datetime(2026, 11, 24, 10, 30))
    naive = Availability(closed=[(datetime(2026, 11, 24, 10), datetime(2026, 11, 24, 11))])
    with pytest.raises(ValueError):
        free_slots(ACCEPTED, NOW, set(), naive)


# --- the child's age --------------------------------------------------------------------


def test_a_child_turning_ten_on_thursday_gets_slots_from_thursday() -> None:
    slots = free_slots(ACCEPTED, NOW, set(), birth=date(2016, 11, 26))
    assert sorted({s.start.date() for s in slots}) == [date(2026, 11, 26), date(2026, 11, 27)]
    assert len(slots) == 32
    assert free_slots(ACCEPTED, NOW, set(), birth=date(2016, 11, 28)) == []
    assert len(free_slots(ACCEPTED, NOW, set(), birth=date(2016, 11, 24))) == 64


def test_a_child_born_on_29_february_is_older_on_28_february() -> None:
    # Born 29 Feb 2012: 13 full years on Fri 28 Feb 2025 (a common year).
    accepted = date(2025, 2, 26)  # Wednesday
    days = [date(2025, 2, 27), date(2025, 2, 28), date(2025, 3, 3), date(2025, 3, 4)]
    assert term_days(accepted) == days
    now = datetime(2025, 2, 26, 10, tzinfo=KZ_TZ)
    slots = free_slots(accepted, now, set(), birth=date(2012, 2, 29), min_age=13)
    assert sorted({s.start.date() for s in slots}) == days[1:]


# --- a child in another time zone -------------------------------------------------------


def shift(slot: Slot, hours: int) -> str:
    return (slot.start.replace(tzinfo=None) + timedelta(hours=hours)).strftime("%H:%M")


def test_berlin_in_november_is_four_hours_behind() -> None:
    slots = free_slots(ACCEPTED, NOW, set())
    ten = next(s for s in slots if s.key == "202611251000")
    assert times(ten, BERLIN) == {
        "kz_start": "10:00",
        "kz_date": "25.11.2026",
        "child_start": "06:00",
        "child_date": "25.11.2026",
    }
    for s in slots:
        shown = times(s, BERLIN)
        assert shown["child_start"] == shift(s, -4)  # UTC+5 vs CET UTC+1
        assert shown["child_date"] == shown["kz_date"]


def test_berlin_in_june_is_three_hours_behind() -> None:
    accepted = date(2026, 6, 5)  # Friday
    days = [date(2026, 6, 8), date(2026, 6, 9), date(2026, 6, 10), date(2026, 6, 11)]
    assert term_days(accepted) == days
    slots = free_slots(accepted, datetime(2026, 6, 5, 12, tzinfo=KZ_TZ), set())
    assert len(slots) == 64
    ten = next(s for s in slots if s.key == "202606091000")
    assert times(ten, BERLIN)["child_start"] == "07:00"
    assert all(times(s, BERLIN)["child_start"] == shift(s, -3) for s in slots)  # CEST UTC+2


def test_a_term_across_the_end_of_summer_time_and_republic_day() -> None:
    # Republic Day, Sunday 25 October 2026, is observed on Monday 26 October.
    assert not is_working_day(date(2026, 10, 25))
    assert not is_working_day(date(2026, 10, 26))
    accepted = date(2026, 10, 22)  # Thursday
    days = [date(2026, 10, 23), date(2026, 10, 27), date(2026, 10, 28), date(2026, 10, 29)]
    assert term_days(accepted) == days  # Fri 23, Tue 27, Wed 28, Thu 29 October
    assert term_end(accepted) == date(2026, 10, 29)
    slots = free_slots(accepted, datetime(2026, 10, 22, 12, tzinfo=KZ_TZ), set())
    assert sorted({s.start.date() for s in slots}) == days
    # Berlin leaves CEST (UTC+2) for CET (UTC+1) on Sun 25 Oct 2026 at 03:00.
    before = next(s for s in slots if s.key == "202610231000")
    after = next(s for s in slots if s.key == "202610271000")
    assert times(before, BERLIN) == {
        "kz_start": "10:00",
        "kz_date": "23.10.2026",
        "child_start": "07:00",
        "child_date": "23.10.2026",
    }
    assert times(after, BERLIN) == {
        "kz_start": "10:00",
        "kz_date": "27.10.2026",
        "child_start": "06:00",
        "child_date": "27.10.2026",
    }
    for s in slots:
        hours = -3 if s.start.date() == date(2026, 10, 23) else -4
        assert times(s, BERLIN)["child_start"] == shift(s, hours)


def test_the_child_date_may_be_the_day_before() -> None:
    nine = Slot.from_key("202611250900")  # 04:00 UTC = 23:00 EST the day before
    assert times(nine, ZoneInfo("America/New_York")) == {
        "kz_start": "09:00",
        "kz_date": "25.11.2026",
        "child_start": "23:00",
        "child_date": "24.11.2026",
    }


@pytest.mark.parametrize("zone", [None, KZ_TZ, ZoneInfo("Asia/Tashkent"), ZoneInfo("Etc/GMT-5")])
def test_no_child_time_when_it_is_the_same_offset(zone: ZoneInfo | None) -> None:
    assert times(Slot.from_key("202611251000"), zone) == {
        "kz_start": "10:00",
        "kz_date": "25.11.2026",
    }


# --- keys -------------------------------------------------------------------------------


def test_key_round_trip() -> None:
    slots = free_slots(ACCEPTED, NOW, set())
    for s in slots:
        assert len(s.key) == 12 and s.key.isascii() and s.key.isdigit()
        assert Slot.from_key(s.key) == s
        assert Slot.from_key(s.key).key == s.key
    assert slots[0].key == "202611240900"
    hour = Slot.from_key("202611241430", minutes=60)
    assert (hour.start, hour.end) == (kz(2026, 11, 24, 14, 30), kz(2026, 11, 24, 15, 30))


def test_key_is_local_kazakhstan_time_whatever_the_input_zone() -> None:
    utc = Slot(datetime(2026, 11, 25, 5, tzinfo=UTC), datetime(2026, 11, 25, 5, 30, tzinfo=UTC))
    assert utc.key == "202611251000"
    assert utc.start.tzinfo == KZ_TZ
    assert utc == Slot.from_key("202611251000")


BAD_KEYS = [
    "",
    "20261125100",
    "2026112510000",
    "2026-11-25T10",
    "202613011000",  # month 13
    "202611251000\n",
    "２０２６１１２５１０００",  # fullwidth digits
]


@pytest.mark.parametrize("key", BAD_KEYS)
def test_bad_keys_are_refused(key: str) -> None:
    with pytest.raises(ValueError):
        Slot.from_key(key)


def test_a_slot_must_end_after_it_starts() -> None:
    with pytest.raises(ValueError):
        Slot(kz(2026, 11, 25, 10), kz(2026, 11, 25, 10))
