"""The calendar file of a booked interview, parsed back with icalendar."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from icalendar import Calendar

from flows.calendar import KZ_TZ
from flows.ics import calendar_invite
from flows.slots import Slot

SLOT = Slot.from_key("202611251000")  # Wed 25 Nov 2026, 10:00-10:30 in Astana
STAMP = datetime(2026, 11, 23, 10, 5, tzinfo=KZ_TZ)
SUMMARY = "Беседа с ребёнком: органы опеки, каб. 12"
DESCRIPTION = "Ребёнок подключается по видеосвязи; родитель присутствует.\nВозьмите паспорт."


def invite(**kwargs: str) -> bytes:
    args = {
        "uid": "interview-42@example.kz",
        "summary": SUMMARY,
        "description": DESCRIPTION,
        **kwargs,
    }
    return calendar_invite(SLOT, stamp=STAMP, **args)


def test_invite_parses_back() -> None:
    data = invite(location="Астана, ул. Бейбітшілік, 11")
    assert isinstance(data, bytes)
    assert data.startswith(b"BEGIN:VCALENDAR\r\n") and data.endswith(b"END:VCALENDAR\r\n")
    cal = Calendar.from_ical(data)
    assert str(cal["VERSION"]) == "2.0"
    assert cal.get("PRODID")
    events = cal.walk("VEVENT")
    assert len(events) == 1
    event = events[0]
    start = event.decoded("DTSTART")
    assert start == datetime(2026, 11, 25, 5, 0, tzinfo=UTC) == SLOT.start
    assert start.utcoffset() == timedelta(0)
    assert event.decoded("DTEND") == start + timedelta(minutes=30) == SLOT.end
    assert event.decoded("DTSTAMP") == STAMP
    assert str(event["UID"]) == "interview-42@example.kz"
    assert str(event["SUMMARY"]) == SUMMARY
    assert str(event["DESCRIPTION"]) == DESCRIPTION
    assert str(event["LOCATION"]) == "Астана, ул. Бейбітшілік, 11"


def test_times_are_written_in_utc_with_z() -> None:
    data = invite()
    assert b"DTSTART:20261125T050000Z\r\n" in data
    assert b"DTEND:20261125T053000Z\r\n" in data
    assert b"TZID" not in data
    assert b"LOCATION" not in data  # no empty property


def test_output_is_stable_for_the_same_stamp() -> None:
    assert invite() == invite()


def test_the_stamp_is_the_booking_moment_in_utc() -> None:
    booked = datetime(2026, 11, 23, 10, 15, tzinfo=KZ_TZ)
    data = calendar_invite(SLOT, "u@example.kz", "s", "d", stamp=booked)
    stamp = Calendar.from_ical(data).walk("VEVENT")[0].decoded("DTSTAMP")
    assert stamp == booked.astimezone(UTC)


def test_bad_input_is_refused() -> None:
    with pytest.raises(ValueError):
        invite(uid=" ")
    with pytest.raises(ValueError):
        calendar_invite(SLOT, "u", "s", "d", stamp=datetime(2026, 11, 23, 10))
