"""Issue 18: a child abroad lives by another clock. Times between 21:00 and 07:00 in the
child's zone are marked 🌙 and offered after the others, and a parent whose days hold no
daytime time for the child is told so (pure: `flows.slots`, the screens of `flows.booking`).

Pinned to the term of documents accepted on Monday 23.11.2026: Tue 24 - Fri 27 November.
Berlin is then UTC+1, four hours behind Astana; Denver (UTC-7) is twelve hours behind, so
the office's 09:00-18:30 is 21:00-06:30 there: the whole term is the child's night.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flows import booking
from flows.calendar import KZ_TZ
from flows.messages import EventKind, IncomingEvent, Text
from flows.payloads import BookTime, Tap, unpack
from flows.ports import ConversationState, SlotOffer
from flows.slots import Slot, at_night, daytime_first, free_slots, has_daytime
from flows.turn import Turn

BERLIN = ZoneInfo("Europe/Berlin")
DENVER = ZoneInfo("America/Denver")
ACCEPTED = date(2026, 11, 23)
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=KZ_TZ)
WEDNESDAY = "20261125"


def at(hh: int, mm: int = 0, day: int = 25) -> Slot:
    """The 30-minute slot starting at hh:mm Astana time on that day of November 2026."""
    return Slot.from_key(f"202611{day:02d}{hh:02d}{mm:02d}")


def term() -> list[Slot]:
    return free_slots(ACCEPTED, NOW, set())


def starts(slots: list[Slot]) -> list[str]:
    return [slot.start.strftime("%H:%M") for slot in slots]


# ---------------------------------------------------------------------- the rule
def test_before_seven_in_berlin_is_the_childs_night() -> None:
    wednesday = [slot for slot in term() if slot.key.startswith(WEDNESDAY)]
    night = [slot for slot in wednesday if at_night(slot, BERLIN)]
    # 09:00-10:30 Astana is 05:00-06:30 Berlin: 4 of the 16 times (the count)
    assert starts(night) == ["09:00", "09:30", "10:00", "10:30"]
    assert len(wednesday) == 16


def test_the_night_is_21_to_7_and_a_slot_touching_it_is_in_it() -> None:
    assert at_night(at(10, 30), BERLIN)  # 06:30-07:00 Berlin: still before seven
    assert not at_night(at(11), BERLIN)  # 07:00-07:30 Berlin: morning
    evening = Slot(datetime(2026, 11, 25, 20, 30, tzinfo=BERLIN),
                   datetime(2026, 11, 25, 21, 0, tzinfo=BERLIN))
    assert not at_night(evening, BERLIN)  # ends as the night begins
    late = Slot(datetime(2026, 11, 25, 20, 45, tzinfo=BERLIN),
                datetime(2026, 11, 25, 21, 15, tzinfo=BERLIN))
    assert at_night(late, BERLIN)  # runs into the night
    midnight = Slot(datetime(2026, 11, 25, 23, 45, tzinfo=BERLIN),
                    datetime(2026, 11, 26, 0, 15, tzinfo=BERLIN))
    assert at_night(midnight, BERLIN)


def test_a_child_in_kazakhstan_has_no_night_to_mark() -> None:
    assert not at_night(at(9), None)
    assert has_daytime([at(9)], None)


def test_daytime_times_come_first_each_group_in_its_order() -> None:
    wednesday = [slot for slot in term() if slot.key.startswith(WEDNESDAY)]
    ordered = daytime_first(wednesday, BERLIN)
    assert starts(ordered) == [
        "11:00", "11:30", "12:00", "12:30", "14:30", "15:00", "15:30", "16:00", "16:30",
        "17:00", "17:30", "18:00", "09:00", "09:30", "10:00", "10:30"]
    assert daytime_first(wednesday, None) == wednesday  # no zone: the office's order


def test_office_hours_leave_no_daytime_for_a_child_in_denver() -> None:
    slots = term()
    assert slots and all(at_night(slot, DENVER) for slot in slots)
    assert not has_daytime(slots, DENVER)
    assert has_daytime(slots, BERLIN)


# ---------------------------------------------------------------------- the parent's screens
def turn() -> Turn:
    event = IncomingEvent("telegram", "1", EventKind.CHOICE)
    return Turn(ConversationState(language="kk"), event, NOW.date())


def offer(zone: str | None) -> SlotOffer:
    return SlotOffer("7", "МР-2026-00001", tuple(term()), zone, None)


def labels(shown: Turn) -> list[tuple[str, str]]:
    """(label id, the slot key its button books) of each time on the last screen."""
    found = []
    for row in shown.messages[-1].choices:
        for choice in row:
            tapped = unpack(Tap.bind(0, choice.payload))
            if isinstance(tapped, Tap) and isinstance(tapped.action, BookTime):
                found.append((choice.label.key, tapped.action.slot))
    return found


def test_the_times_screen_marks_the_childs_night_and_lists_it_last() -> None:
    shown = turn()
    booking.show_times(shown, offer("berlin"), WEDNESDAY)
    times = labels(shown)
    assert len(times) == 16
    assert [key[-4:] for _, key in times[-4:]] == ["0900", "0930", "1000", "1030"]
    assert {label for label, _ in times[-4:]} == {"booking-slot-night"}
    assert {label for label, _ in times[:-4]} == {"booking-slot"}
    parts = shown.messages[-1].parts
    assert parts[0] == Text("booking-night-mark", {"city": Text("city-berlin")})
    assert parts[-1] == Text("booking-ask-time")


def test_a_child_at_home_sees_the_times_as_before() -> None:
    shown = turn()
    booking.show_times(shown, offer(None), WEDNESDAY)
    times = labels(shown)
    assert {label for label, _ in times} == {"booking-slot"}
    assert [key[-4:] for _, key in times][:2] == ["0900", "0930"]
    assert shown.messages[-1].parts == (Text("booking-ask-time"),)


def test_the_parent_is_told_when_no_time_is_daytime_for_the_child() -> None:
    days = turn()
    booking.show_days(days, offer("us-denver"))
    message = days.messages[-1]
    assert message.parts[0] == Text("booking-no-daytime", {"city": Text("city-us-denver")})
    day_labels = {choice.label.key for row in message.choices for choice in row
                  if choice.label.key.startswith("booking-day")}
    assert day_labels == {"booking-day-night"}
    times = turn()
    booking.show_times(times, offer("us-denver"), WEDNESDAY)
    assert times.messages[-1].parts[0] == Text("booking-no-daytime-day",
                                               {"city": Text("city-us-denver")})

    berlin = turn()
    booking.show_days(berlin, offer("berlin"))
    assert berlin.messages[-1].parts == (Text("booking-ask-day", {"number": "МР-2026-00001"}),)
